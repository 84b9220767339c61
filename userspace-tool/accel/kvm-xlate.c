// SPDX-License-Identifier: GPL-2.0
/* KVM's structures to and from the VMM's (see kvm-xlate.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "kvm-xlate.h"

#define CPUID_1_ECX_TSC_DEADLINE	(1U << 24)

void kvm_regs_to_vcpu(const struct kvm_regs *in, struct vcpu_regs *out)
{
	*out = (struct vcpu_regs) {
		.rax = in->rax, .rbx = in->rbx, .rcx = in->rcx, .rdx = in->rdx,
		.rsi = in->rsi, .rdi = in->rdi, .rsp = in->rsp, .rbp = in->rbp,
		.r8 = in->r8, .r9 = in->r9, .r10 = in->r10, .r11 = in->r11,
		.r12 = in->r12, .r13 = in->r13, .r14 = in->r14, .r15 = in->r15,
		.rip = in->rip, .rflags = in->rflags,
	};
}

void kvm_regs_from_vcpu(const struct vcpu_regs *in, struct kvm_regs *out)
{
	*out = (struct kvm_regs) {
		.rax = in->rax, .rbx = in->rbx, .rcx = in->rcx, .rdx = in->rdx,
		.rsi = in->rsi, .rdi = in->rdi, .rsp = in->rsp, .rbp = in->rbp,
		.r8 = in->r8, .r9 = in->r9, .r10 = in->r10, .r11 = in->r11,
		.r12 = in->r12, .r13 = in->r13, .r14 = in->r14, .r15 = in->r15,
		.rip = in->rip, .rflags = in->rflags,
	};
}

static void seg_to_vcpu(const struct kvm_segment *in, struct vcpu_segment *out)
{
	*out = (struct vcpu_segment) {
		.base = in->base, .limit = in->limit, .selector = in->selector,
		.type = in->type, .present = in->present, .dpl = in->dpl,
		.db = in->db, .s = in->s, .l = in->l, .g = in->g,
		.avl = in->avl, .unusable = in->unusable,
	};
}

static void seg_from_vcpu(const struct vcpu_segment *in, struct kvm_segment *out)
{
	*out = (struct kvm_segment) {
		.base = in->base, .limit = in->limit, .selector = in->selector,
		.type = in->type, .present = in->present, .dpl = in->dpl,
		.db = in->db, .s = in->s, .l = in->l, .g = in->g,
		.avl = in->avl, .unusable = in->unusable,
	};
}

void kvm_sregs_to_vcpu(const struct kvm_sregs *in, struct vcpu_sregs *out)
{
	memset(out, 0, sizeof(*out));
	seg_to_vcpu(&in->cs, &out->cs);
	seg_to_vcpu(&in->ds, &out->ds);
	seg_to_vcpu(&in->es, &out->es);
	seg_to_vcpu(&in->fs, &out->fs);
	seg_to_vcpu(&in->gs, &out->gs);
	seg_to_vcpu(&in->ss, &out->ss);
	seg_to_vcpu(&in->tr, &out->tr);
	seg_to_vcpu(&in->ldt, &out->ldt);
	out->gdt.base = in->gdt.base;
	out->gdt.limit = in->gdt.limit;
	out->idt.base = in->idt.base;
	out->idt.limit = in->idt.limit;
	out->cr0 = in->cr0;
	out->cr2 = in->cr2;
	out->cr3 = in->cr3;
	out->cr4 = in->cr4;
	out->cr8 = in->cr8;
	out->efer = in->efer;
	out->apic_base = in->apic_base;
}

void kvm_sregs_from_vcpu(const struct vcpu_sregs *in, struct kvm_sregs *out)
{
	memset(out, 0, sizeof(*out));
	seg_from_vcpu(&in->cs, &out->cs);
	seg_from_vcpu(&in->ds, &out->ds);
	seg_from_vcpu(&in->es, &out->es);
	seg_from_vcpu(&in->fs, &out->fs);
	seg_from_vcpu(&in->gs, &out->gs);
	seg_from_vcpu(&in->ss, &out->ss);
	seg_from_vcpu(&in->tr, &out->tr);
	seg_from_vcpu(&in->ldt, &out->ldt);
	out->gdt.base = in->gdt.base;
	out->gdt.limit = in->gdt.limit;
	out->idt.base = in->idt.base;
	out->idt.limit = in->idt.limit;
	out->cr0 = in->cr0;
	out->cr2 = in->cr2;
	out->cr3 = in->cr3;
	out->cr4 = in->cr4;
	out->cr8 = in->cr8;
	out->efer = in->efer;
	out->apic_base = in->apic_base;
}

static const char * const kvm_exit_names[] = {
	[KVM_EXIT_UNKNOWN]		= "UNKNOWN",
	[KVM_EXIT_EXCEPTION]		= "EXCEPTION",
	[KVM_EXIT_IO]			= "IO",
	[KVM_EXIT_HYPERCALL]		= "HYPERCALL",
	[KVM_EXIT_DEBUG]		= "DEBUG",
	[KVM_EXIT_HLT]			= "HLT",
	[KVM_EXIT_MMIO]			= "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN]	= "IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN]		= "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY]		= "FAIL_ENTRY",
	[KVM_EXIT_INTR]			= "INTR",
	[KVM_EXIT_SET_TPR]		= "SET_TPR",
	[KVM_EXIT_TPR_ACCESS]		= "TPR_ACCESS",
	[KVM_EXIT_NMI]			= "NMI",
	[KVM_EXIT_INTERNAL_ERROR]	= "INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT]		= "SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI]		= "IOAPIC_EOI",
	[KVM_EXIT_HYPERV]		= "HYPERV",
	[KVM_EXIT_X86_RDMSR]		= "X86_RDMSR",
	[KVM_EXIT_X86_WRMSR]		= "X86_WRMSR",
	[KVM_EXIT_DIRTY_RING_FULL]	= "DIRTY_RING_FULL",
	[KVM_EXIT_X86_BUS_LOCK]		= "X86_BUS_LOCK",
	[KVM_EXIT_NOTIFY]		= "NOTIFY",
};

const char *kvm_exit_name(uint32_t exit_reason)
{
	if (exit_reason >= ARRAY_SIZE(kvm_exit_names))
		return NULL;
	return kvm_exit_names[exit_reason];
}

static int translate_io(struct kvm_run *run, size_t run_size,
			struct vmm_exit *exit, char *why, size_t whylen)
{
	unsigned int size = run->io.size;
	uint64_t offset = run->io.data_offset;
	uint64_t count = run->io.count;

	/* As for minivm: never follow an offset out of the mapping. */
	if ((size != 1 && size != 2 && size != 4) || !count ||
	    offset > run_size || count > (run_size - offset) / size ||
	    (run->io.direction != KVM_EXIT_IO_IN &&
	     run->io.direction != KVM_EXIT_IO_OUT)) {
		snprintf(why, whylen,
			 "malformed I/O exit from KVM: direction %u port 0x%x size %u count %u data_offset %llu",
			 run->io.direction, run->io.port, run->io.size,
			 run->io.count, (unsigned long long)run->io.data_offset);
		return -EPROTO;
	}

	exit->reason = VMM_EXIT_IO;
	exit->io.port = run->io.port;
	exit->io.size = size;
	exit->io.out = run->io.direction == KVM_EXIT_IO_OUT;
	exit->io.count = count;
	exit->io.data = (uint8_t *)run + offset;
	return 0;
}

