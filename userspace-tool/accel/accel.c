// SPDX-License-Identifier: GPL-2.0
/* Choosing an accelerator by name. */
#include <string.h>

#include "accel.h"
#include "compiler.h"

static const struct accel_ops *const accels[] = {
	&minivm_accel_ops,
	&kvm_accel_ops,
};

const struct accel_ops *accel_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(accels); i++)
		if (!strcmp(accels[i]->name, name))
			return accels[i];
	return NULL;
}

void accel_init(struct accel *a, struct accel_vcpu *vcpu,
		const struct accel_ops *ops)
{
	memset(a, 0, sizeof(*a));
	a->ops = ops;
	a->sys_fd = -1;
	a->vm_fd = -1;
	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->accel = a;
	vcpu->fd = -1;
}
