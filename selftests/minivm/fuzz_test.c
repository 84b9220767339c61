// SPDX-License-Identifier: GPL-2.0
/*
 * minivm fuzzer: random and structurally mutated ioctls on every kind of
 * minivm file descriptor, random memory-slot layouts, ioctls from several
 * threads sharing a VM, and random guest code and register state under
 * MINIVM_RUN in real mode, protected mode and 64-bit mode.
 *
 *   fuzz_test [--seed N] [--iterations N] [--phase NAME[,NAME...]]
 *
 * Every ioctl call counts as one iteration (other system calls the
 * fuzzer checks, mmap() of a run area for example, do not). The default
 * is FUZZ_DEFAULT_ITERATIONS; MINIVM_FUZZ_ITERATIONS and MINIVM_FUZZ_SEED
 * in the environment, or minivm.fuzz_iterations=N, minivm.fuzz_seed=N and
 * minivm.fuzz_phase=NAME on the kernel command line (the rig cannot pass
 * environment variables to a test; `make fuzz` runs 10^6 iterations that
 * way), set them too; the options win.
 *
 * The pass criterion: every ioctl returns success or an errno that
 * Documentation/api.rst lists for it. The per-ioctl tables are ioctls[]
 * below; selftests/minivm/fuzz_errnos.sh (make unit) checks that each
 * errno there appears in that ioctl's part of api.rst, so the table and
 * the documentation cannot drift apart. Where api.rst states the result
 * outright (a reserved field set: EINVAL; a GET/SET_SREGS round trip
 * succeeds; the order of SET_USER_MEMORY_REGION's checks), the fuzzer
 * expects exactly that. Oopses and WARNs are the rig's to catch.
 *
 * Each phase runs in a child process (a crash or a hang is that phase's
 * failure) from a seed derived from the run's seed and the phase's name,
 * so a failing phase replays alone: a failure prints the seed, the phase
 * and the iteration, and the command that repeats it. The threads phase
 * and the timer that bounds each RUN make some runs differ in detail.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "processor.h"

#define FUZZ_DEFAULT_ITERATIONS	150000ULL
/* The longest a RUN may stay in the guest: a looping guest is kicked. */
#define KICK_NS			2000000L
/* Failure messages printed per phase (all are counted). */
#define MAX_REPORTS		20
/* Each thread's argument buffers (then a guard page). */
#define ARENA_SIZE		(64 * 1024)
#define MAX_ERRNO		256
#define PAGE			MINIVM_PAGE_SIZE

/* ---- the per-ioctl errno tables ---- */

enum { FD_SYS = 1, FD_VM = 2, FD_VCPU = 4 };

#define ARG_PTR		1	/* the argument is a pointer */
#define NEW_FD		2	/* returns a new file descriptor */
#define MAX_ERRS	6

struct ioctl_desc {
	unsigned int cmd;
	const char *name;
	unsigned int fds;
	unsigned int flags;
	int errs[MAX_ERRS];
};

/*
 * api.rst section 5, "Errors every ioctl can return": EIO (another
 * process), ENOTTY (an ioctl the fd does not implement), EFAULT (a
 * pointer argument); and what every ioctl that creates a file descriptor
 * can fail with. They apply under their conditions (fz_errno_allowed()),
 * not to every call. fuzz_errnos.sh checks them against section 5.
 */
#define ERRNOS_EVERY_IOCTL	EIO, ENOTTY, EFAULT
#define ERRNOS_NEW_FD		EMFILE, ENFILE, ENOMEM

static const int errnos_new_fd[] = { ERRNOS_NEW_FD };

/*
 * One line per ioctl: IOCTL(name, fds, flags, errnos its part of api.rst
 * lists beyond the common ones). fuzz_errnos.sh parses these lines.
 */
#define IOCTL(cmd_, fds_, flags_, ...)					\
	{ .cmd = cmd_, .name = #cmd_, .fds = fds_, .flags = flags_,	\
	  .errs = { __VA_ARGS__ } }

static const struct ioctl_desc ioctls[] = {
	IOCTL(MINIVM_GET_API_VERSION, FD_SYS, 0, EINVAL),
	IOCTL(MINIVM_CREATE_VM, FD_SYS, NEW_FD, EINVAL, ENOMEM, EBUSY, EIO,
	      EINTR),
	IOCTL(MINIVM_CHECK_EXTENSION, FD_SYS | FD_VM, 0, 0),
	IOCTL(MINIVM_GET_VCPU_MMAP_SIZE, FD_SYS, 0, EINVAL),
	IOCTL(MINIVM_GET_SUPPORTED_CPUID, FD_SYS, ARG_PTR, E2BIG),
	IOCTL(MINIVM_GET_MSR_INDEX_LIST, FD_SYS, ARG_PTR, E2BIG),
	IOCTL(MINIVM_CREATE_VCPU, FD_VM, NEW_FD, EINVAL, ENOMEM, EIO, EEXIST),
	IOCTL(MINIVM_SET_USER_MEMORY_REGION, FD_VM, ARG_PTR,
	      EINVAL, ENOENT, EEXIST, ENOMEM),
	IOCTL(MINIVM_ENABLE_CAP, FD_VM, ARG_PTR, EINVAL),
	IOCTL(MINIVM_CREATE_IRQCHIP, FD_VM, 0, EINVAL, EEXIST, ENOMEM),
	IOCTL(MINIVM_IRQ_LINE, FD_VM, ARG_PTR, EINVAL, ENXIO),
	IOCTL(MINIVM_GET_STATS_FD, FD_VM, NEW_FD, EINVAL, ENOMEM),
	IOCTL(MINIVM_RUN, FD_VCPU, 0, EINVAL, EIO, EINTR, EFAULT, ENOMEM),
	IOCTL(MINIVM_GET_REGS, FD_VCPU, ARG_PTR, 0),
	IOCTL(MINIVM_SET_REGS, FD_VCPU, ARG_PTR, EINVAL),
	IOCTL(MINIVM_GET_SREGS, FD_VCPU, ARG_PTR, 0),
	IOCTL(MINIVM_SET_SREGS, FD_VCPU, ARG_PTR, EINVAL),
	IOCTL(MINIVM_GET_MSRS, FD_VCPU, ARG_PTR, EINVAL, ENOMEM),
	IOCTL(MINIVM_SET_MSRS, FD_VCPU, ARG_PTR, EINVAL, ENOMEM),
	IOCTL(MINIVM_SET_CPUID, FD_VCPU, ARG_PTR, EINVAL, ENOMEM),
	IOCTL(MINIVM_GET_CPUID, FD_VCPU, ARG_PTR, E2BIG),
	IOCTL(MINIVM_GET_XSAVE, FD_VCPU, ARG_PTR, ENOMEM),
	IOCTL(MINIVM_SET_XSAVE, FD_VCPU, ARG_PTR, EINVAL, ENOMEM),
	IOCTL(MINIVM_GET_XCRS, FD_VCPU, ARG_PTR, 0),
	IOCTL(MINIVM_SET_XCRS, FD_VCPU, ARG_PTR, EINVAL),
	IOCTL(MINIVM_GET_DEBUGREGS, FD_VCPU, ARG_PTR, 0),
	IOCTL(MINIVM_SET_DEBUGREGS, FD_VCPU, ARG_PTR, EINVAL),
	IOCTL(MINIVM_GET_VCPU_EVENTS, FD_VCPU, ARG_PTR, 0),
	IOCTL(MINIVM_SET_VCPU_EVENTS, FD_VCPU, ARG_PTR, EINVAL),
	IOCTL(MINIVM_NMI, FD_VCPU, 0, EINVAL, ENXIO),
	IOCTL(MINIVM_INTERRUPT, FD_VCPU, ARG_PTR, EINVAL, ENXIO, EBUSY),
	IOCTL(MINIVM_GET_VCPU_STATS_FD, FD_VCPU, NEW_FD, EINVAL, ENOMEM),
};

/* ---- phases, statistics, the fuzzer's state ---- */

struct fz_stats {
	uint64_t calls;		/* ioctl calls: the iterations */
	uint64_t failures;
	uint64_t ok;
	uint64_t errnos[MAX_ERRNO];
	uint64_t runs;
	uint64_t kicks;		/* RUNs the kick timer ended */
	uint64_t exits[MINIVM_EXIT_X86_WRMSR + 1];
	uint64_t vms;		/* VMs created */
	uint64_t syscalls;	/* other system calls checked */
	uint64_t checks;	/* round trips and other state checks */
	uint64_t last_cmd;
	int64_t start_ns, end_ns;
};

struct fz;

struct phase {
	const char *name;
	unsigned int weight;	/* share of the iterations */
	void (*run)(struct fz *fz);
	const char *what;
};

/* Argument buffers: see fz_ptr(). */
struct arena {
	uint8_t *rw;		/* ARENA_SIZE bytes, then guard */
	uint8_t *guard;		/* PROT_NONE */
	uint8_t *ro;		/* read-only view of ro_rw */
	uint8_t *ro_rw;
	uint8_t *none;		/* PROT_NONE page */
};

struct fz {
	const struct phase *phase;
	struct fz_stats *st;
	uint64_t budget;
	uint64_t rng;
	int thread;		/* 0: the phase's main thread */
	bool other_process;	/* a forked child: VM and vCPU ioctls get EIO */
	struct arena a;
	void *runarea;		/* a run area for P_RUNAREA, if any */
	volatile bool *stop;	/* threads: the round is over */
};

static uint64_t run_seed;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* What every phase learns from /dev/minivm first. */
static uint32_t msr_list[512];
static uint32_t n_msr_list;
static uint32_t n_supported_cpuid;
static uint64_t gpa_limit;	/* what a slot may not reach beyond */

/* ---- random numbers ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd64(struct fz *fz)
{
	/* xorshift64* */
	fz->rng ^= fz->rng >> 12;
	fz->rng ^= fz->rng << 25;
	fz->rng ^= fz->rng >> 27;
	return fz->rng * 0x2545f4914f6cdd1dULL;
}

static uint32_t rnd(struct fz *fz, uint32_t n)
{
	return n ? (uint32_t)((rnd64(fz) >> 16) % n) : 0;
}

static bool chance(struct fz *fz, unsigned int percent)
{
	return rnd(fz, 100) < percent;
}

static uint64_t phase_seed(const char *name, int thread)
{
	uint64_t h = 0xcbf29ce484222325ULL, x;

	/* FNV-1a of the name, so each phase has a stream of its own. */
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ULL;
	x = run_seed ^ h ^ ((uint64_t)thread << 56);
	return splitmix64(&x) | 1;
}

static const uint64_t interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 0xf, 0x10, 0x1f, 0x20, 0x7f, 0x80, 0xff, 0x100,
	0xfff, 0x1000, 0x7fff, 0x8000, 0xffff, 0x10000, 0xfffff, 0x100000,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000ULL,
	0xfee00000, 0xfec00000, 0xfffffff0, 0x1fffff, 0x200000,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
	0xfffffffffffff000ULL, 0x0000800000000000ULL, 0x00007fffffffffffULL,
	0xffff800000000000ULL, 0xffff888000000000ULL, 0xffffffff81000000ULL,
	0xdead000000000000ULL, 1ULL << 36, 1ULL << 46, 1ULL << 47, 1ULL << 48,
	1ULL << 52,
};

static uint64_t rnd_value(struct fz *fz)
{
	switch (rnd(fz, 5)) {
	case 0:
	case 1:
		return interesting[rnd(fz, ARRAY_SIZE(interesting))];
	case 2:
		return rnd64(fz);
	case 3:
		return rnd64(fz) & 0xffffffff;
	default:
		return (1ULL << rnd(fz, 64)) ^ (chance(fz, 50) ? 0 : ~0ULL);
	}
}

static void fill_random(struct fz *fz, void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			v = rnd64(fz);
		p[i] = v >> (8 * (i & 7));
	}
}

static bool any_nonzero(const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len--)
		if (*b++)
			return true;
	return false;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- reporting ---- */

static uint64_t fz_iteration(struct fz *fz)
{
	return __atomic_load_n(&fz->st->calls, __ATOMIC_RELAXED);
}

static void fz_fail(struct fz *fz, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fz_fail(struct fz *fz, const char *fmt, ...)
{
	uint64_t n = __atomic_add_fetch(&fz->st->failures, 1, __ATOMIC_RELAXED);
	uint64_t it = fz_iteration(fz);
	va_list ap;

	if (n > MAX_REPORTS)
		return;
	pthread_mutex_lock(&out_lock);
	printf("# FAIL seed %" PRIu64 " phase %s iteration %" PRIu64,
	       run_seed, fz->phase->name, it);
	if (fz->thread)
		printf(" thread %d", fz->thread);
	if (fz->other_process)
		printf(" (forked child)");
	printf(": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (n == 1) {
		printf("# replay: fuzz_test --seed %" PRIu64 " --phase %s --iterations %" PRIu64
		       "; in the rig: make fuzz FUZZ_SEED=%" PRIu64, run_seed, fz->phase->name,
		       it, run_seed);
		printf(" FUZZ_PHASE=%s FUZZ_ITERATIONS=%" PRIu64 "\n", fz->phase->name, it);
	}
	if (n == MAX_REPORTS)
		printf("# (further failures of phase %s are counted, not printed)\n",
		       fz->phase->name);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static const char *kind_name(unsigned int kind)
{
	return kind == FD_SYS ? "/dev/minivm" : kind == FD_VM ? "VM" : "vCPU";
}

static const struct ioctl_desc *find_desc(unsigned int cmd, unsigned int kind)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ioctls); i++)
		if (ioctls[i].cmd == cmd && (ioctls[i].fds & kind))
			return &ioctls[i];
	return NULL;
}

static const struct ioctl_desc *find_any_desc(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ioctls); i++)
		if (ioctls[i].cmd == cmd)
			return &ioctls[i];
	return NULL;
}

static char *cmd_str(unsigned int cmd, char *buf, size_t len)
{
	const struct ioctl_desc *d = find_any_desc(cmd);

	if (d)
		snprintf(buf, len, "%s", d->name);
	else
		snprintf(buf, len, "ioctl 0x%08x (dir %u type 0x%02x nr 0x%02x size %u)",
			 cmd, _IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd),
			 _IOC_SIZE(cmd));
	return buf;
}

static bool fz_errno_allowed(struct fz *fz, const struct ioctl_desc *d,
			     unsigned int kind, int err)
{
	unsigned int i;

	/* The process rule comes first, even for unknown numbers. */
	if (fz->other_process && kind != FD_SYS)
		return err == EIO;
	if (!d)
		return err == ENOTTY;
	for (i = 0; i < MAX_ERRS && d->errs[i]; i++)
		if (d->errs[i] == err)
			return true;
	if ((d->flags & ARG_PTR) && err == EFAULT)
		return true;
	if (d->flags & NEW_FD)
		for (i = 0; i < ARRAY_SIZE(errnos_new_fd); i++)
			if (errnos_new_fd[i] == err)
				return true;
	return false;
}

