// SPDX-License-Identifier: GPL-2.0
/*
 * minivm FPU tests: the guest's x87/SSE state and the VMM thread's are
 * kept apart (Documentation/api.rst, MINIVM_RUN: "The guest's FPU, SSE and
 * AVX state is kept apart from the thread's own").
 *
 *  - host_state_survives_run: the host loads known values into
 *    xmm0-15 (ymm0-15 with AVX), the x87 stack and MXCSR, issues the RUN
 *    ioctl itself (inline "syscall", so no libc code runs in between) and
 *    stores the registers right after it; a guest meanwhile overwrote all
 *    of its own.
 *  - guest_state_survives_exits: the guest loads xmm0-15 and MXCSR, exits
 *    through a ucall, the host clobbers its own registers in this thread
 *    and another one, and the guest then checks its registers.
 */
#include <cpuid.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

/* Guest helpers: load / store xmm0-15 from / to 256 bytes at RDI. */
asm(
	".pushsection .text\n"
	".globl guest_load_xmm\n"
	"guest_load_xmm:\n"
	"movdqu 0(%rdi), %xmm0\n movdqu 16(%rdi), %xmm1\n"
	"movdqu 32(%rdi), %xmm2\n movdqu 48(%rdi), %xmm3\n"
	"movdqu 64(%rdi), %xmm4\n movdqu 80(%rdi), %xmm5\n"
	"movdqu 96(%rdi), %xmm6\n movdqu 112(%rdi), %xmm7\n"
	"movdqu 128(%rdi), %xmm8\n movdqu 144(%rdi), %xmm9\n"
	"movdqu 160(%rdi), %xmm10\n movdqu 176(%rdi), %xmm11\n"
	"movdqu 192(%rdi), %xmm12\n movdqu 208(%rdi), %xmm13\n"
	"movdqu 224(%rdi), %xmm14\n movdqu 240(%rdi), %xmm15\n"
	"ret\n"
	".globl guest_store_xmm\n"
	"guest_store_xmm:\n"
	"movdqu %xmm0, 0(%rdi)\n movdqu %xmm1, 16(%rdi)\n"
	"movdqu %xmm2, 32(%rdi)\n movdqu %xmm3, 48(%rdi)\n"
	"movdqu %xmm4, 64(%rdi)\n movdqu %xmm5, 80(%rdi)\n"
	"movdqu %xmm6, 96(%rdi)\n movdqu %xmm7, 112(%rdi)\n"
	"movdqu %xmm8, 128(%rdi)\n movdqu %xmm9, 144(%rdi)\n"
	"movdqu %xmm10, 160(%rdi)\n movdqu %xmm11, 176(%rdi)\n"
	"movdqu %xmm12, 192(%rdi)\n movdqu %xmm13, 208(%rdi)\n"
	"movdqu %xmm14, 224(%rdi)\n movdqu %xmm15, 240(%rdi)\n"
	"ret\n"
	".popsection\n");
void guest_load_xmm(const void *src);
void guest_store_xmm(void *dst);

static uint8_t guest_src[256], guest_dst[256];

static uint32_t guest_get_mxcsr(void)
{
	uint32_t v;

	asm volatile("stmxcsr %0" : "=m"(v));
	return v;
}

/* Overwrite everything the host checks, then exit. */
static void __attribute__((used)) guest_clobber(void)
{
	uint32_t mxcsr = 0x1fc0;	/* DAZ */
	unsigned int i;

	for (i = 0; i < sizeof(guest_src); i++)
		guest_src[i] = 0xdd;
	guest_load_xmm(guest_src);
	asm volatile("ldmxcsr %0\n fninit\n"
		     "fldz\n fldz\n fldz\n fldz\n fldz\n fldz\n fldz\n fldz\n"
		     : : "m"(mxcsr));
	GUEST_SYNC(1);
	GUEST_DONE();
}

static void __attribute__((used)) guest_keep(void)
{
	uint32_t mxcsr = 0x7f80;	/* all masked, RC = toward zero */
	unsigned int i;

	for (i = 0; i < sizeof(guest_src); i++)
		guest_src[i] = (uint8_t)(i * 7 + 3);
	asm volatile("ldmxcsr %0" : : "m"(mxcsr));
	guest_load_xmm(guest_src);
	GUEST_SYNC(1);
	guest_store_xmm(guest_dst);
	GUEST_ASSERT_EQ(guest_get_mxcsr(), 0x7f80);
	for (i = 0; i < sizeof(guest_src); i++)
		GUEST_ASSERT_EQ(guest_dst[i], guest_src[i]);
	GUEST_DONE();
}

