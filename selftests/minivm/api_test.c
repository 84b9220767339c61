// SPDX-License-Identifier: GPL-2.0
/*
 * minivm API tests: system ioctls, VM and vCPU creation and teardown in
 * every close order, register state (reset values, round trips and the
 * EINVAL cases of SET_REGS/SET_SREGS), ioctl argument checks.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "minivm_util.h"

/* 1: hlt; jmp 1b   -- every RUN ends in an HLT exit */
GUEST_CODE16(hlt_loop,
	     "1:	hlt\n\t"
	     "	jmp 1b\n\t");

TEST(api_version)
{
	int fd;

	MINIVM_REQUIRE();
	fd = minivm_open();
	EXPECT_EQ(MINIVM_API_VERSION, ioctl(fd, MINIVM_GET_API_VERSION, 0));
	EXPECT_EQ(1, MINIVM_API_VERSION);
	close(fd);
}

static const struct {
	long cap;
	long value;
} expected_caps[] = {
	{ MINIVM_CAP_USER_MEMORY, 1 },
	{ MINIVM_CAP_NR_MEMSLOTS, MINIVM_MAX_MEMSLOTS },
	{ MINIVM_CAP_MAX_VCPUS, MINIVM_MAX_VCPUS },
	{ MINIVM_CAP_UNRESTRICTED_GUEST, 1 },
	{ MINIVM_CAP_IMMEDIATE_EXIT, 1 },
	{ MINIVM_CAP_LONG_MODE, 1 },
	{ MINIVM_CAP_MMIO, 1 },
	{ MINIVM_CAP_READONLY_MEM, 1 },
	{ MINIVM_CAP_CPUID, 1 },
	{ MINIVM_CAP_MSRS, 1 },
	{ MINIVM_CAP_X86_USER_SPACE_MSR,
	  MINIVM_MSR_EXIT_UNKNOWN | MINIVM_MSR_EXIT_INVAL },
	{ MINIVM_CAP_XSAVE, 1 },
	{ MINIVM_CAP_DEBUGREGS, 1 },
	{ MINIVM_CAP_VCPU_EVENTS, 1 },
	{ MINIVM_CAP_STRING_IO, 1 },
	{ MINIVM_CAP_IRQCHIP, 1 },
	{ MINIVM_CAP_BINARY_STATS_FD, 1 },
	{ MINIVM_CAP_USER_INTERRUPT, 1 },
	{ MINIVM_CAP_SYNC_MMU, 1 },
	/* unknown capabilities */
	{ 0, 0 },
	{ 99, 0 },
	{ 1000, 0 },
	{ -1, 0 },
	{ LONG_MAX, 0 },
};

TEST(check_extension)
{
	unsigned int i;
	int fd, vm_fd;

	MINIVM_REQUIRE();
	fd = minivm_open();
	vm_fd = ioctl(fd, MINIVM_CREATE_VM, 0);
	ASSERT_GE(vm_fd, 0) TH_LOG("MINIVM_CREATE_VM: %s", errno_name(errno));

	for (i = 0; i < ARRAY_SIZE(expected_caps); i++) {
		long cap = expected_caps[i].cap;

		EXPECT_EQ(expected_caps[i].value, ioctl(fd, MINIVM_CHECK_EXTENSION, cap))
			TH_LOG("CHECK_EXTENSION(%ld) on /dev/minivm", cap);
		EXPECT_EQ(expected_caps[i].value, ioctl(vm_fd, MINIVM_CHECK_EXTENSION, cap))
			TH_LOG("CHECK_EXTENSION(%ld) on a VM fd", cap);
	}
	close(vm_fd);
	close(fd);
}

TEST(vcpu_mmap_size)
{
	long size;
	int fd;

	MINIVM_REQUIRE();
	fd = minivm_open();
	size = ioctl(fd, MINIVM_GET_VCPU_MMAP_SIZE, 0);
	ASSERT_GE(size, (long)sizeof(struct minivm_run));
	/* The spec: one page. */
	EXPECT_EQ(sysconf(_SC_PAGESIZE), size);
	close(fd);
}

TEST(create_vm_bad_arg)
{
	int fd;

	MINIVM_REQUIRE();
	fd = minivm_open();
	EXPECT_ERRNO(EINVAL, ioctl(fd, MINIVM_CREATE_VM, 1));
	EXPECT_ERRNO(EINVAL, ioctl(fd, MINIVM_CREATE_VM, 0x100));
	EXPECT_ERRNO(EINVAL, ioctl(fd, MINIVM_CREATE_VM, -1L));
	close(fd);
}

/* fd flags and anon-inode names the spec gives the VM and vCPU fds */
static void check_anon_fd(struct __test_metadata *_metadata, int fd,
			  const char *name)
{
	char path[64], link[128];
	ssize_t n;

	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC) TH_LOG("%s fd without O_CLOEXEC", name);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT_GT(n, 0);
	link[n] = '\0';
	EXPECT_STREQ(name, link);
}

