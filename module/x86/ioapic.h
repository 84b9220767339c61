/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An I/O APIC with 24 pins and version 0x20 (the ICH/PIIX-era 82093AA
 * successor that has an EOI register), as pure code: no kernel
 * dependencies (see types.h), no locking (the caller serialises every
 * call on one I/O APIC). The caller owns the MMIO window (normally at
 * 0xfec00000), drives the pins with x86_ioapic_set_irq(), routes the
 * messages it sends (ops->deliver, normally into x86_lapic_accept() of
 * the APICs that x86_lapic_match_dest() picks) and passes on the local
 * APICs' EOIs of level-triggered vectors (x86_ioapic_eoi()).
 *
 * Emulated: IOREGSEL, IOWIN, the EOI register; the ID, version and
 * arbitration registers; 24 redirection entries with vector, delivery
 * mode, destination mode, polarity, remote IRR, trigger mode, mask and
 * an 8-bit destination. Edge pins send on an asserting edge, level pins
 * while asserted and remote IRR is clear.
 *
 * Not emulated: the extended destination ID (RTE bits 55:48), the
 * delivery status bit (always idle: a message goes out at once), the
 * 82093AA's IRQ assertion register and the APIC bus arbitration (the
 * arbitration register reads the ID).
 */
#ifndef MINIVM_X86_IOAPIC_H
#define MINIVM_X86_IOAPIC_H

#include "types.h"
#include "lapic.h"	/* X86_APIC_DM_*: the same delivery mode encoding */

#define X86_IOAPIC_NR_PINS	24

/* MMIO window offsets */
#define X86_IOAPIC_IOREGSEL	0x00
#define X86_IOAPIC_IOWIN	0x10
#define X86_IOAPIC_EOI		0x40

/* Indirect registers (IOREGSEL values) */
#define X86_IOAPIC_REG_ID	0x00
#define X86_IOAPIC_REG_VERSION	0x01
#define X86_IOAPIC_REG_ARB	0x02
#define X86_IOAPIC_REG_RTE	0x10	/* + 2 * pin: low word, + 1: high */

/* Version register: max redirection entry 23, version 0x20 */
#define X86_IOAPIC_VERSION_VAL	0x00170020u

/* Redirection table entry, low word */
#define X86_IOAPIC_RTE_VEC(v)		((v) & 0xffu)
#define X86_IOAPIC_RTE_DM(v)		(((v) >> 8) & 7u)
#define X86_IOAPIC_RTE_LOGICAL		BIT(11)	/* destination mode */
#define X86_IOAPIC_RTE_PENDING		BIT(12)	/* delivery status: 0 */
#define X86_IOAPIC_RTE_ACTIVE_LOW	BIT(13)	/* pin polarity */
#define X86_IOAPIC_RTE_REMOTE_IRR	BIT(14)	/* read-only */
#define X86_IOAPIC_RTE_LEVEL		BIT(15)	/* trigger mode */
#define X86_IOAPIC_RTE_MASKED		BIT(16)
/* high word: destination in bits 31:24 (RTE bits 63:56) */

struct x86_ioapic_ops {
	/*
	 * Send an interrupt message: to the local APICs that @dest (8 bits)
	 * names in physical or @logical destination mode, @delivery_mode
	 * X86_APIC_DM_* (fixed, lowest priority: x86_lapic_accept() with
	 * @level; NMI, SMI, INIT, ExtINT: the caller's), @level set for a
	 * level-triggered fixed or lowest-priority entry (never for the
	 * other modes: the model treats those as edge). Return true if some
	 * APIC accepted it: only then does a level entry set remote IRR
	 * (and wait for an EOI); on false it is sent again the next time
	 * the pin is driven asserted or the entry is rewritten. Must not
	 * call back into this I/O APIC.
	 */
	bool (*deliver)(void *opaque, u32 dest, bool logical, u8 vector,
			u8 delivery_mode, bool level);
};

struct x86_ioapic {
	const struct x86_ioapic_ops *ops;
	void *opaque;
	u32 id;				/* ID register: ID in bits 27:24 */
	u32 ioregsel;
	u64 rte[X86_IOAPIC_NR_PINS];	/* as the guest reads them */
	u32 line;			/* electrical level of each pin */
};

/*
 * Set up @io once, before any other call (no op is called): all lines
 * low, then x86_ioapic_reset(@io, @id).
 */
void x86_ioapic_init(struct x86_ioapic *io, const struct x86_ioapic_ops *ops,
		     void *opaque, u32 id);

/*
 * Reset: ID = @id (bits 3:0 used) in bits 27:24, IOREGSEL 0, every
 * redirection entry 0x10000 (masked, edge, fixed, vector 0, remote IRR
 * clear, destination 0). The pins' line levels are the devices' and
 * survive (as ops and opaque do).
 */
void x86_ioapic_reset(struct x86_ioapic *io, u32 id);

/*
 * A guest read of the 32-bit register at @offset in the MMIO window
 * (masked to 0xff, as the window repeats on real chipsets; 4-byte
 * aligned): IOREGSEL (0x00) reads the selector, IOWIN (0x10) the selected
 * register: ID, version X86_IOAPIC_VERSION_VAL, arbitration (= the ID),
 * a redirection entry half; other selectors and offsets read 0 (EOI is
 * write-only).
 */
u32 x86_ioapic_read(struct x86_ioapic *io, u32 offset);

/*
 * A guest write: IOREGSEL (bits 7:0 kept), IOWIN to the selected register
 * (ID bits 27:24; version and arbitration read-only; redirection entries:
 * low word vector, delivery mode, destination mode, polarity, trigger,
 * mask; high word destination bits 31:24; delivery status and remote IRR
 * are read-only), EOI (0x40): as x86_ioapic_eoi(@val & 0xff). Writing an
 * entry that is (then) edge-triggered clears its remote IRR, as KVM
 * does. Writing an entry that is then unmasked, level-triggered and
 * asserted with remote IRR clear sends it (ops->deliver).
 */
void x86_ioapic_write(struct x86_ioapic *io, u32 offset, u32 val);

/*
 * A device drives pin @pin (0..23; others ignored) to electrical level
 * @level. The pin is asserted when the level differs from the entry's
 * polarity: high for active-high (bit 13 clear, the reset state), low
 * for active-low. So a device on an active-low line (PCI INTx, an ACPI
 * SCI override) must keep it high while idle and drive it low to assert,
 * and what the VMM's MP/ACPI tables tell the guest about polarity must
 * match how it drives the pin. On a masked pin only the level is
 * recorded. Edge-triggered entries send on the change to asserted;
 * level-triggered ones send while asserted and remote IRR is clear,
 * including on every call that drives an asserted pin again (a retry
 * after a refused message).
 */
void x86_ioapic_set_irq(struct x86_ioapic *io, unsigned int pin, bool level);

/*
 * A local APIC EOI'd level-triggered @vector (its ops->eoi), or the guest
 * wrote the EOI register: every entry with that vector and remote IRR set
 * has remote IRR cleared and, if it is still asserted and unmasked, is
 * sent again.
 */
void x86_ioapic_eoi(struct x86_ioapic *io, u8 vector);

#endif /* MINIVM_X86_IOAPIC_H */
