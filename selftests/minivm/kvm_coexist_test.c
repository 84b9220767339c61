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
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

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

TEST_HARNESS_MAIN