TEST(create_vm_and_vcpu)
{
	struct minivm_vm *vm;
	int vcpu_fd;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	check_anon_fd(_metadata, vm->fd, "anon_inode:minivm-vm");

	vcpu_fd = __vm_create_vcpu(vm, 0);
	ASSERT_GE(vcpu_fd, 0) TH_LOG("MINIVM_CREATE_VCPU(0): %s", errno_name(errno));
	check_anon_fd(_metadata, vcpu_fd, "anon_inode:minivm-vcpu");
	close(vcpu_fd);
	vm_free(vm);
}

TEST(unknown_ioctls)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	int dev_fd;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	vcpu = vm_vcpu_add(vm, 0);
	dev_fd = vm->dev_fd;

	/* Numbers minivm does not define, on every kind of fd. */
	EXPECT_ERRNO(ENOTTY, ioctl(dev_fd, _IO(MINIVMIO, 0xff), 0));
	EXPECT_ERRNO(ENOTTY, ioctl(vm->fd, _IO(MINIVMIO, 0xff), 0));
	EXPECT_ERRNO(ENOTTY, ioctl(vcpu->fd, _IO(MINIVMIO, 0xff), 0));
	EXPECT_ERRNO(ENOTTY, ioctl(dev_fd, _IO(MINIVMIO, 0x02), 0));
	/* KVM's numbers (type 0xAE): KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_RUN */
	EXPECT_ERRNO(ENOTTY, ioctl(dev_fd, _IO(0xAE, 0x00), 0));
	EXPECT_ERRNO(ENOTTY, ioctl(dev_fd, _IO(0xAE, 0x01), 0));
	EXPECT_ERRNO(ENOTTY, ioctl(vcpu->fd, _IO(0xAE, 0x80), 0));
	/* Another fd kind's ioctl is unknown here. */
	EXPECT_ERRNO(ENOTTY, ioctl(dev_fd, MINIVM_RUN, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(dev_fd, MINIVM_CREATE_VCPU, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(vm->fd, MINIVM_RUN, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(vm->fd, MINIVM_CREATE_VM, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(vcpu->fd, MINIVM_CREATE_VCPU, 1));
	EXPECT_ERRNO(ENOTTY, ioctl(vcpu->fd, MINIVM_CREATE_VM, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(vcpu->fd, MINIVM_CHECK_EXTENSION, 1));

	/* Nothing of that broke the fds. */
	EXPECT_EQ(MINIVM_API_VERSION, ioctl(dev_fd, MINIVM_GET_API_VERSION, 0));
	EXPECT_EQ(1, ioctl(vm->fd, MINIVM_CHECK_EXTENSION, MINIVM_CAP_USER_MEMORY));
	vm_free(vm);
}

TEST(create_vcpu_ids)
{
	struct minivm_vm *vm;
	int fds[MINIVM_MAX_VCPUS];
	unsigned int i;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	ASSERT_EQ(MINIVM_MAX_VCPUS, minivm_check_extension(vm->fd, MINIVM_CAP_MAX_VCPUS));

	/* Every id 0 .. MAX-1 works, in a scattered order. */
	for (i = 0; i < MINIVM_MAX_VCPUS; i++) {
		unsigned long id = (i * 7) % MINIVM_MAX_VCPUS;

		fds[id] = __vm_create_vcpu(vm, id);
		ASSERT_GE(fds[id], 0) TH_LOG("CREATE_VCPU(%lu): %s", id, errno_name(errno));
	}
	/* Out of range */
	EXPECT_ERRNO(EINVAL, __vm_create_vcpu(vm, MINIVM_MAX_VCPUS));
	EXPECT_ERRNO(EINVAL, __vm_create_vcpu(vm, 1000));
	EXPECT_ERRNO(EINVAL, __vm_create_vcpu(vm, 1UL << 32));
	EXPECT_ERRNO(EINVAL, __vm_create_vcpu(vm, ULONG_MAX));
	/* Duplicates of live vCPUs */
	EXPECT_ERRNO(EEXIST, __vm_create_vcpu(vm, 0));
	EXPECT_ERRNO(EEXIST, __vm_create_vcpu(vm, 3));
	EXPECT_ERRNO(EEXIST, __vm_create_vcpu(vm, MINIVM_MAX_VCPUS - 1));
	/* An id is free again once its vCPU fd is closed (and not mapped). */
	ASSERT_EQ(0, close(fds[3]));
	fds[3] = __vm_create_vcpu(vm, 3);
	ASSERT_GE(fds[3], 0) TH_LOG("re-CREATE_VCPU(3): %s", errno_name(errno));
	for (i = 0; i < MINIVM_MAX_VCPUS; i++)
		close(fds[i]);
	vm_free(vm);
}

TEST(create_vcpu_duplicate_on_fresh_vm)
{
	struct minivm_vm *vm;
	int fd;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	EXPECT_ERRNO(EINVAL, __vm_create_vcpu(vm, MINIVM_MAX_VCPUS));
	fd = __vm_create_vcpu(vm, 5);
	ASSERT_GE(fd, 0);
	EXPECT_ERRNO(EEXIST, __vm_create_vcpu(vm, 5));
	close(fd);
	vm_free(vm);
}

TEST(vcpu_mmap)
{
	struct minivm_vm *vm;
	long page = sysconf(_SC_PAGESIZE);
	int fd;
	void *p;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	fd = __vm_create_vcpu(vm, 0);
	ASSERT_GE(fd, 0);

	/* Bad offsets */
	EXPECT_ERRNO(EINVAL, mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page));
	EXPECT_ERRNO(EINVAL, mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 16 * page));
	/* Longer than the run area */
	EXPECT_ERRNO(EINVAL, mmap(NULL, vm->run_size + page, PROT_READ | PROT_WRITE,
				  MAP_SHARED, fd, 0));
	EXPECT_ERRNO(EINVAL, mmap(NULL, 64 * page, PROT_READ, MAP_SHARED, fd, 0));

	/* The good one, twice: both views show the same page. */
	p = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap(run area): %s", errno_name(errno));
	{
		struct minivm_run *run = p, *run2;

		run2 = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, (void *)run2);
		run->immediate_exit = 1;
		EXPECT_EQ(1, run2->immediate_exit);
		run->immediate_exit = 0;
		munmap(run2, vm->run_size);
	}
	munmap(p, vm->run_size);
	close(fd);
	vm_free(vm);
}

/* ---- teardown in every close order ---- */

enum { DEV, VM, VCPU, NR_FDS };
static const char *const fd_names[] = { "/dev/minivm fd", "VM fd", "vCPU fd" };

FIXTURE(close_order) {
	int fd[NR_FDS];
	struct minivm_run *run;
	size_t run_size;
	void *mem;
};

FIXTURE_VARIANT(close_order) {
	int order[NR_FDS];
};

FIXTURE_VARIANT_ADD(close_order, dev_vm_vcpu) { .order = { DEV, VM, VCPU } };
FIXTURE_VARIANT_ADD(close_order, dev_vcpu_vm) { .order = { DEV, VCPU, VM } };
FIXTURE_VARIANT_ADD(close_order, vm_dev_vcpu) { .order = { VM, DEV, VCPU } };
FIXTURE_VARIANT_ADD(close_order, vm_vcpu_dev) { .order = { VM, VCPU, DEV } };
FIXTURE_VARIANT_ADD(close_order, vcpu_dev_vm) { .order = { VCPU, DEV, VM } };
FIXTURE_VARIANT_ADD(close_order, vcpu_vm_dev) { .order = { VCPU, VM, DEV } };

FIXTURE_SETUP(close_order)
{
	struct minivm_regs regs;
	struct minivm_sregs sregs;
	size_t len = guest_hlt_loop_end - guest_hlt_loop_start;

	MINIVM_REQUIRE();
	self->fd[DEV] = minivm_open();
	self->run_size = minivm_vcpu_mmap_size(self->fd[DEV]);
	self->fd[VM] = ioctl(self->fd[DEV], MINIVM_CREATE_VM, 0);
	ASSERT_GE(self->fd[VM], 0);

	self->mem = minivm_alloc(GUEST_MEM_SIZE);
	memcpy((uint8_t *)self->mem + GUEST_CODE_GPA, guest_hlt_loop_start, len);
	{
		struct minivm_userspace_memory_region r = {
			.slot = 0,
			.memory_size = GUEST_MEM_SIZE,
			.userspace_addr = (uintptr_t)self->mem,
		};
		ASSERT_OK(__vm_set_region(self->fd[VM], &r));
	}

	self->fd[VCPU] = ioctl(self->fd[VM], MINIVM_CREATE_VCPU, 0);
	ASSERT_GE(self->fd[VCPU], 0);
	self->run = mmap(NULL, self->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd[VCPU], 0);
	ASSERT_NE(MAP_FAILED, (void *)self->run);

	ASSERT_OK(ioctl(self->fd[VCPU], MINIVM_GET_SREGS, &sregs));
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	ASSERT_OK(ioctl(self->fd[VCPU], MINIVM_SET_SREGS, &sregs));
	ASSERT_OK(ioctl(self->fd[VCPU], MINIVM_GET_REGS, &regs));
	regs.rip = GUEST_CODE_GPA;
	ASSERT_OK(ioctl(self->fd[VCPU], MINIVM_SET_REGS, &regs));
}

FIXTURE_TEARDOWN(close_order)
{
	int i;

	for (i = 0; i < NR_FDS; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
	if (self->run && self->run != MAP_FAILED)
		munmap(self->run, self->run_size);
	if (self->mem)
		munmap(self->mem, GUEST_MEM_SIZE);
}

/* Every fd still open works. */
static void use_open_fds(struct __test_metadata *_metadata,
			 FIXTURE_DATA(close_order) *self, int *next_vcpu_id)
{
	struct minivm_regs regs;

	if (self->fd[DEV] >= 0) {
		EXPECT_EQ(MINIVM_API_VERSION,
			  ioctl(self->fd[DEV], MINIVM_GET_API_VERSION, 0));
		EXPECT_EQ(MINIVM_MAX_MEMSLOTS, ioctl(self->fd[DEV], MINIVM_CHECK_EXTENSION,
						     MINIVM_CAP_NR_MEMSLOTS));
	}
	if (self->fd[VM] >= 0) {
		int fd;

		EXPECT_EQ(1, ioctl(self->fd[VM], MINIVM_CHECK_EXTENSION,
				   MINIVM_CAP_USER_MEMORY));
		fd = ioctl(self->fd[VM], MINIVM_CREATE_VCPU, (*next_vcpu_id)++);
		EXPECT_GE(fd, 0) TH_LOG("CREATE_VCPU: %s", errno_name(errno));
		if (fd >= 0)
			close(fd);
	}
	if (self->fd[VCPU] >= 0) {
		EXPECT_EQ(0, ioctl(self->fd[VCPU], MINIVM_GET_REGS, &regs))
			TH_LOG("GET_REGS: %s", errno_name(errno));
		self->run->exit_reason = MINIVM_EXIT_UNKNOWN;
		ASSERT_EQ(0, ioctl(self->fd[VCPU], MINIVM_RUN, 0))
			TH_LOG("RUN: %s", errno_name(errno));
		EXPECT_EQ(MINIVM_EXIT_HLT, self->run->exit_reason)
			TH_LOG("exit %s", exit_reason_name(self->run->exit_reason));
	}
}

TEST_F(close_order, close)
{
	int next_vcpu_id = 1, i;

	use_open_fds(_metadata, self, &next_vcpu_id);
	for (i = 0; i < NR_FDS; i++) {
		int which = variant->order[i];

		ASSERT_EQ(0, close(self->fd[which])) TH_LOG("close(%s)", fd_names[which]);
		self->fd[which] = -1;
		use_open_fds(_metadata, self, &next_vcpu_id);
	}
	/* The run area outlives all fds; it is only memory now. */
	EXPECT_EQ(MINIVM_EXIT_HLT, self->run->exit_reason);
	ASSERT_EQ(0, munmap(self->run, self->run_size));
	self->run = NULL;
}

/* The run area mapping alone keeps the vCPU (and its VM) alive. */
TEST_F(close_order, unmap_last)
{
	int i;

	for (i = 0; i < NR_FDS; i++) {
		ASSERT_EQ(0, close(self->fd[variant->order[i]]));
		self->fd[variant->order[i]] = -1;
	}
	self->run->immediate_exit = 0;
	EXPECT_EQ(0, self->run->immediate_exit);
	ASSERT_EQ(0, munmap(self->run, self->run_size));
	self->run = NULL;
	/* Unmapping guest memory after the last reference is gone is fine. */
	ASSERT_EQ(0, munmap(self->mem, GUEST_MEM_SIZE));
	self->mem = NULL;
}

/* A vCPU keeps running after its VM fd and the /dev fd are gone. */
TEST(vcpu_outlives_vm_fd)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct minivm_regs regs;
	int i;

	MINIVM_REQUIRE();
	vm = vm_create_guest(GUEST(hlt_loop), &vcpu);
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	close(vm->fd);
	vm->fd = -1;
	close(vm->dev_fd);
	vm->dev_fd = -1;
	for (i = 0; i < 3; i++) {
		vcpu_get_regs(vcpu, &regs);
		EXPECT_EQ(GUEST_CODE_GPA + 1, regs.rip);
		ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	}
	vm_free(vm);
}

/* ---- many create/destroy cycles ---- */

FIXTURE(cycles) {
	int dummy;
};

FIXTURE_SETUP(cycles) { MINIVM_REQUIRE(); }
FIXTURE_TEARDOWN(cycles) {}

#define NR_CYCLES 100

TEST_F_TIMEOUT(cycles, create_run_destroy, 120)
{
	int fds_before = count_open_fds();
	int i;

	for (i = 0; i < NR_CYCLES; i++) {
		struct minivm_vcpu *vcpu, *vcpu2;
		struct minivm_vm *vm;

		vm = vm_create_guest(GUEST(hlt_loop), &vcpu);
		vcpu2 = vm_vcpu_add(vm, 1 + i % (MINIVM_MAX_VCPUS - 1));
		ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
		/* Vary the order: sometimes the vCPUs go last. */
		switch (i % 3) {
		case 0:
			vm_free(vm);
			break;
		case 1:
			close(vm->fd);
			vm->fd = -1;
			vcpu_free(vcpu2);
			vm_free(vm);
			break;
		case 2:
			close(vm->dev_fd);
			vm->dev_fd = -1;
			close(vm->fd);
			vm->fd = -1;
			ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
			vm_free(vm);
			break;
		}
	}
	EXPECT_EQ(fds_before, count_open_fds());
}

TEST_F_TIMEOUT(cycles, create_destroy_only, 120)
{
	int i;

	for (i = 0; i < 4 * NR_CYCLES; i++) {
		struct minivm_vm *vm = vm_create_barebones();

		if (i % 2)
			vm_vcpu_add(vm, i % MINIVM_MAX_VCPUS);
		if (i % 4 == 1)
			vm_add_memory(vm, i % MINIVM_MAX_MEMSLOTS, 0x100000, 0x2000);
		vm_free(vm);
	}
}

/* Many VMs alive at once, then all closed. */
TEST_F_TIMEOUT(cycles, many_vms_at_once, 60)
{
	struct minivm_vm *vms[16];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vms); i++) {
		struct minivm_vcpu *vcpu;

		vms[i] = vm_create_guest(GUEST(hlt_loop), &vcpu);
		ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	}
	for (i = 0; i < ARRAY_SIZE(vms); i++)
		vm_free(vms[i]);
}

