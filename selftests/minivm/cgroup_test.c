// SPDX-License-Identifier: GPL-2.0
/*
 * minivm and memory cgroups: what a VM costs is charged to the memory
 * cgroup of the process that creates it, and a cgroup's limit stops a
 * guest the way it stops any other process there, not the host.
 *
 * Each test forks a worker that moves itself into a fresh cgroup v2
 * group under /sys/fs/cgroup (mounted here when init has not), does the
 * VM work there and reports through a pipe; the test, outside the group,
 * reads the group's counters and judges. The worker uses no ASSERT
 * (those belong to the test's own process): it reports, or dies.
 *
 * - kernel_memory_is_charged: 16 VMs of 16 vCPUs raise the group's
 *   memory.current by at least what their VMCS and run-area pages need,
 *   and closing them gives it back.
 * - guest_memory_is_charged: pages a guest writes are the VMM's
 *   anonymous memory, charged to its group.
 * - limit_stops_only_the_guest: a guest that writes past memory.max
 *   ends its VMM by the group's OOM killer (or a failed RUN); nothing
 *   outside the group is killed, and minivm works on for the test's own
 *   VM. The kernel's OOM report (with its call trace) is expected there:
 *   the rig's log check accepts one only when cgroup_test invoked it.
 * - oom_reaper_unmaps_guest_memory: the OOM reaper, not exit_mmap(),
 *   takes a killed VMM's guest pages, through the MMU notifier's
 *   non-blockable path (see the test).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define CG_ROOT		"/sys/fs/cgroup"
#define KIB		1024ULL
#define MIB		(1024 * KIB)

/*
 * Charges are cached per CPU (up to 64 pages each, MEMCG_CHARGE_BATCH),
 * so memory.current can lag a change by that much on each of the CPUs
 * the worker ran on.
 */
#define CHARGE_SLACK	(2 * 64 * 4 * KIB)

/* The guest writes one byte a page over [guest_from, guest_to). */
static volatile uint64_t guest_from, guest_to;

static void guest_main(void)
{
	for (;;) {
		uint64_t p;

		for (p = guest_from; p < guest_to; p += MINIVM_PAGE_SIZE)
			*(volatile uint8_t *)p = 1;
		GUEST_SYNC(guest_to);
	}
}

FIXTURE(cg) {
	char dir[64];
};

static bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s);
}

/* The value of a one-number file, or of KEY's line in a flat-keyed one. */
static uint64_t read_value(const char *dir, const char *file, const char *key)
{
	char path[128], line[128];
	uint64_t val = 0;
	bool found = false;
	size_t klen = key ? strlen(key) : 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	MINIVM_CHECK(f, "open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!key) {
			val = strtoull(line, NULL, 10);
			found = true;
			break;
		}
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			val = strtoull(line + klen + 1, NULL, 10);
			found = true;
			break;
		}
	}
	fclose(f);
	MINIVM_CHECK(found, "%s: no %s", path, key ? key : "value");
	return val;
}

static uint64_t vmstat(const char *key)
{
	return read_value("/proc", "vmstat", key);
}

FIXTURE_SETUP(cg)
{
	char controllers[256] = "";
	int fd;
	ssize_t n;

	MINIVM_REQUIRE();
	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
		SKIP(return, "no cgroup v2 at " CG_ROOT ": %s", strerror(errno));
	fd = open(CG_ROOT "/cgroup.controllers", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, controllers, sizeof(controllers) - 1);
	close(fd);
	ASSERT_LT(0, n);
	if (!strstr(controllers, "memory"))
		SKIP(return, "the kernel has no memory cgroup controller");
	ASSERT_TRUE(write_file(CG_ROOT "/cgroup.subtree_control", "+memory"));
	snprintf(self->dir, sizeof(self->dir), CG_ROOT "/minivm-cgroup-test-%d",
		 getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755)) TH_LOG("mkdir %s: %s", self->dir,
						    strerror(errno));
}

FIXTURE_TEARDOWN(cg)
{
	int i;

	if (!self->dir[0])
		return;
	/* A killed worker's exit may still be releasing the group. */
	for (i = 0; i < 100 && rmdir(self->dir) && errno == EBUSY; i++)
		usleep(10000);
}

/* What a worker reports; status is 0 or the errno that stopped it. */
struct report {
	int status;
	uint64_t before, during, after;
};

