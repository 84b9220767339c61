// SPDX-License-Identifier: GPL-2.0
/*
 * minivm selftests: library (see include/minivm_util.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <asm/vmx.h>

#include "minivm_util.h"

void __minivm_fail(const char *file, int line, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "# %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %s: %s)\n", errno_name(err), strerror(err));
	abort();
}

const char *errno_name(int err)
{
	static __thread char buf[16];
	const char *name;

	if (err == 0)
		return "0 (no error)";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

bool minivm_present(void)
{
	struct stat st;

	return stat(MINIVM_DEV, &st) == 0 || errno != ENOENT;
}

int minivm_open(void)
{
	int fd = open(MINIVM_DEV, O_RDWR | O_CLOEXEC);

	MINIVM_CHECK(fd >= 0, "open(%s)", MINIVM_DEV);
	return fd;
}

long minivm_check_extension(int fd, long cap)
{
	long r = ioctl(fd, MINIVM_CHECK_EXTENSION, cap);

	MINIVM_CHECK(r >= 0, "MINIVM_CHECK_EXTENSION(%ld) returned %ld", cap, r);
	return r;
}

size_t minivm_vcpu_mmap_size(int dev_fd)
{
	long r = ioctl(dev_fd, MINIVM_GET_VCPU_MMAP_SIZE, 0);

	MINIVM_CHECK(r > 0, "MINIVM_GET_VCPU_MMAP_SIZE returned %ld", r);
	MINIVM_CHECK((size_t)r >= sizeof(struct minivm_run),
		     "MINIVM_GET_VCPU_MMAP_SIZE %ld < sizeof(struct minivm_run) %zu",
		     r, sizeof(struct minivm_run));
	return r;
}

struct minivm_vm *vm_create_barebones(void)
{
	struct minivm_vm *vm = calloc(1, sizeof(*vm));

	MINIVM_CHECK(vm, "calloc");
	vm->dev_fd = minivm_open();
	vm->run_size = minivm_vcpu_mmap_size(vm->dev_fd);
	vm->fd = ioctl(vm->dev_fd, MINIVM_CREATE_VM, 0);
	MINIVM_CHECK(vm->fd >= 0, "MINIVM_CREATE_VM returned %d", vm->fd);
	return vm;
}

struct minivm_vm *vm_create(void)
{
	struct minivm_vm *vm = vm_create_barebones();

	vm_add_memory(vm, 0, 0, GUEST_MEM_SIZE);
	return vm;
}

void vm_free(struct minivm_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	for (i = 0; i < ARRAY_SIZE(vm->vcpus); i++)
		vcpu_free(vm->vcpus[i]);
	if (vm->fd >= 0)
		MINIVM_CHECK(close(vm->fd) == 0, "close(VM fd)");
	if (vm->dev_fd >= 0)
		MINIVM_CHECK(close(vm->dev_fd) == 0, "close(/dev/minivm fd)");
	/* Guest memory goes after the VM, which maps it until then. */
	for (i = 0; i < ARRAY_SIZE(vm->mem); i++)
		if (vm->mem[i].used)
			munmap(vm->mem[i].hva, vm->mem[i].size);
	free(vm);
}

void *minivm_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	MINIVM_CHECK(p != MAP_FAILED, "mmap(%zu bytes of anonymous memory)", size);
	return p;
}

int __vm_set_region(int vm_fd, const struct minivm_userspace_memory_region *r)
{
	return ioctl(vm_fd, MINIVM_SET_USER_MEMORY_REGION, r);
}

int __vm_set_memory_region(struct minivm_vm *vm, uint32_t slot, uint32_t flags,
			   uint64_t gpa, uint64_t size, const void *hva)
{
	struct minivm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return __vm_set_region(vm->fd, &r);
}

void *vm_add_memory(struct minivm_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size)
{
	void *hva;

	MINIVM_CHECK(slot < MINIVM_MAX_MEMSLOTS && !vm->mem[slot].used,
		     "%s: slot %u is not free in the library's table", __func__, slot);
	hva = minivm_alloc(size);
	MINIVM_CHECK(__vm_set_memory_region(vm, slot, 0, gpa, size, hva) == 0,
		     "MINIVM_SET_USER_MEMORY_REGION(slot %u, gpa 0x%" PRIx64
		     ", size 0x%" PRIx64 ", uaddr %p)", slot, gpa, size, hva);
	vm->mem[slot] = (struct minivm_mem){
		.used = true, .gpa = gpa, .size = size, .hva = hva,
	};
	return hva;
}

