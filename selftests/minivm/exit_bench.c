// SPDX-License-Identifier: GPL-2.0
/*
 * exit_bench: the same tiny real-mode guests under minivm and under KVM,
 * timed from userspace, and the ratio of the two. Not a TAP test: it is
 * installed in bench/, not tests/, and `make check` never runs it (the
 * rig's `bench` tier and the top-level `make bench` do).
 *
 * Workloads (each guest first OUTs to START_PORT, untimed, so that the
 * faults on its code and data pages stay out of the measurement):
 *   io       N port-I/O exits to userspace (OUT %al, $0x80; RUN again)
 *   compute  a dec/jnz loop with no exit at all: guest execution speed
 *   touch    one byte written to each 4 KiB page of a fresh memory slot
 *            (EPT violation, pinning the host page, mapping it)
 *   cpuid    N CPUID instructions: an exit the kernel finishes, never
 *            seen by userspace
 *   mmio     N 4-byte reads of an address no slot backs: the EPT fault,
 *            the instruction decoded and emulated in the kernel, the exit
 *            to userspace, and the completion on the next RUN
 *
 * All of minivm's runs come first, then minivm is closed and KVM runs:
 * the two cannot own VMX at the same time, and 6.1's kvm_intel takes VMX
 * only while a KVM VM exists. Every run gets a new VM with new memory;
 * the time is CLOCK_MONOTONIC around the RUN loop after the start exit.
 * Each run is repeated REPEATS times and the median is reported.
 *
 * Exit status: 0 when both hypervisors ran every workload; 1 when
 * /dev/minivm or /dev/kvm is missing; 2 on a usage error; a failed ioctl
 * or unexpected exit prints a "# " line and aborts.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include <linux/kvm.h>

#include "minivm_util.h"

#define KVM_DEV		"/dev/kvm"

#define REPEATS		3
#define IO_PORT		0x80
#define START_PORT	0x81

/* The data page (GUEST_DATA_GPA) tells the guest what to do. */
#define ARG_COUNT	0	/* u32: loop count */
#define ARG_GPA		4	/* u32: first page to touch */

/* Pages touched by the touch workload: a slot of its own at 1 MiB. */
#define TOUCH_GPA	0x100000UL
/* What the mmio workload reads: no slot there. */
#define MMIO_GPA	0xd0000000UL

#define GUEST_START	"out %al, $" __stringify(START_PORT) "\n\t"

GUEST_CODE16(io,
	     "movl " GUEST_DATA ", %ecx\n\t"
	     GUEST_START
	     "1: out %al, $" __stringify(IO_PORT) "\n\t"
	     "dec %ecx\n\t"
	     "jnz 1b\n\t"
	     "hlt\n\t");

GUEST_CODE16(compute,
	     "movl " GUEST_DATA ", %ecx\n\t"
	     GUEST_START
	     "1: dec %ecx\n\t"
	     "jnz 1b\n\t"
	     "hlt\n\t");

/* DS is flat (limit 4 GiB, "unreal mode"), so EBX reaches above 1 MiB. */
GUEST_CODE16(touch,
	     "movl " GUEST_DATA ", %ecx\n\t"
	     "movl " GUEST_DATA "+4, %ebx\n\t"
	     GUEST_START
	     "1: movb %al, (%ebx)\n\t"
	     "add $4096, %ebx\n\t"
	     "dec %ecx\n\t"
	     "jnz 1b\n\t"
	     "hlt\n\t");

/* ESI counts: CPUID clobbers EAX, EBX, ECX and EDX. */
GUEST_CODE16(cpuid,
	     "movl " GUEST_DATA ", %esi\n\t"
	     GUEST_START
	     "1: xor %eax, %eax\n\t"
	     "cpuid\n\t"
	     "dec %esi\n\t"
	     "jnz 1b\n\t"
	     "hlt\n\t");

GUEST_CODE16(mmio,
	     "movl " GUEST_DATA ", %ecx\n\t"
	     "movl $" __stringify(MMIO_GPA) ", %ebx\n\t"
	     GUEST_START
	     "1: movl (%ebx), %eax\n\t"
	     "dec %ecx\n\t"
	     "jnz 1b\n\t"
	     "hlt\n\t");

enum workload { WL_IO, WL_COMPUTE, WL_TOUCH, WL_CPUID, WL_MMIO, NR_WORKLOADS };

/* One run's outcome, the same for either hypervisor. */
enum run_exit { RUN_IO, RUN_MMIO, RUN_HLT };

