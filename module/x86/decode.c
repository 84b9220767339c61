// SPDX-License-Identifier: GPL-2.0
/*
 * x86 instruction decoder for MMIO emulation.
 *
 * An EPT violation on an address no slot backs tells us only the GPA, so
 * the faulting instruction has to be decoded from guest memory. Guests
 * touch device memory with a small set of instructions (what compilers
 * emit for readl/writel and friends, plus string copies), so this decodes
 * only those:
 *
 *   00-3B	ADD/OR/ADC/SBB/AND/SUB/XOR/CMP r/m,r and r,r/m
 *   63		MOVSXD (64-bit mode only)
 *   6C-6F	INS/OUTS (for string port I/O, not for MMIO: see pio.c)
 *   80-83	group 1: ALU r/m,imm (82 outside 64-bit mode)
 *   84-87	TEST r/m,r; XCHG r/m,r
 *   88-8B	MOV r/m,r; MOV r,r/m
 *   A0-A3	MOV accumulator <-> moffs
 *   A4/A5	MOVS;  AA/AB STOS
 *   C6/C7 /0	MOV r/m,imm
 *   F6/F7	/0 TEST r/m,imm; /2 NOT; /3 NEG
 *   FE/FF	/0 INC; /1 DEC
 *   0F A3/AB/B3/BB	BT/BTS/BTR/BTC r/m,r
 *   0F B6/B7/BE/BF	MOVZX/MOVSX
 *   0F BA /4-/7	BT/BTS/BTR/BTC r/m,imm8
 *
 * Everything else is X86_DEC_UNHANDLED. Register-only forms (mod = 3)
 * decode too: they cost nothing and let the tests compare whole
 * operations with the CPU.
 */
#include "decode.h"

/* How a one- or two-byte opcode decodes. */
struct opdesc {
	u8 op;			/* enum x86_op */
	u8 form;		/* enum x86_form */
	u8 flags;
};

#define D_VALID		0x01	/* an instruction we emulate */
#define D_BYTE		0x02	/* 8-bit operands */
#define D_LOCK		0x04	/* LOCK allowed (with a memory operand) */
#define D_IMM8		0x08	/* imm8, sign-extended */
#define D_IMM		0x10	/* imm16/imm32 by operand size, sign-extended */
#define D_SRC16		0x20	/* source is 16 bits (MOVZX/MOVSX ..B7/BF) */
#define D_SRC32		0x40	/* source is 32 bits (MOVSXD) */
#define D_GROUP		0x80	/* op depends on ModRM.reg: see group_op() */

static u8 alu_op(u8 b)
{
	return (b >> 3) & 7;	/* ADD OR ADC SBB AND SUB XOR CMP */
}

/*
 * One-byte opcodes. The 00-3F ALU block is computed (alu_op()) rather
 * than tabulated: its eight rows differ only in the operation.
 */
static struct opdesc onebyte(u8 b, enum x86_mode mode)
{
	struct opdesc d = { 0, 0, 0 };
	u8 lock = alu_op(b) == X86_OP_CMP ? 0 : D_LOCK;

