// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own page moves under guest memory: migration (soft
 * offline), KSM merging, a transparent huge page collapse
 * (MADV_COLLAPSE) and swap-out (MADV_PAGEOUT). None is asked for by the
 * VMM's mapping; each replaces the physical page behind a guest frame
 * the guest has mapped, and goes through the MMU notifier like the
 * changes mmu_test makes. Each test moves pages the guest has used,
 * proves from /proc/self/pagemap that they moved, that the notifier
 * unmapped them (the VM's pages_mapped statistic), and then that the
 * guest and the VMM see the same page: the guest reads what was there
 * and what the VMM wrote after the move, and the VMM sees the guest's
 * stores. A guest left on the old page reads the same bytes (the kernel
 * copied them), but its stores never reach the VMM.
 *
 * Needs root (page frame numbers in pagemap, soft offline, KSM's and
 * swap's controls). Soft offline retires the four frames it moves from
 * (HardwareCorrupted in /proc/meminfo grows by 16 KiB a run). The rig
 * gives the test a RAM disk to swap to in MINIVM_TEST_SWAP_DEV;
 * elsewhere the test uses swap that is already on, and skips what the
 * host cannot do.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <time.h>

#include <linux/fs.h>		/* BLKGETSIZE64 */

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define PAGE		MINIVM_PAGE_SIZE
#define HPAGE		(2UL << 20)
#define HPAGE_PAGES	(HPAGE / PAGE)
#define DATA_SLOT	1
/* Above vm_create_64's slot 0, 2 MiB aligned, in its 1 GiB identity map. */
#define DATA_GPA	(128UL << 20)

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif

#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_SWAPPED	(1ULL << 62)
#define PM_PRESENT	(1ULL << 63)

/*
 * The guest: reads the first word of the page the host names and stores
 * the host's value in the second, then reports what it read.
 */
static volatile uint64_t guest_gpa, guest_val;

static void guest_main(void)
{
	for (;;) {
		volatile uint64_t *p = (volatile uint64_t *)guest_gpa;
		uint64_t seen = p[0];

		p[1] = guest_val;
		GUEST_SYNC(seen);
	}
}

FIXTURE(page_move) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
	uint8_t *map;		/* what was mmap()ed, to munmap */
	size_t map_len;
	uint8_t *mem;		/* the data slot's memory */
	size_t pages;
	int pagemap;
	const char *swap_dev;	/* swapped on by the test: swapoff() it */
};

FIXTURE_SETUP(page_move)
{
	MINIVM_REQUIRE();
	if (geteuid())
		SKIP(return, "needs root: page frame numbers, soft offline, KSM, swap");
	self->pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_LE(0, self->pagemap);
	self->vm = vm_create_64(&self->vcpu, guest_main);
}

FIXTURE_TEARDOWN(page_move)
{
	if (self->vm)
		vm_free(self->vm);
	if (self->map)
		munmap(self->map, self->map_len);
	if (self->pagemap > 0)
		close(self->pagemap);
	if (self->swap_dev && swapoff(self->swap_dev))
		TH_LOG("swapoff(%s): %s", self->swap_dev, errno_name(errno));
}

/*
 * @pages pages of anonymous memory, 2 MiB aligned, as the data slot;
 * @advice is madvise()d before anything touches them.
 */
static void add_data_slot(struct __test_metadata *_metadata,
			  FIXTURE_DATA(page_move) *self, size_t pages,
			  int advice)
{
	size_t len = pages * PAGE;

	self->map_len = len + HPAGE;
	self->map = minivm_alloc(self->map_len);
	self->mem = (uint8_t *)(((uintptr_t)self->map + HPAGE - 1) &
				~(HPAGE - 1));
	self->pages = pages;
	if (advice)
		ASSERT_EQ(0, madvise(self->mem, len, advice));
	ASSERT_EQ(0, __vm_set_memory_region(self->vm, DATA_SLOT, 0, DATA_GPA,
					    len, self->mem));
}

#define PAGE_ADDR(i)	(self->mem + (i) * PAGE)
#define WORD(i, w)	(((volatile uint64_t *)PAGE_ADDR(i))[w])

/* The guest's pass over page @i, storing @val: what it read. */
static uint64_t guest_touch(struct __test_metadata *_metadata,
			    FIXTURE_DATA(page_move) *self, size_t i,
			    uint64_t val)
{
	struct ucall uc;

	write_guest_global(self->vm, guest_gpa, DATA_GPA + i * PAGE);
	write_guest_global(self->vm, guest_val, val);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(val, WORD(i, 1))
		TH_LOG("page %zu: the guest's store did not reach the VMM's page", i);
	return uc.args[0];
}

/*
 * After a move: the guest first reads what page @i held (@before: the
 * kernel must have kept it), then both sides write and read each other.
 */
static void check_coherent(struct __test_metadata *_metadata,
			   FIXTURE_DATA(page_move) *self, size_t i,
			   uint64_t before)
{
	uint64_t tag = 0x5a00000000ULL + i;

	EXPECT_EQ(before, guest_touch(_metadata, self, i, tag))
		TH_LOG("page %zu: the guest lost the contents", i);
	WORD(i, 0) = tag + 0x100000;
	EXPECT_EQ(tag + 0x100000, guest_touch(_metadata, self, i, tag + 1))
		TH_LOG("page %zu: the guest did not see the VMM's store", i);
}

/* pagemap's entry for @addr. */
static uint64_t pagemap_entry(struct __test_metadata *_metadata,
			      FIXTURE_DATA(page_move) *self, const void *addr)
{
	uint64_t e = 0;

	EXPECT_EQ(sizeof(e), pread(self->pagemap, &e, sizeof(e),
				   (uintptr_t)addr / PAGE * sizeof(e)));
	return e;
}

/* The frame behind @addr, which must be present. */
static uint64_t pfn_of(struct __test_metadata *_metadata,
		       FIXTURE_DATA(page_move) *self, const void *addr)
{
	uint64_t e = pagemap_entry(_metadata, self, addr);

	EXPECT_TRUE(e & PM_PRESENT) TH_LOG("%p is not present", addr);
	EXPECT_NE(0, e & PM_PFN_MASK) TH_LOG("pagemap shows no PFN");
	return e & PM_PFN_MASK;
}

/* ---- migration ---- */

#define MIGRATE_PAGES	4

/*
 * Soft offline (MADV_SOFT_OFFLINE, CONFIG_MEMORY_FAILURE) migrates each
 * page, as NUMA balancing, compaction and move_pages() do: the kernel
 * unmaps it (the notifier zaps it), copies it and maps the copy, and
 * here also retires the old frame for good. The guest must follow.
 */
TEST_F(page_move, migrate_soft_offline)
{
	uint64_t pfn[MIGRATE_PAGES], mapped;
	size_t i;
	int ret;

	add_data_slot(_metadata, self, MIGRATE_PAGES, 0);
	for (i = 0; i < MIGRATE_PAGES; i++) {
		WORD(i, 0) = 0x1000 + i;
		EXPECT_EQ(0x1000 + i, guest_touch(_metadata, self, i, 0x2000 + i));
		pfn[i] = pfn_of(_metadata, self, PAGE_ADDR(i));
	}

	mapped = vm_stat(self->vm, "pages_mapped");
	ret = madvise(self->mem, MIGRATE_PAGES * PAGE, MADV_SOFT_OFFLINE);
	if (ret && errno == EINVAL)
		SKIP(return, "no MADV_SOFT_OFFLINE (CONFIG_MEMORY_FAILURE)");
	ASSERT_EQ(0, ret) TH_LOG("MADV_SOFT_OFFLINE: %s (a pinned page cannot move)",
				 errno_name(errno));
	for (i = 0; i < MIGRATE_PAGES; i++)
		EXPECT_NE(pfn[i], pfn_of(_metadata, self, PAGE_ADDR(i)))
			TH_LOG("page %zu did not move", i);
	EXPECT_EQ(mapped - MIGRATE_PAGES, vm_stat(self->vm, "pages_mapped"))
		TH_LOG("the migrated pages are still mapped for the guest");
	for (i = 0; i < MIGRATE_PAGES; i++)
		check_coherent(_metadata, self, i, 0x1000 + i);
}

/* ---- KSM ---- */

#define KSM		"/sys/kernel/mm/ksm/"

static long ksm_read(const char *knob)
{
	char path[128], buf[32] = "";
	long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), KSM "%s", knob);
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			val = strtol(buf, NULL, 10);
		fclose(f);
	}
	return val;
}

