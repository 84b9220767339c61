// SPDX-License-Identifier: GPL-2.0
/*
 * minivm binary statistics (MINIVM_GET_STATS_FD, MINIVM_GET_VCPU_STATS_FD):
 * the header and descriptors make sense on their own (offsets inside the
 * file, names NUL-terminated and unique, known types), counters move as
 * known guests say they must (N OUTs are N I/O exits, a HLT, an MMIO
 * exit, pages mapped as the guest touches them, an in-kernel halt woken
 * by the APIC timer, injected interrupts and an NMI), a statistics file
 * outlives the VM and vCPU fds (and keeps the vCPU), a vCPU's file can be
 * had while it sits in RUN, the errors of Documentation/api.rst 6.12, and
 * the debugfs summary where the kernel has debugfs.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

/* A statistics file read whole: its bytes, and where its parts are. */
struct stats {
	uint8_t *buf;
	size_t size;
	struct minivm_stats_header hdr;
	const char *id;
};

/* Read @fd from offset 0 until pread() returns 0; NULL buf on an error. */
static struct stats read_stats(int fd)
{
	struct stats st = { 0 };
	size_t room = 4096;
	ssize_t n;

	st.buf = malloc(room);
	while (st.buf) {
		if (st.size == room) {
			room *= 2;
			st.buf = realloc(st.buf, room);
			if (!st.buf)
				break;
		}
		n = pread(fd, st.buf + st.size, room - st.size, st.size);
		if (n < 0) {
			free(st.buf);
			st.buf = NULL;
			break;
		}
		if (!n)
			break;
		st.size += n;
	}
	if (st.buf && st.size >= sizeof(st.hdr)) {
		memcpy(&st.hdr, st.buf, sizeof(st.hdr));
		if (st.hdr.id_offset < st.size)
			st.id = (const char *)st.buf + st.hdr.id_offset;
	}
	return st;
}

static size_t desc_size(const struct stats *st)
{
	return sizeof(struct minivm_stats_desc) + st->hdr.name_size;
}

static const struct minivm_stats_desc *desc_at(const struct stats *st,
					       uint32_t i)
{
	return (const void *)(st->buf + st->hdr.desc_offset + i * desc_size(st));
}

static const struct minivm_stats_desc *find_desc(const struct stats *st,
						 const char *name)
{
	uint32_t i;

	for (i = 0; i < st->hdr.num_desc; i++)
		if (!strncmp(desc_at(st, i)->name, name, st->hdr.name_size))
			return desc_at(st, i);
	return NULL;
}

/* The (first) value of statistic @name; aborts the test if there is none. */
static uint64_t stat_value(const struct stats *st, const char *name)
{
	const struct minivm_stats_desc *d = find_desc(st, name);
	uint64_t v;

	MINIVM_CHECK(d, "no statistic named '%s' in '%s'", name, st->id);
	memcpy(&v, st->buf + st->hdr.data_offset + d->offset, sizeof(v));
	return v;
}

/* stat_value() of statistic @name, read from @fd now. */
static uint64_t stat_now(int fd, const char *name)
{
	struct stats st = read_stats(fd);
	uint64_t v;

	MINIVM_CHECK(st.buf, "reading statistics fd %d", fd);
	v = stat_value(&st, name);
	free(st.buf);
	return v;
}

static int vm_stats_fd(struct minivm_vm *vm)
{
	int fd = ioctl(vm->fd, MINIVM_GET_STATS_FD, 0);

	MINIVM_CHECK(fd >= 0, "MINIVM_GET_STATS_FD");
	return fd;
}

static int vcpu_stats_fd(struct minivm_vcpu *vcpu)
{
	int fd = ioctl(vcpu->fd, MINIVM_GET_VCPU_STATS_FD, 0);

	MINIVM_CHECK(fd >= 0, "MINIVM_GET_VCPU_STATS_FD");
	return fd;
}

/*
 * Every rule of api.rst 6.12 that a reader relies on, for one file whose
 * id must start with @id_prefix and end with @id_suffix.
 */