	if (b < 0x40 && (b & 7) < 4) {
		d.op = alu_op(b);
		d.form = (b & 2) ? X86_FORM_REG_RM : X86_FORM_RM_REG;
		d.flags = D_VALID | ((b & 1) ? 0 : D_BYTE) |
			  ((b & 2) ? 0 : lock);
		return d;
	}
	switch (b) {
	case 0x63:
		/* ARPL outside 64-bit mode */
		if (mode == X86_MODE_LONG64)
			d = (struct opdesc){ X86_OP_MOVSX, X86_FORM_REG_RM,
					     D_VALID | D_SRC32 };
		break;
	case 0x80:
	case 0x81:
	case 0x82:
	case 0x83:
		/* 82 is 80 by another name, #UD in 64-bit mode */
		if (b == 0x82 && mode == X86_MODE_LONG64)
			break;
		d.op = 0;
		d.form = X86_FORM_RM_IMM;
		d.flags = D_VALID | D_GROUP | D_LOCK |
			  (b == 0x81 ? D_IMM : D_IMM8) |
			  ((b & 1) ? 0 : D_BYTE);
		break;
	case 0x84:
	case 0x85:
		d = (struct opdesc){ X86_OP_TEST, X86_FORM_RM_REG,
				     D_VALID | (b & 1 ? 0 : D_BYTE) };
		break;
	case 0x86:
	case 0x87:
		d = (struct opdesc){ X86_OP_XCHG, X86_FORM_RM_REG,
				     D_VALID | D_LOCK | (b & 1 ? 0 : D_BYTE) };
		break;
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
		d.op = X86_OP_MOV;
		d.form = (b & 2) ? X86_FORM_REG_RM : X86_FORM_RM_REG;
		d.flags = D_VALID | (b & 1 ? 0 : D_BYTE);
		break;
	case 0xa0:
	case 0xa1:
		d = (struct opdesc){ X86_OP_MOV, X86_FORM_ACC_MOFFS,
				     D_VALID | (b & 1 ? 0 : D_BYTE) };
		break;
	case 0xa2:
	case 0xa3:
		d = (struct opdesc){ X86_OP_MOV, X86_FORM_MOFFS_ACC,
				     D_VALID | (b & 1 ? 0 : D_BYTE) };
		break;
	case 0x6c:
	case 0x6d:
		d = (struct opdesc){ X86_OP_INS, X86_FORM_STRING,
				     D_VALID | (b & 1 ? 0 : D_BYTE) };
		break;
	case 0x6e:
	case 0x6f:
		d = (struct opdesc){ X86_OP_OUTS, X86_FORM_STRING,
				     D_VALID | (b & 1 ? 0 : D_BYTE) };
		break;
	case 0xa4:
	case 0xa5:
		d = (struct opdesc){ X86_OP_MOVS, X86_FORM_STRING,
				     D_VALID | (b & 1 ? 0 : D_BYTE) };
		break;
	case 0xaa:
	case 0xab:
		d = (struct opdesc){ X86_OP_STOS, X86_FORM_STRING,
				     D_VALID | (b & 1 ? 0 : D_BYTE) };
		break;
	case 0xc6:
		d = (struct opdesc){ X86_OP_MOV, X86_FORM_RM_IMM,
				     D_VALID | D_GROUP | D_BYTE | D_IMM8 };
		break;
	case 0xc7:
		d = (struct opdesc){ X86_OP_MOV, X86_FORM_RM_IMM,
				     D_VALID | D_GROUP | D_IMM };
		break;
	case 0xf6:
	case 0xf7:
	case 0xfe:
	case 0xff:
		/* form and immediate depend on ModRM.reg */
		d = (struct opdesc){ 0, X86_FORM_RM,
				     D_VALID | D_GROUP | (b & 1 ? 0 : D_BYTE) };
		break;
	}
	return d;
}

static struct opdesc twobyte(u8 b)
{
	struct opdesc d = { 0, 0, 0 };

	switch (b) {
	case 0xa3:
		d = (struct opdesc){ X86_OP_BT, X86_FORM_RM_REG, D_VALID };
		break;
	case 0xab:
		d = (struct opdesc){ X86_OP_BTS, X86_FORM_RM_REG,
				     D_VALID | D_LOCK };
		break;
	case 0xb3:
		d = (struct opdesc){ X86_OP_BTR, X86_FORM_RM_REG,
				     D_VALID | D_LOCK };
		break;
	case 0xbb:
		d = (struct opdesc){ X86_OP_BTC, X86_FORM_RM_REG,
				     D_VALID | D_LOCK };
		break;
	case 0xba:
		d = (struct opdesc){ X86_OP_BT, X86_FORM_RM_IMM,
				     D_VALID | D_GROUP | D_IMM8 | D_LOCK };
		break;
	case 0xb6:
	case 0xb7:
		d = (struct opdesc){ X86_OP_MOVZX, X86_FORM_REG_RM,
				     D_VALID | (b & 1 ? D_SRC16 : 0) };
		break;
	case 0xbe:
	case 0xbf:
		d = (struct opdesc){ X86_OP_MOVSX, X86_FORM_REG_RM,
				     D_VALID | (b & 1 ? D_SRC16 : 0) };
		break;
	}
	return d;
}

