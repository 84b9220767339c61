// SPDX-License-Identifier: GPL-2.0
/* The flat loader: bounds, reading an image, the boot register state. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "boot/flat.h"
#include "guest-mem.h"
#include "test.h"

#define MEM_SIZE	(FLAT_LOAD_ADDR + 0x2000)	/* 8K of room */

static void loader_layout(void)
{
	CHECK_HEX(FLAT_LOAD_ADDR, 0x10000);
	CHECK_HEX(FLAT_SEGMENT, 0x1000);
	CHECK_HEX(GUEST_MEM_MIN, 0x20000);
	/* The first push (SP - 2, wrapped) is inside the smallest memory. */
	CHECK(FLAT_LOAD_ADDR + ((FLAT_ENTRY_SP - 2) & 0xffff) + 2 <= GUEST_MEM_MIN);
	CHECK_HEX(GUEST_MEM_MAX, 64ULL << 30);
}

static void loader_room(void)
{
	CHECK_HEX(flat_room(0x20000), 0x10000);
	CHECK_HEX(flat_room(0x10000), 0);
	CHECK_HEX(flat_room(0x1000), 0);
	CHECK_HEX(flat_room(0), 0);
	CHECK_HEX(flat_room(16ULL << 20), (16ULL << 20) - 0x10000);
}

static void loader_check(void)
{
	CHECK_INT(flat_check(0x20000, 1), 0);
	CHECK_INT(flat_check(0x20000, 0x10000), 0);
	CHECK_INT(flat_check(0x20000, 0x10001), -EFBIG);
	CHECK_INT(flat_check(0x21000, 0x10001), 0);
	CHECK_INT(flat_check(0x20000, 0), -ENODATA);
	CHECK_INT(flat_check(0x10000, 1), -EFBIG);
	CHECK_INT(flat_check(0x20000, ~0ULL), -EFBIG);
}

/* A temporary file holding @len bytes of @fill; returns an fd at offset 0. */
static int image_fd(size_t len, uint8_t fill)
{
	char path[] = "/tmp/minivm-run-test-XXXXXX";
	uint8_t *buf = malloc(len + 1);
	int fd = mkstemp(path);

	if (fd < 0 || !buf) {
		check_failed(__FILE__, __LINE__, "mkstemp/malloc failed");
		free(buf);
		return -1;
	}
	unlink(path);
	memset(buf, fill, len + 1);
	if (write(fd, buf, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET))
		check_failed(__FILE__, __LINE__, "cannot write the image");
	free(buf);
	return fd;
}

static void loader_load_fits(void)
{
	uint8_t *mem = calloc(1, MEM_SIZE);
	uint64_t loaded = 0;
	int fd = image_fd(0x2000, 0xab);

	CHECK_INT(flat_load_fd(fd, mem, MEM_SIZE, &loaded), 0);
	CHECK_HEX(loaded, 0x2000);
	CHECK_HEX(mem[FLAT_LOAD_ADDR], 0xab);
	CHECK_HEX(mem[MEM_SIZE - 1], 0xab);
	CHECK_HEX(mem[FLAT_LOAD_ADDR - 1], 0);	/* nothing below the load address */
	close(fd);
	free(mem);
}

static void loader_load_too_big(void)
{
	uint8_t *mem = calloc(1, MEM_SIZE + 16);
	uint64_t loaded = 12345;
	int fd = image_fd(0x2001, 0xcd);

	CHECK_INT(flat_load_fd(fd, mem, MEM_SIZE, &loaded), -EFBIG);
	CHECK_HEX(mem[MEM_SIZE], 0);	/* never past the end of guest memory */
	CHECK_HEX(loaded, 12345);
	close(fd);
	free(mem);
}

