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
 * its padding is ignored.)
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

/*
 * Capabilities for MINIVM_CHECK_EXTENSION (also accepted on a VM fd).
 * The ioctl returns 0 for an unknown or absent capability, otherwise a
 * positive value whose meaning is given here.
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
/* 1: MINIVM_INTERRUPT and the run area's interrupt-window fields */
#define MINIVM_CAP_USER_INTERRUPT	18
#define MINIVM_CAP_BINARY_STATS_FD	17 /* 1: GET_STATS_FD, GET_VCPU_STATS_FD */

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

/*
 * MINIVM_SET_USER_MEMORY_REGION: map [guest_phys_addr, +memory_size) onto
 * the caller's memory at userspace_addr. memory_size 0 deletes the slot.
 * MINIVM_MEM_READONLY: guest reads come from the memory, guest writes exit
 * as MINIVM_EXIT_MMIO writes (a ROM, or flash). Other flags: EINVAL.
 */
#define MINIVM_MEM_READONLY	(1U << 1)

struct minivm_userspace_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;	/* bytes, a multiple of the page size */
	__u64 userspace_addr;	/* page aligned */
	__u64 reserved[2];	/* must be zero */
};

/* General-purpose registers (MINIVM_GET_REGS / MINIVM_SET_REGS). */
struct minivm_regs {
	__u64 rax, rbx, rcx, rdx;
	__u64 rsi, rdi, rsp, rbp;
	__u64 r8,  r9,  r10, r11;
	__u64 r12, r13, r14, r15;
	__u64 rip, rflags;
};

/*
 * A segment register with its hidden (descriptor cache) part. The access
 * bits are unpacked; "unusable" is VMX's segment-unusable flag (a null
 * selector loaded in protected mode).
 */
struct minivm_segment {
	__u64 base;
	__u32 limit;		/* in bytes, already scaled by g */
	__u16 selector;
	__u8  type;
	__u8  present, dpl, db, s, l, g, avl;
	__u8  unusable;
	__u8  padding;		/* must be zero */
};

struct minivm_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];	/* must be zero */
};

/* Special registers (MINIVM_GET_SREGS / MINIVM_SET_SREGS). */
struct minivm_sregs {
	struct minivm_segment cs, ds, es, fs, gs, ss;
	struct minivm_segment tr, ldt;
	struct minivm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4;
	__u64 efer;
	__u64 cr8;		/* the task priority, TPR[7:4] */
	__u64 apic_base;	/* IA32_APIC_BASE */
	__u64 reserved[6];	/* must be zero */
};

/*
 * MINIVM_ENABLE_CAP (VM fd): turn on optional behaviour. flags, the unused
 * args and reserved must be zero.
 *   MINIVM_CAP_X86_USER_SPACE_MSR: args[0] is a mask of MINIVM_MSR_EXIT_*;
 *   a guest RDMSR/WRMSR of that kind exits to userspace
 *   (MINIVM_EXIT_X86_RDMSR/WRMSR) instead of raising #GP in the guest.
 */
struct minivm_enable_cap {
	__u32 cap;
	__u32 flags;
	__u64 args[4];
	__u64 reserved[4];
};

#define MINIVM_MSR_EXIT_UNKNOWN	(1U << 0) /* an MSR minivm does not know */
#define MINIVM_MSR_EXIT_INVAL	(1U << 1) /* a known MSR, a value it refuses */

/*
 * MSRs (vCPU GET/SET_MSRS). nmsrs entries follow the header; at most
 * MINIVM_MAX_MSR_ENTRIES per call. The ioctl returns how many entries it
 * processed, in order; it stops at the first MSR it does not know or
 * whose value it refuses.
 */
#define MINIVM_MAX_MSR_ENTRIES	256
struct minivm_msr_entry {
	__u32 index;
	__u32 reserved;		/* must be zero */
	__u64 data;
};

struct minivm_msrs {
	__u32 nmsrs;
	__u32 padding;		/* must be zero */
	struct minivm_msr_entry entries[];
};

/*
 * MINIVM_GET_MSR_INDEX_LIST (system): the MSRs GET/SET_MSRS accept. In:
 * nmsrs = room in indices[]; out: nmsrs = how many there are. E2BIG (with
 * nmsrs set) when the room is too small.
 */
struct minivm_msr_list {
	__u32 nmsrs;
	__u32 indices[];
};

