/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * minivm: the contract between the minivm kernel module and userspace.
 *
 * Three kinds of file descriptor carry the API:
 *   /dev/minivm   system ioctls (version, extensions, VM creation)
 *   VM fd         memory slots, vCPU creation
 *   vCPU fd       RUN, register state, and an mmap()ed struct minivm_run
 *
 * Every structure has fixed-size fields and explicit padding; reserved and
 * padding fields of ioctl arguments must be zero on input (EINVAL
 * otherwise) and are zero on output, so they can be given a meaning later
 * without a new ioctl. (The run area is shared memory, not an argument:
 * its padding is ignored. GET_CPUID and GET_SUPPORTED_CPUID write only
 * nent and the entries: struct minivm_cpuid's own padding is the
 * caller's, api.rst section 5.)
 *
 * Documentation/api.rst describes every ioctl, its arguments and errors.
 */
#ifndef _UAPI_LINUX_MINIVM_H
#define _UAPI_LINUX_MINIVM_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Returned by MINIVM_GET_API_VERSION; bumped only on incompatible change. */
#define MINIVM_API_VERSION	1

/* ioctl type byte (not shared with KVM's 0xAE, so tools cannot mix them up) */
#define MINIVMIO		0xB9

/* Largest number of memory slots; slot ids are 0 .. MINIVM_MAX_MEMSLOTS-1. */
#define MINIVM_MAX_MEMSLOTS	32
/* Largest number of vCPUs per VM; vCPU ids are 0 .. MINIVM_MAX_VCPUS-1. */
#define MINIVM_MAX_VCPUS	16

/* ---- system ioctls, on /dev/minivm ---- */
#define MINIVM_GET_API_VERSION		_IO(MINIVMIO, 0x00)
#define MINIVM_CREATE_VM		_IO(MINIVMIO, 0x01) /* arg: 0 */
#define MINIVM_CHECK_EXTENSION		_IO(MINIVMIO, 0x03) /* arg: MINIVM_CAP_* */
#define MINIVM_GET_VCPU_MMAP_SIZE	_IO(MINIVMIO, 0x04)
#define MINIVM_GET_SUPPORTED_CPUID	_IOWR(MINIVMIO, 0x05, struct minivm_cpuid)
#define MINIVM_GET_MSR_INDEX_LIST	_IOWR(MINIVMIO, 0x06, struct minivm_msr_list)

/**
 * DOC: Capabilities
 *
 * MINIVM_CHECK_EXTENSION (on /dev/minivm, also accepted on a VM fd) takes
 * one of MINIVM_CAP_*. It returns 0 for an unknown or absent capability,
 * otherwise a positive value whose meaning is given with each constant
 * ("1:" means that the capability returns 1 and what it announces).
 */
#define MINIVM_CAP_USER_MEMORY		1 /* 1: SET_USER_MEMORY_REGION */
#define MINIVM_CAP_NR_MEMSLOTS		2 /* number of memory slots */
#define MINIVM_CAP_MAX_VCPUS		3 /* number of vCPUs per VM */
#define MINIVM_CAP_UNRESTRICTED_GUEST	4 /* 1: vCPUs start in real mode */
#define MINIVM_CAP_IMMEDIATE_EXIT	5 /* 1: minivm_run.immediate_exit */
#define MINIVM_CAP_LONG_MODE		6 /* 1: 64-bit guests, SET_SREGS in any mode */
#define MINIVM_CAP_MMIO			7 /* 1: MINIVM_EXIT_MMIO, in-kernel decoder */
#define MINIVM_CAP_READONLY_MEM		8 /* 1: MINIVM_MEM_READONLY slots */
#define MINIVM_CAP_CPUID		9 /* 1: GET_SUPPORTED_CPUID, SET/GET_CPUID */
#define MINIVM_CAP_MSRS			10 /* 1: GET/SET_MSRS, GET_MSR_INDEX_LIST */
#define MINIVM_CAP_X86_USER_SPACE_MSR	11 /* mask of MINIVM_MSR_EXIT_* for ENABLE_CAP */
#define MINIVM_CAP_XSAVE		12 /* 1: GET/SET_XSAVE, GET/SET_XCRS */
#define MINIVM_CAP_DEBUGREGS		13 /* 1: GET/SET_DEBUGREGS */
#define MINIVM_CAP_VCPU_EVENTS		14 /* 1: GET/SET_VCPU_EVENTS (exceptions) */
#define MINIVM_CAP_STRING_IO		15 /* 1: INS/OUTS exit with io.count elements */
#define MINIVM_CAP_IRQCHIP		16 /* 1: CREATE_IRQCHIP, IRQ_LINE, NMI */
#define MINIVM_CAP_BINARY_STATS_FD	17 /* 1: GET_STATS_FD, GET_VCPU_STATS_FD */
/* 1: MINIVM_INTERRUPT and the run area's interrupt-window fields */
#define MINIVM_CAP_USER_INTERRUPT	18
/* 1: guest memory follows changes of the VMM's mapping (MMU notifier) */
#define MINIVM_CAP_SYNC_MMU		19

/* ---- VM ioctls ---- */
#define MINIVM_CREATE_VCPU		_IO(MINIVMIO, 0x41) /* arg: vCPU id */
#define MINIVM_SET_USER_MEMORY_REGION	_IOW(MINIVMIO, 0x46, \
					     struct minivm_userspace_memory_region)
