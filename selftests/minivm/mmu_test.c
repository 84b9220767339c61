// SPDX-License-Identifier: GPL-2.0
/*
 * minivm guest memory follows the VMM's mapping (the MMU notifier): after
 * each host-side change under a memory slot the guest's view is compared
 * with the VMM's. mmap(MAP_FIXED) over slot pages between RUNs and while
 * the guest spins in RUN, munmap (RUN fails with EFAULT, a new mapping
 * serves again), madvise(MADV_DONTNEED) (the guest reads zeros, like the
 * VMM), mremap of the slot away and back, mprotect read-only and
 * PROT_NONE (EFAULT for what the mapping no longer allows), a memfd slot
 * truncated under its shared mapping (EFAULT, no SIGBUS), fork (copy on
 * write keeps the parent and its guest sharing), and the owner's exit
 * while a grandchild's inherited files keep the VM (the notifier's
 * release unmaps everything). Documentation/api.rst 6.6 is the contract.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define PAGE		MINIVM_PAGE_SIZE
#define DATA_SLOT	1
#define DATA_GPA	VM64_MEM_SIZE	/* right above vm_create_64's slot 0 */
#define DATA_GVA	0x380000UL	/* in the scratch area */
#define DATA_PAGES	4
#define ALIAS_SLOT	2		/* a second slot on DATA's first page */
#define ALIAS_GPA	(DATA_GPA + 0x100000)
#define ALIAS_GVA	0x3f0000UL

/* The guest address of data page @i. */
#define DATA(i)		(DATA_GVA + (i) * PAGE)

/*
 * The guest: a loop that does what the host put in these globals (its
 * own copies, written with write_guest_global() before each RUN) and
 * reports with GUEST_SYNC. An access that RUN fails (EFAULT) is retried
 * by the next RUN, so after a failure the host runs the same operation
 * again, whatever the globals say.
 */
enum { OP_READ = 1, OP_WRITE, OP_WAIT_FOR };
static volatile uint64_t guest_op, guest_addr, guest_val;

static void guest_main(void)
{
	for (;;) {
		volatile uint64_t *p = (volatile uint64_t *)guest_addr;
		uint64_t val = guest_val;

		switch (guest_op) {
		case OP_READ:
			GUEST_SYNC(*p);
			break;
		case OP_WRITE:
			*p = val;
			GUEST_SYNC(val);
			break;
		case OP_WAIT_FOR:
			/* until the page holds @val; then acknowledge next to it */
			while (*p != val)
				;
			p[1] = val + 1;
			GUEST_SYNC(val);
			break;
		default:
			GUEST_ASSERT(0);
		}
	}
}

FIXTURE(mmu) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
	uint8_t *mem;		/* the data slot's memory, DATA_PAGES pages */
	size_t len;
};

FIXTURE_SETUP(mmu)
{
	unsigned int i;

	MINIVM_REQUIRE();
	self->vm = vm_create_64(&self->vcpu, guest_main);
	for (i = 0; i < DATA_PAGES; i++)
		vm_map_page(self->vm, DATA(i), DATA_GPA + i * PAGE, PTE_P | PTE_W);
	vm_map_page(self->vm, ALIAS_GVA, ALIAS_GPA, PTE_P | PTE_W);
	self->len = DATA_PAGES * PAGE;
	self->mem = minivm_alloc(self->len);
}

FIXTURE_TEARDOWN(mmu)
{
	vm_free(self->vm);
	if (self->mem)
		munmap(self->mem, self->len);
}

static void set_op(struct minivm_vm *vm, uint64_t op, uint64_t gva,
		   uint64_t val)
{
	write_guest_global(vm, guest_op, op);
	write_guest_global(vm, guest_addr, gva);
	write_guest_global(vm, guest_val, val);
}

/* One operation, which must complete: what the guest reported. */
static uint64_t guest_do(struct __test_metadata *_metadata,
			 struct minivm_vcpu *vcpu, uint64_t op, uint64_t gva,
			 uint64_t val)
{
	struct ucall uc;

	set_op(vcpu->vm, op, gva, val);
	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_SYNC);
	return uc.args[0];
}

