// SPDX-License-Identifier: GPL-2.0
/*
 * minivm and kvm_intel cannot both own VMX. This checks that each refuses
 * cleanly (EBUSY) while the other holds it, and works again once the other
 * lets go. Needs /dev/kvm (kvm_intel loaded) as well as /dev/minivm, and
 * skips otherwise.
 *
 * Linux 6.1's kvm_intel turns VMX on when its first VM is created and off
 * when its last VM goes (hardware_enable_all()/hardware_disable_all() in
 * virt/kvm/kvm_main.c); KVM_CREATE_VM fails with EBUSY when VMX is already
 * on (vmx_hardware_enable() checks CR4.VMXE in the CR4 shadow). From 6.12
 * kvm_intel turns VMX on at load time by default (kvm.enable_virt_at_load),
 * so minivm can create no VM at all while it is loaded: the tests check
 * that case for what it is.
 *
 * kvm_reloaded_under_a_minivm_vm unloads and reloads KVM, so it runs only
 * where MINIVM_TEST_KVM_MODULES names the directory of KVM's modules (the
 * rig's init sets it; a developer's KVM is not unloaded by surprise).
 */
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/kvm.h>

#include "kselftest_harness.h"
#include "minivm_util.h"

#define KVM_DEV "/dev/kvm"

FIXTURE(coexist) {
	int kvm_fd;
	int dev_fd;
};

FIXTURE_SETUP(coexist)
{
	struct stat st;

	MINIVM_REQUIRE();
	if (stat(KVM_DEV, &st) && errno == ENOENT)
		SKIP(longjmp(_metadata->env, 1), KVM_DEV " not present (kvm_intel not loaded)");
	self->kvm_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->kvm_fd, 0) TH_LOG("open(%s): %s", KVM_DEV, strerror(errno));
	ASSERT_EQ(KVM_API_VERSION, ioctl(self->kvm_fd, KVM_GET_API_VERSION, 0));
	self->dev_fd = minivm_open();
}

FIXTURE_TEARDOWN(coexist)
{
	close(self->kvm_fd);
	close(self->dev_fd);
}

/* A minivm VM that runs a guest to its HLT, to show minivm really works. */
GUEST_CODE16(hlt, "hlt\n\t");

/* HLT, again and again: each RUN ends with one. */
GUEST_CODE16(hlt_loop,
	     "1:	hlt\n\t"
	     "	jmp 1b\n\t");

static void minivm_runs(struct __test_metadata *_metadata)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm = vm_create_guest(GUEST(hlt), &vcpu);

	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	vm_free(vm);
}

TEST_F(coexist, kvm_vm_blocks_minivm)
{
	int vm_fd, kvm_vm;

	vm_fd = ioctl(self->dev_fd, MINIVM_CREATE_VM, 0);
	if (vm_fd < 0) {
		ASSERT_EQ(EBUSY, errno) TH_LOG("MINIVM_CREATE_VM: %s", errno_name(errno));
		TH_LOG("kvm_intel holds VMX with no KVM VM (enabled at load, 6.12+)");
		kvm_vm = ioctl(self->kvm_fd, KVM_CREATE_VM, 0);
		ASSERT_GE(kvm_vm, 0) TH_LOG("KVM_CREATE_VM: %s", errno_name(errno));
		EXPECT_ERRNO(EBUSY, ioctl(self->dev_fd, MINIVM_CREATE_VM, 0));
		close(kvm_vm);
		EXPECT_ERRNO(EBUSY, ioctl(self->dev_fd, MINIVM_CREATE_VM, 0));
		return;
	}
	close(vm_fd);

	/* A KVM VM turns VMX on: minivm must say EBUSY, not crash. */
	kvm_vm = ioctl(self->kvm_fd, KVM_CREATE_VM, 0);
	ASSERT_GE(kvm_vm, 0) TH_LOG("KVM_CREATE_VM: %s", errno_name(errno));
	EXPECT_ERRNO(EBUSY, ioctl(self->dev_fd, MINIVM_CREATE_VM, 0));
	EXPECT_ERRNO(EBUSY, ioctl(self->dev_fd, MINIVM_CREATE_VM, 0));

	/* The last KVM VM gone, VMX is free again. */
	ASSERT_EQ(0, close(kvm_vm));
	vm_fd = ioctl(self->dev_fd, MINIVM_CREATE_VM, 0);
	ASSERT_GE(vm_fd, 0) TH_LOG("MINIVM_CREATE_VM after the KVM VM closed: %s",
				   errno_name(errno));
	close(vm_fd);
	minivm_runs(_metadata);
}

