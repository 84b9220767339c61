/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit guests written in C, in the manner of the kernel's
 * tools/testing/selftests/kvm/include/x86_64/processor.h.
 *
 * The test binaries are static, non-PIE executables. vm_create_64()
 * copies the binary's own PT_LOAD segments into guest memory at
 * guest-physical = host-virtual address and identity maps the low 1 GiB
 * (guest-virtual = guest-physical), so guest code is a C function of the
 * binary, called at its own address: vm_create_64(&vcpu, guest_main).
 * Guest globals are the guest's copy: the host reads and writes them with
 * sync_global_from_guest()/sync_global_to_guest().
 *
 * Guest code must not use libc (no syscalls, no TLS, no stack protector:
 * see the Makefile's flags).
 *
 * Guest-physical layout (one slot, slot 0, VM64_MEM_SIZE bytes at 0):
 */
#ifndef SELFTEST_MINIVM_PROCESSOR_H
#define SELFTEST_MINIVM_PROCESSOR_H

#include <stdint.h>

#include "minivm_util.h"
#include "ucall.h"

#define VM64_MEM_SIZE		(64UL << 20)
#define VM64_GDT_GPA		0x1000
#define VM64_IDT_GPA		0x2000
#define VM64_TSS_GPA		0x3000
#define VM64_PML4_GPA		0x10000
#define VM64_PDPT_GPA		0x11000
#define VM64_PD_GPA		0x12000	/* identity maps GPA 0-1 GiB, 2 MiB pages */
#define VM64_PT_POOL_GPA	0x20000	/* 4 KiB page tables, vm_map_page() */
#define VM64_PT_POOL_END	0x80000
#define VM64_STACK_TOP		0x200000
#define VM64_SCRATCH_GPA	0x200000	/* free for tests, to 0x400000 */
#define VM64_HIGH_GPA		(32UL << 20)	/* free for tests, to VM64_MEM_SIZE */

/* GDT selectors */
#define VM64_SEL_CODE64		0x08
#define VM64_SEL_DATA		0x10
#define VM64_SEL_CODE32		0x18
#define VM64_SEL_TSS		0x28	/* 16 bytes: 0x28 and 0x30 */
/* CPL 3, after vm_enable_user_mode() (use with RPL 3: | 3) */
#define VM64_SEL_UDATA		0x38
#define VM64_SEL_UCODE64	0x40
/* The CPL 0 stack for exceptions from CPL 3 (below guest_code's) */
#define VM64_RSP0		(VM64_STACK_TOP - 0x10000)

#define X86_CR0_PE	(1UL << 0)
#define X86_CR0_MP	(1UL << 1)
#define X86_CR0_EM	(1UL << 2)
#define X86_CR0_TS	(1UL << 3)
#define X86_CR0_ET	(1UL << 4)
#define X86_CR0_NE	(1UL << 5)
#define X86_CR0_WP	(1UL << 16)
#define X86_CR0_AM	(1UL << 18)
#define X86_CR0_PG	(1UL << 31)
#define X86_CR4_PSE	(1UL << 4)
#define X86_CR4_PAE	(1UL << 5)
#define X86_CR4_OSFXSR	(1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define EFER_SCE	(1UL << 0)
#define EFER_LME	(1UL << 8)
#define EFER_LMA	(1UL << 10)
#define X86_EFLAGS_TF	(1UL << 8)

#define PTE_P		(1UL << 0)
#define PTE_W		(1UL << 1)
#define PTE_U		(1UL << 2)
#define PTE_PS		(1UL << 7)

#define VM64_CR0	(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | \
			 X86_CR0_WP | X86_CR0_PG)
#define VM64_CR4	(X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)
#define VM64_EFER	(EFER_LME | EFER_LMA)

/* Exception vectors */
#define DE_VECTOR	0
#define DB_VECTOR	1
#define BP_VECTOR	3
#define OF_VECTOR	4
#define BR_VECTOR	5
#define UD_VECTOR	6
#define NM_VECTOR	7
#define DF_VECTOR	8
#define TS_VECTOR	10
#define NP_VECTOR	11
#define SS_VECTOR	12
#define GP_VECTOR	13
#define PF_VECTOR	14
#define MF_VECTOR	16
#define AC_VECTOR	17
#define XM_VECTOR	19

/* ---- host side (lib/processor.c) ---- */

/*
 * A VM with VM64_MEM_SIZE of memory, the test binary's image, page
 * tables, GDT, TSS and IDT, and vCPU 0 in 64-bit mode about to call
 * guest_code() with RSP 16-byte aligned as the ABI wants; guest_code
 * returning is a guest assertion failure.
 */
struct minivm_vm *vm_create_64(struct minivm_vcpu **vcpu, void *guest_code);
/* The same with the in-kernel irqchip (MINIVM_CREATE_IRQCHIP first). */
struct minivm_vm *vm_create_64_irqchip(struct minivm_vcpu **vcpu,
				       void *guest_code);
/* The 64-bit sregs vm_create_64() sets (for tests that change them). */
void vcpu_init_sregs_64(struct minivm_vcpu *vcpu);
void vcpu_set_rip(struct minivm_vcpu *vcpu, uint64_t rip);
/* RDI, RSI: the first two arguments of guest_code. */
void vcpu_args_set(struct minivm_vcpu *vcpu, uint64_t a0, uint64_t a1);
/*
 * CPL 3 for tests that need it: user code and data segments in the GDT,
 * the TSS's RSP0, and every page of the identity map user-accessible
 * (no SMEP/SMAP, so CPL 0 code is not disturbed).
 */
void vm_enable_user_mode(struct minivm_vm *vm, struct minivm_vcpu *vcpu);
/* Map the 4 KiB page gva -> gpa with flags PTE_*; 0 flags: not present. */
void vm_map_page(struct minivm_vm *vm, uint64_t gva, uint64_t gpa, uint64_t flags);

#define sync_global_to_guest(vm, g)					\
	memcpy(vm_gpa2hva(vm, (uint64_t)&(g)), &(g), sizeof(g))
#define sync_global_from_guest(vm, g)					\
	memcpy(&(g), vm_gpa2hva(vm, (uint64_t)&(g)), sizeof(g))
/* Write one guest global without touching the host's copy. */
#define write_guest_global(vm, g, val)					\
	(*(__typeof__(g) *)vm_gpa2hva(vm, (uint64_t)&(g)) = (val))

/*
 * Exceptions, like KVM's vm_install_exception_handler(): per vector the
 * test chooses whether the guest's handler reports it with a ucall
 * (UCALL_EXCEPTION, args vector, error code, RIP, CR2) and where the guest
 * resumes (0: at the RIP the exception pushed, i.e. after a trap, again
 * at a fault). An exception with neither is a guest assertion failure.
 * The last one is always recorded in guest_exc_last.
 */
#define VM64_NR_VECTORS		256
struct exc_record {
	uint64_t count;
	uint64_t vector, error_code, rip, cr2;
};

extern uint8_t guest_exc_report[VM64_NR_VECTORS];
extern uint64_t guest_exc_fixup[VM64_NR_VECTORS];
extern volatile struct exc_record guest_exc_last;

void vm_handle_exception(struct minivm_vm *vm, uint8_t vector, bool report,
			 uint64_t fixup_rip);

/* ---- guest side ---- */
static inline uint64_t guest_read_cr0(void)
{
	uint64_t v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void guest_write_cr0(uint64_t v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

#endif /* SELFTEST_MINIVM_PROCESSOR_H */
