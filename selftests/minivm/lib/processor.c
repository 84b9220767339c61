// SPDX-License-Identifier: GPL-2.0
/*
 * 64-bit guests: guest memory with the test binary's image, page tables,
 * GDT/TSS/IDT and the long-mode register state (see include/processor.h).
 */
#include <elf.h>
#include <inttypes.h>
#include <link.h>
#include <sys/auxv.h>

#include <sys/ioctl.h>

#include "processor.h"

extern const uint8_t minivm_idt_stubs[];

/* guest_code returned: there is no caller to go back to. */
asm(
	".pushsection .text\n"
	".globl minivm_guest_returned\n"
	"minivm_guest_returned:\n"
	"	lea minivm_returned_msg(%rip), %rdx\n"
	"	lea minivm_returned_file(%rip), %rdi\n"
	"	mov $0, %esi\n"
	"	xor %ecx, %ecx\n"
	"	call __guest_assert\n"
	".popsection\n"
	".pushsection .rodata\n"
	"minivm_returned_msg: .asciz \"guest_code returned\"\n"
	"minivm_returned_file: .asciz \"" __FILE__ "\"\n"
	".popsection\n");
extern const uint8_t minivm_guest_returned[];

/*
 * Copy every PT_LOAD segment of this (static, non-PIE) binary to
 * guest-physical = its virtual address. What is copied is the process's
 * memory as it is now, so initialised globals come along.
 */
static void load_self_image(struct minivm_vm *vm)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), i;

	MINIVM_CHECK(ph && n, "no program headers in the auxiliary vector");
	for (i = 0; i < n; i++) {
		uint64_t start, end;

		if (ph[i].p_type != PT_LOAD)
			continue;
		start = ph[i].p_vaddr & ~(MINIVM_PAGE_SIZE - 1);
		end = (ph[i].p_vaddr + ph[i].p_memsz + MINIVM_PAGE_SIZE - 1) &
		      ~(MINIVM_PAGE_SIZE - 1);
		MINIVM_CHECK(start >= VM64_SCRATCH_GPA + 0x200000 &&
			     end <= VM64_HIGH_GPA,
			     "segment 0x%" PRIx64 "-0x%" PRIx64 " outside the image window (a PIE or a too large binary?)",
			     start, end);
		memcpy(vm_gpa2hva(vm, start), (void *)start, end - start);
	}
}

static uint64_t *gpa_u64(struct minivm_vm *vm, uint64_t gpa)
{
	return vm_gpa2hva(vm, gpa);
}

static void setup_page_tables(struct minivm_vm *vm)
{
	uint64_t i;

	gpa_u64(vm, VM64_PML4_GPA)[0] = VM64_PDPT_GPA | PTE_P | PTE_W;
	gpa_u64(vm, VM64_PDPT_GPA)[0] = VM64_PD_GPA | PTE_P | PTE_W;
	for (i = 0; i < 512; i++)
		gpa_u64(vm, VM64_PD_GPA)[i] = (i << 21) | PTE_P | PTE_W | PTE_PS;
}

/* Next free 4 KiB page table in the pool (kept in the pool's first word). */
static uint64_t alloc_pt(struct minivm_vm *vm)
{
	uint64_t *next = gpa_u64(vm, VM64_PT_POOL_GPA);
	uint64_t pt;

	if (!*next)
		*next = VM64_PT_POOL_GPA + MINIVM_PAGE_SIZE;
	pt = *next;
	MINIVM_CHECK(pt < VM64_PT_POOL_END, "out of page tables");
	*next += MINIVM_PAGE_SIZE;
	return pt;
}

