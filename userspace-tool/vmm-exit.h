/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why the vCPU stopped, in the VMM's own terms. Each accelerator
 * translates its driver's run area (struct minivm_run, struct kvm_run)
 * into one struct vmm_exit after every RUN, and checks it while doing so,
 * so the VMM loop and the devices never see a driver's structures and
 * never have to distrust them.
 */
#ifndef MINIVM_RUN_VMM_EXIT_H
#define MINIVM_RUN_VMM_EXIT_H

#include <stdbool.h>
#include <stdint.h>

enum vmm_exit_reason {
	VMM_EXIT_UNKNOWN,	/* a reason this VMM does not handle */
	VMM_EXIT_IO,		/* IN/OUT: .io */
	VMM_EXIT_MMIO,		/* an access no memory backs: .mmio */
	VMM_EXIT_HLT,
	VMM_EXIT_SHUTDOWN,	/* triple fault */
	VMM_EXIT_FAIL_ENTRY,	/* the processor refused VM entry: .fail_entry */
	VMM_EXIT_INTERNAL_ERROR,/* the driver gave up on the guest: .internal */
	VMM_EXIT_INTR,		/* RUN returned EINTR (a signal, immediate exit) */
	VMM_EXIT_SYSTEM_EVENT,	/* the driver reports a power event: .system_event */
	VMM_EXIT_NR,
};

/* What kind of internal error, whatever number the driver gives it. */
enum vmm_internal_kind {
	VMM_INTERNAL_OTHER,		/* a suberror we do not know */
	VMM_INTERNAL_UNHANDLED_EXIT,	/* an exit the driver has no handler for */
	VMM_INTERNAL_DELIVERY_EV,	/* an exit while delivering an event */
	VMM_INTERNAL_EMULATION,		/* the instruction emulator gave up */
};

enum vmm_system_event {
	VMM_SYSTEM_EVENT_OTHER,
	VMM_SYSTEM_EVENT_SHUTDOWN,	/* the guest powered off */
	VMM_SYSTEM_EVENT_RESET,		/* the guest asked for a reset */
	VMM_SYSTEM_EVENT_CRASH,		/* the guest reported a crash */
};

#define VMM_EXIT_MAX_DATA	16

struct vmm_exit {
	enum vmm_exit_reason reason;
	uint32_t raw_reason;		/* the driver's exit_reason */
	const char *raw_name;		/* its name, "MINIVM_EXIT_IO", ... */

	union {
		/*
		 * count accesses of size bytes each, at data (inside the run
		 * area). OUT: the bytes written. IN: the VMM stores the bytes
		 * read there; the next RUN completes the instruction.
		 */
		struct {
			uint16_t port;
			uint8_t size;		/* 1, 2 or 4 */
			bool out;
			uint32_t count;
			uint8_t *data;
		} io;
		/* Same protocol: a read is completed from data by the next RUN. */
		struct {
			uint64_t addr;
			uint32_t len;		/* 1, 2, 4 or 8 */
			bool write;
			uint8_t *data;
		} mmio;
		struct {
			uint64_t hw_reason;	/* VM-instruction error, or exit reason */
			uint64_t qualification;	/* 0 where the driver gives none */
			uint32_t cpu;
		} fail_entry;
		struct {
			enum vmm_internal_kind kind;
			uint32_t suberror;	/* the driver's number */
			uint32_t ndata;		/* valid words of data[] */
			uint64_t data[VMM_EXIT_MAX_DATA];
			/* Decoded, where the driver's layout is known: */
			bool have_vmx;		/* the VMX exit, from data[] */
			uint64_t vmx_reason;	/* basic exit reason */
			uint64_t vmx_qualification;
			uint64_t vmx_insn_len;
			uint64_t vmx_idt_vectoring;
			bool have_rip;
			uint64_t rip;
			bool have_gpa;
			uint64_t gpa;
			uint8_t insn_len;	/* bytes of insn[], 0 if unknown */
			uint8_t insn[15];
		} internal;
		struct {
			enum vmm_system_event type;
			uint32_t raw_type;
		} system_event;
	};
};

/* "IO", "HLT", ... */
const char *vmm_exit_name(enum vmm_exit_reason reason);

#endif /* MINIVM_RUN_VMM_EXIT_H */