static void check_layout(struct __test_metadata *_metadata,
			 const struct stats *st, const char *id_prefix,
			 const char *id_suffix)
{
	const struct minivm_stats_header *h = &st->hdr;
	uint64_t data_size = 0;
	uint32_t i, j;

	ASSERT_GE(st->size, sizeof(*h));
	EXPECT_EQ(0, h->flags);
	ASSERT_EQ(MINIVM_STATS_NAME_SIZE, h->name_size);
	EXPECT_EQ(0, h->name_size % 8);
	ASSERT_GT(h->num_desc, 0);
	/* the parts in order, each inside the file, none overlapping */
	EXPECT_GE(h->id_offset, sizeof(*h));
	EXPECT_GE(h->desc_offset, (uint64_t)h->id_offset + h->name_size);
	ASSERT_GE(h->data_offset,
		  (uint64_t)h->desc_offset + h->num_desc * desc_size(st));
	ASSERT_LE(h->data_offset, st->size);
	EXPECT_EQ(0, h->data_offset % 8);

	/* the id: NUL-terminated inside name_size, "minivm-PID-VMID..." */
	ASSERT_NE(NULL, memchr(st->id, '\0', h->name_size));
	EXPECT_EQ(0, strncmp(st->id, id_prefix, strlen(id_prefix)))
		TH_LOG("id '%s' does not start with '%s'", st->id, id_prefix);
	EXPECT_GE(strlen(st->id), strlen(id_suffix));
	EXPECT_STREQ(id_suffix, st->id + strlen(st->id) - strlen(id_suffix));

	for (i = 0; i < h->num_desc; i++) {
		const struct minivm_stats_desc *d = desc_at(st, i);
		uint32_t type = d->flags & MINIVM_STATS_TYPE_MASK;

		ASSERT_NE(NULL, memchr(d->name, '\0', h->name_size))
			TH_LOG("descriptor %u: name not NUL-terminated", i);
		EXPECT_NE('\0', d->name[0]);
		EXPECT_LE(type, MINIVM_STATS_TYPE_MAX) TH_LOG("%s", d->name);
		EXPECT_LE(d->flags & MINIVM_STATS_UNIT_MASK,
			  MINIVM_STATS_UNIT_MAX) TH_LOG("%s", d->name);
		EXPECT_LE(d->flags & MINIVM_STATS_BASE_MASK,
			  MINIVM_STATS_BASE_MAX) TH_LOG("%s", d->name);
		EXPECT_EQ(0, d->flags & ~(MINIVM_STATS_TYPE_MASK |
					  MINIVM_STATS_UNIT_MASK |
					  MINIVM_STATS_BASE_MASK));
		EXPECT_GE(d->size, 1) TH_LOG("%s", d->name);
		EXPECT_EQ(0, d->offset % 8) TH_LOG("%s", d->name);
		if (type != MINIVM_STATS_TYPE_LINEAR_HIST)
			EXPECT_EQ(0, d->bucket_size) TH_LOG("%s", d->name);
		/* a value inside the file */
		EXPECT_LE((uint64_t)h->data_offset + d->offset + 8 * d->size,
			  st->size) TH_LOG("%s", d->name);
		if (d->offset + 8ULL * d->size > data_size)
			data_size = d->offset + 8ULL * d->size;
		for (j = 0; j < i; j++)
			EXPECT_NE(0, strcmp(d->name, desc_at(st, j)->name))
				TH_LOG("'%s' twice (descriptors %u and %u)",
				       d->name, j, i);
	}
	/* nothing after the data */
	EXPECT_EQ(h->data_offset + data_size, st->size);
}

static void check_type(struct __test_metadata *_metadata,
		       const struct stats *st, const char *name, uint32_t flags,
		       int16_t exponent)
{
	const struct minivm_stats_desc *d = find_desc(st, name);

	ASSERT_NE(NULL, d) TH_LOG("no statistic '%s' in %s", name, st->id);
	EXPECT_EQ(flags, d->flags) TH_LOG("%s", name);
	EXPECT_EQ(exponent, d->exponent) TH_LOG("%s", name);
	EXPECT_EQ(1, d->size) TH_LOG("%s", name);
}

#define CUMULATIVE	(MINIVM_STATS_TYPE_CUMULATIVE | MINIVM_STATS_UNIT_NONE)
#define INSTANT		(MINIVM_STATS_TYPE_INSTANT | MINIVM_STATS_UNIT_NONE)

/* ---- guests ---- */

#define NR_OUTS		10
GUEST_CODE16(pio,
	     "	mov $" __stringify(NR_OUTS) ", %cx\n\t"
	     "1:	out %al, $0x10\n\t"
	     "	loop 1b\n\t"
	     "	hlt\n\t");

/* 8 pages the guest writes to for the first time between two OUTs. */
#define NR_TOUCHED	8
GUEST_CODE16(touch,
	     "	out %al, $0x11\n\t"
	     "	movb $1, 0x5000\n\t"
	     "	movb $1, 0x6000\n\t"
	     "	movb $1, 0x7000\n\t"
	     "	movb $1, 0x8000\n\t"
	     "	movb $1, 0x9000\n\t"
	     "	movb $1, 0xa000\n\t"
	     "	movb $1, 0xb000\n\t"
	     "	movb $1, 0xc000\n\t"
	     "	out %al, $0x11\n\t"
	     "	hlt\n\t");

/* A read of guest-physical 0x20000, which no slot backs. */
GUEST_CODE16(mmio,
	     "	mov $0x2000, %ax\n\t"
	     "	mov %ax, %es\n\t"
	     "	mov %es:0, %eax\n\t"
	     "	out %eax, $0x12\n\t"
	     "	hlt\n\t");