/*
 * Resolve a group opcode by ModRM.reg. Returns false for the members we
 * don't emulate (MUL, DIV, CALL, PUSH, ...).
 */
static bool group_op(struct x86_insn *insn, struct opdesc *d, u8 reg)
{
	if (!insn->twobyte && insn->opcode >= 0x80 && insn->opcode <= 0x83) {
		d->op = reg;	/* ADD OR ADC SBB AND SUB XOR CMP */
		if (reg == X86_OP_CMP)
			d->flags &= ~D_LOCK;
		return true;
	}
	if (!insn->twobyte && (insn->opcode == 0xc6 || insn->opcode == 0xc7))
		return reg == 0;	/* others: XABORT/XBEGIN, #UD */
	if (insn->twobyte) {		/* 0F BA: /4 BT .. /7 BTC */
		if (reg < 4)
			return false;
		d->op = X86_OP_BT + (reg - 4);
		if (reg == 4)
			d->flags &= ~D_LOCK;
		return true;
	}
	if (insn->opcode == 0xf6 || insn->opcode == 0xf7) {
		switch (reg) {
		case 0:
			d->op = X86_OP_TEST;
			d->form = X86_FORM_RM_IMM;
			d->flags |= (insn->opcode & 1) ? D_IMM : D_IMM8;
			return true;
		case 2:
			d->op = X86_OP_NOT;
			d->flags |= D_LOCK;
			return true;
		case 3:
			d->op = X86_OP_NEG;
			d->flags |= D_LOCK;
			return true;
		}
		return false;
	}
	/* FE / FF */
	if (reg > 1)
		return false;
	d->op = reg ? X86_OP_DEC : X86_OP_INC;
	d->flags |= D_LOCK;
	return true;
}

/* Bytes come from a bounded cursor: running out is X86_DEC_SHORT. */
struct cursor {
	const u8 *buf;
	unsigned int len, pos;
};

static bool get_u8(struct cursor *c, u8 *v)
{
	if (c->pos >= c->len || c->pos >= X86_MAX_INSN_LEN)
		return false;
	*v = c->buf[c->pos++];
	return true;
}

/* @n bytes little-endian, sign-extended to 64 bits */
static bool get_simm(struct cursor *c, unsigned int n, u64 *v)
{
	u64 x = 0;
	unsigned int i;
	u8 b;

	for (i = 0; i < n; i++) {
		if (!get_u8(c, &b))
			return false;
		x |= (u64)b << (8 * i);
	}
	if (n < 8 && (x >> (8 * n - 1)) & 1)
		x |= ~0ULL << (8 * n);
	*v = x;
	return true;
}

/*
 * When we ran out of bytes: at 15 the instruction is too long (#GP),
 * else the caller should fetch more.
 */
static enum x86_decode_result short_or_gp(const struct cursor *c)
{
	return c->pos >= X86_MAX_INSN_LEN ? X86_DEC_GP : X86_DEC_SHORT;
}