struct workload_desc {
	const char *name;
	const char *unit;
	const uint8_t *start, *end;
	bool flat_ds;
	uint32_t count;		/* exits, iterations or pages */
	enum run_exit counted;	/* the exits that count (RUN_HLT: none) */
};

static struct workload_desc workloads[NR_WORKLOADS] = {
	[WL_IO]      = { "io", "ns/exit", GUEST(io), false, 10000, RUN_IO },
	[WL_COMPUTE] = { "compute", "ms", GUEST(compute), false, 10000000,
			 RUN_HLT },
	[WL_TOUCH]   = { "touch", "ns/page", GUEST(touch), true, 1024, RUN_HLT },
	[WL_CPUID]   = { "cpuid", "ns/insn", GUEST(cpuid), false, 10000,
			 RUN_HLT },
	[WL_MMIO]    = { "mmio", "ns/exit", GUEST(mmio), true, 10000, RUN_MMIO },
};

/* A hypervisor behind a few operations. */
struct hv {
	const char *name;
	void *(*create)(const struct workload_desc *wl, uint8_t **mem);
	/*
	 * RUN once; returns RUN_IO (with *port), RUN_MMIO (a read, answered
	 * with zeros) or RUN_HLT, aborts otherwise
	 */
	enum run_exit (*run)(void *vm, uint16_t *port);
	void (*destroy)(void *vm);
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	MINIVM_CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0, "clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void put_args(uint8_t *low_mem, const struct workload_desc *wl)
{
	uint32_t gpa = TOUCH_GPA;

	memcpy(low_mem + GUEST_DATA_GPA + ARG_COUNT, &wl->count, 4);
	memcpy(low_mem + GUEST_DATA_GPA + ARG_GPA, &gpa, 4);
}

/* ---- minivm, through the selftests' library ---- */

struct mv_vm {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

static void *mv_create(const struct workload_desc *wl, uint8_t **mem)
{
	struct mv_vm *v = calloc(1, sizeof(*v));
	struct minivm_sregs sregs;

	MINIVM_CHECK(v, "calloc");
	v->vm = vm_create_guest(wl->start, wl->end, &v->vcpu);
	*mem = vm_gpa2hva(v->vm, 0);
	if (wl->flat_ds) {
		if (wl->counted != RUN_MMIO)
			vm_add_memory(v->vm, 1, TOUCH_GPA,
				      (uint64_t)wl->count * MINIVM_PAGE_SIZE);
		vcpu_get_sregs(v->vcpu, &sregs);
		sregs.ds.limit = 0xffffffff;
		sregs.ds.g = 1;
		vcpu_set_sregs(v->vcpu, &sregs);
	}
	return v;
}

static enum run_exit mv_run(void *vm, uint16_t *port)
{
	struct mv_vm *v = vm;
	struct minivm_run *run = v->vcpu->run;
	char desc[1024];

	MINIVM_CHECK(__vcpu_run(v->vcpu) == 0, "MINIVM_RUN: %s",
		     vcpu_describe_exit(v->vcpu, desc, sizeof(desc)));
	switch (run->exit_reason) {
	case MINIVM_EXIT_IO:
		*port = run->io.port;
		return RUN_IO;
	case MINIVM_EXIT_MMIO:
		if (run->mmio.is_write)
			break;
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		return RUN_MMIO;
	case MINIVM_EXIT_HLT:
		return RUN_HLT;
	}
	MINIVM_FAIL("minivm: unexpected exit %s",
		    vcpu_describe_exit(v->vcpu, desc, sizeof(desc)));
}

static void mv_destroy(void *vm)
{
	struct mv_vm *v = vm;

	vm_free(v->vm);
	free(v);
}

/* ---- KVM, with raw ioctls ---- */

struct kvm_vm {
	int dev_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	void *mem[2];
	size_t mem_size[2];
};

static void kvm_add_memory(struct kvm_vm *v, uint32_t slot, uint64_t gpa,
			   uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
	};

