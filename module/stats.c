// SPDX-License-Identifier: GPL-2.0
/*
 * Binary statistics files (MINIVM_GET_STATS_FD on a VM, and
 * MINIVM_GET_VCPU_STATS_FD on a vCPU), in the format of KVM's
 * KVM_GET_STATS_FD: a header, an id string, a descriptor per statistic
 * that names it and says what kind of value it is, then the values. A
 * reader needs no table of names, and one reader reads minivm's files
 * and KVM's alike.
 *
 * The layout of a file (Documentation/api.rst, 6.12):
 *
 *   0              struct minivm_stats_header
 *   id_offset      the id string, MINIVM_STATS_NAME_SIZE bytes
 *   desc_offset    num_desc descriptors of
 *                  sizeof(struct minivm_stats_desc) + NAME_SIZE bytes each
 *   data_offset    the counters, u64 each: struct minivm_vm_stats or
 *                  struct minivm_vcpu_stats as it is in memory
 *
 * Everything before the data is built once, at module load, for each of
 * the two kinds of file; the backend's exit classes are only known then.
 * Only the data changes: each read copies the counters it returns with
 * READ_ONCE() (stats.h says why that is enough).
 *
 * Lifetime: a VM's file holds a reference on the VM, and a vCPU's file
 * holds the vCPU's own file open, so both stay readable after the VM or
 * vCPU file descriptor is closed.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "minivm.h"

/*
 * A descriptor as it is in the file: struct minivm_stats_desc with its
 * name. The uapi structure ends in a flexible array, so it cannot be an
 * element of an array itself; this one has the same layout (checked
 * below) with the name's room spelled out.
 */
struct stats_desc {
	u32 flags;
	s16 exponent;
	u16 size;
	u32 offset;
	u32 bucket_size;
	char name[MINIVM_STATS_NAME_SIZE];
};

static_assert(offsetof(struct stats_desc, flags) ==
	      offsetof(struct minivm_stats_desc, flags));
static_assert(offsetof(struct stats_desc, exponent) ==
	      offsetof(struct minivm_stats_desc, exponent));
static_assert(offsetof(struct stats_desc, size) ==
	      offsetof(struct minivm_stats_desc, size));
static_assert(offsetof(struct stats_desc, offset) ==
	      offsetof(struct minivm_stats_desc, offset));
static_assert(offsetof(struct stats_desc, bucket_size) ==
	      offsetof(struct minivm_stats_desc, bucket_size));
static_assert(offsetof(struct stats_desc, name) ==
	      sizeof(struct minivm_stats_desc));
static_assert(sizeof(struct stats_desc) ==
	      sizeof(struct minivm_stats_desc) + MINIVM_STATS_NAME_SIZE);
/* so that every descriptor and the data block are 8-byte aligned */
static_assert(MINIVM_STATS_NAME_SIZE % 8 == 0);
static_assert(sizeof(struct minivm_stats_header) % 8 == 0);

/* The counters are read as an array of u64 (the data block). */
#define STATS_WORDS(type)	(sizeof(type) / sizeof(u64))
static_assert(sizeof(struct minivm_vcpu_stats) % sizeof(u64) == 0);
static_assert(sizeof(struct minivm_vm_stats) % sizeof(u64) == 0);
static_assert(sizeof(struct minivm_vm_stats) <=
	      sizeof(struct minivm_vcpu_stats));
#define STATS_MAX_WORDS		STATS_WORDS(struct minivm_vcpu_stats)

/* A statistic of the generic code: one u64 counter. */
struct stats_field {
	const char *name;
	u32 flags;
	s16 exponent;
	u32 offset;
};

#define STAT(kind, field, type, unit, exp) {				\
	.name		= #field,					\
	.flags		= MINIVM_STATS_TYPE_##type |			\
			  MINIVM_STATS_UNIT_##unit |			\
			  MINIVM_STATS_BASE_POW10,			\
	.exponent	= exp,						\
	.offset		= offsetof(struct minivm_##kind##_stats, field),\
}

#define VCPU_COUNTER(field)	STAT(vcpu, field, CUMULATIVE, NONE, 0)
#define VM_INSTANT(field)	STAT(vm, field, INSTANT, NONE, 0)

