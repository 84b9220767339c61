/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_PCI_NONE_H
#define MINIVM_RUN_PCI_NONE_H

#include <stdint.h>

#include "ioport.h"

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_NR_PORTS	4	/* each of the two */

#define PCI_CONFIG_ENABLE	0x80000000u
/* Bits 30-24 and 1-0 of the address register are reserved, read as 0. */
#define PCI_CONFIG_ADDRESS_MASK	0x80fffffcu

struct pci_none {
	uint32_t address;	/* CONFIG_ADDRESS as last written */
};

void pci_none_init(struct pci_none *pci);

/* Register both at their ports, each PCI_CONFIG_NR_PORTS long. */
extern const struct ioport_ops pci_none_address_ops;	/* PCI_CONFIG_ADDRESS */
extern const struct ioport_ops pci_none_data_ops;	/* PCI_CONFIG_DATA */

#endif /* MINIVM_RUN_PCI_NONE_H */
