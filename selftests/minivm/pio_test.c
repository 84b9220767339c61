// SPDX-License-Identifier: GPL-2.0
/*
 * minivm string port I/O tests for 64-bit guests: REP INS/OUTS of every
 * size, forwards and with DF set, over buffers that cross pages, larger
 * than the run area's data buffer (so several exits, each as full as the
 * buffer allows), REP with RCX = 0, and the page faults a string I/O
 * buffer can raise, which the guest's own IDT must receive.
 */
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define SIO_PORT	0x3f0
/* a buffer that does not start on a page boundary, in the free high RAM */
#define SIO_BUF		(VM64_HIGH_GPA + 0x100ffe)
#define SIO_FAULT_GVA	(VM64_HIGH_GPA + 0x400000)	/* 4 KiB pages here */

/* What the guest does: set by the host before the first RUN. */
struct sio_req {
	uint64_t in;		/* INS, else OUTS */
	uint64_t size;		/* 1, 2, 4 */
	uint64_t df;		/* run downwards (STD) */
	uint64_t addr;		/* rSI / rDI */
	uint64_t count;		/* rCX */
};

static struct sio_req sio;

#define SIO_ASM(insn, reg)						\
	asm volatile("rep " insn : "+" reg(a), "+c"(c) : "d"(port) : "memory")

static void __attribute__((used)) guest_sio_main(void)
{
	uint64_t a = sio.addr, c = sio.count;
	uint16_t port = SIO_PORT;

	if (sio.df)
		asm volatile("std");
	switch (sio.in * 8 + sio.size) {
	case 1:
		SIO_ASM("outsb", "S");
		break;
	case 2:
		SIO_ASM("outsw", "S");
		break;
	case 4:
		SIO_ASM("outsl", "S");
		break;
	case 9:
		SIO_ASM("insb", "D");
		break;
	case 10:
		SIO_ASM("insw", "D");
		break;
	case 12:
		SIO_ASM("insl", "D");
		break;
	default:
		GUEST_ASSERT(0);
	}
	asm volatile("cld");
	GUEST_SYNC(a);
	GUEST_SYNC(c);
	GUEST_DONE();
}

/* Byte i of the test pattern (not periodic in any power of two). */
static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 7 + i / 251);
}

/*
 * Run the guest until an exit that is not for SIO_PORT, doing the port
 * side of every one that is: OUT data is appended to @out, IN data comes
 * from the pattern. Returns the number of I/O exits, 0 on a bad exit.
 */
static unsigned int pump(struct __test_metadata *_metadata,
			 struct minivm_vcpu *vcpu, unsigned int size,
			 bool in, uint8_t *out, size_t *done)
{
	struct minivm_run *run = vcpu->run;
	unsigned int exits = 0;
	uint8_t *data;
	size_t i, n;

	for (;;) {
		EXPECT_EQ(0, __vcpu_run(vcpu));
		if (run->exit_reason != MINIVM_EXIT_IO ||
		    run->io.port != SIO_PORT)
			return exits;
		exits++;
		EXPECT_EQ(in ? MINIVM_EXIT_IO_IN : MINIVM_EXIT_IO_OUT,
			  run->io.direction);
		EXPECT_EQ(size, run->io.size);
		/* each exit as full as the data buffer allows, but one */
		n = (size_t)run->io.count * size;
		EXPECT_GE(run->io.count, 1);
		EXPECT_LE(run->io.data_offset + n, vcpu->run_size);
		if (run->io.data_offset + n > vcpu->run_size)
			return 0;
		data = (uint8_t *)run + run->io.data_offset;
		for (i = 0; i < n; i++) {
			if (in)
				data[i] = pattern(*done + i);
			else
				out[*done + i] = data[i];
		}
		*done += n;
	}
}

/* The most elements one exit can carry. */
static size_t batch(struct minivm_vcpu *vcpu, unsigned int size)
{
	size_t off = sizeof(struct minivm_run);

	off = (off + 7) & ~7UL;
	return (vcpu->run_size - off) / size;
}

/*
 * One REP INS/OUTS of @count elements of @size bytes at SIO_BUF (the
 * first element's address; with @df the elements run downwards from it).
 */
static void string_io(struct __test_metadata *_metadata, bool in,
		      unsigned int size, bool df, size_t count)
{
	size_t bytes = count * size, done = 0, i, per;
	uint64_t lo = df ? SIO_BUF - bytes + size : SIO_BUF;
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	unsigned int exits;
	uint8_t *mem, *out;
	struct ucall uc;

	vm = vm_create_64(&vcpu, guest_sio_main);
	sio = (struct sio_req){ in, size, df, SIO_BUF, count };
	sync_global_to_guest(vm, sio);
	mem = vm_gpa2hva(vm, lo);
	for (i = 0; i < bytes; i++)
		mem[i] = in ? 0 : pattern(i);
	out = calloc(1, bytes + 1);
	ASSERT_NE(NULL, out);

	exits = pump(_metadata, vcpu, size, in, out, &done);
	ASSERT_EQ(UCALL_SYNC, get_ucall(vcpu, &uc));
	EXPECT_EQ(bytes, done);
	per = batch(vcpu, size);
	EXPECT_EQ((count + per - 1) / per, exits);
	/* rSI/rDI moved by the whole count, RCX reached 0 */
	EXPECT_EQ(df ? SIO_BUF - bytes : SIO_BUF + bytes, uc.args[0]);
	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0, uc.args[0]);
	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_DONE);

	/*
	 * Port order is element order: with DF the first element is the
	 * highest one. Element e covers bytes [e*size, e*size + size) of
	 * the port stream and sits at lo + (count-1-e)*size in memory.
	 */
	for (i = 0; i < bytes; i++) {
		size_t e = i / size, b = i % size;
		size_t at = (df ? (count - 1 - e) : e) * size + b;
		uint8_t want = pattern(in ? i : at);
		uint8_t got = in ? mem[at] : out[i];

		if (got != want) {
			TH_LOG("byte %zu of the port stream: 0x%02x, want 0x%02x",
			       i, got, want);
			EXPECT_EQ(want, got);
			break;
		}
	}
	free(out);
	vm_free(vm);
}

