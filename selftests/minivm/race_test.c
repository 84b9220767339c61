// SPDX-License-Identifier: GPL-2.0
/*
 * minivm lifecycles and races: what a VMM's crash, a confused VMM or a
 * hostile caller does to VMs while their vCPUs run.
 *
 * - sigkill_during_run: 200 processes (minivm.race_kills= on the kernel
 *   command line says otherwise) killed with SIGKILL at random points of
 *   a running VM's life (in RUN, between RUNs, in a second thread's
 *   ioctls, in a slot change), one after another; each VM must go with
 *   its process and take its module reference with it.
 * - two_threads_run_one_vcpu: two threads RUN one vCPU whose guest counts
 *   its entries; the count matches the RUNs (RUN is serialised, api.rst
 *   section 5).
 * - close_in_every_order_while_running: the vCPU fd, the VM fd and the
 *   run area go away in each of the six orders while another thread is
 *   in RUN; RUN ends on a signal, the next one gets EBADF, and nothing
 *   stays behind.
 * - slot_churn_while_running: one thread RUNs a guest that writes its
 *   slot page in a loop while another unmaps, remaps and write-protects
 *   that memory; afterwards the guest's and the VMM's views agree.
 * - vms_until_emfile: a process creates VMs until its file limit; the
 *   next CREATE_VM fails with EMFILE, and all of them go on close.
 *
 * The module's reference count (/sys/module/minivm/refcnt: one per open
 * minivm file and run-area mapping) is the witness that nothing leaked.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define PAGE		MINIVM_PAGE_SIZE

/*
 * The harness's 30 s per test is too little on the rig's debug kernel
 * (KASAN, lockdep), where 200 kills take minutes.
 */
#define RACE_TIMEOUT	600

FIXTURE(race) {
};

FIXTURE_SETUP(race)
{
}

FIXTURE_TEARDOWN(race)
{
}

static long module_refcnt(void)
{
	char buf[32] = "";
	long n = -1;
	int fd = open("/sys/module/minivm/refcnt", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			n = strtol(buf, NULL, 10);
		close(fd);
	}
	return n;
}

/*
 * A dying process's files are released before its parent can reap it,
 * but a file still in an ioctl elsewhere is released when that returns:
 * allow a moment for the count to settle.
 */
static long settled_refcnt(long want)
{
	long n = module_refcnt();
	int i;

	for (i = 0; i < 200 && n != want; i++) {
		usleep(10000);
		n = module_refcnt();
	}
	return n;
}

static void nothing(int sig)
{
	(void)sig;
}

/* SIGUSR1 ends a RUN (no SA_RESTART): the kick of api.rst 6.7. */
static void install_kick(void)
{
	struct sigaction sa = { .sa_handler = nothing };

	sigemptyset(&sa.sa_mask);
	MINIVM_CHECK(!sigaction(SIGUSR1, &sa, NULL), "sigaction");
}

/* Real-mode guests. */
GUEST_CODE16(spin,
	     "1:	jmp 1b\n\t");

/* Counts its entries: AX goes up by one before every OUT. */
GUEST_CODE16(count,
	     "	xor %ax, %ax\n\t"
	     "1:	inc %ax\n\t"
	     "	out %ax, $0x80\n\t"
	     "	jmp 1b\n\t");

/* An MMIO read from an address no slot backs, for ever. */
GUEST_CODE16(mmio,
	     "	mov $0xf000, %bx\n\t"
	     "	mov %bx, %ds\n\t"
	     "1:	mov (0x10), %ax\n\t"
	     "	jmp 1b\n\t");

/* ---- SIGKILL at random points ---- */

#define KILL_ROUNDS	200

/*
 * minivm.race_kills=N on the kernel command line (the rig's) sets the
 * number of processes sigkill_during_run kills: make check's run on the
 * slow debug kernel uses fewer.
 */
static unsigned int kill_rounds(void)
{
	char buf[4096] = "", *p;
	unsigned int n = KILL_ROUNDS;
	int fd = open("/proc/cmdline", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = 0;
		close(fd);
	}
	p = strstr(buf, "minivm.race_kills=");
	if (p)
		n = strtoul(p + strlen("minivm.race_kills="), NULL, 10);
	return n ? n : KILL_ROUNDS;
}

