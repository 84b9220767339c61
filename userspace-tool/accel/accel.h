/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver seam: everything minivm-run asks of the kernel goes through
 * one small table of operations, with /dev/minivm (accel/minivm.c) and
 * /dev/kvm (accel/kvm.c) behind it, so the same guest can be run on both
 * and compared. Above the seam the VMM speaks only its own types
 * (vcpu-state.h, vmm-exit.h).
 *
 * Conventions. The setup operations (open .. set_cpuid, create_irqchip)
 * either succeed or print one line and exit with the documented status
 * (exitcode.h): there is nothing a VMM could do instead, and each driver
 * words its own advice. The operations of the run loop (irq_line
 * included) return 0 or -errno and leave the decision to the loop.
 */
#ifndef MINIVM_RUN_ACCEL_H
#define MINIVM_RUN_ACCEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vcpu-state.h"
#include "vmm-exit.h"

/* What the guest needs of the driver; open() refuses a driver that lacks it. */
#define ACCEL_NEED_REAL_MODE	(1U << 0)	/* starts in real mode (flat binaries) */
#define ACCEL_NEED_LONG_MODE	(1U << 1)	/* starts in 64-bit mode (bzImage) */
#define ACCEL_NEED_IRQCHIP	(1U << 2)	/* in-kernel local APIC and I/O APIC */

struct accel_ops;

struct accel {
	const struct accel_ops *ops;
	int sys_fd;			/* the device */
	int vm_fd;
	size_t run_size;		/* bytes of a vCPU's run area */
	bool immediate_exit;		/* the driver honours immediate_exit */
	bool irqchip;			/* create_irqchip() was done */
};

struct accel_vcpu {
	struct accel *accel;
	int fd;
	unsigned int id;
	void *run;			/* the driver's run area, mapped */
	size_t run_size;
};

struct accel_ops {
	const char *name;		/* as given to --accel */
	const char *dev_path;		/* "/dev/minivm" */
	const char *ioctl_prefix;	/* "MINIVM_", to name ioctls in messages */
	const char *run_ioctl;		/* "MINIVM_RUN" */

	/* Open the device, check its API version and what @needs asks. */
	void (*open)(struct accel *a, unsigned int needs);
	void (*create_vm)(struct accel *a);
	/*
	 * Give the VM the in-kernel interrupt controllers: a local APIC per
	 * vCPU and an I/O APIC (on KVM also the 8259 PICs). After create_vm,
	 * before create_vcpu; open() must have been asked for
	 * ACCEL_NEED_IRQCHIP.
	 */
	void (*create_irqchip)(struct accel *a);
	/* Back [@gpa, @gpa + @size) with the caller's memory at @host. */
	void (*set_memory)(struct accel *a, unsigned int slot, uint64_t gpa,
			   uint64_t size, void *host);
	void (*create_vcpu)(struct accel *a, struct accel_vcpu *vcpu,
			    unsigned int id);
	void (*map_run)(struct accel *a, struct accel_vcpu *vcpu);
	/* Give the vCPU its CPUID table; NULL where the driver's default is right. */
	void (*set_cpuid)(struct accel *a, struct accel_vcpu *vcpu);

	/* Enter the guest: 0, or -errno (-EINTR for a signal). */
	int (*run)(struct accel_vcpu *vcpu);
	/*
	 * Translate the exit RUN left in the run area. 0, or -EPROTO when
	 * the run area makes no sense (a driver bug), with the reason in
	 * @why: the VMM then stops rather than trust it.
	 */
	int (*get_exit)(struct accel_vcpu *vcpu, struct vmm_exit *exit,
			char *why, size_t whylen);
	/* Make the next RUN return -EINTR at once. Async-signal-safe. */
	void (*set_immediate_exit)(struct accel_vcpu *vcpu);

	int (*get_regs)(struct accel_vcpu *vcpu, struct vcpu_regs *regs);
	int (*set_regs)(struct accel_vcpu *vcpu, const struct vcpu_regs *regs);
	int (*get_sregs)(struct accel_vcpu *vcpu, struct vcpu_sregs *sregs);
	int (*set_sregs)(struct accel_vcpu *vcpu, const struct vcpu_sregs *sregs);

	/*
	 * Drive interrupt line @irq (an I/O APIC pin; on KVM also the PIC
	 * input of that number) to @level. 0 or -errno. Any thread may call
	 * it, while another one is in run().
	 */
	int (*irq_line)(struct accel *a, unsigned int irq, bool level);
	/*
	 * NULL where the driver reports a HLT with interrupts disabled as an
	 * exit itself (minivm). With an in-kernel local APIC, KVM keeps such
	 * a vCPU asleep in KVM_RUN forever instead: this tells, after run()
	 * returned -EINTR, whether the vCPU is halted with RFLAGS.IF clear,
	 * so that the VMM can end the run as minivm's HLT exit would.
	 */
	bool (*halted_irqs_off)(struct accel_vcpu *vcpu);

	/*
	 * --stats: a binary statistics file descriptor (stats.h: minivm's
	 * and KVM's have one layout) of the VM, or of @vcpu when not NULL,
	 * which the caller reads with pread() and closes. -EOPNOTSUPP when
	 * the driver has no such statistics, else -errno of the ioctl.
	 */
	int (*stats_fd)(struct accel *a, struct accel_vcpu *vcpu);

	/* Close everything, in any state; the VM is gone afterwards. */
	void (*destroy)(struct accel *a, struct accel_vcpu *vcpu);
};

extern const struct accel_ops minivm_accel_ops;
extern const struct accel_ops kvm_accel_ops;

/* The ops for --accel @name, or NULL. */
const struct accel_ops *accel_find(const char *name);

/* Initialise @a and @vcpu for @ops, with nothing open yet. */
void accel_init(struct accel *a, struct accel_vcpu *vcpu,
		const struct accel_ops *ops);

#endif /* MINIVM_RUN_ACCEL_H */
