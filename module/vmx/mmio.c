// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO: a guest access to guest-physical memory that no slot backs (or a
 * write to a read-only slot) exits with an EPT violation that names only
 * the address. The instruction is decoded and executed by the pure x86
 * emulator (../x86/), whose memory accesses come back here: RAM through
 * the slots, MMIO to userspace as MINIVM_EXIT_MMIO.
 *
 * The emulator changes nothing before all its reads are done, so a read
 * that needs userspace simply ends the attempt: RUN returns with the
 * read in the run area, and the next RUN runs the emulator again from
 * the start with the answer in a one-entry cache (vmx_complete_mmio()).
 * A write is posted: the instruction completes, then RUN returns with
 * the write for userspace to perform.
 */
#include "../x86/emulate.h"
#include "vmcs.h"
#include "vmx.h"

struct mmio_state {
	struct vmx_vcpu *vmx;
	/* a read userspace already answered (the re-run after a RUN) */
	bool cached;
	u64 cached_gpa;
	u32 cached_len;
	u8 cached_data[8];
	/* what this attempt needs from userspace */
	bool need_read, wrote;
	u64 gpa;
	u32 len;
	u8 data[8];
};

static int mmio_read_ram(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	struct minivm *vm = ((struct mmio_state *)opaque)->vmx->vcpu->vm;

	if (!minivm_gpa_kind(vm, gpa) || minivm_read_guest(vm, gpa, buf, len))
		return -1;
	return 0;
}

static int mmio_write_ram(void *opaque, u64 gpa, const void *buf,
			  unsigned int len)
{
	struct minivm *vm = ((struct mmio_state *)opaque)->vmx->vcpu->vm;

	if (minivm_gpa_kind(vm, gpa) != 1 ||
	    minivm_write_guest(vm, gpa, buf, len))
		return -1;
	return 0;
}

static bool mmio_is_mmio(void *opaque, u64 gpa, bool write)
{
	struct minivm *vm = ((struct mmio_state *)opaque)->vmx->vcpu->vm;
	int kind = minivm_gpa_kind(vm, gpa);

	return !kind || (kind == 2 && write);
}

static int mmio_read(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	struct mmio_state *st = opaque;

	/* the in-kernel APIC and I/O APIC answer without userspace */
	if (minivm_irqchip_mmio(st->vmx->vcpu, gpa, buf, len, false))
		return X86EMU_OK;

	if (st->cached && st->cached_gpa == gpa && st->cached_len == len) {
		memcpy(buf, st->cached_data, len);
		st->cached = false;	/* one answer for one read */
		return X86EMU_OK;
	}
	st->need_read = true;
	st->gpa = gpa;
	st->len = len;
	return X86EMU_MMIO_PENDING;
}

static int mmio_write(void *opaque, u64 gpa, const void *buf,
		      unsigned int len)
{
	struct mmio_state *st = opaque;

	if (minivm_irqchip_mmio(st->vmx->vcpu, gpa, (void *)buf, len, true))
		return X86EMU_OK;
	st->wrote = true;
	st->gpa = gpa;
	st->len = len;
	memcpy(st->data, buf, len);
	return X86EMU_OK;
}

static const struct x86_emu_ops mmio_ops = {
	.read_ram	= mmio_read_ram,
	.write_ram	= mmio_write_ram,
	.is_mmio	= mmio_is_mmio,
	.mmio_read	= mmio_read,
	.mmio_write	= mmio_write,
};

static enum x86_mode guest_mode(unsigned long cr0, u64 efer,
				unsigned long rflags, u32 cs_ar)
{
	if (!(cr0 & X86_CR0_PE))
		return X86_MODE_REAL;
	if (rflags & X86_EFLAGS_VM)
		return X86_MODE_VM86;
	if ((efer & EFER_LMA) && (cs_ar & BIT(13)))
		return X86_MODE_LONG64;
	return (cs_ar & BIT(14)) ? X86_MODE_PROT32 : X86_MODE_PROT16;
}

