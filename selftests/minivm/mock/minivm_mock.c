// SPDX-License-Identifier: GPL-2.0
/*
 * A userspace stand-in for /dev/minivm, for checking the selftests' own
 * logic on a machine without VMX (make mock-check). It follows the
 * behaviour in the spec (Documentation/api.rst): the errors of every ioctl,
 * memory slots (VM_IO/VM_PFNMAP seen through /proc/self/smaps), the run
 * area, and a real-mode vCPU emulated by the unicorn engine with the exits
 * minivm gives (IN/OUT, HLT, triple fault, VMCALL and unbacked memory as
 * INTERNAL_ERROR, FAIL_ENTRY for a rejected TR or CS).
 *
 * The test objects are linked against it with -Wl,--wrap=open,... so their
 * calls to open/close/ioctl/mmap/stat/readlink/sigaction land here first;
 * calls on anything that is not a minivm fd go to the real functions.
 *
 * It proves the tests consistent with the spec, nothing about the module:
 * only the real thing, under VMX, tests that. Objects are never freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicorn/unicorn.h>
#include <linux/minivm.h>

int __real_open(const char *path, int flags, ...);
int __real_close(int fd);
int __real_ioctl(int fd, unsigned long req, ...);
void *__real_mmap(void *a, size_t l, int p, int f, int fd, off_t o);
int __real_stat(const char *path, struct stat *st);
ssize_t __real_readlink(const char *path, char *buf, size_t len);
int __real_sigaction(int sig, const struct sigaction *sa, struct sigaction *old);

enum kind { K_NONE, K_DEV, K_VM, K_VCPU };
struct mvm;
struct mvcpu {
	struct mvm *vm;
	int id, memfd;
	struct minivm_run *run;
	struct minivm_regs regs;
	struct minivm_sregs sregs;
	uc_engine *uc;
	bool in_pending;
	uint8_t in_size;
	/* exit bookkeeping during a run */
	int exit;	/* 0: none */
	uint64_t exit_ip;
};
struct slot { bool used; uint64_t gpa, size, uaddr; };
struct mvm {
	pid_t owner;
	bool dead;
	struct slot slots[MINIVM_MAX_MEMSLOTS];
	struct mvcpu *vcpus[MINIVM_MAX_VCPUS];
};
static struct { enum kind kind; void *obj; } fds[4096];
static volatile sig_atomic_t mock_sig;
static void (*user_handler[65])(int);

static int fail(int err) { errno = err; return -1; }

static bool absent(void) { return getenv("MOCK_ABSENT") != NULL; }

int __wrap_stat(const char *path, struct stat *st)
{
	if (!strcmp(path, "/dev/minivm")) {
		if (absent())
			return fail(ENOENT);
		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFCHR | 0666;
		return 0;
	}
	return __real_stat(path, st);
}

int __wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	int mode, fd;

	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	if (!strcmp(path, "/dev/minivm")) {
		if (absent())
			return fail(ENOENT);
		fd = __real_open("/dev/null", flags);
		if (fd >= 0)
			fds[fd].kind = K_DEV;
		return fd;
	}
	return __real_open(path, flags, mode);
}

int __wrap_close(int fd)
{
	if (fd >= 0 && fd < 4096)
		fds[fd].kind = K_NONE;
	return __real_close(fd);
}

ssize_t __wrap_readlink(const char *path, char *buf, size_t len)
{
	int fd;

	if (sscanf(path, "/proc/self/fd/%d", &fd) == 1 && fd >= 0 && fd < 4096 &&
	    (fds[fd].kind == K_VM || fds[fd].kind == K_VCPU)) {
		const char *n = fds[fd].kind == K_VM ? "anon_inode:minivm-vm" : "anon_inode:minivm-vcpu";
		size_t l = strlen(n) < len ? strlen(n) : len;

		memcpy(buf, n, l);
		return l;
	}
	return __real_readlink(path, buf, len);
}

static void mock_handler(int sig)
{
	mock_sig = 1;
	if (user_handler[sig])
		user_handler[sig](sig);
}