#define MINIVM_ENABLE_CAP		_IOW(MINIVMIO, 0x47, struct minivm_enable_cap)
#define MINIVM_GET_STATS_FD		_IO(MINIVMIO, 0x48) /* arg: 0 */
#define MINIVM_CREATE_IRQCHIP		_IO(MINIVMIO, 0x60) /* arg: 0 */
#define MINIVM_IRQ_LINE			_IOW(MINIVMIO, 0x61, struct minivm_irq_level)

/* ---- vCPU ioctls ---- */
#define MINIVM_RUN			_IO(MINIVMIO, 0x80)
#define MINIVM_GET_REGS			_IOR(MINIVMIO, 0x81, struct minivm_regs)
#define MINIVM_SET_REGS			_IOW(MINIVMIO, 0x82, struct minivm_regs)
#define MINIVM_GET_SREGS		_IOR(MINIVMIO, 0x83, struct minivm_sregs)
#define MINIVM_SET_SREGS		_IOW(MINIVMIO, 0x84, struct minivm_sregs)
#define MINIVM_GET_MSRS			_IOWR(MINIVMIO, 0x85, struct minivm_msrs)
#define MINIVM_SET_MSRS			_IOW(MINIVMIO, 0x86, struct minivm_msrs)
#define MINIVM_SET_CPUID		_IOW(MINIVMIO, 0x87, struct minivm_cpuid)
#define MINIVM_GET_CPUID		_IOWR(MINIVMIO, 0x88, struct minivm_cpuid)
#define MINIVM_GET_XSAVE		_IOR(MINIVMIO, 0x89, struct minivm_xsave)
#define MINIVM_SET_XSAVE		_IOW(MINIVMIO, 0x8a, struct minivm_xsave)
#define MINIVM_GET_XCRS			_IOR(MINIVMIO, 0x8b, struct minivm_xcrs)
#define MINIVM_SET_XCRS			_IOW(MINIVMIO, 0x8c, struct minivm_xcrs)
#define MINIVM_GET_DEBUGREGS		_IOR(MINIVMIO, 0x8d, struct minivm_debugregs)
#define MINIVM_SET_DEBUGREGS		_IOW(MINIVMIO, 0x8e, struct minivm_debugregs)
#define MINIVM_GET_VCPU_EVENTS		_IOR(MINIVMIO, 0x8f, struct minivm_vcpu_events)
#define MINIVM_SET_VCPU_EVENTS		_IOW(MINIVMIO, 0x90, struct minivm_vcpu_events)
#define MINIVM_NMI			_IO(MINIVMIO, 0x91) /* arg: 0 */
#define MINIVM_INTERRUPT		_IOW(MINIVMIO, 0x92, struct minivm_interrupt)
#define MINIVM_GET_VCPU_STATS_FD	_IO(MINIVMIO, 0x93) /* arg: 0 */

/* minivm_userspace_memory_region.flags (MINIVM_CAP_READONLY_MEM) */
#define MINIVM_MEM_READONLY	(1U << 1)

/**
 * struct minivm_userspace_memory_region - a memory slot of a VM
 * @slot: the slot's id, 0 to MINIVM_MAX_MEMSLOTS - 1
 * @flags: 0, or MINIVM_MEM_READONLY: guest reads come from the memory,
 *	guest writes exit as MINIVM_EXIT_MMIO writes (a ROM, or flash).
 *	Other flags: EINVAL.
 * @guest_phys_addr: where the slot starts in guest-physical memory, page
 *	aligned
 * @memory_size: bytes, a multiple of the page size; 0 deletes the slot
 * @userspace_addr: the caller's memory that backs the slot, page aligned
 * @reserved: must be zero
 *
 * MINIVM_SET_USER_MEMORY_REGION (VM fd): map [@guest_phys_addr,
 * @guest_phys_addr + @memory_size) onto the caller's memory at
 * @userspace_addr. Slots of a VM do not overlap in guest-physical memory;
 * a slot is not changed in place: delete it and create it again.
 */