static void fill_ctxt(struct vmx_vcpu *vmx, struct x86_emu_ctxt *c,
		      struct mmio_state *st)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < VCPU_NR_GPRS; i++)
		c->gpr[i] = vmx->regs[i];
	c->gpr[VCPU_RSP] = vmcs_readl(GUEST_RSP);
	c->rip = vmcs_readl(GUEST_RIP);
	c->rflags = vmcs_readl(GUEST_RFLAGS);
	c->cr0 = vmx_guest_cr0();
	c->cr3 = vmcs_readl(GUEST_CR3);
	c->cr4 = vmx_guest_cr4();
	c->efer = vmcs_read64(GUEST_IA32_EFER);
	c->mode = guest_mode(c->cr0, c->efer, c->rflags,
			     vmcs_read32(GUEST_CS_AR_BYTES));
	/* ES, CS, SS, DS, FS, GS: the VMCS's order too (2 fields apart). */
	for (i = 0; i < X86_NR_SEGS; i++)
		c->seg_base[i] = __vmcs_read(GUEST_ES_BASE + 2 * i);
	if (vmx_pae_paging(c->cr0, c->cr4, c->efer)) {
		c->pdpte[0] = vmcs_read64(GUEST_PDPTR0);
		c->pdpte[1] = vmcs_read64(GUEST_PDPTR1);
		c->pdpte[2] = vmcs_read64(GUEST_PDPTR2);
		c->pdpte[3] = vmcs_read64(GUEST_PDPTR3);
	}
	c->cpl = vmx_cpl();
	c->ops = &mmio_ops;
	c->opaque = st;
}

static void commit_ctxt(struct vmx_vcpu *vmx, const struct x86_emu_ctxt *c)
{
	int i;

	for (i = 0; i < VCPU_NR_GPRS; i++)
		vmx->regs[i] = c->gpr[i];
	vmcs_writel(GUEST_RSP, c->gpr[VCPU_RSP]);
	vmcs_writel(GUEST_RFLAGS, c->rflags);
	/* a REP string instruction that stays on its RIP is not done yet */
	if (vmcs_readl(GUEST_RIP) != c->rip) {
		vmcs_writel(GUEST_RIP, c->rip);
		vmx_instruction_retired();
	}
}

static int emulation_failed(struct vmx_vcpu *vmx, const struct x86_emu_ctxt *c,
			    u64 gpa)
{
	struct minivm_run *run = vmx->vcpu->run;
	int i;

	run->exit_reason = MINIVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = MINIVM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 5;
	run->internal.data[0] = c->rip;
	run->internal.data[1] = gpa;
	run->internal.data[2] = c->insn_len;
	run->internal.data[3] = 0;
	run->internal.data[4] = 0;
	for (i = 0; i < c->insn_len && i < 15; i++)
		run->internal.data[3 + i / 8] |=
			(u64)c->insn_bytes[i] << (8 * (i % 8));
	minivm_vm_mark_dead(vmx->vcpu->vm);
	return 0;
}

/*
 * The emulator stopped short: the guest takes the fault it met (#PF,
 * #GP, #UD) through its own IDT, or, for what it cannot do, the VM dies
 * with the instruction in the run area.
 */
static int emulation_stopped(struct vmx_vcpu *vmx, const struct x86_emu_ctxt *c,
			     enum x86_emu_result ret, u64 gpa)
{
	if (ret != X86EMU_FAULT)
		return emulation_failed(vmx, c, gpa);
	if (c->fault_vector == 14)
		vmx->cr2 = c->fault_addr;
	vmx_inject_exception(vmx, c->fault_vector, c->fault_has_error_code,
			     c->fault_error_code);
	return 1;
}

static int emulate(struct vmx_vcpu *vmx, struct mmio_state *st, u64 gpa)
{
	struct minivm_run *run = vmx->vcpu->run;
	enum x86_emu_result ret;
	struct x86_emu_ctxt c;

	fill_ctxt(vmx, &c, st);
	ret = x86_emulate(&c);
	switch (ret) {
	case X86EMU_OK:
		commit_ctxt(vmx, &c);
		if (!st->wrote)
			return 1;
		run->exit_reason = MINIVM_EXIT_MMIO;
		run->mmio.phys_addr = st->gpa;
		run->mmio.len = st->len;
		run->mmio.is_write = 1;
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		memcpy(run->mmio.data, st->data, st->len);
		return 0;
	case X86EMU_MMIO_PENDING:
		run->exit_reason = MINIVM_EXIT_MMIO;
		run->mmio.phys_addr = st->gpa;
		run->mmio.len = st->len;
		run->mmio.is_write = 0;
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		vmx->pending = VMX_PENDING_MMIO_READ;
		vmx->mmio_gpa = st->gpa;
		vmx->mmio_len = st->len;
		vmx->mmio_fault_gpa = gpa;
		return 0;
	default:
		return emulation_stopped(vmx, &c, ret, gpa);
	}
}