#define GUEST_READ(gva)		guest_do(_metadata, self->vcpu, OP_READ, gva, 0)
#define GUEST_WRITE(gva, v)	guest_do(_metadata, self->vcpu, OP_WRITE, gva, v)

/* An operation whose access RUN must fail with @err (and then retry). */
#define ASSERT_GUEST_FAILS(op, gva, v, err) do {			\
	set_op(self->vm, op, gva, v);					\
	ASSERT_RUN_ERRNO(self->vcpu, err, -1);				\
} while (0)

/* RUN again after a failure: the retried access must now complete. */
static uint64_t guest_resume(struct __test_metadata *_metadata,
			     struct minivm_vcpu *vcpu)
{
	struct ucall uc;

	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_SYNC);
	return uc.args[0];
}

#define HOST(i)		(*(volatile uint64_t *)(self->mem + (i) * PAGE))

static void add_slot(struct __test_metadata *_metadata,
		     struct minivm_vm *vm, uint32_t slot, uint64_t gpa,
		     uint64_t size, void *hva)
{
	ASSERT_OK(__vm_set_memory_region(vm, slot, 0, gpa, size, hva));
}

/*
 * A new anonymous page mapped over data page 0 between two RUNs: the
 * guest reads and writes the new page, through both slots that alias it,
 * and the VMM sees the guest's store.
 */