/* In the order of struct minivm_vcpu_stats, which is the data's order. */
static const struct stats_field vcpu_fields[] = {
	VCPU_COUNTER(exits),
	VCPU_COUNTER(userspace_exits),
	VCPU_COUNTER(io_exits),
	VCPU_COUNTER(mmio_exits),
	VCPU_COUNTER(hlt_exits),
	VCPU_COUNTER(msr_exits),
	VCPU_COUNTER(shutdown_exits),
	VCPU_COUNTER(fail_entry_exits),
	VCPU_COUNTER(internal_error_exits),
	VCPU_COUNTER(signal_exits),
	VCPU_COUNTER(halts_in_kernel),
	VCPU_COUNTER(halt_wakeup),
	STAT(vcpu, halt_wait_ns, CUMULATIVE, SECONDS, -9),
	VCPU_COUNTER(irq_injections),
	VCPU_COUNTER(nmi_injections),
	VCPU_COUNTER(exception_injections),
	VCPU_COUNTER(event_reinjections),
	VCPU_COUNTER(mmio_in_kernel),
	VCPU_COUNTER(ipis_sent),
};

/* A counter added to the structure but not here would be unnamed. */
static_assert(ARRAY_SIZE(vcpu_fields) ==
	      offsetof(struct minivm_vcpu_stats, exits_by_class) / sizeof(u64));

static const struct stats_field vm_fields[] = {
	STAT(vm, dead, INSTANT, BOOLEAN, 0),
	VM_INSTANT(vcpus),
	VM_INSTANT(memslots),
	VM_INSTANT(pages_mapped),
	STAT(vm, pages_mapped_peak, PEAK, NONE, 0),
	VM_INSTANT(mmu_table_pages),
	STAT(vm, remote_tlb_flush, CUMULATIVE, NONE, 0),
	STAT(vm, irq_deliveries, CUMULATIVE, NONE, 0),
};

static_assert(ARRAY_SIZE(vm_fields) == STATS_WORDS(struct minivm_vm_stats));

/* What all files of one kind (VM or vCPU) share. */
struct stats_kind {
	struct minivm_stats_header hdr;
	struct stats_desc *desc;	/* hdr.num_desc of them */
	u32 data_size;			/* bytes of the data block */
};

static struct stats_kind vm_kind, vcpu_kind;

static void fill_desc(struct stats_desc *d, const char *prefix,
		      const char *name, u32 flags, s16 exponent, u32 offset)
{
	d->flags = flags;
	d->exponent = exponent;
	d->size = 1;
	d->offset = offset;
	d->bucket_size = 0;
	snprintf(d->name, sizeof(d->name), "%s%s", prefix, name);
}

/*
 * The descriptors of one kind: the generic @fields, then, for vCPUs, the
 * backend's exit classes (the tail of struct minivm_vcpu_stats).
 */
static int build_kind(struct stats_kind *k, const struct stats_field *fields,
		      unsigned int nr_fields, unsigned int nr_classes)
{
	const char *const *classes = minivm_backend->exit_class_names;
	unsigned int i, j, n = nr_fields + nr_classes;

	k->desc = kcalloc(n, sizeof(*k->desc), GFP_KERNEL);
	if (!k->desc)
		return -ENOMEM;
	for (i = 0; i < nr_fields; i++)
		fill_desc(&k->desc[i], "", fields[i].name, fields[i].flags,
			  fields[i].exponent, fields[i].offset);
	for (i = 0; i < nr_classes; i++)
		fill_desc(&k->desc[nr_fields + i], "vmexit_", classes[i],
			  MINIVM_STATS_TYPE_CUMULATIVE |
			  MINIVM_STATS_UNIT_NONE | MINIVM_STATS_BASE_POW10, 0,
			  offsetof(struct minivm_vcpu_stats,
				   exits_by_class[i]));

	/* A reader may rely on unique names that fit: hold the backend to it. */
	for (i = 0; i < n; i++) {
		if (strlen(k->desc[i].name) + 1 >= sizeof(k->desc[i].name))
			goto bad_name;
		for (j = 0; j < i; j++)
			if (!strcmp(k->desc[i].name, k->desc[j].name))
				goto bad_name;
	}

	k->hdr.flags = 0;
	k->hdr.name_size = MINIVM_STATS_NAME_SIZE;
	k->hdr.num_desc = n;
	k->hdr.id_offset = sizeof(k->hdr);
	k->hdr.desc_offset = k->hdr.id_offset + MINIVM_STATS_NAME_SIZE;
	k->hdr.data_offset = k->hdr.desc_offset + n * sizeof(*k->desc);
	return 0;

bad_name:
	pr_err(MINIVM_PREFIX "statistic '%s' is too long or not unique\n",
	       k->desc[i].name);
	kfree(k->desc);
	k->desc = NULL;
	return -EINVAL;
}

