/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_VM_H
#define MINIVM_RUN_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/accel.h"
#include "boot/boot.h"
#include "guest-mem.h"

/* One VM with one vCPU on one accelerator: all minivm-run needs so far. */
struct vm {
	struct accel accel;
	struct accel_vcpu vcpu;
	struct guest_mem mem;
};

/*
 * Each of these either succeeds or prints one line and exits with the
 * documented status: there is nothing a VMM could do instead.
 */
void vm_init(struct vm *vm, const struct accel_ops *ops);
/* Guest RAM, split around the PCI hole if @pci_hole (see guest-mem.h). */
void vm_alloc_mem(struct vm *vm, uint64_t size, bool pci_hole);
/*
 * Open the driver (refusing one that lacks @needs), create the VM, its
 * in-kernel irqchip (with ACCEL_NEED_IRQCHIP), its memory slots and its
 * vCPU.
 */
void vm_create(struct vm *vm, unsigned int needs);
void vm_set_boot_state(struct vm *vm, const struct boot_cpu *cpu);
void vm_destroy(struct vm *vm);

#endif /* MINIVM_RUN_VM_H */
