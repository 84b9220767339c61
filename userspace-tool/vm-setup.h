/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_VM_SETUP_H
#define MINIVM_RUN_VM_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/minivm.h>

#define MINIVM_DEV	"/dev/minivm"

/* One VM with one vCPU: all minivm-run needs so far. */
struct vm {
	int sys_fd;			/* /dev/minivm */
	int vm_fd;
	int vcpu_fd;
	void *mem;			/* guest memory, slot 0 at guest-physical 0 */
	uint64_t mem_size;
	struct minivm_run *run;		/* the vCPU's shared run area */
	size_t run_size;
	bool immediate_exit;		/* MINIVM_CAP_IMMEDIATE_EXIT */
};

/*
 * Each of these either succeeds or prints one line and exits with the
 * documented status: there is nothing a VMM could do instead.
 */
void vm_alloc_mem(struct vm *vm, uint64_t size);
void vm_open_dev(struct vm *vm);
void vm_create(struct vm *vm);
void vm_set_boot_state(struct vm *vm);
void vm_destroy(struct vm *vm);

#endif /* MINIVM_RUN_VM_SETUP_H */