int __wrap_sigaction(int sig, const struct sigaction *sa, struct sigaction *old)
{
	if (sa && !(sa->sa_flags & SA_SIGINFO) && sa->sa_handler != SIG_DFL &&
	    sa->sa_handler != SIG_IGN && sig > 0 && sig < 65) {
		struct sigaction copy = *sa;

		user_handler[sig] = sa->sa_handler;
		copy.sa_handler = mock_handler;
		return __real_sigaction(sig, &copy, old);
	}
	return __real_sigaction(sig, sa, old);
}

void *__wrap_mmap(void *a, size_t l, int p, int f, int fd, off_t o)
{
	if (fd >= 0 && fd < 4096 && fds[fd].kind == K_VCPU) {
		struct mvcpu *v = fds[fd].obj;

		if (o != 0 || l > 4096) {
			errno = EINVAL;
			return MAP_FAILED;
		}
		(void)v;
		return __real_mmap(a, l, p, f, fd, 0);
	}
	return __real_mmap(a, l, p, f, fd, o);
}

/* copy_from_user / copy_to_user with EFAULT, via a pipe */
static int pipefd[2] = { -1, -1 };

/* before any test counts its fds */
static void __attribute__((constructor)) make_pipe(void)
{
	if (pipe2(pipefd, O_CLOEXEC))
		abort();
}
static int copy_in(void *dst, const void *src, size_t n)
{
	if (pipefd[0] < 0 && pipe(pipefd))
		abort();
	if (write(pipefd[1], src, n) != (ssize_t)n)
		return -EFAULT;
	if (read(pipefd[0], dst, n) != (ssize_t)n)
		abort();
	return 0;
}
static int copy_out(void *dst, const void *src, size_t n)
{
	if (pipefd[0] < 0 && pipe(pipefd))
		abort();
	if (write(pipefd[1], src, n) != (ssize_t)n)
		abort();
	if (read(pipefd[0], dst, n) != (ssize_t)n) {
		char junk[4096];

		if (read(pipefd[0], junk, n) < 0)
			abort();
		return -EFAULT;
	}
	return 0;
}

static long check_extension(long cap)
{
	switch (cap) {
	case MINIVM_CAP_USER_MEMORY: return 1;
	case MINIVM_CAP_NR_MEMSLOTS: return MINIVM_MAX_MEMSLOTS;
	case MINIVM_CAP_MAX_VCPUS: return MINIVM_MAX_VCPUS;
	case MINIVM_CAP_UNRESTRICTED_GUEST: return 1;
	case MINIVM_CAP_IMMEDIATE_EXIT: return 1;
	default: return 0;
	}
}

static int new_fd(const char *name, enum kind k, void *obj)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	fds[fd].kind = k;
	fds[fd].obj = obj;
	return fd;
}

static void reset_state(struct mvcpu *v)
{
	struct minivm_segment data = { .limit = 0xffff, .type = 3, .present = 1, .s = 1 };

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rip = 0xfff0;
	v->regs.rflags = 2;
	memset(&v->sregs, 0, sizeof(v->sregs));
	v->sregs.cs = (struct minivm_segment){ .base = 0xffff0000, .limit = 0xffff,
		.selector = 0xf000, .type = 11, .present = 1, .s = 1 };
	v->sregs.ds = v->sregs.es = v->sregs.fs = v->sregs.gs = v->sregs.ss = data;
	v->sregs.tr = (struct minivm_segment){ .limit = 0xffff, .type = 11, .present = 1 };
	v->sregs.ldt = (struct minivm_segment){ .limit = 0xffff, .type = 2, .present = 1 };
	v->sregs.gdt.limit = 0xffff;
	v->sregs.idt.limit = 0xffff;
	v->sregs.cr0 = 0x60000010;
}

/* VMA checks from /proc/self/smaps: 0 ok, -EFAULT hole, -EINVAL io/pfnmap */
static int check_vmas(uint64_t start, uint64_t end)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	uint64_t cur = start, vs = 0, ve = 0;
	bool in = false;
	int ret = 0;

	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;

		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) == 3) {
			vs = a; ve = b;
			in = ve > start && vs < end;
			if (in) {
				if (vs > cur && ret == 0)
					ret = -EFAULT;
				if (ve > cur)
					cur = ve;
			}
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8) &&
		    (strstr(line, " io") || strstr(line, " pf")))
			ret = ret ? ret : -EINVAL;
	}
	fclose(f);
	if (cur < end && ret == 0)
		ret = -EFAULT;
	return ret;
}

