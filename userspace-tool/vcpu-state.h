/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's register state in the VMM's own terms, the same for every
 * accelerator: the boot loaders fill it in, the VMM loop reads it for its
 * messages, and each accel/ implementation converts it to and from its
 * driver's structures (struct minivm_regs, struct kvm_sregs, ...).
 *
 * The fields mean what they mean in KVM's and minivm's APIs: segments are
 * unpacked, limits in bytes (already scaled by g), "unusable" is VMX's
 * segment-unusable flag.
 */
#ifndef MINIVM_RUN_VCPU_STATE_H
#define MINIVM_RUN_VCPU_STATE_H

#include <stdint.h>

struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx;
	uint64_t rsi, rdi, rsp, rbp;
	uint64_t r8,  r9,  r10, r11;
	uint64_t r12, r13, r14, r15;
	uint64_t rip, rflags;
};

struct vcpu_segment {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint8_t type;
	uint8_t present, dpl, db, s, l, g, avl;
	uint8_t unusable;
};

struct vcpu_dtable {
	uint64_t base;
	uint16_t limit;
};

struct vcpu_sregs {
	struct vcpu_segment cs, ds, es, fs, gs, ss;
	struct vcpu_segment tr, ldt;
	struct vcpu_dtable gdt, idt;
	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t efer;
	uint64_t apic_base;
};

/* Architectural bits the loaders and messages use. */
#define X86_CR0_PE	(1ULL << 0)
#define X86_CR0_ET	(1ULL << 4)
#define X86_CR0_NE	(1ULL << 5)
#define X86_CR0_NW	(1ULL << 29)
#define X86_CR0_CD	(1ULL << 30)
#define X86_CR0_PG	(1ULL << 31)
#define X86_CR4_PAE	(1ULL << 5)
#define X86_EFER_LME	(1ULL << 8)
#define X86_EFER_LMA	(1ULL << 10)
#define X86_RFLAGS_FIXED	(1ULL << 1)	/* bit 1 always reads 1 */
#define X86_RFLAGS_IF		(1ULL << 9)	/* interrupts enabled */

#endif /* MINIVM_RUN_VCPU_STATE_H */