static char *allowed_str(struct fz *fz, const struct ioctl_desc *d,
			 unsigned int kind, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = 0;
	if (fz->other_process && kind != FD_SYS)
		return strncpy(buf, "EIO only (another process)", len);
	if (!d)
		return strncpy(buf, "ENOTTY only (not an ioctl of this fd)", len);
	for (i = 0; i < MAX_ERRS && d->errs[i] && n < len; i++)
		n += snprintf(buf + n, len - n, "%s ", errno_name(d->errs[i]));
	if ((d->flags & ARG_PTR) && n < len)
		n += snprintf(buf + n, len - n, "EFAULT ");
	if ((d->flags & NEW_FD) && n < len)
		n += snprintf(buf + n, len - n, "EMFILE ENFILE ENOMEM ");
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

/* ---- bounding RUN: a per-thread timer that signals the thread ---- */

static __thread timer_t kick_timer;
static __thread bool kick_ready;

static void kick_handler(int sig)
{
}

/*
 * Armed before each RUN, periodic, and disarmed when RUN returns: an
 * expiry that comes before the thread is in the kernel (a busy emulated
 * machine can hold a thread off for longer than KICK_NS) only runs the
 * handler, and the next one still ends RUN. A one-shot timer lost its
 * only kick that way and left RUN spinning with a looping guest.
 */
static void kick_arm(void)
{
	struct itimerspec its = { .it_value.tv_nsec = KICK_NS,
				  .it_interval.tv_nsec = KICK_NS };

	if (!kick_ready) {
		struct sigevent sev;

		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGUSR1;
		sev._sigev_un._tid = gettid();
		MINIVM_CHECK(!timer_create(CLOCK_MONOTONIC, &sev, &kick_timer),
			     "timer_create");
		kick_ready = true;
	}
	timer_settime(kick_timer, 0, &its, NULL);
}

/* No expiry after this returns; one already pending was delivered. */
static void kick_disarm(void)
{
	struct itimerspec off = { 0 };

	if (kick_ready)
		timer_settime(kick_timer, 0, &off, NULL);
}

static void kick_done(void)
{
	if (kick_ready)
		timer_delete(kick_timer);
	kick_ready = false;
}

/* ---- the one way the fuzzer makes an ioctl ---- */

#define EXPECT_ANY	0	/* any result the table allows */
#define EXPECT_OK	(-1)	/* api.rst says it succeeds */
/* expect > 0: api.rst says it fails with exactly that errno */

static long fz_ioctl(struct fz *fz, int fd, unsigned int kind,
		     unsigned long cmd, unsigned long arg, int expect)
{
	const struct ioctl_desc *d = find_desc((unsigned int)cmd, kind);
	struct fz_stats *st = fz->st;
	char name[96], allowed[128];
	long ret;
	int err;

	__atomic_add_fetch(&st->calls, 1, __ATOMIC_RELAXED);
	st->last_cmd = cmd;
	if ((unsigned int)cmd == MINIVM_RUN && kind == FD_VCPU &&
	    !fz->other_process)
		kick_arm();
	errno = 0;
	ret = ioctl(fd, cmd, arg);
	err = ret < 0 ? errno : 0;
	if ((unsigned int)cmd == MINIVM_RUN && kind == FD_VCPU &&
	    !fz->other_process)
		kick_disarm();
	/*
	 * CREATE_VM fails with EINTR when a signal (the kick timer's, left
	 * pending) meets the MMU notifier's registration (api.rst 6.4):
	 * a caller that needs the VM retries, as a VMM would.
	 */
	while (expect == EXPECT_OK && err == EINTR &&
	       (unsigned int)cmd == MINIVM_CREATE_VM) {
		__atomic_add_fetch(&st->calls, 1, __ATOMIC_RELAXED);
		errno = 0;
		ret = ioctl(fd, cmd, arg);
		err = ret < 0 ? errno : 0;
	}
	if (err < MAX_ERRNO)
		__atomic_add_fetch(&st->errnos[err], 1, __ATOMIC_RELAXED);
	if (ret >= 0)
		__atomic_add_fetch(&st->ok, 1, __ATOMIC_RELAXED);

	if (ret < 0 && !fz_errno_allowed(fz, d, kind, err))
		fz_fail(fz, "%s on a %s fd (arg 0x%lx) failed with %s; api.rst allows %s",
			cmd_str(cmd, name, sizeof(name)), kind_name(kind), arg,
			errno_name(err), allowed_str(fz, d, kind, allowed, sizeof(allowed)));
	else if (ret >= 0 && (!d || (fz->other_process && kind != FD_SYS)))
		fz_fail(fz, "%s on a %s fd (arg 0x%lx) succeeded (returned %ld); api.rst says %s",
			cmd_str(cmd, name, sizeof(name)), kind_name(kind), arg, ret,
			allowed_str(fz, d, kind, allowed, sizeof(allowed)));
	else if (ret < 0 && expect == EXPECT_OK)
		fz_fail(fz, "%s on a %s fd (arg 0x%lx) failed with %s where api.rst says it succeeds",
			cmd_str(cmd, name, sizeof(name)), kind_name(kind), arg,
			errno_name(err));
	else if (expect > 0 && err != expect)
		fz_fail(fz, "%s on a %s fd (arg 0x%lx): %s (returned %ld) where api.rst says %s",
			cmd_str(cmd, name, sizeof(name)), kind_name(kind), arg,
			ret < 0 ? errno_name(err) : "success", ret,
			errno_name(expect));
	errno = err;
	return ret;
}

/* Another system call the fuzzer checks against api.rst. */
static void fz_check_syscall(struct fz *fz, const char *what, long ret,
			     int err, long want_ret, int want_err)
{
	__atomic_add_fetch(&fz->st->syscalls, 1, __ATOMIC_RELAXED);
	if (want_err ? (ret != -1 || err != want_err) : ret != want_ret)
		fz_fail(fz, "%s: returned %ld (%s), api.rst says %s", what, ret,
			ret < 0 ? errno_name(err) : "no error",
			want_err ? errno_name(want_err) : "success");
}

static bool fz_more(struct fz *fz)
{
	if (fz->stop && *fz->stop)
		return false;
	return fz_iteration(fz) < fz->budget;
}

/* ---- argument pointers: valid, odd and bad ---- */

enum ptr_kind {
	P_VALID, P_MISALIGNED, P_RO, P_RUNAREA,	/* readable */
	P_STRADDLE, P_RANDOM,			/* may or may not be */
	P_NULL, P_LOW, P_UNMAPPED, P_PROT_NONE,	/* never readable */
	P_KERNEL_DIRECT, P_KERNEL_TEXT, P_NONCANON,
};

static int pick_ptr(struct fz *fz)
{
	static const uint8_t odd[] = {
		P_MISALIGNED, P_RO, P_RUNAREA, P_STRADDLE, P_RANDOM, P_NULL,
		P_LOW, P_UNMAPPED, P_UNMAPPED, P_PROT_NONE, P_KERNEL_DIRECT,
		P_KERNEL_TEXT, P_NONCANON,
	};

	if (chance(fz, 60))
		return P_VALID;
	return odd[rnd(fz, ARRAY_SIZE(odd))];
}

static bool ptr_readable(int k)
{
	return k <= P_RUNAREA;
}

static bool ptr_writable(int k)
{
	return k == P_VALID || k == P_MISALIGNED || k == P_RUNAREA;
}

static bool ptr_bad(int k)
{
	return k >= P_NULL;
}

static void arena_init(struct arena *a)
{
	int memfd;

	a->rw = mmap(NULL, ARENA_SIZE + PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	MINIVM_CHECK(a->rw != MAP_FAILED, "mmap arena");
	a->guard = a->rw + ARENA_SIZE;
	MINIVM_CHECK(!mprotect(a->guard, PAGE, PROT_NONE), "mprotect guard");
	a->none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	MINIVM_CHECK(a->none != MAP_FAILED, "mmap PROT_NONE page");
	/* Two views of one shmem file: the fuzzer writes, ioctls read. */
	memfd = memfd_create("fuzz-ro", MFD_CLOEXEC);
	MINIVM_CHECK(memfd >= 0 && !ftruncate(memfd, ARENA_SIZE), "memfd");
	a->ro_rw = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			memfd, 0);
	a->ro = mmap(NULL, ARENA_SIZE, PROT_READ, MAP_SHARED, memfd, 0);
	MINIVM_CHECK(a->ro_rw != MAP_FAILED && a->ro != MAP_FAILED, "mmap memfd");
	close(memfd);
}

static void arena_free(struct arena *a)
{
	munmap(a->rw, ARENA_SIZE + PAGE);
	munmap(a->none, PAGE);
	munmap(a->ro_rw, ARENA_SIZE);
	munmap(a->ro, ARENA_SIZE);
}

/* Memory that was mapped a moment ago and is not any more. */
static void *just_unmapped(struct fz *fz, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	MINIVM_CHECK(p != MAP_FAILED, "mmap");
	munmap(p, size);
	return p;
}

/*
 * A pointer of kind k for an argument of size bytes, with content copied
 * in where the pointer can take it (content NULL: whatever is there).
 */
static void *fz_ptr(struct fz *fz, int k, const void *content, size_t size)
{
	static const uint64_t noncanon[] = {
		0x0000800000000000ULL, 0x8000000000000000ULL,
		0xdead000000000000ULL, 0x00ff000000001000ULL,
	};
	struct arena *a = &fz->a;
	uint8_t *p;
	size_t k_in;

	if (size > ARENA_SIZE - 8)
		size = ARENA_SIZE - 8;
	switch (k) {
	case P_VALID:
		p = a->rw;
		break;
	case P_MISALIGNED:
		p = a->rw + 1 + rnd(fz, 7);
		break;
	case P_RO:
		if (content)
			memcpy(a->ro_rw, content, size);
		return a->ro;
	case P_RUNAREA:
		if (!fz->runarea || size > PAGE)
			return fz_ptr(fz, P_VALID, content, size);
		p = fz->runarea;
		break;
	case P_STRADDLE:
		/* The first k_in bytes readable, the rest in the guard page. */
		k_in = size > 1 ? 1 + rnd(fz, size - 1) : 0;
		p = a->guard - k_in;
		if (content)
			memcpy(p, content, k_in);
		return p;
	case P_RANDOM:
		return (void *)(uintptr_t)rnd64(fz);
	case P_NULL:
		return NULL;
	case P_LOW:
		return (void *)(uintptr_t)(1 + rnd(fz, 0xffff));
	case P_UNMAPPED:
		/* With threads, another mmap() could land there meanwhile. */
		if (fz->thread)
			return a->none;
		return just_unmapped(fz, PAGE * 4);
	case P_PROT_NONE:
		return a->none + rnd(fz, 64);
	case P_KERNEL_DIRECT:
		return (void *)0xffff888000000000ULL;
	case P_KERNEL_TEXT:
		return (void *)0xffffffff81000000ULL;
	default:
		return (void *)(uintptr_t)noncanon[rnd(fz, ARRAY_SIZE(noncanon))];
	}
	if (content)
		memcpy(p, content, size);
	return p;
}

/*
 * What api.rst requires of a SET-type ioctl that copies in a fixed-size
 * struct: EFAULT for a pointer that cannot be read at all, otherwise what
 * the content calls for (valid_expect).
 */
static int expect_in(int k, int valid_expect)
{
	if (ptr_bad(k))
		return EFAULT;
	if (ptr_readable(k))
		return valid_expect;
	return EXPECT_ANY;
}

/* The same for a GET-type ioctl that copies a struct out. */
static int expect_out(int k)
{
	if (ptr_bad(k) || k == P_RO)
		return EFAULT;
	if (ptr_writable(k))
		return EXPECT_OK;
	return EXPECT_ANY;
}

/* ---- file descriptors ---- */

static int fz_open_dev(struct fz *fz)
{
	int fd = open(MINIVM_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fz_fail(fz, "open(%s): %s", MINIVM_DEV, errno_name(errno));
	return fd;
}

static int fz_create_vm(struct fz *fz, int dev)
{
	int fd = fz_ioctl(fz, dev, FD_SYS, MINIVM_CREATE_VM, 0, EXPECT_OK);

	if (fd >= 0)
		__atomic_add_fetch(&fz->st->vms, 1, __ATOMIC_RELAXED);
	return fd;
}

static struct minivm_run *fz_map_run(struct fz *fz, int vcpu)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	int err = errno;

	fz_check_syscall(fz, "mmap(run area, 4096, MAP_SHARED)",
			 p == MAP_FAILED ? -1 : 0, err, 0, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* ---- random ioctl numbers ---- */

static unsigned long rnd_cmd(struct fz *fz, bool allow_known)
{
	const struct ioctl_desc *d = &ioctls[rnd(fz, ARRAY_SIZE(ioctls))];
	unsigned int cmd;

	switch (rnd(fz, 8)) {
	case 0:
		/* A known number (maybe another fd's), its size bits changed. */
		cmd = d->cmd ^ ((1 + rnd(fz, 0x3fff)) << _IOC_SIZESHIFT);
		break;
	case 1:
		/* A known number, its direction changed. */
		cmd = d->cmd ^ ((1 + rnd(fz, 3)) << _IOC_DIRSHIFT);
		break;
	case 2:
		/* Bits 63:32 do not reach the driver: the known ioctl itself. */
		if (!allow_known)
			return d->cmd ^ 0x80;
		return d->cmd | (rnd64(fz) << 32);
	case 3:
		/* Near the type byte. */
		cmd = _IOC(rnd(fz, 4), MINIVMIO + (int)rnd(fz, 5) - 2,
			   rnd(fz, 256), rnd(fz, 0x4000));
		break;
	case 4:
		/* KVM's numbers. */
		cmd = _IOC(rnd(fz, 4), 0xae, rnd(fz, 256), rnd(fz, 0x400));
		break;
	case 5:
		cmd = rnd64(fz);
		break;
	case 6:
		if (allow_known)
			return d->cmd;
		cmd = _IOC(rnd(fz, 4), MINIVMIO, rnd(fz, 256), rnd(fz, 0x400));
		break;
	default:
		cmd = _IOC(rnd(fz, 4), MINIVMIO, rnd(fz, 256), rnd(fz, 0x400));
		break;
	}
	if (!allow_known && find_any_desc(cmd))
		cmd ^= 0x80 << _IOC_NRSHIFT;
	return cmd;
}

/*
 * An ioctl number and argument, both random; new fds are closed again.
 * Returns the number, its result in *retp, for callers that track state.
 */
static unsigned int fuzz_random_ioctl_ret(struct fz *fz, int fd, unsigned int kind,
					  bool allow_known, long *retp)
{
	unsigned long cmd = rnd_cmd(fz, allow_known), arg;
	const struct ioctl_desc *d;
	long ret;

	if (chance(fz, 40))
		arg = rnd_value(fz);
	else
		arg = (uintptr_t)fz_ptr(fz, pick_ptr(fz), NULL, 512);
	ret = fz_ioctl(fz, fd, kind, cmd, arg, EXPECT_ANY);
	d = find_desc((unsigned int)cmd, kind);
	if (ret >= 0 && d && (d->flags & NEW_FD))
		close(ret);
	*retp = ret;
	return cmd;
}

static void fuzz_random_ioctl(struct fz *fz, int fd, unsigned int kind,
			      bool allow_known)
{
	long ret;

	fuzz_random_ioctl_ret(fz, fd, kind, allow_known, &ret);
}

/* ---- counted lists: GET_SUPPORTED_CPUID, GET_CPUID, GET_MSR_INDEX_LIST ---- */

static uint32_t pick_count(struct fz *fz, uint32_t n, uint32_t max)
{
	switch (rnd(fz, 10)) {
	case 0:
		return 0;
	case 1:
		return n ? n - 1 : 0;
	case 2:
	case 3:
		return n;
	case 4:
		return n + 1;
	case 5:
		return max;
	case 6:
		return max + 1 + rnd(fz, 1000);
	case 7:
		return 0xffffffff;
	case 8:
		return 0x80000000;
	default:
		return rnd(fz, 2 * n + 2);
	}
}

/*
 * A counted GET (header of hdr_size bytes, the count first) whose table
 * has n entries: the room asked for around n, the pointer of every kind.
 */
static void fuzz_get_list(struct fz *fz, int fd, unsigned int kind,
			  unsigned int cmd, size_t hdr_size, uint32_t n)
{
	uint32_t room = pick_count(fz, n, 256), got;
	uint8_t hdr[8] = { 0 };
	int k = pick_ptr(fz), expect = EXPECT_ANY;
	long ret;
	uint8_t *p;

	memcpy(hdr, &room, sizeof(room));
	/* api.rst 6.10: these read only the count; the padding is left alone */
	if (hdr_size == 8 && chance(fz, 10))
		memcpy(hdr + 4, &(uint32_t){ rnd64(fz) | 1 }, 4);
	p = fz_ptr(fz, k, hdr, hdr_size);
	if (ptr_bad(k) || k == P_RO)
		expect = EFAULT;	/* nent cannot be read, or written back */
	else if (k == P_VALID || k == P_MISALIGNED)
		expect = room < n ? E2BIG : EXPECT_OK;
	ret = fz_ioctl(fz, fd, kind, cmd, (uintptr_t)p, expect);
	if ((k == P_VALID || k == P_MISALIGNED) && (ret == 0 || errno == E2BIG)) {
		memcpy(&got, p, sizeof(got));
		__atomic_add_fetch(&fz->st->checks, 1, __ATOMIC_RELAXED);
		if (got != n)
			fz_fail(fz, "%s: count %u written back, the table has %u",
				find_any_desc(cmd)->name, got, n);
	}
}

/* ---- the vCPU ioctls, shared by several phases ---- */

struct vcpu_t {
	int fd;
	uint32_t id;
	struct minivm_run *run;
	bool irqchip;
	bool dead;		/* an INTERNAL_ERROR was seen */
	bool user_msr;		/* MSR exits enabled, or maybe (threads) */
	uint32_t cpuid_n;	/* entries of its CPUID table */
	int err;		/* errno of the last RUN */
	bool completion;	/* the next RUN completes an MMIO read or INS */
	char last_exit[96];	/* what the last RUN returned, for reports */
	bool cpuid_set;		/* SET_CPUID succeeded since creation */
};

#define RFLAGS_RESERVED	0xffffffffffc08028ULL

static void check_get_regs(struct fz *fz, const struct minivm_regs *r)
{
	__atomic_add_fetch(&fz->st->checks, 1, __ATOMIC_RELAXED);
	if (!(r->rflags & 2) || (r->rflags & RFLAGS_RESERVED))
		fz_fail(fz, "GET_REGS: rflags 0x%llx (bit 1 must read 1, reserved bits 0)",
			(unsigned long long)r->rflags);
}

static bool vcpu_get_regs_ok(struct fz *fz, struct vcpu_t *v, struct minivm_regs *r)
{
	if (fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_REGS, (uintptr_t)r, EXPECT_OK))
		return false;
	check_get_regs(fz, r);
	return true;
}

static int mutate_regs(struct fz *fz, struct minivm_regs *r)
{
	static const uint8_t reserved[] = { 3, 5, 15, 22, 23, 31, 32, 63 };
	uint64_t *g = (uint64_t *)r;

	switch (rnd(fz, 6)) {
	case 0:
		r->rflags |= 1ULL << reserved[rnd(fz, ARRAY_SIZE(reserved))];
		break;
	case 1:
		r->rflags ^= 1ULL << rnd(fz, 22);
		break;
	case 2:
		g[rnd(fz, sizeof(*r) / 8)] = rnd_value(fz);
		break;
	case 3:
		r->rip = rnd_value(fz);
		break;
	case 4:
		r->rflags = rnd64(fz);
		break;
	default:
		break;
	}
	return (r->rflags & RFLAGS_RESERVED) ? EINVAL : EXPECT_OK;
}

static void fuzz_regs(struct fz *fz, struct vcpu_t *v)
{
	struct minivm_regs r;
	int k = pick_ptr(fz), expect;
	void *p;

	if (chance(fz, 50)) {
		p = fz_ptr(fz, k, NULL, sizeof(r));
		if (!fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_REGS, (uintptr_t)p,
			      expect_out(k)) && ptr_writable(k)) {
			memcpy(&r, p, sizeof(r));
			check_get_regs(fz, &r);
		}
		return;
	}
	if (!vcpu_get_regs_ok(fz, v, &r))
		memset(&r, 0, sizeof(r));
	expect = mutate_regs(fz, &r);
	p = fz_ptr(fz, k, &r, sizeof(r));
	fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_REGS, (uintptr_t)p,
		 expect_in(k, expect));
}

static void check_get_sregs(struct fz *fz, const struct minivm_sregs *s)
{
	const struct minivm_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	unsigned int i;
	bool bad = false;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		bad |= segs[i]->padding != 0;
	for (i = 0; i < 3; i++)
		bad |= s->gdt.padding[i] || s->idt.padding[i];
	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		bad |= s->reserved[i] != 0;
	__atomic_add_fetch(&fz->st->checks, 1, __ATOMIC_RELAXED);
	if (bad)
		fz_fail(fz, "GET_SREGS returned a non-zero padding or reserved field (api.rst 5: GET ioctls return them as 0)");
}

static void mutate_segment(struct fz *fz, struct minivm_segment *s)
{
	switch (rnd(fz, 12)) {
	case 0:
		s->base = rnd_value(fz);
		break;
	case 1:
		s->limit = rnd_value(fz);
		break;
	case 2:
		s->selector = rnd64(fz);
		break;
	case 3:
		s->type = rnd(fz, chance(fz, 90) ? 16 : 256);
		break;
	case 4:
		s->present ^= 1;
		break;
	case 5:
		s->dpl = rnd(fz, 4);
		break;
	case 6:
		s->db ^= 1;
		break;
	case 7:
		s->s ^= 1;
		break;
	case 8:
		s->l ^= 1;
		break;
	case 9:
		s->g ^= 1;
		break;
	case 10:
		s->avl = rnd(fz, 256);
		break;
	default:
		s->unusable ^= 1;
		break;
	}
}

/* Bits of CR0 and CR4 that SET_SREGS refuses (api.rst 6.9). */
#define CR0_VALID	0xe005003fULL
#define CR4_VALID	0x507ffULL
#define EFER_VALID	0xd01ULL

static uint64_t rnd_bit_outside(struct fz *fz, uint64_t valid)
{
	unsigned int b;

	do
		b = rnd(fz, 64);
	while (valid & (1ULL << b));
	return 1ULL << b;
}

static uint64_t rnd_bit_inside(struct fz *fz, uint64_t valid)
{
	unsigned int b;

	do
		b = rnd(fz, 64);
	while (!(valid & (1ULL << b)));
	return 1ULL << b;
}

/*
 * What api.rst 6.9's table refuses whatever else the state holds: a
 * padding or reserved field, CR0/CR4/EFER bits outside their sets, CR0.PG
 * without PE, CR8 above 15.
 */
static bool sregs_table_einval(const struct minivm_sregs *s)
{
	const struct minivm_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	unsigned int i;
	bool bad = false;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		bad |= segs[i]->padding != 0;
	bad |= any_nonzero(s->gdt.padding, sizeof(s->gdt.padding)) ||
	       any_nonzero(s->idt.padding, sizeof(s->idt.padding)) ||
	       any_nonzero(s->reserved, sizeof(s->reserved));
	bad |= (s->cr0 & ~CR0_VALID) || (s->cr4 & ~CR4_VALID) ||
	       (s->efer & ~EFER_VALID) || s->cr8 > 15;
	return bad || ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE));
}

/* Changes one field of a valid state, sometimes to what api.rst refuses. */
static void mutate_sregs(struct fz *fz, struct minivm_sregs *s)
{
	struct minivm_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	struct minivm_dtable *dt = chance(fz, 50) ? &s->gdt : &s->idt;

	switch (rnd(fz, 20)) {
	case 0:
		segs[rnd(fz, ARRAY_SIZE(segs))]->padding = 1 + rnd(fz, 255);
		break;
	case 1:
		dt->padding[rnd(fz, 3)] = 1 + rnd(fz, 0xffff);
		break;
	case 2:
		s->reserved[rnd(fz, ARRAY_SIZE(s->reserved))] = rnd64(fz) | 1;
		break;
	case 3:
		s->cr0 |= rnd_bit_outside(fz, CR0_VALID);
		break;
	case 4:
		s->cr0 = (s->cr0 | X86_CR0_PG) & ~X86_CR0_PE;
		break;
	case 5:
		s->cr4 |= rnd_bit_outside(fz, CR4_VALID);
		break;
	case 6:
		s->efer |= rnd_bit_outside(fz, EFER_VALID);
		break;
	case 7:
		s->cr8 = 16 + rnd(fz, 1000);
		break;
	case 8:
		s->cr0 ^= rnd_bit_inside(fz, CR0_VALID);
		break;
	case 9:
		s->cr4 ^= rnd_bit_inside(fz, CR4_VALID);
		break;
	case 10:
		s->efer ^= rnd_bit_inside(fz, EFER_VALID);
		break;
	case 11:
		s->cr3 = rnd_value(fz);
		break;
	case 12:
		s->cr2 = rnd_value(fz);
		break;
	case 13:
		s->apic_base ^= 1ULL << rnd(fz, 64);
		break;
	case 14:
		s->cr8 = rnd(fz, 16);
		break;
	case 15:
		dt->base = rnd_value(fz);
		dt->limit = rnd64(fz);
		break;
	default:
		mutate_segment(fz, segs[rnd(fz, ARRAY_SIZE(segs))]);
		break;
	}
}

static void dump_sregs(const struct minivm_sregs *s, char *buf, size_t len)
{
	snprintf(buf, len,
		 "cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx cr8 %llu apic_base 0x%llx; cs sel 0x%x base 0x%llx limit 0x%x type %u p%u dpl%u db%u s%u l%u g%u u%u; ss sel 0x%x type %u dpl%u db%u p%u u%u; tr sel 0x%x type %u p%u s%u u%u; ldt type %u p%u u%u",
		 (unsigned long long)s->cr0, (unsigned long long)s->cr3,
		 (unsigned long long)s->cr4, (unsigned long long)s->efer,
		 (unsigned long long)s->cr8, (unsigned long long)s->apic_base,
		 s->cs.selector, (unsigned long long)s->cs.base, s->cs.limit,
		 s->cs.type, s->cs.present, s->cs.dpl, s->cs.db, s->cs.s,
		 s->cs.l, s->cs.g, s->cs.unusable, s->ss.selector, s->ss.type,
		 s->ss.dpl, s->ss.db, s->ss.present, s->ss.unusable,
		 s->tr.selector, s->tr.type, s->tr.present, s->tr.s,
		 s->tr.unusable, s->ldt.type, s->ldt.present, s->ldt.unusable);
}

/*
 * PAE paging: SET_SREGS reads the PDPTEs at CR3 from guest memory (mem,
 * size bytes from GPA 0; NULL: not known) and refuses reserved bits.
 */
static bool pae_pdptes_bad(const struct minivm_sregs *s, const uint8_t *mem,
			   uint64_t size)
{
	uint64_t cr3 = s->cr3 & 0xffffffe0, e;
	unsigned int i;

	if (!(s->cr0 & X86_CR0_PG) || !(s->cr4 & X86_CR4_PAE) || (s->efer & EFER_LME))
		return false;
	if (!mem || cr3 + 32 > size)
		return true;
	for (i = 0; i < 4; i++) {
		memcpy(&e, mem + cr3 + 8 * i, sizeof(e));
		if ((e & 1) && ((e & 0x1e6) || (e & ~0xfffULL) >= gpa_limit))
			return true;
	}
	return false;
}

/*
 * api.rst 6.9: "a GET/SET round trip never fails with EINVAL", PAE's
 * PDPTEs in guest memory (mem, see pae_pdptes_bad()) permitting.
 */
static void sregs_roundtrip(struct fz *fz, struct vcpu_t *v, const uint8_t *mem,
			    uint64_t size)
{
	struct minivm_sregs s;
	char buf[512];

	if (fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_SREGS, (uintptr_t)&s, EXPECT_OK))
		return;
	check_get_sregs(fz, &s);
	__atomic_add_fetch(&fz->st->checks, 1, __ATOMIC_RELAXED);
	if (fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_SREGS, (uintptr_t)&s, EXPECT_ANY) &&
	    !(errno == EINVAL && pae_pdptes_bad(&s, mem, size))) {
		int err = errno;

		dump_sregs(&s, buf, sizeof(buf));
		fz_fail(fz, "SET_SREGS of what GET_SREGS returned failed with %s (api.rst 6.9: a round trip never fails): %s",
			errno_name(err), buf);
	}
}

static void fuzz_sregs(struct fz *fz, struct vcpu_t *v)
{
	struct minivm_sregs s;
	int k = pick_ptr(fz), expect = EXPECT_OK;
	unsigned int i, n;
	void *p;

	if (chance(fz, 40)) {
		p = fz_ptr(fz, k, NULL, sizeof(s));
		if (!fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_SREGS, (uintptr_t)p,
			      expect_out(k)) && ptr_writable(k)) {
			memcpy(&s, p, sizeof(s));
			check_get_sregs(fz, &s);
		}
		return;
	}
	if (chance(fz, 15)) {
		sregs_roundtrip(fz, v, NULL, 0);
		return;
	}
	if (fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_SREGS, (uintptr_t)&s, EXPECT_OK))
		return;
	n = 1 + rnd(fz, 3);
	for (i = 0; i < n; i++)
		mutate_sregs(fz, &s);
	expect = sregs_table_einval(&s) ? EINVAL : EXPECT_ANY;
	p = fz_ptr(fz, k, &s, sizeof(s));
	fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_SREGS, (uintptr_t)p,
		 expect_in(k, expect));
}

static const uint32_t msr_pool[] = {
	0x0, 0x10, 0x1b, 0x3a, 0x3b, 0x48, 0x49, 0x8b, 0xc1, 0xe7, 0xe8, 0xfe,
	0x10a, 0x174, 0x175, 0x176, 0x179, 0x17a, 0x186, 0x1a0, 0x1d9, 0x200,
	0x201, 0x20e, 0x20f, 0x210, 0x250, 0x258, 0x259, 0x268, 0x26f, 0x277,
	0x2ff, 0x345, 0x38d, 0x3f1, 0x480, 0x481, 0x48b, 0x491, 0x4d0, 0x6e0,
	0x800, 0x802, 0x808, 0x80b, 0x830, 0x838, 0x83f, 0xc0000080,
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000100,
	0xc0000101, 0xc0000102, 0xc0000103, 0xc0010000, 0x40000000,
	0xffffffff,
};

static uint32_t rnd_msr(struct fz *fz)
{
	if (n_msr_list && chance(fz, 60))
		return msr_list[rnd(fz, n_msr_list)];
	if (chance(fz, 80))
		return msr_pool[rnd(fz, ARRAY_SIZE(msr_pool))];
	return rnd64(fz);
}

static uint64_t rnd_msr_value(struct fz *fz)
{
	static const uint64_t pool[] = {
		0x0007040600070406ULL, 6, 0xfee00900, 0xfee00d00, 0xfee00800,
		0x500, 0xd01, 0x901, 0x0023001000000000ULL,
		0xffffffff81000000ULL,
	};

	if (chance(fz, 30))
		return pool[rnd(fz, ARRAY_SIZE(pool))];
	return rnd_value(fz);
}

#define MSR_BUF_ENTRIES	300

static void fuzz_msrs(struct fz *fz, struct vcpu_t *v)
{
	static const uint32_t counts[] = { 0, 1, 2, 3, 8, 16, 255, 256, 257,
					   1000, 0x10000000, 0xffffffff };
	union {
		struct minivm_msrs h;
		uint8_t raw[sizeof(struct minivm_msrs) +
			    MSR_BUF_ENTRIES * sizeof(struct minivm_msr_entry)];
	} b;
	bool set = chance(fz, 50), bad_res = false;
	unsigned long cmd = set ? MINIVM_SET_MSRS : MINIVM_GET_MSRS;
	int k = pick_ptr(fz), expect = EXPECT_ANY;
	uint32_t n, i, fill;
	long ret;
	void *p;

	memset(&b, 0, sizeof(b));
	n = chance(fz, 70) ? 1 + rnd(fz, 8) : counts[rnd(fz, ARRAY_SIZE(counts))];
	fill = n < MSR_BUF_ENTRIES ? n : MSR_BUF_ENTRIES;
	b.h.nmsrs = n;
	if (chance(fz, 5))
		b.h.padding = 1 + rnd(fz, 0xffff);
	for (i = 0; i < fill; i++) {
		b.h.entries[i].index = rnd_msr(fz);
		b.h.entries[i].data = rnd_msr_value(fz);
		if (chance(fz, 2)) {
			b.h.entries[i].reserved = 1 + rnd(fz, 0xffff);
			bad_res = true;
		}
	}
	p = fz_ptr(fz, k, &b, sizeof(b.h) + fill * sizeof(b.h.entries[0]));
	if (ptr_bad(k))
		expect = EFAULT;
	else if ((k == P_VALID || k == P_MISALIGNED || k == P_RO) &&
		 (b.h.padding || n > MINIVM_MAX_MSR_ENTRIES || bad_res))
		expect = EINVAL;
	else if (k == P_RO && !set && n)
		expect = EFAULT;
	ret = fz_ioctl(fz, v->fd, FD_VCPU, cmd, (uintptr_t)p, expect);
	if (ret > (long)n)
		fz_fail(fz, "%s processed %ld of %u entries",
			set ? "SET_MSRS" : "GET_MSRS", ret, n);
}

