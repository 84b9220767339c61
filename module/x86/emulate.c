// SPDX-License-Identifier: GPL-2.0
/*
 * x86 MMIO emulator: fetch, decode (decode.c) and execute one instruction
 * whose memory operand may be MMIO.
 *
 * Restartability is the rule everything here follows: an MMIO read may
 * have to go to userspace (X86EMU_MMIO_PENDING), after which the caller
 * runs us again from scratch. So every translation is done first, then
 * every read, then at most one write, and the registers are staged in a
 * copy and committed last. A fault or PENDING leaves the vCPU untouched.
 *
 * Simplifications (documented, not bugs):
 *  - segment limits and access rights are not checked (a guest that maps
 *    MMIO beyond a segment limit gets the access instead of #GP);
 *  - an MMIO access that crosses a page is X86EMU_UNHANDLED (RAM accesses
 *    that cross are split);
 *  - AF after AND/OR/XOR/TEST is undefined on the CPU: we leave it as it
 *    was; BT* change only CF (OF/SF/AF/PF are undefined there too);
 *  - a 32-bit register write zero-extends to 64 bits in every mode;
 *  - F2 before MOVS/STOS is taken as REP, as the CPU does.
 */
#include "emulate.h"

/* Register state, staged until the instruction has completed. */
struct state {
	struct x86_emu_ctxt *ctxt;
	const struct x86_insn *in;
	u64 gpr[16];
	u64 rflags;
	u64 next_rip;
};

/* A memory operand, translated. */
struct mem {
	u64 la;			/* linear address */
	unsigned int len;
	bool write;		/* will be written */
	bool mmio_read, mmio_write;
	u64 gpa[2];		/* second page if it crosses one */
	unsigned int len0;	/* bytes in the first page */
};

static u64 size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

static u64 sign_bit(unsigned int bytes)
{
	return 1ULL << (8 * bytes - 1);
}

static u64 sext(u64 v, unsigned int bytes)
{
	v &= size_mask(bytes);
	if (bytes < 8 && (v & sign_bit(bytes)))
		v |= ~size_mask(bytes);
	return v;
}

static u64 load_le(const u8 *b, unsigned int len)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (u64)b[i] << (8 * i);
	return v;
}

static void store_le(u8 *b, u64 v, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		b[i] = v >> (8 * i);
}

static enum x86_emu_result raise(struct x86_emu_ctxt *ctxt, u8 vector)
{
	ctxt->fault_vector = vector;
	ctxt->fault_has_error_code = vector != X86EMU_VEC_UD;
	ctxt->fault_error_code = 0;
	ctxt->fault_addr = 0;
	return X86EMU_FAULT;
}

/* 48-bit canonical: bits 63:47 all equal (57-bit paging is UNHANDLED) */
static bool canonical(u64 la)
{
	u64 top = la >> 47;

	return top == 0 || top == (~0ULL >> 47);
}

/* AH, CH, DH, BH: registers 4-7 of an 8-bit operand without REX */
static bool high_byte(const struct state *st, unsigned int reg,
		      unsigned int bytes)
{
	return bytes == 1 && !st->in->rex && reg >= 4 && reg < 8;
}

static u64 reg_read(const struct state *st, unsigned int reg,
		    unsigned int bytes)
{
	if (high_byte(st, reg, bytes))
		return (st->gpr[reg - 4] >> 8) & 0xff;
	return st->gpr[reg] & size_mask(bytes);
}

/* 8/16-bit writes keep the upper bits, 32-bit writes zero-extend */
static void reg_write(struct state *st, unsigned int reg, unsigned int bytes,
		      u64 val)
{
	u64 *r;

	if (high_byte(st, reg, bytes)) {
		r = &st->gpr[reg - 4];
		*r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
		return;
	}
	r = &st->gpr[reg];
	if (bytes >= 4)
		*r = val & size_mask(bytes);
	else
		*r = (*r & ~size_mask(bytes)) | (val & size_mask(bytes));
}