struct victim {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

/* The victim's second thread: state ioctls and slot changes. */
static void *victim_meddler(void *arg)
{
	struct victim *v = arg;
	struct minivm_regs regs;
	void *mem = minivm_alloc(PAGE);

	for (;;) {
		ioctl(v->vcpu->fd, MINIVM_GET_REGS, &regs);
		__vm_set_memory_region(v->vm, 5, 0, 0x100000, PAGE, mem);
		__vm_set_memory_region(v->vm, 5, 0, 0, 0, NULL);
	}
	return NULL;
}

static void victim(unsigned int round, int ready_fd)
{
	static const struct {
		const uint8_t *start, *end;
	} guests[] = { { GUEST(spin) }, { GUEST(count) }, { GUEST(mmio) } };
	unsigned int g = round % 3;
	struct victim v;
	pthread_t t;
	char c = 1;

	v.vm = vm_create_guest(guests[g].start, guests[g].end, &v.vcpu);
	if (round % 2)
		pthread_create(&t, NULL, victim_meddler, &v);
	if (write(ready_fd, &c, 1) != 1)
		_exit(2);
	for (;;)
		ioctl(v.vcpu->fd, MINIVM_RUN, 0);
}

TEST_F_TIMEOUT(race, sigkill_during_run, RACE_TIMEOUT)
{
	long before = module_refcnt();
	unsigned int round, rounds = kill_rounds(), killed = 0;
	struct timespec delay;
	int pipefd[2], status;
	pid_t pid;
	char c;

	MINIVM_REQUIRE();
	ASSERT_LE(0, before);
	srand(time(NULL));
	for (round = 0; round < rounds; round++) {
		ASSERT_EQ(0, pipe(pipefd));
		fflush(stdout);
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			close(pipefd[0]);
			victim(round, pipefd[1]);
		}
		close(pipefd[1]);
		/* the victim's VM exists; it is about to RUN, or running */
		ASSERT_EQ(1, read(pipefd[0], &c, 1));
		close(pipefd[0]);
		delay.tv_sec = 0;
		delay.tv_nsec = (rand() % 4000) * 1000L;
		nanosleep(&delay, NULL);
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("round %u: the victim ended with status 0x%x", round, status);
		killed++;
	}
	EXPECT_EQ(rounds, killed);
	EXPECT_EQ(before, settled_refcnt(before));
	TH_LOG("%u processes killed in their VM's life, module references back to %ld",
	       killed, before);
}

/* ---- two threads, one vCPU ---- */

#define RUNS_PER_THREAD	1000

struct runner {
	struct minivm_vcpu *vcpu;
	unsigned int runs, bad;
};

static void *run_counting(void *arg)
{
	struct runner *r = arg;
	unsigned int i;

	for (i = 0; i < RUNS_PER_THREAD; i++) {
		if (ioctl(r->vcpu->fd, MINIVM_RUN, 0) ||
		    r->vcpu->run->exit_reason != MINIVM_EXIT_IO)
			r->bad++;
		else
			r->runs++;
	}
	return NULL;
}

/*
 * Each RUN enters the guest once and ends at its next OUT, so after the
 * two threads' RUNs the guest's counter equals their number: no entry
 * lost, none made twice, and no two entries at once on one VMCS (which
 * would end in VMfail or worse). Which thread saw which value cannot be
 * told: both read the one run area, and api.rst section 5 means a vCPU
 * for one thread.
 */
TEST_F_TIMEOUT(race, two_threads_run_one_vcpu, RACE_TIMEOUT)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct minivm_regs regs;
	struct runner r[2];
	pthread_t t[2];
	unsigned int i, total = 0;

	MINIVM_REQUIRE();
	vm = vm_create_guest(GUEST(count), &vcpu);
	for (i = 0; i < 2; i++) {
		r[i] = (struct runner){ .vcpu = vcpu };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, run_counting, &r[i]));
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, r[i].bad);
		total += r[i].runs;
	}
	EXPECT_EQ(2 * RUNS_PER_THREAD, total);
	vcpu_get_regs(vcpu, &regs);
	EXPECT_EQ(total, regs.rax & 0xffff);
	vm_free(vm);
}

/* ---- closing everything under a running vCPU ---- */

struct closer {
	int fd;
	volatile int stop;
	volatile int last_errno;
	unsigned int intr;
};

static void *run_until_stopped(void *arg)
{
	struct closer *c = arg;

	while (!c->stop) {
		if (!ioctl(c->fd, MINIVM_RUN, 0))
			continue;
		c->last_errno = errno;
		if (errno == EINTR)
			c->intr++;
		else
			break;
	}
	/* the fd is closed by now: the next RUN must say so */
	if (ioctl(c->fd, MINIVM_RUN, 0) == 0)
		c->last_errno = 0;
	else
		c->last_errno = errno;
	return NULL;
}

TEST_F_TIMEOUT(race, close_in_every_order_while_running, RACE_TIMEOUT)
{
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	static const char *const what[] = { "vCPU fd", "VM fd", "run area" };
	long before;
	unsigned int o, k;

	MINIVM_REQUIRE();
	install_kick();
	before = module_refcnt();
	for (o = 0; o < 6; o++) {
		struct minivm_vcpu *vcpu;
		struct minivm_vm *vm;
		struct closer c = { 0 };
		pthread_t t;

		vm = vm_create_guest(GUEST(spin), &vcpu);
		/* the dup stays the thread's, until it is closed too */
		c.fd = vcpu->fd;
		ASSERT_EQ(0, pthread_create(&t, NULL, run_until_stopped, &c));
		usleep(20000);
		for (k = 0; k < 3; k++) {
			switch (orders[o][k]) {
			case 0:
				close(vcpu->fd);
				vcpu->fd = -1;
				break;
			case 1:
				close(vm->fd);
				vm->fd = -1;
				break;
			case 2:
				munmap(vcpu->run, vcpu->run_size);
				vcpu->run = NULL;
				break;
			}
			usleep(5000);
			/* still in the guest: the closes did not end RUN */
			EXPECT_EQ(0, c.last_errno)
				TH_LOG("order %u after the %s", o, what[orders[o][k]]);
		}
		c.stop = 1;
		pthread_kill(t, SIGUSR1);
		pthread_join(t, NULL);
		EXPECT_EQ(EBADF, c.last_errno) TH_LOG("order %u: the RUN after the close", o);
		vm_free(vm);
	}
	EXPECT_EQ(before, settled_refcnt(before));
}

