// SPDX-License-Identifier: GPL-2.0
/*
 * Setting up a VM through /dev/minivm: check the API, create the VM,
 * register guest memory, create the vCPU and give it its boot state.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exitcode.h"
#include "boot/flat.h"
#include "size.h"
#include "util.h"
#include "vm-setup.h"

void vm_alloc_mem(struct vm *vm, uint64_t size)
{
	char sz[32];
	void *mem;

	/*
	 * MAP_NORESERVE: a 1G guest that touches 64K should cost 64K. The
	 * module pins a page only when the guest first touches it, so the
	 * untouched rest is never allocated at all. mmap() returns page-
	 * aligned memory, as SET_USER_MEMORY_REGION requires.
	 */
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die(STATUS_OS_ERROR, "cannot allocate %s of guest memory: %s",
		    format_size(size, sz, sizeof(sz)), strerror(errno));

	vm->mem = mem;
	vm->mem_size = size;
}

static int check_extension(struct vm *vm, int cap, const char *name)
{
	int ret = ioctl(vm->sys_fd, MINIVM_CHECK_EXTENSION, cap);

	if (ret < 0)
		die(STATUS_OS_ERROR, "MINIVM_CHECK_EXTENSION(%s): %s",
		    name, strerror(errno));
	return ret;
}

void vm_open_dev(struct vm *vm)
{
	int version, ret;

	vm->sys_fd = open(MINIVM_DEV, O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0) {
		int err = errno;

		/*
		 * ENOENT: no node, the module never registered one.
		 * ENODEV/ENXIO: a stale node with no driver behind it.
		 */
		if (err == ENOENT || err == ENODEV || err == ENXIO)
			die(STATUS_NO_DEVICE,
			    "cannot open %s: %s (is the minivm module loaded? try 'insmod minivm.ko')",
			    MINIVM_DEV, strerror(err));
		die(STATUS_NO_DEVICE, "cannot open %s: %s", MINIVM_DEV, strerror(err));
	}

	version = ioctl(vm->sys_fd, MINIVM_GET_API_VERSION, 0);
	if (version < 0)
		die(STATUS_OS_ERROR, "MINIVM_GET_API_VERSION: %s", strerror(errno));
	if (version != MINIVM_API_VERSION)
		die(STATUS_OS_ERROR,
		    "minivm API version mismatch: the module has %d, minivm-run was built for %d",
		    version, MINIVM_API_VERSION);

	if (check_extension(vm, MINIVM_CAP_USER_MEMORY, "MINIVM_CAP_USER_MEMORY") <= 0)
		die(STATUS_OS_ERROR, "the minivm module lacks MINIVM_CAP_USER_MEMORY");

	/* The flat loader starts the vCPU in real mode: unrestricted guest. */
	if (check_extension(vm, MINIVM_CAP_UNRESTRICTED_GUEST,
			    "MINIVM_CAP_UNRESTRICTED_GUEST") <= 0)
		die(STATUS_OS_ERROR,
		    "the minivm module cannot run real-mode guests (no MINIVM_CAP_UNRESTRICTED_GUEST)");

	/* Optional: without it, stopping on a signal has a small race. */
	vm->immediate_exit = check_extension(vm, MINIVM_CAP_IMMEDIATE_EXIT,
					     "MINIVM_CAP_IMMEDIATE_EXIT") > 0;

	ret = ioctl(vm->sys_fd, MINIVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < 0)
		die(STATUS_OS_ERROR, "MINIVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	if ((size_t)ret < sizeof(struct minivm_run))
		die(STATUS_OS_ERROR,
		    "MINIVM_GET_VCPU_MMAP_SIZE is %d, smaller than struct minivm_run (%zu)",
		    ret, sizeof(struct minivm_run));
	vm->run_size = ret;
}

void vm_create(struct vm *vm)
{
	struct minivm_userspace_memory_region region = {
		.slot		 = 0,
		.guest_phys_addr = 0,
		.memory_size	 = vm->mem_size,
		.userspace_addr	 = (uintptr_t)vm->mem,
	};
	void *run;

	vm->vm_fd = ioctl(vm->sys_fd, MINIVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		if (errno == EBUSY)
			die(STATUS_OS_ERROR,
			    "MINIVM_CREATE_VM: %s (VMX is in use by another hypervisor; unload kvm_intel)",
			    strerror(errno));
		die(STATUS_OS_ERROR, "MINIVM_CREATE_VM: %s", strerror(errno));
	}

	if (ioctl(vm->vm_fd, MINIVM_SET_USER_MEMORY_REGION, &region) < 0)
		die(STATUS_OS_ERROR, "MINIVM_SET_USER_MEMORY_REGION (slot 0, %llu bytes at 0): %s",
		    (unsigned long long)vm->mem_size, strerror(errno));

	vm->vcpu_fd = ioctl(vm->vm_fd, MINIVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		die(STATUS_OS_ERROR, "MINIVM_CREATE_VCPU: %s", strerror(errno));

	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vm->vcpu_fd, 0);
	if (run == MAP_FAILED)
		die(STATUS_OS_ERROR, "cannot mmap the vCPU run area: %s", strerror(errno));
	vm->run = run;
}

void vm_set_boot_state(struct vm *vm)
{
	struct minivm_sregs sregs;
	struct minivm_regs regs;

	/*
	 * Start from the module's reset state and change only what the
	 * loader needs, so the hidden segment parts stay consistent with
	 * whatever the module considers a valid real-mode state.
	 */
	if (ioctl(vm->vcpu_fd, MINIVM_GET_SREGS, &sregs) < 0)
		die(STATUS_OS_ERROR, "MINIVM_GET_SREGS: %s", strerror(errno));
	flat_init_sregs(&sregs);
	if (ioctl(vm->vcpu_fd, MINIVM_SET_SREGS, &sregs) < 0)
		die(STATUS_OS_ERROR, "MINIVM_SET_SREGS: %s", strerror(errno));

	flat_init_regs(&regs);
	if (ioctl(vm->vcpu_fd, MINIVM_SET_REGS, &regs) < 0)
		die(STATUS_OS_ERROR, "MINIVM_SET_REGS: %s", strerror(errno));
}

void vm_destroy(struct vm *vm)
{
	/* Any order is safe (the module's contract); release the guest last. */
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	vm->run = NULL;
	vm->mem = NULL;
	vm->sys_fd = -1;
	vm->vm_fd = -1;
	vm->vcpu_fd = -1;
}