static void loader_load_pipe(void)
{
	uint8_t *mem = calloc(1, MEM_SIZE);
	uint64_t loaded = 0;
	int p[2];

	/* A pipe has no size to stat: the loader must find the end itself. */
	if (pipe(p)) {
		check_failed(__FILE__, __LINE__, "pipe() failed");
		return;
	}
	CHECK_INT(write(p[1], "\xf4\x90\xeb", 3), 3);
	close(p[1]);
	CHECK_INT(flat_load_fd(p[0], mem, MEM_SIZE, &loaded), 0);
	CHECK_HEX(loaded, 3);
	CHECK(!memcmp(mem + FLAT_LOAD_ADDR, "\xf4\x90\xeb", 3));
	close(p[0]);
	free(mem);
}

static void loader_load_errors(void)
{
	uint8_t *mem = calloc(1, MEM_SIZE);
	uint64_t loaded = 0;
	int fd = image_fd(0, 0);
	int dir;

	CHECK_INT(flat_load_fd(fd, mem, MEM_SIZE, &loaded), -ENODATA);
	close(fd);
	CHECK_INT(flat_load_fd(-1, mem, MEM_SIZE, &loaded), -EBADF);
	dir = open("/", O_RDONLY);
	CHECK_INT(flat_load_fd(dir, mem, MEM_SIZE, &loaded), -EISDIR);
	close(dir);
	free(mem);
}

static void loader_boot_cpu(void)
{
	struct boot_cpu cpu;
	struct vcpu_segment *data[] = { &cpu.ds, &cpu.es, &cpu.fs, &cpu.gs, &cpu.ss };
	unsigned int i;

	memset(&cpu, 0x5a, sizeof(cpu));
	flat_boot_cpu(&cpu);
	CHECK_HEX(cpu.regs.rip, 0);
	CHECK_HEX(cpu.regs.rsp, 0);
	CHECK_HEX(cpu.regs.rflags, 0x2);
	CHECK_HEX(cpu.regs.rax | cpu.regs.rbx | cpu.regs.rcx | cpu.regs.rdx |
		  cpu.regs.rsi | cpu.regs.rdi | cpu.regs.rbp | cpu.regs.r8 |
		  cpu.regs.r15, 0);

	CHECK_HEX(cpu.cs.selector, 0x1000);
	CHECK_HEX(cpu.cs.base, 0x10000);
	CHECK_HEX(cpu.cs.limit, 0xffff);
	CHECK_INT(cpu.cs.type, 11);
	CHECK_INT(cpu.cs.present, 1);
	CHECK_INT(cpu.cs.s, 1);
	CHECK_INT(cpu.cs.db | cpu.cs.l | cpu.cs.g | cpu.cs.dpl, 0);
	for (i = 0; i < 5; i++) {
		CHECK_HEX(data[i]->selector, 0x1000);
		CHECK_HEX(data[i]->base, 0x10000);
		CHECK_HEX(data[i]->limit, 0xffff);
		CHECK_INT(data[i]->type, 3);
		CHECK_INT(data[i]->present, 1);
	}
	/* Everything else as after RESET (api.rst 6.9): real mode. */
	CHECK_HEX(cpu.cr0, 0x60000010);
	CHECK_HEX(cpu.cr3 | cpu.cr4 | cpu.efer, 0);
	CHECK_HEX(cpu.gdt.base | cpu.idt.base, 0);
	CHECK_HEX(cpu.idt.limit, 0xffff);
}

const struct test loader_tests[] = {
	{ "loader: layout constants (load 0x10000, stack backed)", loader_layout },
	{ "loader: room above the load address", loader_room },
	{ "loader: bounds check, off-by-one and empty", loader_check },
	{ "loader: an image that exactly fits", loader_load_fits },
	{ "loader: one byte too many is refused", loader_load_too_big },
	{ "loader: reads a pipe to its end", loader_load_pipe },
	{ "loader: empty, bad fd and directory", loader_load_errors },
	{ "loader: real mode at 1000:0000, SP 0, RFLAGS 2", loader_boot_cpu },
	{ NULL, NULL },
};