/*
 * Every MSR of GET_MSR_INDEX_LIST read and written back: each is known
 * (GET does them all), and a read-only one takes the value it reads
 * (api.rst 6.10), so SET does them all too, but for a non-canonical FS
 * or GS base (see below).
 */
static void msrs_roundtrip(struct fz *fz, struct vcpu_t *v)
{
	union {
		struct minivm_msrs h;
		uint8_t raw[sizeof(struct minivm_msrs) +
			    MINIVM_MAX_MSR_ENTRIES * sizeof(struct minivm_msr_entry)];
	} b;
	uint32_t done = 0, n, i, k;
	long ret;

	while (done < n_msr_list) {
		n = n_msr_list - done;
		if (n > MINIVM_MAX_MSR_ENTRIES)
			n = MINIVM_MAX_MSR_ENTRIES;
		memset(&b, 0, sizeof(b));
		b.h.nmsrs = n;
		for (i = 0; i < n; i++)
			b.h.entries[i].index = msr_list[done + i];
		ret = fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_MSRS, (uintptr_t)&b,
			       EXPECT_OK);
		__atomic_add_fetch(&fz->st->checks, 1, __ATOMIC_RELAXED);
		if (ret != (long)n) {
			if (ret >= 0)
				fz_fail(fz, "GET_MSRS of the index list stopped at MSR 0x%x (%ld of %u)",
					b.h.entries[ret].index, ret, n);
			return;
		}
		done += n;
		/*
		 * FS and GS base are the segments' bases, which SET_SREGS
		 * takes as they come; SET_MSRS refuses them non-canonical
		 * (api.rst 6.10): those entries are left out.
		 */
		for (i = 0, k = 0; i < n; i++) {
			struct minivm_msr_entry *e = &b.h.entries[i];

			if ((e->index == 0xc0000100 || e->index == 0xc0000101) &&
			    (int64_t)(e->data << 16) >> 16 != (int64_t)e->data)
				continue;
			b.h.entries[k++] = *e;
		}
		n = k;
		b.h.nmsrs = n;
		ret = fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_MSRS, (uintptr_t)&b,
			       EXPECT_OK);
		if (ret >= 0 && ret != (long)n)
			fz_fail(fz, "SET_MSRS of what GET_MSRS read stopped at MSR 0x%x = 0x%llx (%ld of %u)",
				b.h.entries[ret].index, (unsigned long long)b.h.entries[ret].data,
				ret, n);
	}
}

/*
 * api.rst 6.10: SET_CPUID refuses a table whose leaf 0xD.0 lacks a state
 * component the vCPU's XCR0 has enabled (x87 is always offered).
 */
static bool xcr0_not_offered(struct fz *fz, struct vcpu_t *v,
			     const struct minivm_cpuid *h, uint32_t n)
{
	struct minivm_xcrs x;
	uint64_t offered = 1;
	uint32_t i;

	if (fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_XCRS, (uintptr_t)&x, EXPECT_OK))
		return false;
	for (i = 0; i < n; i++)
		if (h->entries[i].function == 0xd && h->entries[i].index == 0)
			offered |= (uint64_t)h->entries[i].edx << 32 | h->entries[i].eax;
	return x.xcrs[0].value & ~offered;
}

static void fuzz_cpuid(struct fz *fz, struct vcpu_t *v)
{
	union {
		struct minivm_cpuid h;
		uint8_t raw[sizeof(struct minivm_cpuid) +
			    (MINIVM_MAX_CPUID_ENTRIES + 8) * sizeof(struct minivm_cpuid_entry)];
	} b;
	int k, expect = EXPECT_OK;
	uint32_t n, i;
	void *p;

	if (chance(fz, 40)) {
		fuzz_get_list(fz, v->fd, FD_VCPU, MINIVM_GET_CPUID, 8, v->cpuid_n);
		return;
	}
	memset(&b, 0, sizeof(b));
	b.h.nent = MINIVM_MAX_CPUID_ENTRIES + 8;
	if (fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_CPUID, (uintptr_t)&b, EXPECT_OK))
		return;
	n = b.h.nent;
	switch (rnd(fz, 8)) {
	case 0:
		/* as it was */
		break;
	case 1:
		if (n) {
			b.h.entries[rnd(fz, n)].padding = 1 + rnd(fz, 100);
			expect = EINVAL;
		}
		break;
	case 2:
		if (n) {
			b.h.entries[rnd(fz, n)].flags |= 2 << rnd(fz, 31);
			expect = EINVAL;
		}
		break;
	case 3:
		/* two entries for one function/index */
		if (n && n < MINIVM_MAX_CPUID_ENTRIES) {
			b.h.entries[n] = b.h.entries[rnd(fz, n)];
			n++;
			expect = EINVAL;
		}
		break;
	case 4:
		n = MINIVM_MAX_CPUID_ENTRIES + 1 + rnd(fz, 7);
		expect = EINVAL;
		break;
	case 5:
		/* a smaller table */
		n = rnd(fz, n + 1);
		break;
	default:
		/* a feature bit flipped: EINVAL if the supported table lacks it */
		if (n) {
			i = rnd(fz, n);
			(&b.h.entries[i].eax)[rnd(fz, 4)] ^= 1U << rnd(fz, 32);
			expect = EXPECT_ANY;
		}
		break;
	}
	b.h.nent = n;
	if (expect == EXPECT_OK && xcr0_not_offered(fz, v, &b.h, n))
		expect = EINVAL;
	if (chance(fz, 5)) {
		b.h.padding = 1 + rnd(fz, 100);
		expect = EINVAL;
	}
	k = pick_ptr(fz);
	p = fz_ptr(fz, k, &b, sizeof(b.h) +
		   (n > MINIVM_MAX_CPUID_ENTRIES + 8 ? MINIVM_MAX_CPUID_ENTRIES + 8 : n) *
		   sizeof(b.h.entries[0]));
	if (k == P_RUNAREA)
		expect = EXPECT_ANY;	/* may not hold the whole table */
	if (!fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_CPUID, (uintptr_t)p,
		      expect_in(k, expect))) {
		v->cpuid_n = n;
		v->cpuid_set = true;
	}
}

static void fuzz_xsave(struct fz *fz, struct vcpu_t *v)
{
	static struct minivm_xsave xs;	/* 4 KiB: not on the stack */
	int k = pick_ptr(fz), expect = EXPECT_OK;
	unsigned int off;
	void *p;

	if (chance(fz, 30)) {
		p = fz_ptr(fz, k, NULL, sizeof(xs));
		fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_XSAVE, (uintptr_t)p,
			 k == P_RUNAREA ? EXPECT_OK : expect_out(k));
		return;
	}
	if (fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_XSAVE, (uintptr_t)&xs, EXPECT_OK))
		return;
	switch (rnd(fz, 7)) {
	case 0:
		break;
	case 1:
		/* x87/SSE registers and control words: any value loads */
		off = 32 + rnd(fz, 464 - 32);
		((uint8_t *)xs.region)[off] = rnd(fz, 256);
		break;
	case 2:
		/* MXCSR */
		xs.region[6] = rnd_value(fz);
		expect = EXPECT_ANY;
		break;
	case 3:
		/* XSTATE_BV */
		xs.region[128 + rnd(fz, 2)] ^= 1U << rnd(fz, 32);
		expect = EXPECT_ANY;
		break;
	case 4:
		/* XCOMP_BV and the header's reserved bytes */
		xs.region[130 + rnd(fz, 14)] = rnd_value(fz);
		expect = EXPECT_ANY;
		break;
	case 5:
		fill_random(fz, &xs, sizeof(xs));
		expect = EXPECT_ANY;
		break;
	default:
		/* extended state, AVX and beyond */
		off = 576 + rnd(fz, sizeof(xs) - 576);
		((uint8_t *)xs.region)[off] = rnd(fz, 256);
		expect = EXPECT_ANY;
		break;
	}
	p = fz_ptr(fz, k, &xs, sizeof(xs));
	if (k == P_RUNAREA)
		expect = EXPECT_ANY;
	fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_XSAVE, (uintptr_t)p,
		 expect_in(k, expect));
}

static void fuzz_xcrs(struct fz *fz, struct vcpu_t *v)
{
	static const uint64_t values[] = { 1, 3, 7, 0xe7, 0x207, 0x2e7, 2, 5,
					   4, 0, 0x27, 0x67 };
	struct minivm_xcrs x;
	int k = pick_ptr(fz), expect;
	uint32_t i;
	bool einval = false;
	void *p;

	if (chance(fz, 30)) {
		p = fz_ptr(fz, k, NULL, sizeof(x));
		if (!fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_XCRS, (uintptr_t)p,
			      expect_out(k)) && ptr_writable(k)) {
			memcpy(&x, p, sizeof(x));
			__atomic_add_fetch(&fz->st->checks, 1, __ATOMIC_RELAXED);
			if (x.nr_xcrs != 1 || x.flags || x.xcrs[0].xcr ||
			    x.xcrs[0].reserved)
				fz_fail(fz, "GET_XCRS: nr_xcrs %u flags 0x%x xcr %u reserved 0x%x (api.rst 6.10: XCR0 only, reserved fields 0)",
					x.nr_xcrs, x.flags, x.xcrs[0].xcr,
					x.xcrs[0].reserved);
		}
		return;
	}
	memset(&x, 0, sizeof(x));
	x.nr_xcrs = chance(fz, 80) ? 1 : rnd(fz, MINIVM_MAX_XCRS + 4);
	for (i = 0; i < MINIVM_MAX_XCRS; i++) {
		x.xcrs[i].xcr = chance(fz, 90) ? 0 : rnd_value(fz);
		x.xcrs[i].value = chance(fz, 80) ? values[rnd(fz, ARRAY_SIZE(values))] :
						   rnd_value(fz);
		if (chance(fz, 3))
			x.xcrs[i].reserved = 1 + rnd(fz, 100);
		if (i < x.nr_xcrs)
			einval |= x.xcrs[i].xcr || x.xcrs[i].reserved;
	}
	if (chance(fz, 3))
		x.flags = 1 + rnd(fz, 100);
	if (chance(fz, 3))
		x.padding[rnd(fz, 16)] = 1 + rnd(fz, 100);
	einval |= x.flags || x.nr_xcrs > MINIVM_MAX_XCRS ||
		  any_nonzero(x.padding, sizeof(x.padding));
	/* XCR0 values no CPU accepts: x87 clear, AVX without SSE. */
	for (i = 0; i < x.nr_xcrs && i < MINIVM_MAX_XCRS; i++)
		einval |= !(x.xcrs[i].value & 1) ||
			  ((x.xcrs[i].value & 4) && !(x.xcrs[i].value & 2));
	expect = einval ? EINVAL : EXPECT_ANY;
	p = fz_ptr(fz, k, &x, sizeof(x));
	fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_XCRS, (uintptr_t)p,
		 expect_in(k, expect));
}

static void fuzz_debugregs(struct fz *fz, struct vcpu_t *v)
{
	struct minivm_debugregs d;
	int k = pick_ptr(fz), expect;
	void *p;

	if (chance(fz, 30)) {
		p = fz_ptr(fz, k, NULL, sizeof(d));
		if (!fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_DEBUGREGS, (uintptr_t)p,
			      expect_out(k)) && ptr_writable(k)) {
			memcpy(&d, p, sizeof(d));
			__atomic_add_fetch(&fz->st->checks, 1, __ATOMIC_RELAXED);
			if (d.flags || any_nonzero(d.reserved, sizeof(d.reserved)) ||
			    (d.dr6 >> 32) || (d.dr7 >> 32))
				fz_fail(fz, "GET_DEBUGREGS: flags, reserved or upper DR6/DR7 bits set (dr6 0x%llx dr7 0x%llx)",
					(unsigned long long)d.dr6,
					(unsigned long long)d.dr7);
		}
		return;
	}
	memset(&d, 0, sizeof(d));
	d.db[rnd(fz, 4)] = chance(fz, 50) ? 0x8000 + rnd(fz, 64) : rnd_value(fz);
	d.dr6 = chance(fz, 70) ? rnd64(fz) & 0xffffffff : rnd_value(fz);
	d.dr7 = chance(fz, 70) ? rnd64(fz) & 0xffffffff : rnd_value(fz);
	if (chance(fz, 30))
		d.dr7 = 0x400 | (1 << rnd(fz, 8)) | (rnd(fz, 16) << 16);
	if (chance(fz, 3))
		d.flags = rnd_value(fz);
	if (chance(fz, 3))
		d.reserved[rnd(fz, ARRAY_SIZE(d.reserved))] = rnd_value(fz);
	expect = (d.flags || any_nonzero(d.reserved, sizeof(d.reserved)) ||
		  (d.dr6 >> 32) || (d.dr7 >> 32)) ? EINVAL : EXPECT_OK;
	p = fz_ptr(fz, k, &d, sizeof(d));
	fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_DEBUGREGS, (uintptr_t)p,
		 expect_in(k, expect));
}

static void fuzz_events(struct fz *fz, struct vcpu_t *v)
{
	struct minivm_vcpu_events e;
	int k = pick_ptr(fz), expect = EXPECT_ANY;
	void *p;

	if (chance(fz, 30)) {
		p = fz_ptr(fz, k, NULL, sizeof(e));
		if (!fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_VCPU_EVENTS, (uintptr_t)p,
			      expect_out(k)) && ptr_writable(k)) {
			memcpy(&e, p, sizeof(e));
			__atomic_add_fetch(&fz->st->checks, 1, __ATOMIC_RELAXED);
			if (e.exception.padding || e.flags || e.padding ||
			    any_nonzero(e.reserved, sizeof(e.reserved)))
				fz_fail(fz, "GET_VCPU_EVENTS returned a non-zero padding, flags or reserved field");
		}
		return;
	}
	memset(&e, 0, sizeof(e));
	e.exception.injected = chance(fz, 80) ? chance(fz, 80) : rnd(fz, 256);
	e.exception.nr = chance(fz, 80) ? rnd(fz, 32) : rnd(fz, 256);
	e.exception.has_error_code = chance(fz, 90) ? chance(fz, 50) : rnd(fz, 256);
	e.exception.error_code = chance(fz, 70) ? rnd(fz, 0x10000) : rnd64(fz);
	switch (rnd(fz, 12)) {
	case 0:
		e.exception.padding = 1 + rnd(fz, 255);
		expect = EINVAL;
		break;
	case 1:
		e.flags = 1 + rnd(fz, 0xffff);
		expect = EINVAL;
		break;
	case 2:
		e.padding = 1 + rnd(fz, 0xffff);
		expect = EINVAL;
		break;
	case 3:
		e.reserved[rnd(fz, ARRAY_SIZE(e.reserved))] = rnd64(fz) | 1;
		expect = EINVAL;
		break;
	case 4:
		/* NMI is not an exception; nor is anything above 31 */
		e.exception.injected = 1;
		e.exception.nr = chance(fz, 50) ? 2 : 32 + rnd(fz, 224);
		expect = EINVAL;
		break;
	case 5:
		e.exception.injected = 1;
		e.exception.error_code |= 0x10000 << rnd(fz, 16);
		expect = EINVAL;
		break;
	default:
		break;
	}
	p = fz_ptr(fz, k, &e, sizeof(e));
	fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_VCPU_EVENTS, (uintptr_t)p,
		 expect_in(k, expect));
}

static void fuzz_nmi(struct fz *fz, struct vcpu_t *v)
{
	unsigned long arg = chance(fz, 70) ? 0 : rnd_value(fz);
	int expect;

	if (arg)
		expect = v->irqchip ? EINVAL : EXPECT_ANY;
	else
		expect = v->irqchip ? EXPECT_OK : ENXIO;
	fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_NMI, arg, expect);
}

/* ---- MINIVM_RUN and its exits ---- */

static bool io_size_ok(unsigned int size)
{
	return size == 1 || size == 2 || size == 4;
}

/*
 * Checks the run area of an exit against api.rst 7.2 and gives the guest
 * what it asked for (IN data, an MMIO read, an MSR). Returns the reason.
 */
static uint32_t fz_handle_exit(struct fz *fz, struct vcpu_t *v)
{
	struct minivm_run *run = v->run;
	uint32_t reason = run->exit_reason;
	uint64_t bytes;

	if (reason < ARRAY_SIZE(fz->st->exits))
		__atomic_add_fetch(&fz->st->exits[reason], 1, __ATOMIC_RELAXED);
	switch (reason) {
	case MINIVM_EXIT_IO:
		bytes = (uint64_t)run->io.count * run->io.size;
		if (run->io.direction > MINIVM_EXIT_IO_OUT ||
		    !io_size_ok(run->io.size) || !run->io.count ||
		    run->io.data_offset < sizeof(*run) ||
		    run->io.data_offset + bytes > PAGE) {
			fz_fail(fz, "IO exit: direction %u size %u count %u data_offset %llu (api.rst 7.2)",
				run->io.direction, run->io.size, run->io.count,
				(unsigned long long)run->io.data_offset);
			break;
		}
		if (run->io.direction == MINIVM_EXIT_IO_IN)
			fill_random(fz, (uint8_t *)run + run->io.data_offset, bytes);
		break;
	case MINIVM_EXIT_MMIO:
		if ((run->mmio.len != 1 && run->mmio.len != 2 &&
		     run->mmio.len != 4 && run->mmio.len != 8) ||
		    run->mmio.is_write > 1) {
			fz_fail(fz, "MMIO exit: len %u is_write %u (api.rst 7.2: len 1, 2, 4 or 8)",
				run->mmio.len, run->mmio.is_write);
			break;
		}
		if (!run->mmio.is_write)
			fill_random(fz, run->mmio.data, sizeof(run->mmio.data));
		break;
	case MINIVM_EXIT_X86_RDMSR:
	case MINIVM_EXIT_X86_WRMSR:
		if (!v->user_msr)
			fz_fail(fz, "MSR exit %u (index 0x%x) without MINIVM_ENABLE_CAP",
				reason, run->msr.index);
		run->msr.data = rnd_msr_value(fz);
		run->msr.error = chance(fz, 20);
		break;
	case MINIVM_EXIT_INTERNAL_ERROR:
		if (!((run->internal.suberror == MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT ||
		       run->internal.suberror == MINIVM_INTERNAL_ERROR_DELIVERY_EV) &&
		      run->internal.ndata == 6) &&
		    !(run->internal.suberror == MINIVM_INTERNAL_ERROR_EMULATION &&
		      run->internal.ndata == 5))
			fz_fail(fz, "INTERNAL_ERROR: suberror %u ndata %u (api.rst 7.2, minivm.h)",
				run->internal.suberror, run->internal.ndata);
		v->dead = true;
		break;
	case MINIVM_EXIT_IRQ_WINDOW_OPEN:
		/* api.rst 6.13: only when asked, and then the guest is ready */
		if (!run->request_interrupt_window ||
		    run->ready_for_interrupt_injection != 1)
			fz_fail(fz, "IRQ_WINDOW_OPEN with request_interrupt_window %u, ready_for_interrupt_injection %u (api.rst 6.13)",
				run->request_interrupt_window,
				run->ready_for_interrupt_injection);
		if (chance(fz, 50))
			run->request_interrupt_window = 0;
		break;
	case MINIVM_EXIT_HLT:
	case MINIVM_EXIT_SHUTDOWN:
	case MINIVM_EXIT_FAIL_ENTRY:
		break;
	default:
		fz_fail(fz, "RUN returned 0 with exit reason %u (%s), which api.rst 7.2 does not give a successful RUN",
			reason, exit_reason_name(reason));
		break;
	}
	return reason;
}

static void describe_last_exit(struct vcpu_t *v, uint32_t reason)
{
	const struct minivm_run *run = v->run;

	if (reason == MINIVM_EXIT_MMIO)
		snprintf(v->last_exit, sizeof(v->last_exit), "MMIO %s of %u bytes at 0x%llx",
			 run->mmio.is_write ? "write" : "read", run->mmio.len,
			 (unsigned long long)run->mmio.phys_addr);
	else if (reason == MINIVM_EXIT_IO)
		snprintf(v->last_exit, sizeof(v->last_exit), "IO %s port 0x%x size %u count %u",
			 run->io.direction == MINIVM_EXIT_IO_IN ? "in" : "out",
			 run->io.port, run->io.size, run->io.count);
	else
		snprintf(v->last_exit, sizeof(v->last_exit), "%s", exit_reason_name(reason));
}

#define RUN_KICKED	(~0U)	/* EINTR: the kick timer or a signal */
#define RUN_ERROR	(~1U)	/* any other error */

/*
 * One RUN of a vCPU (immediate: with immediate_exit set), with the
 * checks api.rst 6.7 allows for its result. strict: this thread is the
 * only one that can kill the VM, so EIO means an INTERNAL_ERROR it saw.
 */
static uint32_t fz_run(struct fz *fz, struct vcpu_t *v, bool immediate,
		       bool strict)
{
	bool dead = v->dead;
	int expect = EXPECT_ANY;
	uint32_t reason;
	long ret;
	int err;

	v->run->immediate_exit = immediate;
	if (strict && dead)
		expect = EIO;
	else if (strict && immediate && !v->completion)
		expect = EINTR;
	__atomic_add_fetch(&fz->st->runs, 1, __ATOMIC_RELAXED);
	ret = fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_RUN, 0, expect);
	err = errno;
	v->err = ret < 0 ? err : 0;
	v->run->immediate_exit = 0;
	if (ret < 0) {
		v->completion = false;
		snprintf(v->last_exit, sizeof(v->last_exit), "%s", errno_name(err));
		if (err == EINTR) {
			if (v->run->exit_reason != MINIVM_EXIT_INTR)
				fz_fail(fz, "RUN failed with EINTR, exit_reason %u (api.rst 6.7: MINIVM_EXIT_INTR)",
					v->run->exit_reason);
			if (!immediate)
				__atomic_add_fetch(&fz->st->kicks, 1, __ATOMIC_RELAXED);
			return RUN_KICKED;
		}
		if (err == EIO) {
			if (strict && !dead)
				fz_fail(fz, "RUN failed with EIO, but no INTERNAL_ERROR killed the VM (api.rst 6.7)");
			v->dead = true;
		}
		return RUN_ERROR;
	}
	if (strict && dead)
		return RUN_ERROR;	/* reported by fz_ioctl */
	reason = fz_handle_exit(fz, v);
	if (expect == EINTR)
		fz_fail(fz, "RUN with immediate_exit set and nothing to complete returned exit %s (MMIO %s of %u bytes at 0x%llx); the RUN before returned %s",
			exit_reason_name(reason), v->run->mmio.is_write ? "write" : "read",
			v->run->mmio.len, (unsigned long long)v->run->mmio.phys_addr,
			v->last_exit[0] ? v->last_exit : "nothing yet");
	describe_last_exit(v, reason);
	/*
	 * Completing an MMIO read or an INS can need userspace again without
	 * entering the guest (the write of an XCHG, an emulation failure),
	 * and then RUN returns that exit even with immediate_exit set.
	 */
	if (immediate && reason != MINIVM_EXIT_MMIO &&
	    reason != MINIVM_EXIT_INTERNAL_ERROR)
		fz_fail(fz, "RUN with immediate_exit set returned exit %s (api.rst 7.3: EINTR without entering the guest)",
			exit_reason_name(reason));
	/*
	 * An IN exit of count 1 may be an INS too (the run area does not
	 * say): its completion can end in INTERNAL_ERROR (seed 577321965269,
	 * guest_pm32), so any IN counts.
	 */
	v->completion = (reason == MINIVM_EXIT_MMIO && !v->run->mmio.is_write) ||
			(reason == MINIVM_EXIT_IO && v->run->io.direction == MINIVM_EXIT_IO_IN);
	return reason;
}

