/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucall: a guest-to-host channel for 64-bit C guests, in the manner of
 * tools/testing/selftests/kvm/include/ucall_common.h.
 *
 * The guest fills a struct ucall on its own stack and executes
 * "OUT %eax, %dx" to UCALL64_PORT with RDI = the struct's guest address.
 * The exit reaches userspace as an I/O exit; get_ucall() reads RDI with
 * GET_REGS and the struct through vm_gpa2hva() (guest-virtual equals
 * guest-physical in the 64-bit layout, see processor.h). The next RUN
 * resumes the guest after the OUT.
 *
 * UCALL64_PORT is not UCALL_PORT/UCALL_FAIL_PORT (minivm_util.h): those
 * carry a bare 4-byte value from 16-bit guests, this one a pointer.
 */
#ifndef SELFTEST_MINIVM_UCALL_H
#define SELFTEST_MINIVM_UCALL_H

#include <stddef.h>
#include <stdint.h>

#define UCALL64_PORT		0x1010
#define UCALL_MAX_ARGS		4

enum {
	UCALL_NONE,		/* the exit was not a ucall */
	UCALL_SYNC,		/* GUEST_SYNC(v): args[0] = v */
	UCALL_ABORT,		/* GUEST_ASSERT*() failed */
	UCALL_DONE,		/* GUEST_DONE() */
	UCALL_EXCEPTION,	/* exception reported: vector, error code, RIP, CR2 */
};

struct ucall {
	uint64_t cmd;
	uint64_t line;
	uint64_t file;		/* guest address of __FILE__ (ABORT) */
	uint64_t expr;		/* guest address of the expression text (ABORT) */
	uint64_t nargs;
	uint64_t args[UCALL_MAX_ARGS];
};

/* ---- guest side (lib/guest_ucall.c, no libc, no SSE) ---- */
void ucall(uint64_t cmd, uint64_t nargs, uint64_t a0, uint64_t a1,
	   uint64_t a2, uint64_t a3);
void __guest_assert(const char *file, uint64_t line, const char *expr,
		    uint64_t nargs, uint64_t a0, uint64_t a1)
	__attribute__((noreturn));

/*
 * Replaces minivm_util.h's asm-string GUEST_SYNC of 16-bit guests: a file
 * that includes this header writes those as GUEST_SYNC16().
 */
#undef GUEST_SYNC
#define GUEST_SYNC16(val)						\
	"mov $" __stringify(val) ", %eax\n\t"				\
	"mov $" __stringify(UCALL_PORT) ", %dx\n\t"			\
	"out %eax, %dx\n\t"
#define GUEST_SYNC(v)		ucall(UCALL_SYNC, 1, (uint64_t)(v), 0, 0, 0)
#define GUEST_DONE()		ucall(UCALL_DONE, 0, 0, 0, 0, 0)
#define GUEST_ASSERT(cond) do {						\
	if (!(cond))							\
		__guest_assert(__FILE__, __LINE__, #cond, 0, 0, 0);	\
} while (0)
/* Reports both values. */
#define GUEST_ASSERT_EQ(a, b) do {					\
	uint64_t __ga = (uint64_t)(a), __gb = (uint64_t)(b);		\
	if (__ga != __gb)						\
		__guest_assert(__FILE__, __LINE__, #a " == " #b, 2,	\
			       __ga, __gb);				\
} while (0)

/* ---- host side (lib/ucall.c) ---- */
struct minivm_vcpu;

/*
 * UCALL_* of the last exit, the struct copied to *uc (when not NULL);
 * UCALL_NONE for any other exit.
 */
uint64_t get_ucall(struct minivm_vcpu *vcpu, struct ucall *uc);
/* "file:line: expr (values)" of a UCALL_ABORT, read from guest memory. */
char *ucall_describe_abort(struct minivm_vcpu *vcpu, const struct ucall *uc,
			   char *buf, size_t len);

/*
 * For TEST() bodies: RUN, the exit must be ucall `want`. A guest
 * assertion (UCALL_ABORT) fails the test with the guest's file:line,
 * expression and values; any other exit with its description.
 */
#define ASSERT_RUN_UCALL(vcpu, uc, want) do {				\
	struct minivm_vcpu *__uc_vcpu = (vcpu);				\
	uint64_t __uc_cmd, __uc_want = (want);				\
	char __uc_desc[1024];						\
	int __uc_ret = __vcpu_run(__uc_vcpu);				\
	ASSERT_EQ(0, __uc_ret) {					\
		vcpu_describe_exit(__uc_vcpu, __uc_desc, sizeof(__uc_desc)); \
		TH_LOG("MINIVM_RUN failed: %s; run area: %s",		\
		       errno_name(__uc_vcpu->run_errno), __uc_desc);	\
	}								\
	__uc_cmd = get_ucall(__uc_vcpu, (uc));				\
	if (__uc_cmd == UCALL_ABORT && __uc_want != UCALL_ABORT) {	\
		ucall_describe_abort(__uc_vcpu, (uc), __uc_desc,	\
				     sizeof(__uc_desc));		\
		TH_LOG("guest assertion failed: %s", __uc_desc);	\
		ASSERT_TRUE(0);						\
	}								\
	ASSERT_EQ(__uc_want, __uc_cmd) {				\
		vcpu_describe_exit(__uc_vcpu, __uc_desc, sizeof(__uc_desc)); \
		TH_LOG("expected ucall %llu, got %llu; exit: %s",	\
		       (unsigned long long)__uc_want,			\
		       (unsigned long long)__uc_cmd, __uc_desc);	\
	}								\
} while (0)

#endif /* SELFTEST_MINIVM_UCALL_H */