/*
 * Fork a worker that joins the group and runs @fn, and collect its
 * report. Returns the worker's wait status.
 */
static int run_worker(const char *dir, void (*fn)(const char *dir, struct report *r),
		      struct report *r)
{
	char path[128];
	int pipefd[2], status;
	pid_t pid;

	MINIVM_CHECK(!pipe(pipefd), "pipe");
	memset(r, 0, sizeof(*r));
	r->status = -1;
	fflush(stdout);
	pid = fork();
	MINIVM_CHECK(pid >= 0, "fork");
	if (!pid) {
		struct report mine = { .status = 0 };

		close(pipefd[0]);
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		if (!write_file(path, "0"))
			mine.status = errno ? errno : EIO;
		else
			fn(dir, &mine);
		if (write(pipefd[1], &mine, sizeof(mine)) != sizeof(mine))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], r, sizeof(*r)) != sizeof(*r))
		r->status = -1;		/* died before it reported */
	close(pipefd[0]);
	MINIVM_CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	return status;
}

#define NR_VMS		16

static void kernel_memory_worker(const char *dir, struct report *r)
{
	static int vcpu_fds[NR_VMS][MINIVM_MAX_VCPUS];
	struct minivm_vm *vms[NR_VMS];
	int i, id;

	r->before = read_value(dir, "memory.current", NULL);
	for (i = 0; i < NR_VMS; i++) {
		vms[i] = vm_create_barebones();
		for (id = 0; id < MINIVM_MAX_VCPUS; id++) {
			vcpu_fds[i][id] = __vm_create_vcpu(vms[i], id);
			if (vcpu_fds[i][id] < 0) {
				r->status = errno;
				return;
			}
		}
	}
	r->during = read_value(dir, "memory.current", NULL);
	for (i = 0; i < NR_VMS; i++) {
		for (id = 0; id < MINIVM_MAX_VCPUS; id++)
			close(vcpu_fds[i][id]);
		vm_free(vms[i]);
	}
	r->after = read_value(dir, "memory.current", NULL);
}

/*
 * Every vCPU has at least its VMCS and its run area, a page each, both
 * GFP_KERNEL_ACCOUNT: 256 vCPUs are 2 MiB that must show in the group,
 * and leave it when their fds and the VMs' are closed.
 */
/*
 * Run @fn in a worker in the group; memory.current must have grown by
 * @amount while it held its VM(s) and fallen by as much once it let go.
 */
static void expect_charged(struct __test_metadata *_metadata, const char *dir,
			   void (*fn)(const char *dir, struct report *r),
			   uint64_t amount, const char *what)
{
	struct report r;
	int status;

	status = run_worker(dir, fn, &r);
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	ASSERT_EQ(0, r.status) TH_LOG("worker: %s", errno_name(r.status));
	TH_LOG("memory.current: %llu before, %llu with %s, %llu after",
	       (unsigned long long)r.before, (unsigned long long)r.during, what,
	       (unsigned long long)r.after);
	EXPECT_LE(r.before + amount - CHARGE_SLACK, r.during);
	EXPECT_LE(r.after + amount - CHARGE_SLACK, r.during);
}

TEST_F(cg, kernel_memory_is_charged)
{
	expect_charged(_metadata, self->dir, kernel_memory_worker,
		       NR_VMS * MINIVM_MAX_VCPUS * 2 * MINIVM_PAGE_SIZE,
		       "256 vCPUs");
}

#define GUEST_BYTES	(16 * MIB)

/* A VM whose guest writes GUEST_BYTES from VM64_HIGH_GPA on. */
static struct minivm_vm *writer_vm(struct minivm_vcpu **vcpu)
{
	struct minivm_vm *vm = vm_create_64(vcpu, guest_main);

	write_guest_global(vm, guest_from, VM64_HIGH_GPA);
	write_guest_global(vm, guest_to, VM64_HIGH_GPA + GUEST_BYTES);
	return vm;
}

static void guest_memory_worker(const char *dir, struct report *r)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct ucall uc;

	vm = writer_vm(&vcpu);
	r->before = read_value(dir, "memory.current", NULL);
	if (__vcpu_run(vcpu)) {
		r->status = errno;
		return;
	}
	if (get_ucall(vcpu, &uc) != UCALL_SYNC) {
		r->status = EPROTO;
		return;
	}
	r->during = read_value(dir, "memory.current", NULL);
	vm_free(vm);
	r->after = read_value(dir, "memory.current", NULL);
}

