/* SPDX-License-Identifier: GPL-2.0 */
/* What the Multiboot test kernel's files share: port I/O, COM1, the end. */
#ifndef MB_GUEST_H
#define MB_GUEST_H

#include <stdint.h>

/* The kernel's spellings, as ../../compiler.h has them for the tool. */
#define __packed	__attribute__((packed))
#define __aligned(n)	__attribute__((aligned(n)))
#define __noreturn	__attribute__((noreturn))

#define COM1		0x3f8
#define COM1_IER	(COM1 + 1)
#define COM1_MCR	(COM1 + 4)
#define COM1_LSR	(COM1 + 5)
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define DEBUG_EXIT_PORT	0xf4

/* The debug-exit value the run ends with: status (value << 1) | 1. */
enum check {
	CHECK_OK,
	CHECK_MAGIC,		/* EAX was not the bootloader magic */
	CHECK_MEMORY,		/* no mem_lower/mem_upper */
	CHECK_CMDLINE,		/* no command line */
	CHECK_RESET,		/* "reboot": the i8042 reset did not end the run */
	CHECK_HALT,		/* "halt": cli; hlt returned */
};

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

void putc(char c);
void puts(const char *s);
void put_dec(uint32_t v);
void finish(enum check result) __noreturn;

/* irq.c: IRQs through the I/O APIC and the local APIC. */
void timer_test(unsigned int ticks);
void echo_test(void);
void irq_handle(uint32_t vector);

/* entry.S: save the registers, call irq_handle(vector), iret. */
void irq_stub_timer(void);
void irq_stub_uart(void);
void irq_stub_spurious(void);

#endif /* MB_GUEST_H */