/*
 * CPUID. GET_SUPPORTED_CPUID (system) returns what minivm can offer on
 * this host; SET_CPUID (vCPU) sets the table the guest's CPUID is answered
 * from, and refuses (EINVAL) a feature bit that the supported table does
 * not have. A leaf above the table's maximum basic leaf is answered like
 * that leaf, as Intel CPUs do; any other leaf not in the table reads as
 * zeros. In: nent = room (GET) or count (SET), at most
 * MINIVM_MAX_CPUID_ENTRIES (SET); E2BIG (nent set) when the room is too
 * small.
 */
#define MINIVM_MAX_CPUID_ENTRIES	128
#define MINIVM_CPUID_FLAG_SIGNIFICANT_INDEX	(1U << 0)

struct minivm_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;		/* MINIVM_CPUID_FLAG_* */
	__u32 eax, ebx, ecx, edx;
	__u32 padding;		/* must be zero */
};

struct minivm_cpuid {
	__u32 nent;
	__u32 padding;		/* must be zero */
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

/*
 * FPU/SSE/AVX state (vCPU GET/SET_XSAVE) in the standard (non-compacted)
 * XSAVE format of the SDM, legacy area first. XSTATE_BV says which
 * components are present; the guest's PKRU is the PKRU component.
 */
struct minivm_xsave {
	__u32 region[1024];
};

/*
 * MINIVM_IRQ_LINE (VM fd, after MINIVM_CREATE_IRQCHIP): drive pin @irq
 * (0..MINIVM_IOAPIC_PINS - 1) of the in-kernel I/O APIC to @level (0 or
 * 1). An edge-triggered pin interrupts on 0 -> 1, a level-triggered one
 * while it is 1 (and again after the guest's EOI if it still is).
 */
#define MINIVM_IOAPIC_PINS	24
#define MINIVM_IOAPIC_GPA	0xfec00000ULL
#define MINIVM_LAPIC_GPA	0xfee00000ULL
struct minivm_irq_level {
	__u32 irq;
	__u32 level;
};

/*
 * Binary statistics (MINIVM_CAP_BINARY_STATS_FD). MINIVM_GET_STATS_FD (VM
 * fd) and MINIVM_GET_VCPU_STATS_FD (vCPU fd) return a read-only file
 * descriptor that is read with pread(): a struct minivm_stats_header at
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

/* Extended control registers (vCPU GET/SET_XCRS): today only XCR0. */
#define MINIVM_MAX_XCRS	16
struct minivm_xcr {
	__u32 xcr;
	__u32 reserved;		/* must be zero */
	__u64 value;
};

struct minivm_xcrs {
	__u32 nr_xcrs;
	__u32 flags;		/* must be zero */
	struct minivm_xcr xcrs[MINIVM_MAX_XCRS];
	__u64 padding[16];	/* must be zero */
};

/* Debug registers (vCPU GET/SET_DEBUGREGS). */
struct minivm_debugregs {
	__u64 db[4];
	__u64 dr6;
	__u64 dr7;
	__u64 flags;		/* must be zero */
	__u64 reserved[9];	/* must be zero */
};

/*
 * Events pending for delivery at the next entry (vCPU GET/SET_VCPU_EVENTS).
 * exception.injected: the exception (vector nr, with error_code when
 * has_error_code) is delivered through the guest's IDT when the vCPU next
 * runs; SET_VCPU_EVENTS with injected 0 drops any pending one. Vectors 2
 * (NMI) and above 31 are not exceptions: EINVAL.
 */
struct minivm_vcpu_events {
	struct {
		__u8  injected;
		__u8  nr;
		__u8  has_error_code;
		__u8  padding;		/* must be zero */
		__u32 error_code;
	} exception;
	__u32 flags;			/* must be zero */
	__u32 padding;			/* must be zero */
	__u64 reserved[6];		/* must be zero */
};

/*
 * MINIVM_INTERRUPT: an external interrupt for a vCPU of a VM without the
 * in-kernel irqchip, from the VMM's own interrupt controller model.
 */
struct minivm_interrupt {
	__u32 irq;			/* the vector, 0-255 */
	__u32 padding;			/* must be zero */
};

/* minivm_run.exit_reason */
#define MINIVM_EXIT_UNKNOWN		0
#define MINIVM_EXIT_IO			1
#define MINIVM_EXIT_HLT			2
#define MINIVM_EXIT_SHUTDOWN		3 /* triple fault */
#define MINIVM_EXIT_FAIL_ENTRY		4
#define MINIVM_EXIT_INTR		5 /* a signal; RUN returned EINTR */
#define MINIVM_EXIT_INTERNAL_ERROR	6
#define MINIVM_EXIT_MMIO		7
#define MINIVM_EXIT_X86_RDMSR		8
#define MINIVM_EXIT_X86_WRMSR		9
#define MINIVM_EXIT_IRQ_WINDOW_OPEN	10 /* request_interrupt_window met */

#define MINIVM_EXIT_IO_IN		0
#define MINIVM_EXIT_IO_OUT		1

/* minivm_run.internal.suberror */
#define MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT	1 /* data: see below */
#define MINIVM_INTERNAL_ERROR_DELIVERY_EV	2 /* exit while delivering an event */
/*
 * An MMIO access by an instruction the in-kernel emulator does not know:
 * data[0] = guest RIP, data[1] = guest-physical address, data[2] = number
 * of instruction bytes (up to 15) in data[3..4], byte i at bits 8*(i%8)
 * of data[3 + i/8]. ndata = 5.
 */
#define MINIVM_INTERNAL_ERROR_EMULATION		3

/*
 * The run area: mmap() MINIVM_GET_VCPU_MMAP_SIZE bytes of a vCPU fd at
 * offset 0. Userspace writes the "in" fields before MINIVM_RUN; the module
 * writes exit_reason and the matching union member before RUN returns.
 */
struct minivm_run {
	/* in */
	__u8 immediate_exit;	/* non-zero: RUN returns EINTR at once */
	/*
	 * Non-zero (no in-kernel irqchip): RUN returns with
	 * MINIVM_EXIT_IRQ_WINDOW_OPEN as soon as the guest can take an
	 * interrupt and none is queued (MINIVM_CAP_USER_INTERRUPT).
	 */
	__u8 request_interrupt_window;
	__u8 padding1[6];