/* Module load, after the backend's probe. */
int minivm_stats_init(void)
{
	unsigned int nr_classes = minivm_backend->nr_exit_classes;
	int ret;

	if (WARN_ON(nr_classes > MINIVM_MAX_EXIT_CLASSES))
		return -EINVAL;
	ret = build_kind(&vm_kind, vm_fields, ARRAY_SIZE(vm_fields), 0);
	if (ret)
		return ret;
	vm_kind.data_size = sizeof(struct minivm_vm_stats);

	ret = build_kind(&vcpu_kind, vcpu_fields, ARRAY_SIZE(vcpu_fields),
			 nr_classes);
	if (ret) {
		kfree(vm_kind.desc);
		return ret;
	}
	vcpu_kind.data_size = offsetof(struct minivm_vcpu_stats,
				       exits_by_class[nr_classes]);
	return 0;
}

/* Module unload: every file is closed (each holds a module reference). */
void minivm_stats_exit(void)
{
	kfree(vm_kind.desc);
	kfree(vcpu_kind.desc);
}

static const struct stats_kind *kind_of(bool vcpu)
{
	return vcpu ? &vcpu_kind : &vm_kind;
}

unsigned int minivm_stats_count(bool vcpu)
{
	return kind_of(vcpu)->hdr.num_desc;
}

const char *minivm_stats_name(bool vcpu, unsigned int i)
{
	return kind_of(vcpu)->desc[i].name;
}

u64 minivm_stats_value(bool vcpu, const void *stats, unsigned int i)
{
	const u64 *words = stats;

	return READ_ONCE(words[kind_of(vcpu)->desc[i].offset / sizeof(u64)]);
}

void minivm_stats_run_return(struct minivm_vcpu *vcpu, int ret)
{
	struct minivm_vcpu_stats *s = &vcpu->stats;

	if (ret == -EINTR) {
		minivm_stat_inc(&s->signal_exits);
		return;
	}
	if (ret)
		return;
	minivm_stat_inc(&s->userspace_exits);
	switch (vcpu->run->exit_reason) {
	case MINIVM_EXIT_IO:
		minivm_stat_inc(&s->io_exits);
		break;
	case MINIVM_EXIT_MMIO:
		minivm_stat_inc(&s->mmio_exits);
		break;
	case MINIVM_EXIT_HLT:
		minivm_stat_inc(&s->hlt_exits);
		break;
	case MINIVM_EXIT_X86_RDMSR:
	case MINIVM_EXIT_X86_WRMSR:
		minivm_stat_inc(&s->msr_exits);
		break;
	case MINIVM_EXIT_SHUTDOWN:
		minivm_stat_inc(&s->shutdown_exits);
		break;
	case MINIVM_EXIT_FAIL_ENTRY:
		minivm_stat_inc(&s->fail_entry_exits);
		break;
	case MINIVM_EXIT_INTERNAL_ERROR:
		minivm_stat_inc(&s->internal_error_exits);
		break;
	}
}

void minivm_stats_mapped(struct minivm *vm, long delta)
{
	struct minivm_vm_stats *s = &vm->stats;

	minivm_stat_add(&s->pages_mapped, delta);
	if (s->pages_mapped > s->pages_mapped_peak)
		WRITE_ONCE(s->pages_mapped_peak, s->pages_mapped);
}

/* One open statistics file. */
struct stats_file {
	const struct stats_kind *kind;
	const u64 *data;		/* the counters */
	struct minivm *vm;		/* a VM's file: the VM, held */
	struct file *vcpu_file;		/* a vCPU's file: the vCPU's, held */
	char id[MINIVM_STATS_NAME_SIZE];
};

static loff_t stats_size(const struct stats_kind *k)
{
	return (loff_t)k->hdr.data_offset + k->data_size;
}

/*
 * The file is read as if it were one buffer made of these pieces, in
 * file order and back to back; the data is a copy taken for this read.
 */