void vm_map_page(struct minivm_vm *vm, uint64_t gva, uint64_t gpa, uint64_t flags)
{
	uint64_t *pd = gpa_u64(vm, VM64_PD_GPA), *pt, i;
	unsigned int pdi = (gva >> 21) & 511;

	MINIVM_CHECK(gva < (1UL << 30), "%s: gva 0x%" PRIx64 " beyond the mapped 1 GiB",
		     __func__, gva);
	if (pd[pdi] & PTE_PS) {
		/* Split the 2 MiB page into 512 pages mapping the same. */
		uint64_t base = pd[pdi] & ~0x1fffffUL, table = alloc_pt(vm);

		pt = gpa_u64(vm, table);
		for (i = 0; i < 512; i++)
			pt[i] = (base + (i << 12)) | PTE_P | PTE_W;
		pd[pdi] = table | PTE_P | PTE_W;
	}
	pt = gpa_u64(vm, pd[pdi] & ~0xfffUL);
	pt[(gva >> 12) & 511] = flags ? (gpa & ~0xfffUL) | flags : 0;
}

static void setup_gdt_tss(struct minivm_vm *vm)
{
	uint64_t *gdt = gpa_u64(vm, VM64_GDT_GPA);
	uint64_t tss = VM64_TSS_GPA, limit = 0x67;

	gdt[VM64_SEL_CODE64 / 8] = 0x00af9b000000ffffULL;	/* L=1, type 11 */
	gdt[VM64_SEL_DATA / 8] = 0x00cf93000000ffffULL;	/* flat, type 3 */
	gdt[VM64_SEL_CODE32 / 8] = 0x00cf9b000000ffffULL;	/* D=1, type 11 */
	/* 64-bit TSS, busy (type 11) as TR then says it is. */
	gdt[VM64_SEL_TSS / 8] = limit | ((tss & 0xffffff) << 16) |
				(0x8bULL << 40) | (((tss >> 24) & 0xff) << 56);
	gdt[VM64_SEL_TSS / 8 + 1] = tss >> 32;
	/* The TSS: no stacks needed (CPL 0 only, no IST); no I/O bitmap. */
	*(uint16_t *)vm_gpa2hva(vm, VM64_TSS_GPA + 0x66) = 0x68;
}

static void setup_idt(struct minivm_vm *vm)
{
	uint64_t *idt = gpa_u64(vm, VM64_IDT_GPA);
	unsigned int v;

	for (v = 0; v < VM64_NR_VECTORS; v++) {
		uint64_t a = (uint64_t)minivm_idt_stubs + 16 * v;

		/* 64-bit interrupt gate, present, DPL 0, IST 0. */
		idt[2 * v] = (a & 0xffff) | ((uint64_t)VM64_SEL_CODE64 << 16) |
			     (0x8eULL << 40) | (((a >> 16) & 0xffff) << 48);
		idt[2 * v + 1] = a >> 32;
	}
}

static void seg_flat(struct minivm_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct minivm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
}

void vcpu_init_sregs_64(struct minivm_vcpu *vcpu)
{
	struct minivm_sregs s;

	/*
	 * Zero-based (reserved[] must be 0), but IA32_APIC_BASE as at reset:
	 * the APIC enabled at 0xfee00000, vCPU 0 the bootstrap processor.
	 */
	memset(&s, 0, sizeof(s));
	s.apic_base = 0xfee00000ULL | (1ULL << 11) |
		      (vcpu->id == 0 ? 1ULL << 8 : 0);
	seg_flat(&s.cs, VM64_SEL_CODE64, 11);
	s.cs.db = 0;
	s.cs.l = 1;
	seg_flat(&s.ds, VM64_SEL_DATA, 3);
	s.es = s.ds;
	s.ss = s.ds;
	s.fs = s.ds;
	s.gs = s.ds;
	s.tr = (struct minivm_segment){
		.base = VM64_TSS_GPA, .limit = 0x67, .selector = VM64_SEL_TSS,
		.type = 11, .present = 1,
	};
	s.ldt = (struct minivm_segment){ .type = 2, .unusable = 1 };
	s.gdt.base = VM64_GDT_GPA;
	s.gdt.limit = 0x37;
	s.idt.base = VM64_IDT_GPA;
	s.idt.limit = VM64_NR_VECTORS * 16 - 1;
	s.cr0 = VM64_CR0;
	s.cr3 = VM64_PML4_GPA;
	s.cr4 = VM64_CR4;
	s.efer = VM64_EFER;
	vcpu_set_sregs(vcpu, &s);
}