static u64 seg_base(const struct state *st, unsigned int seg)
{
	/* 64-bit mode ignores the bases of ES, CS, SS and DS */
	if (st->ctxt->mode == X86_MODE_LONG64 && seg < X86_SEG_FS)
		return 0;
	return st->ctxt->seg_base[seg];
}

/* Effective address of the ModRM/moffs operand, wrapped to address size */
static u64 modrm_ea(const struct state *st)
{
	const struct x86_insn *in = st->in;
	u64 ea = in->disp;

	if (in->base >= 0)
		ea += st->gpr[in->base];
	if (in->index >= 0)
		ea += st->gpr[in->index] * in->scale;
	if (in->rip_rel)
		ea += st->next_rip;
	return ea & size_mask(in->ad_bytes);
}

/* Linear address of @ea in @seg; #GP/#SS if not canonical. */
static enum x86_emu_result linear(struct state *st, unsigned int seg, u64 ea,
				  unsigned int len, u64 *la)
{
	u64 a = seg_base(st, seg) + ea;

	if (st->ctxt->mode != X86_MODE_LONG64) {
		*la = a & 0xffffffff;
		return X86EMU_OK;
	}
	if (!canonical(a) || !canonical(a + len - 1))
		return raise(st->ctxt, seg == X86_SEG_SS ? X86EMU_VEC_SS :
				       X86EMU_VEC_GP);
	*la = a;
	return X86EMU_OK;
}

static unsigned int walk_access(const struct state *st, bool write)
{
	return (write ? X86_WALK_WRITE : 0) |
	       (st->ctxt->cpl == 3 ? X86_WALK_USER : 0);
}

/*
 * Translate an operand of @len bytes at @seg:@ea and find out whether it
 * is RAM or MMIO. RMW operands are translated as writes, as the CPU does
 * (their #PF has W set).
 */
static enum x86_emu_result mem_prepare(struct state *st, struct mem *m,
				       unsigned int seg, u64 ea,
				       unsigned int len, bool write)
{
	struct x86_emu_ctxt *ctxt = st->ctxt;
	unsigned int access = walk_access(st, write);
	enum x86_emu_result ret;
	u64 la1;

	memset(m, 0, sizeof(*m));
	m->len = len;
	m->write = write;
	ret = linear(st, seg, ea, len, &m->la);
	if (ret)
		return ret;
	m->len0 = 0x1000 - (m->la & 0xfff);
	if (m->len0 > len)
		m->len0 = len;
	ret = x86_walk(ctxt, m->la, access, &m->gpa[0]);
	if (ret)
		return ret;
	m->mmio_read = ctxt->ops->is_mmio(ctxt->opaque, m->gpa[0], false);
	m->mmio_write = write &&
			ctxt->ops->is_mmio(ctxt->opaque, m->gpa[0], true);
	if (m->len0 == len)
		return X86EMU_OK;

	la1 = m->la + m->len0;
	if (ctxt->mode != X86_MODE_LONG64)
		la1 &= 0xffffffff;
	ret = x86_walk(ctxt, la1, access, &m->gpa[1]);
	if (ret)
		return ret;
	/* MMIO callbacks never cross a page: rare enough to punt */
	if (m->mmio_read || m->mmio_write ||
	    ctxt->ops->is_mmio(ctxt->opaque, m->gpa[1], write))
		return X86EMU_UNHANDLED;
	return X86EMU_OK;
}