struct minivm_userspace_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 reserved[2];
};

/**
 * struct minivm_regs - general-purpose registers, RIP and RFLAGS
 * @rax: RAX
 * @rbx: RBX
 * @rcx: RCX
 * @rdx: RDX
 * @rsi: RSI
 * @rdi: RDI
 * @rsp: RSP
 * @rbp: RBP
 * @r8: R8
 * @r9: R9
 * @r10: R10
 * @r11: R11
 * @r12: R12
 * @r13: R13
 * @r14: R14
 * @r15: R15
 * @rip: RIP
 * @rflags: RFLAGS; MINIVM_SET_REGS refuses (EINVAL) a reserved bit set
 *	(mask 0xffffffffffc08028) and sets bit 1, which is always 1
 *
 * MINIVM_GET_REGS and MINIVM_SET_REGS (vCPU fd).
 */
struct minivm_regs {
	__u64 rax, rbx, rcx, rdx;
	__u64 rsi, rdi, rsp, rbp;
	__u64 r8,  r9,  r10, r11;
	__u64 r12, r13, r14, r15;
	__u64 rip, rflags;
};

/**
 * struct minivm_segment - a segment register with its hidden part
 * @base: the segment base (the hidden part, not derived from @selector)
 * @limit: the limit in bytes, already scaled by @g (a flat 4 GiB segment
 *	has @g 1 and @limit 0xffffffff)
 * @selector: the visible selector
 * @type: the descriptor's 4-bit type field (3: read/write data, accessed;
 *	11: execute/read code, accessed); MINIVM_SET_SREGS uses bits 3:0
 * @present: the descriptor's P bit
 * @dpl: the descriptor's DPL, 0 to 3
 * @db: the descriptor's D/B bit
 * @s: the descriptor's S bit
 * @l: the descriptor's L bit
 * @g: the descriptor's G bit
 * @avl: the descriptor's AVL bit
 * @unusable: VMX's segment-unusable flag: a null selector loaded in
 *	protected mode
 * @padding: must be zero
 *
 * The hidden (descriptor cache) part is unpacked, one field per descriptor
 * attribute. MINIVM_SET_SREGS takes any non-zero value of a one-bit field
 * as 1 (and bits 1:0 of @dpl); MINIVM_GET_SREGS returns 0 or 1 (0 to 3 for
 * @dpl).
 */
struct minivm_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u8  type;
	__u8  present, dpl, db, s, l, g, avl;
	__u8  unusable;
	__u8  padding;
};

/**
 * struct minivm_dtable - a descriptor-table register (GDTR, IDTR)
 * @base: the table's base address
 * @limit: the table's limit
 * @padding: must be zero
 */
struct minivm_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

/**
 * struct minivm_sregs - special registers
 * @cs: CS
 * @ds: DS
 * @es: ES
 * @fs: FS
 * @gs: GS
 * @ss: SS
 * @tr: the task register
 * @ldt: the LDT register
 * @gdt: the GDT register
 * @idt: the IDT register
 * @cr0: CR0, as the guest reads it
 * @cr2: CR2
 * @cr3: CR3
 * @cr4: CR4, as the guest reads it
 * @efer: IA32_EFER; MINIVM_SET_SREGS does not take LMA from it but
 *	recomputes it as CR0.PG and EFER.LME
 * @cr8: the task priority, TPR[7:4] (0 to 15)
 * @apic_base: IA32_APIC_BASE
 * @reserved: must be zero
 *
 * MINIVM_GET_SREGS and MINIVM_SET_SREGS (vCPU fd). MINIVM_SET_SREGS
 * refuses (EINVAL) what no CPU runs; Documentation/api.rst, sections 6.9
 * and 6.10, lists its checks.
 */
struct minivm_sregs {
	struct minivm_segment cs, ds, es, fs, gs, ss;
	struct minivm_segment tr, ldt;
	struct minivm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4;
	__u64 efer;
	__u64 cr8;
	__u64 apic_base;
	__u64 reserved[6];
};

/**
 * struct minivm_enable_cap - turn on optional behaviour of a VM
 * @cap: the capability, MINIVM_CAP_*; only MINIVM_CAP_X86_USER_SPACE_MSR
 *	(any other: EINVAL)
 * @flags: must be zero
 * @args: the capability's arguments; those it does not use must be zero.
 *	MINIVM_CAP_X86_USER_SPACE_MSR: @args[0] is a mask of
 *	MINIVM_MSR_EXIT_*; a guest RDMSR/WRMSR of that kind exits to
 *	userspace (MINIVM_EXIT_X86_RDMSR/WRMSR) instead of raising #GP in the
 *	guest.
 * @reserved: must be zero
 *
 * MINIVM_ENABLE_CAP (VM fd).
 */
