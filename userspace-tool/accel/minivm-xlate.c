// SPDX-License-Identifier: GPL-2.0
/*
 * minivm's structures to and from the VMM's. The register structures have
 * the same fields as the VMM's (they were both modelled on KVM's), but are
 * copied field by field so that neither layout depends on the other.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "minivm-xlate.h"

void minivm_regs_to_vcpu(const struct minivm_regs *in, struct vcpu_regs *out)
{
	*out = (struct vcpu_regs) {
		.rax = in->rax, .rbx = in->rbx, .rcx = in->rcx, .rdx = in->rdx,
		.rsi = in->rsi, .rdi = in->rdi, .rsp = in->rsp, .rbp = in->rbp,
		.r8 = in->r8, .r9 = in->r9, .r10 = in->r10, .r11 = in->r11,
		.r12 = in->r12, .r13 = in->r13, .r14 = in->r14, .r15 = in->r15,
		.rip = in->rip, .rflags = in->rflags,
	};
}

void minivm_regs_from_vcpu(const struct vcpu_regs *in, struct minivm_regs *out)
{
	*out = (struct minivm_regs) {
		.rax = in->rax, .rbx = in->rbx, .rcx = in->rcx, .rdx = in->rdx,
		.rsi = in->rsi, .rdi = in->rdi, .rsp = in->rsp, .rbp = in->rbp,
		.r8 = in->r8, .r9 = in->r9, .r10 = in->r10, .r11 = in->r11,
		.r12 = in->r12, .r13 = in->r13, .r14 = in->r14, .r15 = in->r15,
		.rip = in->rip, .rflags = in->rflags,
	};
}

static void seg_to_vcpu(const struct minivm_segment *in, struct vcpu_segment *out)
{
	*out = (struct vcpu_segment) {
		.base = in->base, .limit = in->limit, .selector = in->selector,
		.type = in->type, .present = in->present, .dpl = in->dpl,
		.db = in->db, .s = in->s, .l = in->l, .g = in->g,
		.avl = in->avl, .unusable = in->unusable,
	};
}

static void seg_from_vcpu(const struct vcpu_segment *in, struct minivm_segment *out)
{
	*out = (struct minivm_segment) {
		.base = in->base, .limit = in->limit, .selector = in->selector,
		.type = in->type, .present = in->present, .dpl = in->dpl,
		.db = in->db, .s = in->s, .l = in->l, .g = in->g,
		.avl = in->avl, .unusable = in->unusable,
	};
}

void minivm_sregs_to_vcpu(const struct minivm_sregs *in, struct vcpu_sregs *out)
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

void minivm_sregs_from_vcpu(const struct vcpu_sregs *in, struct minivm_sregs *out)
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

static const char * const minivm_exit_names[] = {
	[MINIVM_EXIT_UNKNOWN]		= "UNKNOWN",
	[MINIVM_EXIT_IO]		= "IO",
	[MINIVM_EXIT_HLT]		= "HLT",
	[MINIVM_EXIT_SHUTDOWN]		= "SHUTDOWN",
	[MINIVM_EXIT_FAIL_ENTRY]	= "FAIL_ENTRY",
	[MINIVM_EXIT_INTR]		= "INTR",
	[MINIVM_EXIT_INTERNAL_ERROR]	= "INTERNAL_ERROR",
	[MINIVM_EXIT_MMIO]		= "MMIO",
	[MINIVM_EXIT_X86_RDMSR]		= "X86_RDMSR",
	[MINIVM_EXIT_X86_WRMSR]		= "X86_WRMSR",
	[MINIVM_EXIT_IRQ_WINDOW_OPEN]	= "IRQ_WINDOW_OPEN",
};

const char *minivm_exit_name(uint32_t exit_reason)
{
	if (exit_reason >= ARRAY_SIZE(minivm_exit_names))
		return NULL;
	return minivm_exit_names[exit_reason];
}

static int translate_io(struct minivm_run *run, size_t run_size,
			struct vmm_exit *exit, char *why, size_t whylen)
{
	unsigned int size = run->io.size;
	uint64_t offset = run->io.data_offset;
	uint64_t count = run->io.count;

	/*
	 * The data must lie inside the mapping: trusting the offset would
	 * let a broken module make us scribble over our own memory.
	 */
	if ((size != 1 && size != 2 && size != 4) || !count ||
	    offset > run_size || count > (run_size - offset) / size ||
	    (run->io.direction != MINIVM_EXIT_IO_IN &&
	     run->io.direction != MINIVM_EXIT_IO_OUT)) {
		snprintf(why, whylen,
			 "malformed I/O exit from the module: direction %u port 0x%x size %u count %u data_offset %llu",
			 run->io.direction, run->io.port, run->io.size,
			 run->io.count, (unsigned long long)run->io.data_offset);
		return -EPROTO;
	}

	exit->reason = VMM_EXIT_IO;
	exit->io.port = run->io.port;
	exit->io.size = size;
	exit->io.out = run->io.direction == MINIVM_EXIT_IO_OUT;
	exit->io.count = count;
	exit->io.data = (uint8_t *)run + offset;
	return 0;
}