/* ---- slot memory changing under a running guest ---- */

/* right above vm_create_64's slot 0, in its identity map */
#define DATA_GPA	VM64_MEM_SIZE
#define DATA_SLOT	1
#define CHURN_ROUNDS	200

static volatile uint64_t guest_value;

static void guest_writer(void)
{
	volatile uint64_t *p = (volatile uint64_t *)DATA_GPA;
	uint64_t n = 0;

	for (;;) {
		*p = ++n;
		if (!(n % 1024))
			GUEST_SYNC(n);
		if (guest_value)
			break;
	}
	*p = guest_value;
	GUEST_DONE();
}

struct churn {
	struct minivm_vcpu *vcpu;
	volatile int stop;
	unsigned int syncs, efaults, intr, other;
};

static void *run_writer(void *arg)
{
	struct churn *c = arg;
	struct ucall uc;

	while (!c->stop) {
		if (!ioctl(c->vcpu->fd, MINIVM_RUN, 0)) {
			if (get_ucall(c->vcpu, &uc) == UCALL_SYNC)
				c->syncs++;
			else
				c->other++;
		} else if (errno == EFAULT) {
			c->efaults++;
		} else if (errno == EINTR) {
			c->intr++;
		} else {
			c->other++;
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(race, slot_churn_while_running, RACE_TIMEOUT)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct churn c = { 0 };
	struct ucall uc = { 0 };
	pthread_t t;
	uint8_t *mem;
	unsigned int i;

	MINIVM_REQUIRE();
	install_kick();
	vm = vm_create_64(&vcpu, guest_writer);
	mem = minivm_alloc(PAGE);
	ASSERT_EQ(0, __vm_set_memory_region(vm, DATA_SLOT, 0, DATA_GPA, PAGE, mem));
	c.vcpu = vcpu;
	ASSERT_EQ(0, pthread_create(&t, NULL, run_writer, &c));
	for (i = 0; i < CHURN_ROUNDS; i++) {
		switch (i % 4) {
		case 0:	/* a fresh page in its place */
			ASSERT_NE(MAP_FAILED, mmap(mem, PAGE, PROT_READ | PROT_WRITE,
						   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
						   -1, 0));
			break;
		case 1:	/* nothing there for a moment */
			ASSERT_EQ(0, munmap(mem, PAGE));
			usleep(500);
			ASSERT_NE(MAP_FAILED, mmap(mem, PAGE, PROT_READ | PROT_WRITE,
						   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
						   -1, 0));
			break;
		case 2:	/* read-only for a moment */
			ASSERT_EQ(0, mprotect(mem, PAGE, PROT_READ));
			usleep(500);
			ASSERT_EQ(0, mprotect(mem, PAGE, PROT_READ | PROT_WRITE));
			break;
		case 3:
			ASSERT_EQ(0, madvise(mem, PAGE, MADV_DONTNEED));
			break;
		}
		usleep(200);
	}
	c.stop = 1;
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	EXPECT_EQ(0, c.other);
	TH_LOG("%u syncs, %u EFAULT, %u EINTR while the page changed %u times",
	       c.syncs, c.efaults, c.intr, CHURN_ROUNDS);

	/* The guest's last store reaches the VMM's current page. */
	write_guest_global(vm, guest_value, 0xfeedface);
	for (i = 0; i < 100; i++) {
		if (__vcpu_run(vcpu))
			continue;	/* a kick that came late */
		if (get_ucall(vcpu, &uc) == UCALL_DONE)
			break;
	}
	ASSERT_EQ(UCALL_DONE, uc.cmd);
	EXPECT_EQ(0xfeedface, *(volatile uint64_t *)mem);
	vm_free(vm);
	munmap(mem, PAGE);
}

/* ---- the file limit ---- */

TEST_F_TIMEOUT(race, vms_until_emfile, RACE_TIMEOUT)
{
	struct rlimit old, lim;
	int dev, fds[64], n = 0, i, err = 0;
	long before;

	MINIVM_REQUIRE();
	dev = minivm_open();
	before = module_refcnt();
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = count_open_fds() + 16;
	ASSERT_GT(lim.rlim_cur, 16);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	while (n < 64) {
		fds[n] = ioctl(dev, MINIVM_CREATE_VM, 0);
		if (fds[n] < 0) {
			err = errno;
			break;
		}
		n++;
	}
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(EMFILE, err);
	EXPECT_LE(10, n);
	EXPECT_EQ(before + n, module_refcnt());
	for (i = 0; i < n; i++)
		close(fds[i]);
	EXPECT_EQ(before, settled_refcnt(before));
	close(dev);
}

TEST_HARNESS_MAIN
