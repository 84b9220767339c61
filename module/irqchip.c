// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's in-kernel interrupt controllers (MINIVM_CREATE_IRQCHIP): one
 * I/O APIC (the model in x86/ioapic.c) at MINIVM_IOAPIC_GPA whose pins
 * userspace drives with MINIVM_IRQ_LINE, and a local APIC per vCPU
 * (lapic.c). There is no 8259 PIC: a guest that finds the MP table's I/O
 * APIC (or ACPI's MADT) uses it and never needs one, and without a PIC a
 * level-triggered line costs no exit for the EOI either, since the EOI
 * reaches the I/O APIC here in the kernel.
 *
 * Why in the kernel and not in the VMM, as KVM's "split irqchip" allows:
 * every interrupt would then be an ioctl plus, for level-triggered lines,
 * an exit to userspace for each EOI. Here the device model in userspace
 * only sets line levels; routing, masking and EOI stay in the kernel.
 *
 * Locking: @lock (a mutex: delivery takes vm->vcpus_lock) serialises the
 * I/O APIC model. Order: irqchip->lock, then vm->vcpus_lock.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "minivm.h"
#include "trace.h"
#include "x86/ioapic.h"

struct minivm_irqchip {
	struct minivm *vm;
	struct mutex lock;		/* serialises the I/O APIC model */
	struct x86_ioapic ioapic;	/* under @lock */
};

static bool ioapic_deliver(void *opaque, u32 dest, bool logical, u8 vector,
			   u8 delivery_mode, bool level)
{
	struct minivm_irqchip *chip = opaque;

	return minivm_deliver_irq(chip->vm, dest, logical, vector,
				  delivery_mode, level, NULL);
}

static const struct x86_ioapic_ops ioapic_ops = {
	.deliver	= ioapic_deliver,
};

/*
 * Fixed, lowest-priority and NMI messages; the other delivery modes (SMI,
 * INIT, SIPI, ExtINT) are not implemented and go nowhere. @except (the
 * sender of an all-but-self IPI, or NULL) is left out. True when some
 * vCPU took it.
 */
bool minivm_deliver_irq(struct minivm *vm, u32 dest, bool logical, u8 vector,
			u8 delivery_mode, bool level,
			const struct minivm_vcpu *except)
{
	struct minivm_vcpu *v;
	bool taken = false;
	int i;

	if (delivery_mode != X86_APIC_DM_FIXED &&
	    delivery_mode != X86_APIC_DM_LOWEST &&
	    delivery_mode != X86_APIC_DM_NMI)
		return false;
	mutex_lock(&vm->vcpus_lock);
	for (i = 0; i < MINIVM_MAX_VCPUS; i++) {
		v = vm->vcpus[i];
		if (!v || v == except || !v->apic ||
		    !minivm_lapic_match(v, dest, logical))
			continue;
		if (delivery_mode == X86_APIC_DM_NMI)
			minivm_lapic_post_nmi(v);
		else
			minivm_lapic_post(v, vector, level);
		taken = true;
		/* lowest priority: the first match (no arbitration) */
		if (delivery_mode == X86_APIC_DM_LOWEST)
			break;
	}
	if (taken)
		minivm_stat_inc(&vm->stats.irq_deliveries);
	mutex_unlock(&vm->vcpus_lock);
	return taken;
}

/* Only before the first vCPU: each vCPU gets its APIC when created. */
long minivm_create_irqchip(struct minivm *vm)
{
	struct minivm_irqchip *chip;
	long ret = 0;
	int i;

	chip = kzalloc(sizeof(*chip), GFP_KERNEL_ACCOUNT);
	if (!chip)
		return -ENOMEM;
	chip->vm = vm;
	mutex_init(&chip->lock);
	/* ID 0: 64-bit Linux takes the MP table's word for it */
	x86_ioapic_init(&chip->ioapic, &ioapic_ops, chip, 0);

	mutex_lock(&vm->vcpus_lock);
	if (vm->irqchip) {
		ret = -EEXIST;
		goto out_unlock;
	}
	for (i = 0; i < MINIVM_MAX_VCPUS; i++) {
		if (vm->vcpus[i]) {
			ret = -EINVAL;
			goto out_unlock;
		}
	}
	WRITE_ONCE(vm->irqchip, chip);
	chip = NULL;
out_unlock:
	mutex_unlock(&vm->vcpus_lock);
	kfree(chip);
	return ret;
}

/* The VM's last reference is gone: no vCPU, no ioctl can reach it. */
void minivm_irqchip_free(struct minivm *vm)
{
	kfree(vm->irqchip);
	vm->irqchip = NULL;
}

long minivm_irq_line(struct minivm *vm, void __user *argp)
{
	struct minivm_irqchip *chip = READ_ONCE(vm->irqchip);
	struct minivm_irq_level irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (!chip)
		return -ENXIO;
	if (irq.irq >= MINIVM_IOAPIC_PINS || irq.level > 1)
		return -EINVAL;
	trace_minivm_irq_line(irq.irq, irq.level);
	mutex_lock(&chip->lock);
	x86_ioapic_set_irq(&chip->ioapic, irq.irq, irq.level);
	mutex_unlock(&chip->lock);
	return 0;
}

void minivm_ioapic_eoi(struct minivm *vm, u8 vector)
{
	struct minivm_irqchip *chip = vm->irqchip;

	mutex_lock(&chip->lock);
	x86_ioapic_eoi(&chip->ioapic, vector);
	mutex_unlock(&chip->lock);
}

/*
 * The I/O APIC's page: IOREGSEL, IOWIN and EOI are 32-bit registers;
 * other widths and offsets read as zeros and are ignored.
 */
bool minivm_ioapic_mmio(struct minivm *vm, u64 gpa, void *data,
			unsigned int len, bool write)
{
	struct minivm_irqchip *chip = vm->irqchip;
	u32 off = gpa & 0xfff, val = 0;

	if (!chip || (gpa & PAGE_MASK) != MINIVM_IOAPIC_GPA)
		return false;
	mutex_lock(&chip->lock);
	if (write) {
		if (len >= 4 && !(off & 3)) {
			memcpy(&val, data, 4);
			x86_ioapic_write(&chip->ioapic, off, val);
		}
	} else {
		memset(data, 0, len);
		if (len >= 4 && !(off & 3)) {
			val = x86_ioapic_read(&chip->ioapic, off);
			memcpy(data, &val, 4);
		}
	}
	mutex_unlock(&chip->lock);
	return true;
}