int vmx_handle_mmio(struct vmx_vcpu *vmx, u64 gpa)
{
	struct mmio_state st = { .vmx = vmx };

	return emulate(vmx, &st, gpa);
}

/* The next RUN after an MMIO read exit: userspace's data is in run->mmio. */
int vmx_complete_mmio(struct vmx_vcpu *vmx)
{
	struct mmio_state st = {
		.vmx = vmx,
		.cached = true,
		.cached_gpa = vmx->mmio_gpa,
		.cached_len = vmx->mmio_len,
	};

	memcpy(st.cached_data, vmx->vcpu->run->mmio.data, sizeof(st.cached_data));
	return emulate(vmx, &st, vmx->mmio_fault_gpa);
}

/*
 * String port I/O. The I/O exit comes before the CPU touches memory, so
 * the emulator moves the elements between guest memory and the run
 * area's data buffer, as many as fit, and userspace does the port side
 * of all of them in one exit: OUTS is done when RUN returns, INS on the
 * next RUN (vmx_complete_ins()). With REP and elements left, RIP stays
 * on the instruction; the guest executes it again, and the next exit
 * takes the next batch, so interrupts and signals get in between.
 */

int vmx_handle_string_io(struct vmx_vcpu *vmx, unsigned int port,
			 unsigned int size, bool in)
{
	struct minivm_run *run = vmx->vcpu->run;
	u8 *data = (u8 *)run + RUN_IO_DATA_OFFSET;
	struct mmio_state st = { .vmx = vmx };
	enum x86_emu_result ret;
	struct x86_emu_ctxt c;
	unsigned int n;

	fill_ctxt(vmx, &c, &st);
	ret = x86_string_io(&c, in ? X86_SIO_IN_PREPARE : X86_SIO_OUT, data,
			    RUN_IO_DATA_SIZE / size, &n);
	if (ret)
		return emulation_stopped(vmx, &c, ret, 0);
	/* the exit and the decoder must agree on what the instruction is */
	if (c.insn.op_bytes != size)
		return emulation_failed(vmx, &c, 0);
	if (!n) {
		/* REP with rCX = 0: nothing to move, just step over it */
		if (in)
			x86_string_io(&c, X86_SIO_IN_COMPLETE, data,
				      RUN_IO_DATA_SIZE / size, &n);
		commit_ctxt(vmx, &c);
		return 1;
	}

	run->exit_reason = MINIVM_EXIT_IO;
	run->io.size = size;
	run->io.port = port;
	run->io.count = n;
	run->io.data_offset = RUN_IO_DATA_OFFSET;
	if (in) {
		run->io.direction = MINIVM_EXIT_IO_IN;
		memset(data, 0, n * size);
		vmx->pending = VMX_PENDING_INS;
		vmx->pending_in_size = size;
		vmx->pending_ins_count = n;
	} else {
		run->io.direction = MINIVM_EXIT_IO_OUT;
		commit_ctxt(vmx, &c);
	}
	return 0;
}

/*
 * The next RUN after an INS exit: store what userspace read from the
 * port. The destination was checked at the exit; should userspace have
 * changed the guest's state since, the emulator stores what it still can
 * and the guest re-executes the instruction for the rest.
 */
int vmx_complete_ins(struct vmx_vcpu *vmx)
{
	u8 *data = (u8 *)vmx->vcpu->run + RUN_IO_DATA_OFFSET;
	struct mmio_state st = { .vmx = vmx };
	unsigned int n = vmx->pending_ins_count;
	enum x86_emu_result ret;
	struct x86_emu_ctxt c;

	fill_ctxt(vmx, &c, &st);
	ret = x86_string_io(&c, X86_SIO_IN_COMPLETE, data,
			    RUN_IO_DATA_SIZE / vmx->pending_in_size, &n);
	if (ret)
		return emulation_stopped(vmx, &c, ret, 0);
	commit_ctxt(vmx, &c);
	return 1;
}