/* ---- register state ---- */

static void check_seg(struct __test_metadata *_metadata, const char *name,
		      const struct minivm_segment *s, uint16_t sel, uint64_t base,
		      uint32_t limit, uint8_t type, uint8_t code_or_data)
{
	TH_LOG("%s: sel 0x%x base 0x%llx limit 0x%x type %u p %u dpl %u db %u s %u l %u g %u avl %u unusable %u",
	       name, s->selector, (unsigned long long)s->base, s->limit, s->type,
	       s->present, s->dpl, s->db, s->s, s->l, s->g, s->avl, s->unusable);
	EXPECT_EQ(sel, s->selector);
	EXPECT_EQ(base, s->base);
	EXPECT_EQ(limit, s->limit);
	EXPECT_EQ(type, s->type);
	EXPECT_EQ(1, s->present);
	EXPECT_EQ(0, s->dpl);
	EXPECT_EQ(0, s->db);
	EXPECT_EQ(code_or_data, s->s);
	EXPECT_EQ(0, s->l);
	EXPECT_EQ(0, s->g);
	EXPECT_EQ(0, s->unusable);
	EXPECT_EQ(0, s->padding);
}

TEST(reset_state)
{
	struct minivm_vcpu *vcpu;
	struct minivm_sregs sregs;
	struct minivm_regs regs;
	struct minivm_vm *vm;
	uint64_t reserved;
	unsigned int i;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_get_regs(vcpu, &regs);
	vcpu_get_sregs(vcpu, &sregs);

	EXPECT_EQ(0xfff0, regs.rip);
	EXPECT_EQ(0x2, regs.rflags);
	EXPECT_EQ(0, regs.rax);
	EXPECT_EQ(0, regs.rbx);
	EXPECT_EQ(0, regs.rcx);
	EXPECT_EQ(0, regs.rdx);
	EXPECT_EQ(0, regs.rsi);
	EXPECT_EQ(0, regs.rdi);
	EXPECT_EQ(0, regs.rsp);
	EXPECT_EQ(0, regs.rbp);
	EXPECT_EQ(0, regs.r8);
	EXPECT_EQ(0, regs.r9);
	EXPECT_EQ(0, regs.r10);
	EXPECT_EQ(0, regs.r11);
	EXPECT_EQ(0, regs.r12);
	EXPECT_EQ(0, regs.r13);
	EXPECT_EQ(0, regs.r14);
	EXPECT_EQ(0, regs.r15);

	/* CS: present, read/execute, accessed code segment (type 11) */
	check_seg(_metadata, "cs", &sregs.cs, 0xf000, 0xffff0000, 0xffff, 11, 1);
	check_seg(_metadata, "ds", &sregs.ds, 0, 0, 0xffff, 3, 1);
	check_seg(_metadata, "es", &sregs.es, 0, 0, 0xffff, 3, 1);
	check_seg(_metadata, "fs", &sregs.fs, 0, 0, 0xffff, 3, 1);
	check_seg(_metadata, "gs", &sregs.gs, 0, 0, 0xffff, 3, 1);
	check_seg(_metadata, "ss", &sregs.ss, 0, 0, 0xffff, 3, 1);
	/* TR: busy 32-bit TSS (VM entry accepts no other type). */
	check_seg(_metadata, "tr", &sregs.tr, 0, 0, 0xffff, 11, 0);
	/* LDTR: type 2; if usable it must be present. */
	EXPECT_EQ(0, sregs.ldt.selector);
	EXPECT_EQ(0, sregs.ldt.base);
	EXPECT_EQ(0xffff, sregs.ldt.limit);
	EXPECT_EQ(2, sregs.ldt.type);
	EXPECT_EQ(0, sregs.ldt.s);
	EXPECT_EQ(0, sregs.ldt.padding);
	if (!sregs.ldt.unusable)
		EXPECT_EQ(1, sregs.ldt.present);

	EXPECT_EQ(0, sregs.gdt.base);
	EXPECT_EQ(0xffff, sregs.gdt.limit);
	EXPECT_EQ(0, sregs.idt.base);
	EXPECT_EQ(0xffff, sregs.idt.limit);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, sregs.gdt.padding[i]);
		EXPECT_EQ(0, sregs.idt.padding[i]);
	}
	EXPECT_EQ(0x60000010, sregs.cr0);
	EXPECT_EQ(0, sregs.cr2);
	EXPECT_EQ(0, sregs.cr3);
	EXPECT_EQ(0, sregs.cr4);
	EXPECT_EQ(0, sregs.efer);
	reserved = 0;
	for (i = 0; i < ARRAY_SIZE(sregs.reserved); i++)
		reserved |= sregs.reserved[i];
	EXPECT_EQ(0, reserved) TH_LOG("reserved[] not zero");

	/* A second vCPU starts from the same state. */
	{
		struct minivm_vcpu *vcpu1 = vm_vcpu_add(vm, 1);
		struct minivm_sregs sregs1;
		struct minivm_regs regs1;

		vcpu_get_regs(vcpu1, &regs1);
		vcpu_get_sregs(vcpu1, &sregs1);
		EXPECT_EQ(0, memcmp(&regs, &regs1, sizeof(regs)));
		/* APIC at 0xfee00000, enabled; only vCPU 0 is the BSP. */
		EXPECT_EQ(0xfee00900, sregs.apic_base);
		EXPECT_EQ(0xfee00800, sregs1.apic_base);
		sregs1.apic_base = sregs.apic_base;
		EXPECT_EQ(0, memcmp(&sregs, &sregs1, sizeof(sregs)));
	}
	vm_free(vm);
}

