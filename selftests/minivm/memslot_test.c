// SPDX-License-Identifier: GPL-2.0
/*
 * minivm memory slot tests: MINIVM_SET_USER_MEMORY_REGION's checks and
 * errors, deletion, the maximum number of slots (all used by one guest),
 * I/O (VM_IO/VM_PFNMAP) mappings, a guest touching a deleted slot, and
 * the cost of deleting a slot as wide as guest-physical space.
 */
#include <cpuid.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define PAGE		MINIVM_PAGE_SIZE
#define GPA_BASE	0x100000ULL	/* where the tests put their slots */

FIXTURE(memslot) {
	struct minivm_vm *vm;
	uint8_t *mem;		/* 16 pages of anonymous memory */
};

FIXTURE_SETUP(memslot)
{
	MINIVM_REQUIRE();
	self->vm = vm_create_barebones();
	self->mem = minivm_alloc(16 * PAGE);
}

FIXTURE_TEARDOWN(memslot)
{
	vm_free(self->vm);
	munmap(self->mem, 16 * PAGE);
}

static int set_region(FIXTURE_DATA(memslot) *self, uint32_t slot, uint64_t gpa,
		      uint64_t size, const void *hva)
{
	return __vm_set_memory_region(self->vm, slot, 0, gpa, size, hva);
}

TEST_F(memslot, valid)
{
	/* Two slots next to each other (touching, not overlapping). */
	ASSERT_OK(set_region(self, 0, GPA_BASE, 4 * PAGE, self->mem));
	ASSERT_OK(set_region(self, 1, GPA_BASE + 4 * PAGE, 4 * PAGE, self->mem + 4 * PAGE));
	/* Below the first one, at gpa 0, and the highest slot id. */
	ASSERT_OK(set_region(self, MINIVM_MAX_MEMSLOTS - 1, GPA_BASE - PAGE, PAGE,
			     self->mem + 8 * PAGE));
	ASSERT_OK(set_region(self, 2, 0, PAGE, self->mem + 9 * PAGE));
	/* High in the guest-physical space (4 GiB, above 32-bit). */
	ASSERT_OK(set_region(self, 3, 0x100000000ULL, PAGE, self->mem + 10 * PAGE));
	/* Two slots backed by the same userspace pages (aliases) are fine. */
	ASSERT_OK(set_region(self, 4, 0x200000, PAGE, self->mem + 10 * PAGE));
}

TEST_F(memslot, overlap)
{
	static const struct { int64_t start, pages; } bad[] = {
		{ 0, 4 },	/* the same range */
		{ 2, 4 },	/* overlaps the end */
		{ -2, 4 },	/* overlaps the start */
		{ 1, 1 },	/* inside */
		{ -1, 8 },	/* around */
		{ 3, 1 },	/* the last page */
		{ -8, 9 },	/* the first page */
	};
	unsigned int i;

	ASSERT_OK(set_region(self, 0, GPA_BASE, 4 * PAGE, self->mem));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_ERRNO_MSG(EEXIST,
				 set_region(self, 1, GPA_BASE + bad[i].start * PAGE,
					    bad[i].pages * PAGE, self->mem + 4 * PAGE),
				 "pages %" PRId64 "..+%" PRId64 " of a 4-page slot",
				 bad[i].start, bad[i].pages);
	/* Slot 1 is still free: adjacent ranges work on both sides. */
	ASSERT_OK(set_region(self, 1, GPA_BASE + 4 * PAGE, PAGE, self->mem + 4 * PAGE));
	ASSERT_OK(set_region(self, 2, GPA_BASE - PAGE, PAGE, self->mem + 5 * PAGE));
	/* and each of those now blocks its range too */
	EXPECT_ERRNO(EEXIST, set_region(self, 3, GPA_BASE + 4 * PAGE, PAGE, self->mem + 6 * PAGE));
	EXPECT_ERRNO(EEXIST,
		     set_region(self, 3, GPA_BASE - 2 * PAGE, 2 * PAGE, self->mem + 6 * PAGE));
}