struct minivm_enable_cap {
	__u32 cap;
	__u32 flags;
	__u64 args[4];
	__u64 reserved[4];
};

/* minivm_enable_cap.args[0] of MINIVM_CAP_X86_USER_SPACE_MSR */
#define MINIVM_MSR_EXIT_UNKNOWN	(1U << 0) /* an MSR minivm does not know */
#define MINIVM_MSR_EXIT_INVAL	(1U << 1) /* a known MSR, a value it refuses */

/* The most entries of struct minivm_msrs per call */
#define MINIVM_MAX_MSR_ENTRIES	256

/**
 * struct minivm_msr_entry - one MSR of struct minivm_msrs
 * @index: the MSR's number
 * @reserved: must be zero
 * @data: its value: written by MINIVM_GET_MSRS, read by MINIVM_SET_MSRS
 */
struct minivm_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

/**
 * struct minivm_msrs - MSRs of a vCPU
 * @nmsrs: number of @entries, at most MINIVM_MAX_MSR_ENTRIES (EINVAL
 *	otherwise)
 * @padding: must be zero
 * @entries: @nmsrs entries, following the header
 *
 * MINIVM_GET_MSRS and MINIVM_SET_MSRS (vCPU fd). The ioctl returns how
 * many entries it processed, in order; it stops at the first MSR it does
 * not know or whose value it refuses.
 */
struct minivm_msrs {
	__u32 nmsrs;
	__u32 padding;
	struct minivm_msr_entry entries[];
};

/**
 * struct minivm_msr_list - the MSRs that GET/SET_MSRS accept
 * @nmsrs: in: the room in @indices; out: how many MSRs there are (also
 *	with E2BIG)
 * @indices: the MSRs' numbers
 *
 * MINIVM_GET_MSR_INDEX_LIST (system). E2BIG (with @nmsrs set) when the
 * room is too small.
 */
struct minivm_msr_list {
	__u32 nmsrs;
	__u32 indices[];
};

/* The most entries of struct minivm_cpuid */
#define MINIVM_MAX_CPUID_ENTRIES	128
/* minivm_cpuid_entry.flags: the entry answers only its own subleaf */
#define MINIVM_CPUID_FLAG_SIGNIFICANT_INDEX	(1U << 0)

/**
 * struct minivm_cpuid_entry - one CPUID leaf or subleaf
 * @function: the leaf (EAX of CPUID)
 * @index: the subleaf (ECX of CPUID), where @flags has
 *	MINIVM_CPUID_FLAG_SIGNIFICANT_INDEX
 * @flags: MINIVM_CPUID_FLAG_*; MINIVM_SET_CPUID refuses others (EINVAL)
 * @eax: what CPUID returns in EAX
 * @ebx: what CPUID returns in EBX
 * @ecx: what CPUID returns in ECX
 * @edx: what CPUID returns in EDX
 * @padding: must be zero
 */
struct minivm_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;
	__u32 eax, ebx, ecx, edx;
	__u32 padding;
};

/**
 * struct minivm_cpuid - a CPUID table
 * @nent: in: the room in @entries (GET) or their number (SET), at most
 *	MINIVM_MAX_CPUID_ENTRIES for SET (EINVAL otherwise); out (GET): the
 *	number of entries, also with E2BIG
 * @padding: must be zero
 * @entries: @nent entries, following the header
 *
 * MINIVM_GET_SUPPORTED_CPUID (system) returns what minivm can offer on
 * this host. MINIVM_SET_CPUID (vCPU) sets the table the guest's CPUID is
 * answered from, and refuses (EINVAL) two entries for one function and
 * index, and any feature bit of leaves 1, 7.0, 0xD.0, 0xD.1 and
 * 0x80000001 that the supported table does not have (OSXSAVE and the
 * hypervisor bit excepted); MINIVM_GET_CPUID (vCPU) returns the table. A
 * leaf above the table's maximum basic leaf is answered like that leaf,
 * as Intel CPUs do; any other leaf not in the table reads as zeros. The
 * GET ioctls fail with E2BIG (@nent set) when the room is too small.
 */
struct minivm_cpuid {
	__u32 nent;
	__u32 padding;
	struct minivm_cpuid_entry entries[];
};

/*
 * The minivm hypervisor leaves: 0x40000000 (EAX the max leaf,
 * "MiniVMMiniVM"), 0x40000001 (features, none yet), and the timing leaf
 * 0x40000010 (EAX the TSC frequency, EBX the APIC timer's, in kHz).
 */