/* The slot's memory is unmapped with the VM: all of it uncharged. */
TEST_F(cg, guest_memory_is_charged)
{
	expect_charged(_metadata, self->dir, guest_memory_worker, GUEST_BYTES,
		       "16 MiB the guest wrote");
}

/*
 * 4 MiB of room, then the guest writes 16 MiB: the fault that needs a
 * page the group has not got fails. RUN returns or the worker dies; it
 * must not hang, and the host must not notice.
 */
static void limit_worker(const char *dir, struct report *r)
{
	char path[128], max[32];
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct ucall uc;

	vm = writer_vm(&vcpu);
	r->before = read_value(dir, "memory.current", NULL);
	snprintf(path, sizeof(path), "%s/memory.max", dir);
	snprintf(max, sizeof(max), "%llu",
		 (unsigned long long)(r->before + 4 * MIB));
	if (!write_file(path, max)) {
		r->status = errno;
		return;
	}
	if (__vcpu_run(vcpu))
		r->status = errno;
	else
		r->status = get_ucall(vcpu, &uc) == UCALL_SYNC ? 0 : EPROTO;
	r->during = read_value(dir, "memory.current", NULL);
	vm_free(vm);
}

TEST_F(cg, limit_stops_only_the_guest)
{
	uint64_t kills_before = vmstat("oom_kill"), kills_group;
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct report r;
	struct ucall uc;
	int status;

	status = run_worker(self->dir, limit_worker, &r);
	kills_group = read_value(self->dir, "memory.events", "oom_kill");
	if (WIFSIGNALED(status)) {
		/* the group's OOM killer chose the only process there */
		EXPECT_EQ(SIGKILL, WTERMSIG(status));
		EXPECT_LE(1, kills_group);
		TH_LOG("worker killed by the group's OOM killer");
	} else {
		/* or RUN failed: the fault could not get its page */
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
		EXPECT_TRUE(r.status == ENOMEM || r.status == EFAULT)
			TH_LOG("RUN: %s (%d)", errno_name(r.status), r.status);
		TH_LOG("RUN failed with %s, %llu bytes charged", errno_name(r.status),
		       (unsigned long long)r.during);
	}
	/* No process outside the group was killed. */
	EXPECT_EQ(kills_before + kills_group, vmstat("oom_kill"));

	/* minivm serves the next VM as ever, outside the group. */
	vm = writer_vm(&vcpu);
	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(VM64_HIGH_GPA + GUEST_BYTES, uc.args[0]);
	vm_free(vm);
}

/*
 * The OOM reaper unmaps a killed process's anonymous memory while its mm
 * is still alive, and asks MMU notifiers to let go without sleeping
 * (mmu_notifier_range_blockable() false); a notifier that cannot would
 * make it give up ("unable to reap"). Normally the killed VMM's own exit
 * (exit_mmap(), which may sleep) gets there first. Here a thread of the
 * test reads a page of the worker's with process_vm_readv(), and the
 * read waits on a userfaultfd the worker registered on that page: it
 * holds the worker's mm (mm_users), so exit_mmap() cannot run until the
 * test lets the read go. The worker then runs over its group's limit and
 * is OOM-killed; its VM lives on through a statistics fd the test took
 * (pidfd_getfd()), and its pages_mapped must fall to zero while the read
 * still waits: the reaper's non-blockable invalidation reached minivm's
 * EPT.
 */
struct reaper_info {
	int status;
	int stats_fd, uffd;
	uint64_t bait;
	uint64_t mapped;
};