TEST_F(mmu, map_fixed_replaces_page)
{
	add_slot(_metadata, self->vm, DATA_SLOT, DATA_GPA, self->len, self->mem);
	add_slot(_metadata, self->vm, ALIAS_SLOT, ALIAS_GPA, PAGE, self->mem);

	EXPECT_EQ(0x1111, GUEST_WRITE(DATA(0), 0x1111));
	EXPECT_EQ(0x1111, HOST(0));
	EXPECT_EQ(0x1111, GUEST_READ(ALIAS_GVA));
	EXPECT_EQ(0xa1, GUEST_WRITE(DATA(1), 0xa1));

	ASSERT_EQ(self->mem, mmap(self->mem, PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	EXPECT_EQ(0, HOST(0));
	HOST(0) = 0x2222;
	EXPECT_EQ(0x2222, GUEST_READ(DATA(0))) TH_LOG("the guest kept the old page");
	EXPECT_EQ(0x2222, GUEST_READ(ALIAS_GVA)) TH_LOG("the alias kept the old page");
	EXPECT_EQ(0x3333, GUEST_WRITE(DATA(0), 0x3333));
	EXPECT_EQ(0x3333, HOST(0)) TH_LOG("the guest wrote somewhere else");
	EXPECT_EQ(0x3333, GUEST_READ(ALIAS_GVA));
	/* The page next to it was not replaced. */
	EXPECT_EQ(0xa1, HOST(1));
	EXPECT_EQ(0xa1, GUEST_READ(DATA(1)));
}

/* ---- the same while the guest runs, on another thread ---- */

struct runner {
	struct minivm_vcpu *vcpu;
	int ret, err;
	uint64_t cmd, val;
};

static void on_usr1(int sig)
{
}

static void *run_vcpu(void *arg)
{
	struct runner *r = arg;
	struct ucall uc;

	r->ret = __vcpu_run(r->vcpu);
	r->err = r->vcpu->run_errno;
	if (!r->ret) {
		r->cmd = get_ucall(r->vcpu, &uc);
		r->val = uc.args[0];
	}
	return NULL;
}

#define MAGIC		0x600dcafe

/*
 * The guest spins in RUN reading data page 0 until it holds MAGIC; the
 * host maps a new page there with MAGIC in it. The old page's EPT entry
 * must be zapped and flushed on the CPU the guest runs on (an IPI that
 * exits it) while it runs, or it never sees MAGIC. 30 s bound it; then
 * the runner is interrupted with a signal.
 */
TEST_F_TIMEOUT(mmu, map_fixed_while_guest_runs, 90)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	struct runner r = { .vcpu = self->vcpu };
	struct timespec deadline;
	pthread_t t;
	int joined;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	add_slot(_metadata, self->vm, DATA_SLOT, DATA_GPA, self->len, self->mem);
	HOST(0) = 0x5555;
	EXPECT_EQ(0x5555, GUEST_READ(DATA(0)));

	set_op(self->vm, OP_WAIT_FOR, DATA(0), MAGIC);
	ASSERT_EQ(0, pthread_create(&t, NULL, run_vcpu, &r));
	usleep(200 * 1000);	/* let it spin on the old page */
	ASSERT_EQ(self->mem, mmap(self->mem, PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	HOST(0) = MAGIC;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 30;
	joined = pthread_timedjoin_np(t, NULL, &deadline);
	if (joined) {
		pthread_kill(t, SIGUSR1);
		pthread_join(t, NULL);
	}
	EXPECT_EQ(0, joined) TH_LOG("the guest never saw the new page (RUN: %d, %s)",
				    r.ret, errno_name(r.err));
	ASSERT_EQ(0, r.ret) TH_LOG("RUN failed: %s", errno_name(r.err));
	EXPECT_EQ(UCALL_SYNC, r.cmd);
	EXPECT_EQ(MAGIC, r.val);
	EXPECT_EQ(MAGIC + 1, *(volatile uint64_t *)(self->mem + 8))
		TH_LOG("the guest's acknowledgment is not in the VMM's page");
}

/*
 * munmap of a page the guest uses: its mapping goes at once (the
 * statistics say so), the guest's next access makes RUN fail with EFAULT
 * without killing the VM, and a new mapping at the address serves the
 * retried access.
 */
TEST_F(mmu, munmap_then_map_again)
{
	uint64_t mapped, flushes;

	add_slot(_metadata, self->vm, DATA_SLOT, DATA_GPA, self->len, self->mem);
	EXPECT_EQ(0x1111, GUEST_WRITE(DATA(0), 0x1111));
	EXPECT_EQ(0x1111, HOST(0));
	mapped = vm_stat(self->vm, "pages_mapped");
	flushes = vm_stat(self->vm, "remote_tlb_flush");

	ASSERT_EQ(0, munmap(self->mem, PAGE));
	EXPECT_EQ(mapped - 1, vm_stat(self->vm, "pages_mapped"));
	EXPECT_LT(flushes, vm_stat(self->vm, "remote_tlb_flush"));

	ASSERT_GUEST_FAILS(OP_READ, DATA(0), 0, EFAULT);
	ASSERT_RUN_ERRNO(self->vcpu, EFAULT, -1);
	EXPECT_EQ(0, vm_stat(self->vm, "dead"));

	ASSERT_EQ(self->mem, mmap(self->mem, PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	HOST(0) = 0x4444;
	EXPECT_EQ(0x4444, guest_resume(_metadata, self->vcpu));
	EXPECT_EQ(0x5555, GUEST_WRITE(DATA(0), 0x5555));
	EXPECT_EQ(0x5555, HOST(0));
}

/* MADV_DONTNEED drops private anonymous pages: both sides read zeros. */
TEST_F(mmu, madv_dontneed_reads_zero)
{
	add_slot(_metadata, self->vm, DATA_SLOT, DATA_GPA, self->len, self->mem);
	EXPECT_EQ(0x1111, GUEST_WRITE(DATA(0), 0x1111));
	EXPECT_EQ(0x2222, GUEST_WRITE(DATA(1), 0x2222));
	EXPECT_EQ(0x1111, HOST(0));
	EXPECT_EQ(0x2222, HOST(1));

	ASSERT_EQ(0, madvise(self->mem, 2 * PAGE, MADV_DONTNEED));
	EXPECT_EQ(0, HOST(0));
	EXPECT_EQ(0, HOST(1));
	EXPECT_EQ(0, GUEST_READ(DATA(0))) TH_LOG("the guest kept the dropped page");
	EXPECT_EQ(0, GUEST_READ(DATA(1))) TH_LOG("the guest kept the dropped page");

	/* and they share the new pages */
	EXPECT_EQ(0x3333, GUEST_WRITE(DATA(0), 0x3333));
	EXPECT_EQ(0x3333, HOST(0));
	HOST(1) = 0x4444;
	EXPECT_EQ(0x4444, GUEST_READ(DATA(1)));
}

/*
 * mremap moves the slot's memory away (the slot's addresses are a hole:
 * EFAULT), something else is mapped there (the guest sees it), then the
 * memory comes back (the guest sees the original page, with what the VMM
 * wrote into it while it was away).
 */
TEST_F(mmu, mremap_away_and_back)
{
	uint8_t *away;

	add_slot(_metadata, self->vm, DATA_SLOT, DATA_GPA, self->len, self->mem);
	EXPECT_EQ(0x1111, GUEST_WRITE(DATA(0), 0x1111));

	away = mmap(NULL, self->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, away);
	ASSERT_EQ(away, mremap(self->mem, self->len, self->len,
			       MREMAP_MAYMOVE | MREMAP_FIXED, away));
	EXPECT_EQ(0x1111, *(volatile uint64_t *)away);
	ASSERT_GUEST_FAILS(OP_READ, DATA(0), 0, EFAULT);

	ASSERT_EQ(self->mem, mmap(self->mem, self->len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	HOST(0) = 0x7777;
	EXPECT_EQ(0x7777, guest_resume(_metadata, self->vcpu));

	*(volatile uint64_t *)away = 0x2222;
	ASSERT_EQ(self->mem, mremap(away, self->len, self->len,
				    MREMAP_MAYMOVE | MREMAP_FIXED, self->mem));
	EXPECT_EQ(0x2222, HOST(0));
	EXPECT_EQ(0x2222, GUEST_READ(DATA(0))) TH_LOG("the guest kept the stand-in page");
	EXPECT_EQ(0x3333, GUEST_WRITE(DATA(0), 0x3333));
	EXPECT_EQ(0x3333, HOST(0));
}

/*
 * mprotect under a writable slot: read-only, the guest still reads and
 * its write makes RUN fail with EFAULT (the page unchanged) until the
 * mapping is writable again; the same for a page the guest first touches
 * while it is read-only; PROT_NONE fails reads as well.
 */
TEST_F(mmu, mprotect_read_only)
{
	add_slot(_metadata, self->vm, DATA_SLOT, DATA_GPA, self->len, self->mem);
	EXPECT_EQ(0x1111, GUEST_WRITE(DATA(0), 0x1111));
	HOST(2) = 0xa2;

	ASSERT_EQ(0, mprotect(self->mem, self->len, PROT_READ));
	EXPECT_EQ(0x1111, GUEST_READ(DATA(0)));
	ASSERT_GUEST_FAILS(OP_WRITE, DATA(0), 0x2222, EFAULT);
	ASSERT_RUN_ERRNO(self->vcpu, EFAULT, -1);
	EXPECT_EQ(0x1111, HOST(0)) TH_LOG("a write through a read-only mapping");
	EXPECT_EQ(0, vm_stat(self->vm, "dead"));

	ASSERT_EQ(0, mprotect(self->mem, self->len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0x2222, guest_resume(_metadata, self->vcpu));
	EXPECT_EQ(0x2222, HOST(0));

	/* Page 2, never touched by the guest, read-only from the start. */
	ASSERT_EQ(0, mprotect(self->mem + 2 * PAGE, PAGE, PROT_READ));
	EXPECT_EQ(0xa2, GUEST_READ(DATA(2)));
	ASSERT_GUEST_FAILS(OP_WRITE, DATA(2), 0xb2, EFAULT);
	EXPECT_EQ(0xa2, HOST(2));
	ASSERT_EQ(0, mprotect(self->mem + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0xb2, guest_resume(_metadata, self->vcpu));
	EXPECT_EQ(0xb2, HOST(2));

	/* PROT_NONE: no access at all. */
	ASSERT_EQ(0, mprotect(self->mem, PAGE, PROT_NONE));
	ASSERT_GUEST_FAILS(OP_READ, DATA(0), 0, EFAULT);
	ASSERT_EQ(0, mprotect(self->mem, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0x2222, guest_resume(_metadata, self->vcpu));
}

/* Returning would only fault again: say so and fail the test. */
static void on_sigbus(int sig)
{
	static const char msg[] = "# SIGBUS in the VMM's thread\n";

	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(99);
	_exit(99);
}

/*
 * A memfd slot (shared memory), truncated under the mapping: the pages
 * past the new end are gone for the VMM (its access would be SIGBUS) and
 * for the guest (RUN fails with EFAULT; no signal reaches the VMM's
 * thread: a SIGBUS handler would fail the test); the page still inside
 * the file is unaffected. Grown again,
 * the file has new zeroed pages that both sides share.
 */
TEST_F(mmu, memfd_truncated)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	uint64_t v;
	int fd;

	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
	fd = memfd_create("minivm-mmu", MFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, self->len));
	munmap(self->mem, self->len);
	self->mem = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	add_slot(_metadata, self->vm, DATA_SLOT, DATA_GPA, self->len, self->mem);

	EXPECT_EQ(0x1111, GUEST_WRITE(DATA(0), 0x1111));
	EXPECT_EQ(0x2222, GUEST_WRITE(DATA(2), 0x2222));
	ASSERT_EQ(sizeof(v), pread(fd, &v, sizeof(v), 2 * PAGE));
	EXPECT_EQ(0x2222, v);

	ASSERT_EQ(0, ftruncate(fd, PAGE));
	EXPECT_EQ(0x1111, GUEST_READ(DATA(0)));
	ASSERT_GUEST_FAILS(OP_READ, DATA(2), 0, EFAULT);
	ASSERT_RUN_ERRNO(self->vcpu, EFAULT, -1);
	EXPECT_EQ(0, vm_stat(self->vm, "dead"));

	ASSERT_EQ(0, ftruncate(fd, self->len));
	EXPECT_EQ(0, guest_resume(_metadata, self->vcpu))
		TH_LOG("the guest kept the truncated page");
	EXPECT_EQ(0, HOST(2));
	EXPECT_EQ(0x3333, GUEST_WRITE(DATA(2), 0x3333));
	ASSERT_EQ(sizeof(v), pread(fd, &v, sizeof(v), 2 * PAGE));
	EXPECT_EQ(0x3333, v);
	close(fd);
}

/*
 * fork() makes the slot's private pages copy-on-write in both processes.
 * The parent's guest must go on sharing with the parent: on page 0 the
 * guest writes first (its fault breaks the parent's copy-on-write), on
 * page 1 the parent does. The child keeps the pages as they were at the
 * fork and its own stores reach neither the parent nor the guest.
 */
TEST_F(mmu, fork_keeps_parent_sharing)
{
	int go[2], status;
	pid_t pid;
	char c = 0;

	add_slot(_metadata, self->vm, DATA_SLOT, DATA_GPA, self->len, self->mem);
	EXPECT_EQ(0xa0, GUEST_WRITE(DATA(0), 0xa0));
	EXPECT_EQ(0xa1, GUEST_WRITE(DATA(1), 0xa1));
	ASSERT_EQ(0, pipe(go));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		int ok;

		close(go[1]);
		ok = read(go[0], &c, 1) == 1;
		ok = ok && HOST(0) == 0xa0 && HOST(1) == 0xa1;
		HOST(0) = 0xc0;
		HOST(1) = 0xc1;
		_exit(ok ? 0 : 1);
	}
	close(go[0]);

	EXPECT_EQ(0xb0, GUEST_WRITE(DATA(0), 0xb0));
	EXPECT_EQ(0xb0, HOST(0)) TH_LOG("the guest wrote the child's copy");
	HOST(1) = 0xb1;
	EXPECT_EQ(0xb1, GUEST_READ(DATA(1))) TH_LOG("the guest reads the child's copy");

	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the child did not see the pages as they were at the fork (status 0x%x)",
		       status);
	close(go[1]);

	EXPECT_EQ(0xb0, HOST(0));
	EXPECT_EQ(0xb1, HOST(1));
	EXPECT_EQ(0xb0, GUEST_READ(DATA(0)));
	EXPECT_EQ(0xb1, GUEST_READ(DATA(1)));
	EXPECT_EQ(0xd0, GUEST_WRITE(DATA(0), 0xd0));
	EXPECT_EQ(0xd0, HOST(0));
}

/* ---- the owner's address space goes away before the VM ---- */

/* The guest writes each data page once (in a child: no harness there). */
static int touch_data_pages(struct minivm_vm *vm, struct minivm_vcpu *vcpu)
{
	struct ucall uc;
	int i;

	for (i = 0; i < DATA_PAGES; i++) {
		set_op(vm, OP_WRITE, DATA(i), i + 1);
		if (__vcpu_run(vcpu) || get_ucall(vcpu, &uc) != UCALL_SYNC)
			return -1;
	}
	return 0;
}

struct owner_report {
	uint64_t mapped_at_exit;		/* the owner's last look */
	uint64_t mapped, peak, memslots;	/* once it is gone */
};

/*
 * A child (the owner) creates the VM and lets its guest map pages; a
 * grandchild, forked by the owner, inherits the VM's files (with an
 * address space of its own). The owner maps its pages again (the fork
 * zapped them) and exits with the VM and every vCPU still there (exit_mm
 * comes before the files are closed), so the notifier's release must
 * unmap everything. Then the grandchild reads the statistics file it
 * inherited and exits: the VM is destroyed on an mm that has no users any
 * more. (A UNIX socket to pass the file would be simpler, but the rig's
 * minimal kernel has no networking.) The rig's log check catches a WARN
 * on either path.
 */
TEST(owner_exits_before_vm)
{
	struct owner_report rep = { 0 };
	int go[2], res[2], status;
	pid_t pid;
	char c = 0;

	MINIVM_REQUIRE();
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(res));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct minivm_vcpu *vcpu;
		struct minivm_vm *vm;
		uint8_t *mem;
		int i, fd;

		close(go[1]);
		close(res[0]);
		vm = vm_create_64(&vcpu, guest_main);
		mem = minivm_alloc(DATA_PAGES * PAGE);
		if (__vm_set_memory_region(vm, DATA_SLOT, 0, DATA_GPA,
					   DATA_PAGES * PAGE, mem))
			_exit(2);
		for (i = 0; i < DATA_PAGES; i++)
			vm_map_page(vm, DATA(i), DATA_GPA + i * PAGE, PTE_P | PTE_W);
		if (touch_data_pages(vm, vcpu))
			_exit(3);
		fd = ioctl(vm->fd, MINIVM_GET_STATS_FD, 0);
		if (fd < 0)
			_exit(4);
		pid = fork();
		if (pid < 0)
			_exit(5);
		if (!pid) {
			/* the grandchild: wait for the owner's end */
			if (read(go[0], &c, 1) != 1)
				_exit(6);
			rep.mapped = stats_fd_get(fd, "pages_mapped");
			rep.peak = stats_fd_get(fd, "pages_mapped_peak");
			rep.memslots = stats_fd_get(fd, "memslots");
			if (write(res[1], &rep, sizeof(rep)) != sizeof(rep))
				_exit(7);
			_exit(0);
		}
		if (touch_data_pages(vm, vcpu))
			_exit(8);
		rep.mapped_at_exit = stats_fd_get(fd, "pages_mapped");
		if (write(res[1], &rep, sizeof(rep)) != sizeof(rep))
			_exit(9);
		_exit(0);	/* everything still open */
	}
	close(go[0]);
	close(res[1]);
	ASSERT_EQ(sizeof(rep), read(res[0], &rep, sizeof(rep)));
	EXPECT_GE(rep.mapped_at_exit, DATA_PAGES);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("owner status 0x%x", status);

	/* The owner is gone, and its mm with it: the grandchild reports. */
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(sizeof(rep), read(res[0], &rep, sizeof(rep)))
		TH_LOG("no report from the grandchild");
	EXPECT_GE(rep.peak, DATA_PAGES + 1);
	EXPECT_EQ(0, rep.mapped) TH_LOG("mappings survived the owner's address space");
	EXPECT_EQ(2, rep.memslots);
	close(go[1]);
	close(res[0]);
}

TEST_HARNESS_MAIN