TEST(regs_round_trip)
{
	struct minivm_regs set, get;
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	uint64_t *p = (uint64_t *)&set;
	unsigned int i;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	vcpu = vm_vcpu_add(vm, 0);

	for (i = 0; i < sizeof(set) / sizeof(uint64_t); i++)
		p[i] = (0x0101010101010101ULL * (i + 1)) ^ 0x8000000000000000ULL;
	set.rip = 0x1234;
	/* CF, PF, AF, ZF, SF, DF, OF, bit 1 */
	set.rflags = 0x2 | 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x400 | 0x800;
	vcpu_set_regs(vcpu, &set);
	vcpu_get_regs(vcpu, &get);
	EXPECT_EQ(0, memcmp(&set, &get, sizeof(set))) {
		for (i = 0; i < sizeof(set) / sizeof(uint64_t); i++)
			TH_LOG("field %u: set 0x%llx got 0x%llx", i,
			       (unsigned long long)p[i],
			       (unsigned long long)((uint64_t *)&get)[i]);
	}

	/* RFLAGS bit 1 is forced to 1. */
	set.rflags = 0;
	vcpu_set_regs(vcpu, &set);
	vcpu_get_regs(vcpu, &get);
	EXPECT_EQ(0x2, get.rflags);
	vm_free(vm);
}

