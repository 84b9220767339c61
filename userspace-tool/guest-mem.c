// SPDX-License-Identifier: GPL-2.0
/* Where guest RAM lies in guest-physical space (see guest-mem.h). */
#include <stddef.h>

#include "guest-mem.h"

void guest_mem_layout(struct guest_mem *gm, uint64_t size, bool pci_hole)
{
	gm->host = NULL;
	gm->size = size;
	if (pci_hole && size > GUEST_PCI_HOLE_START) {
		gm->low_size = GUEST_PCI_HOLE_START;
		gm->high_size = size - GUEST_PCI_HOLE_START;
	} else {
		gm->low_size = size;
		gm->high_size = 0;
	}
}

void *guest_mem_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	/* Compared without gpa + len, which could wrap. */
	if (gpa < gm->low_size && len <= gm->low_size - gpa)
		return gm->host + gpa;
	if (gm->high_size && gpa >= GUEST_HIGH_BASE &&
	    gpa - GUEST_HIGH_BASE < gm->high_size &&
	    len <= gm->high_size - (gpa - GUEST_HIGH_BASE))
		return gm->host + gm->low_size + (gpa - GUEST_HIGH_BASE);
	return NULL;
}