GUEST_CODE16(spin,
	     "1:	jmp 1b\n\t");

FIXTURE(stats) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

FIXTURE_SETUP(stats)
{
	int fd;

	MINIVM_REQUIRE();
	fd = minivm_open();
	ASSERT_EQ(1, minivm_check_extension(fd, MINIVM_CAP_BINARY_STATS_FD));
	close(fd);
}

FIXTURE_TEARDOWN(stats)
{
	vm_free(self->vm);
}

TEST_F(stats, capability_on_vm_fd)
{
	self->vm = vm_create();
	EXPECT_EQ(1, minivm_check_extension(self->vm->fd,
					    MINIVM_CAP_BINARY_STATS_FD));
}

/* ---- the layout, for both kinds of file ---- */

TEST_F(stats, header_and_descriptors)
{
	char prefix[64];
	struct stats vm_st, vcpu_st;
	int vm_fd, vcpu_fd;

	self->vm = vm_create_guest(GUEST(pio), &self->vcpu);
	vm_fd = vm_stats_fd(self->vm);
	vcpu_fd = vcpu_stats_fd(self->vcpu);
	vm_st = read_stats(vm_fd);
	vcpu_st = read_stats(vcpu_fd);
	ASSERT_NE(NULL, vm_st.buf);
	ASSERT_NE(NULL, vcpu_st.buf);

	snprintf(prefix, sizeof(prefix), "minivm-%d-", getpid());
	check_layout(_metadata, &vm_st, prefix, "");
	check_layout(_metadata, &vcpu_st, prefix, "/vcpu-0");
	/* the same VM in both ids */
	EXPECT_EQ(0, strncmp(vm_st.id, vcpu_st.id, strlen(vm_st.id)));

	/* lseek() knows the size; SEEK_END is where pread() returns 0 */
	EXPECT_EQ((off_t)vm_st.size, lseek(vm_fd, 0, SEEK_END));
	EXPECT_EQ((off_t)vcpu_st.size, lseek(vcpu_fd, 0, SEEK_END));

	/* what the documentation promises, with their kinds */
	check_type(_metadata, &vm_st, "dead",
		   MINIVM_STATS_TYPE_INSTANT | MINIVM_STATS_UNIT_BOOLEAN, 0);
	check_type(_metadata, &vm_st, "vcpus", INSTANT, 0);
	check_type(_metadata, &vm_st, "memslots", INSTANT, 0);
	check_type(_metadata, &vm_st, "pages_mapped", INSTANT, 0);
	check_type(_metadata, &vm_st, "pages_mapped_peak",
		   MINIVM_STATS_TYPE_PEAK, 0);
	check_type(_metadata, &vm_st, "mmu_table_pages", INSTANT, 0);
	check_type(_metadata, &vm_st, "remote_tlb_flush", CUMULATIVE, 0);
	check_type(_metadata, &vm_st, "irq_deliveries", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "exits", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "userspace_exits", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "io_exits", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "mmio_exits", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "hlt_exits", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "signal_exits", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "halt_wait_ns",
		   MINIVM_STATS_TYPE_CUMULATIVE | MINIVM_STATS_UNIT_SECONDS |
		   MINIVM_STATS_BASE_POW10, -9);
	check_type(_metadata, &vcpu_st, "irq_injections", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "vmexit_hlt", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "vmexit_io_instruction", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "vmexit_ept_violation", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "vmexit_ept_misconfig", CUMULATIVE, 0);
	check_type(_metadata, &vcpu_st, "vmexit_other", CUMULATIVE, 0);

	/* a new vCPU has counted nothing; its VM has one vCPU and slot */
	EXPECT_EQ(0, stat_value(&vcpu_st, "exits"));
	EXPECT_EQ(0, stat_value(&vcpu_st, "userspace_exits"));
	EXPECT_EQ(1, stat_value(&vm_st, "vcpus"));
	EXPECT_EQ(1, stat_value(&vm_st, "memslots"));
	EXPECT_EQ(0, stat_value(&vm_st, "pages_mapped"));
	EXPECT_EQ(0, stat_value(&vm_st, "dead"));

	free(vm_st.buf);
	free(vcpu_st.buf);
	close(vm_fd);
	close(vcpu_fd);
}

/* Two files of one VM have different ids; two VMs different VM ids. */
TEST_F(stats, ids_differ)
{
	struct minivm_vm *vm2 = vm_create();
	struct stats a, b;
	int fa, fb;

	self->vm = vm_create();
	fa = vm_stats_fd(self->vm);
	fb = vm_stats_fd(vm2);
	a = read_stats(fa);
	b = read_stats(fb);
	ASSERT_NE(NULL, a.buf);
	ASSERT_NE(NULL, b.buf);
	EXPECT_STRNE(a.id, b.id);
	free(a.buf);
	free(b.buf);
	close(fa);
	close(fb);
	vm_free(vm2);
}