/* mmap() of a vCPU fd in the ways api.rst 7.1 refuses, and one it allows. */
static void fuzz_mmap_run(struct fz *fz, int fd)
{
	size_t len = PAGE;
	int prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED, want = EINVAL;
	off_t off = 0;
	char what[96];
	void *p, *q;
	long ret;
	int err;

	switch (rnd(fz, 9)) {
	case 0:
		off = PAGE * (1 + rnd(fz, 4));
		break;
	case 1:
		len = PAGE * (2 + rnd(fz, 3));
		break;
	case 2:
		flags = MAP_PRIVATE;
		break;
	case 3:
		prot |= PROT_EXEC;
		break;
	case 4:
		len = 0;
		break;
	default:
		len = 1 + rnd(fz, PAGE);
		prot = chance(fz, 20) ? PROT_NONE : chance(fz, 30) ? PROT_READ : prot;
		want = 0;
		break;
	}
	p = mmap(NULL, len, prot, flags, fd, off);
	err = errno;
	snprintf(what, sizeof(what), "mmap(vCPU fd, len %zu, prot %d, flags 0x%x, offset %lld)",
		 len, prot, flags, (long long)off);
	fz_check_syscall(fz, what, p == MAP_FAILED ? -1 : 0, err, 0, want);
	if (p == MAP_FAILED)
		return;
	ret = mprotect(p, PAGE, PROT_READ | PROT_EXEC);
	fz_check_syscall(fz, "mprotect(run area, PROT_EXEC)", ret, errno, 0, EACCES);
	q = mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	err = errno;
	fz_check_syscall(fz, "mremap(run area, grown)", q == MAP_FAILED ? -1 : 0,
			 err, 0, EFAULT);
	if (q != MAP_FAILED)
		p = q;
	if (chance(fz, 50)) {
		ret = madvise(p, PAGE, MADV_DONTNEED);
		fz_check_syscall(fz, "madvise(run area, MADV_DONTNEED)", ret, errno, 0, 0);
		if (prot & PROT_READ)
			(void)*(volatile uint8_t *)p;
	}
	munmap(p, PAGE);
}

/*
 * A random ioctl on a vCPU fd. It may be a known one with a random
 * argument: what it changed that other checks rely on is read back.
 */
static void vcpu_random_ioctl(struct fz *fz, struct vcpu_t *v)
{
	struct minivm_cpuid h = { .nent = 0 };
	unsigned int cmd;
	long ret;

	cmd = fuzz_random_ioctl_ret(fz, v->fd, FD_VCPU, true, &ret);
	if (cmd == MINIVM_SET_CPUID && !ret &&
	    fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_GET_CPUID, (uintptr_t)&h, EXPECT_ANY) &&
	    errno == E2BIG)
		v->cpuid_n = h.nent;
	if (cmd == MINIVM_SET_CPUID && !ret && !h.nent)
		v->cpuid_n = 0;
	if (cmd == MINIVM_SET_CPUID && !ret)
		v->cpuid_set = true;
	if (cmd == MINIVM_RUN && ((!ret && v->run->exit_reason == MINIVM_EXIT_INTERNAL_ERROR) ||
				  (ret < 0 && errno == EIO)))
		v->dead = true;
}

/* One random vCPU ioctl; phases choose which ones they let through. */
#define VOP_REGS	(1U << 0)
#define VOP_SREGS	(1U << 1)
#define VOP_MSRS	(1U << 2)
#define VOP_CPUID	(1U << 3)
#define VOP_XSAVE	(1U << 4)
#define VOP_XCRS	(1U << 5)
#define VOP_DEBUG	(1U << 6)
#define VOP_EVENTS	(1U << 7)
#define VOP_NMI		(1U << 8)
#define VOP_RUN_ARG	(1U << 9)
#define VOP_RANDOM	(1U << 10)
#define VOP_ALL		0x7ffU

static void fuzz_vcpu_op(struct fz *fz, struct vcpu_t *v, unsigned int ops)
{
	unsigned int op;

	do
		op = rnd(fz, 11);
	while (!(ops & (1U << op)));
	switch (op) {
	case 0:
		fuzz_regs(fz, v);
		break;
	case 1:
		fuzz_sregs(fz, v);
		break;
	case 2:
		fuzz_msrs(fz, v);
		break;
	case 3:
		fuzz_cpuid(fz, v);
		break;
	case 4:
		fuzz_xsave(fz, v);
		break;
	case 5:
		fuzz_xcrs(fz, v);
		break;
	case 6:
		fuzz_debugregs(fz, v);
		break;
	case 7:
		fuzz_events(fz, v);
		break;
	case 8:
		fuzz_nmi(fz, v);
		break;
	case 9:
		fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_RUN, 1 + rnd(fz, 1000), EINVAL);
		break;
	default:
		vcpu_random_ioctl(fz, v);
		break;
	}
}

/* ---- guests: memory layout, descriptor tables, page tables ---- */

/*
 * A PC-like layout, the same for every mode: RAM below 640 KiB (slot 0),
 * an MMIO hole at 0xa0000, a read-only "ROM" slot at 0xc0000 (slot 1, in
 * most VMs), RAM from 1 to 2 MiB (slot 2); everything else unbacked, so
 * real-mode code reaches MMIO through segments and 32/64-bit code through
 * the identity map of the low 4 GiB.
 */
#define G_MEM_SIZE	0x200000
#define G_LOW_END	0xa0000
#define G_ROM_GPA	0xc0000
#define G_HIGH_GPA	0x100000
#define G_GDT		0x1000
#define G_LDT		0x1800
#define G_IDT64		0x2000
#define G_IDT32		0x3000
#define G_TSS64		0x4000
#define G_TSS32		0x4800
#define G_RSP0		0x6000
#define G_STUB		0x6000	/* exception handler: hlt; jmp .-1 */
#define G_DATA		0x7000
#define G_CODE		0x8000
#define G_STACK		0xf000
#define G_PML4		0x10000
#define G_PDPT64	0x11000
#define G_PD		0x12000	/* 4 pages: 4 GiB in 2 MiB pages */
#define G_PD_PSE	0x16000	/* 32-bit paging, 4 MiB pages */
#define G_PDPT_PAE	0x17000
#define G_PD_WINDOW	0x18000	/* slots phase: GVA 4 GiB, one 2 MiB page */
#define G_WINDOW_GVA	0x100000000ULL

/* GDT selectors */
#define S_CODE64	0x08
#define S_DATA		0x10
#define S_CODE32	0x18
#define S_CODE16	0x20
#define S_TSS64		0x28
#define S_TSS32		0x38
#define S_DATA16	0x40
#define S_CODE_LD	0x48	/* L and D both set */
#define S_UCODE64	0x50
#define S_UDATA		0x58
#define S_UCODE32	0x60
#define S_NOTPRESENT	0x68
#define S_LDT		0x70
#define G_GDT_LIMIT	0x77

enum gmode { M_REAL, M_PM32, M_PM32_PSE, M_PM32_PAE, M_64, M_NR };

static const char *const mode_names[] = {
	"real", "pm32", "pm32-pse", "pm32-pae", "64",
};

static void put64(uint8_t *mem, uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, sizeof(v));
}

static uint64_t tss_desc_low(uint64_t base, uint32_t limit, unsigned int type)
{
	return (limit & 0xffff) | ((base & 0xffffff) << 16) |
	       ((uint64_t)(0x80 | type) << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       (((base >> 24) & 0xff) << 56);
}

static void guest_tables(uint8_t *mem)
{
	uint64_t i, gate;

	memset(mem, 0, G_CODE);
	memset(mem + G_PML4, 0, G_PD_WINDOW + PAGE - G_PML4);
	/* Real mode: every IVT entry at 0000:G_STUB. */
	for (i = 0; i < 256; i++)
		memcpy(mem + 4 * i, &(uint32_t){ G_STUB }, 4);
	put64(mem, G_GDT + S_CODE64, 0x00af9b000000ffffULL);
	put64(mem, G_GDT + S_DATA, 0x00cf93000000ffffULL);
	put64(mem, G_GDT + S_CODE32, 0x00cf9b000000ffffULL);
	put64(mem, G_GDT + S_CODE16, 0x00009b000000ffffULL);
	put64(mem, G_GDT + S_TSS64, tss_desc_low(G_TSS64, 0x67, 11));
	put64(mem, G_GDT + S_TSS32, tss_desc_low(G_TSS32, 0x67, 11));
	put64(mem, G_GDT + S_DATA16, 0x000093000000ffffULL);
	put64(mem, G_GDT + S_CODE_LD, 0x00ef9b000000ffffULL);
	put64(mem, G_GDT + S_UCODE64, 0x00affb000000ffffULL);
	put64(mem, G_GDT + S_UDATA, 0x00cff3000000ffffULL);
	put64(mem, G_GDT + S_UCODE32, 0x00cffb000000ffffULL);
	put64(mem, G_GDT + S_NOTPRESENT, 0x00cf13000000ffffULL);
	put64(mem, G_GDT + S_LDT, tss_desc_low(G_LDT, 0xf, 2));
	put64(mem, G_LDT, 0x00cf9b000000ffffULL);
	put64(mem, G_LDT + 8, 0x00cf93000000ffffULL);
	/* IDTs: interrupt gates to the stub, DPL 3 so that INT n works. */
	for (i = 0; i < 256; i++) {
		gate = (G_STUB & 0xffff) | ((uint64_t)S_CODE64 << 16) |
		       (0xeeULL << 40) | ((uint64_t)(G_STUB >> 16) << 48);
		put64(mem, G_IDT64 + 16 * i, gate);
		put64(mem, G_IDT64 + 16 * i + 8, 0);
		gate = (G_STUB & 0xffff) | ((uint64_t)S_CODE32 << 16) |
		       (0xeeULL << 40) | ((uint64_t)(G_STUB >> 16) << 48);
		put64(mem, G_IDT32 + 8 * i, gate);
	}
	/* TSSs: RSP0/ESP0 for exceptions from CPL 3, no I/O bitmap. */
	put64(mem, G_TSS64 + 4, G_RSP0);
	memcpy(mem + G_TSS64 + 0x66, &(uint16_t){ 0x68 }, 2);
	memcpy(mem + G_TSS32 + 4, &(uint32_t){ G_RSP0 }, 4);
	memcpy(mem + G_TSS32 + 8, &(uint32_t){ S_DATA }, 4);
	memcpy(mem + G_TSS32 + 0x66, &(uint16_t){ 0x68 }, 2);
	memcpy(mem + G_STUB, "\xf4\xeb\xfd", 3);
	/* 64-bit and PAE paging: the low 4 GiB identity mapped, user too. */
	put64(mem, G_PML4, G_PDPT64 | 7);
	for (i = 0; i < 4; i++) {
		put64(mem, G_PDPT64 + 8 * i, (G_PD + i * PAGE) | 7);
		put64(mem, G_PDPT_PAE + 8 * i, (G_PD + i * PAGE) | 1);
	}
	put64(mem, G_PDPT64 + 8 * 4, G_PD_WINDOW | 7);
	for (i = 0; i < 2048; i++)
		put64(mem, G_PD + 8 * i, (i << 21) | 0x87);
	for (i = 0; i < 1024; i++)
		memcpy(mem + G_PD_PSE + 4 * i, &(uint32_t){ (i << 22) | 0x87 }, 4);
}

static void seg_set(struct minivm_segment *s, uint16_t sel, uint8_t type,
		    bool code64, uint8_t dpl)
{
	*s = (struct minivm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel | dpl,
		.type = type, .present = 1, .dpl = dpl, .s = 1, .g = 1,
		.db = !code64, .l = code64,
	};
}

/* The state a mode starts from, on top of the vCPU's reset state. */
static void mode_sregs(const struct minivm_sregs *reset, enum gmode mode,
		       bool user, struct minivm_sregs *s)
{
	uint8_t dpl = user ? 3 : 0;

	*s = *reset;
	s->gdt.base = G_GDT;
	s->gdt.limit = G_GDT_LIMIT;
	if (mode == M_REAL) {
		s->cs.selector = 0;
		s->cs.base = 0;
		s->idt.base = 0;
		s->idt.limit = 0x3ff;
		return;
	}
	if (mode == M_64) {
		seg_set(&s->cs, user ? S_UCODE64 : S_CODE64, 11, true, dpl);
		s->tr = (struct minivm_segment){
			.base = G_TSS64, .limit = 0x67, .selector = S_TSS64,
			.type = 11, .present = 1,
		};
		s->idt.base = G_IDT64;
		s->idt.limit = 0xfff;
		s->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
			 X86_CR0_WP | X86_CR0_PG;
		s->cr3 = G_PML4;
		s->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
		s->efer = EFER_LME | EFER_LMA | EFER_SCE;
	} else {
		seg_set(&s->cs, user ? S_UCODE32 : S_CODE32, 11, false, dpl);
		s->tr = (struct minivm_segment){
			.base = G_TSS32, .limit = 0x67, .selector = S_TSS32,
			.type = 11, .present = 1,
		};
		s->idt.base = G_IDT32;
		s->idt.limit = 0x7ff;
		s->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE;
		s->cr4 = 0;
		s->efer = 0;
		if (mode == M_PM32_PSE) {
			s->cr0 |= X86_CR0_PG | X86_CR0_WP;
			s->cr3 = G_PD_PSE;
			s->cr4 = X86_CR4_PSE;
		} else if (mode == M_PM32_PAE) {
			s->cr0 |= X86_CR0_PG | X86_CR0_WP;
			s->cr3 = G_PDPT_PAE;
			s->cr4 = X86_CR4_PAE;
		}
	}
	seg_set(&s->ds, user ? S_UDATA : S_DATA, 3, false, dpl);
	s->es = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	s->ss = s->ds;
	s->ldt = (struct minivm_segment){ .type = 2, .unusable = 1 };
}

struct gvm {
	int dev, vm;
	struct vcpu_t v;
	uint8_t *mem;		/* G_MEM_SIZE bytes, the guest's RAM */
	bool rom;		/* slot 1 exists */
	struct minivm_sregs reset;
	enum gmode mode;
};

static void gvm_destroy(struct gvm *g)
{
	if (g->v.run)
		munmap(g->v.run, PAGE);
	if (g->v.fd >= 0)
		close(g->v.fd);
	if (g->vm >= 0)
		close(g->vm);
	g->v.run = NULL;
	g->v.fd = -1;
	g->vm = -1;
}

static bool gvm_region(struct fz *fz, struct gvm *g, uint32_t slot,
		       uint32_t flags, uint64_t gpa, uint64_t size)
{
	struct minivm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)g->mem + gpa,
	};

	return !fz_ioctl(fz, g->vm, FD_VM, MINIVM_SET_USER_MEMORY_REGION,
			 (uintptr_t)&r, EXPECT_OK);
}

/* A new VM with the layout above and one vCPU; false if setup failed. */
static bool gvm_create(struct fz *fz, struct gvm *g, bool irqchip_ok,
		       bool rom_ok)
{
	struct minivm_enable_cap cap = { .cap = MINIVM_CAP_X86_USER_SPACE_MSR };

	gvm_destroy(g);
	memset(&g->v, 0, sizeof(g->v));
	g->v.fd = -1;
	g->vm = fz_create_vm(fz, g->dev);
	if (g->vm < 0)
		return false;
	g->v.irqchip = irqchip_ok && chance(fz, 30);
	if (g->v.irqchip &&
	    fz_ioctl(fz, g->vm, FD_VM, MINIVM_CREATE_IRQCHIP, 0, EXPECT_OK))
		return false;
	if (chance(fz, 30)) {
		cap.args[0] = 1 + rnd(fz, 3);
		if (fz_ioctl(fz, g->vm, FD_VM, MINIVM_ENABLE_CAP, (uintptr_t)&cap,
			     EXPECT_OK))
			return false;
		g->v.user_msr = true;
	}
	if (!g->mem) {
		g->mem = mmap(NULL, G_MEM_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		MINIVM_CHECK(g->mem != MAP_FAILED, "mmap guest memory");
	}
	guest_tables(g->mem);
	g->rom = rom_ok && chance(fz, 60);
	if (!gvm_region(fz, g, 0, 0, 0, G_LOW_END) ||
	    !gvm_region(fz, g, 2, 0, G_HIGH_GPA, G_MEM_SIZE - G_HIGH_GPA) ||
	    (g->rom && !gvm_region(fz, g, 1, MINIVM_MEM_READONLY, G_ROM_GPA,
				   G_HIGH_GPA - G_ROM_GPA)))
		return false;
	g->v.id = chance(fz, 80) ? 0 : rnd(fz, MINIVM_MAX_VCPUS);
	g->v.fd = fz_ioctl(fz, g->vm, FD_VM, MINIVM_CREATE_VCPU, g->v.id, EXPECT_OK);
	if (g->v.fd < 0)
		return false;
	g->v.run = fz_map_run(fz, g->v.fd);
	if (!g->v.run)
		return false;
	fz->runarea = g->v.run;
	g->v.cpuid_n = n_supported_cpuid;
	return !fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_GET_SREGS, (uintptr_t)&g->reset,
			 EXPECT_OK);
}

/* ---- guest code: mutated templates of real instructions ---- */

struct code {
	uint8_t *buf;
	size_t len, max;
	unsigned int bits;	/* 16, 32 or 64: the default operand size */
};

static void c8(struct code *c, uint8_t b)
{
	if (c->len < c->max)
		c->buf[c->len++] = b;
}

static void cbytes(struct code *c, const char *b, size_t n)
{
	while (n--)
		c8(c, (uint8_t)*b++);
}

#define CB(c, s)	cbytes(c, s, sizeof(s) - 1)

/* An instruction's bytes, NULs included. */
struct bytes {
	const char *b;
	unsigned int n;
};

#define BY(s)		{ s, sizeof(s) - 1 }

static void cpick(struct fz *fz, struct code *c, const struct bytes *list,
		  unsigned int n)
{
	const struct bytes *e = &list[rnd(fz, n)];

	cbytes(c, e->b, e->n);
}

#define CPICK(fz, c, list)	cpick(fz, c, list, ARRAY_SIZE(list))

static void cimm(struct code *c, uint64_t v, unsigned int n)
{
	while (n--) {
		c8(c, v);
		v >>= 8;
	}
}

/* A 32-bit operand (a 66 prefix in 16-bit code). */
static void c_o32(struct code *c)
{
	if (c->bits == 16)
		c8(c, 0x66);
}

/* mov $v, %reg (32-bit; the full 64 bits in long mode when v needs it) */
static void c_mov(struct code *c, unsigned int reg, uint64_t v)
{
	if (c->bits == 64 && (v >> 32)) {
		c8(c, 0x48);
		c8(c, 0xb8 + reg);
		cimm(c, v, 8);
		return;
	}
	c_o32(c);
	c8(c, 0xb8 + reg);
	cimm(c, v, 4);
}

/* mov $v, %reg16 */
static void c_mov16(struct code *c, unsigned int reg, uint16_t v)
{
	if (c->bits != 16)
		c8(c, 0x66);
	c8(c, 0xb8 + reg);
	cimm(c, v, 2);
}

/* An instruction with a (%eax)/(%rax) operand: op, then ModRM with reg r. */
static void c_mem(struct code *c, const char *op, size_t n, unsigned int r,
		  bool wide)
{
	if (c->bits == 16)
		c8(c, 0x67);
	if (wide && c->bits == 64)
		c8(c, 0x48);
	cbytes(c, op, n);
	c8(c, (r & 7) << 3);
}

static const uint16_t port_pool[] = {
	0x80, 0x3f8, 0x3fd, 0x60, 0x64, 0x70, 0x71, 0x20, 0x21, 0xa0, 0x40,
	0x43, 0x61, 0xcf8, 0xcfc, 0xe9, 0x1000, 0x1001, 0x0, 0xffff, 0x92,
	0x510, 0x402,
};

static uint16_t rnd_port(struct fz *fz)
{
	return chance(fz, 80) ? port_pool[rnd(fz, ARRAY_SIZE(port_pool))] :
				rnd(fz, 0x10000);
}

static const uint32_t apic_regs[] = {
	0x20, 0x30, 0x80, 0xa0, 0xb0, 0xd0, 0xe0, 0xf0, 0x100, 0x200, 0x280,
	0x300, 0x310, 0x320, 0x330, 0x340, 0x350, 0x360, 0x370, 0x380, 0x390,
	0x3e0, 0x3f0, 0xff0,
};

static uint32_t rnd_apic_value(struct fz *fz, uint32_t reg)
{
	switch (reg) {
	case 0x320:	/* LVT timer: one-shot, periodic, TSC-deadline */
		return (rnd(fz, 4) << 17) | (chance(fz, 20) << 16) | (0x20 + rnd(fz, 0xe0));
	case 0x380:	/* initial count */
		return chance(fz, 80) ? 1 + rnd(fz, 20000) : rnd64(fz);
	case 0x300:	/* ICR: fixed, lowest, NMI, INIT, SIPI; shorthands */
		return (rnd(fz, 4) << 18) | (rnd(fz, 8) << 8) | (rnd(fz, 2) << 14) |
		       (0x10 + rnd(fz, 0xf0));
	case 0xf0:	/* SVR */
		return 0x100 | rnd(fz, 256);
	default:
		return chance(fz, 50) ? rnd(fz, 0x100) : rnd64(fz);
	}
}

/* Where unbacked memory is, and some that is not. */
static uint64_t rnd_mmio(struct fz *fz, unsigned int bits)
{
	static const uint64_t pool[] = {
		0xa0000, 0xb8000, 0xbfffc, 0xc0000, 0xd0000, 0xffff0, 0x200000,
		0x7fffff, 0xd0000000, 0xe0000000, 0xfec00000, 0xfec00010,
		0xfee00000, 0xfee00300, 0xfed00000, 0xfffffff0, 0xfffffffc,
		0x80000000, 0x100000000ULL, 0xfffffffff000ULL,
	};
	uint64_t a = chance(fz, 70) ? pool[rnd(fz, ARRAY_SIZE(pool))] + rnd(fz, 16) :
				      rnd64(fz) & 0xffffffff;

	if (bits == 64 && chance(fz, 5))
		a = rnd_value(fz);
	return a;
}

enum tmpl {
	T_OUT, T_IN, T_STRING_IO, T_MMIO_READ, T_MMIO_WRITE, T_MMIO_ODD,
	T_HLT, T_CPUID, T_RDMSR, T_WRMSR, T_MOV_CR, T_CACHE, T_VMX, T_INT,
	T_SYSCALL, T_POPF_TF, T_XSETBV, T_MOV_DR, T_DESC, T_SEG, T_FAR,
	T_MISC, T_APIC, T_IOAPIC, T_JUMP, T_LOOP, T_RANDOM, T_NR,
};