static void reaper_worker(const char *dir, int report_fd, int go_fd)
{
	struct reaper_info info = { .status = 0 };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_api api = { .api = UFFD_API };
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	char path[128], max[32], go;
	struct ucall uc;
	uint8_t *hog;
	size_t i;
	void *bait;

	vm = writer_vm(&vcpu);
	if (__vcpu_run(vcpu) || get_ucall(vcpu, &uc) != UCALL_SYNC) {
		info.status = errno ? errno : EPROTO;
		goto report;
	}
	info.stats_fd = ioctl(vm->fd, MINIVM_GET_STATS_FD, 0);
	info.uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	bait = mmap(NULL, MINIVM_PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)bait;
	reg.range.len = MINIVM_PAGE_SIZE;
	if (info.stats_fd < 0 || info.uffd < 0 || bait == MAP_FAILED ||
	    ioctl(info.uffd, UFFDIO_API, &api) ||
	    ioctl(info.uffd, UFFDIO_REGISTER, &reg)) {
		info.status = errno;
		goto report;
	}
	info.bait = (uintptr_t)bait;
	info.mapped = stats_fd_get(info.stats_fd, "pages_mapped");
report:
	if (write(report_fd, &info, sizeof(info)) != sizeof(info) ||
	    info.status)
		_exit(2);
	if (read(go_fd, &go, 1) != 1)
		_exit(2);
	/* 4 MiB of room, then 64 MiB of the worker's own: the OOM killer. */
	snprintf(path, sizeof(path), "%s/memory.max", dir);
	snprintf(max, sizeof(max), "%llu", (unsigned long long)
		 (read_value(dir, "memory.current", NULL) + 4 * MIB));
	if (!write_file(path, max))
		_exit(2);
	hog = minivm_alloc(64 * MIB);
	for (i = 0; i < 64 * MIB; i += MINIVM_PAGE_SIZE)
		hog[i] = 1;
	_exit(3);	/* not killed */
}

struct remote_read {
	pid_t pid;
	uint64_t addr;
	ssize_t ret;
	volatile bool done;
};

static void *remote_read_thread(void *arg)
{
	struct remote_read *rr = arg;
	char buf[64];
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { (void *)(uintptr_t)rr->addr, sizeof(buf) };

	rr->ret = process_vm_readv(rr->pid, &local, 1, &remote, 1, 0);
	rr->done = true;
	return NULL;
}

TEST_F(cg, oom_reaper_unmaps_guest_memory)
{
	struct remote_read rr = { 0 };
	struct reaper_info info;
	uint64_t mapped = ~0ULL;
	int report[2], go[2], status, pidfd, stats_fd, uffd, i;
	struct pollfd pfd;
	pthread_t thread;
	char path[128];
	pid_t pid;

	ASSERT_EQ(0, pipe(report));
	ASSERT_EQ(0, pipe(go));
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(report[0]);
		close(go[1]);
		snprintf(path, sizeof(path), "%s/cgroup.procs", self->dir);
		if (!write_file(path, "0"))
			_exit(2);
		reaper_worker(self->dir, report[1], go[0]);
	}
	close(report[1]);
	close(go[0]);
	info.status = -1;
	if (read(report[0], &info, sizeof(info)) != sizeof(info))
		info.status = -1;
	if (info.status) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ASSERT_EQ(0, info.status) TH_LOG("worker: %s",
						 errno_name(info.status));
	}
	/* 16 MiB the guest wrote, less what the cgroup reclaimed since */
	TH_LOG("the worker's VM maps %llu pages", (unsigned long long)info.mapped);
	ASSERT_LE(GUEST_BYTES / MINIVM_PAGE_SIZE / 2, info.mapped);

	pidfd = syscall(__NR_pidfd_open, pid, 0);
	ASSERT_LE(0, pidfd);
	stats_fd = syscall(__NR_pidfd_getfd, pidfd, info.stats_fd, 0);
	uffd = syscall(__NR_pidfd_getfd, pidfd, info.uffd, 0);
	ASSERT_LE(0, stats_fd);
	ASSERT_LE(0, uffd);

	/* The read waits once its fault is on the userfaultfd. */
	rr.pid = pid;
	rr.addr = info.bait;
	ASSERT_EQ(0, pthread_create(&thread, NULL, remote_read_thread, &rr));
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 30000)) TH_LOG("no fault on the userfaultfd");
	ASSERT_FALSE(rr.done);

	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("worker status %#x, not killed", status);

	/* The reaper waits 2 s (OOM_REAPER_DELAY) before it starts. */
	for (i = 0; i < 300; i++) {
		mapped = stats_fd_get(stats_fd, "pages_mapped");
		if (!mapped)
			break;
		usleep(100000);
	}
	EXPECT_EQ(0, mapped) TH_LOG("the reaper left guest pages mapped");
	EXPECT_FALSE(rr.done) TH_LOG("the read ended early: exit_mmap() may have run");

	/* Let the read go: it fails (a reaped mm) or reads a fresh page. */
	close(uffd);
	pthread_join(thread, NULL);
	TH_LOG("the remote read returned %zd", rr.ret);
	close(stats_fd);
	close(pidfd);
	close(report[0]);
	close(go[1]);
}

TEST_HARNESS_MAIN