static enum x86_emu_result mem_read(struct state *st, const struct mem *m,
				    u64 *val)
{
	struct x86_emu_ctxt *ctxt = st->ctxt;
	u8 b[8];
	int ret;

	if (m->mmio_read) {
		ret = ctxt->ops->mmio_read(ctxt->opaque, m->gpa[0], b, m->len);
		if (ret == X86EMU_MMIO_PENDING)
			return X86EMU_MMIO_PENDING;
		if (ret != X86EMU_OK)
			return X86EMU_UNHANDLED;
	} else {
		if (ctxt->ops->read_ram(ctxt->opaque, m->gpa[0], b, m->len0))
			return X86EMU_UNHANDLED;
		if (m->len0 < m->len &&
		    ctxt->ops->read_ram(ctxt->opaque, m->gpa[1], b + m->len0,
					m->len - m->len0))
			return X86EMU_UNHANDLED;
	}
	*val = load_le(b, m->len);
	return X86EMU_OK;
}

/* The instruction's one write: nothing may fail after it. */
static enum x86_emu_result mem_write(struct state *st, const struct mem *m,
				     u64 val)
{
	struct x86_emu_ctxt *ctxt = st->ctxt;
	u8 b[8];

	store_le(b, val, m->len);
	if (m->mmio_write)
		return ctxt->ops->mmio_write(ctxt->opaque, m->gpa[0], b, m->len) ?
		       X86EMU_UNHANDLED : X86EMU_OK;
	if (ctxt->ops->write_ram(ctxt->opaque, m->gpa[0], b, m->len0))
		return X86EMU_UNHANDLED;
	if (m->len0 < m->len &&
	    ctxt->ops->write_ram(ctxt->opaque, m->gpa[1], b + m->len0,
				 m->len - m->len0))
		return X86EMU_UNHANDLED;
	return X86EMU_OK;
}

/* ---- flags ---- */

static bool parity(u64 v)
{
	u8 x = v;

	x ^= x >> 4;
	/* 0x6996 has bit n set when n (0..15) has an odd number of bits */
	return !((0x6996 >> (x & 0xf)) & 1);
}

/* SF, ZF, PF of @res into @f */
static u64 szp(u64 f, u64 res, unsigned int bytes)
{
	f &= ~(X86EMU_FLAG_SF | X86EMU_FLAG_ZF | X86EMU_FLAG_PF);
	if (res & sign_bit(bytes))
		f |= X86EMU_FLAG_SF;
	if (!(res & size_mask(bytes)))
		f |= X86EMU_FLAG_ZF;
	if (parity(res))
		f |= X86EMU_FLAG_PF;
	return f;
}

/* CF, OF, AF for @res = @a + @b + @cin or @a - @b - @cin */
static u64 add_flags(u64 f, u64 a, u64 b, u64 res, bool cin, bool sub,
		     unsigned int bytes)
{
	u64 sb = sign_bit(bytes);
	bool cf, of;

	if (sub) {
		cf = a < b || (cin && a == b);
		of = (a ^ b) & (a ^ res) & sb;
	} else {
		cf = res < a || (cin && res == a);
		of = (a ^ res) & (b ^ res) & sb;
	}
	f &= ~(X86EMU_FLAG_CF | X86EMU_FLAG_OF | X86EMU_FLAG_AF);
	if (cf)
		f |= X86EMU_FLAG_CF;
	if (of)
		f |= X86EMU_FLAG_OF;
	if ((a ^ b ^ res) & 0x10)
		f |= X86EMU_FLAG_AF;
	return szp(f, res, bytes);
}

/*
 * The two-operand and one-operand arithmetic: returns the result and
 * updates *flags. @a is the destination's value, @b the source's; both
 * are already masked to @bytes.
 */
