// SPDX-License-Identifier: GPL-2.0
/*
 * I/O APIC model: redirection table, pin levels and remote IRR. The
 * contract of each function is in ioapic.h.
 */
#include "ioapic.h"

/* Writable bits of a redirection entry's low word (see ioapic.h) */
#define RTE_LOW_WRITABLE	0x0001afffull
#define RTE_HIGH_WRITABLE	0xff000000ull

/*
 * Only fixed and lowest-priority messages can be level-triggered: an NMI,
 * SMI, INIT or ExtINT entry programmed "level" would never see an EOI and
 * would keep remote IRR set for ever, so it is treated as edge.
 */
static bool rte_level(u64 rte)
{
	u32 dm = X86_IOAPIC_RTE_DM(rte);

	return (rte & X86_IOAPIC_RTE_LEVEL) &&
	       (dm == X86_APIC_DM_FIXED || dm == X86_APIC_DM_LOWEST);
}

static bool asserted(const struct x86_ioapic *io, unsigned int pin)
{
	bool high = io->line & (1u << pin);

	return high != !!(io->rte[pin] & X86_IOAPIC_RTE_ACTIVE_LOW);
}

static void send(struct x86_ioapic *io, unsigned int pin)
{
	u64 rte = io->rte[pin];
	bool level = rte_level(rte);
	bool accepted;

	accepted = io->ops->deliver(io->opaque, (u32)(rte >> 56),
				    rte & X86_IOAPIC_RTE_LOGICAL,
				    X86_IOAPIC_RTE_VEC(rte),
				    X86_IOAPIC_RTE_DM(rte), level);
	if (accepted && level)
		io->rte[pin] |= X86_IOAPIC_RTE_REMOTE_IRR;
}

/* A level entry sends while asserted, unmasked and not awaiting an EOI */
static void level_check(struct x86_ioapic *io, unsigned int pin)
{
	u64 rte = io->rte[pin];

	if (rte_level(rte) && !(rte & X86_IOAPIC_RTE_MASKED) &&
	    !(rte & X86_IOAPIC_RTE_REMOTE_IRR) && asserted(io, pin))
		send(io, pin);
}

void x86_ioapic_set_irq(struct x86_ioapic *io, unsigned int pin, bool level)
{
	bool was;

	if (pin >= X86_IOAPIC_NR_PINS)
		return;
	was = asserted(io, pin);
	if (level)
		io->line |= 1u << pin;
	else
		io->line &= ~(1u << pin);

	if (io->rte[pin] & X86_IOAPIC_RTE_MASKED)
		return;
	if (rte_level(io->rte[pin]))
		level_check(io, pin);
	else if (!was && asserted(io, pin))
		send(io, pin);
}

void x86_ioapic_eoi(struct x86_ioapic *io, u8 vector)
{
	for (unsigned int pin = 0; pin < X86_IOAPIC_NR_PINS; pin++) {
		u64 rte = io->rte[pin];

		if (X86_IOAPIC_RTE_VEC(rte) != vector ||
		    !(rte & X86_IOAPIC_RTE_REMOTE_IRR))
			continue;
		io->rte[pin] &= ~X86_IOAPIC_RTE_REMOTE_IRR;
		level_check(io, pin);
	}
}

static void write_rte(struct x86_ioapic *io, unsigned int pin, bool high,
		      u32 val)
{
	u64 rte = io->rte[pin];

	if (high) {
		rte = (rte & 0xffffffffull) |
		      (((u64)val << 32) & (RTE_HIGH_WRITABLE << 32));
	} else {
		rte = (rte & ((RTE_HIGH_WRITABLE << 32) |
			      X86_IOAPIC_RTE_REMOTE_IRR)) |
		      (val & RTE_LOW_WRITABLE);
		/* an edge entry waits for no EOI */
		if (!(rte & X86_IOAPIC_RTE_LEVEL))
			rte &= ~X86_IOAPIC_RTE_REMOTE_IRR;
	}
	io->rte[pin] = rte;
	/* unmasking (or re-polarising) an asserted level pin sends it */
	level_check(io, pin);
}

static u32 read_reg(const struct x86_ioapic *io, u32 sel)
{
	switch (sel) {
	case X86_IOAPIC_REG_ID:
	case X86_IOAPIC_REG_ARB:
		return io->id;
	case X86_IOAPIC_REG_VERSION:
		return X86_IOAPIC_VERSION_VAL;
	}
	if (sel >= X86_IOAPIC_REG_RTE &&
	    sel < X86_IOAPIC_REG_RTE + 2 * X86_IOAPIC_NR_PINS) {
		u64 rte = io->rte[(sel - X86_IOAPIC_REG_RTE) / 2];

		return (sel & 1) ? (u32)(rte >> 32) : (u32)rte;
	}
	return 0;
}

u32 x86_ioapic_read(struct x86_ioapic *io, u32 offset)
{
	switch (offset & 0xfc) {
	case X86_IOAPIC_IOREGSEL:
		return io->ioregsel;
	case X86_IOAPIC_IOWIN:
		return read_reg(io, io->ioregsel);
	default:
		return 0;
	}
}

void x86_ioapic_write(struct x86_ioapic *io, u32 offset, u32 val)
{
	u32 sel = io->ioregsel;

	switch (offset & 0xfc) {
	case X86_IOAPIC_IOREGSEL:
		io->ioregsel = val & 0xff;
		break;
	case X86_IOAPIC_IOWIN:
		if (sel == X86_IOAPIC_REG_ID)
			io->id = val & 0x0f000000;
		else if (sel >= X86_IOAPIC_REG_RTE &&
			 sel < X86_IOAPIC_REG_RTE + 2 * X86_IOAPIC_NR_PINS)
			write_rte(io, (sel - X86_IOAPIC_REG_RTE) / 2, sel & 1,
				  val);
		break;
	case X86_IOAPIC_EOI:
		x86_ioapic_eoi(io, val & 0xff);
		break;
	}
}

void x86_ioapic_reset(struct x86_ioapic *io, u32 id)
{
	io->id = (id & 0xf) << 24;
	io->ioregsel = 0;
	for (unsigned int pin = 0; pin < X86_IOAPIC_NR_PINS; pin++)
		io->rte[pin] = X86_IOAPIC_RTE_MASKED;
}

void x86_ioapic_init(struct x86_ioapic *io, const struct x86_ioapic_ops *ops,
		     void *opaque, u32 id)
{
	memset(io, 0, sizeof(*io));
	io->ops = ops;
	io->opaque = opaque;
	x86_ioapic_reset(io, id);
}