void vm_enable_user_mode(struct minivm_vm *vm, struct minivm_vcpu *vcpu)
{
	uint64_t *gdt = gpa_u64(vm, VM64_GDT_GPA), *pd = gpa_u64(vm, VM64_PD_GPA);
	struct minivm_sregs s;
	unsigned int i;

	gdt[VM64_SEL_UDATA / 8] = 0x00cff3000000ffffULL;	/* DPL 3, type 3 */
	gdt[VM64_SEL_UCODE64 / 8] = 0x00affb000000ffffULL;	/* DPL 3, L=1 */
	/* Exceptions from CPL 3 switch to the TSS's RSP0. */
	*(uint64_t *)vm_gpa2hva(vm, VM64_TSS_GPA + 4) = VM64_RSP0;
	gpa_u64(vm, VM64_PML4_GPA)[0] |= PTE_U;
	gpa_u64(vm, VM64_PDPT_GPA)[0] |= PTE_U;
	for (i = 0; i < 512; i++)
		pd[i] |= PTE_U;
	vcpu_get_sregs(vcpu, &s);
	s.gdt.limit = VM64_SEL_UCODE64 + 7;
	vcpu_set_sregs(vcpu, &s);
}

void vcpu_set_rip(struct minivm_vcpu *vcpu, uint64_t rip)
{
	struct minivm_regs regs;

	vcpu_get_regs(vcpu, &regs);
	regs.rip = rip;
	vcpu_set_regs(vcpu, &regs);
}

void vcpu_args_set(struct minivm_vcpu *vcpu, uint64_t a0, uint64_t a1)
{
	struct minivm_regs regs;

	vcpu_get_regs(vcpu, &regs);
	regs.rdi = a0;
	regs.rsi = a1;
	vcpu_set_regs(vcpu, &regs);
}

void vm_handle_exception(struct minivm_vm *vm, uint8_t vector, bool report,
			 uint64_t fixup_rip)
{
	write_guest_global(vm, guest_exc_report[vector], report);
	write_guest_global(vm, guest_exc_fixup[vector], fixup_rip);
}

static struct minivm_vm *create_64(struct minivm_vcpu **vcpu,
				   void *guest_code, bool irqchip)
{
	struct minivm_vm *vm = vm_create_barebones();
	struct minivm_regs regs;

	if (irqchip)
		MINIVM_CHECK(ioctl(vm->fd, MINIVM_CREATE_IRQCHIP, 0) == 0,
			     "MINIVM_CREATE_IRQCHIP");
	vm_add_memory(vm, 0, 0, VM64_MEM_SIZE);
	load_self_image(vm);
	setup_page_tables(vm);
	setup_gdt_tss(vm);
	setup_idt(vm);

	*vcpu = vm_vcpu_add(vm, 0);
	vcpu_init_sregs_64(*vcpu);
	/* As after a CALL: the return address at RSP, RSP + 8 aligned. */
	*gpa_u64(vm, VM64_STACK_TOP - 8) = (uint64_t)minivm_guest_returned;
	memset(&regs, 0, sizeof(regs));
	regs.rip = (uint64_t)guest_code;
	regs.rsp = VM64_STACK_TOP - 8;
	regs.rflags = 2;
	vcpu_set_regs(*vcpu, &regs);
	return vm;
}

struct minivm_vm *vm_create_64(struct minivm_vcpu **vcpu, void *guest_code)
{
	return create_64(vcpu, guest_code, false);
}

struct minivm_vm *vm_create_64_irqchip(struct minivm_vcpu **vcpu,
				       void *guest_code)
{
	return create_64(vcpu, guest_code, true);
}