void vm_delete_memory(struct minivm_vm *vm, uint32_t slot)
{
	MINIVM_CHECK(slot < MINIVM_MAX_MEMSLOTS && vm->mem[slot].used,
		     "%s: slot %u not in use", __func__, slot);
	MINIVM_CHECK(__vm_set_memory_region(vm, slot, 0, 0, 0, NULL) == 0,
		     "MINIVM_SET_USER_MEMORY_REGION(delete slot %u)", slot);
	munmap(vm->mem[slot].hva, vm->mem[slot].size);
	vm->mem[slot].used = false;
}

void *vm_gpa2hva(struct minivm_vm *vm, uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vm->mem); i++) {
		struct minivm_mem *m = &vm->mem[i];

		if (m->used && gpa >= m->gpa && gpa - m->gpa < m->size)
			return (uint8_t *)m->hva + (gpa - m->gpa);
	}
	MINIVM_FAIL("%s: no memory slot holds gpa 0x%" PRIx64, __func__, gpa);
}

void vm_load_guest(struct minivm_vm *vm, uint64_t gpa,
		   const uint8_t *start, const uint8_t *end)
{
	size_t len = end - start;
	uint8_t *dst = vm_gpa2hva(vm, gpa);

	MINIVM_CHECK(end > start, "%s: empty guest code", __func__);
	/* The whole image must lie in the slot that holds its first byte. */
	MINIVM_CHECK((uint8_t *)vm_gpa2hva(vm, gpa + len - 1) == dst + len - 1,
		     "%s: code at 0x%" PRIx64 " crosses a slot boundary", __func__, gpa);
	memcpy(dst, start, len);
}

int __vm_create_vcpu(struct minivm_vm *vm, unsigned long id)
{
	return ioctl(vm->fd, MINIVM_CREATE_VCPU, id);
}

struct minivm_vcpu *vm_vcpu_add(struct minivm_vm *vm, uint32_t id)
{
	struct minivm_vcpu *vcpu = calloc(1, sizeof(*vcpu));
	void *run;

	MINIVM_CHECK(vcpu, "calloc");
	MINIVM_CHECK(id < MINIVM_MAX_VCPUS && !vm->vcpus[id],
		     "%s: vCPU %u exists in the library's table", __func__, id);
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = __vm_create_vcpu(vm, id);
	MINIVM_CHECK(vcpu->fd >= 0, "MINIVM_CREATE_VCPU(%u)", id);
	vcpu->run_size = vm->run_size;
	run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	MINIVM_CHECK(run != MAP_FAILED, "mmap(vCPU %u run area, %zu bytes)",
		     id, vcpu->run_size);
	vcpu->run = run;
	vm->vcpus[id] = vcpu;
	return vcpu;
}

void vcpu_free(struct minivm_vcpu *vcpu)
{
	if (!vcpu)
		return;
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		MINIVM_CHECK(close(vcpu->fd) == 0, "close(vCPU fd)");
	if (vcpu->vm && vcpu->vm->vcpus[vcpu->id] == vcpu)
		vcpu->vm->vcpus[vcpu->id] = NULL;
	free(vcpu);
}

void vcpu_get_regs(struct minivm_vcpu *vcpu, struct minivm_regs *regs)
{
	MINIVM_CHECK(ioctl(vcpu->fd, MINIVM_GET_REGS, regs) == 0,
		     "MINIVM_GET_REGS(vCPU %u)", vcpu->id);
}

void vcpu_set_regs(struct minivm_vcpu *vcpu, const struct minivm_regs *regs)
{
	MINIVM_CHECK(ioctl(vcpu->fd, MINIVM_SET_REGS, regs) == 0,
		     "MINIVM_SET_REGS(vCPU %u)", vcpu->id);
}

void vcpu_get_sregs(struct minivm_vcpu *vcpu, struct minivm_sregs *sregs)
{
	MINIVM_CHECK(ioctl(vcpu->fd, MINIVM_GET_SREGS, sregs) == 0,
		     "MINIVM_GET_SREGS(vCPU %u)", vcpu->id);
}

void vcpu_set_sregs(struct minivm_vcpu *vcpu, const struct minivm_sregs *sregs)
{
	MINIVM_CHECK(ioctl(vcpu->fd, MINIVM_SET_SREGS, sregs) == 0,
		     "MINIVM_SET_SREGS(vCPU %u)", vcpu->id);
}

uint64_t vcpu_get_rip(struct minivm_vcpu *vcpu)
{
	struct minivm_regs regs;

	vcpu_get_regs(vcpu, &regs);
	return regs.rip;
}