TEST(set_regs_bad_rflags)
{
	static const int bad_bits[] = { 3, 5, 15, 22, 31, 32, 63 };
	struct minivm_regs regs, before, after;
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	unsigned int i;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_get_regs(vcpu, &before);

	for (i = 0; i < ARRAY_SIZE(bad_bits); i++) {
		regs = before;
		regs.rax = 0xbad;
		regs.rflags = 0x2 | (1ULL << bad_bits[i]);
		EXPECT_ERRNO_MSG(EINVAL, ioctl(vcpu->fd, MINIVM_SET_REGS, &regs),
				 "RFLAGS bit %d", bad_bits[i]);
	}
	/* A rejected SET_REGS changed nothing. */
	vcpu_get_regs(vcpu, &after);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));

	/* All defined bits at once are fine (bits 0-2, 4, 6-14, 16-21). */
	regs = before;
	regs.rflags = 0x3f7fd7;
	EXPECT_EQ(0, ioctl(vcpu->fd, MINIVM_SET_REGS, &regs))
		TH_LOG("SET_REGS(rflags 0x3f7fd7): %s", errno_name(errno));
	vcpu_get_regs(vcpu, &after);
	EXPECT_EQ(0x3f7fd7, after.rflags);
	vm_free(vm);
}

TEST(sregs_round_trip)
{
	struct minivm_sregs set, get;
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_get_sregs(vcpu, &set);

	set.cs.selector = 0x1234;
	set.cs.base = 0x12340;
	set.ds = (struct minivm_segment){
		.base = 0x100000, .limit = 0xffffffff, .selector = 0x10,
		.type = 3, .present = 1, .dpl = 0, .db = 1, .s = 1, .g = 1,
	};
	set.es.selector = 0x2000;
	set.es.base = 0x20000;
	set.es.avl = 1;
	set.fs.base = 0x7f0000001000ULL;	/* FS/GS bases are 64-bit */
	set.gs.base = 0xffff800000000000ULL;
	set.ss.selector = 0x3000;
	set.ss.base = 0x30000;
	set.ss.limit = 0xfff;
	set.tr.base = 0x5000;
	set.tr.limit = 0x67;
	set.tr.selector = 0x28;
	set.ldt.base = 0x6000;
	set.ldt.limit = 0x1f;
	set.ldt.selector = 0x30;
	set.gdt.base = 0x7000;
	set.gdt.limit = 0x3f;
	set.idt.base = 0x8000;
	set.idt.limit = 0x3ff;
	set.cr0 = 0x33;		/* PE MP ET NE */
	set.cr2 = 0xdeadb000;
	set.cr3 = 0x9000;
	set.cr4 = 0x20;		/* PAE */
	set.efer = 0x801;	/* SCE NXE */
	vcpu_set_sregs(vcpu, &set);
	vcpu_get_sregs(vcpu, &get);

#define EXPECT_FIELD_EQ(f) EXPECT_EQ(set.f, get.f) TH_LOG(#f)
	EXPECT_FIELD_EQ(cs.selector);
	EXPECT_FIELD_EQ(cs.base);
	EXPECT_FIELD_EQ(cs.limit);
	EXPECT_FIELD_EQ(cs.type);
	EXPECT_FIELD_EQ(ds.base);
	EXPECT_FIELD_EQ(ds.limit);
	EXPECT_FIELD_EQ(ds.selector);
	EXPECT_FIELD_EQ(ds.db);
	EXPECT_FIELD_EQ(ds.g);
	EXPECT_FIELD_EQ(es.selector);
	EXPECT_FIELD_EQ(es.base);
	EXPECT_FIELD_EQ(es.avl);
	EXPECT_FIELD_EQ(fs.base);
	EXPECT_FIELD_EQ(gs.base);
	EXPECT_FIELD_EQ(ss.selector);
	EXPECT_FIELD_EQ(ss.base);
	EXPECT_FIELD_EQ(ss.limit);
	EXPECT_FIELD_EQ(tr.base);
	EXPECT_FIELD_EQ(tr.limit);
	EXPECT_FIELD_EQ(tr.selector);
	EXPECT_FIELD_EQ(tr.type);
	EXPECT_FIELD_EQ(ldt.base);
	EXPECT_FIELD_EQ(ldt.limit);
	EXPECT_FIELD_EQ(ldt.selector);
	EXPECT_FIELD_EQ(gdt.base);
	EXPECT_FIELD_EQ(gdt.limit);
	EXPECT_FIELD_EQ(idt.base);
	EXPECT_FIELD_EQ(idt.limit);
	EXPECT_FIELD_EQ(cr0);
	EXPECT_FIELD_EQ(cr2);
	EXPECT_FIELD_EQ(cr3);
	EXPECT_FIELD_EQ(cr4);
	EXPECT_FIELD_EQ(efer);
#undef EXPECT_FIELD_EQ
	/* and the whole structure, padding and reserved included */
	EXPECT_EQ(0, memcmp(&set, &get, sizeof(set)));
	vm_free(vm);
}