struct stats_piece {
	loff_t start;
	size_t size;
	const void *src;
};

static ssize_t stats_read(struct file *file, char __user *buf, size_t len,
			  loff_t *ppos)
{
	struct stats_file *sf = file->private_data;
	const struct stats_kind *k = sf->kind;
	u64 data[STATS_MAX_WORDS];
	const struct stats_piece pieces[] = {
		{ 0, sizeof(k->hdr), &k->hdr },
		{ k->hdr.id_offset, sizeof(sf->id), sf->id },
		{ k->hdr.desc_offset, k->hdr.num_desc * sizeof(*k->desc),
		  k->desc },
		{ k->hdr.data_offset, k->data_size, data },
	};
	loff_t pos = *ppos;
	size_t done = 0;
	unsigned int i;

	if (pos < 0)
		return -EINVAL;
	for (i = 0; i < k->data_size / sizeof(u64); i++)
		data[i] = READ_ONCE(sf->data[i]);

	for (i = 0; i < ARRAY_SIZE(pieces) && done < len; i++) {
		const struct stats_piece *p = &pieces[i];
		size_t n;

		if (pos < p->start || pos >= p->start + (loff_t)p->size)
			continue;
		n = min_t(size_t, len - done, p->start + p->size - pos);
		if (copy_to_user(buf + done, p->src + (pos - p->start), n))
			return -EFAULT;
		done += n;
		pos += n;
	}
	*ppos = pos;
	return done;
}

static loff_t stats_llseek(struct file *file, loff_t offset, int whence)
{
	struct stats_file *sf = file->private_data;

	return fixed_size_llseek(file, offset, whence, stats_size(sf->kind));
}

static int stats_release(struct inode *inode, struct file *file)
{
	struct stats_file *sf = file->private_data;

	if (sf->vm)
		minivm_vm_put(sf->vm);
	if (sf->vcpu_file)
		fput(sf->vcpu_file);
	kfree(sf);
	return 0;
}

/* No write, mmap or ioctl: write() fails with EBADF, mmap() with ENODEV. */
static const struct file_operations stats_fops = {
	.owner		= THIS_MODULE,
	.read		= stats_read,
	.llseek		= stats_llseek,
	.release	= stats_release,
};

/* The file for @sf, which it owns from here on if this succeeds. */
static long stats_install(struct stats_file *sf, const char *name)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = anon_inode_getfile(name, &stats_fops, sf, O_RDONLY);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	/* anon_inode_getfile() leaves pread() off (ESPIPE); KVM's does so too */
	file->f_mode |= FMODE_PREAD;
	fd_install(fd, file);
	return fd;
}

long minivm_vm_stats_fd(struct minivm *vm)
{
	struct stats_file *sf;
	long ret;

	sf = kzalloc(sizeof(*sf), GFP_KERNEL_ACCOUNT);
	if (!sf)
		return -ENOMEM;
	sf->kind = &vm_kind;
	sf->data = (const u64 *)&vm->stats;
	snprintf(sf->id, sizeof(sf->id), "minivm-%d-%llu", vm->pid, vm->id);
	minivm_vm_get(vm);
	sf->vm = vm;

	ret = stats_install(sf, "minivm-vm-stats");
	if (ret < 0) {
		minivm_vm_put(vm);
		kfree(sf);
	}
	return ret;
}

/*
 * A vCPU has no reference count of its own: it lives as long as its file
 * is open (vcpu.c). So the statistics file holds that file, exactly as a
 * mapping of the run area does.
 */
long minivm_vcpu_stats_fd(struct minivm_vcpu *vcpu, struct file *vcpu_file)
{
	struct stats_file *sf;
	long ret;

	sf = kzalloc(sizeof(*sf), GFP_KERNEL_ACCOUNT);
	if (!sf)
		return -ENOMEM;
	sf->kind = &vcpu_kind;
	sf->data = (const u64 *)&vcpu->stats;
	snprintf(sf->id, sizeof(sf->id), "minivm-%d-%llu/vcpu-%u",
		 vcpu->vm->pid, vcpu->vm->id, vcpu->id);
	sf->vcpu_file = get_file(vcpu_file);

	ret = stats_install(sf, "minivm-vcpu-stats");
	if (ret < 0) {
		fput(vcpu_file);
		kfree(sf);
	}
	return ret;
}