/* ---- counters after known guests ---- */

TEST_F(stats, outs_and_hlt)
{
	struct stats st;
	unsigned int i;
	int fd;

	self->vm = vm_create_guest(GUEST(pio), &self->vcpu);
	fd = vcpu_stats_fd(self->vcpu);
	for (i = 0; i < NR_OUTS; i++) {
		ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x10, 1);
		EXPECT_EQ(i + 1, stat_now(fd, "io_exits"));
	}
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);

	st = read_stats(fd);
	ASSERT_NE(NULL, st.buf);
	EXPECT_EQ(NR_OUTS, stat_value(&st, "io_exits"));
	EXPECT_EQ(NR_OUTS, stat_value(&st, "vmexit_io_instruction"));
	EXPECT_EQ(1, stat_value(&st, "hlt_exits"));
	EXPECT_EQ(1, stat_value(&st, "vmexit_hlt"));
	EXPECT_EQ(NR_OUTS + 1, stat_value(&st, "userspace_exits"));
	EXPECT_EQ(0, stat_value(&st, "mmio_exits"));
	EXPECT_EQ(0, stat_value(&st, "signal_exits"));
	EXPECT_EQ(0, stat_value(&st, "halts_in_kernel"));
	/* the code page's first touch at least, and host interrupts maybe */
	EXPECT_GE(stat_value(&st, "exits"), NR_OUTS + 2);
	EXPECT_GE(stat_value(&st, "vmexit_ept_violation"), 1);
	free(st.buf);
	close(fd);

	fd = vm_stats_fd(self->vm);
	EXPECT_GE(stat_now(fd, "pages_mapped"), 1);
	close(fd);
}

TEST_F(stats, mapped_pages_follow_the_guest)
{
	uint64_t mapped, violations, peak;
	int vm_fd, vcpu_fd;

	self->vm = vm_create_guest(GUEST(touch), &self->vcpu);
	vm_fd = vm_stats_fd(self->vm);
	vcpu_fd = vcpu_stats_fd(self->vcpu);
	EXPECT_EQ(0, stat_now(vm_fd, "pages_mapped"));
	/* the root of the second-level tables exists from the start */
	EXPECT_EQ(1, stat_now(vm_fd, "mmu_table_pages"));

	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x11, 1);
	mapped = stat_now(vm_fd, "pages_mapped");
	violations = stat_now(vcpu_fd, "vmexit_ept_violation");
	EXPECT_GE(mapped, 1);			/* the code page */
	/* 64 KiB at 0: one table at each of the 4 levels */
	EXPECT_EQ(4, stat_now(vm_fd, "mmu_table_pages"));

	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x11, 1);
	EXPECT_EQ(mapped + NR_TOUCHED, stat_now(vm_fd, "pages_mapped"));
	EXPECT_EQ(violations + NR_TOUCHED,
		  stat_now(vcpu_fd, "vmexit_ept_violation"));
	peak = stat_now(vm_fd, "pages_mapped_peak");
	EXPECT_EQ(mapped + NR_TOUCHED, peak);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);

	/* deleting the slot unmaps everything; the peak stays */
	EXPECT_EQ(0, stat_now(vm_fd, "remote_tlb_flush"));
	vm_delete_memory(self->vm, 0);
	EXPECT_EQ(0, stat_now(vm_fd, "pages_mapped"));
	EXPECT_EQ(peak, stat_now(vm_fd, "pages_mapped_peak"));
	EXPECT_EQ(0, stat_now(vm_fd, "memslots"));
	EXPECT_GE(stat_now(vm_fd, "remote_tlb_flush"), 1);
	close(vm_fd);
	close(vcpu_fd);
}

TEST_F(stats, mmio_exit)
{
	struct minivm_run *run;
	struct stats st;
	int fd;

	self->vm = vm_create_guest(GUEST(mmio), &self->vcpu);
	run = self->vcpu->run;
	fd = vcpu_stats_fd(self->vcpu);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_MMIO);
	EXPECT_EQ(0x20000, run->mmio.phys_addr);
	EXPECT_EQ(1, stat_now(fd, "mmio_exits"));
	memcpy(run->mmio.data, &(uint32_t){ 0x1234 }, 4);
	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x12, 4);
	EXPECT_EQ(0x1234, vcpu_io_data(self->vcpu));
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);

	st = read_stats(fd);
	ASSERT_NE(NULL, st.buf);
	EXPECT_EQ(1, stat_value(&st, "mmio_exits"));
	EXPECT_EQ(1, stat_value(&st, "io_exits"));
	EXPECT_EQ(1, stat_value(&st, "hlt_exits"));
	EXPECT_EQ(3, stat_value(&st, "userspace_exits"));
	EXPECT_EQ(0, stat_value(&st, "mmio_in_kernel"));
	free(st.buf);
	close(fd);
}