static void uc_remap(struct mvm *vm)
{
	for (int i = 0; i < MINIVM_MAX_VCPUS; i++) {
		struct mvcpu *v = vm->vcpus[i];
		uc_mem_region *regions;
		uint32_t n;

		if (!v)
			continue;
		if (uc_mem_regions(v->uc, &regions, &n) == UC_ERR_OK) {
			for (uint32_t j = 0; j < n; j++)
				uc_mem_unmap(v->uc, regions[j].begin, regions[j].end - regions[j].begin + 1);
			uc_free(regions);
		}
		for (int s = 0; s < MINIVM_MAX_MEMSLOTS; s++)
			if (vm->slots[s].used &&
			    uc_mem_map_ptr(v->uc, vm->slots[s].gpa, vm->slots[s].size, UC_PROT_ALL,
					   (void *)(uintptr_t)vm->slots[s].uaddr) != UC_ERR_OK)
				fprintf(stderr, "mock: uc_mem_map_ptr failed for slot %d\n", s);
	}
}

static int set_region(struct mvm *vm, void *arg)
{
	struct minivm_userspace_memory_region r;
	uint64_t end;
	int i, ret;

	if (copy_in(&r, arg, sizeof(r)))
		return fail(EFAULT);
	if (r.slot >= MINIVM_MAX_MEMSLOTS || r.flags || r.reserved[0] || r.reserved[1])
		return fail(EINVAL);
	if ((r.guest_phys_addr | r.memory_size | r.userspace_addr) & 0xfff)
		return fail(EINVAL);
	/* a 39-bit guest-physical space; the user half of 4-level paging */
	if (__builtin_add_overflow(r.guest_phys_addr, r.memory_size, &end) || end > (1ULL << 39))
		return fail(EINVAL);
	if (__builtin_add_overflow(r.userspace_addr, r.memory_size, &end) || end > 0x7ffffffff000ULL)
		return fail(EINVAL);
	if (r.memory_size == 0) {
		if (!vm->slots[r.slot].used)
			return fail(ENOENT);
		vm->slots[r.slot].used = false;
		uc_remap(vm);
		return 0;
	}
	if (vm->slots[r.slot].used)
		return fail(EEXIST);
	for (i = 0; i < MINIVM_MAX_MEMSLOTS; i++) {
		struct slot *s = &vm->slots[i];

		if (s->used && r.guest_phys_addr < s->gpa + s->size &&
		    s->gpa < r.guest_phys_addr + r.memory_size)
			return fail(EEXIST);
	}
	ret = check_vmas(r.userspace_addr, r.userspace_addr + r.memory_size);
	if (ret)
		return fail(-ret);
	vm->slots[r.slot] = (struct slot){ true, r.guest_phys_addr, r.memory_size, r.userspace_addr };
	uc_remap(vm);
	return 0;
}

enum { X_NONE, X_HLT, X_IO, X_SHUTDOWN, X_INTERNAL };

static void code_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *opaque)
{
	struct mvcpu *v = opaque;
	struct minivm_run *run = v->run;
	uint8_t b[4] = {};
	uint32_t eip, eax, edx, len;
	bool op32 = false;
	int i = 0;

	(void)size;
	uc_mem_read(uc, addr, b, 3);
	uc_reg_read(uc, UC_X86_REG_EIP, &eip);
	if (b[0] == 0xf4) {
		eip += 1;
		uc_reg_write(uc, UC_X86_REG_EIP, &eip);
		v->exit = X_HLT;
		uc_emu_stop(uc);
		return;
	}
	if (b[0] == 0x0f && b[1] == 0x01 && b[2] == 0xc1) {
		v->exit = X_INTERNAL;
		memset(&run->internal, 0, sizeof(run->internal));
		run->internal.suberror = MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT;
		run->internal.ndata = 5;
		run->internal.data[0] = 18;
		run->internal.data[2] = eip;
		run->internal.data[3] = 3;
		uc_emu_stop(uc);
		return;
	}
	if (b[0] == 0x66) {
		op32 = true;
		i = 1;
	}
	uc_reg_read(uc, UC_X86_REG_EAX, &eax);
	uc_reg_read(uc, UC_X86_REG_EDX, &edx);
	switch (b[i]) {
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:
		run->io.port = b[i + 1];
		len = i + 2;
		break;
	case 0xec: case 0xed: case 0xee: case 0xef:
		run->io.port = edx & 0xffff;
		len = i + 1;
		break;
	default:
		return;
	}
	run->io.size = (b[i] & 1) ? (op32 ? 4 : 2) : 1;
	run->io.direction = (b[i] & 2) ? MINIVM_EXIT_IO_OUT : MINIVM_EXIT_IO_IN;
	run->io.count = 1;
	run->io.data_offset = 256;
	if (run->io.direction == MINIVM_EXIT_IO_OUT)
		memcpy((uint8_t *)run + 256, &eax, run->io.size);
	else {
		v->in_pending = true;
		v->in_size = run->io.size;
	}
	eip += len;
	uc_reg_write(uc, UC_X86_REG_EIP, &eip);
	v->exit = X_IO;
	uc_emu_stop(uc);
}

