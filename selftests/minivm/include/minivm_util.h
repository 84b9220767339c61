/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivm selftests: the small library every test binary links.
 *
 * In the manner of tools/testing/selftests/kvm/include/kvm_util.h:
 *
 *  - Helpers without a leading "__" either succeed or print a "# " line
 *    (TAP comment) naming the failed call and errno, then abort(); the
 *    kselftest harness runs every test in a child process and reports the
 *    abort as a failed test. Helpers with "__" return the raw ioctl
 *    result and leave errno alone, for the error-path tests.
 *
 *  - The ASSERT_* / EXPECT_* macros below expand to kselftest_harness.h
 *    assertions, so they can only be used inside TEST()/TEST_F() bodies
 *    (they need the harness's _metadata).
 *
 * Guest code is 16-bit real-mode code assembled into the test binary with
 * GUEST_CODE16() and copied into guest memory (vm_load_guest()); a new vCPU
 * starts in real mode, as on hardware (unrestricted guest).
 */
#ifndef SELFTEST_MINIVM_UTIL_H
#define SELFTEST_MINIVM_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <asm/vmx.h>		/* EXIT_REASON_*: raw VMX exit reasons */
#include <linux/minivm.h>

#define MINIVM_DEV		"/dev/minivm"
#define MINIVM_PAGE_SIZE	4096UL

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)

/*
 * The default guest: one memory slot (slot 0) of GUEST_MEM_SIZE bytes at
 * guest-physical 0, code loaded at GUEST_CODE_GPA and entered with
 * CS = 0 (base 0), IP = GUEST_CODE_GPA, SP = GUEST_STACK_TOP. DS, ES, SS
 * keep their reset value (selector 0, base 0), so guest code addresses
 * guest-physical memory below 64 KiB directly, e.g. GUEST_DATA_GPA.
 */
#define GUEST_MEM_SIZE		0x10000
#define GUEST_CODE_GPA		0x1000
#define GUEST_CODE_MAX		0x3000
#define GUEST_DATA_GPA		0x4000	/* a page shared by agreement */
#define GUEST_STACK_TOP		0xf000
/* for guest assembly: "movl $1, " GUEST_DATA "+4" */
#define GUEST_DATA		__stringify(GUEST_DATA_GPA)

/*
 * Guest-to-host channel (a minimal "ucall"): the guest OUTs 4 bytes
 * (EAX) to UCALL_PORT to hand a value to the host and wait for the next
 * RUN (GUEST_SYNC), or to UCALL_FAIL_PORT when a check inside the guest
 * failed (GUEST_FAIL; the value says which check). Tests also use other
 * ports for the exit under test itself.
 */
#define UCALL_PORT		0x1000
#define UCALL_FAIL_PORT		0x1001

/*
 * GUEST_CODE16(name, "asm") puts real-mode code between the symbols
 * guest_<name>_start and guest_<name>_end (in .rodata.minivm_guest).
 * The code is position dependent only through constants: jumps between
 * labels of the same block are PC-relative and resolved by the assembler,
 * but an absolute reference to a symbol would be relocated to a host
 * address, so the Makefile rejects objects with relocations in that
 * section. Use GUEST(name) to pass the start/end pair to the library.
 * Extra labels named guest_<name>_<something> in the block can be
 * declared with GUEST_LABEL() to find offsets (e.g. an expected RIP).
 */
#define GUEST_CODE16(name, code)					\
	extern const uint8_t guest_##name##_start[];			\
	extern const uint8_t guest_##name##_end[];			\
	asm(".pushsection .rodata.minivm_guest, \"a\", @progbits\n"	\
	    "guest_" #name "_start:\n"					\
	    ".code16\n"							\
	    code "\n"							\
	    ".code64\n"							\
	    "guest_" #name "_end:\n"					\
	    ".popsection\n")

