// SPDX-License-Identifier: GPL-2.0
/*
 * minivm-run as a program: its exit status, stdout and stderr. Errors found
 * before /dev/minivm is opened are checked on the real static binary; the
 * rest on tests/minivm-run-fake, the same code linked against a scripted
 * stand-in for the module (tests/fake-minivm.c), so the VMM loop runs
 * without VMX. The real module is exercised by tests/minivm-run.sh in the
 * emulated VMX machine.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "options.h"
#include "test.h"

struct result {
	int status;		/* exit status, or -1 if killed */
	int signal;		/* the killing signal, or 0 */
	char out[8192];
	char err[8192];
};

static struct result res;

static void slurp(int fd, char *buf, size_t len)
{
	ssize_t n;
	size_t got = 0;

	lseek(fd, 0, SEEK_SET);
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
}

static int tmpfd(void)
{
	char path[] = "/tmp/minivm-run-vmm-XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

/*
 * Run @prog ("tool" or "fake", found next to the test binary) with the
 * NULL-terminated arguments, $MINIVM_FAKE=@scenario and, if @image is not
 * NULL, $MINIVM_FAKE_IMAGE=@image, and collect what it did in res.
 */
static void run_prog(const char *prog, const char *scenario, const char *image, ...)
{
	char *argv[16];
	char path[4096];
	int out = tmpfd(), err = tmpfd();
	int argc = 1, wstatus;
	va_list ap;
	pid_t pid;

	memset(&res, 0, sizeof(res));
	if (!strcmp(prog, "tool"))
		snprintf(path, sizeof(path), "%s/../minivm-run", test_dir);
	else
		snprintf(path, sizeof(path), "%s/minivm-run-fake", test_dir);
	argv[0] = "minivm-run";
	va_start(ap, image);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setenv("MINIVM_FAKE", scenario, 1);
		if (image)
			setenv("MINIVM_FAKE_IMAGE", image, 1);
		dup2(out, 1);
		dup2(err, 2);
		signal(SIGTERM, SIG_DFL);
		execv(path, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &wstatus, 0) != pid) {
		check_failed(__FILE__, __LINE__, "cannot run %s", path);
		res.status = -1;
		return;
	}
	res.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	res.signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	slurp(out, res.out, sizeof(res.out));
	slurp(err, res.err, sizeof(res.err));
	if (res.status == 127)
		check_failed(__FILE__, __LINE__, "cannot execute %s", path);
}

static char guest_path[4096];

static const char *guest(const char *name)
{
	snprintf(guest_path, sizeof(guest_path), "%s/../guests/%s", test_dir, name);
	return guest_path;
}

/* The error contract: exactly one line on stderr, with our prefix. */
#define CHECK_ONE_ERROR_LINE(needle)					\
	do {								\
		CHECK(!strncmp(res.err, "minivm-run: ", 12));		\
		CHECK(strchr(res.err, '\n') == res.err + strlen(res.err) - 1); \
		CHECK_CONTAINS(res.err, needle);			\
	} while (0)

static void vmm_help_version(void)
{
	run_prog("tool", "", NULL, "--help", NULL);
	CHECK_INT(res.status, 0);
	CHECK_CONTAINS(res.out, "Usage: minivm-run");
	CHECK_STR(res.err, "");
	run_prog("tool", "", NULL, "--version", NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.out, "minivm-run " MINIVM_RUN_VERSION " (minivm API version 1)\n");
	CHECK_STR(res.err, "");
}

static void vmm_usage_errors(void)
{
	run_prog("tool", "", NULL, NULL);
	CHECK_INT(res.status, 64);
	CHECK_ONE_ERROR_LINE("missing FLAT_BINARY");
	CHECK_STR(res.out, "");
	run_prog("tool", "", NULL, "-m", "12X", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 64);
	CHECK_ONE_ERROR_LINE("invalid memory size '12X'");
	run_prog("tool", "", NULL, "-m", "64K", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 64);
	CHECK_ONE_ERROR_LINE("at least 128K");
	run_prog("tool", "", NULL, "--frobnicate", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 64);
	CHECK_ONE_ERROR_LINE("unknown option '--frobnicate'");
}

static void vmm_image_errors(void)
{
	char empty[] = "/tmp/minivm-run-empty-XXXXXX";
	int fd;

	run_prog("tool", "", NULL, "/nonexistent/guest.bin", NULL);
	CHECK_INT(res.status, 66);
	CHECK_ONE_ERROR_LINE("cannot open '/nonexistent/guest.bin': No such file or directory");
	run_prog("tool", "", NULL, "/", NULL);
	CHECK_INT(res.status, 66);
	CHECK_ONE_ERROR_LINE("Is a directory");

	run_prog("tool", "", NULL, "-m", "128K", guest("big.bin"), NULL);
	CHECK_INT(res.status, 65);
	CHECK_ONE_ERROR_LINE("is 65537 bytes, but only 65536 fit");

	fd = mkstemp(empty);
	CHECK(fd >= 0);
	close(fd);
	run_prog("tool", "", NULL, empty, NULL);
	CHECK_INT(res.status, 65);
	CHECK_ONE_ERROR_LINE("is empty");
	unlink(empty);
}

