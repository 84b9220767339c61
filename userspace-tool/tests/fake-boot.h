/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both fake drivers (fake-minivm.c, fake-kvm.c) check before the
 * first RUN: the memory slots minivm-run registered and the boot state it
 * left in the vCPU and in guest memory, against what $MINIVM_FAKE_BOOT
 * says the image was (flat, multiboot or linux) and the $MINIVM_FAKE_*
 * values the test passed along.
 */
#ifndef MINIVM_RUN_FAKE_BOOT_H
#define MINIVM_RUN_FAKE_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu-state.h"

#define FAKE_MAX_SLOTS	2

struct fake_guest_mem {
	struct {
		uint64_t gpa, size;
		uint8_t *host;
	} slots[FAKE_MAX_SLOTS];
};

/*
 * Record slot @slot; -1 unless it is slot 0 at 0 or slot 1 at 4 GiB,
 * the only layout minivm-run has, and new.
 */
int fake_add_slot(struct fake_guest_mem *gm, unsigned int slot, uint64_t gpa,
		  uint64_t size, uint8_t *host);

/* Host address of guest-physical [@gpa, @gpa + @len), or NULL. */
uint8_t *fake_gpa(const struct fake_guest_mem *gm, uint64_t gpa, uint64_t len);

/*
 * Complain, as "@who: ...", about everything that is not as expected,
 * @irqchip (whether the in-kernel irqchip was created) included: a kernel
 * needs one, a flat binary runs without.
 */
void fake_check_boot(const char *who, const struct fake_guest_mem *gm,
		     const struct vcpu_regs *regs, const struct vcpu_sregs *sregs,
		     bool irqchip);

#endif /* MINIVM_RUN_FAKE_BOOT_H */