#define GUEST(name)		guest_##name##_start, guest_##name##_end
#define GUEST_LABEL(name, label) extern const uint8_t guest_##name##_##label[]
/* Guest-physical address of a label of a guest loaded at GUEST_CODE_GPA. */
#define GUEST_GPA(name, label)						\
	(GUEST_CODE_GPA + (uint64_t)(guest_##name##_##label - guest_##name##_start))

/* Pieces of guest assembly (clobber EAX and DX). */
#define GUEST_SYNC(val)							\
	"mov $" __stringify(val) ", %eax\n\t"				\
	"mov $" __stringify(UCALL_PORT) ", %dx\n\t"			\
	"out %eax, %dx\n\t"
#define GUEST_FAIL(code)						\
	"mov $" __stringify(code) ", %eax\n\t"				\
	"mov $" __stringify(UCALL_FAIL_PORT) ", %dx\n\t"		\
	"out %eax, %dx\n\t"						\
	"hlt\n\t"

struct minivm_mem {
	bool used;
	uint64_t gpa;
	uint64_t size;
	void *hva;
};

struct minivm_vcpu;

struct minivm_vm {
	int dev_fd;			/* -1 once closed */
	int fd;				/* -1 once closed */
	size_t run_size;		/* MINIVM_GET_VCPU_MMAP_SIZE */
	struct minivm_mem mem[MINIVM_MAX_MEMSLOTS];
	struct minivm_vcpu *vcpus[MINIVM_MAX_VCPUS];
};

struct minivm_vcpu {
	struct minivm_vm *vm;
	uint32_t id;
	int fd;				/* -1 once closed */
	struct minivm_run *run;		/* NULL once unmapped */
	size_t run_size;
	int run_errno;			/* errno of the last failed __vcpu_run() */
};

/* Report a failure in library code and abort the test. */
void __minivm_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define MINIVM_FAIL(fmt, ...) __minivm_fail(__FILE__, __LINE__, fmt, ##__VA_ARGS__)
#define MINIVM_CHECK(cond, fmt, ...) do {				\
	if (!(cond))							\
		MINIVM_FAIL(fmt, ##__VA_ARGS__);			\
} while (0)

/* "EINVAL", ... for any errno value (never NULL). */
const char *errno_name(int err);

/* /dev/minivm */
bool minivm_present(void);		/* false only when it does not exist */
int minivm_open(void);			/* aborts on failure */
long minivm_check_extension(int fd, long cap);	/* dev or VM fd; aborts on -1 */
size_t minivm_vcpu_mmap_size(int dev_fd);

/* VMs */
struct minivm_vm *vm_create_barebones(void);	/* no memory, no vCPU */
struct minivm_vm *vm_create(void);		/* + the default memory slot */
void vm_free(struct minivm_vm *vm);		/* closes whatever is still open */

void *minivm_alloc(size_t size);		/* anonymous, page aligned, zeroed */
int __vm_set_memory_region(struct minivm_vm *vm, uint32_t slot, uint32_t flags,
			   uint64_t gpa, uint64_t size, const void *hva);
int __vm_set_region(int vm_fd, const struct minivm_userspace_memory_region *r);
void *vm_add_memory(struct minivm_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size);
void vm_delete_memory(struct minivm_vm *vm, uint32_t slot);	/* and unmap it */
void *vm_gpa2hva(struct minivm_vm *vm, uint64_t gpa);
void vm_load_guest(struct minivm_vm *vm, uint64_t gpa,
		   const uint8_t *start, const uint8_t *end);

/* vCPUs */
int __vm_create_vcpu(struct minivm_vm *vm, unsigned long id);	/* raw ioctl */
struct minivm_vcpu *vm_vcpu_add(struct minivm_vm *vm, uint32_t id);
void vcpu_free(struct minivm_vcpu *vcpu);
/* Real-mode entry: CS = cs (base cs << 4), IP = ip, SP = sp. */
void vcpu_set_real_mode_entry(struct minivm_vcpu *vcpu, uint16_t cs,
			      uint16_t ip, uint16_t sp);

/*
 * The default VM with guest code loaded at GUEST_CODE_GPA and vCPU 0 ready
 * to run it: vm_create_guest(GUEST(name), &vcpu).
 */
struct minivm_vm *vm_create_guest(const uint8_t *start, const uint8_t *end,
				  struct minivm_vcpu **vcpu);

void vcpu_get_regs(struct minivm_vcpu *vcpu, struct minivm_regs *regs);
void vcpu_set_regs(struct minivm_vcpu *vcpu, const struct minivm_regs *regs);
void vcpu_get_sregs(struct minivm_vcpu *vcpu, struct minivm_sregs *sregs);
void vcpu_set_sregs(struct minivm_vcpu *vcpu, const struct minivm_sregs *sregs);
uint64_t vcpu_get_rip(struct minivm_vcpu *vcpu);

/* MINIVM_RUN; returns the ioctl result, errno saved in vcpu->run_errno. */
int __vcpu_run(struct minivm_vcpu *vcpu);

/* The data of the current IO exit (size bytes at data_offset). */
uint32_t vcpu_io_data(struct minivm_vcpu *vcpu);
void vcpu_io_set_data(struct minivm_vcpu *vcpu, uint32_t val);	/* for IN */

/* Names and a one-line description of the run area, for messages. */
const char *exit_reason_name(uint32_t reason);
const char *vmx_exit_reason_name(uint32_t basic_reason);
char *vcpu_describe_exit(struct minivm_vcpu *vcpu, char *buf, size_t len);

/* Number of open file descriptors of this process (for leak checks). */
int count_open_fds(void);

/*
 * Statistic @name of a statistics fd (MINIVM_GET_STATS_FD, api.rst 6.12),
 * and of a VM now; both abort when there is no such statistic.
 */
uint64_t stats_fd_get(int fd, const char *name);
uint64_t vm_stat(struct minivm_vm *vm, const char *name);

/*
 * ---- Assertions for TEST()/TEST_F() bodies (need kselftest_harness.h) ----
 */

/*
 * `call` must fail (return -1, or MAP_FAILED) with errno `err`. The _MSG
 * forms add a printf-style note to the failure message.
 */
#define __ERRNO_CHECK(ASSERT_OR_EXPECT, err, call, call_str, fmt, ...) do { \
	long __ec_ret;							\
	int __ec_err, __ec_want = (err);				\
	errno = 0;							\
	__ec_ret = (long)(call);					\
	__ec_err = errno;						\
	ASSERT_OR_EXPECT(-1L, __ec_ret)					\
		TH_LOG("%s: succeeded (returned %ld), expected %s" fmt,	\
		       call_str, __ec_ret, errno_name(__ec_want), ##__VA_ARGS__); \
	ASSERT_OR_EXPECT(__ec_want, __ec_err)				\
		TH_LOG("%s: expected %s, got %s (%s)" fmt, call_str,	\
		       errno_name(__ec_want), errno_name(__ec_err),	\
		       strerror(__ec_err), ##__VA_ARGS__);		\
} while (0)
#define ASSERT_ERRNO(err, call)	__ERRNO_CHECK(ASSERT_EQ, err, call, #call, "")
#define EXPECT_ERRNO(err, call)	__ERRNO_CHECK(EXPECT_EQ, err, call, #call, "")
#define ASSERT_ERRNO_MSG(err, call, fmt, ...)				\
	__ERRNO_CHECK(ASSERT_EQ, err, call, #call, " [" fmt "]", ##__VA_ARGS__)
#define EXPECT_ERRNO_MSG(err, call, fmt, ...)				\
	__ERRNO_CHECK(EXPECT_EQ, err, call, #call, " [" fmt "]", ##__VA_ARGS__)

/* `call` must succeed (not return -1); logs errno otherwise. */
#define ASSERT_OK(call) do {						\
	long __ok_ret;							\
	int __ok_err;							\
	errno = 0;							\
	__ok_ret = (long)(call);					\
	__ok_err = errno;						\
	ASSERT_NE(-1L, __ok_ret)					\
		TH_LOG("%s failed: %s (%s)", #call,			\
		       errno_name(__ok_err), strerror(__ok_err));	\
} while (0)

/* The last exit (already in the run area) must be `reason`. */
#define ASSERT_EXIT_REASON(vcpu, reason) do {				\
	struct minivm_vcpu *__er_vcpu = (vcpu);				\
	uint32_t __er_want = (reason);					\
	char __er_desc[1024];						\
	ASSERT_EQ(__er_want, __er_vcpu->run->exit_reason) {		\
		vcpu_describe_exit(__er_vcpu, __er_desc, sizeof(__er_desc)); \
		TH_LOG("expected exit %s, got %s",			\
		       exit_reason_name(__er_want), __er_desc);		\
	}								\
} while (0)

/* MINIVM_RUN must return 0 with exit reason `reason`. */
#define ASSERT_RUN_EXIT(vcpu, reason) do {				\
	struct minivm_vcpu *__re_vcpu = (vcpu);				\
	char __re_desc[1024];						\
	int __re_ret = __vcpu_run(__re_vcpu);				\
	ASSERT_EQ(0, __re_ret) {					\
		vcpu_describe_exit(__re_vcpu, __re_desc, sizeof(__re_desc)); \
		TH_LOG("MINIVM_RUN failed: %s (%s); run area: %s",	\
		       errno_name(__re_vcpu->run_errno),		\
		       strerror(__re_vcpu->run_errno), __re_desc);	\
	}								\
	ASSERT_EXIT_REASON(__re_vcpu, reason);				\
} while (0)

/* MINIVM_RUN must fail with errno `err`, exit_reason then `reason`. */
#define ASSERT_RUN_ERRNO(vcpu, err, reason) do {			\
	struct minivm_vcpu *__rf_vcpu = (vcpu);				\
	int __rf_want = (err);						\
	char __rf_desc[1024];						\
	int __rf_ret = __vcpu_run(__rf_vcpu);				\
	ASSERT_EQ(-1, __rf_ret) {					\
		vcpu_describe_exit(__rf_vcpu, __rf_desc, sizeof(__rf_desc)); \
		TH_LOG("MINIVM_RUN succeeded, expected %s; exit: %s",	\
		       errno_name(__rf_want), __rf_desc);		\
	}								\
	ASSERT_EQ(__rf_want, __rf_vcpu->run_errno)			\
		TH_LOG("MINIVM_RUN: expected %s, got %s",		\
		       errno_name(__rf_want),				\
		       errno_name(__rf_vcpu->run_errno));		\
	if ((int)(reason) >= 0)						\
		ASSERT_EXIT_REASON(__rf_vcpu, reason);			\
} while (0)

/*
 * The last exit must be an I/O exit with these properties, its data
 * inside the run area and clear of the io descriptor itself.
 */
#define ASSERT_EXIT_IO(vcpu, dir, port_, size_) do {			\
	struct minivm_vcpu *__io_vcpu = (vcpu);				\
	struct minivm_run *__io_run = __io_vcpu->run;			\
	char __io_desc[1024];						\
	ASSERT_EXIT_REASON(__io_vcpu, MINIVM_EXIT_IO);			\
	vcpu_describe_exit(__io_vcpu, __io_desc, sizeof(__io_desc));	\
	ASSERT_EQ((uint8_t)(dir), __io_run->io.direction)		\
		TH_LOG("wrong direction: %s", __io_desc);		\
	ASSERT_EQ((uint16_t)(port_), __io_run->io.port)			\
		TH_LOG("wrong port: %s", __io_desc);			\
	ASSERT_EQ((uint8_t)(size_), __io_run->io.size)			\
		TH_LOG("wrong size: %s", __io_desc);			\
	ASSERT_EQ(1U, __io_run->io.count)				\
		TH_LOG("wrong count: %s", __io_desc);			\
	ASSERT_GE(__io_run->io.data_offset,				\
		  offsetof(struct minivm_run, io) + sizeof(__io_run->io)) \
		TH_LOG("data overlaps the io descriptor: %s", __io_desc); \
	ASSERT_LE(__io_run->io.data_offset + (size_), __io_vcpu->run_size) \
		TH_LOG("data outside the run area: %s", __io_desc);	\
} while (0)

#define ASSERT_RUN_IO(vcpu, dir, port_, size_) do {			\
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_IO);				\
	ASSERT_EXIT_IO(vcpu, dir, port_, size_);			\
} while (0)

/* RUN; the guest must GUEST_SYNC(val). */
#define ASSERT_RUN_SYNC(vcpu, val) do {					\
	ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, UCALL_PORT, 4);		\
	ASSERT_EQ((uint32_t)(val), vcpu_io_data(vcpu));			\
} while (0)

/*
 * Skip the current test when /dev/minivm does not exist (module not
 * loaded, or a CPU without VMX where it refuses to load); any other
 * failure to open it is a test failure. Usable in TEST(), TEST_F() and
 * FIXTURE_SETUP(): the 6.1 harness still runs the test body after
 * SKIP(return) in a fixture setup, so this leaves the way a failed
 * ASSERT does (longjmp to the harness), which skips body and teardown.
 */
#define MINIVM_REQUIRE() do {						\
	if (!minivm_present())						\
		SKIP(longjmp(_metadata->env, 1),			\
		     MINIVM_DEV " not present (minivm.ko not loaded?)"); \
} while (0)

#endif /* SELFTEST_MINIVM_UTIL_H */