TEST(set_sregs_einval)
{
	struct minivm_sregs good, bad, after;
	struct minivm_segment *segs[8];
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	unsigned int i;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_get_sregs(vcpu, &good);
	/* A valid SET_SREGS of the state just read works. */
	ASSERT_EQ(0, ioctl(vcpu->fd, MINIVM_SET_SREGS, &good));

#define EXPECT_SREGS_EINVAL(what, stmt) do {				\
	bad = good;							\
	stmt;								\
	EXPECT_ERRNO_MSG(EINVAL, ioctl(vcpu->fd, MINIVM_SET_SREGS, &bad), \
			 "%s", what);					\
} while (0)

	/* padding of each segment */
	segs[0] = &bad.cs; segs[1] = &bad.ds; segs[2] = &bad.es; segs[3] = &bad.fs;
	segs[4] = &bad.gs; segs[5] = &bad.ss; segs[6] = &bad.tr; segs[7] = &bad.ldt;
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		EXPECT_SREGS_EINVAL("segment padding", segs[i]->padding = 1);
	/* descriptor-table padding */
	for (i = 0; i < 3; i++) {
		EXPECT_SREGS_EINVAL("gdt padding", bad.gdt.padding[i] = 1);
		EXPECT_SREGS_EINVAL("idt padding", bad.idt.padding[i] = 0x8000);
	}
	/* reserved[] */
	for (i = 0; i < ARRAY_SIZE(bad.reserved); i++)
		EXPECT_SREGS_EINVAL("reserved", bad.reserved[i] = 1ULL << (i * 8));

	/* CR0: bits 63:32, PG without PE */
	EXPECT_SREGS_EINVAL("cr0 bit 32", bad.cr0 |= 1ULL << 32);
	EXPECT_SREGS_EINVAL("cr0 bit 63", bad.cr0 |= 1ULL << 63);
	EXPECT_SREGS_EINVAL("cr0 PG without PE", bad.cr0 = (bad.cr0 & ~1ULL) | (1ULL << 31));
	/* CR4: VMXE, undefined bits */
	EXPECT_SREGS_EINVAL("cr4 VMXE", bad.cr4 |= 1ULL << 13);
	EXPECT_SREGS_EINVAL("cr4 bit 15", bad.cr4 |= 1ULL << 15);
	EXPECT_SREGS_EINVAL("cr4 bit 32", bad.cr4 |= 1ULL << 32);
	EXPECT_SREGS_EINVAL("cr4 bit 63", bad.cr4 |= 1ULL << 63);
	/* EFER: anything but SCE(0) LME(8) LMA(10) NXE(11) */
	EXPECT_SREGS_EINVAL("efer bit 1", bad.efer |= 1ULL << 1);
	EXPECT_SREGS_EINVAL("efer bit 9", bad.efer |= 1ULL << 9);
	EXPECT_SREGS_EINVAL("efer bit 12", bad.efer |= 1ULL << 12);
	EXPECT_SREGS_EINVAL("efer bit 63", bad.efer |= 1ULL << 63);