FIXTURE(pio) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

FIXTURE_SETUP(pio)
{
	MINIVM_REQUIRE();
	int fd = minivm_open();

	ASSERT_EQ(1, minivm_check_extension(fd, MINIVM_CAP_STRING_IO));
	close(fd);
}

FIXTURE_TEARDOWN(pio)
{
	vm_free(self->vm);
}

TEST_F(pio, rep_outsb_many_exits)	{ string_io(_metadata, false, 1, false, 10000); }
TEST_F(pio, rep_outsw)			{ string_io(_metadata, false, 2, false, 3001); }
TEST_F(pio, rep_outsl)			{ string_io(_metadata, false, 4, false, 2500); }
TEST_F(pio, rep_outsb_df)		{ string_io(_metadata, false, 1, true, 5000); }
TEST_F(pio, rep_outsl_df)		{ string_io(_metadata, false, 4, true, 1500); }
TEST_F(pio, rep_insb_many_exits)	{ string_io(_metadata, true, 1, false, 10000); }
TEST_F(pio, rep_insw)			{ string_io(_metadata, true, 2, false, 3001); }
TEST_F(pio, rep_insl)			{ string_io(_metadata, true, 4, false, 2500); }
TEST_F(pio, rep_insw_df)		{ string_io(_metadata, true, 2, true, 2222); }
TEST_F(pio, rep_insl_df)		{ string_io(_metadata, true, 4, true, 1500); }
TEST_F(pio, rep_outsb_one)		{ string_io(_metadata, false, 1, false, 1); }

/* REP with RCX = 0 moves nothing and never exits for the port. */
TEST_F(pio, rep_count_zero)
{
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_sio_main);
	sio = (struct sio_req){ 1, 4, 0, SIO_BUF, 0 };
	sync_global_to_guest(self->vm, sio);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(SIO_BUF, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

/*
 * REP OUTSB from a buffer whose second page is not present: the first
 * page's bytes go out in one exit, then the guest takes #PF on the second
 * page (its own IDT; CR2 = the page), with RSI and RCX where the CPU
 * leaves them.
 */
extern const uint8_t guest_sio_fault_fix[];
asm(
	".pushsection .text\n"
	"guest_sio_fault_fix:\n"
	"	cld\n"
	"	mov %rdi, %rdx\n"
	"	mov %rsi, %rdi\n"
	"	mov %rcx, %rsi\n"
	"	and $-16, %rsp\n"
	"	call guest_sio_fault_report\n"
	".popsection\n");

static void __attribute__((used)) guest_sio_fault_report(uint64_t rsi,
							 uint64_t rcx,
							 uint64_t rdi)
{
	GUEST_SYNC(sio.in ? rdi : rsi);
	GUEST_SYNC(rcx);
	GUEST_DONE();
}

static void sio_fault(struct __test_metadata *_metadata,
		      FIXTURE_DATA(pio) *self, bool in, uint64_t pte2,
		      uint64_t want_err)
{
	uint64_t start = SIO_FAULT_GVA + 0x1000 - 100;
	size_t done = 0;
	uint8_t out[200];
	unsigned int exits;
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_sio_main);
	vm_map_page(self->vm, SIO_FAULT_GVA, SIO_FAULT_GVA, PTE_P | PTE_W);
	vm_map_page(self->vm, SIO_FAULT_GVA + 0x1000, SIO_FAULT_GVA + 0x1000,
		    pte2);
	vm_handle_exception(self->vm, PF_VECTOR, true,
			    (uint64_t)guest_sio_fault_fix);
	sio = (struct sio_req){ in, 1, 0, start, 200 };
	sync_global_to_guest(self->vm, sio);

	exits = pump(_metadata, self->vcpu, 1, in, out, &done);
	EXPECT_EQ(1, exits);
	EXPECT_EQ(100, done);
	ASSERT_EQ(UCALL_EXCEPTION, get_ucall(self->vcpu, &uc));
	EXPECT_EQ(PF_VECTOR, uc.args[0]);
	EXPECT_EQ(want_err, uc.args[1]);
	EXPECT_EQ(SIO_FAULT_GVA + 0x1000, uc.args[3]);	/* CR2 */
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(SIO_FAULT_GVA + 0x1000, uc.args[0]);	/* rSI/rDI */
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(100, uc.args[0]);			/* RCX */
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(pio, rep_outsb_into_not_present_page)
{
	sio_fault(_metadata, self, false, 0, 0);
}

/* INS stores: a read-only page is a write #PF (P and W set). */
TEST_F(pio, rep_insb_into_read_only_page)
{
	sio_fault(_metadata, self, true, PTE_P, 3);
}

TEST_HARNESS_MAIN