TEST_F(memslot, same_slot_twice)
{
	ASSERT_OK(set_region(self, 5, GPA_BASE, PAGE, self->mem));
	/* The same id again: elsewhere, or exactly the same region. */
	EXPECT_ERRNO(EEXIST, set_region(self, 5, GPA_BASE + 8 * PAGE, PAGE, self->mem + PAGE));
	EXPECT_ERRNO(EEXIST, set_region(self, 5, GPA_BASE, PAGE, self->mem));
	EXPECT_ERRNO(EEXIST, set_region(self, 5, GPA_BASE, 2 * PAGE, self->mem));
}

TEST_F(memslot, unaligned)
{
	EXPECT_ERRNO_MSG(EINVAL, set_region(self, 0, GPA_BASE + 0x800, PAGE, self->mem), "gpa");
	EXPECT_ERRNO_MSG(EINVAL, set_region(self, 0, GPA_BASE + 1, PAGE, self->mem), "gpa");
	EXPECT_ERRNO_MSG(EINVAL, set_region(self, 0, GPA_BASE, PAGE + 0x800, self->mem), "size");
	EXPECT_ERRNO_MSG(EINVAL, set_region(self, 0, GPA_BASE, 1, self->mem), "size");
	EXPECT_ERRNO_MSG(EINVAL, set_region(self, 0, GPA_BASE, PAGE - 1, self->mem), "size");
	EXPECT_ERRNO_MSG(EINVAL, set_region(self, 0, GPA_BASE, PAGE, self->mem + 0x10), "uaddr");
	EXPECT_ERRNO_MSG(EINVAL, set_region(self, 0, GPA_BASE, PAGE, self->mem + 0x800), "uaddr");
	/* Nothing was created: slot 0 is free. */
	ASSERT_OK(set_region(self, 0, GPA_BASE, PAGE, self->mem));
}

TEST_F(memslot, delete)
{
	ASSERT_OK(set_region(self, 7, GPA_BASE, 2 * PAGE, self->mem));
	/* size 0 deletes (gpa and uaddr are then not looked at) */
	ASSERT_OK(set_region(self, 7, 0, 0, NULL));
	/* Deleting again, or deleting a slot that never existed: ENOENT */
	EXPECT_ERRNO(ENOENT, set_region(self, 7, 0, 0, NULL));
	EXPECT_ERRNO(ENOENT, set_region(self, 8, 0, 0, NULL));
	EXPECT_ERRNO(ENOENT, set_region(self, MINIVM_MAX_MEMSLOTS - 1, GPA_BASE, 0, self->mem));
	/* An out-of-range id is EINVAL even for a delete. */
	EXPECT_ERRNO(EINVAL, set_region(self, MINIVM_MAX_MEMSLOTS, 0, 0, NULL));
	/* The id and the range are free again, for any slot. */
	ASSERT_OK(set_region(self, 9, GPA_BASE, 2 * PAGE, self->mem));
	ASSERT_OK(set_region(self, 9, 0, 0, NULL));
	ASSERT_OK(set_region(self, 7, GPA_BASE + PAGE, 4 * PAGE, self->mem + 4 * PAGE));
}

TEST_F(memslot, flags_and_reserved)
{
	struct minivm_userspace_memory_region r = {
		.slot = 0,
		.guest_phys_addr = GPA_BASE,
		.memory_size = PAGE,
		.userspace_addr = (uintptr_t)self->mem,
	}, bad;
	unsigned int bit;

	for (bit = 0; bit < 32; bit += 7) {
		bad = r;
		bad.flags = 1U << bit;
		EXPECT_ERRNO_MSG(EINVAL, __vm_set_region(self->vm->fd, &bad), "flags bit %u", bit);
	}
	bad = r;
	bad.flags = 0x80000000;
	EXPECT_ERRNO(EINVAL, __vm_set_region(self->vm->fd, &bad));
	bad = r;
	bad.reserved[0] = 1;
	EXPECT_ERRNO(EINVAL, __vm_set_region(self->vm->fd, &bad));
	bad = r;
	bad.reserved[1] = 1ULL << 63;
	EXPECT_ERRNO(EINVAL, __vm_set_region(self->vm->fd, &bad));

	/* The same checks apply to a delete; the slot survives them. */
	ASSERT_OK(__vm_set_region(self->vm->fd, &r));
	bad = r;
	bad.memory_size = 0;
	bad.flags = 1;
	EXPECT_ERRNO(EINVAL, __vm_set_region(self->vm->fd, &bad));
	bad.flags = 0;
	bad.reserved[0] = 2;
	EXPECT_ERRNO(EINVAL, __vm_set_region(self->vm->fd, &bad));
	EXPECT_ERRNO(EEXIST, __vm_set_region(self->vm->fd, &r));
	bad.reserved[0] = 0;
	ASSERT_OK(__vm_set_region(self->vm->fd, &bad));
}

