/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 MMIO emulator: decode the instruction at CS:RIP and execute it,
 * turning accesses to guest-physical addresses that no RAM backs into
 * MMIO callbacks. Pure code: no kernel dependencies (see types.h).
 */
#ifndef MINIVM_X86_EMULATE_H
#define MINIVM_X86_EMULATE_H

#include "types.h"
#include "decode.h"
#include "walk.h"

/* Return codes of x86_emulate() and of the callbacks. */
enum x86_emu_result {
	/* done: ctxt->gpr/rip/rflags hold the new state */
	X86EMU_OK = 0,
	/*
	 * an MMIO read needs data from userspace: no state was changed;
	 * run x86_emulate() again, from scratch, once the data is there
	 */
	X86EMU_MMIO_PENDING,
	/*
	 * not an instruction we emulate (or a form we don't):
	 * ctxt->insn_bytes/insn_len say what it was
	 */
	X86EMU_UNHANDLED,
	/*
	 * the guest must take an exception: ctxt->fault_vector,
	 * fault_error_code (+ has_error_code), and for #PF fault_addr
	 * (-> CR2); no state changed otherwise
	 */
	X86EMU_FAULT,
};

/* Exception vectors the emulator raises */
#define X86EMU_VEC_UD	6
#define X86EMU_VEC_SS	12
#define X86EMU_VEC_GP	13
#define X86EMU_VEC_PF	14

/* RFLAGS bits */
#define X86EMU_FLAG_CF	BIT_ULL(0)
#define X86EMU_FLAG_PF	BIT_ULL(2)
#define X86EMU_FLAG_AF	BIT_ULL(4)
#define X86EMU_FLAG_ZF	BIT_ULL(6)
#define X86EMU_FLAG_SF	BIT_ULL(7)
#define X86EMU_FLAG_DF	BIT_ULL(10)
#define X86EMU_FLAG_OF	BIT_ULL(11)
#define X86EMU_FLAG_AC	BIT_ULL(18)
#define X86EMU_FLAGS_ARITH	(X86EMU_FLAG_CF | X86EMU_FLAG_PF | X86EMU_FLAG_AF | \
			 X86EMU_FLAG_ZF | X86EMU_FLAG_SF | X86EMU_FLAG_OF)

/* Control-register bits the walk looks at */
#define X86EMU_CR0_PE	BIT_ULL(0)
#define X86EMU_CR0_WP	BIT_ULL(16)
#define X86EMU_CR0_PG	BIT_ULL(31)
#define X86EMU_CR4_PSE	BIT_ULL(4)
#define X86EMU_CR4_PAE	BIT_ULL(5)
#define X86EMU_CR4_LA57	BIT_ULL(12)
#define X86EMU_CR4_SMEP	BIT_ULL(20)
#define X86EMU_CR4_SMAP	BIT_ULL(21)
#define X86EMU_EFER_LMA	BIT_ULL(10)
#define X86EMU_EFER_NXE	BIT_ULL(11)

struct x86_emu_ops {
	/*
	 * Guest-physical memory that is ordinary RAM. Return 0, or -1 when
	 * @gpa is not RAM (the emulator then treats it as MMIO).
	 */
	int (*read_ram)(void *opaque, u64 gpa, void *buf, unsigned int len);
	int (*write_ram)(void *opaque, u64 gpa, const void *buf,
			 unsigned int len);
	/*
	 * true when @gpa (one byte) is MMIO (not RAM, or a read-only slot
	 * for writes: @write says which access)
	 */
	bool (*is_mmio)(void *opaque, u64 gpa, bool write);
	/*
	 * MMIO accesses, len 1/2/4/8, never crossing a page. mmio_read
	 * returns X86EMU_OK with the data, or X86EMU_MMIO_PENDING when the
	 * caller must first ask userspace (the caller keeps a one-entry cache
	 * so the re-run finds the data). mmio_write returns X86EMU_OK (the
	 * caller queues the write for userspace). The emulator makes at most
	 * ONE mmio_write per x86_emulate() call, and only after every read it
	 * needs has succeeded.
	 */
	int (*mmio_read)(void *opaque, u64 gpa, void *buf, unsigned int len);
	int (*mmio_write)(void *opaque, u64 gpa, const void *buf,
			  unsigned int len);
};

struct x86_emu_ctxt {
	/* in: the vCPU state, filled by the caller */
	u64 gpr[16];	/* RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 */
	u64 rip, rflags;
	enum x86_mode mode;
	u64 seg_base[X86_NR_SEGS];
	u64 cr0, cr3, cr4, efer;	/* for the page walk (see walk.h) */
	u64 pdpte[4];	/* PAE paging (not long mode): the CPU's PDPTEs */
	u8 cpl;		/* 0..3, for U/S checks */
	const struct x86_emu_ops *ops;
	void *opaque;

	/* out */
	u8 insn_bytes[X86_MAX_INSN_LEN];
	/*
	 * X86EMU_OK, and UNHANDLED for a decoded form we don't emulate: the
	 * instruction's length. UNHANDLED for an opcode we don't decode:
	 * the bytes fetched (up to 15, fewer at a page that is not RAM).
	 */
	u8 insn_len;
	u8 fault_vector;
	bool fault_has_error_code;
	u32 fault_error_code;
	u64 fault_addr;

	/* the decoded instruction (valid once x86_emulate() decoded it) */
	struct x86_insn insn;
};

/* Decode and execute the instruction at CS.base + RIP. */
enum x86_emu_result x86_emulate(struct x86_emu_ctxt *ctxt);

/* The steps of a string port I/O instruction (see x86_string_io()). */
enum x86_sio_step {
	X86_SIO_OUT,		/* OUTS: gather elements from DS:rSI */
	X86_SIO_IN_PREPARE,	/* INS: how many elements ES:rDI can take */
	X86_SIO_IN_COMPLETE,	/* INS: store the port's elements at ES:rDI */
};

/*
 * INS/OUTS (with or without REP) at CS.base + RIP, which an I/O exit has
 * just named: move its elements between guest memory and @buf, at most
 * @max of them (the caller's buffer), so that the caller can do the port
 * side of all of them at once.
 *
 * X86_SIO_OUT fills @buf with *@n elements in port order and advances
 * rSI, rCX and (once rCX reaches 0, or without REP) RIP. With REP and
 * elements left, RIP stays on the instruction: the guest executes it
 * again, which exits again for the next batch.
 * X86_SIO_IN_PREPARE changes nothing and sets *@n to how many elements
 * the destination can take now; the caller reads that many from the port
 * and calls X86_SIO_IN_COMPLETE with them in @buf and the same *@n, which
 * stores them and advances rDI, rCX and RIP as for OUT.
 *
 * *@n is 0 for REP with rCX = 0 (the instruction is just skipped). An
 * element that faults ends the batch before it; X86EMU_FAULT only when
 * the first one does. The buffer must be in RAM: MMIO is UNHANDLED.
 * Segment limits are not checked (as for MMIO, see emulate.c).
 */
enum x86_emu_result x86_string_io(struct x86_emu_ctxt *ctxt,
				  enum x86_sio_step step, u8 *buf,
				  unsigned int max, unsigned int *n);

#endif /* MINIVM_X86_EMULATE_H */
