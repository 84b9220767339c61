// SPDX-License-Identifier: GPL-2.0
/*
 * minivm module lifetime: unloading is refused while any minivm file
 * descriptor or run-area mapping exists (each holds a reference on the
 * module), with the kernel's EAGAIN ("Resource temporarily unavailable"),
 * and succeeds once the last one is gone; the module then loads and
 * unloads again and again, running a guest each time.
 *
 * The test unloads and reloads minivm.ko itself, so it needs the module
 * file: $MINIVM_KO, else /minivm/minivm.ko (where the rig puts it). It
 * leaves the module loaded, as it found it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "minivm_util.h"

#define LOAD_CYCLES	20

GUEST_CODE16(hlt_once,
	     "	hlt\n\t");

static const char *module_path(void)
{
	const char *p = getenv("MINIVM_KO");

	return p && *p ? p : "/minivm/minivm.ko";
}

/* delete_module(2) as rmmod calls it; returns 0 or an errno. */
static int unload(void)
{
	return syscall(SYS_delete_module, "minivm", O_NONBLOCK) ? errno : 0;
}

/* finit_module(2) of the module file; returns 0 or an errno. */
static int load(void)
{
	int fd = open(module_path(), O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		ret = errno;
	close(fd);
	return ret;
}

static bool loaded(void)
{
	return access("/sys/module/minivm", F_OK) == 0;
}

/* Whatever happened in a test, the next one finds minivm loaded. */
static void ensure_loaded(void)
{
	if (!loaded())
		load();
}

FIXTURE(unload) {
	struct minivm_vm *vm;
};

FIXTURE_SETUP(unload)
{
	MINIVM_REQUIRE();
	if (geteuid() != 0)
		SKIP(return, "unloading a module needs root");
	if (access(module_path(), R_OK))
		SKIP(return, "no module file at %s (set MINIVM_KO)", module_path());
}

FIXTURE_TEARDOWN(unload)
{
	vm_free(self->vm);
	ensure_loaded();
}

/*
 * Each kind of reference, held alone, keeps the module: /dev/minivm, a
 * VM fd, a vCPU fd, and a run-area mapping whose fd is closed.
 */
TEST_F(unload, refused_while_in_use)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;

	vm = vm_create_guest(GUEST(hlt_once), &vcpu);
	self->vm = vm;
	EXPECT_EQ(EAGAIN, unload()) TH_LOG("/dev/minivm, VM and vCPU fds open");

	close(vm->dev_fd);
	vm->dev_fd = -1;
	EXPECT_EQ(EAGAIN, unload()) TH_LOG("VM and vCPU fds open");

	close(vm->fd);
	vm->fd = -1;
	EXPECT_EQ(EAGAIN, unload()) TH_LOG("vCPU fd open");
	/* The VM lives on through its vCPU. */
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);

	close(vcpu->fd);
	vcpu->fd = -1;
	EXPECT_EQ(EAGAIN, unload()) TH_LOG("run area mapped");

	munmap(vcpu->run, vcpu->run_size);
	vcpu->run = NULL;
	ASSERT_EQ(0, unload()) TH_LOG("nothing open: unload must work");
	EXPECT_FALSE(loaded());
	EXPECT_NE(0, access("/dev/minivm", F_OK)) TH_LOG("/dev/minivm left behind");
	ASSERT_EQ(0, load());
	EXPECT_TRUE(minivm_present());
}

/*
 * Unload, load, create a VM and run it to its HLT, a number of times.
 * 20 cycles take seconds, but over 2 minutes on the rig's debug kernel
 * (a module load under KASAN and lockdep): hence the generous limit.
 */
TEST_F_TIMEOUT(unload, load_unload_cycles, 600)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	int i, err;

	for (i = 0; i < LOAD_CYCLES; i++) {
		err = unload();
		ASSERT_EQ(0, err) TH_LOG("cycle %d: unload: %s", i, errno_name(err));
		err = load();
		ASSERT_EQ(0, err) TH_LOG("cycle %d: load: %s", i, errno_name(err));
		vm = vm_create_guest(GUEST(hlt_once), &vcpu);
		self->vm = vm;
		ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
		vm_free(vm);
		self->vm = NULL;
	}
	TH_LOG("%d unload/load cycles, a guest run in each", LOAD_CYCLES);
}

/* A second load of a loaded module is the kernel's EEXIST. */
TEST_F(unload, load_twice_is_eexist)
{
	EXPECT_EQ(EEXIST, load());
	EXPECT_TRUE(loaded());
}

TEST_HARNESS_MAIN