static void emit_mmio_access(struct fz *fz, struct code *c, bool write)
{
	static const char *const reads[] = {
		"\x8b", "\x8a", "\x0f\xb6", "\x0f\xbf", "\x03", "\x85", "\x3b",
		"\x87", "\x0f\xa3", "\x23", "\x0b", "\x2b", "\x33", "\x86",
	};
	static const char *const writes[] = {
		"\x89", "\x88", "\x01", "\x09", "\x21", "\x29", "\x31", "\x11",
		"\x19", "\x0f\xab", "\x0f\xb3", "\x0f\xbb", "\xff", "\xf7",
		"\xc7", "\xc6", "\xfe",
	};
	const char *op;

	if (c->bits == 16 && chance(fz, 80)) {
		/* real mode: a segment over the hole or the ROM, then (%bx) */
		c_mov16(c, 0, 0xa000 + rnd(fz, 0x6000));
		CB(c, "\x8e\xd8");		/* mov %ax, %ds */
		c_mov16(c, 3, rnd(fz, 0x10000));
		CB(c, "\x8b\x07");		/* mov (%bx), %ax */
		if (write) {
			c8(c, chance(fz, 50) ? 0x88 : 0x89);
			c8(c, 0x07 | (rnd(fz, 4) << 3));
		} else {
			c8(c, chance(fz, 50) ? 0x8a : 0x03);
			c8(c, 0x07 | (rnd(fz, 4) << 3));
		}
		return;
	}
	c_mov(c, 0, rnd_mmio(fz, c->bits));
	if (chance(fz, 10))
		c8(c, 0xf0);			/* lock */
	if (chance(fz, 10))
		c8(c, 0x66);
	if (write) {
		op = writes[rnd(fz, ARRAY_SIZE(writes))];
		c_mem(c, op, strlen(op), 1 + rnd(fz, 3), chance(fz, 30));
		if ((uint8_t)op[0] == 0xc7)
			cimm(c, rnd64(fz), 4);
		else if ((uint8_t)op[0] == 0xc6)
			c8(c, rnd(fz, 256));
	} else {
		op = reads[rnd(fz, ARRAY_SIZE(reads))];
		c_mem(c, op, strlen(op), 1 + rnd(fz, 3), chance(fz, 30));
	}
}

static void emit_template(struct fz *fz, struct code *c)
{
	static const char prefixes[] = "\x66\x67\xf3\xf2\x2e\x3e\x26\x64\x65\x36\xf0\x40\x48\x41";
	/* VMCALL, VMLAUNCH, VMRESUME, VMXOFF, VMREAD, VMWRITE, VMXON, ... */
	static const struct bytes vmx[] = {
		BY("\x0f\x01\xc1"), BY("\x0f\x01\xc2"), BY("\x0f\x01\xc3"),
		BY("\x0f\x01\xc4"), BY("\x0f\x78\xc0"), BY("\x0f\x79\xc0"),
		BY("\xf3\x0f\xc7\x30"), BY("\x66\x0f\xc7\x30"), BY("\x0f\xc7\x30"),
		BY("\x0f\xc7\x38"), BY("\x66\x0f\x38\x80\x00"),
		BY("\x66\x0f\x38\x81\x00"), BY("\x0f\x01\xd4"), BY("\x0f\x37"),
		BY("\x0f\x01\xc8"), BY("\x0f\x01\xc9"), BY("\x0f\x01\xd9"),
	};
	/* CLI, STI, PAUSE, UD2, RDPMC, RDTSC(P), RDRAND, XSAVE, FNINIT, ... */
	static const struct bytes misc[] = {
		BY("\xfa"), BY("\xfb"), BY("\xfb\xf4"), BY("\xf3\x90"), BY("\x0f\x0b"),
		BY("\x0f\x33"), BY("\x0f\x31"), BY("\x0f\x01\xf9"), BY("\x0f\xc7\xf0"),
		BY("\x0f\xae\x20"), BY("\x0f\xae\x28"), BY("\x0f\xae\x00"),
		BY("\xdb\xe3"), BY("\xd9\xe8"), BY("\x0f\x28\xc0"), BY("\xc5\xf8\x77"),
		BY("\x0f\xaa"), BY("\xf1"), BY("\x90"), BY("\x0f\x06"),
		BY("\x0f\x01\xd0"), BY("\x0f\x01\xf8"), BY("\x0f\xa2"),
		BY("\xf3\x0f\xae\xc0"), BY("\x0f\x01\xca"), BY("\x0f\x01\xcb"),
		BY("\x0f\x05"), BY("\xfd"), BY("\xfc"), BY("\x0f\xae\xf0"), BY("\x9b"),
		BY("\x0f\x01\xee"), BY("\x0f\x01\xef"), BY("\x0f\x00\xe0"),
		BY("\x0f\x02\xc0"), BY("\x0f\x03\xc0"),
	};
	/* INVD, WBINVD, WBNOINVD, INVLPG (%eax) */
	static const struct bytes cache[] = {
		BY("\x0f\x08"), BY("\x0f\x09"), BY("\xf3\x0f\x09"), BY("\x0f\x01\x38"),
	};
	/* SYSCALL, SYSRET, SYSENTER, SYSEXIT */
	static const struct bytes sys[] = {
		BY("\x0f\x05"), BY("\x0f\x07"), BY("\x48\x0f\x07"), BY("\x0f\x34"),
		BY("\x0f\x35"), BY("\x48\x0f\x35"),
	};
	/* what a single step lands on */
	static const struct bytes stepped[] = {
		BY("\x0f\xa2"), BY("\xe6\x80"), BY("\x90"), BY("\xf4"), BY("\x0f\x32"),
		BY("\xcd\x03"), BY("\x8e\xd0"),
	};
	/* LGDT, LIDT, SGDT, SIDT (%eax); LTR, LLDT, STR, VERR %cx */
	static const struct bytes desc_mem[] = {
		BY("\x0f\x01\x10"), BY("\x0f\x01\x18"), BY("\x0f\x01\x00"),
		BY("\x0f\x01\x08"),
	};
	static const struct bytes desc_reg[] = {
		BY("\x0f\x00\xd9"), BY("\x0f\x00\xd1"), BY("\x0f\x00\xc8"),
		BY("\x0f\x00\xe1"),
	};
	/* JMP, JZ, JNZ, LOOP, JL, JCXZ: rel8 */
	static const uint8_t jumps[] = { 0xeb, 0x74, 0x75, 0xe2, 0x7c, 0xe3 };
	static const uint8_t crs[] = { 0, 0, 0, 4, 4, 3, 2, 8, 1, 5 };
	static const uint8_t xcr0s[] = { 1, 3, 7, 0xe7, 2, 5, 0 };
	static const uint8_t sregs[] = { 0, 2, 3, 4, 5 };	/* ES SS DS FS GS */
	static const uint32_t leaves[] = {
		0, 1, 2, 4, 6, 7, 0xa, 0xb, 0xd, 0x14, 0x15, 0x16, 0x1f,
		0x40000000, 0x40000001, 0x40000010, 0x80000000, 0x80000001,
		0x80000007, 0x80000008, 0x8000001f,
	};
	static const uint16_t selectors[] = {
		0, 3, S_CODE64, S_DATA, S_CODE32, S_CODE16, S_TSS64, S_TSS32,
		S_DATA16, S_CODE_LD, S_UCODE64 | 3, S_UDATA | 3, S_UCODE32 | 3,
		S_NOTPRESENT, S_LDT, 0x4, 0xc, 0x78, 0xfff8,
	};
	unsigned int bits = c->bits, t = rnd(fz, T_NR + 6), r;
	size_t start = c->len;
	uint64_t v;

	if (t >= T_NR)
		t = chance(fz, 50) ? T_RANDOM : chance(fz, 50) ? T_OUT : T_MMIO_READ;
	if (chance(fz, 6))
		c8(c, prefixes[rnd(fz, sizeof(prefixes) - 1)]);
	switch (t) {
	case T_OUT:
		c_mov(c, 0, rnd_value(fz));
		if (chance(fz, 50)) {
			c8(c, 0xe6 + rnd(fz, 2));	/* out %al/%eax, $imm8 */
			c8(c, rnd_port(fz));
		} else {
			c_mov16(c, 2, rnd_port(fz));
			if (chance(fz, 30))
				c8(c, 0x66);
			c8(c, 0xee + rnd(fz, 2));	/* out %al/%eax, %dx */
		}
		break;
	case T_IN:
		if (chance(fz, 50)) {
			c8(c, 0xe4 + rnd(fz, 2));
			c8(c, rnd_port(fz));
		} else {
			c_mov16(c, 2, rnd_port(fz));
			if (chance(fz, 30))
				c8(c, 0x66);
			c8(c, 0xec + rnd(fz, 2));
		}
		break;
	case T_STRING_IO:
		c_mov(c, 1, chance(fz, 80) ? rnd(fz, 300) : rnd_value(fz));
		c_mov(c, 6, chance(fz, 70) ? G_DATA + rnd(fz, 0x1000) : rnd_mmio(fz, bits));
		c_mov(c, 7, chance(fz, 70) ? G_DATA + rnd(fz, 0x1000) : rnd_mmio(fz, bits));
		c_mov16(c, 2, rnd_port(fz));
		if (chance(fz, 20))
			c8(c, 0xfd);		/* std */
		if (chance(fz, 70))
			c8(c, 0xf3);		/* rep */
		if (chance(fz, 30))
			c8(c, 0x66);
		c8(c, 0x6c + rnd(fz, 4));	/* insb/insl/outsb/outsl */
		c8(c, 0xfc);			/* cld */
		break;
	case T_MMIO_READ:
		emit_mmio_access(fz, c, false);
		break;
	case T_MMIO_WRITE:
		emit_mmio_access(fz, c, true);
		break;
	case T_MMIO_ODD:
		/* what the in-kernel emulator does not know, on MMIO */
		c_mov(c, 0, rnd_mmio(fz, bits));
		c_mov(c, 6, rnd_mmio(fz, bits));
		c_mov(c, 7, chance(fz, 50) ? G_DATA : rnd_mmio(fz, bits));
		c_mov(c, 1, rnd(fz, 20));
		switch (rnd(fz, 10)) {
		case 0:
			c_mem(c, "\x0f\x10", 2, 0, false);	/* movups */
			break;
		case 1:
			c_mem(c, "\xf0\x0f\xc1", 3, 1, false);	/* lock xadd */
			break;
		case 2:
			c_mem(c, "\x0f\xc7", 2, 1, false);	/* cmpxchg8b */
			break;
		case 3:
			c_mem(c, "\xd9", 1, 0, false);		/* flds */
			break;
		case 4:
			CB(c, "\xf3\xa5");			/* rep movsl */
			break;
		case 5:
			CB(c, "\xf3\xab");			/* rep stosl */
			break;
		case 6:
			c_mem(c, "\xff", 1, 6, false);		/* push (%eax) */
			break;
		case 7:
			CB(c, "\xff\xe0");			/* jmp *%eax */
			break;
		case 8:
			c_mem(c, "\x0f\xae", 2, 7, false);	/* clflush */
			break;
		default:
			CB(c, "\xa6");				/* cmpsb */
			break;
		}
		break;
	case T_HLT:
		if (chance(fz, 30))
			c8(c, 0xfb);			/* sti */
		c8(c, 0xf4);
		break;
	case T_CPUID:
		c_mov(c, 0, chance(fz, 80) ? leaves[rnd(fz, ARRAY_SIZE(leaves))] :
					     rnd64(fz));
		c_mov(c, 1, rnd(fz, 4));
		CB(c, "\x0f\xa2");
		break;
	case T_RDMSR:
		c_mov(c, 1, rnd_msr(fz));
		CB(c, "\x0f\x32");
		break;
	case T_WRMSR:
		v = rnd_msr_value(fz);
		c_mov(c, 1, rnd_msr(fz));
		c_mov(c, 0, (uint32_t)v);
		c_mov(c, 2, v >> 32);
		CB(c, "\x0f\x30");
		break;
	case T_MOV_CR:
		r = crs[rnd(fz, ARRAY_SIZE(crs))];
		if (r == 8 && bits != 64) {
			r = 0;
		} else if (r == 8) {
			CB(c, "\x44\x0f\x20\xc0");	/* mov %cr8, %rax */
			c8(c, 0x48);
			c8(c, 0x35);			/* xor $imm32, %rax */
			cimm(c, 1U << rnd(fz, 5), 4);
			CB(c, "\x44\x0f\x22\xc0");
			break;
		}
		c8(c, 0x0f);
		c8(c, 0x20);
		c8(c, 0xc0 | (r << 3));			/* mov %crN, %eax */
		c_o32(c);
		c8(c, 0x35);				/* xor $imm32, %eax */
		cimm(c, chance(fz, 90) ? 1U << rnd(fz, 32) : rnd64(fz), 4);
		c8(c, 0x0f);
		c8(c, 0x22);
		c8(c, 0xc0 | (r << 3));			/* mov %eax, %crN */
		if (chance(fz, 20))
			CB(c, "\x0f\x01\xf0");		/* lmsw %ax */
		break;
	case T_CACHE:
		c_mov(c, 0, chance(fz, 50) ? G_CODE : rnd_mmio(fz, bits));
		CPICK(fz, c, cache);
		break;
	case T_VMX:
		c_mov(c, 0, chance(fz, 50) ? G_DATA : rnd_value(fz));
		CPICK(fz, c, vmx);
		break;
	case T_INT:
		switch (rnd(fz, 4)) {
		case 0:
			c8(c, 0xcc);
			break;
		case 1:
			c8(c, 0xce);
			break;
		default:
			c8(c, 0xcd);
			c8(c, chance(fz, 50) ? rnd(fz, 32) : rnd(fz, 256));
			break;
		}
		break;
	case T_SYSCALL:
		CPICK(fz, c, sys);
		break;
	case T_POPF_TF:
		/* pushf; pop %eax; or $TF, %eax; push %eax; popf; then one more */
		CB(c, "\x9c\x58");
		if (bits == 16)
			CB(c, "\x0d\x00\x01");
		else
			CB(c, "\x0d\x00\x01\x00\x00");
		CB(c, "\x50\x9d");
		CPICK(fz, c, stepped);
		break;
	case T_XSETBV:
		if (chance(fz, 50)) {
			CB(c, "\x0f\x20\xe0");		/* mov %cr4, %eax */
			c_o32(c);
			CB(c, "\x0d\x00\x00\x04\x00");	/* or $OSXSAVE, %eax */
			CB(c, "\x0f\x22\xe0");
		}
		c_mov(c, 1, chance(fz, 80) ? 0 : rnd_value(fz));
		c_mov(c, 0, xcr0s[rnd(fz, ARRAY_SIZE(xcr0s))]);
		c_mov(c, 2, chance(fz, 90) ? 0 : rnd64(fz));
		CB(c, chance(fz, 80) ? "\x0f\x01\xd1" : "\x0f\x01\xd0");
		break;
	case T_MOV_DR:
		r = rnd(fz, 8);
		c_mov(c, 0, chance(fz, 50) ? rnd_value(fz) : G_CODE + rnd(fz, 64));
		c8(c, 0x0f);
		c8(c, chance(fz, 70) ? 0x23 : 0x21);
		c8(c, 0xc0 | (r << 3));
		break;
	case T_DESC:
		c_mov(c, 0, chance(fz, 50) ? G_DATA + rnd(fz, 0x100) : rnd_mmio(fz, bits));
		c_mov16(c, 1, selectors[rnd(fz, ARRAY_SIZE(selectors))]);
		if (chance(fz, 50)) {
			if (c->bits == 16)
				c8(c, 0x67);	/* (%eax) */
			CPICK(fz, c, desc_mem);
		} else {
			CPICK(fz, c, desc_reg);
		}
		break;
	case T_SEG:
		c_mov16(c, 0, selectors[rnd(fz, ARRAY_SIZE(selectors))]);
		c8(c, 0x8e);
		c8(c, 0xc0 | (sregs[rnd(fz, ARRAY_SIZE(sregs))] << 3));
		break;
	case T_FAR:
		/* a far transfer to the next instruction, through a selector */
		r = selectors[rnd(fz, ARRAY_SIZE(selectors))];
		if (chance(fz, 50)) {
			/* push $sel; push $next; lret */
			v = G_CODE + c->len + (bits == 16 ? 7 : bits == 32 ? 11 : 12);
			c8(c, 0x68);
			cimm(c, r, bits == 16 ? 2 : 4);
			c8(c, 0x68);
			cimm(c, v, bits == 16 ? 2 : 4);
			if (bits == 64)
				c8(c, 0x48);
			c8(c, 0xcb);
		} else if (bits != 64) {
			/* ljmp $sel, $next */
			v = G_CODE + c->len + (bits == 16 ? 5 : 7);
			c8(c, 0xea);
			cimm(c, v, bits == 16 ? 2 : 4);
			cimm(c, r, 2);
		} else {
			/* pushf; push $sel; push $next; iretq */
			v = G_CODE + c->len + 13;
			c8(c, 0x9c);
			c8(c, 0x68);
			cimm(c, r, 4);
			c8(c, 0x68);
			cimm(c, v, 4);
			CB(c, "\x48\xcf");
		}
		break;
	case T_MISC:
		CPICK(fz, c, misc);
		break;
	case T_APIC:
		r = apic_regs[rnd(fz, ARRAY_SIZE(apic_regs))];
		c_mov(c, 0, 0xfee00000 + r);
		c_mov(c, 1, rnd_apic_value(fz, r));
		c_mem(c, chance(fz, 80) ? "\x89" : "\x8b", 1, 1, false);
		break;
	case T_IOAPIC:
		c_mov(c, 0, 0xfec00000);
		c_mov(c, 1, rnd(fz, 0x40));
		c_mem(c, "\x89", 1, 1, false);		/* index */
		c_mov(c, 1, chance(fz, 50) ? 0x20 + rnd(fz, 0xe0) : rnd64(fz));
		if (c->bits == 16)
			c8(c, 0x67);
		CB(c, "\x89\x48\x10");			/* data, at 0x10 */
		break;
	case T_JUMP:
		c_mov(c, 1, rnd(fz, 16));
		c8(c, jumps[rnd(fz, ARRAY_SIZE(jumps))]);
		c8(c, chance(fz, 80) ? rnd(fz, 16) : rnd(fz, 256));
		break;
	case T_LOOP:
		CB(c, chance(fz, 50) ? "\xeb\xfe" : "\xf3\x90\xeb\xfc");
		break;
	default:
		r = 1 + rnd(fz, 8);
		while (r--)
			c8(c, rnd(fz, 256));
		break;
	}
	/* The structural mutation: one bit of what was emitted flipped. */
	if (c->len > start && chance(fz, 8))
		c->buf[start + rnd(fz, c->len - start)] ^= 1 << rnd(fz, 8);
}

static unsigned int mode_bits(enum gmode m)
{
	return m == M_REAL ? 16 : m == M_64 ? 64 : 32;
}

/* A program at G_CODE: random bytes, or templates ending in hlt; jmp .-1 */
static void gen_program(struct fz *fz, uint8_t *code, enum gmode mode)
{
	struct code c = { .buf = code, .max = PAGE - 8, .bits = mode_bits(mode) };
	unsigned int i, n;

	fill_random(fz, code, PAGE);
	if (chance(fz, 15))
		return;
	n = 1 + rnd(fz, 10);
	for (i = 0; i < n; i++)
		emit_template(fz, &c);
	c8(&c, 0xf4);
	c8(&c, 0xeb);
	c8(&c, 0xfd);
}

/* ---- phase: random guest code and register state under RUN ---- */

static void guest_regs(struct fz *fz, struct minivm_regs *r)
{
	uint64_t *g = (uint64_t *)r;
	unsigned int i;

	for (i = 0; i < 16; i++)
		g[i] = chance(fz, 50) ? rnd_value(fz) : rnd(fz, 0x100);
	r->rcx = chance(fz, 70) ? rnd(fz, 64) : rnd_value(fz);
	r->rsi = chance(fz, 50) ? G_DATA + rnd(fz, 0x1000) : rnd_mmio(fz, 64);
	r->rdi = chance(fz, 50) ? G_DATA + rnd(fz, 0x1000) : rnd_mmio(fz, 64);
	r->rsp = chance(fz, 90) ? G_STACK : rnd_value(fz);
	r->rip = G_CODE;
	r->rflags = 2;
	if (chance(fz, 30))
		r->rflags |= 1 << 9;		/* IF */
	if (chance(fz, 5))
		r->rflags |= 1 << 8;		/* TF */
	if (chance(fz, 5))
		r->rflags |= 1 << 10;		/* DF */
	if (chance(fz, 5))
		r->rflags |= 1 << 18;		/* AC */
	if (chance(fz, 10))
		r->rflags |= 3 << 12;		/* IOPL 3 */
	if (chance(fz, 2))
		r->rflags |= 1 << 14;		/* NT */
	if (chance(fz, 3))
		r->rflags |= 1 << 16;		/* RF */
	if (chance(fz, 2))
		r->rflags |= 1 << 17;		/* VM */
	if (chance(fz, 3))
		r->rflags |= 7ULL << 19;	/* VIF, VIP, ID */
}

/* A program and a state for it: mostly valid, sometimes mutated. */
static void guest_program(struct fz *fz, struct gvm *g, enum gmode mode)
{
	struct minivm_sregs s;
	struct minivm_regs r;
	bool user = mode != M_REAL && chance(fz, 15);
	int expect = EXPECT_OK;
	unsigned int i, n;

	if (chance(fz, 6))
		guest_tables(g->mem);
	/*
	 * SET_SREGS loads PAE's PDPTEs from guest memory, and refuses
	 * reserved bits there: put back those an earlier program overwrote.
	 */
	for (i = 0; i < 4; i++)
		put64(g->mem, G_PDPT_PAE + 8 * i, (G_PD + i * PAGE) | 1);
	gen_program(fz, g->mem + G_CODE, mode);
	if (g->rom && chance(fz, 10))
		fill_random(fz, g->mem + G_ROM_GPA, G_HIGH_GPA - G_ROM_GPA);
	mode_sregs(&g->reset, mode, user, &s);
	if (mode == M_64 && chance(fz, 10))
		s.efer |= 1ULL << 11;	/* NXE */
	if (chance(fz, 25)) {
		n = 1 + rnd(fz, 2);
		for (i = 0; i < n; i++)
			mutate_sregs(fz, &s);
		expect = sregs_table_einval(&s) ? EINVAL : EXPECT_ANY;
	}
	fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_SET_SREGS, (uintptr_t)&s, expect);
	guest_regs(fz, &r);
	expect = EXPECT_OK;
	if (chance(fz, 5))
		expect = mutate_regs(fz, &r);
	fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_SET_REGS, (uintptr_t)&r, expect);
	g->mode = mode;
}

/* Some other state for the guest to meet: events, breakpoints, MSRs. */
static void guest_extras(struct fz *fz, struct gvm *g)
{
	union {
		struct minivm_msrs h;
		uint8_t raw[sizeof(struct minivm_msrs) + 3 * sizeof(struct minivm_msr_entry)];
	} m;
	struct minivm_irq_level irq;
	struct minivm_debugregs d;
	unsigned int i;

	if (chance(fz, 8))
		fuzz_events(fz, &g->v);
	if (chance(fz, 5)) {
		memset(&d, 0, sizeof(d));
		d.db[0] = G_CODE + rnd(fz, 32);
		d.db[1] = G_DATA + rnd(fz, 32);
		d.dr7 = 0x400 | rnd(fz, 16) | (rnd(fz, 256) << 16);
		fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_SET_DEBUGREGS, (uintptr_t)&d,
			 EXPECT_OK);
	}
	if (chance(fz, 8)) {
		memset(&m, 0, sizeof(m));
		m.h.nmsrs = 1 + rnd(fz, 3);
		for (i = 0; i < m.h.nmsrs; i++) {
			m.h.entries[i].index = rnd_msr(fz);
			m.h.entries[i].data = chance(fz, 30) ? G_STUB : rnd_msr_value(fz);
		}
		fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_SET_MSRS, (uintptr_t)&m, EXPECT_ANY);
	}
	if (chance(fz, 4))
		fuzz_xcrs(fz, &g->v);
	if (chance(fz, 2))
		fuzz_cpuid(fz, &g->v);
	if (chance(fz, 2))
		fuzz_xsave(fz, &g->v);
	if (g->v.irqchip && chance(fz, 10)) {
		irq.irq = rnd(fz, MINIVM_IOAPIC_PINS);
		irq.level = rnd(fz, 2);
		fz_ioctl(fz, g->vm, FD_VM, MINIVM_IRQ_LINE, (uintptr_t)&irq, EXPECT_OK);
	}
	if (g->v.irqchip && chance(fz, 3))
		fuzz_nmi(fz, &g->v);
}

