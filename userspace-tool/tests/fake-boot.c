// SPDX-License-Identifier: GPL-2.0
/*
 * The boot-state checks both fake drivers share (see fake-boot.h). They
 * restate the contract independently of boot/: the loaders' own unit
 * tests check their output in detail, these check that it reached the
 * driver intact, whichever accelerator was chosen.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake-boot.h"
#include "fake-minivm.h"

static const char *who;

static void complain(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int fake_add_slot(struct fake_guest_mem *gm, unsigned int slot, uint64_t gpa,
		  uint64_t size, uint8_t *host)
{
	static const uint64_t where[FAKE_MAX_SLOTS] = { 0, 1ULL << 32 };

	if (slot >= FAKE_MAX_SLOTS || gpa != where[slot] || gm->slots[slot].size)
		return -1;
	gm->slots[slot].gpa = gpa;
	gm->slots[slot].size = size;
	gm->slots[slot].host = host;
	return 0;
}

uint8_t *fake_gpa(const struct fake_guest_mem *gm, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_SLOTS; i++) {
		uint64_t start = gm->slots[i].gpa, size = gm->slots[i].size;

		if (size && gpa >= start && gpa - start < size &&
		    len <= size - (gpa - start))
			return gm->slots[i].host + (gpa - start);
	}
	return NULL;
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *s = getenv(name);

	return s ? strtoull(s, NULL, 0) : dflt;
}

/* The file $MINIVM_FAKE_IMAGE must be in guest memory at @gpa. */
static void check_image(const struct fake_guest_mem *gm, uint64_t gpa)
{
	const char *path = getenv("MINIVM_FAKE_IMAGE");
	uint8_t buf[256], *mem;
	ssize_t n;
	int fd;

	if (!path)
		return;
	fd = __real_open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	mem = n > 0 ? fake_gpa(gm, gpa, n) : NULL;
	if (!mem || memcmp(mem, buf, n))
		complain("image not at guest-physical 0x%llx", (unsigned long long)gpa);
}

static void check_segment(const char *name, const struct vcpu_segment *s,
			  uint16_t selector, uint64_t base, uint32_t limit)
{
	if (s->selector != selector || s->base != base || s->limit != limit)
		complain("%s is %04x base 0x%llx limit 0x%x, want %04x/0x%llx/0x%x",
			 name, s->selector, (unsigned long long)s->base, s->limit,
			 selector, (unsigned long long)base, limit);
}

static void check_data_segments(const struct vcpu_sregs *s, uint16_t selector,
				uint64_t base, uint32_t limit)
{
	check_segment("DS", &s->ds, selector, base, limit);
	check_segment("ES", &s->es, selector, base, limit);
	check_segment("FS", &s->fs, selector, base, limit);
	check_segment("GS", &s->gs, selector, base, limit);
	check_segment("SS", &s->ss, selector, base, limit);
}

