/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel-style helpers the tool's code uses, as in kvmtool.
 * checkpatch asks for __printf and __noreturn everywhere else, and warns
 * on their definitions here as it would on the kernel's own
 * compiler_attributes.h.
 */
#ifndef MINIVM_RUN_COMPILER_H
#define MINIVM_RUN_COMPILER_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))

#endif /* MINIVM_RUN_COMPILER_H */
