// SPDX-License-Identifier: GPL-2.0
/*
 * A Multiboot test kernel for minivm-run --kernel: it checks what the
 * loader passed, prints a greeting, its mem_upper, its command line and
 * its module (the --initrd file) on COM1, polling LSR as a real driver
 * does, then ends the run through the debug-exit port.
 *
 * The status tells the test what happened: debug-exit writes v and
 * minivm-run exits with (v << 1) | 1, so success (v = 0) is status 1 and
 * a failed check N is status (N << 1) | 1. (A HLT with interrupts
 * enabled waits in the kernel for an interrupt, so the guest does not end
 * that way.)
 *
 * Words on the command line ask for more, after the greeting, to test
 * what a kernel gets (irq.c for the interrupts):
 *   timer   the PIT at 100 Hz through the I/O APIC: "timer: 10 ticks"
 *   echo    COM1's receive interrupt: a line from stdin, "echo: LINE"
 *   reboot  the i8042's reset (0xfe to port 0x64): the run ends, status 2
 *   halt    cli; hlt: the run ends, status 0 (Linux's poweroff, no ACPI)
 */
#include "mb.h"

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

void mb_main(uint32_t magic, const struct mb_info *mbi);

void putc(char c)
{
	while (!(inb(COM1_LSR) & LSR_THRE))
		;
	outb(COM1, c);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

void put_dec(uint32_t v)
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

void finish(enum check result)
{
	outb(DEBUG_EXIT_PORT, result);
	for (;;)
		__asm__ volatile("hlt");
}

/* Is @word one of the space-separated words of @s? */
static int has_word(const char *s, const char *word)
{
	const char *start, *w;

	while (*s) {
		while (*s == ' ')
			s++;
		start = s;
		while (*s && *s != ' ')
			s++;
		for (w = word; *w && start < s && *start == *w; w++, start++)
			;
		if (!*w && start == s)
			return 1;
	}
	return 0;
}

static void run_tests(const char *cmdline)
{
	if (has_word(cmdline, "timer"))
		timer_test(10);
	if (has_word(cmdline, "echo"))
		echo_test();
	if (has_word(cmdline, "reboot")) {
		outb(0x64, 0xfe);	/* pulse the reset line */
		finish(CHECK_RESET);
	}
	if (has_word(cmdline, "halt")) {
		__asm__ volatile("cli; hlt");
		finish(CHECK_HALT);
	}
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
	run_tests((const char *)mbi->cmdline);
	finish(CHECK_OK);
}
