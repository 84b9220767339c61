/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between minivm's structures (uapi/linux/minivm.h) and the VMM's own:
 * pure, so the translations are unit-tested against crafted run areas.
 */
#ifndef MINIVM_RUN_ACCEL_MINIVM_XLATE_H
#define MINIVM_RUN_ACCEL_MINIVM_XLATE_H

#include <stddef.h>

#include <linux/minivm.h>

#include "vcpu-state.h"
#include "vmm-exit.h"

void minivm_regs_to_vcpu(const struct minivm_regs *in, struct vcpu_regs *out);
void minivm_regs_from_vcpu(const struct vcpu_regs *in, struct minivm_regs *out);
void minivm_sregs_to_vcpu(const struct minivm_sregs *in, struct vcpu_sregs *out);
/* Padding and reserved fields come out zero, as SET_SREGS requires. */
void minivm_sregs_from_vcpu(const struct vcpu_sregs *in, struct minivm_sregs *out);

/* "IO", "X86_RDMSR", ... for a MINIVM_EXIT_* value; NULL for others. */
const char *minivm_exit_name(uint32_t exit_reason);

/*
 * Translate the exit in @run (@run_size bytes are mapped) into @exit.
 * Pointers in @exit point into @run. Returns 0, or -EPROTO with the
 * reason in @why when the run area makes no sense, for instance I/O data
 * that would lie outside the mapping.
 */
int minivm_translate_exit(struct minivm_run *run, size_t run_size,
			  struct vmm_exit *exit, char *why, size_t whylen);

#endif /* MINIVM_RUN_ACCEL_MINIVM_XLATE_H */
