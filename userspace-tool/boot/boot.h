/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every loader hands back: the state the vCPU starts in. The loaders
 * are pure (they write guest memory through struct guest_mem and return
 * plain structs); the VMM turns a struct boot_cpu into SET_REGS and
 * SET_SREGS on whichever accelerator runs the guest.
 */
#ifndef MINIVM_RUN_BOOT_BOOT_H
#define MINIVM_RUN_BOOT_BOOT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "vcpu-state.h"

struct boot_cpu {
	struct vcpu_regs regs;
	struct vcpu_segment cs, ds, es, fs, gs, ss;
	struct vcpu_dtable gdt, idt;
	uint64_t cr0, cr3, cr4, efer;
};

/*
 * Put @cpu's state into @sregs, which holds the vCPU's reset state. What
 * a loader does not set (TR, LDT, CR2, CR8, the APIC base) stays as the
 * driver reset it: those are valid for every mode the loaders start in
 * (a busy TSS in TR is what VM entry wants in real, protected and long
 * mode alike).
 */
void boot_cpu_apply(const struct boot_cpu *cpu, struct vcpu_sregs *sregs);

/* Selectors of the boot GDT, as the Linux boot protocol requires them. */
#define BOOT_CS		0x10
#define BOOT_DS		0x18

/*
 * Write the boot GDT (null, null, code at BOOT_CS, data at BOOT_DS) at
 * @gdt, 32 bytes, and describe the flat 4 GiB segments it holds in @cpu
 * (CS 64-bit when @long_mode, else 32-bit; DS = ES = FS = GS = SS data;
 * GDTR at @gdt_gpa; IDTR empty, so a stray exception before the kernel
 * loads its own IDT ends in a triple fault rather than in garbage).
 */
#define BOOT_GDT_SIZE	32
void boot_gdt_setup(void *gdt, uint64_t gdt_gpa, int long_mode,
		    struct boot_cpu *cpu);

/*
 * A message for the user into @err (at most @errlen bytes, one line, no
 * newline). boot_err() is -EINVAL, so that loaders can write
 * "return boot_err(err, errlen, ...)" (a macro, so that the compiler sees
 * the error is never 0).
 */
void boot_msg(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define boot_err(err, errlen, ...) \
	(boot_msg((err), (errlen), __VA_ARGS__), -EINVAL)

#endif /* MINIVM_RUN_BOOT_BOOT_H */