	v->mem[slot] = minivm_alloc(size);
	v->mem_size[slot] = size;
	r.userspace_addr = (uintptr_t)v->mem[slot];
	MINIVM_CHECK(ioctl(v->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) == 0,
		     "KVM_SET_USER_MEMORY_REGION(slot %u, gpa 0x%" PRIx64
		     ", size 0x%" PRIx64 ")", slot, gpa, size);
}

static void *kvm_create(const struct workload_desc *wl, uint8_t **mem)
{
	struct kvm_vm *v = calloc(1, sizeof(*v));
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	long size;

	MINIVM_CHECK(v, "calloc");
	v->dev_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	MINIVM_CHECK(v->dev_fd >= 0, "open(%s)", KVM_DEV);
	MINIVM_CHECK(ioctl(v->dev_fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION,
		     "KVM_GET_API_VERSION");
	v->vm_fd = ioctl(v->dev_fd, KVM_CREATE_VM, 0);
	MINIVM_CHECK(v->vm_fd >= 0, "KVM_CREATE_VM");

	kvm_add_memory(v, 0, 0, GUEST_MEM_SIZE);
	MINIVM_CHECK((size_t)(wl->end - wl->start) <= GUEST_CODE_MAX,
		     "guest code too large");
	memcpy((uint8_t *)v->mem[0] + GUEST_CODE_GPA, wl->start, wl->end - wl->start);
	*mem = v->mem[0];
	if (wl->flat_ds && wl->counted != RUN_MMIO)
		kvm_add_memory(v, 1, TOUCH_GPA, (uint64_t)wl->count * MINIVM_PAGE_SIZE);

	v->vcpu_fd = ioctl(v->vm_fd, KVM_CREATE_VCPU, 0);
	MINIVM_CHECK(v->vcpu_fd >= 0, "KVM_CREATE_VCPU");
	size = ioctl(v->dev_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	MINIVM_CHECK(size >= (long)sizeof(struct kvm_run), "KVM_GET_VCPU_MMAP_SIZE");
	v->run_size = size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu_fd, 0);
	MINIVM_CHECK(v->run != MAP_FAILED, "mmap(kvm_run)");

	/* The same entry as vcpu_set_real_mode_entry(): CS = 0, IP = code. */
	MINIVM_CHECK(ioctl(v->vcpu_fd, KVM_GET_SREGS, &sregs) == 0, "KVM_GET_SREGS");
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	if (wl->flat_ds) {
		sregs.ds.limit = 0xffffffff;
		sregs.ds.g = 1;
	}
	MINIVM_CHECK(ioctl(v->vcpu_fd, KVM_SET_SREGS, &sregs) == 0, "KVM_SET_SREGS");
	MINIVM_CHECK(ioctl(v->vcpu_fd, KVM_GET_REGS, &regs) == 0, "KVM_GET_REGS");
	regs.rip = GUEST_CODE_GPA;
	regs.rsp = GUEST_STACK_TOP;
	regs.rflags = 2;
	MINIVM_CHECK(ioctl(v->vcpu_fd, KVM_SET_REGS, &regs) == 0, "KVM_SET_REGS");
	return v;
}

static enum run_exit kvm_run_once(void *vm, uint16_t *port)
{
	struct kvm_vm *v = vm;
	struct kvm_run *run = v->run;

	MINIVM_CHECK(ioctl(v->vcpu_fd, KVM_RUN, 0) == 0, "KVM_RUN (exit reason %u)",
		     run->exit_reason);
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		*port = run->io.port;
		return RUN_IO;
	case KVM_EXIT_MMIO:
		if (run->mmio.is_write)
			break;
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		return RUN_MMIO;
	case KVM_EXIT_HLT:
		return RUN_HLT;
	}
	errno = 0;
	MINIVM_FAIL("KVM: unexpected exit reason %u (internal suberror %u)",
		    run->exit_reason, run->internal.suberror);
}

static void kvm_destroy(void *vm)
{
	struct kvm_vm *v = vm;
	unsigned int i;

	munmap(v->run, v->run_size);
	close(v->vcpu_fd);
	close(v->vm_fd);
	close(v->dev_fd);
	for (i = 0; i < ARRAY_SIZE(v->mem); i++)
		if (v->mem[i])
			munmap(v->mem[i], v->mem_size[i]);
	free(v);
}

static const struct hv hvs[] = {
	{ "minivm", mv_create, mv_run, mv_destroy },
	{ "kvm", kvm_create, kvm_run_once, kvm_destroy },
};

/* ---- the measurement ---- */

/* One run of a workload on a fresh VM: nanoseconds after the start exit. */
static uint64_t run_once(const struct hv *hv, const struct workload_desc *wl)
{
	uint32_t exits = 0;
	enum run_exit e;
	uint64_t t0, t1;
	uint16_t port = 0;
	uint8_t *mem;
	void *vm;

	vm = hv->create(wl, &mem);
	put_args(mem, wl);
	errno = 0;
	MINIVM_CHECK(hv->run(vm, &port) == RUN_IO && port == START_PORT,
		     "%s %s: the guest did not reach its start OUT", hv->name, wl->name);

	t0 = now_ns();
	while ((e = hv->run(vm, &port)) != RUN_HLT) {
		MINIVM_CHECK(e == wl->counted && (e != RUN_IO || port == IO_PORT),
			     "%s %s: an unexpected %s exit (port 0x%x)",
			     hv->name, wl->name, e == RUN_IO ? "I/O" : "MMIO",
			     port);
		exits++;
	}
	t1 = now_ns();

	MINIVM_CHECK(exits == (wl->counted == RUN_HLT ? 0 : wl->count),
		     "%s %s: %u exits", hv->name, wl->name, exits);
	hv->destroy(vm);
	return t1 - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The figure the table shows, from a run's nanoseconds. */
static double figure(enum workload w, uint64_t ns)
{
	if (w == WL_COMPUTE)
		return ns / 1e6;
	return (double)ns / workloads[w].count;
}

static bool present(const char *dev)
{
	struct stat st;

	if (stat(dev, &st) == 0)
		return true;
	fprintf(stderr, "exit_bench: %s: %s\n", dev, strerror(errno));
	return false;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: exit_bench [-e IO_EXITS] [-l LOOP_ITERATIONS] [-p PAGES]\n"
		"  runs the same guests under /dev/minivm, then /dev/kvm (as root,\n"
		"  with minivm.ko and kvm_intel loaded) and prints the medians of %d runs\n",
		REPEATS);
	exit(2);
}

static uint32_t parse_count(const char *s, uint32_t max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v == 0 || v > max)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	uint64_t ns[ARRAY_SIZE(hvs)][NR_WORKLOADS][REPEATS];
	double med[ARRAY_SIZE(hvs)][NR_WORKLOADS];
	unsigned int h, w, r;
	bool ok;
	int opt;