/* 0, or -1 with errno (ENOENT where this kernel has no such knob). */
static int ksm_write(const char *knob, long val)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), KSM "%s", knob);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fprintf(f, "%ld", val) < 0;
	ret |= fclose(f);
	return ret ? -1 : 0;
}

/*
 * KSM merges a guest page with an identical page outside every slot,
 * write-protecting both behind one shared frame. The guest then stores
 * to its page: that must break the sharing (copy on write), reach the
 * VMM, and leave the other page alone; a guest writing through a stale
 * writable mapping would write into a frame another mapping (another
 * process) shares.
 */
TEST_F_TIMEOUT(page_move, ksm_merge_then_guest_writes, 300)
{
	static const char * const knobs[] = {
		"run", "sleep_millisecs", "pages_to_scan", "smart_scan"
	};
	long saved[ARRAY_SIZE(knobs)];
	uint8_t *other;
	uint64_t pfn, mapped;
	time_t deadline;
	size_t k;
	bool merged = false;

	if (access(KSM "run", W_OK))
		SKIP(return, "no KSM (CONFIG_KSM) in this kernel");
	add_data_slot(_metadata, self, 1, MADV_MERGEABLE);
	/* The other page: in the same mapping, past the slot's end. */
	other = self->mem + PAGE;
	ASSERT_EQ(0, madvise(other, PAGE, MADV_MERGEABLE));
	WORD(0, 0) = 0xc0ffee;
	EXPECT_EQ(0xc0ffee, guest_touch(_metadata, self, 0, 0xbeef));
	memcpy(other, self->mem, PAGE);
	pfn = pfn_of(_metadata, self, self->mem);
	EXPECT_NE(pfn, pfn_of(_metadata, self, other));

	for (k = 0; k < ARRAY_SIZE(knobs); k++)
		saved[k] = ksm_read(knobs[k]);
	ASSERT_EQ(0, ksm_write("sleep_millisecs", 10));
	ASSERT_EQ(0, ksm_write("pages_to_scan", 1000));
	ksm_write("smart_scan", 0);	/* 6.7+: would skip pages that did not merge */
	mapped = vm_stat(self->vm, "pages_mapped");
	ASSERT_EQ(0, ksm_write("run", 1));
	deadline = time(NULL) + 120;
	while (!merged && time(NULL) < deadline) {
		usleep(50 * 1000);
		merged = pfn_of(_metadata, self, self->mem) ==
			 pfn_of(_metadata, self, other);
	}
	ksm_write("run", 0);
	for (k = 0; k < ARRAY_SIZE(knobs); k++)
		if (saved[k] >= 0)
			ksm_write(knobs[k], saved[k]);
	ASSERT_TRUE(merged) TH_LOG("KSM did not merge the pages in 120 s (pages_shared %ld)",
				   ksm_read("pages_shared"));
	EXPECT_EQ(mapped - 1, vm_stat(self->vm, "pages_mapped"))
		TH_LOG("the guest's page is still mapped after the merge");

	/* The guest reads the merged page, then stores to it. */
	EXPECT_EQ(0xc0ffee, guest_touch(_metadata, self, 0, 0xfeed));
	EXPECT_EQ(0xbeef, ((uint64_t *)other)[1])
		TH_LOG("the guest's store went into the page KSM shared");
	EXPECT_NE(pfn_of(_metadata, self, self->mem),
		  pfn_of(_metadata, self, other));
	check_coherent(_metadata, self, 0, 0xc0ffee);
}