static u64 alu(unsigned int op, u64 a, u64 b, unsigned int bytes, u64 *flags)
{
	u64 mask = size_mask(bytes);
	bool cin = *flags & X86EMU_FLAG_CF;
	u64 res, f = *flags;

	switch (op) {
	case X86_OP_ADD:
	case X86_OP_ADC:
		if (op == X86_OP_ADD)
			cin = false;
		res = (a + b + cin) & mask;
		f = add_flags(f, a, b, res, cin, false, bytes);
		break;
	case X86_OP_SUB:
	case X86_OP_CMP:
	case X86_OP_SBB:
		if (op != X86_OP_SBB)
			cin = false;
		res = (a - b - cin) & mask;
		f = add_flags(f, a, b, res, cin, true, bytes);
		break;
	case X86_OP_NEG:		/* 0 - a */
		res = (0 - a) & mask;
		f = add_flags(f, 0, a, res, false, true, bytes);
		break;
	case X86_OP_INC:		/* CF is not affected */
	case X86_OP_DEC:
		res = (op == X86_OP_INC ? a + 1 : a - 1) & mask;
		f = add_flags(f, a, 1, res, false, op == X86_OP_DEC, bytes);
		f = (f & ~X86EMU_FLAG_CF) | (*flags & X86EMU_FLAG_CF);
		break;
	case X86_OP_AND:
	case X86_OP_TEST:
	case X86_OP_OR:
	case X86_OP_XOR:
		if (op == X86_OP_OR)
			res = a | b;
		else if (op == X86_OP_XOR)
			res = a ^ b;
		else
			res = a & b;
		f = szp(f & ~(X86EMU_FLAG_CF | X86EMU_FLAG_OF), res, bytes);
		break;
	case X86_OP_NOT:		/* no flags */
		res = ~a & mask;
		break;
	default:
		res = a;
		break;
	}
	*flags = f;
	return res;
}

/* ---- execution ---- */

static bool writes_dst(unsigned int op)
{
	return op != X86_OP_CMP && op != X86_OP_TEST && op != X86_OP_BT;
}

static bool reads_dst(unsigned int op)
{
	return op != X86_OP_MOV && op != X86_OP_MOVZX && op != X86_OP_MOVSX;
}

static bool is_bt(unsigned int op)
{
	return op >= X86_OP_BT && op <= X86_OP_BTC;
}

/*
 * BT* with a register bit offset and a memory operand: the offset is a
 * signed operand-size integer and may reach outside the operand. The
 * address moves by (offset >> log2(bits)) operands, rounded towards
 * minus infinity; the bit within it is offset mod bits.
 */
static u64 bt_ea(u64 ea, u64 off, unsigned int bytes, unsigned int ad_bytes)
{
	unsigned int shift = bytes == 2 ? 4 : bytes == 4 ? 5 : 6;
	u64 q;

	off = sext(off, bytes);
	/* arithmetic shift without relying on signed >>: ~(~x >> n) */
	if (off & (1ULL << 63))
		q = ~(~off >> shift);
	else
		q = off >> shift;
	return (ea + q * bytes) & size_mask(ad_bytes);
}

/* Everything but MOVS/STOS: one r/m or moffs operand, at most. */
static enum x86_emu_result exec_simple(struct state *st)
{
	const struct x86_insn *in = st->in;
	unsigned int op = in->op, bytes = in->op_bytes;
	bool dst_mem, src_mem, dst_is_acc = false;
	enum x86_emu_result ret;
	u64 a = 0, b = 0, res, flags = st->rflags, ea = 0;
	unsigned int dreg = 0, sreg = 0;
	struct mem m;

	/* which operand is memory (or r/m register) */
	switch (in->form) {
	case X86_FORM_RM_REG:
	case X86_FORM_RM_IMM:
	case X86_FORM_RM:
		dst_mem = in->has_mem;
		src_mem = false;
		dreg = in->rm;
		sreg = in->reg;
		break;
	case X86_FORM_REG_RM:
		dst_mem = false;
		src_mem = in->has_mem;
		dreg = in->reg;
		sreg = in->rm;
		break;
	case X86_FORM_ACC_MOFFS:
		dst_mem = false;
		src_mem = true;
		dst_is_acc = true;
		break;
	default:		/* X86_FORM_MOFFS_ACC */
		dst_mem = true;
		src_mem = false;
		sreg = X86_RAX;
		break;
	}
	if (dst_is_acc)
		dreg = X86_RAX;