TEST_F(stats, signal_exit)
{
	int fd;

	self->vm = vm_create_guest(GUEST(spin), &self->vcpu);
	fd = vcpu_stats_fd(self->vcpu);
	self->vcpu->run->immediate_exit = 1;
	ASSERT_RUN_ERRNO(self->vcpu, EINTR, MINIVM_EXIT_INTR);
	ASSERT_RUN_ERRNO(self->vcpu, EINTR, MINIVM_EXIT_INTR);
	EXPECT_EQ(2, stat_now(fd, "signal_exits"));
	EXPECT_EQ(0, stat_now(fd, "userspace_exits"));
	close(fd);
}

/* VMCALL: #UD for the guest, through its IVT to the handler. */
GUEST_CODE16(ud,
	     "	vmcall\n\t"
	     "guest_ud_handler:\n\t"
	     "	out %al, $0x13\n\t"
	     "	hlt\n\t");
GUEST_LABEL(ud, handler);

TEST_F(stats, exception_injection)
{
	uint32_t *ivt;
	int fd;

	self->vm = vm_create_guest(GUEST(ud), &self->vcpu);
	ivt = vm_gpa2hva(self->vm, 0);
	ivt[6] = GUEST_GPA(ud, handler);	/* 0000:handler */
	fd = vcpu_stats_fd(self->vcpu);
	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x13, 1);
	EXPECT_EQ(1, stat_now(fd, "vmexit_unsupported_instruction"));
	EXPECT_EQ(1, stat_now(fd, "exception_injections"));
	close(fd);
}

/*
 * WBINVD and INVD act on the whole host's caches: each must exit (and be
 * completed by minivm as a no-op), never run in the guest.
 */
#define NR_FLUSHES	10
GUEST_CODE16(cache_flush,
	     "	mov $10, %cx\n\t"
	     "1:	wbinvd\n\t"
	     "	invd\n\t"
	     "	loop 1b\n\t"
	     "	out %al, $0x14\n\t"
	     "	hlt\n\t");

TEST_F(stats, wbinvd_and_invd_exit)
{
	int fd;

	self->vm = vm_create_guest(GUEST(cache_flush), &self->vcpu);
	fd = vcpu_stats_fd(self->vcpu);
	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x14, 1);
	EXPECT_EQ(2 * NR_FLUSHES, stat_now(fd, "vmexit_wbinvd"));
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
	close(fd);
}

/* String I/O from memory that is not RAM: the VM dies, and says so. */
GUEST_CODE16(outs_mmio,
	     "	mov $0x2000, %ax\n\t"
	     "	mov %ax, %ds\n\t"
	     "	mov $0x3f8, %dx\n\t"
	     "	mov $4, %cx\n\t"
	     "	xor %si, %si\n\t"
	     "	rep outsb\n\t"
	     "	hlt\n\t");

TEST_F(stats, dead_vm)
{
	int vm_fd, vcpu_fd;

	self->vm = vm_create_guest(GUEST(outs_mmio), &self->vcpu);
	vm_fd = vm_stats_fd(self->vm);
	vcpu_fd = vcpu_stats_fd(self->vcpu);
	EXPECT_EQ(0, stat_now(vm_fd, "dead"));
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(1, stat_now(vm_fd, "dead"));
	EXPECT_EQ(1, stat_now(vcpu_fd, "internal_error_exits"));
	EXPECT_EQ(1, stat_now(vcpu_fd, "vmexit_io_instruction"));
	/* RUN on a dead VM fails at once: no exit, nothing counted */
	ASSERT_RUN_ERRNO(self->vcpu, EIO, -1);
	EXPECT_EQ(1, stat_now(vcpu_fd, "userspace_exits"));
	close(vm_fd);
	close(vcpu_fd);
}

/* ---- the in-kernel irqchip: halts, injections, the APIC page ---- */

#define APIC_GVA		0x3fe00000UL
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ICR_LOW		0x300
#define APIC_LVT_TIMER		0x320
#define APIC_TIMER_ICR		0x380
#define APIC_TIMER_DCR		0x3e0
#define TIMER_VEC		0x40
#define IPI_VEC			0x43
#define NMI_VEC			2

static void apic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)(APIC_GVA + reg) = val;
}

/*
 * 7 APIC writes; a HLT that sleeps until the timer's interrupt (5 ms), an
 * IPI to all vCPUs (this one), then an NMI the host sends. Each interrupt is reported by the
 * guest's handler (a ucall).
 */
