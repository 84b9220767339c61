// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the x86 MMIO emulator (module/x86): a fake guest
 * (flat RAM, an MMIO window, page tables built here), a table of
 * encodings with the access each must make, page walks, the MMIO retry
 * protocol, string instructions, and ALU/BT flags compared with the host
 * CPU executing the same operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include "../emulate.h"

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

/* ---- the fake guest ---- */

#define RAM_SIZE	(4u << 20)
#define ROM_GPA		0x300000u	/* a read-only slot: writes are MMIO */
#define MB		0xfeb00000ull	/* the MMIO window's device memory */
#define MMIO_SIZE	0x2000u
#define CODE		0x1000ull

static u8 ram[RAM_SIZE];
static u8 dev[MMIO_SIZE];

struct access {
	bool write;
	u64 gpa;
	unsigned int len;
	u64 val;
};

static struct access log_[16];
static int nlog, nreads, nwrites;
static bool cache_valid;
static u64 cache_gpa;
static unsigned int cache_len;
static u8 cache_data[8];
static bool pending;
static u64 pending_gpa;
static unsigned int pending_len;

static bool in_ram(u64 gpa, unsigned int len)
{
	return gpa < RAM_SIZE && len <= RAM_SIZE - gpa;
}

static int f_read_ram(void *o, u64 gpa, void *buf, unsigned int len)
{
	(void)o;
	if (!in_ram(gpa, len))
		return -1;
	memcpy(buf, ram + gpa, len);
	return 0;
}

static int f_write_ram(void *o, u64 gpa, const void *buf, unsigned int len)
{
	(void)o;
	if (!in_ram(gpa, len) || (gpa >> 12) == (ROM_GPA >> 12))
		return -1;
	memcpy(ram + gpa, buf, len);
	return 0;
}

static bool f_is_mmio(void *o, u64 gpa, bool write)
{
	(void)o;
	if (write && (gpa >> 12) == (ROM_GPA >> 12))
		return true;
	return gpa >= RAM_SIZE;
}

static u64 le(const u8 *b, unsigned int len)
{
	u64 v = 0;

	for (unsigned int i = 0; i < len; i++)
		v |= (u64)b[i] << (8 * i);
	return v;
}

static void dev_access(u64 gpa, u8 *buf, unsigned int len, bool write)
{
	for (unsigned int i = 0; i < len; i++) {
		u64 a = gpa + i;

		if (a >= MB && a < MB + MMIO_SIZE) {
			if (write)
				dev[a - MB] = buf[i];
			else
				buf[i] = dev[a - MB];
		} else if (!write) {
			buf[i] = 0xee;
		}
	}
}

static void logit(bool write, u64 gpa, unsigned int len, const u8 *b)
{
	if (nlog < 16)
		log_[nlog++] = (struct access){ write, gpa, len, le(b, len) };
	if (write)
		nwrites++;
	else
		nreads++;
}

/* One-entry cache: the first read of an address is PENDING. */
static int f_mmio_read(void *o, u64 gpa, void *buf, unsigned int len)
{
	(void)o;
	if (len != 1 && len != 2 && len != 4 && len != 8)
		abort();
	if (cache_valid && cache_gpa == gpa && cache_len == len) {
		memcpy(buf, cache_data, len);
		cache_valid = false;
		logit(false, gpa, len, buf);
		return X86EMU_OK;
	}
	pending = true;
	pending_gpa = gpa;
	pending_len = len;
	return X86EMU_MMIO_PENDING;
}

static int f_mmio_write(void *o, u64 gpa, const void *buf, unsigned int len)
{
	u8 b[8];

	(void)o;
	if (len != 1 && len != 2 && len != 4 && len != 8)
		abort();
	memcpy(b, buf, len);
	dev_access(gpa, b, len, true);
	logit(true, gpa, len, b);
	return X86EMU_OK;
}

static const struct x86_emu_ops ops = {
	f_read_ram, f_write_ram, f_is_mmio, f_mmio_read, f_mmio_write,
};

static void reset_log(void)
{
	nlog = 0;
	nreads = 0;
	nwrites = 0;
	cache_valid = false;
	pending = false;
}

/*
 * Run the emulator the way the module will: on PENDING, "ask userspace"
 * (the device array) and run again from scratch. *calls says how many
 * x86_emulate() calls it took.
 */
static enum x86_emu_result run(struct x86_emu_ctxt *c, int *calls)
{
	enum x86_emu_result r;
	int n = 0;

	for (;;) {
		pending = false;
		r = x86_emulate(c);
		n++;
		if (r != X86EMU_MMIO_PENDING || n > 4)
			break;
		dev_access(pending_gpa, cache_data, pending_len, false);
		cache_gpa = pending_gpa;
		cache_len = pending_len;
		cache_valid = true;
	}
	if (calls)
		*calls = n;
	return r;
}

/* ---- page tables ---- */

#define PT_P	1ull
#define PT_W	2ull
#define PT_U	4ull
#define PT_PS	0x80ull
#define PT_NX	(1ull << 63)

#define PML4	0x10000u
#define PDPT	0x11000u
#define PD0	0x12000u	/* 4 PDs: 0..4 GiB identity in 2 MiB pages */
#define PT4K	0x16000u	/* 4 KiB pages for linear 0x400000.. */
#define PDPT_HI	0x17000u	/* PML4[1]: a 1 GiB page */

static void put64(u64 gpa, u64 v)
{
	memcpy(ram + gpa, &v, 8);
}

static void put32(u64 gpa, u32 v)
{
	memcpy(ram + gpa, &v, 4);
}

/* Linear 0x400000 + n*4K, with flags, for the walk and crossing tests */
#define L4K(n)	(0x400000ull + (n) * 0x1000ull)

static void build_long_tables(void)
{
	memset(ram + PML4, 0, 0x8000);
	put64(PML4, PDPT | PT_P | PT_W | PT_U);
	put64(PML4 + 8, PDPT_HI | PT_P | PT_W | PT_U);
	for (int i = 0; i < 4; i++) {
		put64(PDPT + i * 8, (PD0 + i * 0x1000) | PT_P | PT_W | PT_U);
		for (int j = 0; j < 512; j++)
			put64(PD0 + i * 0x1000 + j * 8,
			      ((u64)i << 30 | (u64)j << 21) |
			      PT_P | PT_W | PT_U | PT_PS);
	}
	/* linear 0x400000..0x5fffff: 4 KiB pages */
	put64(PD0 + 2 * 8, PT4K | PT_P | PT_W | PT_U);
	put64(PT4K + 0 * 8, 0x200000 | PT_P | PT_W | PT_U);
	put64(PT4K + 1 * 8, 0x250000 | PT_P | PT_W | PT_U); /* not 0x201000 */
	put64(PT4K + 2 * 8, 0);				    /* not present */
	put64(PT4K + 3 * 8, 0x260000 | PT_P);		    /* RO, supervisor */
	put64(PT4K + 4 * 8, 0x261000 | PT_P | PT_W | PT_U | PT_NX);
	put64(PT4K + 5 * 8, MB | PT_P | PT_W | PT_U);	    /* MMIO, 4K */
	put64(PT4K + 6 * 8, (MB + 0x1000) | PT_P | PT_W | PT_U);
	put64(PT4K + 7 * 8, 0x262000 | PT_P | PT_W | PT_U | (1ull << 52));
	/* linear 0xfe800000 (2 MiB) -> RAM 0x200000: code next to MMIO */
	put64(PD0 + 3 * 0x1000 + 0x1f4 * 8, 0x200000 | PT_P | PT_W | PT_PS);
	/* linear 512 GiB: a 1 GiB page onto gpa 0 */
	put64(PDPT_HI, 0 | PT_P | PT_W | PT_U | PT_PS);
}

/* tests that edit the tables clear this */
static bool tables_built;

static void ctxt_init(struct x86_emu_ctxt *c, enum x86_mode mode)
{
	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->ops = &ops;
	c->rip = CODE;
	c->rflags = 2;
	if (mode == X86_MODE_LONG64) {
		if (!tables_built)
			build_long_tables();
		tables_built = true;
		c->cr0 = X86EMU_CR0_PE | X86EMU_CR0_PG | X86EMU_CR0_WP;
		c->cr4 = X86EMU_CR4_PAE;
		c->efer = X86EMU_EFER_LMA | X86EMU_EFER_NXE | (1 << 8);
		c->cr3 = PML4;
	} else if (mode != X86_MODE_REAL) {
		c->cr0 = X86EMU_CR0_PE;
	}
}

/* Put code at linear @la through the ctxt's translation. */
static void put_code(struct x86_emu_ctxt *c, u64 la, const u8 *code,
		     unsigned int len)
{
	for (unsigned int i = 0; i < len; i++) {
		u64 gpa;
		u8 save = c->cpl;

		c->cpl = 0;
		if (x86_walk(c, la + i, 0, &gpa) != X86EMU_OK || gpa >= RAM_SIZE)
			abort();
		c->cpl = save;
		ram[gpa] = code[i];
	}
}

/* ---- TAP ---- */

static int ntest, nfail;