/* State round trips api.rst promises work, on a live or a dead VM. */
static void guest_checks(struct fz *fz, struct gvm *g)
{
	static struct minivm_xsave xs;
	struct minivm_debugregs d;
	struct minivm_regs r;
	struct minivm_xcrs x;

	if (chance(fz, 25))
		sregs_roundtrip(fz, &g->v, g->mem, G_LOW_END);
	if (chance(fz, 10) && vcpu_get_regs_ok(fz, &g->v, &r))
		fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_SET_REGS, (uintptr_t)&r, EXPECT_OK);
	if (chance(fz, 2))
		msrs_roundtrip(fz, &g->v);
	if (chance(fz, 3) &&
	    !fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_GET_DEBUGREGS, (uintptr_t)&d,
		      EXPECT_OK))
		fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_SET_DEBUGREGS, (uintptr_t)&d,
			 EXPECT_OK);
	if (chance(fz, 2) &&
	    !fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_GET_XSAVE, (uintptr_t)&xs,
		      EXPECT_OK))
		fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_SET_XSAVE, (uintptr_t)&xs,
			 EXPECT_OK);
	/*
	 * XCR0 is checked against the vCPU's CPUID, so only while that is
	 * the one XCR0 was set under is the value read back sure to pass.
	 */
	if (chance(fz, 2) &&
	    !fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_GET_XCRS, (uintptr_t)&x,
		      EXPECT_OK) &&
	    fz_ioctl(fz, g->v.fd, FD_VCPU, MINIVM_SET_XCRS, (uintptr_t)&x,
		     EXPECT_ANY) && !g->v.cpuid_set)
		fz_fail(fz, "SET_XCRS of what GET_XCRS returned (XCR0 0x%llx) failed with %s, the vCPU's CPUID unchanged",
			(unsigned long long)x.xcrs[0].value, errno_name(errno));
}

static void phase_guest(struct fz *fz, enum gmode base_mode)
{
	struct gvm g = { .vm = -1, .v = { .fd = -1 } };
	unsigned int i, n, programs[M_NR] = { 0 };
	enum gmode mode;
	uint32_t reason;
	bool live = false;

	g.dev = fz_open_dev(fz);
	if (g.dev < 0)
		return;
	while (fz_more(fz)) {
		if (!live || g.v.dead || rnd(fz, 300) == 0) {
			live = gvm_create(fz, &g, true, true);
			if (!live)
				continue;
		}
		mode = base_mode;
		if (chance(fz, 15))
			mode = rnd(fz, M_NR);
		if (base_mode == M_PM32 && chance(fz, 50))
			mode = chance(fz, 50) ? M_PM32_PSE : M_PM32_PAE;
		guest_program(fz, &g, mode);
		programs[mode]++;
		guest_extras(fz, &g);
		n = 1 + rnd(fz, 6);
		for (i = 0; i < n; i++) {
			reason = fz_run(fz, &g.v, chance(fz, 3), true);
			if (reason == RUN_ERROR || reason == MINIVM_EXIT_SHUTDOWN ||
			    reason == MINIVM_EXIT_FAIL_ENTRY)
				break;
			if (reason == MINIVM_EXIT_INTERNAL_ERROR) {
				/* The VM is dead: RUN says so from now on. */
				fz_run(fz, &g.v, false, true);
				break;
			}
			if (reason == RUN_KICKED && !chance(fz, 20))
				break;
			if (chance(fz, 3))
				fuzz_vcpu_op(fz, &g.v, VOP_REGS | VOP_SREGS | VOP_EVENTS |
					     VOP_DEBUG);
		}
		guest_checks(fz, &g);
	}
	gvm_destroy(&g);
	close(g.dev);
	printf("# %s: programs run:", fz->phase->name);
	for (mode = 0; mode < M_NR; mode++)
		printf(" %s %u", mode_names[mode], programs[mode]);
	printf("\n");
}

static void phase_guest_real(struct fz *fz)
{
	phase_guest(fz, M_REAL);
}

static void phase_guest_pm32(struct fz *fz)
{
	phase_guest(fz, M_PM32);
}

static void phase_guest_64(struct fz *fz)
{
	phase_guest(fz, M_64);
}

/* ---- phase: /dev/minivm ---- */

static long cap_value(unsigned long cap)
{
	switch (cap) {
	case MINIVM_CAP_NR_MEMSLOTS:
		return MINIVM_MAX_MEMSLOTS;
	case MINIVM_CAP_MAX_VCPUS:
		return MINIVM_MAX_VCPUS;
	case MINIVM_CAP_X86_USER_SPACE_MSR:
		return MINIVM_MSR_EXIT_UNKNOWN | MINIVM_MSR_EXIT_INVAL;
	default:
		/* 1 to the highest capability, all of value 1 */
		return cap >= MINIVM_CAP_USER_MEMORY && cap <= MINIVM_CAP_SYNC_MMU;
	}
}

static void fuzz_check_extension(struct fz *fz, int fd, unsigned int kind)
{
	unsigned long cap = chance(fz, 70) ? rnd(fz, 20) : rnd_value(fz);
	long ret = fz_ioctl(fz, fd, kind, MINIVM_CHECK_EXTENSION, cap, EXPECT_OK);

	__atomic_add_fetch(&fz->st->checks, 1, __ATOMIC_RELAXED);
	if (ret >= 0 && ret != cap_value(cap))
		fz_fail(fz, "CHECK_EXTENSION(%lu) on a %s fd returned %ld, api.rst 4 says %ld",
			cap, kind_name(kind), ret, cap_value(cap));
}

/* read(), write() and (no_mmap) mmap() of a minivm fd: api.rst 5. */
static void fuzz_other_syscalls(struct fz *fz, int fd, const char *what,
				bool no_mmap)
{
	char buf[16], msg[64];
	long ret;
	int err;
	void *p;

	snprintf(msg, sizeof(msg), "read(%s fd)", what);
	ret = read(fd, buf, sizeof(buf));
	fz_check_syscall(fz, msg, ret, errno, 0, EINVAL);
	snprintf(msg, sizeof(msg), "write(%s fd)", what);
	ret = write(fd, buf, sizeof(buf));
	fz_check_syscall(fz, msg, ret, errno, 0, EINVAL);
	if (!no_mmap)
		return;
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	err = errno;
	snprintf(msg, sizeof(msg), "mmap(%s fd)", what);
	fz_check_syscall(fz, msg, p == MAP_FAILED ? -1 : 0, err, 0, ENODEV);
	if (p != MAP_FAILED)
		munmap(p, PAGE);
}

static void phase_system(struct fz *fz)
{
	unsigned long arg;
	int dev = fz_open_dev(fz), vm;
	long ret;

	if (dev < 0)
		return;
	while (fz_more(fz)) {
		arg = chance(fz, 50) ? 0 : rnd_value(fz);
		switch (rnd(fz, 16)) {
		case 0:
			ret = fz_ioctl(fz, dev, FD_SYS, MINIVM_GET_API_VERSION, arg,
				       arg ? EINVAL : EXPECT_OK);
			if (!arg && ret != MINIVM_API_VERSION)
				fz_fail(fz, "GET_API_VERSION returned %ld", ret);
			break;
		case 1:
		case 2:
			fuzz_check_extension(fz, dev, FD_SYS);
			break;
		case 3:
			ret = fz_ioctl(fz, dev, FD_SYS, MINIVM_GET_VCPU_MMAP_SIZE, arg,
				       arg ? EINVAL : EXPECT_OK);
			if (!arg && ret != (long)PAGE)
				fz_fail(fz, "GET_VCPU_MMAP_SIZE returned %ld", ret);
			break;
		case 4:
			/* Creating VMs costs; mostly the refused kind. */
			if (!arg && !chance(fz, 10))
				arg = 1 + rnd(fz, 100);
			vm = fz_ioctl(fz, dev, FD_SYS, MINIVM_CREATE_VM, arg,
				      arg ? EINVAL : EXPECT_OK);
			if (vm >= 0) {
				__atomic_add_fetch(&fz->st->vms, 1, __ATOMIC_RELAXED);
				if (chance(fz, 50))
					fuzz_check_extension(fz, vm, FD_VM);
				close(vm);
			}
			break;
		case 5:
		case 6:
			fuzz_get_list(fz, dev, FD_SYS, MINIVM_GET_SUPPORTED_CPUID, 8,
				      n_supported_cpuid);
			break;
		case 7:
		case 8:
			fuzz_get_list(fz, dev, FD_SYS, MINIVM_GET_MSR_INDEX_LIST, 4, n_msr_list);
			break;
		case 9:
			if (chance(fz, 20))
				fuzz_other_syscalls(fz, dev, "/dev/minivm", true);
			else
				fuzz_random_ioctl(fz, dev, FD_SYS, true);
			break;
		case 10:
			if (chance(fz, 5)) {
				close(dev);
				dev = fz_open_dev(fz);
				if (dev < 0)
					return;
			}
			fuzz_random_ioctl(fz, dev, FD_SYS, true);
			break;
		default:
			fuzz_random_ioctl(fz, dev, FD_SYS, true);
			break;
		}
	}
	close(dev);
}

/* ---- phase: VM fds ---- */

struct vmst {
	int fd;
	int vcpu[MINIVM_MAX_VCPUS];
	bool irqchip;
};

static unsigned int vm_nr_vcpus(const struct vmst *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < MINIVM_MAX_VCPUS; i++)
		n += s->vcpu[i] >= 0;
	return n;
}

static void vmst_close(struct vmst *s)
{
	unsigned int i;

	for (i = 0; i < MINIVM_MAX_VCPUS; i++) {
		if (s->vcpu[i] >= 0)
			close(s->vcpu[i]);
		s->vcpu[i] = -1;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->irqchip = false;
}

static void fuzz_create_vcpu(struct fz *fz, struct vmst *s)
{
	static const unsigned long odd[] = {
		MINIVM_MAX_VCPUS, MINIVM_MAX_VCPUS + 1, 255, 0x100000000ULL,
		-1UL, 0x8000000000000000ULL,
	};
	unsigned long id = chance(fz, 85) ? rnd(fz, MINIVM_MAX_VCPUS) :
					    odd[rnd(fz, ARRAY_SIZE(odd))];
	int expect = EXPECT_OK, fd;

	if (id >= MINIVM_MAX_VCPUS) {
		expect = EINVAL;
	} else if (s->vcpu[id] >= 0) {
		expect = EEXIST;
	} else if (vm_nr_vcpus(s) >= 4) {
		/* keep a few: each costs a VMCS and pages */
		for (id = 0; s->vcpu[id] < 0; id++)
			;
		close(s->vcpu[id]);
		s->vcpu[id] = -1;
		return;
	}
	fd = fz_ioctl(fz, s->fd, FD_VM, MINIVM_CREATE_VCPU, id, expect);
	if (fd >= 0 && id < MINIVM_MAX_VCPUS && s->vcpu[id] < 0)
		s->vcpu[id] = fd;
	else if (fd >= 0)
		close(fd);
}

/* A memory region struct with random fields: the checks of api.rst 6.6. */
static void fuzz_region_random(struct fz *fz, int vm, uint8_t *mem, size_t size)
{
	struct minivm_userspace_memory_region r;
	int k = pick_ptr(fz), expect = EXPECT_ANY;
	void *p;

	r.slot = chance(fz, 80) ? rnd(fz, MINIVM_MAX_MEMSLOTS) : rnd_value(fz);
	r.flags = chance(fz, 80) ? 0 : chance(fz, 50) ? MINIVM_MEM_READONLY : rnd64(fz);
	r.guest_phys_addr = chance(fz, 70) ? (uint64_t)rnd(fz, 0x100000) << 12 : rnd_value(fz);
	r.memory_size = chance(fz, 70) ? (uint64_t)rnd(fz, size / PAGE) << 12 : rnd_value(fz);
	if (chance(fz, 70))
		r.userspace_addr = (uintptr_t)mem + ((uint64_t)rnd(fz, size / PAGE) << 12);
	else
		r.userspace_addr = rnd_value(fz);
	r.reserved[0] = chance(fz, 5) ? rnd_value(fz) : 0;
	r.reserved[1] = chance(fz, 5) ? rnd_value(fz) : 0;
	if (chance(fz, 5))
		r.guest_phys_addr |= 1 + rnd(fz, PAGE - 1);
	/* api.rst 6.6's first table: these are EINVAL, whatever else */
	if (r.slot >= MINIVM_MAX_MEMSLOTS || (r.flags & ~MINIVM_MEM_READONLY) ||
	    r.reserved[0] || r.reserved[1] ||
	    ((r.guest_phys_addr | r.memory_size | r.userspace_addr) & (PAGE - 1)))
		expect = EINVAL;
	p = fz_ptr(fz, k, &r, sizeof(r));
	/*
	 * A size of 0 that succeeded was a deletion: there is nothing to
	 * delete again (seed 577321932746 expected a second one to work).
	 */
	if (!fz_ioctl(fz, vm, FD_VM, MINIVM_SET_USER_MEMORY_REGION, (uintptr_t)p,
		      expect_in(k, expect)) && r.memory_size && chance(fz, 50)) {
		/* deleted again, mostly, so that later ones can succeed */
		r.memory_size = 0;
		fz_ioctl(fz, vm, FD_VM, MINIVM_SET_USER_MEMORY_REGION, (uintptr_t)&r,
			 EXPECT_OK);
	}
}

static void fuzz_enable_cap(struct fz *fz, int vm)
{
	struct minivm_enable_cap c;
	int k = pick_ptr(fz), expect;
	void *p;

	memset(&c, 0, sizeof(c));
	c.cap = chance(fz, 70) ? MINIVM_CAP_X86_USER_SPACE_MSR : rnd_value(fz);
	c.args[0] = chance(fz, 80) ? rnd(fz, 4) : rnd_value(fz);
	if (chance(fz, 5))
		c.flags = 1 + rnd(fz, 100);
	if (chance(fz, 5))
		c.args[1 + rnd(fz, 3)] = rnd_value(fz) | 1;
	if (chance(fz, 5))
		c.reserved[rnd(fz, 4)] = rnd_value(fz) | 1;
	expect = (c.cap != MINIVM_CAP_X86_USER_SPACE_MSR || c.flags || c.args[1] ||
		  c.args[2] || c.args[3] || any_nonzero(c.reserved, sizeof(c.reserved)) ||
		  (c.args[0] & ~3ULL)) ? EINVAL : EXPECT_OK;
	p = fz_ptr(fz, k, &c, sizeof(c));
	fz_ioctl(fz, vm, FD_VM, MINIVM_ENABLE_CAP, (uintptr_t)p, expect_in(k, expect));
}

static void fuzz_create_irqchip(struct fz *fz, struct vmst *s)
{
	unsigned long arg = chance(fz, 80) ? 0 : rnd_value(fz);
	int expect;

	if (arg)
		expect = EINVAL;
	else if (s->irqchip && vm_nr_vcpus(s))
		expect = EXPECT_ANY;	/* EEXIST or EINVAL: api.rst gives no order */
	else if (s->irqchip)
		expect = EEXIST;
	else if (vm_nr_vcpus(s))
		expect = EINVAL;
	else
		expect = EXPECT_OK;
	if (!fz_ioctl(fz, s->fd, FD_VM, MINIVM_CREATE_IRQCHIP, arg, expect))
		s->irqchip = true;
}

static void fuzz_irq_line(struct fz *fz, int vm, bool irqchip)
{
	struct minivm_irq_level l;
	int k = pick_ptr(fz), expect;
	void *p;

	l.irq = chance(fz, 80) ? rnd(fz, MINIVM_IOAPIC_PINS) : rnd_value(fz);
	l.level = chance(fz, 80) ? rnd(fz, 2) : rnd_value(fz);
	if (!irqchip)
		expect = ENXIO;
	else if (l.irq >= MINIVM_IOAPIC_PINS || l.level > 1)
		expect = EINVAL;
	else
		expect = EXPECT_OK;
	p = fz_ptr(fz, k, &l, sizeof(l));
	fz_ioctl(fz, vm, FD_VM, MINIVM_IRQ_LINE, (uintptr_t)p, expect_in(k, expect));
}

/*
 * The process rule (api.rst 3): a forked child holds the fds but gets
 * EIO for every VM and vCPU ioctl, known or not; system ioctls work.
 */
static void fuzz_other_process(struct fz *fz, int dev, struct vmst *s)
{
	unsigned int i, vcpu_kind;
	int vcpu = -1, status;
	pid_t pid;

	for (i = 0; i < MINIVM_MAX_VCPUS; i++)
		if (s->vcpu[i] >= 0)
			vcpu = s->vcpu[i];
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		fz->other_process = true;
		kick_ready = false;	/* timers are not inherited */
		for (i = 0; i < 20; i++) {
			vcpu_kind = vcpu >= 0 && chance(fz, 50);
			fz_ioctl(fz, vcpu_kind ? vcpu : s->fd,
				 vcpu_kind ? FD_VCPU : FD_VM,
				 chance(fz, 50) ? ioctls[rnd(fz, ARRAY_SIZE(ioctls))].cmd :
						  rnd_cmd(fz, false),
				 rnd_value(fz), EIO);
		}
		fz_ioctl(fz, dev, FD_SYS, MINIVM_GET_API_VERSION, 0, EXPECT_OK);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	fz_check_syscall(fz, "forked child", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			 0, 0, 0);
}

static void phase_vm(struct fz *fz)
{
	struct vmst vms[2];
	struct vmst *s;
	uint8_t *mem;
	unsigned int i, j;
	int dev = fz_open_dev(fz), dup_fd;
	long ret;

	if (dev < 0)
		return;
	mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	MINIVM_CHECK(mem != MAP_FAILED, "mmap");
	for (i = 0; i < ARRAY_SIZE(vms); i++) {
		vms[i].fd = -1;
		for (j = 0; j < MINIVM_MAX_VCPUS; j++)
			vms[i].vcpu[j] = -1;
	}
	while (fz_more(fz)) {
		s = &vms[rnd(fz, ARRAY_SIZE(vms))];
		if (s->fd < 0) {
			s->fd = fz_create_vm(fz, dev);
			if (s->fd < 0)
				continue;
		}
		switch (rnd(fz, 20)) {
		case 0:
		case 1:
		case 2:
			fuzz_create_vcpu(fz, s);
			break;
		case 3:
			i = rnd(fz, MINIVM_MAX_VCPUS);
			if (s->vcpu[i] >= 0) {
				close(s->vcpu[i]);
				s->vcpu[i] = -1;
			}
			break;
		case 4:
		case 5:
		case 6:
			fuzz_region_random(fz, s->fd, mem, 1 << 20);
			break;
		case 7:
			fuzz_enable_cap(fz, s->fd);
			break;
		case 8:
			fuzz_create_irqchip(fz, s);
			break;
		case 9:
			fuzz_irq_line(fz, s->fd, s->irqchip);
			break;
		case 10:
			fuzz_check_extension(fz, s->fd, FD_VM);
			break;
		case 11:
			if (chance(fz, 10)) {
				fuzz_other_syscalls(fz, s->fd, "VM", true);
				break;
			}
			/* through a dup: the same open file */
			dup_fd = dup(s->fd);
			if (dup_fd >= 0) {
				fuzz_check_extension(fz, dup_fd, FD_VM);
				close(dup_fd);
			}
			break;
		case 12:
			if (chance(fz, 3))
				fuzz_other_process(fz, dev, s);
			else
				fuzz_random_ioctl(fz, s->fd, FD_VM, false);
			break;
		case 13:
			/* the VM fd closed first: vCPUs keep the VM alive */
			if (chance(fz, 10)) {
				for (i = 0; i < MINIVM_MAX_VCPUS; i++) {
					struct minivm_regs r;

					if (s->vcpu[i] < 0)
						continue;
					if (s->fd >= 0)
						close(s->fd);
					s->fd = -1;
					fz_ioctl(fz, s->vcpu[i], FD_VCPU, MINIVM_GET_REGS,
						 (uintptr_t)&r, EXPECT_OK);
				}
				vmst_close(s);
				break;
			}
			fuzz_random_ioctl(fz, s->fd, FD_VM, false);
			break;
		default:
			/* CREATE_IRQCHIP may be among them */
			if (fuzz_random_ioctl_ret(fz, s->fd, FD_VM, true, &ret) ==
			    MINIVM_CREATE_IRQCHIP && !ret)
				s->irqchip = true;
			break;
		}
	}
	for (i = 0; i < ARRAY_SIZE(vms); i++)
		vmst_close(&vms[i]);
	munmap(mem, 1 << 20);
	close(dev);
}

/* ---- phase: vCPU fds ---- */

static bool vcpu_open(struct fz *fz, int vm, struct vcpu_t *v, uint32_t id,
		      bool irqchip)
{
	memset(v, 0, sizeof(*v));
	v->id = id;
	v->irqchip = irqchip;
	v->cpuid_n = n_supported_cpuid;
	v->fd = fz_ioctl(fz, vm, FD_VM, MINIVM_CREATE_VCPU, id, EXPECT_OK);
	if (v->fd < 0)
		return false;
	v->run = fz_map_run(fz, v->fd);
	return v->run;
}

static void vcpu_close(struct vcpu_t *v)
{
	if (v->run)
		munmap(v->run, PAGE);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}

static void phase_vcpu(struct fz *fz)
{
	struct vcpu_t vc[2];
	struct vcpu_t *v;
	struct minivm_run *extra;
	uint8_t *mem;
	bool irqchip = false;
	int dev = fz_open_dev(fz), vm = -1, i;

	if (dev < 0)
		return;
	mem = mmap(NULL, G_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	MINIVM_CHECK(mem != MAP_FAILED, "mmap");
	vc[0].fd = -1;
	vc[1].fd = -1;
	while (fz_more(fz)) {
		if (vm < 0 || (vc[0].dead && chance(fz, 5)) || rnd(fz, 1500) == 0) {
			struct minivm_userspace_memory_region r = {
				.slot = 0, .memory_size = G_MEM_SIZE,
				.userspace_addr = (uintptr_t)mem,
			};

			vcpu_close(&vc[0]);
			vcpu_close(&vc[1]);
			if (vm >= 0)
				close(vm);
			vm = fz_create_vm(fz, dev);
			if (vm < 0)
				continue;
			irqchip = chance(fz, 50);
			if (irqchip)
				fz_ioctl(fz, vm, FD_VM, MINIVM_CREATE_IRQCHIP, 0, EXPECT_OK);
			guest_tables(mem);
			fz_ioctl(fz, vm, FD_VM, MINIVM_SET_USER_MEMORY_REGION,
				 (uintptr_t)&r, EXPECT_OK);
			if (!vcpu_open(fz, vm, &vc[0], 0, irqchip) ||
			    !vcpu_open(fz, vm, &vc[1], 1 + rnd(fz, 15), irqchip)) {
				close(vm);
				vm = -1;
				continue;
			}
		}
		i = rnd(fz, 2);
		v = &vc[i];
		fz->runarea = v->run;
		switch (rnd(fz, 24)) {
		case 0:
			fuzz_mmap_run(fz, v->fd);
			break;
		case 1:
			/*
			 * A run-area mapping keeps the vCPU, and its id, after
			 * its fd is closed (api.rst 6.5): EEXIST until unmapped.
			 */
			if (!chance(fz, 10))
				break;
			extra = v->run;
			close(v->fd);
			fz_ioctl(fz, vm, FD_VM, MINIVM_CREATE_VCPU, v->id, EEXIST);
			munmap(extra, PAGE);
			v->run = NULL;
			v->fd = -1;
			vcpu_open(fz, vm, v, v->id, irqchip);
			v->dead = vc[!i].dead;
			break;
		case 2:
		case 3:
			/* RUN: the reset vector has no memory, so mostly MMIO */
			if (fz_run(fz, v, chance(fz, 30), true) == MINIVM_EXIT_INTERNAL_ERROR)
				fz_run(fz, v, false, true);
			break;
		case 4:
			if (chance(fz, 20))
				msrs_roundtrip(fz, v);
			else
				fuzz_get_list(fz, v->fd, FD_VCPU, MINIVM_GET_CPUID, 8, v->cpuid_n);
			break;
		case 5:
			if (chance(fz, 20))
				fuzz_other_syscalls(fz, v->fd, "vCPU", false);
			else
				fuzz_random_ioctl(fz, v->fd, FD_VCPU, false);
			break;
		default:
			fuzz_vcpu_op(fz, v, VOP_ALL);
			break;
		}
		vc[!i].dead |= v->dead;
		if (vc[0].fd < 0 || vc[1].fd < 0) {
			vcpu_close(&vc[0]);
			vcpu_close(&vc[1]);
			close(vm);
			vm = -1;
		}
	}
	fz->runarea = NULL;
	vcpu_close(&vc[0]);
	vcpu_close(&vc[1]);
	if (vm >= 0)
		close(vm);
	munmap(mem, G_MEM_SIZE);
	close(dev);
}

/* ---- phase: memory-slot layouts, checked against a model ---- */

#define BIG_SIZE	(1ULL << 42)	/* one MAP_NORESERVE reservation */
#define SPECIAL_SIZE	(64 * 1024)
#define HOLE_PAGE	7		/* the page of "holey" not mapped */
#define TASK_SIZE_MAX	((1ULL << 47) - PAGE)

enum backing {
	B_BIG, B_SMALL, B_RO, B_NONE, B_RUNAREA, B_ALIAS, B_HOLE, B_UNMAPPED,
	B_NULL, B_KERNEL, B_NONCANON, B_TOP, B_MISALIGNED, B_VVAR, B_VDSO,
	B_FIXED, B_NR,
};

static const char *const backing_names[] = {
	"big sparse mapping", "own mapping", "PROT_READ mapping",
	"PROT_NONE mapping", "run area", "alias of another slot",
	"range with a hole", "just-unmapped memory", "address 0",
	"kernel address", "non-canonical address", "end of user space",
	"misaligned address", "[vvar] (VM_IO|VM_PFNMAP)", "[vdso]",
	"the guest's RAM",
};

struct mslot {
	bool used;
	bool ro;		/* MINIVM_MEM_READONLY */
	bool stale;		/* the memory behind it changed since */
	int backing;
	uint64_t gpa, size, hva;
	void *own;		/* B_SMALL: its own mapping */
};

struct sctx {
	struct gvm g;
	struct mslot m[MINIVM_MAX_MEMSLOTS];
	uint8_t *big, *ro_map, *none_map, *holey;
	uint64_t vvar, vvar_size, vdso, vdso_size;
	int64_t max_delete_ns;
	uint64_t max_delete_size;
	unsigned int touches;
};

static void find_special(const char *name, uint64_t *start, uint64_t *size)
{
	char line[256];
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long a, b;

	*start = 0;
	*size = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, name) && sscanf(line, "%lx-%lx", &a, &b) == 2) {
			*start = a;
			*size = b - a;
		}
	fclose(f);
}