static void __attribute__((used)) guest_irq_main(void)
{
	uint32_t a, b, c, d;
	int i;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
		     : "a"(0x40000010), "c"(0));
	apic_write(APIC_SVR, 0x1ff);
	apic_write(APIC_TIMER_DCR, 0xb);		/* divide by 1 */
	apic_write(APIC_LVT_TIMER, TIMER_VEC);
	apic_write(APIC_TIMER_ICR, b * 5);		/* b kHz: 5 ms */
	asm volatile("sti; hlt; cli");
	apic_write(APIC_EOI, 0);
	/* "all including self": routed like any IPI (a self-IPI is not) */
	apic_write(APIC_ICR_LOW, IPI_VEC | 2U << 18);
	asm volatile("sti; nop; cli");
	apic_write(APIC_EOI, 0);
	GUEST_SYNC(0);					/* the host's NMI */
	for (i = 0; i < 1000; i++)
		asm volatile("nop");
	GUEST_DONE();
}

TEST_F(stats, irqchip_halt_and_injections)
{
	struct ucall uc;
	struct stats st;
	int vm_fd, vcpu_fd;

	self->vm = vm_create_64_irqchip(&self->vcpu, guest_irq_main);
	vm_map_page(self->vm, APIC_GVA, MINIVM_LAPIC_GPA, PTE_P | PTE_W);
	vm_handle_exception(self->vm, TIMER_VEC, true, 0);
	vm_handle_exception(self->vm, IPI_VEC, true, 0);
	vm_handle_exception(self->vm, NMI_VEC, true, 0);
	vm_fd = vm_stats_fd(self->vm);
	vcpu_fd = vcpu_stats_fd(self->vcpu);

	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EQ(TIMER_VEC, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EQ(IPI_VEC, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, MINIVM_NMI, 0));
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EQ(NMI_VEC, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);

	st = read_stats(vcpu_fd);
	ASSERT_NE(NULL, st.buf);
	/* the HLT slept in the kernel, and the timer ended it */
	EXPECT_GE(stat_value(&st, "vmexit_hlt"), 1);
	EXPECT_GE(stat_value(&st, "halts_in_kernel"), 1);
	EXPECT_GE(stat_value(&st, "halt_wakeup"), 1);
	EXPECT_GT(stat_value(&st, "halt_wait_ns"), 0);
	EXPECT_EQ(0, stat_value(&st, "hlt_exits"));
	EXPECT_EQ(2, stat_value(&st, "irq_injections"));
	EXPECT_EQ(1, stat_value(&st, "nmi_injections"));
	EXPECT_EQ(1, stat_value(&st, "ipis_sent"));
	EXPECT_GE(stat_value(&st, "mmio_in_kernel"), 7);
	EXPECT_EQ(0, stat_value(&st, "mmio_exits"));
	free(st.buf);
	/* the IPI went through the VM's interrupt routing */
	EXPECT_EQ(1, stat_now(vm_fd, "irq_deliveries"));
	close(vm_fd);
	close(vcpu_fd);
}

/* ---- lifetimes ---- */

/* Both files outlive every VM and vCPU fd; the vCPU's keeps the vCPU. */
TEST_F(stats, files_survive_the_vm_fds)
{
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
	unsigned int i;
	int vm_fd, vcpu_fd;

	vm = vm_create_guest(GUEST(pio), &vcpu);
	for (i = 0; i < NR_OUTS; i++)
		ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x10, 1);
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	vm_fd = vm_stats_fd(vm);
	vcpu_fd = vcpu_stats_fd(vcpu);
	vm_free(vm);		/* the vCPU, VM and /dev/minivm fds, the memory */

	EXPECT_EQ(NR_OUTS, stat_now(vcpu_fd, "io_exits"));
	EXPECT_EQ(1, stat_now(vcpu_fd, "hlt_exits"));
	EXPECT_EQ(1, stat_now(vm_fd, "vcpus"));	/* held by vcpu_fd */
	EXPECT_EQ(1, stat_now(vm_fd, "memslots"));
	/* the slot outlives its memory, but no mapping does (api.rst 6.6) */
	EXPECT_EQ(0, stat_now(vm_fd, "pages_mapped"));
	EXPECT_GE(stat_now(vm_fd, "pages_mapped_peak"), 1);
	ASSERT_EQ(0, close(vcpu_fd));
	/* the vCPU is gone now, the VM not yet */
	EXPECT_EQ(0, stat_now(vm_fd, "vcpus"));
	ASSERT_EQ(0, close(vm_fd));
}

/* While a vCPU's statistics file is open, its id stays taken. */
TEST_F(stats, vcpu_file_keeps_the_vcpu_id)
{
	struct minivm_vcpu *vcpu;
	int fd, vcpu2;

	self->vm = vm_create();
	vcpu = vm_vcpu_add(self->vm, 0);
	fd = vcpu_stats_fd(vcpu);
	vcpu_free(vcpu);
	EXPECT_ERRNO(EEXIST, __vm_create_vcpu(self->vm, 0));
	ASSERT_EQ(0, close(fd));
	vcpu2 = __vm_create_vcpu(self->vm, 0);
	EXPECT_GE(vcpu2, 0);
	if (vcpu2 >= 0)
		close(vcpu2);
}