#undef EXPECT_SREGS_EINVAL

	/* Nothing of that changed the state. */
	vcpu_get_sregs(vcpu, &after);
	EXPECT_EQ(0, memcmp(&good, &after, sizeof(good)));

	/* The allowed EFER bits are accepted (no consistency check). */
	bad = good;
	bad.efer = 0x1 | 0x100 | 0x400 | 0x800;
	EXPECT_EQ(0, ioctl(vcpu->fd, MINIVM_SET_SREGS, &bad))
		TH_LOG("efer SCE|LME|LMA|NXE: %s", errno_name(errno));
	/* PG with PE is fine. */
	bad = good;
	bad.cr0 |= 0x80000001;
	EXPECT_EQ(0, ioctl(vcpu->fd, MINIVM_SET_SREGS, &bad))
		TH_LOG("cr0 PG|PE: %s", errno_name(errno));
	vm_free(vm);
}

TEST(state_ioctls_efault)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	void *unmapped;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	vcpu = vm_vcpu_add(vm, 0);
	unmapped = minivm_alloc(MINIVM_PAGE_SIZE);
	munmap(unmapped, MINIVM_PAGE_SIZE);

	EXPECT_ERRNO(EFAULT, ioctl(vcpu->fd, MINIVM_GET_REGS, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(vcpu->fd, MINIVM_SET_REGS, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(vcpu->fd, MINIVM_GET_SREGS, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(vcpu->fd, MINIVM_SET_SREGS, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(vcpu->fd, MINIVM_GET_REGS, unmapped));
	EXPECT_ERRNO(EFAULT, ioctl(vcpu->fd, MINIVM_SET_SREGS, unmapped));
	EXPECT_ERRNO(EFAULT, ioctl(vm->fd, MINIVM_SET_USER_MEMORY_REGION, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(vm->fd, MINIVM_SET_USER_MEMORY_REGION, unmapped));
	vm_free(vm);
}

TEST(run_bad_arg)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;

	MINIVM_REQUIRE();
	vm = vm_create_guest(GUEST(hlt_loop), &vcpu);
	EXPECT_ERRNO(EINVAL, ioctl(vcpu->fd, MINIVM_RUN, 1));
	EXPECT_ERRNO(EINVAL, ioctl(vcpu->fd, MINIVM_RUN, -1L));
	/* The guest did not run: RIP is still at its first instruction. */
	EXPECT_EQ(GUEST_CODE_GPA, vcpu_get_rip(vcpu));
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	vm_free(vm);
}

/*
 * VM and vCPU ioctls from another process (here a child that inherited the
 * fds) fail with EIO; /dev/minivm itself is not tied to a process.
 */
TEST(other_process_eio)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	int status;
	pid_t pid;

	MINIVM_REQUIRE();
	vm = vm_create_guest(GUEST(hlt_loop), &vcpu);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct minivm_regs regs;
		struct minivm_sregs sregs;
		void *mem = minivm_alloc(MINIVM_PAGE_SIZE);
		int fails = 0;

#define CHILD_EXPECT_EIO(call) do {					\
	errno = 0;							\
	if ((call) != -1 || errno != EIO) {				\
		fprintf(stderr, "# child: %s: expected EIO, got %s\n",	\
			#call, errno_name(errno));			\
		fails++;						\
	}								\
} while (0)
		CHILD_EXPECT_EIO(__vm_create_vcpu(vm, 1));
		CHILD_EXPECT_EIO(__vm_set_memory_region(vm, 1, 0, 0x100000,
							MINIVM_PAGE_SIZE, mem));
		CHILD_EXPECT_EIO(ioctl(vm->fd, MINIVM_CHECK_EXTENSION, MINIVM_CAP_USER_MEMORY));
		CHILD_EXPECT_EIO(ioctl(vcpu->fd, MINIVM_RUN, 0));
		CHILD_EXPECT_EIO(ioctl(vcpu->fd, MINIVM_GET_REGS, &regs));
		CHILD_EXPECT_EIO(ioctl(vcpu->fd, MINIVM_GET_SREGS, &sregs));
		memset(&regs, 0, sizeof(regs));
		regs.rflags = 2;
		CHILD_EXPECT_EIO(ioctl(vcpu->fd, MINIVM_SET_REGS, &regs));
#undef CHILD_EXPECT_EIO
		/* The device itself answers anyone. */
		if (ioctl(vm->dev_fd, MINIVM_GET_API_VERSION, 0) != MINIVM_API_VERSION) {
			fprintf(stderr, "# child: GET_API_VERSION failed: %s\n",
				errno_name(errno));
			fails++;
		}
		_exit(fails);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("%d checks failed in the child",
						 WEXITSTATUS(status));

	/* The owner is unaffected: the SET_REGS above did not land. */
	EXPECT_EQ(GUEST_CODE_GPA, vcpu_get_rip(vcpu));
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	vm_free(vm);
}

/* read, write and mmap of the fds that have none (api.rst, section 5). */
TEST(other_syscalls)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	int fds[3], i;
	char buf[8];

	MINIVM_REQUIRE();
	vm = vm_create_guest(GUEST(hlt_loop), &vcpu);
	fds[0] = vm->dev_fd;
	fds[1] = vm->fd;
	fds[2] = vcpu->fd;
	for (i = 0; i < 3; i++) {
		EXPECT_ERRNO_MSG(EINVAL, read(fds[i], buf, sizeof(buf)), "fd %d", i);
		EXPECT_ERRNO_MSG(EINVAL, write(fds[i], buf, sizeof(buf)), "fd %d", i);
		EXPECT_EQ(0, lseek(fds[i], 0, SEEK_SET));
	}
	for (i = 0; i < 2; i++) {
		errno = 0;
		EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fds[i], 0));
		EXPECT_EQ(ENODEV, errno) TH_LOG("fd %d: %s", i, errno_name(errno));
	}
	/* None of that disturbed the vCPU. */
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	vm_free(vm);
}

TEST_HARNESS_MAIN