	/* the source value (except a memory source, read below) */
	if (in->form == X86_FORM_RM_IMM)
		b = in->imm & size_mask(bytes);
	else if (!src_mem)
		b = reg_read(st, sreg, in->src_bytes);

	if (in->has_mem) {
		ea = modrm_ea(st);
		if (is_bt(op) && in->form == X86_FORM_RM_REG)
			ea = bt_ea(ea, b, bytes, in->ad_bytes);
		ret = mem_prepare(st, &m, in->seg, ea,
				  src_mem ? in->src_bytes : bytes,
				  dst_mem && writes_dst(op));
		if (ret)
			return ret;
		/* the only read this instruction makes */
		if (src_mem || reads_dst(op)) {
			ret = mem_read(st, &m, src_mem ? &b : &a);
			if (ret)
				return ret;
		}
	}
	if (!dst_mem && reads_dst(op))
		a = reg_read(st, dreg, bytes);

	switch (op) {
	case X86_OP_MOV:
		res = b;
		break;
	case X86_OP_MOVZX:
		res = b & size_mask(in->src_bytes);
		break;
	case X86_OP_MOVSX:
		res = sext(b, in->src_bytes) & size_mask(bytes);
		break;
	case X86_OP_XCHG:
		res = b;		/* and the register gets a, below */
		break;
	case X86_OP_BT:
	case X86_OP_BTS:
	case X86_OP_BTR:
	case X86_OP_BTC: {
		u64 bit = 1ULL << (b & (8 * bytes - 1));

		flags = (flags & ~X86EMU_FLAG_CF) | ((a & bit) ? X86EMU_FLAG_CF : 0);
		res = op == X86_OP_BTS ? a | bit :
		      op == X86_OP_BTR ? a & ~bit :
		      op == X86_OP_BTC ? a ^ bit : a;
		break;
	}
	default:
		res = alu(op, a, b, bytes, &flags);
		break;
	}

	if (writes_dst(op)) {
		if (dst_mem) {
			ret = mem_write(st, &m, res);
			if (ret)
				return ret;
		} else {
			reg_write(st, dreg, bytes, res);
		}
	}
	if (op == X86_OP_XCHG)
		reg_write(st, sreg, bytes, a);
	st->rflags = flags;
	return X86EMU_OK;
}

/* Write a string register at address size (the CPU's wrap-around). */
static void string_reg_write(struct state *st, unsigned int reg, u64 val)
{
	reg_write(st, reg, st->in->ad_bytes, val);
}

/*
 * MOVS/STOS, one element per call: with REP and elements left, RIP stays
 * on the instruction so the guest executes it again (and exits again if
 * the next element is MMIO too).
 */
static enum x86_emu_result exec_string(struct state *st)
{
	const struct x86_insn *in = st->in;
	unsigned int bytes = in->op_bytes, ad = in->ad_bytes;
	u64 admask = size_mask(ad), delta, val = 0, count = 0;
	struct mem src, dst;
	enum x86_emu_result ret;
	bool movs = in->op == X86_OP_MOVS;

	if (in->rep) {
		count = st->gpr[X86_RCX] & admask;
		if (!count)
			return X86EMU_OK;
	}
	if (movs) {
		ret = mem_prepare(st, &src,
				  in->seg_override >= 0 ? in->seg_override :
				  X86_SEG_DS, st->gpr[X86_RSI] & admask,
				  bytes, false);
		if (ret)
			return ret;
	}
	/* the destination is always ES:rDI, no override */
	ret = mem_prepare(st, &dst, X86_SEG_ES, st->gpr[X86_RDI] & admask,
			  bytes, true);
	if (ret)
		return ret;
	if (movs) {
		ret = mem_read(st, &src, &val);
		if (ret)
			return ret;
	} else {
		val = st->gpr[X86_RAX] & size_mask(bytes);
	}
	ret = mem_write(st, &dst, val);
	if (ret)
		return ret;