struct spinner {
	struct minivm_vcpu *vcpu;
	int ret, err;
};

static void on_usr1(int sig)
{
}

static void *spin_thread(void *arg)
{
	struct spinner *s = arg;

	s->ret = __vcpu_run(s->vcpu);
	s->err = s->vcpu->run_errno;
	return NULL;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/*
 * MINIVM_GET_VCPU_STATS_FD does not wait for a RUN in progress (unlike
 * the other vCPU ioctls), and the counters move while the guest runs.
 */
TEST_F(stats, vcpu_file_while_in_run)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct spinner s = { 0 };
	uint64_t first, t0;
	pthread_t t;
	int fd;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	self->vm = vm_create_guest(GUEST(spin), &self->vcpu);
	s.vcpu = self->vcpu;
	ASSERT_EQ(0, pthread_create(&t, NULL, spin_thread, &s));
	usleep(100 * 1000);

	t0 = mono_ms();
	fd = ioctl(self->vcpu->fd, MINIVM_GET_VCPU_STATS_FD, 0);
	EXPECT_GE(fd, 0);
	EXPECT_LT(mono_ms() - t0, 1000);
	if (fd >= 0) {
		/* the time slice ends (or a host interrupt comes) meanwhile */
		first = stat_now(fd, "exits");
		t0 = mono_ms();
		while (stat_now(fd, "exits") == first && mono_ms() - t0 < 5000)
			usleep(10 * 1000);
		EXPECT_GT(stat_now(fd, "exits"), first);
		EXPECT_EQ(0, stat_now(fd, "userspace_exits"));
		close(fd);
	}
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	EXPECT_EQ(-1, s.ret);
	EXPECT_EQ(EINTR, s.err);
}

/* ---- errors ---- */

TEST_F(stats, errors)
{
	struct stats st;
	char buf[16];
	int fd, vfd;
	void *p;

	self->vm = vm_create();
	self->vcpu = vm_vcpu_add(self->vm, 0);
	EXPECT_ERRNO(EINVAL, ioctl(self->vm->fd, MINIVM_GET_STATS_FD, 1));
	EXPECT_ERRNO(EINVAL, ioctl(self->vcpu->fd, MINIVM_GET_VCPU_STATS_FD, 1));
	/* each number belongs to one kind of fd */
	EXPECT_ERRNO(ENOTTY, ioctl(self->vm->fd, MINIVM_GET_VCPU_STATS_FD, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(self->vcpu->fd, MINIVM_GET_STATS_FD, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(self->vm->dev_fd, MINIVM_GET_STATS_FD, 0));

	fd = vm_stats_fd(self->vm);
	vfd = vcpu_stats_fd(self->vcpu);
	st = read_stats(fd);
	ASSERT_NE(NULL, st.buf);

	/* O_RDONLY and close-on-exec, as documented */
	EXPECT_EQ(O_RDONLY, fcntl(fd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDONLY, fcntl(vfd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(FD_CLOEXEC, fcntl(vfd, F_GETFD) & FD_CLOEXEC);

	/* at and past the end: 0; across it: what is left */
	EXPECT_EQ(0, pread(fd, buf, sizeof(buf), st.size));
	EXPECT_EQ(0, pread(fd, buf, sizeof(buf), st.size + 4096));
	EXPECT_EQ(0, pread(fd, buf, sizeof(buf), 1LL << 62));
	EXPECT_EQ(4, pread(fd, buf, sizeof(buf), st.size - 4));
	EXPECT_EQ(0, memcmp(buf, st.buf + st.size - 4, 4));
	/* a read that starts inside a part and runs into the next */
	EXPECT_EQ(sizeof(buf), pread(fd, buf, sizeof(buf), st.hdr.id_offset - 8));
	EXPECT_EQ(0, memcmp(buf, st.buf + st.hdr.id_offset - 8, sizeof(buf)));
	EXPECT_ERRNO(EINVAL, pread(fd, buf, sizeof(buf), -1));

	/* read() reads from the file position, which lseek() moves */
	EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(sizeof(buf), read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, st.buf, sizeof(buf)));
	EXPECT_EQ((off_t)sizeof(buf), lseek(fd, 0, SEEK_CUR));
	EXPECT_ERRNO(EINVAL, lseek(fd, -1, SEEK_SET));

	/* read-only, not mappable, no ioctls */
	EXPECT_ERRNO(EBADF, write(fd, buf, sizeof(buf)));
	EXPECT_ERRNO(EBADF, write(vfd, buf, sizeof(buf)));
	EXPECT_ERRNO(ESPIPE, pwrite(vfd, buf, sizeof(buf), 0));
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENODEV, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, vfd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENODEV, errno);
	EXPECT_ERRNO(ENOTTY, ioctl(fd, MINIVM_GET_STATS_FD, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(vfd, MINIVM_RUN, 0));

	free(st.buf);
	close(fd);
	close(vfd);
}

/* Another process may not ask (EIO), but may read a file it was given. */
TEST_F(stats, other_process)
{
	int fd, status;
	pid_t pid;

	self->vm = vm_create();
	self->vcpu = vm_vcpu_add(self->vm, 0);
	fd = vm_stats_fd(self->vm);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct minivm_stats_header h;
		int code = 0;

		if (ioctl(self->vm->fd, MINIVM_GET_STATS_FD, 0) != -1 ||
		    errno != EIO)
			code |= 1;
		if (ioctl(self->vcpu->fd, MINIVM_GET_VCPU_STATS_FD, 0) != -1 ||
		    errno != EIO)
			code |= 2;
		if (pread(fd, &h, sizeof(h), 0) != sizeof(h) ||
		    h.name_size != MINIVM_STATS_NAME_SIZE)
			code |= 4;
		_exit(code);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("1: VM ioctl not EIO, 2: vCPU ioctl not EIO, 4: pread failed");
	close(fd);
}

/* Many opens and closes leak nothing (fds here; VMs go away below). */
TEST_F(stats, no_fd_leak)
{
	int before, i, fd;

	self->vm = vm_create();
	self->vcpu = vm_vcpu_add(self->vm, 0);
	before = count_open_fds();
	for (i = 0; i < 100; i++) {
		fd = vm_stats_fd(self->vm);
		close(fd);
		fd = vcpu_stats_fd(self->vcpu);
		close(fd);
	}
	EXPECT_EQ(before, count_open_fds());
}

/* ---- debugfs ---- */

#define DEBUGFS		"/sys/kernel/debug"

static bool kernel_has_debugfs(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "\tdebugfs\n");
	fclose(f);
	return found;
}

/* The summary's line that starts with @what, or "" */
static void summary_line(const char *path, const char *what, char *out,
			 size_t len)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, what, strlen(what))) {
			snprintf(out, len, "%s", line);
			break;
		}
	fclose(f);
}