void vcpu_set_real_mode_entry(struct minivm_vcpu *vcpu, uint16_t cs,
			      uint16_t ip, uint16_t sp)
{
	struct minivm_sregs sregs;
	struct minivm_regs regs;

	/* Keep the reset state's hidden parts (limit 0xffff, type, ...). */
	vcpu_get_sregs(vcpu, &sregs);
	sregs.cs.selector = cs;
	sregs.cs.base = (uint64_t)cs << 4;
	vcpu_set_sregs(vcpu, &sregs);

	vcpu_get_regs(vcpu, &regs);
	regs.rip = ip;
	regs.rsp = sp;
	vcpu_set_regs(vcpu, &regs);
}

struct minivm_vm *vm_create_guest(const uint8_t *start, const uint8_t *end,
				  struct minivm_vcpu **vcpu)
{
	struct minivm_vm *vm = vm_create();

	MINIVM_CHECK((size_t)(end - start) <= GUEST_CODE_MAX,
		     "guest code of %zu bytes does not fit", (size_t)(end - start));
	vm_load_guest(vm, GUEST_CODE_GPA, start, end);
	*vcpu = vm_vcpu_add(vm, 0);
	vcpu_set_real_mode_entry(*vcpu, 0, GUEST_CODE_GPA, GUEST_STACK_TOP);
	return vm;
}

int __vcpu_run(struct minivm_vcpu *vcpu)
{
	int r = ioctl(vcpu->fd, MINIVM_RUN, 0);

	vcpu->run_errno = r < 0 ? errno : 0;
	if (r < 0)
		errno = vcpu->run_errno;
	return r;
}

static void *io_data_ptr(struct minivm_vcpu *vcpu)
{
	struct minivm_run *run = vcpu->run;

	MINIVM_CHECK(run->exit_reason == MINIVM_EXIT_IO,
		     "not an IO exit (exit reason %u)", run->exit_reason);
	MINIVM_CHECK(run->io.size == 1 || run->io.size == 2 || run->io.size == 4,
		     "IO exit with size %u", run->io.size);
	MINIVM_CHECK(run->io.data_offset <= vcpu->run_size - run->io.size,
		     "IO data_offset 0x%llx outside the %zu-byte run area",
		     (unsigned long long)run->io.data_offset, vcpu->run_size);
	return (uint8_t *)run + run->io.data_offset;
}

uint32_t vcpu_io_data(struct minivm_vcpu *vcpu)
{
	uint32_t val = 0;

	memcpy(&val, io_data_ptr(vcpu), vcpu->run->io.size);
	return val;
}

void vcpu_io_set_data(struct minivm_vcpu *vcpu, uint32_t val)
{
	memcpy(io_data_ptr(vcpu), &val, vcpu->run->io.size);
}