static const struct mslot *slot_at(const struct sctx *c, uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < MINIVM_MAX_MEMSLOTS; i++)
		if (c->m[i].used && gpa >= c->m[i].gpa && gpa - c->m[i].gpa < c->m[i].size)
			return &c->m[i];
	return NULL;
}

static bool overlaps(const struct sctx *c, uint64_t gpa, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < MINIVM_MAX_MEMSLOTS; i++)
		if (c->m[i].used && gpa < c->m[i].gpa + c->m[i].size &&
		    c->m[i].gpa < gpa + size)
			return true;
	return false;
}

static uint64_t pick_slot_size(struct fz *fz)
{
	static const uint64_t sizes[] = {
		PAGE, 2 * PAGE, 4 * PAGE, 16 * PAGE, 0x200000, 0x401000,
		1ULL << 30, 1ULL << 40, (1ULL << 40) + PAGE, 1ULL << 63,
		~0xfffULL, PAGE + 1, 0x1800,
	};

	if (chance(fz, 50))
		return (1 + (uint64_t)rnd(fz, 64)) * PAGE;
	return sizes[rnd(fz, ARRAY_SIZE(sizes))];
}

static uint64_t pick_slot_gpa(struct fz *fz, struct sctx *c, uint64_t size)
{
	static const uint64_t gpas[] = {
		0, 0xa0000, 0xfee00000, 0xfec00000, 1ULL << 32, 1ULL << 36,
		1ULL << 39, 1ULL << 46, (1ULL << 48) - PAGE, 1ULL << 48,
		1ULL << 52, ~0xfffULL,
	};
	const struct mslot *m = &c->m[rnd(fz, MINIVM_MAX_MEMSLOTS)];

	switch (rnd(fz, 8)) {
	case 0:
		/* right after, or inside, another slot */
		if (m->used)
			return chance(fz, 50) ? m->gpa + m->size :
						m->gpa + ((rnd64(fz) % m->size) & ~(PAGE - 1));
		return 0x200000;
	case 1:
		/* just below another slot, overlapping it or not */
		if (m->used && m->gpa >= size)
			return (m->gpa - size + (chance(fz, 50) ? PAGE : 0)) & ~(PAGE - 1);
		return 0x300000;
	case 2:
		return gpas[rnd(fz, ARRAY_SIZE(gpas))];
	case 3:
		return gpa_limit - (size & ~(PAGE - 1)) + (chance(fz, 50) ? PAGE : 0);
	case 4:
		return (rnd64(fz) & ~(PAGE - 1)) | (chance(fz, 30) ? 1 + rnd(fz, PAGE - 1) : 0);
	default:
		return 0x200000 + ((uint64_t)rnd(fz, 0x100000) << 12);
	}
}