#define MINIVM_CPUID_SIGNATURE		0x40000000
#define MINIVM_CPUID_TIMING		0x40000010
#define MINIVM_CPUID_SIGNATURE_EBX	0x696e694d /* "Mini" */
#define MINIVM_CPUID_SIGNATURE_ECX	0x4d4d5756 /* "VMMi" */
#define MINIVM_CPUID_SIGNATURE_EDX	0x4d56696e /* "niVM" */

/**
 * struct minivm_xsave - FPU/SSE/AVX state of a vCPU
 * @region: the state, in the standard (non-compacted) XSAVE format of the
 *	SDM, legacy area first. XSTATE_BV says which components are present;
 *	the guest's PKRU is the PKRU component.
 *
 * MINIVM_GET_XSAVE and MINIVM_SET_XSAVE (vCPU fd). MINIVM_SET_XSAVE fails
 * with EINVAL for a malformed header or a component outside the supported
 * XCR0.
 */
struct minivm_xsave {
	__u32 region[1024];
};

/*
 * The in-kernel irqchip (MINIVM_CREATE_IRQCHIP): the I/O APIC's number of
 * pins, and the guest-physical addresses of the I/O APIC and of each
 * vCPU's local APIC.
 */
#define MINIVM_IOAPIC_PINS	24
#define MINIVM_IOAPIC_GPA	0xfec00000ULL
#define MINIVM_LAPIC_GPA	0xfee00000ULL

/**
 * struct minivm_irq_level - the level of an I/O APIC pin
 * @irq: the pin, 0 to MINIVM_IOAPIC_PINS - 1
 * @level: 0 or 1
 *
 * MINIVM_IRQ_LINE (VM fd, after MINIVM_CREATE_IRQCHIP): drive pin @irq of
 * the in-kernel I/O APIC to @level. An edge-triggered pin interrupts on
 * 0 -> 1, a level-triggered one while it is 1 (and again after the guest's
 * EOI if it still is).
 */
struct minivm_irq_level {
	__u32 irq;
	__u32 level;
};

/**
 * DOC: Binary statistics
 *
 * MINIVM_CAP_BINARY_STATS_FD: MINIVM_GET_STATS_FD (VM fd) and
 * MINIVM_GET_VCPU_STATS_FD (vCPU fd) return a read-only file descriptor
 * that is read with pread(): a struct minivm_stats_header at
 * offset 0, the id string, num_desc descriptors and the data block, at
 * the offsets the header gives. Only the data block changes between
 * reads. The layout and the values of the MINIVM_STATS_* constants are
 * those of KVM's KVM_GET_STATS_FD, so one reader serves both.
 * Documentation/api.rst, section 6.12, is the contract.
 */
#define MINIVM_STATS_NAME_SIZE		48

/**
 * struct minivm_stats_header - what a statistics file starts with
 * @flags: 0; no flags are defined yet
 * @name_size: bytes of the id string and of each descriptor's name
 *	(NUL-terminated, NUL-padded; a multiple of 8)
 * @num_desc: number of descriptors
 * @id_offset: file offset of the id string ("minivm-PID-VMID" for a VM,
 *	"minivm-PID-VMID/vcpu-N" for a vCPU)
 * @desc_offset: file offset of the first descriptor; descriptor i starts
 *	at @desc_offset + i * (sizeof(struct minivm_stats_desc) + @name_size)
 * @data_offset: file offset of the data block, __u64 values
 */
struct minivm_stats_header {
	__u32 flags;
	__u32 name_size;
	__u32 num_desc;
	__u32 id_offset;
	__u32 desc_offset;
	__u32 data_offset;
};

/* minivm_stats_desc.flags: type | unit | base */
#define MINIVM_STATS_TYPE_SHIFT		0
#define MINIVM_STATS_TYPE_MASK		(0xfU << MINIVM_STATS_TYPE_SHIFT)
/* a count of events since the VM or vCPU was created */
#define MINIVM_STATS_TYPE_CUMULATIVE	(0x0U << MINIVM_STATS_TYPE_SHIFT)
/* a value now (it goes up and down) */
#define MINIVM_STATS_TYPE_INSTANT	(0x1U << MINIVM_STATS_TYPE_SHIFT)
/* the highest value an instant statistic has had */
#define MINIVM_STATS_TYPE_PEAK		(0x2U << MINIVM_STATS_TYPE_SHIFT)
/* size buckets of bucket_size each, the last one open-ended */
#define MINIVM_STATS_TYPE_LINEAR_HIST	(0x3U << MINIVM_STATS_TYPE_SHIFT)
/* bucket 0: [0, 1), bucket n: [2^(n-1), 2^n), the last open-ended */
#define MINIVM_STATS_TYPE_LOG_HIST	(0x4U << MINIVM_STATS_TYPE_SHIFT)
#define MINIVM_STATS_TYPE_MAX		MINIVM_STATS_TYPE_LOG_HIST

