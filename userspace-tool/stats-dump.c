// SPDX-License-Identifier: GPL-2.0
/*
 * --stats: the statistics of the VM and of its vCPU, from the driver's
 * binary statistics files (MINIVM_GET_STATS_FD and
 * MINIVM_GET_VCPU_STATS_FD, or KVM_GET_STATS_FD), named by their own
 * descriptors (stats.c): nothing here knows a statistic. A driver
 * without them costs one line on stderr, never the guest's exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stats-dump.h"
#include "util.h"

/* Read and decode one file: 0, or -errno with the reason in d->why. */
static int collect_one(struct vm *vm, struct accel_vcpu *vcpu,
		       struct stats_set *set, struct stats_dump *d)
{
	const struct accel_ops *ops = vm->accel.ops;
	const char *what = vcpu ? "vCPU" : "VM";
	char why[256];
	uint8_t *buf;
	size_t len;
	int fd, ret;

	fd = ops->stats_fd(&vm->accel, vcpu);
	if (fd == -EOPNOTSUPP) {
		snprintf(d->why, sizeof(d->why),
			 "--stats: %s has no binary statistics (no %sCAP_BINARY_STATS_FD)",
			 ops->name, ops->ioctl_prefix);
		return fd;
	}
	if (fd < 0) {
		snprintf(d->why, sizeof(d->why), "--stats: the %s's statistics file: %s",
			 what, strerror(-fd));
		return fd;
	}
	ret = stats_read_fd(fd, &buf, &len);
	close(fd);
	if (ret) {
		snprintf(d->why, sizeof(d->why), "--stats: reading the %s's statistics: %s",
			 what, strerror(-ret));
		return ret;
	}
	ret = stats_parse(buf, len, set, why, sizeof(why));
	free(buf);
	if (ret) {
		snprintf(d->why, sizeof(d->why), "--stats: the %s's statistics: %s",
			 what, why);
		return ret;
	}
	return 0;
}

void stats_dump_collect(struct vm *vm, struct stats_dump *d)
{
	int ret;

	memset(d, 0, sizeof(*d));
	ret = collect_one(vm, NULL, &d->vm, d);
	d->have_vm = !ret;
	/* A driver without statistics says so once, not per vCPU. */
	if (ret != -EOPNOTSUPP)
		d->have_vcpu = !collect_one(vm, &vm->vcpu, &d->vcpu, d);
	d->vcpu_id = vm->vcpu.id;
}

static void emit(void *ctx, const char *line)
{
	(void)ctx;
	pr_err("stats %s", line);
}

void stats_dump_print(struct stats_dump *d)
{
	char scope[32];

	if (d->have_vm)
		stats_lines(&d->vm, "vm", emit, NULL);
	if (d->have_vcpu) {
		snprintf(scope, sizeof(scope), "vcpu%u", d->vcpu_id);
		stats_lines(&d->vcpu, scope, emit, NULL);
	}
	if (*d->why)
		pr_err("%s", d->why);
	stats_free(&d->vm);
	stats_free(&d->vcpu);
}
