// SPDX-License-Identifier: GPL-2.0
/*
 * ucall, guest side: runs inside the guest, so no libc and (built with
 * -mgeneral-regs-only) no SSE/x87 register use, which would fault with
 * CR0.TS set or clobber the state an FPU test checks.
 */
#include <stdint.h>

#include "ucall.h"

void ucall(uint64_t cmd, uint64_t nargs, uint64_t a0, uint64_t a1,
	   uint64_t a2, uint64_t a3)
{
	struct ucall uc = {
		.cmd = cmd,
		.nargs = nargs,
		.args = { a0, a1, a2, a3 },
	};

	/* "memory": the host reads uc while the guest is stopped at the OUT. */
	asm volatile("out %%eax, %%dx"
		     : : "a"((uint32_t)(uintptr_t)&uc), "d"(UCALL64_PORT), "D"(&uc)
		     : "memory");
}

void __guest_assert(const char *file, uint64_t line, const char *expr,
		    uint64_t nargs, uint64_t a0, uint64_t a1)
{
	struct ucall uc = {
		.cmd = UCALL_ABORT,
		.line = line,
		.file = (uint64_t)file,
		.expr = (uint64_t)expr,
		.nargs = nargs,
		.args = { a0, a1 },
	};

	/* Report again on every RUN: a failed guest never goes on. */
	for (;;)
		asm volatile("out %%eax, %%dx"
			     : : "a"((uint32_t)(uintptr_t)&uc), "d"(UCALL64_PORT),
			       "D"(&uc) : "memory");
}
