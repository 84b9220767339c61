// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/minivm/PID-VMID/summary, one directory per
 * VM from its creation to its destruction, for a person (or a script)
 * looking at a running host without a program that holds the VM's file
 * descriptors. PID is the creating process, VMID the VM's id, the same
 * pair as in the id string of the VM's statistics file (stats.c), whose
 * names the summary uses. VM ids are never reused while the module is
 * loaded, so two VMs never ask for the same directory.
 *
 * debugfs is optional. Without CONFIG_DEBUG_FS its functions are stubs
 * that return error pointers, and with debugfs disabled at boot they
 * fail; either way a VM then has no directory, and nothing here can
 * make VM creation fail. debugfs_remove() and friends accept the error
 * pointers, so no caller needs to check.
 *
 * A summary read cannot race with the VM's destruction: the file is
 * removed first (minivm_vm_release()), and debugfs_remove() waits for
 * the reads in progress, after which the file's operations fail.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "minivm.h"

static struct dentry *minivm_debugfs_root;

static void show_stats(struct seq_file *m, bool vcpu, const void *stats)
{
	unsigned int i, n = minivm_stats_count(vcpu);

	for (i = 0; i < n; i++)
		seq_printf(m, " %s=%llu", minivm_stats_name(vcpu, i),
			   minivm_stats_value(vcpu, stats, i));
	seq_putc(m, '\n');
}

/*
 * Every statistic, as name=value pairs: a line "vm:" for the VM's own,
 * a line "vcpus:" with the sums over the vCPUs that exist now, and a line
 * "vcpuN:" for each of them. Each counter is read whole, but not all at
 * the same moment (stats.h).
 */
static int summary_show(struct seq_file *m, void *unused)
{
	struct minivm *vm = m->private;
	unsigned int i, n = minivm_stats_count(true);
	int id;

	seq_puts(m, "vm:");
	show_stats(m, false, &vm->stats);

	mutex_lock(&vm->vcpus_lock);
	seq_puts(m, "vcpus:");
	for (i = 0; i < n; i++) {
		u64 sum = 0;

		for (id = 0; id < MINIVM_MAX_VCPUS; id++)
			if (vm->vcpus[id])
				sum += minivm_stats_value(true,
							  &vm->vcpus[id]->stats,
							  i);
		seq_printf(m, " %s=%llu", minivm_stats_name(true, i), sum);
	}
	seq_putc(m, '\n');
	for (id = 0; id < MINIVM_MAX_VCPUS; id++) {
		if (!vm->vcpus[id])
			continue;
		seq_printf(m, "vcpu%d:", id);
		show_stats(m, true, &vm->vcpus[id]->stats);
	}
	mutex_unlock(&vm->vcpus_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(summary);

void minivm_debugfs_init(void)
{
	minivm_debugfs_root = debugfs_create_dir("minivm", NULL);
}

/* Module unload: no VM is left, so the directory is empty. */
void minivm_debugfs_exit(void)
{
	debugfs_remove(minivm_debugfs_root);
}

/* Before the VM's file descriptor exists: nothing can reach it yet. */
void minivm_debugfs_vm_add(struct minivm *vm)
{
	char name[48];

	vm->debugfs = ERR_PTR(-ENOENT);
	if (IS_ERR_OR_NULL(minivm_debugfs_root))
		return;
	snprintf(name, sizeof(name), "%d-%llu", vm->pid, vm->id);
	vm->debugfs = debugfs_create_dir(name, minivm_debugfs_root);
	debugfs_create_file("summary", 0444, vm->debugfs, vm, &summary_fops);
}

void minivm_debugfs_vm_remove(struct minivm *vm)
{
	debugfs_remove(vm->debugfs);
	vm->debugfs = NULL;
}
