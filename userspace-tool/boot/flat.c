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

void flat_init_regs(struct minivm_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = FLAT_ENTRY_IP;
	regs->rsp = FLAT_ENTRY_SP;
	regs->rflags = 0x2;	/* bit 1 is reserved and always set */
}

static void real_mode_segment(struct minivm_segment *seg, uint16_t selector)
{
	/*
	 * In real mode the base is always selector * 16. The rest of the
	 * hidden part (64 KiB limit, type, present) is left as the reset
	 * state has it, which is already right for real mode.
	 */
	seg->selector = selector;
	seg->base = (uint64_t)selector << 4;
}

void flat_init_sregs(struct minivm_sregs *sregs)
{
	/*
	 * Every segment register points at the image, so a binary linked at
	 * offset 0 reaches its code, data and stack without setting up a
	 * single segment register itself.
	 */
	real_mode_segment(&sregs->cs, FLAT_SEGMENT);
	real_mode_segment(&sregs->ds, FLAT_SEGMENT);
	real_mode_segment(&sregs->es, FLAT_SEGMENT);
	real_mode_segment(&sregs->fs, FLAT_SEGMENT);
	real_mode_segment(&sregs->gs, FLAT_SEGMENT);
	real_mode_segment(&sregs->ss, FLAT_SEGMENT);
}
