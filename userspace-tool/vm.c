// SPDX-License-Identifier: GPL-2.0
/*
 * Setting up a VM, whatever the accelerator: guest RAM, its memory slots,
 * the vCPU and its boot state. The driver specifics are behind accel/.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "exitcode.h"
#include "util.h"
#include "vm.h"

void vm_init(struct vm *vm, const struct accel_ops *ops)
{
	memset(vm, 0, sizeof(*vm));
	accel_init(&vm->accel, &vm->vcpu, ops);
}

void vm_alloc_mem(struct vm *vm, uint64_t size, bool pci_hole)
{
	char sz[32];
	void *mem;

	/*
	 * MAP_NORESERVE: a 1G guest that touches 64K should cost 64K. The
	 * drivers take a page only when the guest first touches it, so the
	 * untouched rest is never allocated at all. mmap() returns page-
	 * aligned memory, as the memory-slot ioctls require.
	 */
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die(STATUS_OS_ERROR, "cannot allocate %s of guest memory: %s",
		    format_size(size, sz, sizeof(sz)), strerror(errno));

	guest_mem_layout(&vm->mem, size, pci_hole);
	vm->mem.host = mem;
}

void vm_create(struct vm *vm, unsigned int needs)
{
	const struct accel_ops *ops = vm->accel.ops;

	ops->open(&vm->accel, needs);
	ops->create_vm(&vm->accel);
	/* Both drivers want the irqchip before the vCPU that gets an APIC. */
	if (needs & ACCEL_NEED_IRQCHIP)
		ops->create_irqchip(&vm->accel);

	/* Slot 0: RAM at 0; slot 1: what the PCI hole moved above 4 GiB. */
	ops->set_memory(&vm->accel, 0, 0, vm->mem.low_size, vm->mem.host);
	if (vm->mem.high_size)
		ops->set_memory(&vm->accel, 1, GUEST_HIGH_BASE, vm->mem.high_size,
				vm->mem.host + vm->mem.low_size);

	ops->create_vcpu(&vm->accel, &vm->vcpu, 0);
	ops->map_run(&vm->accel, &vm->vcpu);
	if (ops->set_cpuid)
		ops->set_cpuid(&vm->accel, &vm->vcpu);
}

void vm_set_boot_state(struct vm *vm, const struct boot_cpu *cpu)
{
	const struct accel_ops *ops = vm->accel.ops;
	struct vcpu_sregs sregs;
	int ret;

	/*
	 * Start from the driver's reset state and change only what the
	 * loader set, so the hidden parts the loader does not care about
	 * (TR, LDT) stay consistent with what the driver considers valid.
	 */
	ret = ops->get_sregs(&vm->vcpu, &sregs);
	if (ret)
		die(STATUS_OS_ERROR, "%sGET_SREGS: %s", ops->ioctl_prefix, strerror(-ret));
	boot_cpu_apply(cpu, &sregs);
	ret = ops->set_sregs(&vm->vcpu, &sregs);
	if (ret)
		die(STATUS_OS_ERROR, "%sSET_SREGS: %s", ops->ioctl_prefix, strerror(-ret));

	ret = ops->set_regs(&vm->vcpu, &cpu->regs);
	if (ret)
		die(STATUS_OS_ERROR, "%sSET_REGS: %s", ops->ioctl_prefix, strerror(-ret));
}

void vm_destroy(struct vm *vm)
{
	vm->accel.ops->destroy(&vm->accel, &vm->vcpu);
	/* The driver's references are gone: release the guest last. */
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size);
	vm->mem.host = NULL;
}