static void check_flat(const struct fake_guest_mem *gm,
		       const struct vcpu_regs *r, const struct vcpu_sregs *s)
{
	uint8_t *below = fake_gpa(gm, 0xffff, 1);

	check_image(gm, 0x10000);
	if (!below || *below)
		complain("something was written below the image");
	if (r->rip || r->rsp || r->rflags != 2 || r->rax)
		complain("regs rip 0x%llx rsp 0x%llx rflags 0x%llx",
			 (unsigned long long)r->rip, (unsigned long long)r->rsp,
			 (unsigned long long)r->rflags);
	check_segment("CS", &s->cs, 0x1000, 0x10000, 0xffff);
	check_data_segments(s, 0x1000, 0x10000, 0xffff);
	if (s->cs.type != 11 || s->cr0 != 0x60000010 || s->tr.type != 11)
		complain("the boot state changed more than the segments");
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The NUL-terminated string at @gpa must be $@env (if the test set it). */
static void check_string(const struct fake_guest_mem *gm, const char *what,
			 uint64_t gpa, const char *env)
{
	const char *want = getenv(env);
	const char *got = (const char *)fake_gpa(gm, gpa, want ? strlen(want) + 1 : 1);

	if (!got)
		complain("%s at 0x%llx is not in guest memory", what, (unsigned long long)gpa);
	else if (want && strcmp(got, want))
		complain("%s is \"%s\", want \"%s\"", what, got, want);
}

/* Guest memory at @gpa must hold the file $MINIVM_FAKE_MODULE. */
static void check_module(const struct fake_guest_mem *gm, uint64_t gpa, uint64_t size)
{
	const char *path = getenv("MINIVM_FAKE_MODULE");
	uint8_t buf[4096], *mem;
	ssize_t n;
	int fd;

	if (!path)
		return;
	fd = __real_open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	mem = n > 0 ? fake_gpa(gm, gpa, n) : NULL;
	if (!mem || (uint64_t)n != size || memcmp(mem, buf, n))
		complain("initrd/module not at 0x%llx (%llu bytes)",
			 (unsigned long long)gpa, (unsigned long long)size);
}

/* What both kinds of kernel get: RAM above 4G when asked, an MP table. */
static void check_kernel_common(const struct fake_guest_mem *gm,
				const struct vcpu_regs *r)
{
	uint64_t high = env_u64("MINIVM_FAKE_HIGH", 0);
	uint8_t *mp = fake_gpa(gm, 0x9fc00, 16);

	if (gm->slots[1].size != high)
		complain("slot 1 (RAM above 4G) is 0x%llx bytes, want 0x%llx",
			 (unsigned long long)gm->slots[1].size, (unsigned long long)high);
	if (!mp || memcmp(mp, "_MP_", 4))
		complain("no MP floating pointer at 0x9fc00");
	if (r->rip != env_u64("MINIVM_FAKE_ENTRY", r->rip))
		complain("entry at 0x%llx, want 0x%llx", (unsigned long long)r->rip,
			 (unsigned long long)env_u64("MINIVM_FAKE_ENTRY", 0));
	if (r->rflags != 2)
		complain("rflags 0x%llx: interrupts must be off", (unsigned long long)r->rflags);
}

/* The Multiboot machine state and information (multiboot.h). */
static void check_multiboot(const struct fake_guest_mem *gm,
			    const struct vcpu_regs *r, const struct vcpu_sregs *s)
{
	uint8_t *mbi = fake_gpa(gm, r->rbx, 52);

	check_kernel_common(gm, r);
	if (r->rax != 0x2badb002)
		complain("EAX 0x%llx, want 0x2badb002", (unsigned long long)r->rax);
	if (!mbi) {
		complain("EBX 0x%llx: no Multiboot information there", (unsigned long long)r->rbx);
		return;
	}
	if ((le32(mbi) & 0x45) != 0x45)
		complain("Multiboot flags 0x%x lack memory, cmdline or mmap", le32(mbi));
	if (le32(mbi + 8) != (gm->slots[0].size - 0x100000) / 1024)
		complain("mem_upper %u KiB", le32(mbi + 8));
	check_string(gm, "the command line", le32(mbi + 16), "MINIVM_FAKE_CMDLINE");
	if (getenv("MINIVM_FAKE_MODULE")) {
		uint8_t *mod = fake_gpa(gm, le32(mbi + 24), 16);

		if (!(le32(mbi) & 0x8) || le32(mbi + 20) != 1 || !mod)
			complain("no Multiboot module");
		else
			check_module(gm, le32(mod), le32(mod + 4) - le32(mod));
	}
	check_segment("CS", &s->cs, 0x10, 0, 0xffffffff);
	check_data_segments(s, 0x18, 0, 0xffffffff);
	if (!s->cs.db || s->cs.l || !(s->cr0 & 1) || (s->cr0 & 0x80000000) ||
	    s->efer || s->tr.type != 11)
		complain("not 32-bit protected mode without paging: cr0 0x%llx efer 0x%llx cs.db %u",
			 (unsigned long long)s->cr0, (unsigned long long)s->efer, s->cs.db);
}

/* The 64-bit boot protocol's entry state and boot_params (bzimage.h). */
static void check_linux(const struct fake_guest_mem *gm,
			const struct vcpu_regs *r, const struct vcpu_sregs *s)
{
	uint8_t *bp = fake_gpa(gm, r->rsi, 4096);
	uint8_t *pml4 = fake_gpa(gm, s->cr3, 8);

	check_kernel_common(gm, r);
	if (!bp || le32(bp + 0x202) != 0x53726448 || bp[0x210] != 0xff) {
		complain("RSI 0x%llx: no boot_params with HdrS and type_of_loader 0xff",
			 (unsigned long long)r->rsi);
		return;
	}
	check_string(gm, "the command line", le32(bp + 0x228), "MINIVM_FAKE_CMDLINE");
	if (getenv("MINIVM_FAKE_MODULE"))
		check_module(gm, le32(bp + 0x218), le32(bp + 0x21c));
	if (!bp[0x1e8])
		complain("no e820 entries in boot_params");
	check_segment("CS", &s->cs, 0x10, 0, 0xffffffff);
	check_data_segments(s, 0x18, 0, 0xffffffff);
	if (!s->cs.l || s->cs.db || s->cr0 != 0x80000011 || s->cr4 != 0x20 ||
	    s->efer != 0x500 || !pml4 || !(pml4[0] & 1) || s->tr.type != 11)
		complain("not 64-bit mode with identity paging: cr0 0x%llx cr4 0x%llx efer 0x%llx cr3 0x%llx",
			 (unsigned long long)s->cr0, (unsigned long long)s->cr4,
			 (unsigned long long)s->efer, (unsigned long long)s->cr3);
}

void fake_check_boot(const char *name, const struct fake_guest_mem *gm,
		     const struct vcpu_regs *regs, const struct vcpu_sregs *sregs,
		     bool irqchip)
{
	const char *boot = getenv("MINIVM_FAKE_BOOT");
	bool flat = !boot || !strcmp(boot, "flat");

	who = name;
	if (!fake_gpa(gm, 0, 1))
		complain("no memory slot at guest-physical 0");
	if (irqchip == flat)
		complain("%s %s the in-kernel irqchip", flat ? "a flat binary" : "a kernel",
			 irqchip ? "runs with" : "runs without");
	if (!boot || !strcmp(boot, "flat"))
		check_flat(gm, regs, sregs);
	else if (!strcmp(boot, "multiboot"))
		check_multiboot(gm, regs, sregs);
	else if (!strcmp(boot, "linux"))
		check_linux(gm, regs, sregs);
	else
		complain("unknown MINIVM_FAKE_BOOT '%s'", boot);
}
