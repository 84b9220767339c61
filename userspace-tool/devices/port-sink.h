/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_PORT_SINK_H
#define MINIVM_RUN_PORT_SINK_H

#include "ioport.h"

/*
 * Ports a Linux guest is known to touch, with nothing behind them. They
 * behave exactly as unclaimed ports (reads all ones, writes dropped) but
 * are claimed, so that they are neither counted nor logged by --debug-io:
 * they are expected, and frequent.
 */
#define IO_DELAY_PORT		0x80	/* the POST code port; Linux's outb_p() delay */
#define IO_DELAY_NR_PORTS	1
#define PIC_MASTER_BASE		0x20	/* 8259A command, then mask (IMR) */
#define PIC_SLAVE_BASE		0xa0
#define PIC_NR_PORTS		2

extern const struct ioport_ops port_sink_ops;

#endif /* MINIVM_RUN_PORT_SINK_H */