static void translate_internal(const struct minivm_run *run,
			       struct vmm_exit *exit)
{
	const __u64 *d = run->internal.data;
	unsigned int ndata = run->internal.ndata;
	unsigned int i, n;

	exit->reason = VMM_EXIT_INTERNAL_ERROR;
	exit->internal.suberror = run->internal.suberror;
	exit->internal.ndata = ndata > VMM_EXIT_MAX_DATA ? VMM_EXIT_MAX_DATA : ndata;
	for (i = 0; i < exit->internal.ndata; i++)
		exit->internal.data[i] = d[i];

	switch (run->internal.suberror) {
	case MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT:
	case MINIVM_INTERNAL_ERROR_DELIVERY_EV:
		exit->internal.kind = run->internal.suberror ==
			MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT ?
			VMM_INTERNAL_UNHANDLED_EXIT : VMM_INTERNAL_DELIVERY_EV;
		/* api.rst 7.2: reason, qualification, RIP, length, IDT info, GPA */
		if (ndata >= 5) {
			exit->internal.have_vmx = true;
			exit->internal.vmx_reason = d[0];
			exit->internal.vmx_qualification = d[1];
			exit->internal.have_rip = true;
			exit->internal.rip = d[2];
			exit->internal.vmx_insn_len = d[3];
			exit->internal.vmx_idt_vectoring = d[4];
		}
		if (ndata >= 6 && (d[0] == 48 || d[0] == 49)) {
			exit->internal.have_gpa = true;
			exit->internal.gpa = d[5];
		}
		break;
	case MINIVM_INTERNAL_ERROR_EMULATION:
		exit->internal.kind = VMM_INTERNAL_EMULATION;
		/* RIP, GPA, byte count, then the bytes packed in data[3..4] */
		if (ndata >= 5) {
			exit->internal.have_rip = true;
			exit->internal.rip = d[0];
			exit->internal.have_gpa = true;
			exit->internal.gpa = d[1];
			n = d[2] > 15 ? 15 : d[2];
			for (i = 0; i < n; i++)
				exit->internal.insn[i] = d[3 + i / 8] >> (8 * (i % 8));
			exit->internal.insn_len = n;
		}
		break;
	default:
		exit->internal.kind = VMM_INTERNAL_OTHER;
	}
}

int minivm_translate_exit(struct minivm_run *run, size_t run_size,
			  struct vmm_exit *exit, char *why, size_t whylen)
{
	memset(exit, 0, sizeof(*exit));
	exit->raw_reason = run->exit_reason;
	exit->raw_name = minivm_exit_name(run->exit_reason);

	switch (run->exit_reason) {
	case MINIVM_EXIT_IO:
		return translate_io(run, run_size, exit, why, whylen);
	case MINIVM_EXIT_MMIO:
		if (run->mmio.len != 1 && run->mmio.len != 2 &&
		    run->mmio.len != 4 && run->mmio.len != 8) {
			snprintf(why, whylen,
				 "malformed MMIO exit from the module: address 0x%llx length %u",
				 (unsigned long long)run->mmio.phys_addr, run->mmio.len);
			return -EPROTO;
		}
		exit->reason = VMM_EXIT_MMIO;
		exit->mmio.addr = run->mmio.phys_addr;
		exit->mmio.len = run->mmio.len;
		exit->mmio.write = run->mmio.is_write;
		exit->mmio.data = run->mmio.data;
		return 0;
	case MINIVM_EXIT_HLT:
		exit->reason = VMM_EXIT_HLT;
		return 0;
	case MINIVM_EXIT_SHUTDOWN:
		exit->reason = VMM_EXIT_SHUTDOWN;
		return 0;
	case MINIVM_EXIT_FAIL_ENTRY:
		exit->reason = VMM_EXIT_FAIL_ENTRY;
		exit->fail_entry.hw_reason = run->fail_entry.hardware_entry_failure_reason;
		exit->fail_entry.qualification = run->fail_entry.qualification;
		exit->fail_entry.cpu = run->fail_entry.cpu;
		return 0;
	case MINIVM_EXIT_INTR:
		exit->reason = VMM_EXIT_INTR;
		return 0;
	case MINIVM_EXIT_INTERNAL_ERROR:
		translate_internal(run, exit);
		return 0;
	default:
		/* MSR exits are never enabled; anything else is unknown. */
		exit->reason = VMM_EXIT_UNKNOWN;
		return 0;
	}
}
