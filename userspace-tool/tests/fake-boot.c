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

void fake_check_boot(const char *name, const struct fake_guest_mem *gm,
		     const struct vcpu_regs *regs, const struct vcpu_sregs *sregs)
{
	const char *boot = getenv("MINIVM_FAKE_BOOT");

	who = name;
	if (!fake_gpa(gm, 0, 1))
		complain("no memory slot at guest-physical 0");
	if (!boot || !strcmp(boot, "flat"))
		check_flat(gm, regs, sregs);
	else
		complain("unknown MINIVM_FAKE_BOOT '%s'", boot);
	(void)env_u64;
}