#define MINIVM_STATS_UNIT_SHIFT		4
#define MINIVM_STATS_UNIT_MASK		(0xfU << MINIVM_STATS_UNIT_SHIFT)
#define MINIVM_STATS_UNIT_NONE		(0x0U << MINIVM_STATS_UNIT_SHIFT)
#define MINIVM_STATS_UNIT_BYTES		(0x1U << MINIVM_STATS_UNIT_SHIFT)
#define MINIVM_STATS_UNIT_SECONDS	(0x2U << MINIVM_STATS_UNIT_SHIFT)
#define MINIVM_STATS_UNIT_CYCLES	(0x3U << MINIVM_STATS_UNIT_SHIFT)
#define MINIVM_STATS_UNIT_BOOLEAN	(0x4U << MINIVM_STATS_UNIT_SHIFT)
#define MINIVM_STATS_UNIT_MAX		MINIVM_STATS_UNIT_BOOLEAN

/* The base of minivm_stats_desc.exponent. */
#define MINIVM_STATS_BASE_SHIFT		8
#define MINIVM_STATS_BASE_MASK		(0xfU << MINIVM_STATS_BASE_SHIFT)
#define MINIVM_STATS_BASE_POW10		(0x0U << MINIVM_STATS_BASE_SHIFT)
#define MINIVM_STATS_BASE_POW2		(0x1U << MINIVM_STATS_BASE_SHIFT)
#define MINIVM_STATS_BASE_MAX		MINIVM_STATS_BASE_POW2

/**
 * struct minivm_stats_desc - one statistic
 * @flags: MINIVM_STATS_TYPE_*, MINIVM_STATS_UNIT_* and MINIVM_STATS_BASE_*
 *	ORed together
 * @exponent: a value times base^@exponent is in the unit (seconds with
 *	base 10 and -9: the value counts nanoseconds)
 * @size: number of __u64 values: 1, or the buckets of a histogram
 * @offset: where the first value is, in bytes from the start of the data
 *	block (a multiple of 8)
 * @bucket_size: the width of a bucket of a linear histogram, else 0
 * @name: the statistic's name, NUL-terminated in the header's name_size
 *	bytes, unique among the file's descriptors
 */
struct minivm_stats_desc {
	__u32 flags;
	__s16 exponent;
	__u16 size;
	__u32 offset;
	__u32 bucket_size;
	char name[];
};

/* The size of minivm_xcrs.xcrs[] */
#define MINIVM_MAX_XCRS	16

/**
 * struct minivm_xcr - one extended control register
 * @xcr: the register's number; only 0, XCR0 (any other: EINVAL)
 * @reserved: must be zero
 * @value: its value
 */
struct minivm_xcr {
	__u32 xcr;
	__u32 reserved;
	__u64 value;
};

/**
 * struct minivm_xcrs - extended control registers of a vCPU
 * @nr_xcrs: number of entries of @xcrs in use, at most MINIVM_MAX_XCRS
 * @flags: must be zero
 * @xcrs: the registers
 * @padding: must be zero
 *
 * MINIVM_GET_XCRS and MINIVM_SET_XCRS (vCPU fd): today only XCR0. A value
 * is accepted when a guest XSETBV of it would be.
 */
struct minivm_xcrs {
	__u32 nr_xcrs;
	__u32 flags;
	struct minivm_xcr xcrs[MINIVM_MAX_XCRS];
	__u64 padding[16];
};

/**
 * struct minivm_debugregs - debug registers of a vCPU
 * @db: DR0 to DR3
 * @dr6: DR6; bits 63:32 must be zero (EINVAL)
 * @dr7: DR7; bits 63:32 must be zero (EINVAL)
 * @flags: must be zero
 * @reserved: must be zero
 *
 * MINIVM_GET_DEBUGREGS and MINIVM_SET_DEBUGREGS (vCPU fd).
 */
struct minivm_debugregs {
	__u64 db[4];
	__u64 dr6;
	__u64 dr7;
	__u64 flags;
	__u64 reserved[9];
};

/**
 * struct minivm_vcpu_events - events pending for delivery at the next entry
 * @exception: an exception for the guest
 * @exception.injected: 1: the exception (vector @exception.nr, with
 *	@exception.error_code when @exception.has_error_code) is delivered
 *	through the guest's IDT when the vCPU next runs; 0: none
 *	(MINIVM_SET_VCPU_EVENTS with 0 drops any pending one)
 * @exception.nr: the vector; 2 (NMI) and vectors above 31 are not
 *	exceptions: EINVAL
 * @exception.has_error_code: whether @exception.error_code is pushed:
 *	exactly for a vector that has an error code, outside real mode
 *	(EINVAL otherwise)
 * @exception.padding: must be zero
 * @exception.error_code: the error code; bits 31:16 must be zero (EINVAL)
 * @flags: must be zero
 * @padding: must be zero
 * @reserved: must be zero
 *
 * MINIVM_GET_VCPU_EVENTS and MINIVM_SET_VCPU_EVENTS (vCPU fd). An
 * interrupt queued with MINIVM_INTERRUPT is not one of these events.
 */