/* ---- transparent huge pages ---- */

/* Pages the guest uses before the collapse (first, second, last) */
static const size_t thp_used[] = { 0, 1, HPAGE_PAGES - 1 };

/*
 * 512 small pages, three of them mapped for the guest, collapsed into
 * one huge page (MADV_COLLAPSE, 6.1+): the kernel copies them all into
 * the new page and frees the old ones.
 */
TEST_F(page_move, thp_collapse)
{
	uint64_t pfn[ARRAY_SIZE(thp_used)], first, mapped;
	size_t i, k;
	int ret = -1;

	if (access("/sys/kernel/mm/transparent_hugepage", F_OK))
		SKIP(return, "no transparent huge pages in this kernel");
	/* Small pages first, whatever the system's THP setting. */
	add_data_slot(_metadata, self, HPAGE_PAGES, MADV_NOHUGEPAGE);
	for (i = 0; i < HPAGE_PAGES; i++)
		WORD(i, 0) = 0x3000 + i;
	for (k = 0; k < ARRAY_SIZE(thp_used); k++) {
		i = thp_used[k];
		EXPECT_EQ(0x3000 + i, guest_touch(_metadata, self, i, 0x4000 + i));
		pfn[k] = pfn_of(_metadata, self, PAGE_ADDR(i));
	}

	mapped = vm_stat(self->vm, "pages_mapped");
	ASSERT_EQ(0, madvise(self->mem, HPAGE, MADV_HUGEPAGE));
	/* EAGAIN: a page was busy for a moment; ENOMEM: no free 2 MiB yet. */
	for (k = 0; k < 10 && ret; k++) {
		ret = madvise(self->mem, HPAGE, MADV_COLLAPSE);
		if (ret && errno != EAGAIN && errno != ENOMEM)
			break;
	}
	if (ret && errno == EINVAL)
		SKIP(return, "no MADV_COLLAPSE (Linux 6.1+)");
	ASSERT_EQ(0, ret) TH_LOG("MADV_COLLAPSE: %s", errno_name(errno));

	first = pfn_of(_metadata, self, self->mem);
	EXPECT_EQ(0, first % HPAGE_PAGES) TH_LOG("PFN %#llx", (unsigned long long)first);
	for (i = 0; i < HPAGE_PAGES; i++)
		ASSERT_EQ(first + i, pfn_of(_metadata, self, PAGE_ADDR(i)))
			TH_LOG("page %zu is not part of one huge page", i);
	for (k = 0; k < ARRAY_SIZE(thp_used); k++)
		EXPECT_NE(pfn[k], first + thp_used[k]);
	EXPECT_EQ(mapped - ARRAY_SIZE(thp_used), vm_stat(self->vm, "pages_mapped"))
		TH_LOG("the collapsed small pages are still mapped for the guest");

	for (k = 0; k < ARRAY_SIZE(thp_used); k++)
		check_coherent(_metadata, self, thp_used[k], 0x3000 + thp_used[k]);
	/* A page the guest had not used is the huge page's too. */
	check_coherent(_metadata, self, 300, 0x3000 + 300);
}

