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

/* ---- VM ioctls ---- */
#define MINIVM_CREATE_VCPU		_IO(MINIVMIO, 0x41) /* arg: vCPU id */
#define MINIVM_SET_USER_MEMORY_REGION	_IOW(MINIVMIO, 0x46, \
					     struct minivm_userspace_memory_region)

/* ---- vCPU ioctls ---- */
#define MINIVM_RUN			_IO(MINIVMIO, 0x80)
#define MINIVM_GET_REGS			_IOR(MINIVMIO, 0x81, struct minivm_regs)
#define MINIVM_SET_REGS			_IOW(MINIVMIO, 0x82, struct minivm_regs)
#define MINIVM_GET_SREGS		_IOR(MINIVMIO, 0x83, struct minivm_sregs)
#define MINIVM_SET_SREGS		_IOW(MINIVMIO, 0x84, struct minivm_sregs)

/*
 * MINIVM_SET_USER_MEMORY_REGION: map [guest_phys_addr, +memory_size) onto
 * the caller's memory at userspace_addr. memory_size 0 deletes the slot.
 * No flags are defined yet: flags must be 0.
 */
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
	__u64 reserved[8];	/* must be zero */
};

/* minivm_run.exit_reason */
#define MINIVM_EXIT_UNKNOWN		0
#define MINIVM_EXIT_IO			1
#define MINIVM_EXIT_HLT			2
#define MINIVM_EXIT_SHUTDOWN		3 /* triple fault */
#define MINIVM_EXIT_FAIL_ENTRY		4
#define MINIVM_EXIT_INTR		5 /* a signal; RUN returned EINTR */
#define MINIVM_EXIT_INTERNAL_ERROR	6

#define MINIVM_EXIT_IO_IN		0
#define MINIVM_EXIT_IO_OUT		1

/* minivm_run.internal.suberror */
#define MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT	1 /* data: see below */
#define MINIVM_INTERNAL_ERROR_DELIVERY_EV	2 /* exit while delivering an event */

/*
 * The run area: mmap() MINIVM_GET_VCPU_MMAP_SIZE bytes of a vCPU fd at
 * offset 0. Userspace writes the "in" fields before MINIVM_RUN; the module
 * writes exit_reason and the matching union member before RUN returns.
 */
struct minivm_run {
	/* in */
	__u8 immediate_exit;	/* non-zero: RUN returns EINTR at once */
	__u8 padding1[7];

	/* out */
	__u32 exit_reason;	/* MINIVM_EXIT_* */
	__u32 padding2;
	__u64 reserved1[2];

	union {
		/* MINIVM_EXIT_IO */
		struct {
			__u8  direction;	/* MINIVM_EXIT_IO_IN/OUT */
			__u8  size;		/* 1, 2 or 4 bytes */
			__u16 port;
			__u32 count;		/* always 1 for now */
			/*
			 * Offset of the data from the start of the run area.
			 * OUT: the bytes written. IN: userspace stores the
			 * bytes to read there; the next RUN completes the IN.
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
