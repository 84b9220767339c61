// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts for the Multiboot test kernel, as Linux sets them up with an
 * MP table: an IDT, the local APIC enabled through its spurious vector
 * register, ISA IRQ n on I/O APIC pin n (edge, active high, to APIC 0).
 * Paging is off, so the APICs' registers are at their physical addresses.
 * The 8259s and LINT0 are masked, as Linux does in this mode.
 * What minivm-run's I/O thread and the in-kernel irqchip must do for a
 * Linux guest, end to end: the PIT's ticks from the thread's timer, and
 * COM1's receive interrupt for bytes from stdin.
 */
#include "mb.h"

#define LAPIC_BASE	0xfee00000U
#define LAPIC_EOI	0xb0
#define LAPIC_SVR	0xf0
#define SVR_ENABLE	0x100
#define LAPIC_LVT0	0x350
#define LVT_MASKED	0x10000
#define SPURIOUS_VEC	0xff
#define IOAPIC_BASE	0xfec00000U
#define IOAPIC_WINDOW	0x10
#define IOAPIC_REDIR(pin)	(0x10 + 2 * (pin))

#define VEC_TIMER	0x30	/* IRQ 0 */
#define VEC_UART	0x34	/* IRQ 4 */

#define PIT_HZ		1193182
#define BOOT_CS		0x10	/* the boot GDT's code segment */

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type;		/* 0x8e: present, ring 0, 32-bit interrupt gate */
	uint16_t offset_hi;
} __packed;

static struct idt_gate idt[256] __aligned(8);
/*
 * Written by the interrupt handler, read by the loops that wait for it:
 * volatile is what a freestanding kernel without READ_ONCE() has.
 */
static volatile uint32_t ticks;
static volatile char line[64];
static volatile uint32_t line_len;

static void write32(uint32_t addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}

static void set_gate(unsigned int vector, void (*fn)(void))
{
	uint32_t addr = (uint32_t)fn;

	idt[vector].offset_lo = addr & 0xffff;
	idt[vector].selector = BOOT_CS;
	idt[vector].zero = 0;
	idt[vector].type = 0x8e;
	idt[vector].offset_hi = addr >> 16;
}

static void irq_init(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __packed idtr = { sizeof(idt) - 1, (uint32_t)idt };
	unsigned int v;

	/* Anything unexpected is taken as spurious: no EOI, just iret. */
	for (v = 0; v < 256; v++)
		set_gate(v, irq_stub_spurious);
	set_gate(VEC_TIMER, irq_stub_timer);
	set_gate(VEC_UART, irq_stub_uart);
	__asm__ volatile("lidt %0" : : "m"(idtr));
	write32(LAPIC_BASE + LAPIC_SVR, SVR_ENABLE | SPURIOUS_VEC);
	/*
	 * As Linux in I/O APIC mode: mask the 8259s (KVM has them, and
	 * KVM_IRQ_LINE drives their inputs too; minivm has none, the writes
	 * go nowhere) and LINT0, where they would deliver as ExtINT.
	 */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	write32(LAPIC_BASE + LAPIC_LVT0, LVT_MASKED);
}

/* ISA IRQ @pin to @vector on APIC 0: fixed, physical, edge, active high. */
static void ioapic_route(unsigned int pin, uint8_t vector)
{
	write32(IOAPIC_BASE, IOAPIC_REDIR(pin) + 1);
	write32(IOAPIC_BASE + IOAPIC_WINDOW, 0);
	write32(IOAPIC_BASE, IOAPIC_REDIR(pin));
	write32(IOAPIC_BASE + IOAPIC_WINDOW, vector);
}

void irq_handle(uint32_t vector)
{
	if (vector == VEC_TIMER) {
		ticks++;
	} else if (vector == VEC_UART) {
		/* Drain the FIFO: the line drops, the next byte is a new edge. */
		while (inb(COM1_LSR) & LSR_DR) {
			char c = inb(COM1);

			if (line_len < sizeof(line))
				line[line_len++] = c;
		}
	}
	write32(LAPIC_BASE + LAPIC_EOI, 0);
}

/* Sleep until an interrupt: STI's shadow keeps one from slipping in before HLT. */
static void wait_for_interrupt(void)
{
	__asm__ volatile("sti; hlt; cli");
}

void timer_test(unsigned int want)
{
	uint16_t count = PIT_HZ / 100;

	irq_init();
	ioapic_route(0, VEC_TIMER);
	outb(0x43, 0x34);		/* channel 0, LSB then MSB, mode 2 */
	outb(0x40, count & 0xff);
	outb(0x40, count >> 8);
	while (ticks < want)
		wait_for_interrupt();
	puts("timer: ");
	put_dec(want);
	puts(" ticks\n");
}

static int have_line(void)
{
	uint32_t i;

	for (i = 0; i < line_len; i++)
		if (line[i] == '\n' || line[i] == '\r')
			return 1;
	return line_len == sizeof(line);
}

void echo_test(void)
{
	uint32_t i;

	irq_init();
	ioapic_route(4, VEC_UART);
	outb(COM1_IER, 0x01);		/* received data available */
	outb(COM1_MCR, 0x08);		/* OUT2: the IRQ reaches the bus */
	while (!have_line())
		wait_for_interrupt();
	outb(COM1_IER, 0);
	puts("echo: ");
	for (i = 0; i < line_len && line[i] != '\n' && line[i] != '\r'; i++)
		putc(line[i]);
	puts("\n");
}
