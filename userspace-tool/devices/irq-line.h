/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An interrupt line from a device model to the VMM's interrupt controller.
 *
 * A device drives its line with irq_line_set(): the VMM's @raise and
 * @lower run only when the level changes, so the controller model sees
 * edges and never a repeat. A device whose output is a pulse (the PIT's
 * OUT0 on an edge-triggered PIC input) uses irq_line_pulse(). A line
 * nobody connected (both callbacks NULL) does nothing, which is what
 * every device starts with: the tests and today's minivm-run need no
 * interrupt controller.
 */
#ifndef MINIVM_RUN_IRQ_LINE_H
#define MINIVM_RUN_IRQ_LINE_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*irq_line_fn)(void *ctx, unsigned int irq);

struct irq_line {
	irq_line_fn raise;
	irq_line_fn lower;
	void *ctx;
	unsigned int irq;	/* passed to the callbacks: the ISA IRQ number */
	bool level;		/* as last driven */
};

/* Connect @line to the controller; it starts low (no callback runs). */
static inline void irq_line_connect(struct irq_line *line, unsigned int irq,
				    irq_line_fn raise, irq_line_fn lower,
				    void *ctx)
{
	line->raise = raise;
	line->lower = lower;
	line->ctx = ctx;
	line->irq = irq;
	line->level = false;
}

static inline void irq_line_set(struct irq_line *line, bool level)
{
	if (line->level == level)
		return;
	line->level = level;
	if (level && line->raise)
		line->raise(line->ctx, line->irq);
	else if (!level && line->lower)
		line->lower(line->ctx, line->irq);
}

/* One rising edge and back: for a device whose output is a pulse. */
static inline void irq_line_pulse(struct irq_line *line)
{
	irq_line_set(line, false);
	irq_line_set(line, true);
	irq_line_set(line, false);
}

#endif /* MINIVM_RUN_IRQ_LINE_H */