static void translate_internal(const struct kvm_run *run, struct vmm_exit *exit)
{
	unsigned int ndata = run->internal.ndata;
	unsigned int i;

	exit->reason = VMM_EXIT_INTERNAL_ERROR;
	exit->internal.suberror = run->internal.suberror;
	exit->internal.ndata = ndata > VMM_EXIT_MAX_DATA ? VMM_EXIT_MAX_DATA : ndata;
	for (i = 0; i < exit->internal.ndata; i++)
		exit->internal.data[i] = run->internal.data[i];

	switch (run->internal.suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		exit->internal.kind = VMM_INTERNAL_EMULATION;
		/*
		 * The emulation_failure overlay (ABI since KVM 5.14): flags
		 * in data[0], then the size and bytes of the instruction,
		 * 16 bytes, in data[1..2].
		 */
		if (ndata >= 3 && (run->emulation_failure.flags &
				   KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
			unsigned int n = run->emulation_failure.insn_size;

			if (n > 15)
				n = 15;
			memcpy(exit->internal.insn, run->emulation_failure.insn_bytes, n);
			exit->internal.insn_len = n;
		}
		break;
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		exit->internal.kind = VMM_INTERNAL_DELIVERY_EV;
		break;
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		exit->internal.kind = VMM_INTERNAL_UNHANDLED_EXIT;
		break;
	default:
		exit->internal.kind = VMM_INTERNAL_OTHER;
	}
}

static enum vmm_system_event system_event_type(uint32_t type)
{
	switch (type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return VMM_SYSTEM_EVENT_SHUTDOWN;
	case KVM_SYSTEM_EVENT_RESET:
		return VMM_SYSTEM_EVENT_RESET;
	case KVM_SYSTEM_EVENT_CRASH:
		return VMM_SYSTEM_EVENT_CRASH;
	default:
		return VMM_SYSTEM_EVENT_OTHER;
	}
}

int kvm_translate_exit(struct kvm_run *run, size_t run_size,
		       struct vmm_exit *exit, char *why, size_t whylen)
{
	memset(exit, 0, sizeof(*exit));
	exit->raw_reason = run->exit_reason;
	exit->raw_name = kvm_exit_name(run->exit_reason);

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return translate_io(run, run_size, exit, why, whylen);
	case KVM_EXIT_MMIO:
		/* KVM splits at page boundaries, so any length up to 8. */
		if (!run->mmio.len || run->mmio.len > 8) {
			snprintf(why, whylen,
				 "malformed MMIO exit from KVM: address 0x%llx length %u",
				 (unsigned long long)run->mmio.phys_addr, run->mmio.len);
			return -EPROTO;
		}
		exit->reason = VMM_EXIT_MMIO;
		exit->mmio.addr = run->mmio.phys_addr;
		exit->mmio.len = run->mmio.len;
		exit->mmio.write = run->mmio.is_write;
		exit->mmio.data = run->mmio.data;
		return 0;
	case KVM_EXIT_HLT:
		exit->reason = VMM_EXIT_HLT;
		return 0;
	case KVM_EXIT_SHUTDOWN:
		exit->reason = VMM_EXIT_SHUTDOWN;
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		exit->reason = VMM_EXIT_FAIL_ENTRY;
		exit->fail_entry.hw_reason = run->fail_entry.hardware_entry_failure_reason;
		exit->fail_entry.cpu = run->fail_entry.cpu;
		return 0;
	case KVM_EXIT_INTR:
		exit->reason = VMM_EXIT_INTR;
		return 0;
	case KVM_EXIT_INTERNAL_ERROR:
		translate_internal(run, exit);
		return 0;
	case KVM_EXIT_SYSTEM_EVENT:
		exit->reason = VMM_EXIT_SYSTEM_EVENT;
		exit->system_event.raw_type = run->system_event.type;
		exit->system_event.type = system_event_type(run->system_event.type);
		return 0;
	default:
		exit->reason = VMM_EXIT_UNKNOWN;
		return 0;
	}
}

void kvm_cpuid_set_apic_id(struct kvm_cpuid2 *cpuid, uint32_t apic_id)
{
	uint32_t i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 1) {
			e->ebx = (e->ebx & 0x00ffffff) | (apic_id << 24);
			/*
			 * KVM's supported table leaves the hypervisor bit to
			 * the VMM (QEMU sets it): set it, as minivm does, so
			 * a guest knows it is one on either accelerator.
			 */
			e->ecx |= 1U << 31;
		} else if (e->function == 0xb || e->function == 0x1f) {
			e->edx = apic_id;
		}
	}
}

void kvm_cpuid_set_tsc_deadline(struct kvm_cpuid2 *cpuid)
{
	uint32_t i;

	for (i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == 1)
			cpuid->entries[i].ecx |= CPUID_1_ECX_TSC_DEADLINE;
}