static void intr_hook(uc_engine *uc, uint32_t intno, void *opaque)
{
	struct mvcpu *v = opaque;
	uc_x86_mmr idtr;

	uc_reg_read(uc, UC_X86_REG_IDTR, &idtr);
	if (intno * 4 + 3 > idtr.limit) {
		v->exit = X_SHUTDOWN;
	} else {
		v->exit = X_INTERNAL;
		v->run->internal.suberror = 99;	/* mock: no IVT delivery */
	}
	uc_emu_stop(uc);
}

static bool unmapped_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			  int64_t value, void *opaque)
{
	struct mvcpu *v = opaque;
	uint32_t eip;

	(void)size; (void)value; (void)addr;
	uc_reg_read(uc, UC_X86_REG_EIP, &eip);
	v->exit = X_INTERNAL;
	memset(&v->run->internal, 0, sizeof(v->run->internal));
	v->run->internal.suberror = MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT;
	v->run->internal.ndata = 5;
	v->run->internal.data[0] = 48;
	v->run->internal.data[1] = type == UC_MEM_READ_UNMAPPED ? 1 :
				   type == UC_MEM_WRITE_UNMAPPED ? 2 : 4;
	v->run->internal.data[2] = eip;
	return false;
}

static struct mvcpu *create_vcpu(struct mvm *vm, int id, int fd)
{
	struct mvcpu *v = calloc(1, sizeof(*v));
	uc_hook h;

	v->vm = vm;
	v->id = id;
	v->memfd = fd;
	if (ftruncate(v->memfd, 4096))
		abort();
	v->run = __real_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v->memfd, 0);
	if (uc_open(UC_ARCH_X86, UC_MODE_16, &v->uc))
		abort();
	uc_hook_add(v->uc, &h, UC_HOOK_CODE, code_hook, v, 1, 0);
	uc_hook_add(v->uc, &h, UC_HOOK_INTR, intr_hook, v, 1, 0);
	uc_hook_add(v->uc, &h, UC_HOOK_MEM_UNMAPPED, unmapped_hook, v, 1, 0);
	reset_state(v);
	vm->vcpus[id] = v;
	uc_remap(vm);
	return v;
}

#define R32(reg, field) do { uint32_t t = (uint32_t)v->regs.field; uc_reg_write(v->uc, reg, &t); } while (0)
#define G32(reg, field) do { uint32_t t; uc_reg_read(v->uc, reg, &t); \
	v->regs.field = (v->regs.field & ~0xffffffffULL) | t; } while (0)

