/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_STATS_DUMP_H
#define MINIVM_RUN_STATS_DUMP_H

#include <stdbool.h>

#include "stats.h"
#include "vm.h"

/*
 * --stats: the VM's and its vCPU's statistics, read through the driver
 * seam (accel.h) when the guest has ended, while the VM still exists,
 * and printed after it is gone and the terminal is restored.
 */
struct stats_dump {
	struct stats_set vm, vcpu;
	bool have_vm, have_vcpu;
	unsigned int vcpu_id;
	char why[320];			/* why some are missing, or "" */
};

void stats_dump_collect(struct vm *vm, struct stats_dump *d);
/* One "minivm-run: stats ..." line per non-zero value, then free all. */
void stats_dump_print(struct stats_dump *d);

#endif /* MINIVM_RUN_STATS_DUMP_H */