TEST_F(memslot, slot_out_of_range)
{
	EXPECT_ERRNO(EINVAL, set_region(self, MINIVM_MAX_MEMSLOTS, GPA_BASE, PAGE, self->mem));
	EXPECT_ERRNO(EINVAL, set_region(self, 1000, GPA_BASE, PAGE, self->mem));
	EXPECT_ERRNO(EINVAL, set_region(self, 0x10000, GPA_BASE, PAGE, self->mem));
	EXPECT_ERRNO(EINVAL, set_region(self, 0xffffffff, GPA_BASE, PAGE, self->mem));
	ASSERT_OK(set_region(self, MINIVM_MAX_MEMSLOTS - 1, GPA_BASE, PAGE, self->mem));
}

TEST_F(memslot, gpa_overflow)
{
	/* gpa + size wraps around */
	EXPECT_ERRNO(EINVAL, set_region(self, 0, 0xfffffffffffff000ULL, 2 * PAGE, self->mem));
	EXPECT_ERRNO(EINVAL, set_region(self, 0, 0xfffffffffffff000ULL, PAGE, self->mem));
	/* beyond 2^52, the widest guest-physical address there is */
	EXPECT_ERRNO(EINVAL, set_region(self, 0, 1ULL << 52, PAGE, self->mem));
	EXPECT_ERRNO(EINVAL, set_region(self, 0, (1ULL << 52) - PAGE, 2 * PAGE, self->mem));
	EXPECT_ERRNO(EINVAL, set_region(self, 0, 1ULL << 63, PAGE, self->mem));
	/* a size that wraps the guest-physical space from a small gpa */
	EXPECT_ERRNO(EINVAL, set_region(self, 0, GPA_BASE, 0xfffffffffff00000ULL, self->mem));
	ASSERT_OK(set_region(self, 0, GPA_BASE, PAGE, self->mem));
}

TEST_F(memslot, uaddr_overflow)
{
	/* uaddr + size wraps around */
	EXPECT_ERRNO(EINVAL, set_region(self, 0, GPA_BASE, 2 * PAGE,
					(void *)0xfffffffffffff000ULL));
	/* kernel addresses are not user addresses */
	EXPECT_ERRNO(EINVAL, set_region(self, 0, GPA_BASE, PAGE,
					(void *)0xffff888000000000ULL));
	EXPECT_ERRNO(EINVAL, set_region(self, 0, GPA_BASE, PAGE,
					(void *)0xffffffff81000000ULL));
	/* non-canonical, with 4- and with 5-level paging */
	EXPECT_ERRNO(EINVAL, set_region(self, 0, GPA_BASE, PAGE,
					(void *)0x8000000000000000ULL));
	ASSERT_OK(set_region(self, 0, GPA_BASE, PAGE, self->mem));
}

TEST_F(memslot, unmapped_uaddr)
{
	uint8_t *p = minivm_alloc(5 * PAGE);
	uint8_t *gone = minivm_alloc(2 * PAGE);

	ASSERT_EQ(0, munmap(gone, 2 * PAGE));
	/* completely unmapped */
	EXPECT_ERRNO(EFAULT, set_region(self, 0, GPA_BASE, 2 * PAGE, gone));
	/* p: mapped, hole, mapped, mapped, hole */
	ASSERT_EQ(0, munmap(p + PAGE, PAGE));
	ASSERT_EQ(0, munmap(p + 4 * PAGE, PAGE));
	EXPECT_ERRNO(EFAULT, set_region(self, 0, GPA_BASE, 4 * PAGE, p));
	EXPECT_ERRNO(EFAULT, set_region(self, 0, GPA_BASE, PAGE, p + PAGE));
	/* running off the end of a mapping */
	EXPECT_ERRNO(EFAULT, set_region(self, 0, GPA_BASE, 3 * PAGE, p + 2 * PAGE));
	/* The mapped parts on their own are fine. */
	ASSERT_OK(set_region(self, 0, GPA_BASE, PAGE, p));
	ASSERT_OK(set_region(self, 1, GPA_BASE + PAGE, 2 * PAGE, p + 2 * PAGE));
	/* (p's pages stay mapped: the VM may still hold them.) */
}