	delta = (st->rflags & X86EMU_FLAG_DF) ? 0 - (u64)bytes : bytes;
	if (movs)
		string_reg_write(st, X86_RSI, st->gpr[X86_RSI] + delta);
	string_reg_write(st, X86_RDI, st->gpr[X86_RDI] + delta);
	if (in->rep) {
		string_reg_write(st, X86_RCX, count - 1);
		if (count - 1)
			st->next_rip = st->ctxt->rip;	/* not done yet */
	}
	return X86EMU_OK;
}

static u64 ip_mask(enum x86_mode mode)
{
	if (mode == X86_MODE_LONG64)
		return ~0ULL;
	return mode == X86_MODE_PROT32 ? 0xffffffff : 0xffff;
}

/*
 * Fetch instruction bytes [@from, @to) into ctxt->insn_bytes, one page
 * (or IP wrap-around) at a time. Sets *got to how many bytes are there.
 */
static enum x86_emu_result fetch(struct state *st, unsigned int from,
				 unsigned int to, unsigned int *got)
{
	struct x86_emu_ctxt *ctxt = st->ctxt;
	u64 ipm = ip_mask(ctxt->mode), ip, la, gpa, chunk;
	enum x86_emu_result ret;

	while (from < to) {
		ip = (ctxt->rip + from) & ipm;
		la = seg_base(st, X86_SEG_CS) + ip;
		if (ctxt->mode == X86_MODE_LONG64) {
			if (!canonical(la))
				return raise(ctxt, X86EMU_VEC_GP);
		} else {
			la &= 0xffffffff;
		}
		chunk = 0x1000 - (la & 0xfff);
		if (ipm != ~0ULL && chunk > ipm - ip + 1)
			chunk = ipm - ip + 1;
		if (chunk > to - from)
			chunk = to - from;
		ret = x86_walk(ctxt, la, walk_access(st, false) |
			       X86_WALK_FETCH, &gpa);
		if (ret)
			return ret;
		/* code in MMIO is not something we execute */
		if (ctxt->ops->is_mmio(ctxt->opaque, gpa, false) ||
		    ctxt->ops->read_ram(ctxt->opaque, gpa,
					ctxt->insn_bytes + from, chunk))
			return X86EMU_UNHANDLED;
		from += chunk;
		*got = from;
	}
	return X86EMU_OK;
}

/*
 * Decode with as few bytes as possible: first what is in the current
 * page, more only if the instruction runs on, so that a #PF on the next
 * page is raised only when the instruction really reaches it.
 */
static enum x86_emu_result fetch_decode(struct state *st)
{
	struct x86_emu_ctxt *ctxt = st->ctxt;
	enum x86_decode_result dr;
	enum x86_emu_result ret;
	unsigned int got = 0, want;
	u64 la = seg_base(st, X86_SEG_CS) + (ctxt->rip & ip_mask(ctxt->mode));

	want = 0x1000 - (la & 0xfff);
	if (want > X86_MAX_INSN_LEN)
		want = X86_MAX_INSN_LEN;
	for (;;) {
		ret = fetch(st, got, want, &got);
		ctxt->insn_len = got;
		if (ret)
			return ret;
		dr = x86_decode(&ctxt->insn, ctxt->mode, ctxt->insn_bytes, got);
		if (dr != X86_DEC_SHORT || got >= X86_MAX_INSN_LEN)
			break;
		want = X86_MAX_INSN_LEN;
	}
	switch (dr) {
	case X86_DEC_OK:
		ctxt->insn_len = ctxt->insn.len;
		return X86EMU_OK;
	case X86_DEC_UD:
		ctxt->insn_len = got;
		return raise(ctxt, X86EMU_VEC_UD);
	case X86_DEC_GP:
	case X86_DEC_SHORT:	/* cannot happen at 15 bytes */
		return raise(ctxt, X86EMU_VEC_GP);
	default:
		return X86EMU_UNHANDLED;
	}
}