struct minivm_vcpu_events {
	struct {
		__u8  injected;
		__u8  nr;
		__u8  has_error_code;
		__u8  padding;
		__u32 error_code;
	} exception;
	__u32 flags;
	__u32 padding;
	__u64 reserved[6];
};

/**
 * struct minivm_interrupt - an external interrupt from userspace
 * @irq: the vector, 0-255 (EINVAL above)
 * @padding: must be zero
 *
 * MINIVM_INTERRUPT (vCPU fd, MINIVM_CAP_USER_INTERRUPT): an external
 * interrupt for a vCPU of a VM without the in-kernel irqchip (ENXIO with
 * it), from the VMM's own interrupt controller model. The next MINIVM_RUN
 * injects it as soon as the guest can take it; one at a time (EBUSY while
 * one is queued and not yet injected).
 */
struct minivm_interrupt {
	__u32 irq;
	__u32 padding;
};

/**
 * DOC: Exit reasons
 *
 * minivm_run.exit_reason: why MINIVM_RUN returned. The member of the run
 * area's union that the reason names holds its details (Documentation/
 * api.rst, section 7.2, describes each exit). MINIVM_EXIT_UNKNOWN is never
 * reported: it is a new run area's value. MINIVM_EXIT_INTR: RUN failed
 * with EINTR, because immediate_exit was set or a signal was pending or
 * arrived; no union member, the union still holds the previous exit's
 * data. MINIVM_EXIT_INTERNAL_ERROR makes the whole VM dead.
 */
#define MINIVM_EXIT_UNKNOWN		0
#define MINIVM_EXIT_IO			1 /* io */
#define MINIVM_EXIT_HLT			2
#define MINIVM_EXIT_SHUTDOWN		3 /* triple fault */
#define MINIVM_EXIT_FAIL_ENTRY		4 /* fail_entry */
#define MINIVM_EXIT_INTR		5 /* a signal; RUN returned EINTR */
#define MINIVM_EXIT_INTERNAL_ERROR	6 /* internal */
#define MINIVM_EXIT_MMIO		7 /* mmio */
#define MINIVM_EXIT_X86_RDMSR		8 /* msr */
#define MINIVM_EXIT_X86_WRMSR		9 /* msr */
#define MINIVM_EXIT_IRQ_WINDOW_OPEN	10 /* request_interrupt_window met */

/* minivm_run.io.direction */
#define MINIVM_EXIT_IO_IN		0
#define MINIVM_EXIT_IO_OUT		1

/**
 * DOC: Internal errors
 *
 * minivm_run.internal.suberror of MINIVM_EXIT_INTERNAL_ERROR, and what
 * internal.data[] holds for each; its entries from internal.ndata on are
 * not written.
 *
 * MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT, a VM exit with no handler, and
 * MINIVM_INTERNAL_ERROR_DELIVERY_EV, a VM exit while delivering an event
 * (ndata = 6): data[0] = basic VMX exit reason, data[1] = exit
 * qualification, data[2] = guest RIP, data[3] = instruction length,
 * data[4] = IDT-vectoring information, data[5] = guest-physical address
 * (EPT exits 48/49, else 0).
 *
 * MINIVM_INTERNAL_ERROR_EMULATION, an MMIO access by an instruction the
 * in-kernel emulator does not know (ndata = 5): data[0] = guest RIP,
 * data[1] = guest-physical address, data[2] = number of instruction bytes
 * (up to 15) in data[3..4], byte i at bits 8*(i%8) of data[3 + i/8].
 */
#define MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT	1
#define MINIVM_INTERNAL_ERROR_DELIVERY_EV	2
#define MINIVM_INTERNAL_ERROR_EMULATION		3