/*
 * An I/O mapping (VM_IO | VM_PFNMAP) cannot back guest memory. /dev/mem
 * at the legacy VGA/BIOS area (0xA0000-0xFFFFF) can be mmap()ed even with
 * CONFIG_STRICT_DEVMEM (x86 always allows the first MiB) and is mapped
 * with remap_pfn_range(); without /dev/mem, the vDSO's [vvar] area is
 * VM_IO | VM_PFNMAP too (arch/x86/entry/vdso/vma.c) and is in every process.
 */
static void *map_devmem(size_t len)
{
	void *p;
	int fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0xa0000);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static void *find_vvar(size_t *len)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long start, end;
	char line[512];
	void *found = NULL;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "[vvar]") && sscanf(line, "%lx-%lx", &start, &end) == 2) {
			found = (void *)start;
			*len = end - start;
			break;
		}
	}
	fclose(f);
	return found;
}

TEST_F(memslot, io_mapping)
{
	uint8_t *io = map_devmem(2 * PAGE);
	size_t vvar_len = 0;
	uint8_t *vvar = find_vvar(&vvar_len);

	if (!io && !vvar)
		SKIP(return, "no VM_IO/VM_PFNMAP mapping: mmap(/dev/mem at 0xA0000) failed (%s) and there is no [vvar]",
		     strerror(errno));
	if (io) {
		uint8_t *mixed = minivm_alloc(2 * PAGE);
		int fd;

		TH_LOG("/dev/mem mapped at %p", io);
		EXPECT_ERRNO(EINVAL, set_region(self, 0, GPA_BASE, 2 * PAGE, io));
		EXPECT_ERRNO(EINVAL, set_region(self, 0, GPA_BASE, PAGE, io + PAGE));
		/* Anonymous memory followed by an I/O page: any part counts. */
		fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
		ASSERT_GE(fd, 0);
		ASSERT_EQ((void *)(mixed + PAGE),
			  mmap(mixed + PAGE, PAGE, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_FIXED, fd, 0xa0000));
		close(fd);
		EXPECT_ERRNO(EINVAL, set_region(self, 0, GPA_BASE, 2 * PAGE, mixed));
		ASSERT_OK(set_region(self, 0, GPA_BASE, PAGE, mixed));
	} else {
		TH_LOG("no /dev/mem mapping (%s); [vvar] only", strerror(errno));
	}
	if (vvar) {
		TH_LOG("[vvar] at %p, %zu bytes", vvar, vvar_len);
		EXPECT_ERRNO(EINVAL, set_region(self, 1, GPA_BASE + 16 * PAGE, vvar_len, vvar));
		EXPECT_ERRNO(EINVAL, set_region(self, 1, GPA_BASE + 16 * PAGE, PAGE, vvar));
	}
}

/*
 * All MINIVM_MAX_MEMSLOTS slots at once, and a guest that reads from every
 * one: slot 0 holds the code (page 0), slot i (1..31) the page at gpa
 * i * 4 KiB whose first word is i. The guest adds the words up, reaching
 * page i through DS = i * 0x100 (real-mode offsets stop at 64 KiB), and
 * OUTs the sum, forever.
 */
GUEST_CODE16(sum_slots,
	     "1:	xor %ax, %ax\n\t"
	     "	mov $0x100, %bx\n\t"
	     "	mov $" __stringify(MINIVM_MAX_MEMSLOTS) " - 1, %cx\n\t"
	     "2:	mov %bx, %ds\n\t"
	     "	add 0, %ax\n\t"
	     "	add $0x100, %bx\n\t"
	     "	loop 2b\n\t"
	     "	xor %bx, %bx\n\t"
	     "	mov %bx, %ds\n\t"
	     "	mov $0x30, %dx\n\t"
	     "	out %ax, %dx\n\t"
	     "	jmp 1b\n\t");

#define SUM_SLOTS_CODE_GPA	0x800

