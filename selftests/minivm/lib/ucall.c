// SPDX-License-Identifier: GPL-2.0
/*
 * ucall, host side (see include/ucall.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "minivm_util.h"
#include "ucall.h"

uint64_t get_ucall(struct minivm_vcpu *vcpu, struct ucall *uc)
{
	struct minivm_run *run = vcpu->run;
	struct minivm_regs regs;
	struct ucall tmp;

	if (!uc)
		uc = &tmp;
	memset(uc, 0, sizeof(*uc));
	if (run->exit_reason != MINIVM_EXIT_IO ||
	    run->io.direction != MINIVM_EXIT_IO_OUT ||
	    run->io.port != UCALL64_PORT || run->io.size != 4)
		return UCALL_NONE;
	vcpu_get_regs(vcpu, &regs);
	memcpy(uc, vm_gpa2hva(vcpu->vm, regs.rdi), sizeof(*uc));
	MINIVM_CHECK(uc->cmd != UCALL_NONE && uc->cmd <= UCALL_EXCEPTION &&
		     uc->nargs <= UCALL_MAX_ARGS,
		     "garbage ucall at guest 0x%llx: cmd %" PRIu64 " nargs %" PRIu64,
		     (unsigned long long)regs.rdi, uc->cmd, uc->nargs);
	return uc->cmd;
}

/* A guest string, bounded, or "?" when it is not in guest memory. */
static void guest_string(struct minivm_vcpu *vcpu, uint64_t gva, char *buf,
			 size_t len)
{
	const char *s;

	s = gva ? vm_gpa2hva(vcpu->vm, gva) : NULL;
	snprintf(buf, len, "%s", s ? s : "?");
}

char *ucall_describe_abort(struct minivm_vcpu *vcpu, const struct ucall *uc,
			   char *buf, size_t len)
{
	char file[256], expr[512];

	guest_string(vcpu, uc->file, file, sizeof(file));
	guest_string(vcpu, uc->expr, expr, sizeof(expr));
	if (uc->nargs >= 2)
		snprintf(buf, len, "%s:%" PRIu64 ": %s (0x%" PRIx64 " vs 0x%" PRIx64 ")",
			 file, uc->line, expr, uc->args[0], uc->args[1]);
	else
		snprintf(buf, len, "%s:%" PRIu64 ": %s", file, uc->line, expr);
	return buf;
}