/* 16-bit ModRM addressing: the fixed BX/BP + SI/DI combinations. */
static bool decode_ea16(struct x86_insn *insn, struct cursor *c)
{
	static const s8 base16[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP,
				      -1, -1, X86_RBP, X86_RBX };
	static const s8 index16[8] = { X86_RSI, X86_RDI, X86_RSI, X86_RDI,
				       X86_RSI, X86_RDI, -1, -1 };
	u8 rm = insn->rm & 7;

	insn->base = base16[rm];
	insn->index = index16[rm];
	if (insn->mod == 0 && rm == 6) {	/* [disp16] */
		insn->base = -1;
		return get_simm(c, 2, &insn->disp);
	}
	/* BP-based forms default to SS */
	if (insn->base == X86_RBP)
		insn->seg = X86_SEG_SS;
	if (insn->mod == 1)
		return get_simm(c, 1, &insn->disp);
	if (insn->mod == 2)
		return get_simm(c, 2, &insn->disp);
	return true;
}

/* 32/64-bit ModRM addressing with SIB and RIP-relative forms. */
static bool decode_ea32(struct x86_insn *insn, struct cursor *c,
			enum x86_mode mode)
{
	u8 rex_b = (insn->rex & 1) << 3;
	u8 base = insn->rm & 7;
	u8 sib;

	if (base == 4) {
		if (!get_u8(c, &sib))
			return false;
		insn->scale = 1 << (sib >> 6);
		insn->index = ((sib >> 3) & 7) | ((insn->rex & 2) << 2);
		if (insn->index == X86_RSP)	/* 100 without REX.X: none */
			insn->index = -1;
		base = sib & 7;
		if (base == 5 && insn->mod == 0) {	/* no base, disp32 */
			insn->base = -1;
			return get_simm(c, 4, &insn->disp);
		}
	} else if (base == 5 && insn->mod == 0) {
		/* [disp32]; in 64-bit mode it is [RIP + disp32] instead */
		insn->base = -1;
		insn->rip_rel = mode == X86_MODE_LONG64;
		return get_simm(c, 4, &insn->disp);
	}
	/* ESP/EBP as base default to SS; R12/R13 (REX.B) do not */
	if (base == X86_RSP || base == X86_RBP)
		insn->seg = X86_SEG_SS;
	insn->base = base | rex_b;
	if (insn->mod == 1)
		return get_simm(c, 1, &insn->disp);
	if (insn->mod == 2)
		return get_simm(c, 4, &insn->disp);
	return true;
}

static bool is_legacy_prefix(u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	}
	return false;
}

static s8 prefix_seg(u8 b)
{
	switch (b) {
	case 0x26: return X86_SEG_ES;
	case 0x2e: return X86_SEG_CS;
	case 0x36: return X86_SEG_SS;
	case 0x3e: return X86_SEG_DS;
	case 0x64: return X86_SEG_FS;
	case 0x65: return X86_SEG_GS;
	}
	return -1;
}