static bool host_has_avx(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return false;
	if (!(c & bit_AVX) || !(c & bit_OSXSAVE))
		return false;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

#define CLOBBERS "rcx", "r11", "memory", "cc", "st", "st(1)", "st(2)", \
	"st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "xmm0", "xmm1", "xmm2", \
	"xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", \
	"xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

#define X87_LOAD "fninit\n fldcw 0x220(%[in])\n" \
	"fldl 0x200(%[in])\n fldl 0x208(%[in])\n fldl 0x210(%[in])\n" \
	"fldl 0x218(%[in])\n" \
	"ldmxcsr 0x240(%[in])\n"
#define X87_STORE "fstpl 0x218(%[out])\n fstpl 0x210(%[out])\n" \
	"fstpl 0x208(%[out])\n fstpl 0x200(%[out])\n" \
	"fnstcw 0x220(%[out])\n stmxcsr 0x240(%[out])\n"

struct host_fpu_raw {
	uint8_t vec[16][32];	/* 0x000 */
	double x87[4];		/* 0x200 */
	uint16_t fcw;		/* 0x220 */
	uint8_t pad[0x1e];
	uint32_t mxcsr;		/* 0x240 */
};

/* RUN with host registers loaded from *in, stored to *out right after. */
static long run_with_fpu(int fd, const struct host_fpu_raw *in,
			 struct host_fpu_raw *out, bool avx)
{
	register long rax asm("rax") = SYS_ioctl;
	register long rdi asm("rdi") = fd;
	register long rsi asm("rsi") = MINIVM_RUN;
	register long rdx asm("rdx") = 0;

	if (avx)
		asm volatile(
			"vmovdqu 0x000(%[in]), %%ymm0\n vmovdqu 0x020(%[in]), %%ymm1\n"
			"vmovdqu 0x040(%[in]), %%ymm2\n vmovdqu 0x060(%[in]), %%ymm3\n"
			"vmovdqu 0x080(%[in]), %%ymm4\n vmovdqu 0x0a0(%[in]), %%ymm5\n"
			"vmovdqu 0x0c0(%[in]), %%ymm6\n vmovdqu 0x0e0(%[in]), %%ymm7\n"
			"vmovdqu 0x100(%[in]), %%ymm8\n vmovdqu 0x120(%[in]), %%ymm9\n"
			"vmovdqu 0x140(%[in]), %%ymm10\n vmovdqu 0x160(%[in]), %%ymm11\n"
			"vmovdqu 0x180(%[in]), %%ymm12\n vmovdqu 0x1a0(%[in]), %%ymm13\n"
			"vmovdqu 0x1c0(%[in]), %%ymm14\n vmovdqu 0x1e0(%[in]), %%ymm15\n"
			X87_LOAD
			"syscall\n"
			X87_STORE
			"vmovdqu %%ymm0, 0x000(%[out])\n vmovdqu %%ymm1, 0x020(%[out])\n"
			"vmovdqu %%ymm2, 0x040(%[out])\n vmovdqu %%ymm3, 0x060(%[out])\n"
			"vmovdqu %%ymm4, 0x080(%[out])\n vmovdqu %%ymm5, 0x0a0(%[out])\n"
			"vmovdqu %%ymm6, 0x0c0(%[out])\n vmovdqu %%ymm7, 0x0e0(%[out])\n"
			"vmovdqu %%ymm8, 0x100(%[out])\n vmovdqu %%ymm9, 0x120(%[out])\n"
			"vmovdqu %%ymm10, 0x140(%[out])\n vmovdqu %%ymm11, 0x160(%[out])\n"
			"vmovdqu %%ymm12, 0x180(%[out])\n vmovdqu %%ymm13, 0x1a0(%[out])\n"
			"vmovdqu %%ymm14, 0x1c0(%[out])\n vmovdqu %%ymm15, 0x1e0(%[out])\n"
			"vzeroupper\n"
			: "+r"(rax)
			: "r"(rdi), "r"(rsi), "r"(rdx), [in] "r"(in), [out] "r"(out)
			: CLOBBERS);
	else
		asm volatile(
			"movdqu 0x000(%[in]), %%xmm0\n movdqu 0x020(%[in]), %%xmm1\n"
			"movdqu 0x040(%[in]), %%xmm2\n movdqu 0x060(%[in]), %%xmm3\n"
			"movdqu 0x080(%[in]), %%xmm4\n movdqu 0x0a0(%[in]), %%xmm5\n"
			"movdqu 0x0c0(%[in]), %%xmm6\n movdqu 0x0e0(%[in]), %%xmm7\n"
			"movdqu 0x100(%[in]), %%xmm8\n movdqu 0x120(%[in]), %%xmm9\n"
			"movdqu 0x140(%[in]), %%xmm10\n movdqu 0x160(%[in]), %%xmm11\n"
			"movdqu 0x180(%[in]), %%xmm12\n movdqu 0x1a0(%[in]), %%xmm13\n"
			"movdqu 0x1c0(%[in]), %%xmm14\n movdqu 0x1e0(%[in]), %%xmm15\n"
			X87_LOAD
			"syscall\n"
			X87_STORE
			"movdqu %%xmm0, 0x000(%[out])\n movdqu %%xmm1, 0x020(%[out])\n"
			"movdqu %%xmm2, 0x040(%[out])\n movdqu %%xmm3, 0x060(%[out])\n"
			"movdqu %%xmm4, 0x080(%[out])\n movdqu %%xmm5, 0x0a0(%[out])\n"
			"movdqu %%xmm6, 0x0c0(%[out])\n movdqu %%xmm7, 0x0e0(%[out])\n"
			"movdqu %%xmm8, 0x100(%[out])\n movdqu %%xmm9, 0x120(%[out])\n"
			"movdqu %%xmm10, 0x140(%[out])\n movdqu %%xmm11, 0x160(%[out])\n"
			"movdqu %%xmm12, 0x180(%[out])\n movdqu %%xmm13, 0x1a0(%[out])\n"
			"movdqu %%xmm14, 0x1c0(%[out])\n movdqu %%xmm15, 0x1e0(%[out])\n"
			: "+r"(rax)
			: "r"(rdi), "r"(rsi), "r"(rdx), [in] "r"(in), [out] "r"(out)
			: CLOBBERS);
	return rax;
}

FIXTURE(fpu) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

FIXTURE_SETUP(fpu)
{
	MINIVM_REQUIRE();
}

FIXTURE_TEARDOWN(fpu)
{
	vm_free(self->vm);
}

TEST_F(fpu, host_state_survives_run)
{
	static struct host_fpu_raw in, out;
	bool avx = host_has_avx();
	unsigned int r, i, width = avx ? 32 : 16;
	uint32_t host_mxcsr;
	struct ucall uc;
	long ret;

	TH_LOG("host %s AVX: checking %s0-15", avx ? "has" : "has no",
	       avx ? "ymm" : "xmm");
	for (r = 0; r < 16; r++)
		for (i = 0; i < 32; i++)
			in.vec[r][i] = (uint8_t)(0x40 + r * 32 + i);
	in.x87[0] = 1.5;
	in.x87[1] = -2.25;
	in.x87[2] = 3.0e100;
	in.x87[3] = 0.125;
	in.fcw = 0x0f7f;	/* RC toward zero: not the reset 0x037f */
	in.mxcsr = 0x9f80;	/* FZ */
	memset(&out, 0, sizeof(out));

	self->vm = vm_create_64(&self->vcpu, guest_clobber);
	asm volatile("stmxcsr %0" : "=m"(host_mxcsr));
	ret = run_with_fpu(self->vcpu->fd, &in, &out, avx);
	asm volatile("ldmxcsr %0\n fninit" : : "m"(host_mxcsr));
	ASSERT_EQ(0, ret) TH_LOG("MINIVM_RUN returned %ld", ret);
	ASSERT_EQ(UCALL_SYNC, get_ucall(self->vcpu, &uc));

	for (r = 0; r < 16; r++)
		for (i = 0; i < width; i++)
			ASSERT_EQ(in.vec[r][i], out.vec[r][i])
				TH_LOG("host %s%u byte %u clobbered",
				       avx ? "ymm" : "xmm", r, i);
	EXPECT_EQ(0, memcmp(in.x87, out.x87, sizeof(in.x87)))
		TH_LOG("host x87 stack: %g %g %g %g, expected %g %g %g %g",
		       out.x87[0], out.x87[1], out.x87[2], out.x87[3],
		       in.x87[0], in.x87[1], in.x87[2], in.x87[3]);
	EXPECT_EQ(in.fcw, out.fcw);
	EXPECT_EQ(in.mxcsr, out.mxcsr);

	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

/* Host FP and SSE work that leaves other values in the registers. */
static void *clobber_fpu(void *arg)
{
	volatile double d = 1.0;
	uint32_t mxcsr = 0x1f80;
	unsigned int i;

	for (i = 0; i < 1000; i++)
		d = d * 1.0001 + (double)i;
	asm volatile("ldmxcsr %0\n pcmpeqd %%xmm0, %%xmm0\n"
		     "movdqa %%xmm0, %%xmm7\n movdqa %%xmm0, %%xmm15\n"
		     : : "m"(mxcsr) : "xmm0", "xmm7", "xmm15");
	return arg;
}

TEST_F(fpu, guest_state_survives_exits)
{
	struct ucall uc;
	pthread_t t;

	self->vm = vm_create_64(&self->vcpu, guest_keep);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	clobber_fpu(NULL);
	ASSERT_EQ(0, pthread_create(&t, NULL, clobber_fpu, NULL));
	ASSERT_EQ(0, pthread_join(t, NULL));
	/* Give the other thread's state a chance to be loaded here too. */
	sched_yield();
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_HARNESS_MAIN