enum x86_emu_result x86_emulate(struct x86_emu_ctxt *ctxt)
{
	struct state st;
	enum x86_emu_result ret;

	ctxt->insn_len = 0;
	st.ctxt = ctxt;
	st.in = &ctxt->insn;
	memcpy(st.gpr, ctxt->gpr, sizeof(st.gpr));
	st.rflags = ctxt->rflags;

	ret = fetch_decode(&st);
	if (ret)
		return ret;
	st.next_rip = (ctxt->rip + ctxt->insn.len) & ip_mask(ctxt->mode);
	/* INS/OUTS exit as I/O first: x86_string_io() handles them */
	if (ctxt->insn.op == X86_OP_INS || ctxt->insn.op == X86_OP_OUTS)
		return X86EMU_UNHANDLED;
	if (ctxt->insn.form == X86_FORM_STRING)
		ret = exec_string(&st);
	else
		ret = exec_simple(&st);
	if (ret)
		return ret;

	/* commit */
	memcpy(ctxt->gpr, st.gpr, sizeof(st.gpr));
	ctxt->rflags = st.rflags;
	ctxt->rip = st.next_rip;
	return X86EMU_OK;
}

/* ---- string port I/O ---- */

/*
 * How many elements from the one at @la on can move in one piece: those
 * in the same page, in the direction of travel, before the address-size
 * register wraps, at most @left. The element at @la itself fits in the
 * page (the caller splits one that does not).
 */
static u64 sio_run(u64 la, u64 ea, u64 admask, unsigned int bytes, bool down,
		   u64 left)
{
	u64 off = la & 0xfff, k, after;

	/*
	 * @after counts the elements past the first one before the register
	 * wraps. It is not one more than that: with 64-bit addressing and
	 * 1-byte elements from 0 up (or from ~0 down) that would be 2^64,
	 * which is 0, and the caller would loop for ever on runs of none.
	 */
	if (down) {
		k = off / bytes + 1;
		after = ea / bytes;
	} else {
		k = (0x1000 - off) / bytes;
		after = (admask - ea) / bytes;
	}
	if (k - 1 > after)
		k = after + 1;
	return k < left ? k : left;
}

/* Elements in memory run downwards with DF set; the port's order is up. */
static void sio_reverse(u8 *buf, u64 k, unsigned int bytes)
{
	u64 i, j;
	unsigned int b;
	u8 t;

	for (i = 0, j = k - 1; i < j; i++, j--)
		for (b = 0; b < bytes; b++) {
			t = buf[i * bytes + b];
			buf[i * bytes + b] = buf[j * bytes + b];
			buf[j * bytes + b] = t;
		}
}

/* One element that crosses a page, through the split-access helpers. */
static enum x86_emu_result sio_split(struct state *st, enum x86_sio_step step,
				     unsigned int seg, u64 ea,
				     unsigned int bytes, u8 *p)
{
	enum x86_emu_result ret;
	struct mem m;
	u64 v;

	ret = mem_prepare(st, &m, seg, ea, bytes, step != X86_SIO_OUT);
	if (ret)
		return ret;
	if (step == X86_SIO_OUT) {
		ret = mem_read(st, &m, &v);
		if (!ret)
			store_le(p, v, bytes);
		return ret;
	}
	if (step == X86_SIO_IN_COMPLETE)
		return mem_write(st, &m, load_le(p, bytes));
	return X86EMU_OK;
}