const char *exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[MINIVM_EXIT_UNKNOWN] = "UNKNOWN",
		[MINIVM_EXIT_IO] = "IO",
		[MINIVM_EXIT_HLT] = "HLT",
		[MINIVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[MINIVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[MINIVM_EXIT_INTR] = "INTR",
		[MINIVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[MINIVM_EXIT_MMIO] = "MMIO",
		[MINIVM_EXIT_X86_RDMSR] = "X86_RDMSR",
		[MINIVM_EXIT_X86_WRMSR] = "X86_WRMSR",
		[MINIVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	};

	if (reason < ARRAY_SIZE(names) && names[reason])
		return names[reason];
	return "(undefined exit reason)";
}

const char *vmx_exit_reason_name(uint32_t basic_reason)
{
	static const struct { uint32_t reason; const char *name; } names[] = {
		VMX_EXIT_REASONS
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].reason == basic_reason)
			return names[i].name;
	return "?";
}

static const char *suberror_name(uint32_t suberror)
{
	switch (suberror) {
	case MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT:
		return "UNHANDLED_EXIT";
	case MINIVM_INTERNAL_ERROR_DELIVERY_EV:
		return "DELIVERY_EV";
	default:
		return "?";
	}
}

char *vcpu_describe_exit(struct minivm_vcpu *vcpu, char *buf, size_t len)
{
	struct minivm_run *run = vcpu->run;
	struct minivm_regs regs;
	size_t n = 0;
	uint32_t i;

#define ADD(...) do {							\
	if (n < len)							\
		n += snprintf(buf + n, len - n, __VA_ARGS__);		\
} while (0)

	ADD("%s (%u)", exit_reason_name(run->exit_reason), run->exit_reason);
	switch (run->exit_reason) {
	case MINIVM_EXIT_IO:
		ADD(": %s port 0x%x size %u count %u data_offset 0x%llx",
		    run->io.direction == MINIVM_EXIT_IO_OUT ? "OUT" :
		    run->io.direction == MINIVM_EXIT_IO_IN ? "IN" : "dir?",
		    run->io.port, run->io.size, run->io.count,
		    (unsigned long long)run->io.data_offset);
		if ((run->io.size == 1 || run->io.size == 2 || run->io.size == 4) &&
		    run->io.data_offset <= vcpu->run_size - run->io.size) {
			uint32_t val = 0;

			memcpy(&val, (uint8_t *)run + run->io.data_offset, run->io.size);
			ADD(" data 0x%x", val);
			if (run->io.direction == MINIVM_EXIT_IO_OUT &&
			    run->io.port == UCALL_FAIL_PORT)
				ADD(" = GUEST_FAIL(0x%x): a check in the guest failed", val);
		}
		break;
	case MINIVM_EXIT_FAIL_ENTRY: {
		uint64_t r = run->fail_entry.hardware_entry_failure_reason;

		ADD(": hardware_entry_failure_reason 0x%llx (basic reason %u %s%s) qualification 0x%llx cpu %u",
		    (unsigned long long)r, (uint32_t)(r & 0xffff),
		    vmx_exit_reason_name(r & 0xffff),
		    (r & VMX_EXIT_REASONS_FAILED_VMENTRY) ? ", VM-entry failure" : "",
		    (unsigned long long)run->fail_entry.qualification,
		    run->fail_entry.cpu);
		break;
	}
	case MINIVM_EXIT_INTERNAL_ERROR:
		ADD(": suberror %u (%s) ndata %u", run->internal.suberror,
		    suberror_name(run->internal.suberror), run->internal.ndata);
		if (run->internal.ndata >= 5 &&
		    (run->internal.suberror == MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT ||
		     run->internal.suberror == MINIVM_INTERNAL_ERROR_DELIVERY_EV))
			ADD(" [raw VMX exit reason %llu %s, qualification 0x%llx, guest RIP 0x%llx, instruction length %llu, IDT-vectoring info 0x%llx]",
			    (unsigned long long)run->internal.data[0],
			    vmx_exit_reason_name(run->internal.data[0] & 0xffff),
			    (unsigned long long)run->internal.data[1],
			    (unsigned long long)run->internal.data[2],
			    (unsigned long long)run->internal.data[3],
			    (unsigned long long)run->internal.data[4]);
		ADD(" data[]:");
		for (i = 0; i < run->internal.ndata && i < ARRAY_SIZE(run->internal.data); i++)
			ADD(" 0x%llx", (unsigned long long)run->internal.data[i]);
		break;
	default:
		break;
	}
	/* Where the guest is, when the vCPU can still tell. */
	if (vcpu->fd >= 0 && ioctl(vcpu->fd, MINIVM_GET_REGS, &regs) == 0)
		ADD("; rip 0x%llx rax 0x%llx rdx 0x%llx rflags 0x%llx",
		    (unsigned long long)regs.rip, (unsigned long long)regs.rax,
		    (unsigned long long)regs.rdx, (unsigned long long)regs.rflags);
#undef ADD
	return buf;
}

int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	MINIVM_CHECK(d, "opendir(/proc/self/fd)");
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

uint64_t stats_fd_get(int fd, const char *name)
{
	struct minivm_stats_header hdr;
	char buf[sizeof(struct minivm_stats_desc) + 256];
	struct minivm_stats_desc *d = (void *)buf;
	uint64_t val;
	size_t dsize;
	uint32_t i;

	MINIVM_CHECK(pread(fd, &hdr, sizeof(hdr), 0) == sizeof(hdr), "header");
	dsize = sizeof(*d) + hdr.name_size;
	MINIVM_CHECK(dsize <= sizeof(buf), "name size %u", hdr.name_size);
	for (i = 0; i < hdr.num_desc; i++) {
		MINIVM_CHECK(pread(fd, buf, dsize, hdr.desc_offset + i * dsize) ==
			     (ssize_t)dsize, "descriptor %u", i);
		if (strncmp(d->name, name, hdr.name_size))
			continue;
		MINIVM_CHECK(pread(fd, &val, sizeof(val),
				   hdr.data_offset + d->offset) == sizeof(val),
			     "value of %s", name);
		return val;
	}
	MINIVM_FAIL("no statistic %s", name);
}

uint64_t vm_stat(struct minivm_vm *vm, const char *name)
{
	int fd = ioctl(vm->fd, MINIVM_GET_STATS_FD, 0);
	uint64_t val;

	MINIVM_CHECK(fd >= 0, "MINIVM_GET_STATS_FD");
	val = stats_fd_get(fd, name);
	close(fd);
	return val;
}
