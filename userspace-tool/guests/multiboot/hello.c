// SPDX-License-Identifier: GPL-2.0
/*
 * A Multiboot test kernel for minivm-run --kernel: it checks what the
 * loader passed, prints a greeting, its mem_upper, its command line and
 * its module (the --initrd file) on COM1, polling LSR as a real driver
 * does, then ends the run through the debug-exit port.
 *
 * The status tells the test what happened: debug-exit writes v and
 * minivm-run exits with (v << 1) | 1, so success (v = 0) is status 1 and
 * a failed check N is status (N << 1) | 1. (HLT would give 0, but with an
 * in-kernel local APIC a halted vCPU waits in the kernel for an interrupt
 * instead of ending the run, so the guest does not rely on it.)
 */
#include <stdint.h>

#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define LSR_THRE	0x20
#define DEBUG_EXIT_PORT	0xf4

#define MB_BOOTLOADER_MAGIC	0x2badb002
#define MBI_MEMORY		(1U << 0)
#define MBI_CMDLINE		(1U << 2)
#define MBI_MODS		(1U << 3)

/* The start of the Multiboot information structure. */
struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
};

struct mb_module {
	uint32_t mod_start, mod_end;
	uint32_t string;
	uint32_t reserved;
};

enum check {
	CHECK_OK,
	CHECK_MAGIC,		/* EAX was not the bootloader magic */
	CHECK_MEMORY,		/* no mem_lower/mem_upper */
	CHECK_CMDLINE,		/* no command line */
};

void mb_main(uint32_t magic, const struct mb_info *mbi);

static inline void outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t val;

	__asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static void putc(char c)
{
	while (!(inb(COM1_LSR) & LSR_THRE))
		;
	outb(COM1, c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void put_dec(uint32_t v)
{
	char buf[11];
	int i = 0;

	do {
		buf[i++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (i)
		putc(buf[--i]);
}

static __attribute__((noreturn)) void finish(enum check result)
{
	outb(DEBUG_EXIT_PORT, result);
	for (;;)
		__asm__ volatile("hlt");
}

void mb_main(uint32_t magic, const struct mb_info *mbi)
{
	const struct mb_module *mod;

	if (magic != MB_BOOTLOADER_MAGIC)
		finish(CHECK_MAGIC);
	if (!(mbi->flags & MBI_MEMORY))
		finish(CHECK_MEMORY);
	if (!(mbi->flags & MBI_CMDLINE))
		finish(CHECK_CMDLINE);

	puts("Hello from a Multiboot guest!\n");
	puts("mem_upper: ");
	put_dec(mbi->mem_upper);
	puts(" KiB\n");
	puts("cmdline: ");
	puts((const char *)mbi->cmdline);
	puts("\n");
	if ((mbi->flags & MBI_MODS) && mbi->mods_count) {
		mod = (const struct mb_module *)mbi->mods_addr;
		puts("module: ");
		put_dec(mod->mod_end - mod->mod_start);
		puts(" bytes\n");
	}
	finish(CHECK_OK);
}