enum x86_decode_result x86_decode(struct x86_insn *insn, enum x86_mode mode,
				  const u8 *buf, unsigned int len)
{
	struct cursor c = { buf, len, 0 };
	bool long64 = mode == X86_MODE_LONG64;
	bool opsize = false, adsize = false;
	struct opdesc d;
	unsigned int imm_bytes = 0;
	u8 b;

	memset(insn, 0, sizeof(*insn));
	insn->seg_override = -1;
	insn->base = -1;
	insn->index = -1;
	insn->scale = 1;

	/*
	 * Prefixes. REX counts only in 64-bit mode and only right before
	 * the opcode: a legacy prefix after it makes the CPU ignore it.
	 */
	for (;;) {
		if (!get_u8(&c, &b))
			return short_or_gp(&c);
		if (long64 && (b & 0xf0) == 0x40) {
			insn->rex = b;
			continue;
		}
		if (!is_legacy_prefix(b))
			break;
		insn->rex = 0;
		if (b == 0x66)
			opsize = true;
		else if (b == 0x67)
			adsize = true;
		else if (b == 0xf0)
			insn->lock = true;
		else if (b == 0xf2 || b == 0xf3)
			insn->rep = true;
		else
			insn->seg_override = prefix_seg(b);
	}

	insn->opcode = b;
	if (b == 0x0f) {
		insn->twobyte = true;
		if (!get_u8(&c, &b))
			return short_or_gp(&c);
		insn->opcode = b;
		d = twobyte(b);
	} else {
		d = onebyte(b, mode);
	}
	if (!(d.flags & D_VALID))
		return X86_DEC_UNHANDLED;

	/* Sizes: 16-bit modes default to 16, 32-bit to 32, 64-bit to 32/64 */
	if (long64) {
		insn->ad_bytes = adsize ? 4 : 8;
		insn->op_bytes = (insn->rex & 8) ? 8 : opsize ? 2 : 4;
	} else if (mode == X86_MODE_PROT32) {
		insn->ad_bytes = adsize ? 2 : 4;
		insn->op_bytes = opsize ? 2 : 4;
	} else {
		insn->ad_bytes = adsize ? 4 : 2;
		insn->op_bytes = opsize ? 4 : 2;
	}
	if (d.flags & D_BYTE)
		insn->op_bytes = 1;
	/* ports are at most 32 bits wide: REX.W does not widen INS/OUTS */
	if ((d.op == X86_OP_INS || d.op == X86_OP_OUTS) && insn->op_bytes == 8)
		insn->op_bytes = 4;

	/* ModRM and the memory operand */
	if (d.form != X86_FORM_ACC_MOFFS && d.form != X86_FORM_MOFFS_ACC &&
	    d.form != X86_FORM_STRING) {
		u8 modrm;

		if (!get_u8(&c, &modrm))
			return short_or_gp(&c);
		insn->has_modrm = true;
		insn->mod = modrm >> 6;
		insn->reg = ((modrm >> 3) & 7) | ((insn->rex & 4) << 1);
		insn->rm = (modrm & 7) | ((insn->rex & 1) << 3);
		if ((d.flags & D_GROUP) && !group_op(insn, &d, (modrm >> 3) & 7))
			return X86_DEC_UNHANDLED;
		if (insn->mod != 3) {
			bool ok;

			insn->has_mem = true;
			insn->seg = X86_SEG_DS;
			if (insn->ad_bytes == 2)
				ok = decode_ea16(insn, &c);
			else
				ok = decode_ea32(insn, &c, mode);
			if (!ok)
				return short_or_gp(&c);
		}
	} else if (d.form != X86_FORM_STRING) {
		/* moffs: an address-size offset, no ModRM */
		insn->has_mem = true;
		insn->seg = X86_SEG_DS;
		if (!get_simm(&c, insn->ad_bytes, &insn->disp))
			return short_or_gp(&c);
		/* an offset, not a displacement: no sign extension */
		if (insn->ad_bytes < 8)
			insn->disp &= (1ULL << (8 * insn->ad_bytes)) - 1;
	}
	if (insn->has_mem && insn->seg_override >= 0)
		insn->seg = insn->seg_override;

	insn->op = d.op;
	insn->form = d.form;
	insn->src_bytes = insn->op_bytes;
	if (d.flags & D_SRC16)
		insn->src_bytes = 2;
	else if (d.op == X86_OP_MOVZX || d.op == X86_OP_MOVSX)
		insn->src_bytes = (d.flags & D_SRC32) ? 4 : 1;
	/* MOVSXD without REX.W is a plain 32- or 16-bit move */
	if (insn->src_bytes > insn->op_bytes)
		insn->src_bytes = insn->op_bytes;

	/* BT* have no 8-bit form; 0F BA's imm8 is the bit offset */
	if (d.flags & D_IMM8)
		imm_bytes = 1;
	else if (d.flags & D_IMM)
		imm_bytes = insn->op_bytes == 2 ? 2 : insn->op_bytes == 1 ? 1 : 4;
	if (imm_bytes && !get_simm(&c, imm_bytes, &insn->imm))
		return short_or_gp(&c);

	/* LOCK needs a lockable instruction with a memory destination */
	if (insn->lock && (!(d.flags & D_LOCK) || !insn->has_mem))
		return X86_DEC_UD;

	insn->len = c.pos;
	return X86_DEC_OK;
}