	/* out */
	__u32 exit_reason;	/* MINIVM_EXIT_* */
	/*
	 * When RUN returns: whether MINIVM_INTERRUPT's vector would be
	 * taken at once on the next RUN (RFLAGS.IF set, no STI or MOV SS
	 * shadow, nothing queued; always 1 with the in-kernel irqchip),
	 * and the guest's RFLAGS.IF.
	 */
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;
	__u8 padding2[2];
	__u64 reserved1[2];

	union {
		/* MINIVM_EXIT_IO */
		struct {
			__u8  direction;	/* MINIVM_EXIT_IO_IN/OUT */
			__u8  size;		/* 1, 2 or 4 bytes */
			__u16 port;
			/*
			 * Elements: 1, or for INS/OUTS 1 or more, up to
			 * what the data buffer holds (MINIVM_CAP_STRING_IO).
			 */
			__u32 count;
			/*
			 * Offset of the data (count * size bytes) from the
			 * start of the run area. OUT: the bytes written.
			 * IN: userspace stores the bytes to read there; the
			 * next RUN completes the IN.
			 */
			__u64 data_offset;
		} io;
		/*
		 * MINIVM_EXIT_FAIL_ENTRY: the VM-instruction error number when
		 * VMLAUNCH/VMRESUME itself failed, or the full VMX exit reason
		 * (bit 31 set) when VM entry rejected the guest state.
		 */
		struct {
			__u64 hardware_entry_failure_reason;
			__u64 qualification;
			__u32 cpu;
			__u32 padding;
		} fail_entry;
		/*
		 * MINIVM_EXIT_MMIO: a guest access of len bytes (1, 2, 4 or
		 * 8) to phys_addr, which no slot backs (or a write to a
		 * read-only slot). Write: data holds the bytes. Read:
		 * userspace stores the bytes in data; the next RUN completes
		 * the instruction.
		 */
		struct {
			__u64 phys_addr;
			__u8  data[8];
			__u32 len;
			__u8  is_write;
			__u8  padding[3];
		} mmio;
		/*
		 * MINIVM_EXIT_X86_RDMSR/WRMSR (see MINIVM_ENABLE_CAP).
		 * reason: the MINIVM_MSR_EXIT_* that applied. RDMSR:
		 * userspace stores data; WRMSR: data is what the guest
		 * wrote. error non-zero on the next RUN raises #GP in the
		 * guest instead of completing the access.
		 */
		struct {
			__u8  error;
			__u8  padding[3];
			__u32 reason;
			__u32 index;
			__u32 padding2;
			__u64 data;
		} msr;
		/*
		 * MINIVM_EXIT_INTERNAL_ERROR. For UNHANDLED_EXIT and
		 * DELIVERY_EV (ndata = 6): data[0] = basic VMX exit reason,
		 * data[1] = exit qualification, data[2] = guest RIP, data[3] =
		 * instruction length, data[4] = IDT-vectoring information,
		 * data[5] = guest-physical address (EPT exits 48/49, else 0).
		 */
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 data[16];
		} internal;
		/* Room for later exit types without changing the layout. */
		char padding[256];
	};
};

#endif /* _UAPI_LINUX_MINIVM_H */