/* hva for the backing; *mapped: 1 the whole range mapped, 0 not, -1 unknown */
static uint64_t pick_backing(struct fz *fz, struct sctx *c, int b, uint64_t *size,
			     int *mapped, void **own)
{
	const struct mslot *m = &c->m[rnd(fz, MINIVM_MAX_MEMSLOTS)];
	unsigned char vec;
	uint64_t off;
	void *p;

	*mapped = 1;
	*own = NULL;
	if (b == B_SMALL && *size <= 0x200000 && !(*size & (PAGE - 1)) && *size) {
		p = mmap(NULL, *size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		MINIVM_CHECK(p != MAP_FAILED, "mmap");
		*own = p;
		return (uintptr_t)p;
	}
	switch (b) {
	case B_SMALL:	/* too large for a mapping of its own */
	case B_BIG:
		if (*size > BIG_SIZE / 2) {
			*mapped = -1;
			return (uintptr_t)c->big;
		}
		off = (rnd64(fz) % ((BIG_SIZE - *size) / PAGE)) * PAGE;
		return (uintptr_t)c->big + off;
	case B_RO:
	case B_NONE:
		if (*size > SPECIAL_SIZE)
			*mapped = -1;
		return (uintptr_t)(b == B_RO ? c->ro_map : c->none_map);
	case B_RUNAREA:
		*size = PAGE;
		return (uintptr_t)c->g.v.run;
	case B_ALIAS:
		if (m->used && m->backing == B_BIG) {
			*size = m->size;
			return m->hva;
		}
		return (uintptr_t)c->big;
	case B_HOLE:
		off = rnd(fz, HOLE_PAGE) * PAGE;
		if (off + *size > HOLE_PAGE * PAGE)
			*mapped = 0;	/* the hole comes first, going up */
		/* Another mapping may have been put in the hole since. */
		if (!*mapped &&
		    (!mincore(c->holey + HOLE_PAGE * PAGE, PAGE, &vec) || errno != ENOMEM))
			*mapped = -1;
		return (uintptr_t)c->holey + off;
	case B_UNMAPPED:
		if (*size > (1ULL << 30)) {
			*mapped = -1;
			return (uintptr_t)c->big;
		}
		*mapped = 0;
		return (uintptr_t)just_unmapped(fz, *size ? *size : PAGE);
	case B_NULL:
		*mapped = 0;
		return 0;
	case B_KERNEL:
		return chance(fz, 50) ? 0xffff888000000000ULL : 0xffffffff81000000ULL;
	case B_NONCANON:
		return chance(fz, 50) ? 0x0000800000000000ULL : 0xdead000000000000ULL;
	case B_TOP:
		return (1ULL << 47) + PAGE - (*size & ~(PAGE - 1));
	case B_MISALIGNED:
		return (uintptr_t)c->big + 1 + rnd(fz, PAGE - 1);
	case B_VVAR:
		if (c->vvar_size)
			*size = c->vvar_size;
		return c->vvar;
	case B_VDSO:
		if (c->vdso_size)
			*size = c->vdso_size;
		return c->vdso;
	default:
		return (uintptr_t)c->big;
	}
}

/* api.rst 6.6's tables, in their order, for a creation. */
static int model_create(const struct sctx *c, const struct minivm_userspace_memory_region *r,
			int b, int mapped)
{
	uint64_t gpa = r->guest_phys_addr, size = r->memory_size, hva = r->userspace_addr;

	if (r->slot >= MINIVM_MAX_MEMSLOTS || (r->flags & ~MINIVM_MEM_READONLY) ||
	    r->reserved[0] || r->reserved[1])
		return EINVAL;
	if ((gpa | size | hva) & (PAGE - 1))
		return EINVAL;
	if (gpa + size < gpa || gpa + size > gpa_limit)
		return EINVAL;
	if (hva + size < hva || hva + size > TASK_SIZE_MAX)
		return EINVAL;
	if (c->m[r->slot].used || overlaps(c, gpa, size))
		return EEXIST;
	if (!mapped)
		return EFAULT;
	if (b == B_VVAR && c->vvar_size)
		return EINVAL;
	return mapped < 0 || (b == B_VVAR) ? EXPECT_ANY : EXPECT_OK;
}

static void slots_create(struct fz *fz, struct sctx *c)
{
	static const uint32_t odd_ids[] = { 0, 2, 32, 33, 0xffffffff };
	struct minivm_userspace_memory_region r;
	int b = rnd(fz, B_FIXED), mapped, expect;
	struct mslot *m;
	uint64_t size;
	void *own;
	long ret;
	int err;

	memset(&r, 0, sizeof(r));
	if (chance(fz, 50))
		b = B_BIG;
	r.slot = chance(fz, 90) ? 3 + rnd(fz, MINIVM_MAX_MEMSLOTS - 3) :
				  odd_ids[rnd(fz, ARRAY_SIZE(odd_ids))];
	r.flags = chance(fz, 80) ? 0 : chance(fz, 80) ? MINIVM_MEM_READONLY :
						       1U << rnd(fz, 32);
	size = pick_slot_size(fz);
	r.userspace_addr = pick_backing(fz, c, b, &size, &mapped, &own);
	r.memory_size = size;
	r.guest_phys_addr = pick_slot_gpa(fz, c, size);
	if (chance(fz, 3))
		r.reserved[rnd(fz, 2)] = rnd_value(fz) | 1;
	expect = model_create(c, &r, b, mapped);
	ret = fz_ioctl(fz, c->g.vm, FD_VM, MINIVM_SET_USER_MEMORY_REGION,
		       (uintptr_t)&r, EXPECT_ANY);
	err = ret ? errno : 0;
	if (expect != EXPECT_ANY && (expect == EXPECT_OK ? ret != 0 : err != expect))
		fz_fail(fz, "SET_USER_MEMORY_REGION slot %u flags 0x%x gpa 0x%llx size 0x%llx hva 0x%llx (%s): %s, where api.rst 6.6 (its checks in table order) gives %s",
			r.slot, r.flags, (unsigned long long)r.guest_phys_addr,
			(unsigned long long)r.memory_size, (unsigned long long)r.userspace_addr,
			backing_names[b], ret ? errno_name(err) : "success",
			expect == EXPECT_OK ? "success" : errno_name(expect));
	if (ret || r.slot >= MINIVM_MAX_MEMSLOTS) {
		if (own)
			munmap(own, r.memory_size);
		return;
	}
	m = &c->m[r.slot];
	*m = (struct mslot){
		.used = true, .ro = r.flags & MINIVM_MEM_READONLY, .backing = b,
		.gpa = r.guest_phys_addr, .size = r.memory_size,
		.hva = r.userspace_addr, .own = own, .stale = mapped < 0,
	};
}

static void slots_free_backing(struct mslot *m)
{
	if (m->own)
		munmap(m->own, m->size);
	m->own = NULL;
	m->used = false;
}

static void slots_delete(struct fz *fz, struct sctx *c)
{
	struct minivm_userspace_memory_region r;
	struct mslot *m;
	int expect;
	int64_t t;

	memset(&r, 0, sizeof(r));
	r.slot = chance(fz, 95) ? 2 + rnd(fz, MINIVM_MAX_MEMSLOTS - 2) :
				  32 + rnd(fz, 4);
	if (r.slot < MINIVM_MAX_MEMSLOTS && chance(fz, 50)) {
		r.guest_phys_addr = c->m[r.slot].gpa;
		r.userspace_addr = c->m[r.slot].hva;
	}
	if (chance(fz, 5))
		r.guest_phys_addr |= 1 + rnd(fz, PAGE - 1);
	if (chance(fz, 3))
		r.flags = 1;
	if (r.slot >= MINIVM_MAX_MEMSLOTS || r.flags ||
	    ((r.guest_phys_addr | r.userspace_addr) & (PAGE - 1)))
		expect = EINVAL;
	else
		expect = c->m[r.slot].used ? EXPECT_OK : ENOENT;
	t = now_ns();
	if (fz_ioctl(fz, c->g.vm, FD_VM, MINIVM_SET_USER_MEMORY_REGION,
		     (uintptr_t)&r, expect))
		return;
	t = now_ns() - t;
	m = &c->m[r.slot];
	if (t > c->max_delete_ns) {
		c->max_delete_ns = t;
		c->max_delete_size = m->size;
	}
	slots_free_backing(m);
}

enum touch { TE_ANY, TE_RAM, TE_EFAULT, TE_ROM, TE_MMIO };

static const char *const touch_names[] = {
	"anything", "RAM", "EFAULT", "ROM", "MMIO",
};

static enum touch touch_expect(const struct sctx *c, uint64_t gpa)
{
	const struct mslot *m = slot_at(c, gpa);

	if (gpa >= gpa_limit)
		return TE_ANY;	/* a reserved bit in the guest's PDE */
	if (!m)
		return TE_MMIO;
	if (m->stale || m->backing == B_RUNAREA || m->backing == B_VDSO ||
	    m->backing == B_ALIAS)
		return TE_ANY;
	if (m->backing == B_NONE)
		return TE_EFAULT;
	if (m->ro)
		return TE_ROM;
	return m->backing == B_RO ? TE_EFAULT : TE_RAM;
}

/* The guest reads and writes back one byte at gpa (see slots_guest). */
static void slots_touch(struct fz *fz, struct sctx *c)
{
	const struct mslot *m = &c->m[rnd(fz, MINIVM_MAX_MEMSLOTS)];
	struct minivm_run *run = c->g.v.run;
	struct minivm_regs regs;
	enum touch want;
	unsigned int step = 0, i;
	uint32_t reason;
	uint64_t gpa;
	bool ok = true;
	char got[96] = "";

	if (m->used && chance(fz, 80))
		gpa = m->gpa + ((rnd64(fz) % m->size) & ~(PAGE - 1)) + rnd(fz, PAGE);
	else
		gpa = chance(fz, 50) ? rnd64(fz) & ((1ULL << 40) - 1) : rnd64(fz) & 0xffffffff;
	want = touch_expect(c, gpa);
	put64(c->g.mem, G_PD_WINDOW, (gpa & ~0x1fffffULL) | 0x87);
	memset(&regs, 0, sizeof(regs));
	regs.rip = G_CODE;
	regs.rsi = G_WINDOW_GVA + (gpa & 0x1fffff);
	regs.rsp = G_STACK;
	regs.rflags = 2;
	if (fz_ioctl(fz, c->g.v.fd, FD_VCPU, MINIVM_SET_REGS, (uintptr_t)&regs, EXPECT_OK))
		return;
	c->touches++;
	for (i = 0; i < 8 && ok; i++) {
		reason = fz_run(fz, &c->g.v, false, true);
		if (reason == RUN_KICKED)
			continue;
		if (reason == RUN_ERROR) {
			snprintf(got, sizeof(got), "RUN failed with %s", errno_name(c->g.v.err));
			ok = want == TE_EFAULT && c->g.v.err == EFAULT;
			if (c->g.v.dead)
				ok = false;
			break;
		}
		if (reason == MINIVM_EXIT_MMIO) {
			snprintf(got, sizeof(got), "MMIO %s at 0x%llx len %u",
				 run->mmio.is_write ? "write" : "read",
				 (unsigned long long)run->mmio.phys_addr, run->mmio.len);
			/* TE_MMIO: a read, then a write; TE_ROM: a write */
			ok = run->mmio.phys_addr == gpa && run->mmio.len == 1 &&
			     ((want == TE_MMIO && run->mmio.is_write == step) ||
			      (want == TE_ROM && run->mmio.is_write && !step));
			step++;
			continue;
		}
		if (reason == MINIVM_EXIT_IO && run->io.port == 0x80) {
			snprintf(got, sizeof(got), "the OUT after %u MMIO exits", step);
			ok = (want == TE_RAM && !step) || (want == TE_ROM && step == 1) ||
			     (want == TE_MMIO && step == 2);
			break;
		}
		snprintf(got, sizeof(got), "exit %s", exit_reason_name(reason));
		ok = false;
		break;
	}
	if (i == 8)
		ok = false;
	if (!ok && want != TE_ANY)
		fz_fail(fz, "guest access to GPA 0x%llx (%s%s, %s): expected %s, got %s",
			(unsigned long long)gpa, slot_at(c, gpa) ? "in a slot" : "no slot",
			slot_at(c, gpa) && slot_at(c, gpa)->ro ? ", read-only" : "",
			slot_at(c, gpa) ? backing_names[slot_at(c, gpa)->backing] : "-",
			touch_names[want], got);
}

/* 64-bit: invlpg (%rsi); mov (%rsi), %al; mov %al, (%rsi); out %al, $0x80; hlt */
static const char slots_guest[] = "\x0f\x01\x3e\x8a\x06\x88\x06\xe6\x80\xf4\xeb\xfd";

static bool slots_setup(struct fz *fz, struct sctx *c)
{
	struct minivm_sregs s;
	unsigned int i;

	for (i = 0; i < MINIVM_MAX_MEMSLOTS; i++)
		slots_free_backing(&c->m[i]);
	if (!gvm_create(fz, &c->g, false, false))
		return false;
	memcpy(c->g.mem + G_CODE, slots_guest, sizeof(slots_guest));
	mode_sregs(&c->g.reset, M_64, false, &s);
	if (fz_ioctl(fz, c->g.v.fd, FD_VCPU, MINIVM_SET_SREGS, (uintptr_t)&s, EXPECT_OK))
		return false;
	c->m[0] = (struct mslot){ .used = true, .backing = B_FIXED, .gpa = 0,
				  .size = G_LOW_END, .hva = (uintptr_t)c->g.mem };
	c->m[2] = (struct mslot){ .used = true, .backing = B_FIXED, .gpa = G_HIGH_GPA,
				  .size = G_MEM_SIZE - G_HIGH_GPA,
				  .hva = (uintptr_t)c->g.mem + G_HIGH_GPA };
	/* Memory the last VM had pinned goes back to the system. */
	madvise(c->big, BIG_SIZE, MADV_DONTNEED);
	return true;
}

static void phase_slots(struct fz *fz)
{
	struct sctx *c = calloc(1, sizeof(*c));
	struct mslot *m;
	bool live = false;
	void *p;

	MINIVM_CHECK(c, "calloc");
	c->g.vm = -1;
	c->g.v.fd = -1;
	c->g.dev = fz_open_dev(fz);
	if (c->g.dev < 0)
		return;
	c->big = mmap(NULL, BIG_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	c->ro_map = mmap(NULL, SPECIAL_SIZE, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c->none_map = mmap(NULL, SPECIAL_SIZE, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c->holey = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	MINIVM_CHECK(c->big != MAP_FAILED && c->ro_map != MAP_FAILED &&
		     c->none_map != MAP_FAILED && c->holey != MAP_FAILED,
		     "mmap the slots phase's backings");
	munmap(c->holey + HOLE_PAGE * PAGE, PAGE);
	find_special("[vvar]", &c->vvar, &c->vvar_size);
	find_special("[vdso]", &c->vdso, &c->vdso_size);
	while (fz_more(fz)) {
		if (!live || c->g.v.dead || rnd(fz, 600) == 0) {
			live = slots_setup(fz, c);
			if (!live)
				continue;
		}
		switch (rnd(fz, 20)) {
		case 0 ... 7:
			slots_create(fz, c);
			break;
		case 8 ... 10:
			slots_delete(fz, c);
			break;
		case 11:
			/* the memory behind a slot replaced, or gone */
			m = &c->m[3 + rnd(fz, MINIVM_MAX_MEMSLOTS - 3)];
			if (!m->used || !m->own)
				break;
			if (chance(fz, 50)) {
				munmap(m->own, m->size);
				p = mmap(m->own, m->size, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
				if (p == MAP_FAILED)
					m->own = NULL;
			} else {
				madvise(m->own, m->size, MADV_DONTNEED);
			}
			m->stale = true;
			break;
		default:
			slots_touch(fz, c);
			break;
		}
	}
	gvm_destroy(&c->g);
	printf("# slots: %u guest accesses; slowest deletion %.3f ms (a slot of 0x%llx bytes)\n",
	       c->touches, c->max_delete_ns / 1e6, (unsigned long long)c->max_delete_size);
	close(c->g.dev);
}

/* ---- phase: threads sharing a VM ---- */

/*
 * A round: one VM, three threads. The runner RUNs vCPU 0 through a loop
 * that reads and writes a 2 MiB window of slots 3-5 and OUTs; the
 * mutator deletes and recreates those slots, replaces their memory, and
 * sets vCPU 0's registers, events, MSRs and IRQ lines while it runs; the
 * closer creates, runs and closes vCPUs 1-3, maps and unmaps run areas,
 * dups and closes the VM fd and creates other VMs. Each thread has a dup
 * of the VM fd of its own (the phase closed the original), so the VM
 * dies with the last of them and of the vCPU fds.
 */
#define T_ROUND		2500	/* ioctls per round */
#define T_WINDOW_GPA	0x10000000ULL
#define T_WINDOW_SIZE	0x200000ULL

struct tctx {
	struct fz fz[3];
	pthread_t th[3];
	volatile bool stop;
	int dev;
	int vm_fd[3];		/* each thread's dup of the VM fd */
	struct vcpu_t v0;
	uint8_t *mem;		/* slots 0 and 2, as for the guest phases */
	uint8_t *win;		/* what slots 3-5 map */
	struct minivm_sregs reset;
	unsigned int rounds;
};

/* 64-bit: the loop over the window (RSI, RDI; R8 the mask, R9 the base) */
static const char threads_guest[] =
	"\x8a\x06"			/* 1: mov (%rsi), %al */
	"\x88\x07"			/* mov %al, (%rdi) */
	"\xe6\x80"			/* out %al, $0x80 */
	"\x48\x81\xc6\x00\x10\x00\x00"	/* add $0x1000, %rsi */
	"\x48\x81\xc7\x00\x10\x00\x00"	/* add $0x1000, %rdi */
	"\x4c\x21\xc6"			/* and %r8, %rsi */
	"\x4c\x21\xc7"			/* and %r8, %rdi */
	"\x4c\x09\xce"			/* or %r9, %rsi */
	"\x4c\x09\xcf"			/* or %r9, %rdi */
	"\xeb\xde";			/* jmp 1b */

static void threads_start_vcpu(struct fz *fz, struct tctx *t, struct vcpu_t *v)
{
	struct minivm_sregs s;
	struct minivm_regs r;

	mode_sregs(&t->reset, M_64, false, &s);
	fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_SREGS, (uintptr_t)&s, EXPECT_OK);
	memset(&r, 0, sizeof(r));
	r.rip = G_CODE;
	r.rsp = G_STACK;
	r.rflags = 2;
	r.r8 = T_WINDOW_SIZE - 1;
	r.r9 = T_WINDOW_GPA;
	r.rsi = T_WINDOW_GPA + (rnd(fz, T_WINDOW_SIZE) & ~(PAGE - 1));
	r.rdi = T_WINDOW_GPA + (rnd(fz, T_WINDOW_SIZE) & ~(PAGE - 1));
	fz_ioctl(fz, v->fd, FD_VCPU, MINIVM_SET_REGS, (uintptr_t)&r, EXPECT_OK);
}

/* RUN and what its exit needs; false once the VM is dead. */
static bool threads_run(struct fz *fz, struct tctx *t, struct vcpu_t *v)
{
	uint32_t reason = fz_run(fz, v, chance(fz, 2), false);

	if (reason == RUN_ERROR)
		return !(v->err == EIO);
	if (reason == MINIVM_EXIT_INTERNAL_ERROR)
		return false;
	if (reason == MINIVM_EXIT_SHUTDOWN || reason == MINIVM_EXIT_FAIL_ENTRY ||
	    reason == MINIVM_EXIT_HLT)
		threads_start_vcpu(fz, t, v);
	return true;
}

static void *threads_runner(void *arg)
{
	struct tctx *t = arg;
	struct fz *fz = &t->fz[0];
	unsigned int dead = 0;

	while (fz_more(fz) && dead < 50) {
		if (!threads_run(fz, t, &t->v0)) {
			dead++;
			t->v0.dead = true;
		}
		if (chance(fz, 5))
			fuzz_vcpu_op(fz, &t->v0, VOP_REGS | VOP_SREGS | VOP_EVENTS |
				     VOP_DEBUG | VOP_MSRS | VOP_XCRS);
	}
	t->stop = true;
	kick_done();
	return NULL;
}

static void threads_slot(struct fz *fz, struct tctx *t)
{
	struct minivm_userspace_memory_region r;
	uint64_t off = (uint64_t)rnd(fz, T_WINDOW_SIZE / PAGE) * PAGE;

	memset(&r, 0, sizeof(r));
	r.slot = 3 + rnd(fz, 3);
	r.flags = chance(fz, 20) ? MINIVM_MEM_READONLY : 0;
	r.guest_phys_addr = T_WINDOW_GPA + off;
	r.memory_size = chance(fz, 40) ? 0 : PAGE * (1 + rnd(fz, (T_WINDOW_SIZE - off) / PAGE));
	r.userspace_addr = (uintptr_t)t->win + off;
	fz_ioctl(fz, t->vm_fd[1], FD_VM, MINIVM_SET_USER_MEMORY_REGION, (uintptr_t)&r,
		 EXPECT_ANY);
}

static void *threads_mutator(void *arg)
{
	struct tctx *t = arg;
	struct fz *fz = &t->fz[1];
	struct minivm_enable_cap cap = { .cap = MINIVM_CAP_X86_USER_SPACE_MSR };
	struct minivm_irq_level irq;
	uint64_t off;

	while (fz_more(fz)) {
		switch (rnd(fz, 12)) {
		case 0 ... 2:
			threads_slot(fz, t);
			break;
		case 3:
			/* waits for the runner's RUN to return */
			threads_start_vcpu(fz, t, &t->v0);
			break;
		case 4:
			sregs_roundtrip(fz, &t->v0, t->mem, G_LOW_END);
			break;
		case 5:
			irq.irq = rnd(fz, MINIVM_IOAPIC_PINS + 2);
			irq.level = rnd(fz, 2);
			fz_ioctl(fz, t->vm_fd[1], FD_VM, MINIVM_IRQ_LINE, (uintptr_t)&irq,
				 EXPECT_ANY);
			break;
		case 6:
			fuzz_nmi(fz, &t->v0);
			break;
		case 7:
			t->v0.run->immediate_exit = 1;
			break;
		case 8:
			pthread_kill(t->th[0], SIGUSR1);
			break;
		case 9:
			fuzz_vcpu_op(fz, &t->v0, VOP_REGS | VOP_SREGS | VOP_EVENTS |
				     VOP_DEBUG | VOP_MSRS | VOP_XCRS | VOP_NMI);
			break;
		case 10:
			cap.args[0] = rnd(fz, 4);
			fz_ioctl(fz, t->vm_fd[1], FD_VM, MINIVM_ENABLE_CAP, (uintptr_t)&cap,
				 EXPECT_OK);
			break;
		default:
			/* the memory behind the window replaced or dropped */
			off = (uint64_t)rnd(fz, T_WINDOW_SIZE / PAGE) * PAGE;
			if (chance(fz, 50))
				madvise(t->win + off, PAGE, MADV_DONTNEED);
			else
				mmap(t->win + off, PAGE, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			break;
		}
	}
	kick_done();
	return NULL;
}

static void *threads_closer(void *arg)
{
	struct tctx *t = arg;
	struct fz *fz = &t->fz[2];
	struct vcpu_t vx[3];
	struct vcpu_t *v;
	unsigned int i, k;
	int fd, vm;
	void *p;

	for (i = 0; i < 3; i++)
		vx[i] = (struct vcpu_t){ .fd = -1, .id = 1 + i, .user_msr = true,
					 .irqchip = t->v0.irqchip };
	while (fz_more(fz)) {
		k = rnd(fz, 3);
		v = &vx[k];
		switch (rnd(fz, 12)) {
		case 0 ... 1:
			if (v->fd >= 0 || t->vm_fd[2] < 0)
				break;
			v->fd = fz_ioctl(fz, t->vm_fd[2], FD_VM, MINIVM_CREATE_VCPU, v->id,
					 EXPECT_ANY);
			if (v->fd < 0)
				break;
			v->run = fz_map_run(fz, v->fd);
			if (!v->run) {
				close(v->fd);
				v->fd = -1;
				break;
			}
			threads_start_vcpu(fz, t, v);
			break;
		case 2:
			/* closed, the mapping kept for a while, or not */
			if (v->fd < 0)
				break;
			close(v->fd);
			v->fd = -1;
			if (chance(fz, 50)) {
				munmap(v->run, PAGE);
				v->run = NULL;
			}
			break;
		case 3 ... 4:
			if (v->fd >= 0 && !threads_run(fz, t, v))
				v->dead = true;
			break;
		case 5:
			if (v->fd >= 0)
				fuzz_vcpu_op(fz, v, VOP_ALL & ~VOP_CPUID);
			break;
		case 6:
			if (t->vm_fd[2] < 0)
				break;
			fd = dup(t->vm_fd[2]);
			if (fd < 0)
				break;
			fuzz_check_extension(fz, fd, FD_VM);
			if (chance(fz, 10)) {
				/* the thread's own VM fd swapped for the dup */
				close(t->vm_fd[2]);
				t->vm_fd[2] = fd;
			} else {
				close(fd);
			}
			break;
		case 7:
			vm = fz_ioctl(fz, t->dev, FD_SYS, MINIVM_CREATE_VM, 0, EXPECT_ANY);
			if (vm >= 0)
				close(vm);
			break;
		case 8:
			/* another mapping of the runner's run area */
			p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, t->v0.fd, 0);
			if (p != MAP_FAILED) {
				(void)*(volatile uint32_t *)((uint8_t *)p + 8);
				munmap(p, PAGE);
			}
			break;
		case 9:
			if (v->fd >= 0)
				fuzz_mmap_run(fz, v->fd);
			break;
		case 10:
			if (chance(fz, 3) && t->vm_fd[2] >= 0) {
				/* this thread is done with the VM fd */
				close(t->vm_fd[2]);
				t->vm_fd[2] = -1;
			}
			break;
		default:
			if (v->run && v->fd < 0) {
				munmap(v->run, PAGE);
				v->run = NULL;
			}
			break;
		}
	}
	for (i = 0; i < 3; i++) {
		if (vx[i].run)
			munmap(vx[i].run, PAGE);
		if (vx[i].fd >= 0)
			close(vx[i].fd);
	}
	kick_done();
	return NULL;
}

static bool threads_round(struct fz *fz, struct tctx *t)
{
	static void *(*const fns[3])(void *) = {
		threads_runner, threads_mutator, threads_closer,
	};
	struct gvm g = { .vm = -1, .v = { .fd = -1 }, .dev = t->dev, .mem = t->mem };
	uint64_t end = fz_iteration(fz) + T_ROUND;
	unsigned int i;

	if (end > fz->budget)
		end = fz->budget;
	if (!gvm_create(fz, &g, true, false))
		goto out;
	t->mem = g.mem;
	memcpy(g.mem + G_CODE, threads_guest, sizeof(threads_guest));
	t->v0 = g.v;
	t->v0.user_msr = true;	/* the mutator may enable MSR exits */
	t->reset = g.reset;
	threads_start_vcpu(fz, t, &t->v0);
	for (i = 0; i < 3; i++) {
		t->vm_fd[i] = dup(g.vm);
		MINIVM_CHECK(t->vm_fd[i] >= 0, "dup");
	}
	/* from here the VM lives on the threads' fds */
	close(g.vm);
	g.vm = -1;
	t->stop = false;
	for (i = 0; i < 3; i++) {
		t->fz[i] = *fz;
		t->fz[i].thread = i + 1;
		t->fz[i].budget = end;
		t->fz[i].stop = &t->stop;
		t->fz[i].rng = phase_seed(fz->phase->name, i + 1) ^ ((uint64_t)t->rounds << 32);
		/* Only the runner may scribble on the run area it reads. */
		t->fz[i].runarea = i ? NULL : t->v0.run;
		arena_init(&t->fz[i].a);
		MINIVM_CHECK(!pthread_create(&t->th[i], NULL, fns[i], t), "pthread_create");
	}
	for (i = 0; i < 3; i++) {
		pthread_join(t->th[i], NULL);
		arena_free(&t->fz[i].a);
		if (t->vm_fd[i] >= 0)
			close(t->vm_fd[i]);
	}
	g.v = t->v0;
	t->rounds++;
out:
	gvm_destroy(&g);
	return fz_iteration(fz) < fz->budget;
}

static void phase_threads(struct fz *fz)
{
	struct tctx *t = calloc(1, sizeof(*t));

	MINIVM_CHECK(t, "calloc");
	t->dev = fz_open_dev(fz);
	if (t->dev < 0)
		return;
	t->win = mmap(NULL, T_WINDOW_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	MINIVM_CHECK(t->win != MAP_FAILED, "mmap");
	while (fz_more(fz) && threads_round(fz, t))
		;
	printf("# threads: %u rounds of 3 threads sharing a VM\n", t->rounds);
	close(t->dev);
}

/* ---- the phases and main ---- */

static const struct phase phases[] = {
	{ "system", 12, phase_system, "/dev/minivm ioctls, random numbers and arguments" },
	{ "vm", 14, phase_vm, "VM fd ioctls, vCPU ids, irqchip, the process rule" },
	{ "vcpu", 22, phase_vcpu, "vCPU ioctls with mutated state, run-area mmap()" },
	{ "slots", 12, phase_slots, "memory-slot layouts against api.rst's order of checks" },
	{ "threads", 10, phase_threads, "3 threads on one VM: RUN, slots/regs changes, fd churn" },
	{ "guest_real", 13, phase_guest_real, "random real-mode code and state under RUN" },
	{ "guest_pm32", 13, phase_guest_pm32,
	  "random protected-mode code (flat, PSE, PAE) under RUN" },
	{ "guest_64", 14, phase_guest_64, "random 64-bit code and state under RUN" },
};

struct config {
	uint64_t seed;
	uint64_t iterations;
	bool seed_set;
	char phases[256];
};

static void parse_u64(const char *s, uint64_t *v, const char *what)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		ksft_exit_fail_msg("%s: not a number: '%s'\n", what, s);
}

/* The kernel command line: the rig's way to reach a test (no env). */
static void config_cmdline(struct config *cf)
{
	char buf[4096], *w, *save = NULL;
	FILE *f = fopen("/proc/cmdline", "r");
	size_t n;

	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (w = strtok_r(buf, "\n ", &save); w; w = strtok_r(NULL, "\n ", &save)) {
		if (!strncmp(w, "minivm.fuzz_iterations=", 23)) {
			parse_u64(w + 23, &cf->iterations, "minivm.fuzz_iterations");
		} else if (!strncmp(w, "minivm.fuzz_seed=", 17)) {
			parse_u64(w + 17, &cf->seed, "minivm.fuzz_seed");
			cf->seed_set = true;
		} else if (!strncmp(w, "minivm.fuzz_phase=", 18)) {
			snprintf(cf->phases, sizeof(cf->phases), "%s", w + 18);
		}
	}
}

static void print_usage(void)
{
	unsigned int i;

	printf("usage: fuzz_test [--seed N] [--iterations N] [--phase NAME[,NAME...]]\n"
	       "Every ioctl call is one iteration (default %llu). Phases:\n",
	       FUZZ_DEFAULT_ITERATIONS);
	for (i = 0; i < ARRAY_SIZE(phases); i++)
		printf("  %-11s %s\n", phases[i].name, phases[i].what);
	printf("Also MINIVM_FUZZ_SEED, MINIVM_FUZZ_ITERATIONS, and on the kernel command\n"
	       "line minivm.fuzz_seed=, minivm.fuzz_iterations=, minivm.fuzz_phase=.\n");
}

static void config_parse(struct config *cf, int argc, char **argv)
{
	const char *e;
	int i;

	cf->iterations = FUZZ_DEFAULT_ITERATIONS;
	config_cmdline(cf);
	e = getenv("MINIVM_FUZZ_ITERATIONS");
	if (e)
		parse_u64(e, &cf->iterations, "MINIVM_FUZZ_ITERATIONS");
	e = getenv("MINIVM_FUZZ_SEED");
	if (e) {
		parse_u64(e, &cf->seed, "MINIVM_FUZZ_SEED");
		cf->seed_set = true;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			parse_u64(argv[++i], &cf->seed, "--seed");
			cf->seed_set = true;
		} else if (!strcmp(argv[i], "--iterations") && i + 1 < argc) {
			parse_u64(argv[++i], &cf->iterations, "--iterations");
		} else if (!strcmp(argv[i], "--phase") && i + 1 < argc) {
			snprintf(cf->phases, sizeof(cf->phases), "%s", argv[++i]);
		} else {
			print_usage();
			exit(strcmp(argv[i], "--help") ? KSFT_FAIL : KSFT_PASS);
		}
	}
	if (!cf->seed_set)
		cf->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static bool phase_selected(const struct config *cf, const char *name)
{
	char list[256], *w, *save = NULL;

	if (!cf->phases[0])
		return true;
	snprintf(list, sizeof(list), "%s", cf->phases);
	for (w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (!strcmp(w, name))
			return true;
	return false;
}

/* What every phase needs to know of /dev/minivm before it starts. */
static void learn_host(struct fz *fz)
{
	union {
		struct minivm_cpuid h;
		uint8_t raw[sizeof(struct minivm_cpuid) +
			    MINIVM_MAX_CPUID_ENTRIES * sizeof(struct minivm_cpuid_entry)];
	} c = { .h.nent = MINIVM_MAX_CPUID_ENTRIES };
	union {
		struct minivm_msr_list h;
		uint8_t raw[sizeof(struct minivm_msr_list) + sizeof(msr_list)];
	} l = { .h.nmsrs = ARRAY_SIZE(msr_list) };
	unsigned int eax, ebx, ecx, edx, bits = 36;
	int dev = fz_open_dev(fz);

	if (dev < 0)
		return;
	if (!fz_ioctl(fz, dev, FD_SYS, MINIVM_GET_SUPPORTED_CPUID, (uintptr_t)&c, EXPECT_OK))
		n_supported_cpuid = c.h.nent;
	if (!fz_ioctl(fz, dev, FD_SYS, MINIVM_GET_MSR_INDEX_LIST, (uintptr_t)&l, EXPECT_OK)) {
		n_msr_list = l.h.nmsrs;
		memcpy(msr_list, l.h.indices, n_msr_list * sizeof(uint32_t));
	}
	close(dev);
	/* api.rst 6.6: the smaller of 48 and MAXPHYADDR */
	if (__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx))
		bits = eax & 0xff;
	gpa_limit = 1ULL << (bits < 48 ? bits : 48);
}

static void run_phase(const struct phase *p, struct fz_stats *st, uint64_t budget)
{
	struct fz fz = {
		.phase = p, .st = st, .budget = budget,
		.rng = phase_seed(p->name, 0),
	};

	arena_init(&fz.a);
	learn_host(&fz);
	st->start_ns = now_ns();
	p->run(&fz);
	st->end_ns = now_ns();
	kick_done();
	arena_free(&fz.a);
	fflush(stdout);
}

static void print_stats(const struct phase *p, const struct fz_stats *st)
{
	static const int shown[] = { EINVAL, EFAULT, ENOTTY, EEXIST, ENOENT,
				     E2BIG, ENXIO, EINTR, EIO, ENOMEM };
	char buf[512];
	size_t n = 0;
	unsigned int i;
	uint64_t other;

	n += snprintf(buf + n, sizeof(buf) - n, "ok %llu", (unsigned long long)st->ok);
	other = st->calls - st->ok;
	for (i = 0; i < ARRAY_SIZE(shown); i++) {
		if (!st->errnos[shown[i]])
			continue;
		n += snprintf(buf + n, sizeof(buf) - n, ", %s %llu", errno_name(shown[i]),
			      (unsigned long long)st->errnos[shown[i]]);
		other -= st->errnos[shown[i]];
	}
	if (other)
		n += snprintf(buf + n, sizeof(buf) - n, ", other %llu",
			      (unsigned long long)other);
	printf("# %s: %llu ioctls in %.1f s (%s); %llu other syscalls, %llu state checks, %llu VMs\n",
	       p->name, (unsigned long long)st->calls,
	       (st->end_ns - st->start_ns) / 1e9, buf,
	       (unsigned long long)st->syscalls, (unsigned long long)st->checks,
	       (unsigned long long)st->vms);
	if (st->runs)
		printf("# %s: %llu RUNs: IO %llu, MMIO %llu, HLT %llu, SHUTDOWN %llu, FAIL_ENTRY %llu, INTERNAL_ERROR %llu, RDMSR %llu, WRMSR %llu, kicked %llu\n",
		       p->name, (unsigned long long)st->runs,
		       (unsigned long long)st->exits[MINIVM_EXIT_IO],
		       (unsigned long long)st->exits[MINIVM_EXIT_MMIO],
		       (unsigned long long)st->exits[MINIVM_EXIT_HLT],
		       (unsigned long long)st->exits[MINIVM_EXIT_SHUTDOWN],
		       (unsigned long long)st->exits[MINIVM_EXIT_FAIL_ENTRY],
		       (unsigned long long)st->exits[MINIVM_EXIT_INTERNAL_ERROR],
		       (unsigned long long)st->exits[MINIVM_EXIT_X86_RDMSR],
		       (unsigned long long)st->exits[MINIVM_EXIT_X86_WRMSR],
		       (unsigned long long)st->kicks);
}

/*
 * Runs one phase in a child and waits for it; a phase that makes no
 * progress for timeout_s seconds (a hang) is killed.
 */
static bool run_phase_child(const struct phase *p, struct fz_stats *st,
			    uint64_t budget, int timeout_s)
{
	uint64_t last = 0;
	int64_t last_t = now_ns();
	int status;
	pid_t pid;
	char name[96];

	fflush(stdout);
	pid = fork();
	MINIVM_CHECK(pid >= 0, "fork");
	if (!pid) {
		run_phase(p, st, budget);
		_exit(st->failures ? KSFT_FAIL : KSFT_PASS);
	}
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(50000);
		if (st->calls != last) {
			last = st->calls;
			last_t = now_ns();
		} else if (now_ns() - last_t > timeout_s * 1000000000LL) {
			printf("# FAIL seed %" PRIu64 " phase %s iteration %" PRIu64
			       ": no progress for %d s, in %s; killed\n",
			       run_seed, p->name, st->calls, timeout_s,
			       cmd_str(st->last_cmd, name, sizeof(name)));
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return false;
		}
	}
	if (WIFSIGNALED(status)) {
		printf("# FAIL seed %" PRIu64 " phase %s iteration %" PRIu64
		       ": the phase's process died of signal %d, in %s\n",
		       run_seed, p->name, st->calls, WTERMSIG(status),
		       cmd_str(st->last_cmd, name, sizeof(name)));
		return false;
	}
	print_stats(p, st);
	return WIFEXITED(status) && WEXITSTATUS(status) == KSFT_PASS && !st->failures;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = kick_handler, .sa_flags = SA_RESTART };
	unsigned int i, weights = 0, n = 0;
	struct config cf = { 0 };
	struct fz_stats *stats;
	uint64_t total = 0;
	int64_t t0;
	const char *e;
	int timeout_s = 60;

	config_parse(&cf, argc, argv);
	run_seed = cf.seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();
	printf("# fuzz_test: seed %" PRIu64 ", %" PRIu64 " iterations (every ioctl call counts as one)\n",
	       cf.seed, cf.iterations);
	printf("# replay: fuzz_test --seed %" PRIu64 " --iterations %" PRIu64 "%s%s\n",
	       cf.seed, cf.iterations, cf.phases[0] ? " --phase " : "", cf.phases);
	if (!minivm_present())
		ksft_exit_skip("%s not present (minivm.ko not loaded?)\n", MINIVM_DEV);
	for (i = 0; i < ARRAY_SIZE(phases); i++) {
		if (phase_selected(&cf, phases[i].name)) {
			weights += phases[i].weight;
			n++;
		}
	}
	if (!n)
		ksft_exit_fail_msg("no phase named '%s'\n", cf.phases);
	e = getenv("MINIVM_FUZZ_PHASE_TIMEOUT");
	if (e)
		timeout_s = atoi(e);
	sigaction(SIGUSR1, &sa, NULL);
	stats = mmap(NULL, sizeof(*stats) * ARRAY_SIZE(phases), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	MINIVM_CHECK(stats != MAP_FAILED, "mmap");
	ksft_set_plan(n);
	t0 = now_ns();
	for (i = 0; i < ARRAY_SIZE(phases); i++) {
		const struct phase *p = &phases[i];
		uint64_t budget;
		bool ok;

		if (!phase_selected(&cf, p->name))
			continue;
		budget = cf.iterations * p->weight / weights;
		if (!budget)
			budget = 1;
		ok = run_phase_child(p, &stats[i], budget, timeout_s);
		total += stats[i].calls;
		if (ok)
			ksft_test_result_pass("%s: %" PRIu64 " ioctls\n", p->name, stats[i].calls);
		else
			ksft_test_result_fail("%s: %" PRIu64 " ioctls, %" PRIu64
					      " failures (seed %" PRIu64 ")\n", p->name,
					      stats[i].calls, stats[i].failures, cf.seed);
	}
	printf("# fuzz_test: %" PRIu64 " ioctls in %.1f s, seed %" PRIu64 "\n", total,
	       (now_ns() - t0) / 1e9, cf.seed);
	if (ksft_get_fail_cnt())
		ksft_exit_fail();
	ksft_exit_pass();
}