TEST_F_TIMEOUT(memslot, max_slots, 60)
{
	struct minivm_vm *vm = self->vm;
	struct minivm_vcpu *vcpu;
	uint16_t sum = 0;
	unsigned int i;
	uint16_t *w;

	ASSERT_EQ(MINIVM_MAX_MEMSLOTS,
		  minivm_check_extension(vm->fd, MINIVM_CAP_NR_MEMSLOTS));
	vm_add_memory(vm, 0, 0, PAGE);
	vm_load_guest(vm, SUM_SLOTS_CODE_GPA, GUEST(sum_slots));
	for (i = 1; i < MINIVM_MAX_MEMSLOTS; i++) {
		w = vm_add_memory(vm, i, i * PAGE, PAGE);
		*w = i;
		sum += i;
	}
	/* No slot id left, and every id is taken. */
	EXPECT_ERRNO(EINVAL, set_region(self, MINIVM_MAX_MEMSLOTS, GPA_BASE, PAGE, self->mem));
	for (i = 0; i < MINIVM_MAX_MEMSLOTS; i++)
		EXPECT_ERRNO(EEXIST, set_region(self, i, GPA_BASE, PAGE, self->mem));

	vcpu = vm_vcpu_add(vm, 0);
	vcpu_set_real_mode_entry(vcpu, 0, SUM_SLOTS_CODE_GPA, 0);
	ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x30, 2);
	ASSERT_EQ(sum, vcpu_io_data(vcpu));

	/* Delete a slot the guest has used and add it back with new pages. */
	vm_delete_memory(vm, 5);
	w = vm_add_memory(vm, 5, 5 * PAGE, PAGE);
	*w = 105;
	ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x30, 2);
	ASSERT_EQ(sum - 5 + 105, vcpu_io_data(vcpu)) TH_LOG("stale mapping of slot 5?");

	/* Deleting and re-adding under another id works as well. */
	vm_delete_memory(vm, 31);
	ASSERT_EQ(0, vm->mem[31].used);
	w = vm_add_memory(vm, 31, 31 * PAGE, PAGE);
	*w = 1000;
	ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x30, 2);
	ASSERT_EQ(sum - 5 + 105 - 31 + 1000, vcpu_io_data(vcpu));
}

/*
 * A guest reads from slot 1 (gpa 0x10000, through ES = 0x1000), the host
 * deletes the slot, the guest reads again: that access has no memory
 * behind it: the read becomes MINIVM_EXIT_MMIO, decoded in the kernel,
 * and completes with the data userspace stores in the run area.
 */
GUEST_CODE16(read_slot1,
	     "	mov $0x1000, %ax\n\t"
	     "	mov %ax, %es\n\t"
	     "guest_read_slot1_load:\n\t"
	     "1:	mov %es:0, %eax\n\t"
	     "	out %eax, $0x30\n\t"
	     "	jmp 1b\n\t");
GUEST_LABEL(read_slot1, load);

TEST_F(memslot, delete_used_slot)
{
	struct minivm_vm *vm = self->vm;
	struct minivm_vcpu *vcpu;
	struct minivm_run *run;
	uint32_t *data;

	vm_add_memory(vm, 0, 0, GUEST_MEM_SIZE);
	vm_load_guest(vm, GUEST_CODE_GPA, GUEST(read_slot1));
	data = vm_add_memory(vm, 1, 0x10000, PAGE);
	*data = 0xabcd1234;
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_set_real_mode_entry(vcpu, 0, GUEST_CODE_GPA, GUEST_STACK_TOP);
	run = vcpu->run;

	ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x30, 4);
	ASSERT_EQ(0xabcd1234, vcpu_io_data(vcpu));
	*data = 0x5678;
	ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x30, 4);
	ASSERT_EQ(0x5678, vcpu_io_data(vcpu));

	/* Delete it (keeping the host pages mapped), then let the guest read. */
	ASSERT_OK(__vm_set_memory_region(vm, 1, 0, 0, 0, NULL));
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_MMIO);
	EXPECT_EQ(0x10000, run->mmio.phys_addr);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_EQ(0, run->mmio.is_write);
	/* Not yet executed: RIP still at the load. */
	EXPECT_EQ(GUEST_GPA(read_slot1, load), vcpu_get_rip(vcpu));
	memcpy(run->mmio.data, &(uint32_t){ 0x600dcafe }, 4);
	ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x30, 4);
	ASSERT_EQ(0x600dcafe, vcpu_io_data(vcpu));
	/* The next round reads MMIO again: the slot is really gone. */
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_MMIO);
	EXPECT_EQ(0x10000, run->mmio.phys_addr);
	munmap(data, PAGE);
	vm->mem[1].used = false;
}