/* A page-internal run of @k elements at @la (the first one). */
static enum x86_emu_result sio_page(struct state *st, enum x86_sio_step step,
				    u64 la, u64 k, unsigned int bytes,
				    bool down, u8 *p)
{
	struct x86_emu_ctxt *ctxt = st->ctxt;
	bool write = step != X86_SIO_OUT;
	enum x86_emu_result ret;
	u64 gpa;
	int err = 0;

	ret = x86_walk(ctxt, la, walk_access(st, write), &gpa);
	if (ret)
		return ret;
	/* a string I/O buffer in device memory: not something guests do */
	if (ctxt->ops->is_mmio(ctxt->opaque, gpa, write))
		return X86EMU_UNHANDLED;
	if (down)
		gpa -= (k - 1) * bytes;
	if (step == X86_SIO_OUT) {
		err = ctxt->ops->read_ram(ctxt->opaque, gpa, p, k * bytes);
		if (!err && down)
			sio_reverse(p, k, bytes);
	} else if (step == X86_SIO_IN_COMPLETE) {
		if (down)
			sio_reverse(p, k, bytes);
		err = ctxt->ops->write_ram(ctxt->opaque, gpa, p, k * bytes);
		if (down)
			sio_reverse(p, k, bytes);
	}
	return err ? X86EMU_UNHANDLED : X86EMU_OK;
}

enum x86_emu_result x86_string_io(struct x86_emu_ctxt *ctxt,
				  enum x86_sio_step step, u8 *buf,
				  unsigned int max, unsigned int *n)
{
	const struct x86_insn *in = &ctxt->insn;
	u64 admask, count, want, done = 0, ea, la, k, delta;
	unsigned int bytes, seg, reg;
	enum x86_emu_result ret;
	struct state st;
	bool down;

	ctxt->insn_len = 0;
	st.ctxt = ctxt;
	st.in = in;
	memcpy(st.gpr, ctxt->gpr, sizeof(st.gpr));
	st.rflags = ctxt->rflags;

	ret = fetch_decode(&st);
	if (ret)
		return ret;
	if (in->op != (step == X86_SIO_OUT ? X86_OP_OUTS : X86_OP_INS) || !max)
		return X86EMU_UNHANDLED;
	st.next_rip = (ctxt->rip + in->len) & ip_mask(ctxt->mode);

	bytes = in->op_bytes;
	admask = size_mask(in->ad_bytes);
	count = in->rep ? st.gpr[X86_RCX] & admask : 1;
	want = step == X86_SIO_IN_COMPLETE ? *n : max;
	if (want > count)
		want = count;
	if (step == X86_SIO_OUT) {
		reg = X86_RSI;
		seg = in->seg_override >= 0 ? in->seg_override : X86_SEG_DS;
	} else {
		reg = X86_RDI;	/* ES:rDI, no override */
		seg = X86_SEG_ES;
	}
	down = st.rflags & X86EMU_FLAG_DF;

	/*
	 * Stop short at the first element that faults: the elements before
	 * it are done, and the guest re-executes the instruction for the
	 * rest, which raises the fault (or exits again) on its own.
	 */
	while (done < want) {
		u8 *p = buf + done * bytes;

		delta = done * bytes;
		ea = (st.gpr[reg] + (down ? 0 - delta : delta)) & admask;
		ret = linear(&st, seg, ea, bytes, &la);
		if (!ret && (la & 0xfff) + bytes > 0x1000) {
			k = 1;
			ret = sio_split(&st, step, seg, ea, bytes, p);
		} else if (!ret) {
			k = sio_run(la, ea, admask, bytes, down, want - done);
			ret = sio_page(&st, step, la, k, bytes, down, p);
		}
		if (ret) {
			if (!done)
				return ret;
			break;
		}
		done += k;
	}
	*n = done;
	if (step == X86_SIO_IN_PREPARE)
		return X86EMU_OK;

	delta = done * bytes;
	string_reg_write(&st, reg, st.gpr[reg] + (down ? 0 - delta : delta));
	if (in->rep) {
		string_reg_write(&st, X86_RCX, count - done);
		if (count - done)
			st.next_rip = ctxt->rip;	/* the guest goes on */
	}
	memcpy(ctxt->gpr, st.gpr, sizeof(st.gpr));
	ctxt->rip = st.next_rip;
	return X86EMU_OK;
}
