/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_EXITCODE_H
#define MINIVM_RUN_EXITCODE_H

#include <stddef.h>
#include <stdint.h>
#include <sysexits.h>

#include "vcpu-state.h"
#include "vmm-exit.h"

/*
 * minivm-run's exit statuses; Documentation/minivm-run.rst has the table
 * and explains how they share the 0-255 range with debug-exit values.
 */
#define STATUS_HALTED		0		/* the guest executed HLT, powered off */
/*
 * The guest reset the machine (the i8042's reset line: Linux's reboot):
 * even, so never a debug-exit status, and below the sysexits.h range, so
 * never one of minivm-run's errors; not 0, so a script tells a reboot
 * from a power-off.
 */
#define STATUS_REBOOT		2
#define STATUS_USAGE		EX_USAGE	/* 64: bad command line */
#define STATUS_BAD_IMAGE	EX_DATAERR	/* 65: bad image, does not fit */
#define STATUS_NO_IMAGE		EX_NOINPUT	/* 66: cannot read an image */
#define STATUS_NO_DEVICE	EX_UNAVAILABLE	/* 69: cannot open the device */
#define STATUS_GUEST_CRASH	EX_SOFTWARE	/* 70: shutdown, failed entry... */
#define STATUS_OS_ERROR		EX_OSERR	/* 71: ioctl, mmap, API version */

/* The status a debug-exit write of @value ends minivm-run with. */
int exit_status_debug_exit(uint32_t value);

/*
 * The status to end with after an exit of @exit's kind, or -1 if it does
 * not end the run (I/O, MMIO, a signal).
 */
int exit_status_for_exit(const struct vmm_exit *exit);

/* KVM's name for a basic VMX exit reason (bits 15:0), or NULL. */
const char *vmx_exit_name(uint32_t basic_reason);

/*
 * The one line that explains why a run ended with STATUS_GUEST_CRASH:
 * exit reason, the driver's details and, where the caller could read
 * them (else NULL), the guest's CS:IP. @run_ioctl names the driver's RUN
 * ioctl ("MINIVM_RUN") for exits this VMM does not know.
 */
void format_crash(char *buf, size_t len, const struct vmm_exit *exit,
		  const char *run_ioctl, const struct vcpu_regs *regs,
		  const struct vcpu_sregs *sregs);

#endif /* MINIVM_RUN_EXITCODE_H */