/*
 * /sys/kernel/debug/minivm/PID-VMID/summary while the VM exists, gone
 * after; without debugfs in the kernel (the rig's minimal kernel), the
 * VM was created all the same, which is what this then checks.
 */
TEST_F(stats, debugfs_summary)
{
	char dir[256], path[300], line[4096], want[64];
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct stats st;
	unsigned int i;
	struct stat sb;
	int fd;

	vm = vm_create_guest(GUEST(pio), &vcpu);
	if (!kernel_has_debugfs()) {
		TH_LOG("no debugfs in this kernel (CONFIG_DEBUG_FS=n): VM creation and stats work without it");
		fd = vm_stats_fd(vm);
		EXPECT_EQ(1, stat_now(fd, "vcpus"));
		close(fd);
		vm_free(vm);
		return;
	}
	/* mounted already, or mounted here (EBUSY: already there) */
	if (stat(DEBUGFS "/minivm", &sb))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	ASSERT_EQ(0, stat(DEBUGFS "/minivm", &sb))
		TH_LOG("no " DEBUGFS "/minivm: %s", strerror(errno));

	for (i = 0; i < NR_OUTS; i++)
		ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x10, 1);
	fd = vm_stats_fd(vm);
	st = read_stats(fd);
	ASSERT_NE(NULL, st.buf);
	/* the id is minivm-PID-VMID, the directory PID-VMID */
	snprintf(dir, sizeof(dir), DEBUGFS "/minivm/%s",
		 st.id + strlen("minivm-"));
	snprintf(path, sizeof(path), "%s/summary", dir);
	free(st.buf);
	close(fd);
	ASSERT_EQ(0, stat(path, &sb)) TH_LOG("%s: %s", path, strerror(errno));

	summary_line(path, "vm:", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, " vcpus=1 ")) TH_LOG("vm line: %s", line);
	EXPECT_NE(NULL, strstr(line, " memslots=1 ")) TH_LOG("vm line: %s", line);
	snprintf(want, sizeof(want), " io_exits=%d ", NR_OUTS);
	summary_line(path, "vcpus:", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, want)) TH_LOG("vcpus line: %s", line);
	summary_line(path, "vcpu0:", line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, want)) TH_LOG("vcpu0 line: %s", line);
	EXPECT_NE(NULL, strstr(line, " vmexit_io_instruction="))
		TH_LOG("vcpu0 line: %s", line);

	vm_free(vm);
	EXPECT_NE(0, stat(dir, &sb)) TH_LOG("%s still there", dir);
}

TEST_HARNESS_MAIN
