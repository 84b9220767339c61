// SPDX-License-Identifier: GPL-2.0
/*
 * The flat-binary loader: a raw real-mode image, no header, entered at
 * its first byte (see flat.h for the layout and why).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "flat.h"

uint64_t flat_room(uint64_t mem_size)
{
	return mem_size > FLAT_LOAD_ADDR ? mem_size - FLAT_LOAD_ADDR : 0;
}

int flat_check(uint64_t mem_size, uint64_t image_size)
{
	if (!image_size)
		return -ENODATA;	/* would run whatever zeroes decode to */
	if (image_size > flat_room(mem_size))
		return -EFBIG;
	return 0;
}

int flat_load_fd(int fd, void *mem, uint64_t mem_size, uint64_t *loaded)
{
	uint8_t *dst = (uint8_t *)mem + FLAT_LOAD_ADDR;
	uint64_t room = flat_room(mem_size);
	uint64_t done = 0;
	uint8_t extra;
	ssize_t n;

	for (;;) {
		uint64_t want = room - done;

		/* Room is full: any further byte means the image is too big. */
		if (!want)
			n = read(fd, &extra, 1);
		else
			n = read(fd, dst + done, want > SSIZE_MAX ? SSIZE_MAX : want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			break;
		if (!want)
			return -EFBIG;
		done += n;
	}

	*loaded = done;
	return flat_check(mem_size, done);
}

static struct vcpu_segment real_mode_segment(uint16_t selector, uint8_t type)
{
	/*
	 * In real mode the base is always selector * 16; the rest of the
	 * hidden part is what RESET leaves there (64 KiB limit, present,
	 * read/write data or execute/read code, accessed), which is what a
	 * real-mode guest expects.
	 */
	return (struct vcpu_segment) {
		.base = (uint64_t)selector << 4, .limit = 0xffff,
		.selector = selector, .type = type, .present = 1, .s = 1,
	};
}

void flat_boot_cpu(struct boot_cpu *cpu)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->regs.rip = FLAT_ENTRY_IP;
	cpu->regs.rsp = FLAT_ENTRY_SP;
	cpu->regs.rflags = X86_RFLAGS_FIXED;

	/*
	 * Every segment register points at the image, so a binary linked at
	 * offset 0 reaches its code, data and stack without setting up a
	 * single segment register itself.
	 */
	cpu->cs = real_mode_segment(FLAT_SEGMENT, 0xb);
	cpu->ds = real_mode_segment(FLAT_SEGMENT, 0x3);
	cpu->es = cpu->ds;
	cpu->fs = cpu->ds;
	cpu->gs = cpu->ds;
	cpu->ss = cpu->ds;

	/* The reset values: the real-mode IVT at 0, caches as at RESET. */
	cpu->gdt.limit = 0xffff;
	cpu->idt.limit = 0xffff;
	cpu->cr0 = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET;
}
