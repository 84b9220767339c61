/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_VCPU_H
#define MINIVM_RUN_VCPU_H

#include "exits.h"
#include "vm.h"

/* Make SIGINT and SIGTERM stop the run loop instead of killing us. */
void vcpu_catch_signals(struct vm *vm);

/*
 * Run the vCPU until the guest is done. Returns the exit status, or
 * -signo when SIGINT/SIGTERM stopped it (the caller re-raises it).
 */
int vcpu_run(struct vm *vm, const struct vmm_devices *devs);

#endif /* MINIVM_RUN_VCPU_H */
