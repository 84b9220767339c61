// SPDX-License-Identifier: GPL-2.0
/*
 * Crash dumps and emergency restarts while VMs exist.
 *
 * A crash (panic with a crash kernel loaded, kexec -p) and an emergency
 * restart (SysRq-B, a panic's reboot) run no reboot notifier: the kernel
 * stops the other CPUs with an NMI and jumps to the crash kernel or the
 * firmware from wherever it was. A CPU left in VMX operation blocks INIT
 * and faults on the crash kernel's first write of CR4, so that kernel
 * never starts. The only hook on that path, on both 6.1 (Debian's, from
 * 6.1.5x) and 6.12, is one callback that the kernel calls on every CPU
 * (cpu_emergency_disable_virtualization()) and that kvm_intel registers
 * for itself; a second registration is refused with a WARN.
 *
 * So minivm registers its callback while its CPUs are in VMX operation
 * and KVM is not loaded, and lets go of it the moment kvm.ko starts to
 * load (MODULE_STATE_COMING, before any of KVM's code has run). While
 * KVM is loaded its own callback serves: it leaves VMX operation on any
 * CPU with CR4.VMXE set, whoever entered it. The notifier is registered
 * before kvm.ko's presence is checked (symbol_get() finds it only once
 * it is live), so no load of kvm.ko falls in between.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include <asm/reboot.h>

#include "minivm.h"

static DEFINE_MUTEX(emergency_lock);
/* All three under emergency_lock. */
static bool vmx_on;		/* minivm's CPUs are in VMX operation */
static bool kvm_loaded;		/* kvm.ko is coming, live or going */
static bool registered;		/* minivm_emergency_disable() is the callback */

/* NMI context or the crashing CPU with interrupts off: no locks. */
static void minivm_emergency_disable(void)
{
	minivm_backend->emergency_disable_cpu();
}

static void update_callback(void)
{
	bool want = vmx_on && !kvm_loaded;

	if (want == registered)
		return;
	if (want)
		cpu_emergency_register_virt_callback(minivm_emergency_disable);
	else
		cpu_emergency_unregister_virt_callback(minivm_emergency_disable);
	registered = want;
}

/* Called under main.c's hardware_lock, when VMX goes on or off. */
void minivm_emergency_vmx(bool on)
{
	mutex_lock(&emergency_lock);
	vmx_on = on;
	update_callback();
	mutex_unlock(&emergency_lock);
}

static int minivm_module_notify(struct notifier_block *nb,
				unsigned long state, void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm"))
		return NOTIFY_DONE;
	mutex_lock(&emergency_lock);
	/* GOING comes after kvm.ko's exit, kvm_intel long gone. */
	kvm_loaded = state != MODULE_STATE_GOING;
	update_callback();
	mutex_unlock(&emergency_lock);
	return NOTIFY_DONE;
}

static struct notifier_block minivm_module_notifier = {
	.notifier_call = minivm_module_notify,
};

void minivm_emergency_init(void)
{
	void *kvm_symbol;

	register_module_notifier(&minivm_module_notifier);
	kvm_symbol = __symbol_get("kvm_init");
	mutex_lock(&emergency_lock);
	if (kvm_symbol)
		kvm_loaded = true;
	mutex_unlock(&emergency_lock);
	if (kvm_symbol)
		__symbol_put("kvm_init");
}

/* Module unload: no VM exists, so the callback is already gone. */
void minivm_emergency_exit(void)
{
	unregister_module_notifier(&minivm_module_notifier);
}