/*
 * Slot memory that userspace unmaps after registering it, before the
 * guest touched it: the module cannot pin the page, RUN fails with
 * EFAULT, and the VM is not dead: with the memory mapped again the guest
 * carries on.
 */
TEST_F(memslot, unmapped_after_register)
{
	struct minivm_vm *vm = self->vm;
	struct minivm_vcpu *vcpu;
	uint32_t *data;

	vm_add_memory(vm, 0, 0, GUEST_MEM_SIZE);
	vm_load_guest(vm, GUEST_CODE_GPA, GUEST(read_slot1));
	data = vm_add_memory(vm, 1, 0x10000, PAGE);
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_set_real_mode_entry(vcpu, 0, GUEST_CODE_GPA, GUEST_STACK_TOP);

	ASSERT_EQ(0, munmap(data, PAGE));
	ASSERT_RUN_ERRNO(vcpu, EFAULT, -1);
	ASSERT_RUN_ERRNO(vcpu, EFAULT, -1);

	/* The same address mapped again: the slot is backed once more. */
	ASSERT_EQ(data, mmap(data, PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	*data = 0x600df00d;
	ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x30, 4);
	EXPECT_EQ(0x600df00d, vcpu_io_data(vcpu));
}

/* A 64-bit guest writes @lo and @hi (guest-virtual) and is done. */
static void guest_touch_two(uint64_t lo, uint64_t hi)
{
	*(volatile uint64_t *)lo = 0x1111;
	*(volatile uint64_t *)hi = 0x2222;
	GUEST_DONE();
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define SPARSE_SLOT	1
#define SPARSE_GPA	VM64_MEM_SIZE	/* right above vm_create_64's slot 0 */
#define SPARSE_LO_GVA	0x380000	/* in the scratch area */
#define SPARSE_HI_GVA	0x381000

/*
 * One slot from 64 MiB to the top of guest-physical space (the CPU's
 * physical-address width, at most 2^48 bytes: address space reserved,
 * not committed, 1 TiB under Bochs's 40 bits), the guest touches its
 * first and last page, then the slot is deleted. Deleting must cost what
 * is mapped (two pages), not the size of the range: it once walked the
 * range 64 frames at a time from the root and took over 6 s.
 */
TEST(huge_sparse_slot_delete)
{
	unsigned int eax, ebx, ecx, edx, bits;
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	uint64_t size, last;
	struct ucall uc;
	uint8_t *mem;
	double t;

	MINIVM_REQUIRE();
	ASSERT_TRUE(__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx));
	bits = eax & 0xff;
	if (bits > 48)		/* minivm's EPT has four levels */
		bits = 48;
	size = (1ULL << bits) - SPARSE_GPA;
	last = size - PAGE;
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem) TH_LOG("mmap of 2^%u - 64 MiB bytes", bits);

	vm = vm_create_64(&vcpu, guest_touch_two);
	ASSERT_OK(__vm_set_memory_region(vm, SPARSE_SLOT, 0, SPARSE_GPA, size, mem));
	vm_map_page(vm, SPARSE_LO_GVA, SPARSE_GPA, PTE_P | PTE_W);
	vm_map_page(vm, SPARSE_HI_GVA, SPARSE_GPA + last, PTE_P | PTE_W);
	vcpu_args_set(vcpu, SPARSE_LO_GVA, SPARSE_HI_GVA);
	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_DONE);
	EXPECT_EQ(0x1111, *(uint64_t *)mem);
	EXPECT_EQ(0x2222, *(uint64_t *)(mem + last));

	t = now_seconds();
	ASSERT_OK(__vm_set_memory_region(vm, SPARSE_SLOT, 0, SPARSE_GPA, 0, NULL));
	t = now_seconds() - t;
	TH_LOG("deleting a %u-bit wide slot with 2 pages mapped took %.3f s",
	       bits, t);
	EXPECT_LT(t, 0.5);
	vm_free(vm);
	munmap(mem, size);
}

TEST_HARNESS_MAIN