static void vmm_image_loaded(void)
{
	/* 132K: the 64K + 1 image fits now and reaches the (fake) module. */
	run_prog("fake", "", guest("big.bin"), "-m", "132K", guest("big.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	run_prog("fake", "", guest("hello.bin"), guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
}

static void vmm_device_errors(void)
{
	run_prog("fake", "absent", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 69);
	CHECK_ONE_ERROR_LINE("cannot open /dev/minivm: No such file or directory");
	CHECK_CONTAINS(res.err, "insmod minivm.ko");
	run_prog("fake", "version", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("API version mismatch: the module has 2, minivm-run was built for 1");
	run_prog("fake", "nocap", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("MINIVM_CAP_USER_MEMORY");
	run_prog("fake", "noreal", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("MINIVM_CAP_UNRESTRICTED_GUEST");
	run_prog("fake", "busy", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("kvm_intel");
}

static void vmm_io_loop(void)
{
	run_prog("fake", "io", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.out, "ok\n");
	CHECK_STR(res.err, "");

	run_prog("fake", "io", NULL, "-v", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.out, "ok\n");
	CHECK_CONTAINS(res.err, "minivm-run: exit IO in port 0x4000 size 4 data 0xffffffff (unclaimed port)\n");
	CHECK_CONTAINS(res.err, "minivm-run: exit IO out port 0x03f8 size 1 data 0x6f\n");
	CHECK_CONTAINS(res.err, "minivm-run: exit HLT\n");
	CHECK(!strstr(res.err, "fake-minivm"));
}

static void vmm_debug_exit(void)
{
	run_prog("fake", "debug-exit", NULL, guest("debug-exit.bin"), NULL);
	CHECK_INT(res.status, 85);
	CHECK_STR(res.out, "");
	CHECK_STR(res.err, "");
}

static void vmm_signals(void)
{
	run_prog("fake", "eintr", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");

	run_prog("fake", "sigterm", NULL, guest("spin.bin"), NULL);
	CHECK_INT(res.signal, SIGTERM);
	CHECK_STR(res.err, "");
}

/*
 * SIGTERM while the vCPU is in the guest (the fake's RUN sleeps until a
 * signal): the handler must stop the loop and minivm-run die of SIGTERM.
 */
static void vmm_sigterm_spinning(void)
{
	char path[4096];
	int err = tmpfd(), wstatus = 0, i;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/minivm-run-fake", test_dir);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setenv("MINIVM_FAKE", "spin", 1);
		dup2(err, 2);
		execl(path, "minivm-run", "-v", guest("spin.bin"), (char *)NULL);
		_exit(127);
	}
	/* Wait until the handlers are in and RUN is entered. */
	for (i = 0; i < 500; i++) {
		char buf[4096] = "";

		if (pread(err, buf, sizeof(buf) - 1, 0) > 0 && strstr(buf, "running the guest"))
			break;
		usleep(10000);
	}
	usleep(50000);
	kill(pid, SIGTERM);
	waitpid(pid, &wstatus, 0);
	CHECK(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGTERM);
	slurp(err, res.err, sizeof(res.err));
	CHECK_CONTAINS(res.err, "minivm-run: stopped by signal 15");
}

static void vmm_guest_crashes(void)
{
	run_prog("fake", "shutdown", NULL, guest("triple-fault.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_ONE_ERROR_LINE("guest stopped: triple fault (SHUTDOWN) at CS:IP 1000:1234");
	run_prog("fake", "fail-entry", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_ONE_ERROR_LINE("hardware reason 0x80000021, basic reason 33 (INVALID_STATE)");
	run_prog("fake", "internal", NULL, guest("outs.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_ONE_ERROR_LINE("VMX exit reason 18 (VMCALL)");
	run_prog("fake", "unknown-exit", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_ONE_ERROR_LINE("unexpected exit reason 99");
}

static void vmm_run_failures(void)
{
	run_prog("fake", "eio", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("MINIVM_RUN: Input/output error");
	run_prog("fake", "malformed", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("malformed I/O exit");
}

const struct test vmm_tests[] = {
	{ "vmm: --help and --version", vmm_help_version },
	{ "vmm: usage errors exit 64 with one line", vmm_usage_errors },
	{ "vmm: unreadable 66, too large or empty 65", vmm_image_errors },
	{ "vmm: image loaded at 0x10000, boot state set (fake module)", vmm_image_loaded },
	{ "vmm: no device 69, API/capability/busy 71 (fake module)", vmm_device_errors },
	{ "vmm: I/O exits, IN completion, -v trace (fake module)", vmm_io_loop },
	{ "vmm: debug-exit status 85 (fake module)", vmm_debug_exit },
	{ "vmm: EINTR retried, SIGTERM ends the run (fake module)", vmm_signals },
	{ "vmm: SIGTERM stops a vCPU waiting in RUN (fake module)", vmm_sigterm_spinning },
	{ "vmm: guest crashes exit 70 with one line (fake module)", vmm_guest_crashes },
	{ "vmm: RUN errors and malformed exits exit 71 (fake module)", vmm_run_failures },
	{ NULL, NULL },
};
