/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 instruction decoder for the MMIO emulator: only the instructions
 * that guests use on device memory (see decode.c for the list). It works
 * on bytes already fetched; it never touches guest state.
 */
#ifndef MINIVM_X86_DECODE_H
#define MINIVM_X86_DECODE_H

#include "types.h"

enum x86_seg {
	X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
	X86_NR_SEGS
};

/* The CPU mode the instruction was fetched in. */
enum x86_mode {
	X86_MODE_REAL,		/* CR0.PE = 0 (bases given by the caller) */
	X86_MODE_VM86,		/* EFLAGS.VM = 1 */
	X86_MODE_PROT16,	/* CS.D = 0 (also compatibility mode, CS.D = 0) */
	X86_MODE_PROT32,	/* CS.D = 1 (also compatibility mode, CS.D = 1) */
	X86_MODE_LONG64,	/* EFER.LMA = 1 and CS.L = 1 */
};

#define X86_MAX_INSN_LEN	15

/* x86 register numbers */
enum {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
};

/* What the instruction does. */
enum x86_op {
	X86_OP_ADD, X86_OP_OR, X86_OP_ADC, X86_OP_SBB,	/* ALU order: /0../7 */
	X86_OP_AND, X86_OP_SUB, X86_OP_XOR, X86_OP_CMP,
	X86_OP_TEST, X86_OP_NOT, X86_OP_NEG, X86_OP_INC, X86_OP_DEC,
	X86_OP_MOV, X86_OP_MOVZX, X86_OP_MOVSX, X86_OP_XCHG,
	X86_OP_BT, X86_OP_BTS, X86_OP_BTR, X86_OP_BTC,
	X86_OP_MOVS, X86_OP_STOS,
	X86_OP_INS, X86_OP_OUTS,
};

/* Where the operands are. "rm" is the ModRM r/m operand. */
enum x86_form {
	X86_FORM_RM_REG,	/* dst r/m, src ModRM.reg */
	X86_FORM_REG_RM,	/* dst ModRM.reg, src r/m */
	X86_FORM_RM_IMM,	/* dst r/m, src immediate */
	X86_FORM_RM,		/* r/m only (NOT, NEG, INC, DEC) */
	X86_FORM_ACC_MOFFS,	/* dst AL/eAX/RAX, src [moffs] (A0/A1) */
	X86_FORM_MOFFS_ACC,	/* dst [moffs], src AL/eAX/RAX (A2/A3) */
	X86_FORM_STRING,	/* MOVS/STOS/INS/OUTS: operands implied */
};

enum x86_decode_result {
	X86_DEC_OK,
	X86_DEC_SHORT,		/* needs more bytes than were given */
	X86_DEC_UNHANDLED,	/* not an instruction we emulate */
	X86_DEC_UD,		/* invalid (e.g. LOCK on a register form) */
	X86_DEC_GP,		/* longer than 15 bytes */
};

/* The decoded instruction. */
struct x86_insn {
	u8 len;
	u8 op;			/* enum x86_op */
	u8 form;		/* enum x86_form */
	u8 op_bytes;		/* operand size: 1, 2, 4, 8 */
	u8 src_bytes;		/* source size (differs for MOVZX/MOVSX) */
	u8 ad_bytes;		/* address size: 2, 4, 8 */
	u8 rex;			/* the REX byte, 0 if none */
	bool rep;		/* F3 or F2 (both mean REP for MOVS/STOS) */
	bool lock;
	s8 seg_override;	/* enum x86_seg, -1 if none */
	bool twobyte;		/* 0F escape */
	u8 opcode;

	/* ModRM */
	bool has_modrm;
	u8 mod, reg, rm;	/* reg and rm include REX.R / REX.B */

	/* The memory operand (r/m with mod != 3, moffs) */
	bool has_mem;
	u8 seg;			/* its segment: override or default */
	s8 base, index;		/* register numbers, -1 if none */
	u8 scale;		/* 1, 2, 4, 8 */
	bool rip_rel;		/* disp is relative to the next instruction */
	u64 disp;		/* sign-extended */

	u64 imm;		/* sign- or zero-extended to 64 bits */
};

/*
 * Decode @len bytes of @buf as one instruction in @mode. Returns X86_DEC_OK
 * with @insn filled in, X86_DEC_SHORT when the instruction needs more bytes
 * than @len (fetch more and call again), or an error.
 */
enum x86_decode_result x86_decode(struct x86_insn *insn, enum x86_mode mode,
				  const u8 *buf, unsigned int len);

#endif /* MINIVM_X86_DECODE_H */