	while ((opt = getopt(argc, argv, "e:l:p:h")) != -1) {
		switch (opt) {
		case 'e':
			workloads[WL_IO].count = parse_count(optarg, UINT32_MAX);
			break;
		case 'l':
			workloads[WL_COMPUTE].count = parse_count(optarg, UINT32_MAX);
			break;
		case 'p':
			workloads[WL_TOUCH].count = parse_count(optarg, 65536);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	/* Both, or no measurement at all. */
	ok = present(MINIVM_DEV);
	ok = present(KVM_DEV) && ok;
	if (!ok) {
		fprintf(stderr, "exit_bench: needs both %s (insmod minivm.ko) and %s (kvm_intel)\n",
			MINIVM_DEV, KVM_DEV);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* All of minivm, then all of KVM: never both VMs at once. */
	for (h = 0; h < ARRAY_SIZE(hvs); h++) {
		for (w = 0; w < NR_WORKLOADS; w++) {
			for (r = 0; r < REPEATS; r++)
				ns[h][w][r] = run_once(&hvs[h], &workloads[w]);
			printf("# %-6s %-7s %8u:", hvs[h].name, workloads[w].name,
			       workloads[w].count);
			for (r = 0; r < REPEATS; r++)
				printf(" %" PRIu64, ns[h][w][r]);
			printf(" ns\n");
			qsort(ns[h][w], REPEATS, sizeof(ns[h][w][0]), cmp_u64);
			med[h][w] = figure(w, ns[h][w][REPEATS / 2]);
		}
	}

	printf("exit_bench: minivm vs KVM, median of %d runs (CLOCK_MONOTONIC)\n", REPEATS);
	printf("%-34s %12s %12s %10s\n", "workload", "minivm", "kvm", "minivm/kvm");
	for (w = 0; w < NR_WORKLOADS; w++) {
		char label[64];

		switch (w) {
		case WL_IO:
			snprintf(label, sizeof(label), "port I/O exit, %u (ns/exit)",
				 workloads[w].count);
			break;
		case WL_COMPUTE:
			snprintf(label, sizeof(label), "compute loop, %u iter (ms)",
				 workloads[w].count);
			break;
		case WL_TOUCH:
			snprintf(label, sizeof(label), "first touch, %u pages (ns/page)",
				 workloads[w].count);
			break;
		case WL_CPUID:
			snprintf(label, sizeof(label), "CPUID in kernel, %u (ns/insn)",
				 workloads[w].count);
			break;
		default:
			snprintf(label, sizeof(label), "MMIO read round trip, %u (ns)",
				 workloads[w].count);
			break;
		}
		printf("%-34s %12.1f %12.1f %10.2f\n", label, med[0][w], med[1][w],
		       med[0][w] / med[1][w]);
	}
	return 0;
}