/**
 * struct minivm_run - the run area of a vCPU
 * @immediate_exit: in: non-zero: RUN returns EINTR at once
 *	(MINIVM_CAP_IMMEDIATE_EXIT)
 * @request_interrupt_window: in: non-zero (no in-kernel irqchip): RUN
 *	returns with MINIVM_EXIT_IRQ_WINDOW_OPEN as soon as the guest can take
 *	an interrupt and none is queued (MINIVM_CAP_USER_INTERRUPT)
 * @padding1: ignored: the module neither reads nor writes it
 * @exit_reason: out: MINIVM_EXIT_*
 * @ready_for_interrupt_injection: out, when RUN returns: whether
 *	MINIVM_INTERRUPT's vector would be taken at once on the next RUN
 *	(RFLAGS.IF set, no STI or MOV SS shadow, nothing queued; always 1
 *	with the in-kernel irqchip)
 * @if_flag: out, when RUN returns: the guest's RFLAGS.IF
 * @padding2: never written
 * @reserved1: never written
 * @io: MINIVM_EXIT_IO: IN, OUT, INS or OUTS
 * @io.direction: MINIVM_EXIT_IO_IN or MINIVM_EXIT_IO_OUT
 * @io.size: the size of an element, 1, 2 or 4 bytes
 * @io.port: the I/O port
 * @io.count: the number of elements: 1 for IN/OUT; for INS/OUTS 1 or
 *	more, up to what the data buffer holds (MINIVM_CAP_STRING_IO)
 * @io.data_offset: offset of the data (@io.count * @io.size bytes) from
 *	the start of the run area, inside it. OUT: the bytes written. IN:
 *	userspace stores the bytes to read there; the next RUN completes the
 *	IN.
 * @fail_entry: MINIVM_EXIT_FAIL_ENTRY: the processor refused VM entry
 * @fail_entry.hardware_entry_failure_reason: the VM-instruction error
 *	number when VMLAUNCH/VMRESUME itself failed, or the full VMX exit
 *	reason (bit 31 set) when VM entry rejected the guest state
 * @fail_entry.qualification: 0 when VMLAUNCH/VMRESUME failed, else the
 *	exit qualification that came with the exit reason
 * @fail_entry.cpu: the host CPU on which the entry was attempted
 * @fail_entry.padding: never written
 * @mmio: MINIVM_EXIT_MMIO: a guest access of @mmio.len bytes to
 *	@mmio.phys_addr, which no slot backs (or a write to a read-only slot)
 * @mmio.phys_addr: the guest-physical address
 * @mmio.data: write: the bytes written. Read: userspace stores the bytes
 *	there; the next RUN completes the instruction.
 * @mmio.len: the size of the access, 1, 2, 4 or 8 bytes
 * @mmio.is_write: 1 for a write, 0 for a read
 * @mmio.padding: never written
 * @msr: MINIVM_EXIT_X86_RDMSR or MINIVM_EXIT_X86_WRMSR (see
 *	MINIVM_ENABLE_CAP)
 * @msr.error: 0 at the exit; non-zero on the next RUN raises #GP in the
 *	guest instead of completing the access
 * @msr.padding: never written
 * @msr.reason: the MINIVM_MSR_EXIT_* that applied
 * @msr.index: the MSR's number
 * @msr.padding2: never written
 * @msr.data: RDMSR: userspace stores the value the guest reads; WRMSR:
 *	the value the guest wrote
 * @internal: MINIVM_EXIT_INTERNAL_ERROR: the VM is now dead
 * @internal.suberror: MINIVM_INTERNAL_ERROR_*
 * @internal.ndata: the number of @internal.data entries written
 * @internal.data: what the suberror gives (see "Internal errors" above)
 * @padding: room for later exit types without changing the layout
 *
 * mmap() MINIVM_GET_VCPU_MMAP_SIZE bytes of a vCPU fd at offset 0 (shared,
 * not executable). Userspace writes the "in" fields before MINIVM_RUN; the
 * module writes the "out" fields and the union member that exit_reason
 * names (and, for MINIVM_EXIT_IO, the data) before RUN returns. The other
 * union members hold nothing meaningful. The run area is shared memory,
 * not an ioctl argument: its padding is ignored.
 */
struct minivm_run {
	/* in */
	__u8 immediate_exit;
	__u8 request_interrupt_window;
	__u8 padding1[6];

	/* out */
	__u32 exit_reason;
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;
	__u8 padding2[2];
	__u64 reserved1[2];

	union {
		struct {
			__u8  direction;
			__u8  size;
			__u16 port;
			__u32 count;
			__u64 data_offset;
		} io;
		struct {
			__u64 hardware_entry_failure_reason;
			__u64 qualification;
			__u32 cpu;
			__u32 padding;
		} fail_entry;
		struct {
			__u64 phys_addr;
			__u8  data[8];
			__u32 len;
			__u8  is_write;
			__u8  padding[3];
		} mmio;
		struct {
			__u8  error;
			__u8  padding[3];
			__u32 reason;
			__u32 index;
			__u32 padding2;
			__u64 data;
		} msr;
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 data[16];
		} internal;
		char padding[256];
	};
};

#endif /* _UAPI_LINUX_MINIVM_H */
