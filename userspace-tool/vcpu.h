/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_VCPU_H
#define MINIVM_RUN_VCPU_H

#include "devices/debug-exit.h"
#include "ioport.h"
#include "vm-setup.h"

/* Make SIGINT and SIGTERM stop the run loop instead of killing us. */
void vcpu_catch_signals(struct vm *vm);

/*
 * Run the vCPU until the guest is done. Returns the exit status, or
 * -signo when SIGINT/SIGTERM stopped it (the caller re-raises it).
 */
int vcpu_run(struct vm *vm, struct ioport_bus *bus, struct debug_exit *dx);

#endif /* MINIVM_RUN_VCPU_H */
