/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between KVM's structures (<linux/kvm.h>) and the VMM's own: pure, so
 * the translations are unit-tested against crafted run areas on a host
 * without /dev/kvm.
 */
#ifndef MINIVM_RUN_ACCEL_KVM_XLATE_H
#define MINIVM_RUN_ACCEL_KVM_XLATE_H

#include <stddef.h>

#include <linux/kvm.h>

#include "vcpu-state.h"
#include "vmm-exit.h"

void kvm_regs_to_vcpu(const struct kvm_regs *in, struct vcpu_regs *out);
void kvm_regs_from_vcpu(const struct vcpu_regs *in, struct kvm_regs *out);
void kvm_sregs_to_vcpu(const struct kvm_sregs *in, struct vcpu_sregs *out);
/* No interrupt is left pending: interrupt_bitmap comes out zero. */
void kvm_sregs_from_vcpu(const struct vcpu_sregs *in, struct kvm_sregs *out);

/* "IO", "HYPERCALL", ... for a KVM_EXIT_* value; NULL for others. */
const char *kvm_exit_name(uint32_t exit_reason);

/* As minivm_translate_exit(), for struct kvm_run. */
int kvm_translate_exit(struct kvm_run *run, size_t run_size,
		       struct vmm_exit *exit, char *why, size_t whylen);

/*
 * Make the CPUID table from KVM_GET_SUPPORTED_CPUID right for the vCPU
 * with APIC ID @apic_id: leaf 1 EBX[31:24], and the x2APIC ID that the
 * topology leaves 0xb and 0x1f give in EDX. (minivm does this itself.)
 */
void kvm_cpuid_set_apic_id(struct kvm_cpuid2 *cpuid, uint32_t apic_id);

/* Set leaf 1's TSC-deadline timer bit (ECX bit 24), if leaf 1 is there. */
void kvm_cpuid_set_tsc_deadline(struct kvm_cpuid2 *cpuid);

#endif /* MINIVM_RUN_ACCEL_KVM_XLATE_H */