/* ---- swap ---- */

#define SWAP_PAGES	4

/*
 * Swap to MINIVM_TEST_SWAP_DEV, a block device the test may overwrite
 * (the rig's RAM disk): a swap header written here, then swapon(), and
 * self->swap_dev set for the teardown's swapoff(). Without it, swap that
 * is on already, left alone. -1: no swap.
 */
static int swap_setup(struct __test_metadata *_metadata,
		      FIXTURE_DATA(page_move) *self)
{
	const char *path = getenv("MINIVM_TEST_SWAP_DEV");
	uint64_t size;
	uint32_t info[2];
	char *page;
	int fd, ret;

	if (!path || !*path) {
		FILE *f = fopen("/proc/swaps", "r");
		char line[256];
		int n = 0;

		while (f && fgets(line, sizeof(line), f))
			n++;
		if (f)
			fclose(f);
		return n > 1 ? 0 : -1;	/* a header line, then one per area */
	}
	fd = open(path, O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, errno_name(errno));
	ASSERT_EQ(0, ioctl(fd, BLKGETSIZE64, &size));
	ASSERT_LE(16 * PAGE, size);
	page = calloc(1, PAGE);
	ASSERT_NE(NULL, page);
	/* struct swap_header's info after 1 KiB of boot bits: version 1, last page */
	info[0] = 1;
	info[1] = size / PAGE - 1;
	memcpy(page + 1024, info, sizeof(info));
	memcpy(page + PAGE - 10, "SWAPSPACE2", 10);
	ret = pwrite(fd, page, PAGE, 0);
	free(page);
	ASSERT_EQ(PAGE, ret);
	ASSERT_EQ(0, fsync(fd));
	close(fd);
	ASSERT_EQ(0, swapon(path, 0))
		TH_LOG("swapon(%s): %s", path, errno_name(errno));
	self->swap_dev = path;
	return 0;
}

/*
 * Guest pages swapped out (MADV_PAGEOUT reclaims them now): the guest's
 * next access must fault each back in through the host mapping, with its
 * contents, and share it with the VMM again.
 */
TEST_F(page_move, swap_out_and_in)
{
	uint64_t mapped, e;
	size_t i;

	if (swap_setup(_metadata, self))
		SKIP(return, "no swap: none is on and MINIVM_TEST_SWAP_DEV is not set");
	add_data_slot(_metadata, self, SWAP_PAGES, 0);
	for (i = 0; i < SWAP_PAGES; i++) {
		WORD(i, 0) = 0x6000 + i;
		EXPECT_EQ(0x6000 + i, guest_touch(_metadata, self, i, 0x7000 + i));
	}

	mapped = vm_stat(self->vm, "pages_mapped");
	ASSERT_EQ(0, madvise(self->mem, SWAP_PAGES * PAGE, MADV_PAGEOUT));
	for (i = 0; i < SWAP_PAGES; i++) {
		e = pagemap_entry(_metadata, self, PAGE_ADDR(i));
		EXPECT_TRUE(e & PM_SWAPPED)
			TH_LOG("page %zu was not swapped out (pagemap %#llx)",
			       i, (unsigned long long)e);
	}
	EXPECT_EQ(mapped - SWAP_PAGES, vm_stat(self->vm, "pages_mapped"))
		TH_LOG("swapped-out pages are still mapped for the guest");

	/* The guest first: its access swaps the page in. */
	for (i = 0; i < SWAP_PAGES; i++) {
		check_coherent(_metadata, self, i, 0x6000 + i);
		EXPECT_TRUE(pagemap_entry(_metadata, self, PAGE_ADDR(i)) & PM_PRESENT);
	}
}

TEST_HARNESS_MAIN