static bool ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	ntest++;
	if (!cond)
		nfail++;
	printf("%sok %d - ", cond ? "" : "not ", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

#define DIAG(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

/* ---- the encoding table ---- */

enum { M64 = X86_MODE_LONG64, M32 = X86_MODE_PROT32, M16 = X86_MODE_REAL };
#define RR(n)	((n) + 1)	/* register slots: 0 = unused */
#define I(...)	.code = { __VA_ARGS__ }, .len = sizeof((u8[]){ __VA_ARGS__ })

struct regval {
	u8 r;
	u64 v;
};

struct tcase {
	const char *name;
	int mode;
	u8 code[15], len;
	u64 rip;		/* 0: CODE */
	struct regval set[4];
	u64 seg[X86_NR_SEGS];
	u64 devval;		/* device contents at gpa, for reads */
	char acc;		/* 'r', 'w', 'm' (read then write), 0 */
	u64 gpa;
	u8 size;
	u64 wval;
	struct regval chk[3];
	u64 flags_set, flags_chk; /* CF/ZF... checked if flags_chk */
};

#define ALL1	0xffffffffffffffffull
#define V8	0x1122334455667788ull

static const struct tcase cases[] = {
	{ "mov [rbx],eax", M64, I(0x89, 0x03), .set = { { RR(3), MB }, { RR(0), V8 } },
	  .acc = 'w', .gpa = MB, .size = 4, .wval = 0x55667788 },
	{ "mov [rbx+disp8],rax (REX.W)", M64, I(0x48, 0x89, 0x43, 0x10),
	  .set = { { RR(3), MB }, { RR(0), V8 } }, .acc = 'w', .gpa = MB + 0x10, .size = 8,
	  .wval = V8 },
	{ "mov rax,[rbx-8] (disp8 negative)", M64, I(0x48, 0x8b, 0x43, 0xf8),
	  .set = { { RR(3), MB + 0x100 } }, .devval = V8, .acc = 'r', .gpa = MB + 0xf8, .size = 8,
	  .chk = { { RR(0), V8 } } },
	{ "mov eax,[rbx+disp32] zero-extends", M64, I(0x8b, 0x83, 0x00, 0x01, 0x00, 0x00),
	  .set = { { RR(3), MB }, { RR(0), ALL1 } }, .devval = 0x89abcdef, .acc = 'r',
	  .gpa = MB + 0x100, .size = 4, .chk = { { RR(0), 0x89abcdef } } },
	{ "mov ax,[rbx] keeps upper (66)", M64, I(0x66, 0x8b, 0x03),
	  .set = { { RR(3), MB }, { RR(0), ALL1 } }, .devval = 0x1234, .acc = 'r', .gpa = MB,
	  .size = 2, .chk = { { RR(0), 0xffffffffffff1234ull } } },
	{ "mov al,[rbx]", M64, I(0x8a, 0x03), .set = { { RR(3), MB }, { RR(0), ALL1 } },
	  .devval = 0x5a, .acc = 'r', .gpa = MB, .size = 1,
	  .chk = { { RR(0), 0xffffffffffffff5aull } } },
	{ "mov ah,[rbx] (high byte)", M64, I(0x8a, 0x23), .set = { { RR(3), MB }, { RR(0), ALL1 } },
	  .devval = 0x5a, .acc = 'r', .gpa = MB, .size = 1,
	  .chk = { { RR(0), 0xffffffffffff5affull } } },
	{ "mov [rbx],bh (high byte)", M64, I(0x88, 0x3b), .set = { { RR(3), MB + 0x1234 } },
	  .acc = 'w', .gpa = MB + 0x1234, .size = 1, .wval = 0x12 },
	{ "mov sil,[rbx] (REX: not DH)", M64, I(0x40, 0x8a, 0x33),
	  .set = { { RR(3), MB }, { RR(6), ALL1 }, { RR(2), 0 } }, .devval = 0x77, .acc = 'r',
	  .gpa = MB, .size = 1, .chk = { { RR(6), 0xffffffffffffff77ull }, { RR(2), 0 } } },
	{ "mov r8d,[rbx] (REX.R)", M64, I(0x44, 0x8b, 0x03), .set = { { RR(3), MB } },
	  .devval = 0xcafe, .acc = 'r', .gpa = MB, .size = 4, .chk = { { RR(8), 0xcafe } } },
	{ "mov [r9],r10 (REX.WRB)", M64, I(0x4d, 0x89, 0x11),
	  .set = { { RR(9), MB + 8 }, { RR(10), V8 } }, .acc = 'w', .gpa = MB + 8, .size = 8,
	  .wval = V8 },
	{ "mov eax,[rbx+rcx*1]", M64, I(0x8b, 0x04, 0x0b),
	  .set = { { RR(3), MB }, { RR(1), 0x10 } }, .devval = 1, .acc = 'r', .gpa = MB + 0x10,
	  .size = 4, .chk = { { RR(0), 1 } } },
	{ "mov eax,[rbx+rcx*2]", M64, I(0x8b, 0x04, 0x4b),
	  .set = { { RR(3), MB }, { RR(1), 0x10 } }, .devval = 2, .acc = 'r', .gpa = MB + 0x20,
	  .size = 4, .chk = { { RR(0), 2 } } },
	{ "mov eax,[rbx+rcx*4]", M64, I(0x8b, 0x04, 0x8b),
	  .set = { { RR(3), MB }, { RR(1), 0x10 } }, .devval = 4, .acc = 'r', .gpa = MB + 0x40,
	  .size = 4, .chk = { { RR(0), 4 } } },
	{ "mov eax,[rbx+rcx*8]", M64, I(0x8b, 0x04, 0xcb),
	  .set = { { RR(3), MB }, { RR(1), 0x10 } }, .devval = 8, .acc = 'r', .gpa = MB + 0x80,
	  .size = 4, .chk = { { RR(0), 8 } } },
	{ "mov eax,[rbx+r12*4] (REX.X)", M64, I(0x42, 0x8b, 0x04, 0xa3),
	  .set = { { RR(3), MB }, { RR(12), 4 } }, .acc = 'r', .gpa = MB + 16, .size = 4 },
	{ "mov eax,[r11+rcx*2+disp8] (REX.B SIB)", M64, I(0x41, 0x8b, 0x44, 0x4b, 0x08),
	  .set = { { RR(11), MB }, { RR(1), 4 } }, .acc = 'r', .gpa = MB + 16, .size = 4 },
	{ "mov eax,[rbx] via SIB, no index", M64, I(0x8b, 0x04, 0x23), .set = { { RR(3), MB + 4 } },
	  .acc = 'r', .gpa = MB + 4, .size = 4 },
	{ "mov eax,[rsp+8]", M64, I(0x8b, 0x44, 0x24, 0x08), .set = { { RR(4), MB } },
	  .acc = 'r', .gpa = MB + 8, .size = 4 },
	{ "mov eax,[rcx*8+disp32] (no base)", M64, I(0x8b, 0x04, 0xcd, 0x00, 0x01, 0x00, 0x00),
	  .set = { { RR(1), MB / 8 } }, .acc = 'r', .gpa = MB + 0x100, .size = 4 },
	{ "mov eax,[rbp+disp8]", M64, I(0x8b, 0x45, 0x08), .set = { { RR(5), MB } },
	  .acc = 'r', .gpa = MB + 8, .size = 4 },
	{ "mov eax,[r13+0] (REX.B, mod 01)", M64, I(0x41, 0x8b, 0x45, 0x00),
	  .set = { { RR(13), MB } }, .acc = 'r', .gpa = MB, .size = 4 },
	{ "mov eax,[rip+disp32]", M64, I(0x8b, 0x05, 0xfa, 0x0f, 0x10, 0x00), .rip = 0xfe9ff000,
	  .devval = 0x42, .acc = 'r', .gpa = MB, .size = 4, .chk = { { RR(0), 0x42 } } },
	{ "mov [rip+disp32],imm32 (rel. to next insn)", M64,
	  I(0xc7, 0x05, 0xf6, 0x0f, 0x10, 0x00, 0x78, 0x56, 0x34, 0x12), .rip = 0xfe9ff000,
	  .acc = 'w', .gpa = MB, .size = 4, .wval = 0x12345678 },
	{ "mov eax,[ebx] (67 in 64-bit)", M64, I(0x67, 0x8b, 0x03),
	  .set = { { RR(3), 0xffffffff00000000ull | MB } }, .acc = 'r', .gpa = MB, .size = 4 },
	{ "mov rax,[moffs64]", M64, I(0x48, 0xa1, 0x00, 0x00, 0xb0, 0xfe, 0, 0, 0, 0), .devval = V8,
	  .acc = 'r', .gpa = MB, .size = 8, .chk = { { RR(0), V8 } } },
	{ "mov [moffs64],eax", M64, I(0xa3, 0x08, 0x00, 0xb0, 0xfe, 0, 0, 0, 0),
	  .set = { { RR(0), V8 } }, .acc = 'w', .gpa = MB + 8, .size = 4, .wval = 0x55667788 },
	{ "mov al,[moffs64]", M64, I(0xa0, 0x00, 0x00, 0xb0, 0xfe, 0, 0, 0, 0), .devval = 0x99,
	  .acc = 'r', .gpa = MB, .size = 1, .chk = { { RR(0), 0x99 } } },
	{ "mov [moffs64],al", M64, I(0xa2, 0x00, 0x00, 0xb0, 0xfe, 0, 0, 0, 0),
	  .set = { { RR(0), 0xab } }, .acc = 'w', .gpa = MB, .size = 1, .wval = 0xab },
	{ "mov eax,[moffs32] (67, zero-extended)", M64, I(0x67, 0xa1, 0x00, 0x00, 0xb0, 0xfe),
	  .acc = 'r', .gpa = MB, .size = 4 },
	{ "mov byte [rbx],imm8", M64, I(0xc6, 0x03, 0x5a), .set = { { RR(3), MB } },
	  .acc = 'w', .gpa = MB, .size = 1, .wval = 0x5a },
	{ "mov word [rbx],imm16", M64, I(0x66, 0xc7, 0x03, 0x34, 0x12), .set = { { RR(3), MB } },
	  .acc = 'w', .gpa = MB, .size = 2, .wval = 0x1234 },
	{ "mov dword [rbx],imm32", M64, I(0xc7, 0x03, 0x78, 0x56, 0x34, 0x12),
	  .set = { { RR(3), MB } }, .acc = 'w', .gpa = MB, .size = 4, .wval = 0x12345678 },
	{ "mov qword [rbx],imm32 sign-extended", M64, I(0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff),
	  .set = { { RR(3), MB } }, .acc = 'w', .gpa = MB, .size = 8,
	  .wval = 0xfffffffffffffffeull },
	{ "movzx eax,byte [rbx]", M64, I(0x0f, 0xb6, 0x03),
	  .set = { { RR(3), MB }, { RR(0), ALL1 } }, .devval = 0x80, .acc = 'r', .gpa = MB,
	  .size = 1, .chk = { { RR(0), 0x80 } } },
	{ "movzx eax,word [rbx]", M64, I(0x0f, 0xb7, 0x03),
	  .set = { { RR(3), MB }, { RR(0), ALL1 } }, .devval = 0x8000, .acc = 'r', .gpa = MB,
	  .size = 2, .chk = { { RR(0), 0x8000 } } },
	{ "movsx rax,byte [rbx]", M64, I(0x48, 0x0f, 0xbe, 0x03), .set = { { RR(3), MB } },
	  .devval = 0x80, .acc = 'r', .gpa = MB, .size = 1,
	  .chk = { { RR(0), 0xffffffffffffff80ull } } },
	{ "movsx eax,word [rbx]", M64, I(0x0f, 0xbf, 0x03),
	  .set = { { RR(3), MB }, { RR(0), ALL1 } }, .devval = 0x8000, .acc = 'r', .gpa = MB,
	  .size = 2, .chk = { { RR(0), 0xffff8000ull } } },
	{ "movsxd rax,dword [rbx]", M64, I(0x48, 0x63, 0x03), .set = { { RR(3), MB } },
	  .devval = 0x80000000, .acc = 'r', .gpa = MB, .size = 4,
	  .chk = { { RR(0), 0xffffffff80000000ull } } },
	{ "add [rbx],eax (RMW)", M64, I(0x01, 0x03), .set = { { RR(3), MB }, { RR(0), 5 } },
	  .devval = 7, .acc = 'm', .gpa = MB, .size = 4, .wval = 12 },
	{ "lock add [rbx],eax", M64, I(0xf0, 0x01, 0x03), .set = { { RR(3), MB }, { RR(0), 5 } },
	  .devval = 7, .acc = 'm', .gpa = MB, .size = 4, .wval = 12 },
	{ "add eax,[rbx]", M64, I(0x03, 0x03), .set = { { RR(3), MB }, { RR(0), 5 } },
	  .devval = 7, .acc = 'r', .gpa = MB, .size = 4, .chk = { { RR(0), 12 } } },
	{ "cmp [rbx],eax: no write", M64, I(0x39, 0x03), .set = { { RR(3), MB }, { RR(0), 7 } },
	  .devval = 7, .acc = 'r', .gpa = MB, .size = 4,
	  .flags_chk = X86EMU_FLAG_ZF | X86EMU_FLAG_CF, .flags_set = X86EMU_FLAG_ZF },
	{ "cmp byte [rbx],imm8 (80 /7)", M64, I(0x80, 0x3b, 0x10), .set = { { RR(3), MB } },
	  .devval = 0x0f, .acc = 'r', .gpa = MB, .size = 1,
	  .flags_chk = X86EMU_FLAG_CF | X86EMU_FLAG_ZF, .flags_set = X86EMU_FLAG_CF },
	{ "add dword [rbx],imm8 sign-ext (83 /0)", M64, I(0x83, 0x03, 0xff),
	  .set = { { RR(3), MB } }, .devval = 1, .acc = 'm', .gpa = MB, .size = 4, .wval = 0 },
	{ "and dword [rbx],imm32 (81 /4)", M64, I(0x81, 0x23, 0xf0, 0xf0, 0x00, 0x00),
	  .set = { { RR(3), MB } }, .devval = 0x12345678, .acc = 'm', .gpa = MB, .size = 4,
	  .wval = 0x5070 },
	{ "or qword [rbx],imm32 (REX.W 81 /1)", M64, I(0x48, 0x81, 0x0b, 0x00, 0x00, 0x00, 0x80),
	  .set = { { RR(3), MB } }, .acc = 'm', .gpa = MB, .size = 8,
	  .wval = 0xffffffff80000000ull },
	{ "test [rbx],eax (85)", M64, I(0x85, 0x03), .set = { { RR(3), MB }, { RR(0), 1 } },
	  .devval = 2, .acc = 'r', .gpa = MB, .size = 4, .flags_chk = X86EMU_FLAG_ZF,
	  .flags_set = X86EMU_FLAG_ZF },
	{ "test byte [rbx],imm8 (f6 /0)", M64, I(0xf6, 0x03, 0x80), .set = { { RR(3), MB } },
	  .devval = 0x80, .acc = 'r', .gpa = MB, .size = 1,
	  .flags_chk = X86EMU_FLAG_ZF | X86EMU_FLAG_SF, .flags_set = X86EMU_FLAG_SF },
	{ "test dword [rbx],imm32 (f7 /0)", M64, I(0xf7, 0x03, 0, 0, 0, 1),
	  .set = { { RR(3), MB } }, .devval = 0x01000000, .acc = 'r', .gpa = MB, .size = 4,
	  .flags_chk = X86EMU_FLAG_ZF },
	{ "not dword [rbx]", M64, I(0xf7, 0x13), .set = { { RR(3), MB } }, .devval = 0xf0f0f0f0,
	  .acc = 'm', .gpa = MB, .size = 4, .wval = 0x0f0f0f0f },
	{ "neg word [rbx]", M64, I(0x66, 0xf7, 0x1b), .set = { { RR(3), MB } }, .devval = 1,
	  .acc = 'm', .gpa = MB, .size = 2, .wval = 0xffff, .flags_chk = X86EMU_FLAG_CF,
	  .flags_set = X86EMU_FLAG_CF },
	{ "inc byte [rbx]", M64, I(0xfe, 0x03), .set = { { RR(3), MB } }, .devval = 0xff,
	  .acc = 'm', .gpa = MB, .size = 1, .wval = 0, .flags_chk = X86EMU_FLAG_ZF,
	  .flags_set = X86EMU_FLAG_ZF },
	{ "dec dword [rbx]", M64, I(0xff, 0x0b), .set = { { RR(3), MB } }, .devval = 0,
	  .acc = 'm', .gpa = MB, .size = 4, .wval = 0xffffffff },
	{ "xchg [rbx],al", M64, I(0x86, 0x03), .set = { { RR(3), MB }, { RR(0), 0x11 } },
	  .devval = 0x22, .acc = 'm', .gpa = MB, .size = 1, .wval = 0x11,
	  .chk = { { RR(0), 0x22 } } },
	{ "xchg [rbx],rcx", M64, I(0x48, 0x87, 0x0b), .set = { { RR(3), MB }, { RR(1), V8 } },
	  .devval = 3, .acc = 'm', .gpa = MB, .size = 8, .wval = V8, .chk = { { RR(1), 3 } } },
	{ "bt [rbx],eax offset 35 -> +4", M64, I(0x0f, 0xa3, 0x03),
	  .set = { { RR(3), MB }, { RR(0), 35 } }, .devval = 8, .acc = 'r', .gpa = MB + 4,
	  .size = 4, .flags_chk = X86EMU_FLAG_CF, .flags_set = X86EMU_FLAG_CF },
	{ "bts [rbx],eax offset -1 -> -4 bit 31", M64, I(0x0f, 0xab, 0x03),
	  .set = { { RR(3), MB + 0x100 }, { RR(0), 0xffffffff } }, .acc = 'm', .gpa = MB + 0xfc,
	  .size = 4, .wval = 0x80000000, .flags_chk = X86EMU_FLAG_CF },
	{ "btr [rbx],rax offset 69 -> +8", M64, I(0x48, 0x0f, 0xb3, 0x03),
	  .set = { { RR(3), MB }, { RR(0), 69 } }, .devval = ALL1, .acc = 'm', .gpa = MB + 8,
	  .size = 8, .wval = ~0x20ull, .flags_chk = X86EMU_FLAG_CF, .flags_set = X86EMU_FLAG_CF },
	{ "btc [rbx],ax offset -17 -> -4", M64, I(0x66, 0x0f, 0xbb, 0x03),
	  .set = { { RR(3), MB + 0x100 }, { RR(0), 0xffef } }, .acc = 'm', .gpa = MB + 0xfc,
	  .size = 2, .wval = 0x8000 },
	{ "bt dword [rbx],36 (imm mod 32)", M64, I(0x0f, 0xba, 0x23, 0x24),
	  .set = { { RR(3), MB } }, .devval = 0x10, .acc = 'r', .gpa = MB, .size = 4,
	  .flags_chk = X86EMU_FLAG_CF, .flags_set = X86EMU_FLAG_CF },
	{ "bts dword [rbx],5", M64, I(0x0f, 0xba, 0x2b, 0x05), .set = { { RR(3), MB } },
	  .acc = 'm', .gpa = MB, .size = 4, .wval = 0x20 },
	{ "btr qword [rbx],63", M64, I(0x48, 0x0f, 0xba, 0x33, 0x3f), .set = { { RR(3), MB } },
	  .devval = ALL1, .acc = 'm', .gpa = MB, .size = 8, .wval = ALL1 >> 1 },
	{ "btc word [rbx],1", M64, I(0x66, 0x0f, 0xba, 0x3b, 0x01), .set = { { RR(3), MB } },
	  .devval = 3, .acc = 'm', .gpa = MB, .size = 2, .wval = 1 },
	{ "fs: mov eax,[rbx] (FS base applies)", M64, I(0x64, 0x8b, 0x03),
	  .set = { { RR(3), MB - 0x1000 } }, .seg = { [X86_SEG_FS] = 0x1000 }, .acc = 'r',
	  .gpa = MB, .size = 4 },
	{ "gs: mov [rbx],eax (GS base applies)", M64, I(0x65, 0x89, 0x03),
	  .set = { { RR(3), 0x20 } }, .seg = { [X86_SEG_GS] = MB }, .acc = 'w', .gpa = MB + 0x20,
	  .size = 4 },
	{ "ds/es/ss/cs bases ignored in 64-bit", M64, I(0x26, 0x8b, 0x03), .set = { { RR(3), MB } },
	  .seg = { 0x1000, 0x1000, 0x1000, 0x1000 }, .acc = 'r', .gpa = MB, .size = 4 },
	{ "ROM slot: read is RAM, write is MMIO", M64, I(0x01, 0x03),
	  .set = { { RR(3), ROM_GPA }, { RR(0), 1 } }, .acc = 'w', .gpa = ROM_GPA, .size = 4,
	  .wval = 0x11111112 },
	/* 32-bit protected mode, paging off */
	{ "32: mov eax,[ebx] + DS base", M32, I(0x8b, 0x03), .set = { { RR(3), MB - 0x100 } },
	  .seg = { [X86_SEG_DS] = 0x100 }, .acc = 'r', .gpa = MB, .size = 4 },
	{ "32: [ebp+8] defaults to SS", M32, I(0x8b, 0x45, 0x08), .set = { { RR(5), 0 } },
	  .seg = { [X86_SEG_SS] = MB, [X86_SEG_DS] = 0x100 }, .acc = 'r', .gpa = MB + 8,
	  .size = 4 },
	{ "32: ds: override on [ebp]", M32, I(0x3e, 0x8b, 0x45, 0x08), .set = { { RR(5), MB } },
	  .seg = { [X86_SEG_SS] = 0x100 }, .acc = 'r', .gpa = MB + 8, .size = 4 },
	{ "32: [disp32] (no RIP-relative)", M32, I(0x8b, 0x05, 0x00, 0x00, 0xb0, 0xfe),
	  .acc = 'r', .gpa = MB, .size = 4 },
	{ "32: SIB no base no index", M32, I(0x8b, 0x04, 0x25, 0x10, 0x00, 0xb0, 0xfe),
	  .acc = 'r', .gpa = MB + 0x10, .size = 4 },
	{ "32: ea wraps at 4 GiB", M32, I(0x8b, 0x83, 0x10, 0x00, 0xb0, 0xfe),
	  .set = { { RR(3), 0xfffffff0 } }, .acc = 'r', .gpa = MB, .size = 4 },
	{ "32: 66 mov ax,[ebx]", M32, I(0x66, 0x8b, 0x03),
	  .set = { { RR(3), MB }, { RR(0), ALL1 } }, .devval = 0x1234, .acc = 'r', .gpa = MB,
	  .size = 2, .chk = { { RR(0), 0xffffffffffff1234ull } } },
	{ "32: 67 mov eax,[bx] (16-bit addressing)", M32, I(0x67, 0x8b, 0x07),
	  .set = { { RR(3), 0x12340010 } }, .seg = { [X86_SEG_DS] = MB }, .acc = 'r',
	  .gpa = MB + 0x10, .size = 4 },
	{ "32: mov [moffs32],al", M32, I(0xa2, 0x00, 0x00, 0xb0, 0xfe), .set = { { RR(0), 0x77 } },
	  .acc = 'w', .gpa = MB, .size = 1, .wval = 0x77 },
	{ "32: 48 is DEC, unhandled", M32, I(0x48, 0x89, 0x03), .acc = 'U' },
	{ "32: 63 is ARPL, unhandled", M32, I(0x63, 0x03), .acc = 'U' },
	{ "32: 82 /0 (alias of 80)", M32, I(0x82, 0x03, 0x01), .set = { { RR(3), MB } },
	  .devval = 1, .acc = 'm', .gpa = MB, .size = 1, .wval = 2 },
	/* 16-bit (real mode, caller-given bases: "big real mode") */
	{ "16: mov ax,[bx+si]", M16, I(0x8b, 0x00), .set = { { RR(3), 0x10 }, { RR(6), 0x20 } },
	  .seg = { [X86_SEG_DS] = MB }, .acc = 'r', .gpa = MB + 0x30, .size = 2 },
	{ "16: mov ax,[bx+di]", M16, I(0x8b, 0x01), .set = { { RR(3), 0x10 }, { RR(7), 0x20 } },
	  .seg = { [X86_SEG_DS] = MB }, .acc = 'r', .gpa = MB + 0x30, .size = 2 },
	{ "16: mov ax,[bp+si] (SS)", M16, I(0x8b, 0x02),
	  .set = { { RR(5), 0x10 }, { RR(6), 0x20 } },
	  .seg = { [X86_SEG_SS] = MB, [X86_SEG_DS] = 0x100 }, .acc = 'r', .gpa = MB + 0x30,
	  .size = 2 },
	{ "16: mov ax,[bp+di] (SS)", M16, I(0x8b, 0x03),
	  .set = { { RR(5), 0x10 }, { RR(7), 0x20 } }, .seg = { [X86_SEG_SS] = MB }, .acc = 'r',
	  .gpa = MB + 0x30, .size = 2 },
	{ "16: mov ax,[si]", M16, I(0x8b, 0x04), .set = { { RR(6), 0x20 } },
	  .seg = { [X86_SEG_DS] = MB }, .acc = 'r', .gpa = MB + 0x20, .size = 2 },
	{ "16: mov ax,[di]", M16, I(0x8b, 0x05), .set = { { RR(7), 0x20 } },
	  .seg = { [X86_SEG_DS] = MB }, .acc = 'r', .gpa = MB + 0x20, .size = 2 },
	{ "16: mov ax,[disp16]", M16, I(0x8b, 0x06, 0x10, 0x01), .seg = { [X86_SEG_DS] = MB },
	  .acc = 'r', .gpa = MB + 0x110, .size = 2 },
	{ "16: mov ax,[bx]", M16, I(0x8b, 0x07), .set = { { RR(3), 0x10 } },
	  .seg = { [X86_SEG_DS] = MB }, .acc = 'r', .gpa = MB + 0x10, .size = 2 },
	{ "16: mov ax,[bp+disp8] (SS)", M16, I(0x8b, 0x46, 0xfe), .set = { { RR(5), 0x10 } },
	  .seg = { [X86_SEG_SS] = MB }, .acc = 'r', .gpa = MB + 0xe, .size = 2 },
	{ "16: mov ax,[bx+disp16]", M16, I(0x8b, 0x87, 0x00, 0x01), .set = { { RR(3), 0x10 } },
	  .seg = { [X86_SEG_DS] = MB }, .acc = 'r', .gpa = MB + 0x110, .size = 2 },
	{ "16: [bx+si] wraps at 64 KiB", M16, I(0x8b, 0x00),
	  .set = { { RR(3), 0xffff }, { RR(6), 2 } }, .seg = { [X86_SEG_DS] = MB }, .acc = 'r',
	  .gpa = MB + 1, .size = 2 },
	{ "16: es: override", M16, I(0x26, 0x89, 0x07), .set = { { RR(3), 4 }, { RR(0), 0xbeef } },
	  .seg = { [X86_SEG_ES] = MB }, .acc = 'w', .gpa = MB + 4, .size = 2, .wval = 0xbeef },
	{ "16: 66 mov eax,[bx]", M16, I(0x66, 0x8b, 0x07), .set = { { RR(3), 4 } },
	  .seg = { [X86_SEG_DS] = MB }, .devval = 0x12345678, .acc = 'r', .gpa = MB + 4, .size = 4,
	  .chk = { { RR(0), 0x12345678 } } },
	{ "16: 67 mov ax,[ebx]", M16, I(0x67, 0x8b, 0x03), .set = { { RR(3), 0x10004 } },
	  .seg = { [X86_SEG_DS] = MB - 0x10000 }, .acc = 'r', .gpa = MB + 4, .size = 2 },
	{ "16: mov [moffs16],ax", M16, I(0xa3, 0x08, 0x00), .set = { { RR(0), 0x4321 } },
	  .seg = { [X86_SEG_DS] = MB }, .acc = 'w', .gpa = MB + 8, .size = 2, .wval = 0x4321 },
	/* unhandled / invalid */
	{ "unhandled: in al,dx", M64, I(0xec), .acc = 'U' },
	{ "unhandled: mul dword [rbx] (f7 /4)", M64, I(0xf7, 0x23), .acc = 'U' },
	{ "unhandled: VEX vmovdqu", M64, I(0xc5, 0xfe, 0x6f, 0x03), .acc = 'U' },
	{ "unhandled: 82 in 64-bit", M64, I(0x82, 0x03, 0x01), .acc = 'U' },
	{ "#UD: lock on register form", M64, I(0xf0, 0x01, 0xc0), .acc = 'D' },
	{ "#UD: lock mov", M64, I(0xf0, 0x89, 0x03), .set = { { RR(3), MB } }, .acc = 'D' },
	{ "#UD: lock cmp", M64, I(0xf0, 0x39, 0x03), .set = { { RR(3), MB } }, .acc = 'D' },
	{ "#UD: lock bt", M64, I(0xf0, 0x0f, 0xa3, 0x03), .set = { { RR(3), MB } }, .acc = 'D' },
	{ "#GP: non-canonical address", M64, I(0x8b, 0x03),
	  .set = { { RR(3), 0x0000800000000000ull } }, .acc = 'G' },
	{ "#SS: non-canonical [rsp]", M64, I(0x8b, 0x04, 0x24),
	  .set = { { RR(4), 0x8000000000000000ull } }, .acc = 'S' },
	{ "#GP: 16 bytes of prefixes", M64,
	  I(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x89),
	  .acc = 'G' },
	{ "REX then legacy prefix: REX ignored", M64, I(0x48, 0x66, 0x89, 0x03),
	  .set = { { RR(3), MB }, { RR(0), V8 } }, .acc = 'w', .gpa = MB, .size = 2,
	  .wval = 0x7788 },
	{ "mod 3: add ecx,eax (no memory)", M64, I(0x01, 0xc1),
	  .set = { { RR(1), ALL1 }, { RR(0), 1 } }, .chk = { { RR(1), 0 } },
	  .flags_chk = X86EMU_FLAG_CF | X86EMU_FLAG_ZF,
	  .flags_set = X86EMU_FLAG_CF | X86EMU_FLAG_ZF },
};

static void run_case(const struct tcase *t)
{
	struct x86_emu_ctxt c;
	enum x86_emu_result r, want;
	u64 rip = t->rip ? t->rip : CODE;
	bool good = true;
	int calls;

	ctxt_init(&c, t->mode);
	memcpy(c.seg_base, t->seg, sizeof(c.seg_base));
	c.rip = rip;
	for (int i = 0; i < 4; i++)
		if (t->set[i].r)
			c.gpr[t->set[i].r - 1] = t->set[i].v;
	if (t->gpa == ROM_GPA)
		put32(ROM_GPA, 0x11111111);
	put_code(&c, rip, t->code, t->len);
	memset(dev, 0, sizeof(dev));
	if (t->gpa >= MB && t->gpa + 8 <= MB + MMIO_SIZE)
		for (int i = 0; i < 8; i++)
			dev[t->gpa - MB + i] = t->devval >> (8 * i);
	reset_log();

	struct x86_emu_ctxt before = c;

	r = run(&c, &calls);
	switch (t->acc) {
	case 'U':
		want = X86EMU_UNHANDLED;
		break;
	case 'D':
	case 'G':
	case 'S':
		want = X86EMU_FAULT;
		break;
	default:
		want = X86EMU_OK;
		break;
	}
	if (r != want) {
		DIAG("%s: result %d, want %d", t->name, r, want);
		good = false;
	} else if (r == X86EMU_FAULT) {
		u8 v = t->acc == 'D' ? 6 : t->acc == 'G' ? 13 : 12;

		good = c.fault_vector == v && nlog == 0 &&
		       !memcmp(c.gpr, before.gpr, sizeof(c.gpr)) && c.rip == before.rip;
		if (!good)
			DIAG("%s: vector %d", t->name, c.fault_vector);
	} else if (r == X86EMU_UNHANDLED) {
		good = c.insn_len >= 1 && c.insn_bytes[0] == t->code[0] && nlog == 0;
	} else {
		if (c.rip != rip + t->len) {
			DIAG("%s: rip %#llx", t->name, (unsigned long long)c.rip);
			good = false;
		}
		int wantr = t->acc == 'r' || t->acc == 'm';
		int wantw = t->acc == 'w' || t->acc == 'm';

		if (nreads != wantr || nwrites != wantw) {
			DIAG("%s: %d reads %d writes", t->name, nreads, nwrites);
			good = false;
		}
		for (int i = 0; i < nlog && good; i++) {
			if (log_[i].gpa != t->gpa || log_[i].len != t->size ||
			    (log_[i].write &&
			     log_[i].val != (t->wval & (t->size == 8 ? ~0ull :
							(1ull << (8 * t->size)) - 1)))) {
				DIAG("%s: access %c %#llx/%u val %#llx", t->name,
				     log_[i].write ? 'w' : 'r', (unsigned long long)log_[i].gpa,
				     log_[i].len, (unsigned long long)log_[i].val);
				good = false;
			}
		}
		if (wantr && wantw && good && log_[0].write)
			good = false;	/* read must come first */
		if (wantr && calls != 2) {
			DIAG("%s: %d calls", t->name, calls);
			good = false;
		}
		for (int i = 0; i < 3; i++) {
			if (t->chk[i].r && c.gpr[t->chk[i].r - 1] != t->chk[i].v) {
				DIAG("%s: reg %d = %#llx", t->name, t->chk[i].r - 1,
				     (unsigned long long)c.gpr[t->chk[i].r - 1]);
				good = false;
			}
		}
		if (t->flags_chk && (c.rflags & t->flags_chk) != t->flags_set) {
			DIAG("%s: rflags %#llx", t->name, (unsigned long long)c.rflags);
			good = false;
		}
	}
	ok(good, "%s", t->name);
}

/* ---- flags: the emulator against the host CPU ---- */

/*
 * The host runs the same operation on registers: NATIVE() on a and b as
 * @type (the result back in a), NATIVE1() on a; the flags land in f. The
 * stack pointer is moved below the red zone first: push/pop would
 * clobber it.
 */
#define NATIVE(type, sfx, cx, cy, insn)						\
	do {									\
		type x = a, y = b;						\
										\
		asm volatile("lea -128(%%rsp), %%rsp\n\tpush %[fi]\n\tpopf\n\t"	\
			     insn sfx " %[y], %[x]\n\tpushf\n\tpop %[f]\n\t"	\
			     "lea 128(%%rsp), %%rsp"				\
			     : [x] "+" cx(x), [f] "=&r" (f)			\
			     : [y] cy(y), [fi] "r" (fin) : "cc", "memory");	\
		a = x;								\
	} while (0)

#define NATIVE1(type, sfx, cx, insn)						\
	do {									\
		type x = a;							\
										\
		asm volatile("lea -128(%%rsp), %%rsp\n\tpush %[fi]\n\tpopf\n\t"	\
			     insn sfx " %[x]\n\tpushf\n\tpop %[f]\n\t"		\
			     "lea 128(%%rsp), %%rsp"				\
			     : [x] "+" cx(x), [f] "=&r" (f)			\
			     : [fi] "r" (fin) : "cc", "memory");		\
		a = x;								\
	} while (0)

/*
 * n_NAME(): the host CPU runs the instruction NAME on operands of each
 * size, a (the destination) and b, with flags fin; *fo gets the flags.
 */
#define BIN_FN(name)								\
static u64 n_##name(unsigned int bytes, u64 a, u64 b, u64 fin, u64 *fo)		\
{										\
	u64 f = 0;								\
										\
	switch (bytes) {							\
	case 1:									\
		NATIVE(u8, "b", "q", "q", #name);				\
		break;								\
	case 2:									\
		NATIVE(u16, "w", "r", "r", #name);				\
		break;								\
	case 4:									\
		NATIVE(u32, "l", "r", "r", #name);				\
		break;								\
	default:								\
		NATIVE(u64, "q", "r", "r", #name);				\
		break;								\
	}									\
	*fo = f;								\
	return a;								\
}

#define BT_FN(name)								\
static u64 n_##name(unsigned int bytes, u64 a, u64 b, u64 fin, u64 *fo)		\
{										\
	u64 f = 0;								\
										\
	switch (bytes) {							\
	case 2:									\
		NATIVE(u16, "w", "r", "r", #name);				\
		break;								\
	case 4:									\
		NATIVE(u32, "l", "r", "r", #name);				\
		break;								\
	default:								\
		NATIVE(u64, "q", "r", "r", #name);				\
		break;								\
	}									\
	*fo = f;								\
	return a;								\
}

#define UN_FN(name)								\
static u64 n_##name(unsigned int bytes, u64 a, u64 b, u64 fin, u64 *fo)		\
{										\
	u64 f = 0;								\
										\
	(void)b;								\
	switch (bytes) {							\
	case 1:									\
		NATIVE1(u8, "b", "q", #name);					\
		break;								\
	case 2:									\
		NATIVE1(u16, "w", "r", #name);					\
		break;								\
	case 4:									\
		NATIVE1(u32, "l", "r", #name);					\
		break;								\
	default:								\
		NATIVE1(u64, "q", "r", #name);					\
		break;								\
	}									\
	*fo = f;								\
	return a;								\
}

BIN_FN(add) BIN_FN(or) BIN_FN(adc) BIN_FN(sbb)
BIN_FN(and) BIN_FN(sub) BIN_FN(xor) BIN_FN(cmp)
BIN_FN(test)
BT_FN(bt) BT_FN(bts) BT_FN(btr) BT_FN(btc)
UN_FN(not) UN_FN(neg) UN_FN(inc) UN_FN(dec)

enum { K_ALU, K_TEST, K_BT, K_UN };

struct fop {
	const char *name;
	u64 (*native)(unsigned int bytes, u64 a, u64 b, u64 fin, u64 *fo);
	int kind;
	/* ALU: the r/m,r opcode of the 8-bit form; BT: 0F xx; UN: F6/FE with /ext */
	u8 opc;
	u8 ext;
	u64 fmask;	/* flags compared */
	bool writes;
};

#define LOGIC	(X86EMU_FLAGS_ARITH & ~X86EMU_FLAG_AF)
static const struct fop fops[] = {
	{ "add", n_add, K_ALU, 0x00, 0, X86EMU_FLAGS_ARITH, true },
	{ "or", n_or, K_ALU, 0x08, 0, LOGIC, true },
	{ "adc", n_adc, K_ALU, 0x10, 0, X86EMU_FLAGS_ARITH, true },
	{ "sbb", n_sbb, K_ALU, 0x18, 0, X86EMU_FLAGS_ARITH, true },
	{ "and", n_and, K_ALU, 0x20, 0, LOGIC, true },
	{ "sub", n_sub, K_ALU, 0x28, 0, X86EMU_FLAGS_ARITH, true },
	{ "xor", n_xor, K_ALU, 0x30, 0, LOGIC, true },
	{ "cmp", n_cmp, K_ALU, 0x38, 0, X86EMU_FLAGS_ARITH, false },
	{ "test", n_test, K_TEST, 0x84, 0, LOGIC, false },
	{ "bt", n_bt, K_BT, 0xa3, 0, X86EMU_FLAG_CF, false },
	{ "bts", n_bts, K_BT, 0xab, 0, X86EMU_FLAG_CF, true },
	{ "btr", n_btr, K_BT, 0xb3, 0, X86EMU_FLAG_CF, true },
	{ "btc", n_btc, K_BT, 0xbb, 0, X86EMU_FLAG_CF, true },
	{ "not", n_not, K_UN, 0xf6, 2, X86EMU_FLAGS_ARITH, true },
	{ "neg", n_neg, K_UN, 0xf6, 3, X86EMU_FLAGS_ARITH, true },
	{ "inc", n_inc, K_UN, 0xfe, 0, X86EMU_FLAGS_ARITH, true },
	{ "dec", n_dec, K_UN, 0xfe, 1, X86EMU_FLAGS_ARITH, true },
};

static u64 rng = 0x9e3779b97f4a7c15ull;

static u64 xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const u64 edges[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
	0x80000000, 0xffffffff, 0x7fffffffffffffffull, 0x8000000000000000ull,
	ALL1, 0x0f, 0x10,
};

#define NEDGE	ARRAY_SIZE(edges)

/*
 * Emulate @op on @a (destination) and @b (source) in variant @v: 0 is
 * "op [rbx],rcx" with the destination in MMIO, 1 is "op rdx,rcx" (no
 * memory), 2 is "op rcx,[rbx]" (ALU only). Returns false on any protocol
 * error.
 */
static bool emulate_op(const struct fop *op, unsigned int bytes, int v,
		       u64 a, u64 b, u64 fin, u64 *res, u64 *fout)
{
	struct x86_emu_ctxt c;
	u8 code[8];
	unsigned int n = 0;
	u8 modrm;
	int calls;

	ctxt_init(&c, X86_MODE_LONG64);
	if (bytes == 2)
		code[n++] = 0x66;
	if (bytes == 8)
		code[n++] = 0x48;
	switch (op->kind) {
	case K_ALU:
	case K_TEST:
		code[n++] = op->opc + (bytes > 1) + (v == 2 ? 2 : 0);
		modrm = v == 1 ? 0xca : 0x0b;	/* reg = rcx; rm = rdx / [rbx] */
		break;
	case K_BT:
		code[n++] = 0x0f;
		code[n++] = op->opc;
		modrm = v == 1 ? 0xca : 0x0b;
		break;
	default:
		code[n++] = op->opc + (bytes > 1);
		modrm = (op->ext << 3) | (v == 1 ? 0xc2 : 0x03);
		break;
	}
	code[n++] = modrm;
	put_code(&c, CODE, code, n);
	c.rflags = fin;
	c.gpr[X86_RBX] = MB;
	memset(dev, 0, 16);
	if (v == 2) {
		c.gpr[X86_RCX] = a;
		for (unsigned int i = 0; i < bytes; i++)
			dev[i] = b >> (8 * i);
	} else {
		c.gpr[X86_RCX] = b;
		c.gpr[X86_RDX] = a;
		for (unsigned int i = 0; i < bytes; i++)
			dev[i] = a >> (8 * i);
	}
	reset_log();
	if (run(&c, &calls) != X86EMU_OK || c.rip != CODE + n)
		return false;
	*fout = c.rflags;
	if (v == 1) {
		*res = c.gpr[X86_RDX];
		return nlog == 0;
	}
	if (v == 2) {
		*res = c.gpr[X86_RCX];
		return nreads == 1 && nwrites == 0 && calls == 2;
	}
	/* v0: read first, then exactly one write if the op writes */
	if (nreads != 1 || calls != 2 || log_[0].write ||
	    nwrites != (op->writes ? 1 : 0))
		return false;
	*res = op->writes ? log_[1].val : a;
	return true;
}

static void test_flags(void)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	for (size_t o = 0; o < ARRAY_SIZE(fops); o++) {
		const struct fop *op = &fops[o];

		for (int s = 0; s < 4; s++) {
			unsigned int bytes = sizes[s];
			u64 mask = bytes == 8 ? ALL1 : (1ull << (8 * bytes)) - 1;
			int compared = 0, bad = 0;

			if (op->kind == K_BT && bytes == 1)
				continue;
			for (unsigned int i = 0; i < NEDGE * NEDGE + 64; i++) {
				u64 a, b, fin, nres, nf, eres, ef;
				int v = i % (op->kind == K_ALU ? 3 : 2);

				if (i < NEDGE * NEDGE) {
					a = edges[i / NEDGE];
					b = edges[i % NEDGE];
				} else {
					a = xorshift();
					b = xorshift();
				}
				a &= mask;
				b &= mask;
				/* in memory the bit offset would move the address */
				if (op->kind == K_BT)
					b &= 8 * bytes - 1;
				fin = (xorshift() & X86EMU_FLAGS_ARITH) | 2;
				nres = op->native(bytes, a, b, fin, &nf) & mask;
				if (!emulate_op(op, bytes, v, a, b, fin, &eres, &ef)) {
					bad++;
					continue;
				}
				compared++;
				eres &= mask;
				if (eres != nres ||
				    (ef & op->fmask) != (nf & op->fmask) ||
				    (ef & ~op->fmask) != (fin & ~op->fmask)) {
					if (bad++ < 3)
						DIAG("%s%u v%d a=%#llx b=%#llx fin=%#llx: emu %#llx/%#llx cpu %#llx/%#llx",
						     op->name, bytes * 8, v, (unsigned long long)a,
						     (unsigned long long)b, (unsigned long long)fin,
						     (unsigned long long)eres,
						     (unsigned long long)ef,
						     (unsigned long long)nres,
						     (unsigned long long)nf);
				}
			}
			ok(bad == 0, "flags: %s%u matches the CPU (%d inputs)",
			   op->name, bytes * 8, compared);
		}
	}
}

/* ---- page walks ---- */

static void walk_expect(struct x86_emu_ctxt *c, const char *name, u64 la,
			unsigned int access, enum x86_emu_result want,
			u64 want_gpa_or_err)
{
	u64 gpa = 0;
	enum x86_emu_result r = x86_walk(c, la, access, &gpa);
	bool good = r == want;

	if (good && r == X86EMU_OK)
		good = gpa == want_gpa_or_err;
	if (good && r == X86EMU_FAULT)
		good = c->fault_vector == 14 && c->fault_has_error_code &&
		       c->fault_error_code == want_gpa_or_err && c->fault_addr == la;
	if (!good)
		DIAG("%s: r %d gpa %#llx err %#x", name, r, (unsigned long long)gpa,
		     c->fault_error_code);
	ok(good, "walk: %s", name);
}

#define W	X86_WALK_WRITE
#define U	X86_WALK_USER
#define F	X86_WALK_FETCH
#define OK_	X86EMU_OK
#define PF	X86EMU_FAULT

static void test_walks(void)
{
	struct x86_emu_ctxt c;

	/* 4-level */
	tables_built = false;
	ctxt_init(&c, X86_MODE_LONG64);
	walk_expect(&c, "4-level 4K page", L4K(0) + 0x123, 0, OK_, 0x200123);
	walk_expect(&c, "4-level 4K, non-contiguous next page", L4K(1) + 0x10, 0, OK_, 0x250010);
	walk_expect(&c, "4-level 2M page", 0x7fedcb, 0, OK_, 0x7fedcb);
	walk_expect(&c, "4-level 1G page", (1ull << 39) + 0x12345678, W | U, OK_, 0x12345678);
	walk_expect(&c, "not present: read", L4K(2) + 8, 0, PF, 0);
	walk_expect(&c, "not present: user write", L4K(2), W | U, PF, 6);
	walk_expect(&c, "not present: fetch (I with NXE)", L4K(2), F, PF, 0x10);
	walk_expect(&c, "not present PML4E", 0x7f0000000000ull, 0, PF, 0);
	walk_expect(&c, "RO page: supervisor read", L4K(3), 0, OK_, 0x260000);
	walk_expect(&c, "RO page: supervisor write, CR0.WP", L4K(3), W, PF, 3);
	c.cr0 &= ~X86EMU_CR0_WP;
	walk_expect(&c, "RO page: supervisor write, no WP", L4K(3) + 4, W, OK_, 0x260004);
	c.cr0 |= X86EMU_CR0_WP;
	walk_expect(&c, "supervisor page: user read", L4K(3), U, PF, 5);
	walk_expect(&c, "supervisor page: user write", L4K(3), W | U, PF, 7);
	walk_expect(&c, "NX page: read", L4K(4), U, OK_, 0x261000);
	walk_expect(&c, "NX page: fetch", L4K(4), F, PF, 0x11);
	walk_expect(&c, "NX page: user fetch", L4K(4), F | U, PF, 0x15);
	c.cr4 |= X86EMU_CR4_SMEP;
	walk_expect(&c, "SMEP: supervisor fetch of user page", L4K(0), F, PF, 0x11);
	c.cr4 = X86EMU_CR4_PAE | X86EMU_CR4_SMAP;
	walk_expect(&c, "SMAP: supervisor read of user page", L4K(0), 0, PF, 1);
	c.rflags |= X86EMU_FLAG_AC;
	walk_expect(&c, "SMAP: AC=1 allows it", L4K(0), 0, OK_, 0x200000);
	c.cr4 = X86EMU_CR4_PAE;
	c.efer &= ~X86EMU_EFER_NXE;
	walk_expect(&c, "NX bit without EFER.NXE is reserved", L4K(4), 0, PF, 9);
	walk_expect(&c, "no NXE: fetch not reported in error code", L4K(2), F, PF, 0);
	c.efer |= X86EMU_EFER_NXE;
	put64(PD0 + 3 * 8, 0x600000 | (1ull << 13) | PT_P | PT_W | PT_PS);
	walk_expect(&c, "2M page with reserved bit 13", 0x600000, 0, PF, 9);
	put64(PML4 + 16, PT_P | PT_W | PT_PS);
	walk_expect(&c, "PS in a PML4E is reserved", 2ull << 39, 0, PF, 9);
	c.cr4 |= X86EMU_CR4_LA57;
	walk_expect(&c, "5-level paging unhandled", 0, 0, X86EMU_UNHANDLED, 0);
	c.cr3 = 0x7ff000000ull;
	c.cr4 &= ~X86EMU_CR4_LA57;
	walk_expect(&c, "tables outside RAM unhandled", 0, 0, X86EMU_UNHANDLED, 0);
	tables_built = false;

	/* 32-bit paging */
	ctxt_init(&c, X86_MODE_PROT32);
	c.cr0 |= X86EMU_CR0_PG | X86EMU_CR0_WP;
	c.cr3 = 0x20000;
	memset(ram + 0x20000, 0, 0x2000);
	put32(0x20000, 0x21000 | PT_P | PT_W | PT_U);
	put32(0x21000 + 4, 0x123000 | PT_P | PT_U);
	put32(0x20000 + 4, 0x800000 | PT_PS | PT_P | PT_W);
	put32(0x20000 + 8, (1u << 13) | PT_PS | PT_P | PT_W);
	put32(0x20000 + 12, (1u << 21) | PT_PS | PT_P | PT_W);
	c.cr0 &= ~X86EMU_CR0_PG;
	walk_expect(&c, "paging off: identity, truncated to 32 bits", 0x100001234ull, 0,
		    OK_, 0x1234);
	c.cr0 |= X86EMU_CR0_PG;
	walk_expect(&c, "32-bit 4K page", 0x1abc, U, OK_, 0x123abc);
	walk_expect(&c, "32-bit: user write to RO page", 0x1abc, W | U, PF, 7);
	walk_expect(&c, "32-bit: no NX, fetch not in error code", 0x2000, F, PF, 0);
	walk_expect(&c, "32-bit: PS without CR4.PSE is a table", 0x400000, 0, X86EMU_UNHANDLED, 0);
	c.cr4 |= X86EMU_CR4_PSE;
	walk_expect(&c, "32-bit PSE 4M page", 0x401234, W, OK_, 0x801234);
	walk_expect(&c, "32-bit PSE-36 high bits", 0x812345, 0, OK_, 0x100012345ull);
	walk_expect(&c, "32-bit PSE: reserved bit 21", 0xc00000, 0, PF, 9);
	walk_expect(&c, "32-bit PSE: user access to supervisor 4M", 0x401234, U, PF, 5);
	walk_expect(&c, "32-bit: linear truncated to 32 bits", 0x100001abcull, U, OK_, 0x123abc);

	/* PAE */
	c.cr4 = X86EMU_CR4_PAE;
	c.efer = X86EMU_EFER_NXE;
	memset(ram + 0x22000, 0, 0x2000);
	c.pdpte[0] = 0x22000 | PT_P;
	c.pdpte[1] = 0;
	c.pdpte[2] = 0x22000 | PT_P | PT_W;	/* R/W is reserved in a PAE PDPTE */
	put64(0x22000, 0x23000 | PT_P | PT_W | PT_U);
	put64(0x23000 + 16, 0x345000 | PT_P | PT_W | PT_U | PT_NX);
	put64(0x22000 + 8, 0x600000 | PT_PS | PT_P | PT_W | PT_U);
	walk_expect(&c, "PAE 4K page", 0x2010, W | U, OK_, 0x345010);
	walk_expect(&c, "PAE NX fetch", 0x2010, F, PF, 0x11);
	walk_expect(&c, "PAE 2M page", 0x212345, U, OK_, 0x612345);
	walk_expect(&c, "PAE PDPTE not present", 0x40000000, W, PF, 2);
	walk_expect(&c, "PAE PDPTE reserved bit", 0x80000000, 0, PF, 9);
	walk_expect(&c, "PAE PTE not present", 0x3000, 0, PF, 0);
}

/* ---- emulation beyond one table row ---- */

static void load_code(struct x86_emu_ctxt *c, u64 rip, const u8 *code,
		      unsigned int len)
{
	c->rip = rip;
	put_code(c, rip, code, len);
	reset_log();
}

static void test_fetch_and_protocol(void)
{
	struct x86_emu_ctxt c, before;
	enum x86_emu_result r;
	static const u8 mov_store[] = { 0x48, 0x89, 0x43, 0x10 };
	static const u8 mov_long[] = { 0x89, 0x83, 0x00, 0x01, 0x00, 0x00 };
	static const u8 mov_load[] = { 0x8b, 0x03 };
	static const u8 mov_rm[] = { 0x89, 0x03 };

	tables_built = false;
	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = MB;
	c.gpr[X86_RAX] = V8;
	load_code(&c, L4K(1) - 3, mov_store, 4);
	r = run(&c, NULL);
	ok(r == OK_ && nwrites == 1 && log_[0].gpa == MB + 0x10 && log_[0].val == V8 &&
	   c.rip == L4K(1) + 1 && ram[0x250000] == 0x10,
	   "fetch across a page boundary onto a non-contiguous GPA");

	ctxt_init(&c, X86_MODE_LONG64);
	load_code(&c, L4K(2) - 2, mov_rm, 2);
	c.gpr[X86_RBX] = MB;
	r = run(&c, NULL);
	ok(r == OK_ && c.rip == L4K(2), "insn ending at a page end does not touch the next page");

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = MB;
	put_code(&c, L4K(2) - 2, mov_long, 2);
	c.rip = L4K(2) - 2;
	before = c;
	r = x86_emulate(&c);
	ok(r == PF && c.fault_vector == 14 && c.fault_error_code == 0x10 &&
	   c.fault_addr == L4K(2) && c.rip == before.rip,
	   "fetch running into an unmapped page: #PF, I bit, CR2 = next page");

	ctxt_init(&c, X86_MODE_LONG64);
	c.cpl = 3;
	c.rip = L4K(2) + 0x40;
	r = x86_emulate(&c);
	ok(r == PF && c.fault_error_code == 0x14 && c.fault_addr == L4K(2) + 0x40,
	   "user fetch from an unmapped page: #PF U|I");

	ctxt_init(&c, X86_MODE_LONG64);
	c.rip = MB;
	r = x86_emulate(&c);
	ok(r == X86EMU_UNHANDLED && c.insn_len == 0, "fetch from MMIO: unhandled");

	ctxt_init(&c, X86_MODE_LONG64);
	static const u8 inb[] = { 0x66, 0xed };

	load_code(&c, CODE, inb, 2);
	r = x86_emulate(&c);
	ok(r == X86EMU_UNHANDLED && c.insn_len >= 2 && c.insn_bytes[0] == 0x66 &&
	   c.insn_bytes[1] == 0xed, "unhandled returns the bytes");

	/* retry protocol */
	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = MB + 0x40;
	c.gpr[X86_RAX] = ALL1;
	dev[0x40] = 0x5a;
	dev[0x41] = 0;
	dev[0x42] = 0;
	dev[0x43] = 0;
	load_code(&c, CODE, mov_load, 2);
	before = c;
	r = x86_emulate(&c);
	ok(r == X86EMU_MMIO_PENDING && pending && pending_gpa == MB + 0x40 && pending_len == 4 &&
	   !memcmp(c.gpr, before.gpr, sizeof(c.gpr)) && c.rip == before.rip &&
	   c.rflags == before.rflags && nlog == 0,
	   "MMIO read: first call PENDING, no state change");
	memcpy(cache_data, &dev[0x40], 4);
	cache_gpa = MB + 0x40;
	cache_len = 4;
	cache_valid = true;
	r = x86_emulate(&c);
	ok(r == OK_ && c.gpr[X86_RAX] == 0x5a && c.rip == CODE + 2 && nreads == 1,
	   "MMIO read: second call with the data completes");

	/* RMW: PENDING first, then read and exactly one write */
	static const u8 addm[] = { 0x83, 0x03, 0x01 };

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = MB;
	memset(dev, 0, 8);
	dev[0] = 0x41;
	load_code(&c, CODE, addm, 3);
	r = x86_emulate(&c);
	ok(r == X86EMU_MMIO_PENDING && nwrites == 0, "MMIO RMW: no write before the read completed");
	reset_log();
	r = run(&c, NULL);
	ok(r == OK_ && nreads == 1 && nwrites == 1 && !log_[0].write && log_[1].val == 0x42,
	   "MMIO RMW: one read, then exactly one write");

	/* MMIO access across a page: unhandled; RAM across a page: split */
	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = MB + 0xffe;
	load_code(&c, CODE, mov_rm, 2);
	r = run(&c, NULL);
	ok(r == X86EMU_UNHANDLED && nlog == 0 && c.insn_len == 2, "MMIO access crossing a page: unhandled");

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = L4K(1) - 2;
	c.gpr[X86_RAX] = 0xa1b2c3d4;
	load_code(&c, CODE, mov_rm, 2);
	r = run(&c, NULL);
	ok(r == OK_ && nlog == 0 && ram[0x200ffe] == 0xd4 && ram[0x200fff] == 0xc3 &&
	   ram[0x250000] == 0xb2 && ram[0x250001] == 0xa1, "RAM access crossing a page is split");

	/* data #PF */
	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = L4K(2) + 0x20;
	load_code(&c, CODE, mov_rm, 2);
	r = run(&c, NULL);
	ok(r == PF && c.fault_error_code == 2 && c.fault_addr == L4K(2) + 0x20 && c.rip == CODE,
	   "store to an unmapped page: #PF W, CR2");
	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = L4K(3);
	load_code(&c, CODE, mov_rm, 2);
	c.cpl = 3;
	r = run(&c, NULL);
	ok(r == PF && c.fault_error_code == 7, "CPL 3 store to a supervisor RO page: #PF P|W|U");
	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = L4K(3);
	load_code(&c, CODE, addm, 3);
	r = run(&c, NULL);
	ok(r == PF && c.fault_error_code == 3 && nlog == 0, "RMW on a RO page faults as a write");
	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RBX] = L4K(5) + 0x10;		/* 4K-mapped MMIO */
	load_code(&c, CODE, mov_rm, 2);
	r = run(&c, NULL);
	ok(r == OK_ && nwrites == 1 && log_[0].gpa == MB + 0x10, "MMIO through a 4K mapping");
}

static void test_strings(void)
{
	struct x86_emu_ctxt c;
	enum x86_emu_result r;
	int calls;

	static const u8 movsd[] = { 0xa5 };

	ctxt_init(&c, X86_MODE_LONG64);
	put32(0x5000, 0xdeadbeef);
	c.gpr[X86_RSI] = 0x5000;
	c.gpr[X86_RDI] = MB;
	load_code(&c, CODE, movsd, 1);
	r = run(&c, &calls);
	ok(r == OK_ && nwrites == 1 && nreads == 0 && log_[0].gpa == MB &&
	   log_[0].val == 0xdeadbeef && c.gpr[X86_RSI] == 0x5004 && c.gpr[X86_RDI] == MB + 4 &&
	   c.rip == CODE + 1,
	   "movsd RAM -> MMIO");

	static const u8 repmovsb[] = { 0xf3, 0xa4 };

	ctxt_init(&c, X86_MODE_LONG64);
	dev[0x10] = 0x11;
	dev[0x11] = 0x22;
	ram[0x6000] = 0;
	ram[0x6001] = 0;
	c.gpr[X86_RSI] = MB + 0x10;
	c.gpr[X86_RDI] = 0x6000;
	c.gpr[X86_RCX] = 2;
	load_code(&c, CODE, repmovsb, 2);
	r = run(&c, &calls);
	ok(r == OK_ && calls == 2 && nreads == 1 && ram[0x6000] == 0x11 && c.gpr[X86_RCX] == 1 &&
	   c.rip == CODE && c.gpr[X86_RSI] == MB + 0x11 && c.gpr[X86_RDI] == 0x6001,
	   "rep movsb MMIO -> RAM: one element, RIP stays");
	reset_log();
	r = run(&c, &calls);
	ok(r == OK_ && ram[0x6001] == 0x22 && c.gpr[X86_RCX] == 0 && c.rip == CODE + 2,
	   "rep movsb: last element, RCX = 0, RIP advances");

	static const u8 repstosd[] = { 0xf3, 0xab };

	ctxt_init(&c, X86_MODE_LONG64);
	c.rflags |= X86EMU_FLAG_DF;
	c.gpr[X86_RAX] = 0x12345678;
	c.gpr[X86_RDI] = MB + 8;
	c.gpr[X86_RCX] = 3;
	load_code(&c, CODE, repstosd, 2);
	r = run(&c, NULL);
	ok(r == OK_ && nwrites == 1 && log_[0].gpa == MB + 8 && log_[0].val == 0x12345678 &&
	   c.gpr[X86_RDI] == MB + 4 && c.gpr[X86_RCX] == 2 && c.rip == CODE,
	   "rep stosd DF=1: rdi decrements");

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RCX] = 0;
	c.gpr[X86_RDI] = MB;
	load_code(&c, CODE, repstosd, 2);
	r = run(&c, NULL);
	ok(r == OK_ && nlog == 0 && c.rip == CODE + 2 && c.gpr[X86_RDI] == MB,
	   "rep with RCX = 0: nothing, RIP advances");

	static const u8 a32repstosb[] = { 0x67, 0xf3, 0xaa };

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RCX] = 0x100000000ull;
	c.gpr[X86_RDI] = MB;
	load_code(&c, CODE, a32repstosb, 3);
	r = run(&c, NULL);
	ok(r == OK_ && nlog == 0 && c.rip == CODE + 3, "67 rep stosb: ECX (= 0) is the count");
	c.gpr[X86_RCX] = 0xffffffff00000001ull;
	c.gpr[X86_RDI] = 0xffffffff00000000ull | MB;
	c.rip = CODE;
	reset_log();
	r = run(&c, NULL);
	ok(r == OK_ && nwrites == 1 && log_[0].gpa == MB && c.gpr[X86_RCX] == 0 &&
	   c.gpr[X86_RDI] == MB + 1 && c.rip == CODE + 3,
	   "67 rep stosb: EDI/ECX, 32-bit writes zero-extend");

	static const u8 fsmovsq[] = { 0x64, 0x48, 0xa5 };

	ctxt_init(&c, X86_MODE_LONG64);
	memset(dev, 0, 0x40);
	dev[0x20] = 0x99;
	c.seg_base[X86_SEG_FS] = MB;
	c.seg_base[X86_SEG_ES] = 0x1000;	/* ignored in 64-bit mode */
	c.gpr[X86_RSI] = 0x20;
	c.gpr[X86_RDI] = MB + 0x30;
	load_code(&c, CODE, fsmovsq, 3);
	r = run(&c, &calls);
	ok(r == OK_ && nreads == 1 && nwrites == 1 && !log_[0].write && log_[0].gpa == MB + 0x20 &&
	   log_[1].gpa == MB + 0x30 && log_[1].val == 0x99 && calls == 2,
	   "fs: movsq MMIO -> MMIO: source override, read then write");

	static const u8 movsw16[] = { 0xa5 };

	ctxt_init(&c, X86_MODE_REAL);
	c.seg_base[X86_SEG_DS] = 0x7000;
	c.seg_base[X86_SEG_ES] = MB;
	ram[0x7000 + 0xfffe] = 0x34;
	ram[0x7000 + 0xffff] = 0x12;
	c.gpr[X86_RSI] = 0xabcdfffe;
	c.gpr[X86_RDI] = 0x10;
	load_code(&c, CODE, movsw16, 1);
	r = run(&c, NULL);
	ok(r == OK_ && nwrites == 1 && log_[0].gpa == MB + 0x10 && log_[0].len == 2 &&
	   log_[0].val == 0x1234 && c.gpr[X86_RSI] == 0xabcd0000 && c.gpr[X86_RDI] == 0x12,
	   "16-bit movsw: SI wraps, upper bits kept");

	static const u8 lockstos[] = { 0xf0, 0xaa };

	ctxt_init(&c, X86_MODE_LONG64);
	load_code(&c, CODE, lockstos, 2);
	r = run(&c, NULL);
	ok(r == PF + 0 && c.fault_vector == 6, "lock stos: #UD");
}

/* ---- string port I/O (x86_string_io) ---- */

#define SIO_OUT		X86_SIO_OUT
#define SIO_PREP	X86_SIO_IN_PREPARE
#define SIO_DONE	X86_SIO_IN_COMPLETE

static void test_string_io(void)
{
	struct x86_emu_ctxt c;
	enum x86_emu_result r;
	unsigned int n;
	u8 buf[64];

	tables_built = false;

	static const u8 outsb[] = { 0x6e };

	ctxt_init(&c, X86_MODE_LONG64);
	ram[0x5000] = 'A';
	c.gpr[X86_RSI] = 0x5000;
	load_code(&c, CODE, outsb, 1);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 1 && buf[0] == 'A' && c.gpr[X86_RSI] == 0x5001 &&
	   c.rip == CODE + 1, "outsb: one element, RSI and RIP advance");

	static const u8 repoutsb[] = { 0xf3, 0x6e };

	ctxt_init(&c, X86_MODE_LONG64);
	memcpy(ram + 0x5000, "0123456789", 10);
	c.gpr[X86_RSI] = 0x5000;
	c.gpr[X86_RCX] = 10;
	load_code(&c, CODE, repoutsb, 2);
	r = x86_string_io(&c, SIO_OUT, buf, 4, &n);
	ok(r == OK_ && n == 4 && !memcmp(buf, "0123", 4) && c.gpr[X86_RCX] == 6 &&
	   c.gpr[X86_RSI] == 0x5004 && c.rip == CODE,
	   "rep outsb: a buffer's worth, RIP stays for the rest");
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 6 && !memcmp(buf, "456789", 6) && c.gpr[X86_RCX] == 0 &&
	   c.rip == CODE + 2, "rep outsb: the rest, RIP advances");

	static const u8 repoutsw[] = { 0xf3, 0x66, 0x6f };

	ctxt_init(&c, X86_MODE_LONG64);
	c.rflags |= X86EMU_FLAG_DF;
	put32(0x5000, 0x22221111);
	put32(0x5004, 0x44443333);
	c.gpr[X86_RSI] = 0x5006;
	c.gpr[X86_RCX] = 3;
	load_code(&c, CODE, repoutsw, 3);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 3 && le(buf, 2) == 0x4444 && le(buf + 2, 2) == 0x3333 &&
	   le(buf + 4, 2) == 0x2222 && c.gpr[X86_RSI] == 0x5000 && c.rip == CODE + 3,
	   "rep outsw DF=1: port order is the order of the addresses taken");

	static const u8 repoutsd[] = { 0xf3, 0x6f };

	ctxt_init(&c, X86_MODE_LONG64);
	put32(0x200ffc, 0x11111111);
	memcpy(ram + 0x200ffe, "\x01\x02", 2);
	memcpy(ram + 0x250000, "\x03\x04\x05\x06\x07\x08", 6);
	c.gpr[X86_RSI] = L4K(0) + 0xffe;
	c.gpr[X86_RCX] = 2;
	load_code(&c, CODE, repoutsd, 2);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 2 && le(buf, 4) == 0x04030201 && le(buf + 4, 4) == 0x08070605,
	   "rep outsd: an element that crosses into a non-contiguous page");

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RSI] = L4K(1) + 0xffe;
	c.gpr[X86_RCX] = 4;
	load_code(&c, CODE, repoutsb, 2);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 2 && c.gpr[X86_RCX] == 2 && c.gpr[X86_RSI] == L4K(2) &&
	   c.rip == CODE, "rep outsb: stops before a page that is not present");
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == PF && c.fault_vector == 14 && c.fault_addr == L4K(2) &&
	   c.fault_error_code == 0 && c.gpr[X86_RCX] == 2,
	   "rep outsb: #PF when the first element faults, nothing changed");

	/*
	 * 64-bit addressing, 1-byte elements, from 0 up: 2^64 elements
	 * before RSI wraps. Counting them as one more than fit used to
	 * give 0 (a run of none, and a loop that never ended: fuzz_test,
	 * seed 577321965269, a host soft lockup).
	 */
	ctxt_init(&c, X86_MODE_LONG64);
	memcpy(ram, "wrap", 4);
	c.gpr[X86_RSI] = 0;
	c.gpr[X86_RCX] = 4;
	load_code(&c, CODE, repoutsb, 2);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 4 && !memcmp(buf, "wrap", 4) && c.gpr[X86_RSI] == 4 &&
	   c.gpr[X86_RCX] == 0, "rep outsb from RSI = 0: the whole run, no endless loop");

	ctxt_init(&c, X86_MODE_LONG64);
	c.rflags |= X86EMU_FLAG_DF;
	c.gpr[X86_RSI] = ~0ULL;
	c.gpr[X86_RCX] = 1;
	load_code(&c, CODE, repoutsb, 2);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == PF && c.fault_addr == ~0ULL,
	   "rep outsb DF=1 from RSI = ~0: its page faults, once");

	static const u8 outsd_rexw[] = { 0x48, 0x6f };

	ctxt_init(&c, X86_MODE_LONG64);
	put64(0x5000, 0x8877665544332211ull);
	c.gpr[X86_RSI] = 0x5000;
	load_code(&c, CODE, outsd_rexw, 2);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 1 && le(buf, 4) == 0x44332211 && c.gpr[X86_RSI] == 0x5004,
	   "rex.w outsd: still 4 bytes");

	static const u8 fs_outsb[] = { 0x64, 0x6e };

	ctxt_init(&c, X86_MODE_LONG64);
	ram[0x5100] = 'f';
	c.seg_base[X86_SEG_FS] = 0x100;
	c.gpr[X86_RSI] = 0x5000;
	load_code(&c, CODE, fs_outsb, 2);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 1 && buf[0] == 'f', "fs outsb: the override applies");

	static const u8 repoutsb16[] = { 0xf3, 0x6e };

	ctxt_init(&c, X86_MODE_REAL);
	c.seg_base[X86_SEG_CS] = 0;
	c.seg_base[X86_SEG_DS] = 0x30000;
	memcpy(ram + 0x3fffe, "yz", 2);
	memcpy(ram + 0x30000, "ab", 2);
	c.gpr[X86_RSI] = 0xfffe;
	c.gpr[X86_RCX] = 0xffff0004;	/* CX = 4 */
	load_code(&c, CODE, repoutsb16, 2);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 4 && !memcmp(buf, "yzab", 4) && c.gpr[X86_RSI] == 2 &&
	   c.gpr[X86_RCX] == 0xffff0000 && c.rip == CODE + 2,
	   "real-mode rep outsb: SI wraps at 64 KiB, only CX counts");

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RCX] = 0;
	load_code(&c, CODE, repoutsb, 2);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == OK_ && n == 0 && c.rip == CODE + 2, "rep outsb, RCX = 0: skipped");

	static const u8 repinsw[] = { 0xf3, 0x66, 0x6d };

	ctxt_init(&c, X86_MODE_LONG64);
	memset(ram + 0x7000, 0, 8);
	c.gpr[X86_RDI] = 0x7000;
	c.gpr[X86_RCX] = 3;
	load_code(&c, CODE, repinsw, 3);
	r = x86_string_io(&c, SIO_PREP, buf, sizeof(buf) / 2, &n);
	ok(r == OK_ && n == 3 && c.gpr[X86_RDI] == 0x7000 && c.gpr[X86_RCX] == 3 &&
	   c.rip == CODE, "rep insw prepare: a count, nothing changed");
	memcpy(buf, "\x01\x02\x03\x04\x05\x06", 6);
	r = x86_string_io(&c, SIO_DONE, buf, sizeof(buf) / 2, &n);
	ok(r == OK_ && n == 3 && !memcmp(ram + 0x7000, "\x01\x02\x03\x04\x05\x06\x00", 7) &&
	   c.gpr[X86_RDI] == 0x7006 && c.gpr[X86_RCX] == 0 && c.rip == CODE + 3,
	   "rep insw complete: stored, RDI/RCX/RIP advance");

	static const u8 repinsb[] = { 0xf3, 0x6c };

	ctxt_init(&c, X86_MODE_LONG64);
	c.rflags |= X86EMU_FLAG_DF;
	memset(ram + 0x7000, 0, 8);
	c.gpr[X86_RDI] = 0x7002;
	c.gpr[X86_RCX] = 3;
	load_code(&c, CODE, repinsb, 2);
	r = x86_string_io(&c, SIO_PREP, buf, 2, &n);
	ok(r == OK_ && n == 2, "rep insb DF=1 prepare: limited by the buffer");
	memcpy(buf, "pq", 2);
	r = x86_string_io(&c, SIO_DONE, buf, 2, &n);
	ok(r == OK_ && ram[0x7002] == 'p' && ram[0x7001] == 'q' && ram[0x7000] == 0 &&
	   !memcmp(buf, "pq", 2) && c.gpr[X86_RDI] == 0x7000 && c.gpr[X86_RCX] == 1 &&
	   c.rip == CODE, "rep insb DF=1: stored downwards, the caller's buffer intact");

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RDI] = L4K(3);
	c.gpr[X86_RCX] = 1;
	load_code(&c, CODE, repinsb, 2);
	r = x86_string_io(&c, SIO_PREP, buf, sizeof(buf), &n);
	ok(r == PF && c.fault_error_code == 3 && c.fault_addr == L4K(3),
	   "insb into a read-only page: #PF with W set");

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RDI] = ROM_GPA;
	c.gpr[X86_RCX] = 1;
	load_code(&c, CODE, repinsb, 2);
	r = x86_string_io(&c, SIO_PREP, buf, sizeof(buf), &n);
	ok(r == X86EMU_UNHANDLED, "insb into a read-only slot: unhandled");

	static const u8 ds_insb[] = { 0x3e, 0x6c };

	ctxt_init(&c, X86_MODE_PROT32);
	c.seg_base[X86_SEG_ES] = 0x8000;
	c.seg_base[X86_SEG_DS] = 0x9000;
	ram[0x8010] = 0;
	ram[0x9010] = 0;
	c.gpr[X86_RDI] = 0x10;
	load_code(&c, CODE, ds_insb, 2);
	r = x86_string_io(&c, SIO_PREP, buf, sizeof(buf), &n);
	buf[0] = 'e';
	if (r == OK_)
		r = x86_string_io(&c, SIO_DONE, buf, sizeof(buf), &n);
	ok(r == OK_ && ram[0x8010] == 'e' && ram[0x9010] == 0 && c.gpr[X86_RDI] == 0x11,
	   "ds insb: always ES:EDI, the override does not apply");

	ctxt_init(&c, X86_MODE_LONG64);
	c.gpr[X86_RDI] = 0x7000;
	load_code(&c, CODE, repinsb, 2);
	r = x86_emulate(&c);
	ok(r == X86EMU_UNHANDLED, "x86_emulate leaves INS to x86_string_io");
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == X86EMU_UNHANDLED, "an OUT step on an INS is unhandled");
	static const u8 movsb[] = { 0xa4 };

	load_code(&c, CODE, movsb, 1);
	r = x86_string_io(&c, SIO_OUT, buf, sizeof(buf), &n);
	ok(r == X86EMU_UNHANDLED, "x86_string_io on MOVS is unhandled");
}

int main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	test_flags();
	test_walks();
	test_fetch_and_protocol();
	test_strings();
	test_string_io();
	printf("%d passed, %d failed\n", ntest - nfail, nfail);
	return nfail ? 1 : 0;
}