TEST_F(coexist, minivm_vm_blocks_kvm)
{
	int vm_fd, kvm_vm;

	vm_fd = ioctl(self->dev_fd, MINIVM_CREATE_VM, 0);
	if (vm_fd < 0 && errno == EBUSY)
		SKIP(return, "kvm_intel holds VMX since it loaded (6.12+ enable_virt_at_load): no minivm VM can exist next to it");
	ASSERT_GE(vm_fd, 0) TH_LOG("MINIVM_CREATE_VM: %s", errno_name(errno));

	/*
	 * VMX is minivm's: KVM_CREATE_VM fails, with EBUSY on 6.1 (its
	 * hardware_enable sees CR4.VMXE) and EIO on 6.12 (the same refusal,
	 * reported through the CPU hotplug state that enables VMX).
	 */
	errno = 0;
	kvm_vm = ioctl(self->kvm_fd, KVM_CREATE_VM, 0);
	EXPECT_EQ(-1, kvm_vm);
	EXPECT_TRUE(errno == EBUSY || errno == EIO)
		TH_LOG("KVM_CREATE_VM while minivm holds VMX: %s", errno_name(errno));
	if (kvm_vm >= 0)
		close(kvm_vm);

	/* minivm still works meanwhile. */
	minivm_runs(_metadata);

	/* The last minivm VM gone, KVM can have VMX. */
	ASSERT_EQ(0, close(vm_fd));
	kvm_vm = ioctl(self->kvm_fd, KVM_CREATE_VM, 0);
	ASSERT_GE(kvm_vm, 0) TH_LOG("KVM_CREATE_VM after the minivm VM closed: %s",
				    errno_name(errno));
	close(kvm_vm);
	/* and back */
	minivm_runs(_metadata);
}

/* finit_module(2) of @path with the parameters in its .args file, if any. */
static int load_module(const char *path)
{
	char args[256] = "", args_path[512];
	size_t len = strlen(path);
	FILE *f;
	int fd, ret;

	snprintf(args_path, sizeof(args_path), "%.*s.args", (int)(len - 3), path);
	f = fopen(args_path, "r");
	if (f) {
		if (!fgets(args, sizeof(args), f))
			args[0] = '\0';
		args[strcspn(args, "\n")] = '\0';
		fclose(f);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ret = syscall(SYS_finit_module, fd, args, 0) ? errno : 0;
	close(fd);
	return ret;
}

static int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

/*
 * The kernel has one emergency callback for crash dumps and emergency
 * restarts, which kvm_intel registers and which minivm holds while it has
 * VMX and kvm.ko is not loaded (module/emergency.c); a second
 * registration WARNs, and any WARN fails the tier. So with a minivm VM
 * alive: kvm_intel and kvm unloaded (minivm takes the callback), loaded
 * again (minivm lets go before KVM's code runs; 6.1's kvm_intel registers
 * its own at load), and minivm's guest runs throughout.
 */
TEST(kvm_reloaded_under_a_minivm_vm)
{
	const char *dir = getenv("MINIVM_TEST_KVM_MODULES");
	char pattern[256];
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	int kvm_fd, kvm_vm;
	glob_t mods;
	size_t i;

	MINIVM_REQUIRE();
	if (!dir)
		SKIP(return, "MINIVM_TEST_KVM_MODULES not set: KVM is not unloaded here");
	snprintf(pattern, sizeof(pattern), "%s/*kvm*.ko", dir);
	ASSERT_EQ(0, glob(pattern, 0, NULL, &mods)) TH_LOG("no %s", pattern);

	vm = vm_create_guest(GUEST(hlt_loop), &vcpu);
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	ASSERT_EQ(0, unload_module("kvm_intel"));
	ASSERT_EQ(0, unload_module("kvm"));
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	/* in glob's order: N-kvm.ko before N+1-kvm-intel.ko */
	for (i = 0; i < mods.gl_pathc; i++)
		ASSERT_EQ(0, load_module(mods.gl_pathv[i]))
			TH_LOG("finit_module(%s)", mods.gl_pathv[i]);
	globfree(&mods);
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
	vm_free(vm);

	/* KVM works again, once minivm lets go of VMX. */
	kvm_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, kvm_fd) TH_LOG("open(%s): %s", KVM_DEV, strerror(errno));
	kvm_vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	ASSERT_LE(0, kvm_vm) TH_LOG("KVM_CREATE_VM: %s", errno_name(errno));
	close(kvm_vm);
	close(kvm_fd);
}

TEST_HARNESS_MAIN