static int run_vcpu(struct mvcpu *v, unsigned long arg)
{
	struct minivm_run *run = v->run;
	struct minivm_sregs *s = &v->sregs;
	uc_x86_mmr idtr = { .base = s->idt.base, .limit = s->idt.limit };
	uint32_t sel;
	uc_err e;

	if (arg)
		return fail(EINVAL);
	if (v->vm->dead)
		return fail(EIO);
	mock_sig = 0;
	if (run->immediate_exit) {
		run->exit_reason = MINIVM_EXIT_INTR;
		return fail(EINTR);
	}
	if (s->tr.unusable || !(s->cs.type == 3 || s->cs.type == 9 || s->cs.type == 11 ||
				s->cs.type == 13 || s->cs.type == 15)) {
		run->exit_reason = MINIVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = 0x80000021;
		run->fail_entry.qualification = 0;
		run->fail_entry.cpu = sched_getcpu();
		return 0;
	}
	if (v->in_pending) {
		uint32_t val = 0;

		memcpy(&val, (uint8_t *)run + run->io.data_offset, v->in_size);
		if (v->in_size == 4)
			v->regs.rax = val;
		else if (v->in_size == 2)
			v->regs.rax = (v->regs.rax & ~0xffffULL) | val;
		else
			v->regs.rax = (v->regs.rax & ~0xffULL) | val;
		v->in_pending = false;
	}
	R32(UC_X86_REG_EAX, rax); R32(UC_X86_REG_EBX, rbx); R32(UC_X86_REG_ECX, rcx);
	R32(UC_X86_REG_EDX, rdx); R32(UC_X86_REG_ESI, rsi); R32(UC_X86_REG_EDI, rdi);
	R32(UC_X86_REG_ESP, rsp); R32(UC_X86_REG_EBP, rbp); R32(UC_X86_REG_EFLAGS, rflags);
	sel = s->cs.selector; uc_reg_write(v->uc, UC_X86_REG_CS, &sel);
	sel = s->ds.selector; uc_reg_write(v->uc, UC_X86_REG_DS, &sel);
	sel = s->es.selector; uc_reg_write(v->uc, UC_X86_REG_ES, &sel);
	sel = s->ss.selector; uc_reg_write(v->uc, UC_X86_REG_SS, &sel);
	uc_reg_write(v->uc, UC_X86_REG_IDTR, &idtr);
	if (s->cs.base != (uint64_t)s->cs.selector << 4) {
		fprintf(stderr, "mock: CS base != selector << 4 unsupported\n");
		abort();
	}
	v->exit = X_NONE;
	for (;;) {
		uint32_t eip = v->regs.rip;

		e = uc_emu_start(v->uc, s->cs.base + eip, 0xfffffffff, 0, 200000);
		{
			uint32_t t;

			uc_reg_read(v->uc, UC_X86_REG_EIP, &t);
			v->regs.rip = t;
		}
		if (v->exit != X_NONE)
			break;
		if (e != UC_ERR_OK) {
			fprintf(stderr, "mock: uc error %s at eip 0x%llx\n", uc_strerror(e),
				(unsigned long long)v->regs.rip);
			v->exit = X_INTERNAL;
			run->internal.suberror = 98;
			break;
		}
		if (mock_sig) {
			mock_sig = 0;
			G32(UC_X86_REG_EAX, rax); G32(UC_X86_REG_EBX, rbx); G32(UC_X86_REG_ECX, rcx);
			G32(UC_X86_REG_EDX, rdx); G32(UC_X86_REG_EFLAGS, rflags);
			run->exit_reason = MINIVM_EXIT_INTR;
			return fail(EINTR);
		}
	}
	G32(UC_X86_REG_EAX, rax); G32(UC_X86_REG_EBX, rbx); G32(UC_X86_REG_ECX, rcx);
	G32(UC_X86_REG_EDX, rdx); G32(UC_X86_REG_ESI, rsi); G32(UC_X86_REG_EDI, rdi);
	G32(UC_X86_REG_ESP, rsp); G32(UC_X86_REG_EBP, rbp); G32(UC_X86_REG_EFLAGS, rflags);
	uc_reg_read(v->uc, UC_X86_REG_ES, &sel); s->es.selector = sel; s->es.base = sel << 4;
	uc_reg_read(v->uc, UC_X86_REG_DS, &sel); s->ds.selector = sel; s->ds.base = sel << 4;
	switch (v->exit) {
	case X_HLT: run->exit_reason = MINIVM_EXIT_HLT; break;
	case X_IO: run->exit_reason = MINIVM_EXIT_IO; break;
	case X_SHUTDOWN: run->exit_reason = MINIVM_EXIT_SHUTDOWN; break;
	case X_INTERNAL:
		run->exit_reason = MINIVM_EXIT_INTERNAL_ERROR;
		v->vm->dead = true;
		break;
	}
	return 0;
}

static int set_regs(struct mvcpu *v, void *arg)
{
	struct minivm_regs r;

	if (copy_in(&r, arg, sizeof(r)))
		return fail(EFAULT);
	if (r.rflags & ((1ULL << 3) | (1ULL << 5) | (1ULL << 15) | ~((1ULL << 22) - 1)))
		return fail(EINVAL);
	r.rflags |= 2;
	v->regs = r;
	return 0;
}

static bool seg_pad_bad(const struct minivm_segment *s) { return s->padding; }

static int set_sregs(struct mvcpu *v, void *arg)
{
	struct minivm_sregs s;
	const struct minivm_segment *segs[] = { &s.cs, &s.ds, &s.es, &s.fs, &s.gs, &s.ss, &s.tr, &s.ldt };
	const uint64_t cr4_known = 0x7fffffULL & ~(1ULL << 15);

	if (copy_in(&s, arg, sizeof(s)))
		return fail(EFAULT);
	for (unsigned int i = 0; i < 8; i++)
		if (seg_pad_bad(segs[i]))
			return fail(EINVAL);
	for (int i = 0; i < 3; i++)
		if (s.gdt.padding[i] || s.idt.padding[i])
			return fail(EINVAL);
	for (int i = 0; i < 8; i++)
		if (s.reserved[i])
			return fail(EINVAL);
	if ((s.cr0 >> 32) || ((s.cr0 & 0x80000000) && !(s.cr0 & 1)))
		return fail(EINVAL);
	if ((s.cr4 & ~cr4_known) || (s.cr4 & (1ULL << 13)))
		return fail(EINVAL);
	if (s.efer & ~0xd01ULL)
		return fail(EINVAL);
	v->sregs = s;
	return 0;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	unsigned long arg;
	enum kind k;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (fd < 0 || fd >= 4096 || fds[fd].kind == K_NONE)
		return __real_ioctl(fd, req, arg);
	k = fds[fd].kind;
	if (k == K_DEV) {
		switch (req) {
		case MINIVM_GET_API_VERSION: return MINIVM_API_VERSION;
		case MINIVM_CHECK_EXTENSION: return check_extension(arg);
		case MINIVM_GET_VCPU_MMAP_SIZE: return 4096;
		case MINIVM_CREATE_VM: {
			struct mvm *vm;

			if (arg)
				return fail(EINVAL);
			vm = calloc(1, sizeof(*vm));
			vm->owner = getpid();
			return new_fd("minivm-vm", K_VM, vm);
		}
		default: return fail(ENOTTY);
		}
	}
	if (k == K_VM) {
		struct mvm *vm = fds[fd].obj;

		if (getpid() != vm->owner)
			return fail(EIO);
		switch (req) {
		case MINIVM_CHECK_EXTENSION: return check_extension(arg);
		case MINIVM_CREATE_VCPU: {
			struct mvcpu *v;

			if (arg >= MINIVM_MAX_VCPUS)
				return fail(EINVAL);
			if (vm->vcpus[arg])
				return fail(EEXIST);
			fd = new_fd("minivm-vcpu", K_VCPU, NULL);
			v = create_vcpu(vm, arg, fd);
			fds[fd].obj = v;
			return fd;
		}
		case MINIVM_SET_USER_MEMORY_REGION: return set_region(vm, (void *)arg);
		default: return fail(ENOTTY);
		}
	}
	{
		struct mvcpu *v = fds[fd].obj;

		if (getpid() != v->vm->owner)
			return fail(EIO);
		switch (req) {
		case MINIVM_RUN: return run_vcpu(v, arg);
		case MINIVM_GET_REGS: return copy_out((void *)arg, &v->regs, sizeof(v->regs)) ? fail(EFAULT) : 0;
		case MINIVM_SET_REGS: return set_regs(v, (void *)arg);
		case MINIVM_GET_SREGS: return copy_out((void *)arg, &v->sregs, sizeof(v->sregs)) ? fail(EFAULT) : 0;
		case MINIVM_SET_SREGS: return set_sregs(v, (void *)arg);
		default: return fail(ENOTTY);
		}
	}
}
