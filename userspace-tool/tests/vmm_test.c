// SPDX-License-Identifier: GPL-2.0
/*
 * minivm-run as a program: its exit status, stdout and stderr. Errors found
 * before /dev/minivm is opened are checked on the real static binary; the
 * rest on tests/minivm-run-fake, the same code linked against a scripted
 * stand-in for the module (tests/fake-minivm.c), so the VMM loop runs
 * without VMX. The real module is exercised by tests/minivm-run.sh in the
 * emulated VMX machine.
 */
#define _GNU_SOURCE	/* posix_openpt() and friends */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "boot/le.h"
#include "images.h"
#include "options.h"
#include "test.h"

struct result {
	int status;		/* exit status, or -1 if killed */
	int signal;		/* the killing signal, or 0 */
	char out[8192];
	char err[8192];
};

static struct result res;
/* The child's stdin for the next run_prog(): this fd, or /dev/null if -1. */
static int child_stdin = -1;

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
 * Run @prog ("tool", "fake" or "fake-kvm", found next to the test binary) with the
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
	else if (!strcmp(prog, "fake-kvm"))
		snprintf(path, sizeof(path), "%s/minivm-run-fake-kvm", test_dir);
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
		if (child_stdin >= 0) {
			dup2(child_stdin, 0);
		} else {
			/* Never the terminal the tests run on: raw mode would be ours. */
			int null = open("/dev/null", O_RDONLY);

			dup2(null, 0);
		}
		dup2(out, 1);
		dup2(err, 2);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		/* A scenario that hangs fails (SIGALRM) instead of the whole run. */
		alarm(60);
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
	CHECK_ONE_ERROR_LINE("missing FLAT_BINARY or --kernel FILE");
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

/* --accel kvm: accel/kvm.c against tests/fake-kvm.c. */
static void vmm_kvm_setup_errors(void)
{
	run_prog("fake-kvm", "absent", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 69);
	CHECK_ONE_ERROR_LINE("cannot open /dev/kvm: No such file or directory (is KVM loaded?");
	run_prog("fake-kvm", "eacces", NULL, "--accel=kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 69);
	CHECK_ONE_ERROR_LINE("Permission denied (run as root or as a member of the kvm group)");
	run_prog("fake-kvm", "version", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("KVM API version mismatch: the kernel has 11, minivm-run was built for 12");
	run_prog("fake-kvm", "nocap", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("KVM lacks KVM_CAP_USER_MEMORY");
	run_prog("fake-kvm", "busy", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("is a minivm VM running?");

	/* The default is minivm: the KVM fake is never asked. */
	run_prog("fake-kvm", "", NULL, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 69);
	CHECK_ONE_ERROR_LINE("cannot open /dev/minivm");
}

static void vmm_kvm_runs(void)
{
	/* Setup order, slots, CPUID and the flat boot state are checked. */
	run_prog("fake-kvm", "", guest("hello.bin"), "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");

	run_prog("fake-kvm", "io", NULL, "-v", "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.out, "ok\n");
	CHECK_CONTAINS(res.err, "minivm-run: exit IO in port 0x03fd size 1 data 0x60\n");
	CHECK_CONTAINS(res.err, "minivm-run: exit MMIO read 0xfed00000 size 4 data 0xffffffff (unclaimed address)\n");
	CHECK_CONTAINS(res.err, "minivm-run: exit HLT\n");
	CHECK(!strstr(res.err, "fake-"));

	run_prog("fake-kvm", "debug-exit", NULL, "--accel", "kvm", guest("debug-exit.bin"), NULL);
	CHECK_INT(res.status, 85);
	CHECK_STR(res.err, "");

	run_prog("fake-kvm", "poweroff", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");

	run_prog("fake-kvm", "sigterm", NULL, "--accel", "kvm", guest("spin.bin"), NULL);
	CHECK_INT(res.signal, SIGTERM);
	CHECK_STR(res.err, "");
}

static void vmm_kvm_crashes(void)
{
	run_prog("fake-kvm", "shutdown", NULL, "--accel", "kvm", guest("triple-fault.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_ONE_ERROR_LINE("guest stopped: triple fault (SHUTDOWN) at CS:IP 1000:1234");
	run_prog("fake-kvm", "fail-entry", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_ONE_ERROR_LINE("hardware reason 0x80000021, basic reason 33 (INVALID_STATE), qualification 0x0, cpu 3");
	run_prog("fake-kvm", "internal", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_ONE_ERROR_LINE("internal error (instruction emulation failed): instruction bytes 0f 01 c1");
	run_prog("fake-kvm", "crash", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_ONE_ERROR_LINE("system event 3 (the guest reported a crash)");
	run_prog("fake-kvm", "hypercall", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_ONE_ERROR_LINE("unexpected exit reason 3 (HYPERCALL) from KVM_RUN");
	run_prog("fake-kvm", "malformed", NULL, "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("malformed I/O exit from KVM");
}

/* The $MINIVM_FAKE_* expectations of tests/fake-boot.c, for the next runs. */
static const char *const fake_vars[] = {
	"MINIVM_FAKE_BOOT", "MINIVM_FAKE_CMDLINE", "MINIVM_FAKE_ENTRY",
	"MINIVM_FAKE_MODULE", "MINIVM_FAKE_HIGH",
};

static void expect_boot(const char *boot, const char *cmdline, uint64_t entry,
			const char *module, uint64_t high)
{
	char num[32];

	setenv("MINIVM_FAKE_BOOT", boot, 1);
	setenv("MINIVM_FAKE_CMDLINE", cmdline, 1);
	snprintf(num, sizeof(num), "0x%llx", (unsigned long long)entry);
	setenv("MINIVM_FAKE_ENTRY", num, 1);
	if (module)
		setenv("MINIVM_FAKE_MODULE", module, 1);
	else
		unsetenv("MINIVM_FAKE_MODULE");
	snprintf(num, sizeof(num), "0x%llx", (unsigned long long)high);
	setenv("MINIVM_FAKE_HIGH", num, 1);
}

static void expect_nothing(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fake_vars); i++)
		unsetenv(fake_vars[i]);
}

/* The entry point of the Multiboot test kernel, from its ELF header. */
static uint64_t elf_entry(const char *path)
{
	uint8_t hdr[52];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, hdr, sizeof(hdr));

	if (fd >= 0)
		close(fd);
	if (n != sizeof(hdr)) {
		check_failed(__FILE__, __LINE__, "cannot read %s", path);
		return 0;
	}
	return get_le32(hdr + 24);
}

static char initrd_path[64];
static char bzimage_path[64];

static void make_kernel_files(void)
{
	static uint8_t bz[0x2000];

	/* mkstemp() fills the template in: a fresh one each time. */
	snprintf(initrd_path, sizeof(initrd_path), "/tmp/minivm-run-initrd-XXXXXX");
	snprintf(bzimage_path, sizeof(bzimage_path), "/tmp/minivm-run-bzimage-XXXXXX");
	make_test_bzimage(bz, sizeof(bz));
	if (write_test_file(initrd_path, "an initramfs\n", 13) ||
	    write_test_file(bzimage_path, bz, sizeof(bz)))
		check_failed(__FILE__, __LINE__, "cannot write the test kernel files");
}

static void remove_kernel_files(void)
{
	unlink(initrd_path);
	unlink(bzimage_path);
	expect_nothing();
}

static void vmm_kernel_multiboot(void)
{
	const char *mb = guest("multiboot-hello.elf");
	char mbcopy[4096];

	snprintf(mbcopy, sizeof(mbcopy), "%s", mb);
	make_kernel_files();
	expect_boot("multiboot", "hello multiboot", elf_entry(mbcopy), initrd_path, 0);
	run_prog("fake", "", NULL, "-m", "64M", "--kernel", mbcopy, "--initrd",
		 initrd_path, "--append", "hello multiboot", NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");

	/* The same on KVM, with RAM above the PCI hole; -v says what went where. */
	expect_boot("multiboot", "", elf_entry(mbcopy), NULL, 1ULL << 30);
	run_prog("fake-kvm", "", NULL, "-v", "-m", "4G", "--accel", "kvm",
		 "--kernel", mbcopy, NULL);
	CHECK_INT(res.status, 0);
	CHECK_CONTAINS(res.err, "Multiboot kernel (ELF), header at 0x1000, loaded at 0x100000-");
	CHECK(!strstr(res.err, "fake-"));
	remove_kernel_files();
}

static void vmm_kernel_linux(void)
{
	make_kernel_files();
	expect_boot("linux", "console=ttyS0 root=/dev/ram0", 0x100200, initrd_path, 0);
	run_prog("fake", "", NULL, "--kernel", bzimage_path, "--initrd", initrd_path,
		 "--append", "console=ttyS0 root=/dev/ram0", NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");

	expect_boot("linux", "", 0x100200, NULL, 2ULL << 30);
	run_prog("fake-kvm", "", NULL, "-v", "--accel", "kvm", "-m", "5G",
		 "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 0);
	CHECK_CONTAINS(res.err, "bzImage, boot protocol 2.12, fixed kernel of 7168 bytes at 0x100000 (entry 0x100200)");
	CHECK(!strstr(res.err, "fake-"));

	/* A 64-bit kernel needs a module that can run 64-bit guests. */
	expect_nothing();
	run_prog("fake", "nolong", NULL, "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("the minivm module cannot run 64-bit guests (no MINIVM_CAP_LONG_MODE)");
	/* A Multiboot kernel does not, and neither needs real mode. */
	expect_boot("multiboot", "", elf_entry(guest("multiboot-hello.elf")), NULL, 0);
	run_prog("fake", "nolong", NULL, "--kernel", guest("multiboot-hello.elf"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	run_prog("fake", "noreal", NULL, "--kernel", guest("multiboot-hello.elf"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	remove_kernel_files();
}

/*
 * A kernel gets the in-kernel irqchip, created before the vCPU (the fakes
 * check the order and that a flat binary gets none), and a driver without
 * one is refused before anything runs.
 */
static void vmm_kernel_irqchip(void)
{
	make_kernel_files();
	expect_nothing();
	run_prog("fake", "noirqchip", NULL, "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("the minivm module has no in-kernel interrupt controller (no MINIVM_CAP_IRQCHIP)");
	run_prog("fake-kvm", "noirqchip", NULL, "--accel", "kvm", "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 71);
	CHECK_ONE_ERROR_LINE("KVM lacks KVM_CAP_IRQCHIP");

	/* A flat binary does not ask for one. */
	run_prog("fake", "noirqchip", guest("hello.bin"), guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	run_prog("fake-kvm", "noirqchip", guest("hello.bin"), "--accel", "kvm",
		 guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");

	/* With one, on both, and the TSC-deadline bit on KVM (fake-kvm checks). */
	expect_boot("linux", "", 0x100200, NULL, 0);
	run_prog("fake", "", NULL, "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	run_prog("fake-kvm", "", NULL, "--accel", "kvm", "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	remove_kernel_files();
}

static void vmm_kernel_errors(void)
{
	char bad[] = "/tmp/minivm-run-badmb-XXXXXX";
	char empty[] = "/tmp/minivm-run-empty-XXXXXX";
	static uint8_t mb[0x1000];

	make_kernel_files();
	run_prog("tool", "", NULL, "--kernel", "/nonexistent/vmlinuz", NULL);
	CHECK_INT(res.status, 66);
	CHECK_ONE_ERROR_LINE("cannot read kernel '/nonexistent/vmlinuz': No such file or directory");
	run_prog("tool", "", NULL,
		 "--kernel", bzimage_path, "--initrd", "/nonexistent/initrd", NULL);
	CHECK_INT(res.status, 66);
	CHECK_ONE_ERROR_LINE("cannot read initrd '/nonexistent/initrd': No such file or directory");
	run_prog("tool", "", NULL, "--kernel", "/", NULL);
	CHECK_INT(res.status, 66);
	CHECK_ONE_ERROR_LINE("Is a directory");

	/* Not a kernel at all: a flat binary. */
	run_prog("tool", "", NULL, "--kernel", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 65);
	CHECK_ONE_ERROR_LINE("neither a Linux bzImage (no \"HdrS\" boot header at 0x202) nor a Multiboot kernel");

	make_test_multiboot(mb, sizeof(mb), 0x80);
	put_le32(mb + 0x88, 0xdeadbeef);
	if (!write_test_file(bad, mb, sizeof(mb))) {
		run_prog("tool", "", NULL, "--kernel", bad, NULL);
		CHECK_INT(res.status, 65);
		CHECK_ONE_ERROR_LINE("bad Multiboot header at offset 0x80: magic + flags + checksum is not 0");
		unlink(bad);
	}
	if (!write_test_file(empty, "", 0)) {
		run_prog("tool", "", NULL, "--kernel", bzimage_path, "--initrd", empty, NULL);
		CHECK_INT(res.status, 65);
		CHECK_ONE_ERROR_LINE("initrd '/tmp/minivm-run-empty-");
		CHECK_CONTAINS(res.err, "' is empty");
		unlink(empty);
	}

	/* Too little memory: for the Multiboot kernel's bss, for a bzImage. */
	run_prog("tool", "", NULL, "-m", "1M", "--kernel", guest("multiboot-hello.elf"), NULL);
	CHECK_INT(res.status, 65);
	CHECK_ONE_ERROR_LINE("not enough guest memory: ELF segment 0 at 0x100000-");
	run_prog("tool", "", NULL, "-m", "1M", "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 65);
	CHECK_ONE_ERROR_LINE("not enough guest memory for the kernel");
	run_prog("tool", "", NULL, "-m", "2M", "--kernel", guest("multiboot-hello.elf"),
		 "--initrd", "/dev/zero", NULL);
	CHECK_INT(res.status, 65);
	CHECK_ONE_ERROR_LINE("initrd '/dev/zero' is larger than guest memory (2M)");

	run_prog("tool", "", NULL, "-m", "64G", "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 64);
	CHECK_ONE_ERROR_LINE("with --kernel, must be at most 63G");
	run_prog("tool", "", NULL, "--kernel", bzimage_path, guest("hello.bin"), NULL);
	CHECK_INT(res.status, 64);
	CHECK_ONE_ERROR_LINE("--kernel and a FLAT_BINARY exclude each other");
	remove_kernel_files();
}

/* The test bzImage, with the fakes' boot checks, for the device scenarios. */
static void kernel_begin(void)
{
	make_kernel_files();
	expect_boot("linux", "", 0x100200, NULL, 0);
}

/*
 * The devices a kernel gets, through the fake module's exits: the i8042
 * reset, the PIT's and the RTC's interrupts from the I/O thread's timers.
 */
static void vmm_kernel_devices(void)
{
	kernel_begin();
	run_prog("fake", "reboot", NULL, "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 2);
	CHECK_STR(res.err, "");
	run_prog("fake-kvm", "reboot", NULL, "--accel", "kvm", "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 2);
	CHECK_STR(res.err, "");

	run_prog("fake", "pit", NULL, "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	run_prog("fake-kvm", "pit", NULL, "--accel", "kvm", "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 1);
	CHECK_STR(res.err, "");

	run_prog("fake", "rtc", NULL, "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");

	/* A flat binary has no i8042: 0xfe to port 0x64 goes nowhere. */
	expect_nothing();
	run_prog("fake", "reboot", guest("hello.bin"), guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_CONTAINS(res.err, "fake-minivm: RUN again after the reset");
	remove_kernel_files();
}

/*
 * KVM keeps a vCPU halted with interrupts off inside KVM_RUN: the I/O
 * thread's kick and KVM_GET_MP_STATE end the run as minivm's HLT exit
 * does; halted with interrupts on, the guest runs on.
 */
static void vmm_kvm_halt(void)
{
	kernel_begin();
	run_prog("fake-kvm", "halt-irqs-off", NULL, "-v", "--accel", "kvm",
		 "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 0);
	CHECK_CONTAINS(res.err, "minivm-run: the vCPU is halted with interrupts disabled\n");
	CHECK_CONTAINS(res.err, "minivm-run: exit HLT\n");
	CHECK(!strstr(res.err, "fake-"));
	run_prog("fake-kvm", "halt-irqs-on", NULL,
		 "--accel", "kvm", "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 85);
	CHECK_STR(res.err, "");
	remove_kernel_files();
}

/* --debug-io: a line for each unclaimed access, the numbers at the end. */
static void vmm_debug_io(void)
{
	run_prog("fake", "io", NULL, "--debug-io", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.out, "ok\n");
	CHECK_STR(res.err,
		  "minivm-run: debug-io: unclaimed in port 0x4000 size 4 data 0xffffffff\n"
		  "minivm-run: debug-io: unclaimed out port 0x0080 size 2 data 0x1234\n"
		  "minivm-run: debug-io: unclaimed accesses: 1 port read, 1 port write, 0 MMIO reads, 0 MMIO writes\n");

	run_prog("fake-kvm", "io", NULL, "--debug-io", "--accel", "kvm", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err,
		  "minivm-run: debug-io: unclaimed MMIO read 0xfed00000 size 4 data 0xffffffff\n"
		  "minivm-run: debug-io: unclaimed accesses: 0 port reads, 0 port writes, 1 MMIO read, 0 MMIO writes\n");

	/* A kernel's PIC probe, port 0x80 and the RTC are claimed; COM2 is not. */
	kernel_begin();
	run_prog("fake", "unclaimed", NULL, "--debug-io", "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err,
		  "minivm-run: debug-io: unclaimed in port 0x02f9 size 1 data 0xff\n"
		  "minivm-run: debug-io: unclaimed out port 0x02fb size 1 data 0x03\n"
		  "minivm-run: debug-io: unclaimed accesses: 1 port read, 1 port write, 0 MMIO reads, 0 MMIO writes\n");
	run_prog("fake", "unclaimed", NULL, "--kernel", bzimage_path, NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	remove_kernel_files();
}

static int open_pty(int *slave)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);

	*slave = -1;
	if (master >= 0 && !grantpt(master) && !unlockpt(master))
		*slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (*slave < 0) {
		check_failed(__FILE__, __LINE__, "cannot open a pseudo-terminal");
		if (master >= 0)
			close(master);
		return -1;
	}
	return master;
}

/*
 * Run scenario @scenario on the test kernel with stdin a pipe (@pty
 * false) or a pseudo-terminal, into which the fake types @type while the
 * guest sleeps in HLT. Leaves the terminal's settings before and after in
 * @before and @after.
 */
static void run_typing(const char *scenario, bool pty, const char *type,
		       const char *recv, struct termios *before,
		       struct termios *after)
{
	int in = -1, typer = -1, p[2];
	char fd[16];

	if (pty) {
		typer = open_pty(&in);
		if (typer < 0)
			return;
		tcgetattr(in, before);
	} else {
		if (pipe(p)) {
			check_failed(__FILE__, __LINE__, "pipe failed");
			return;
		}
		in = p[0];
		typer = p[1];
	}
	snprintf(fd, sizeof(fd), "%d", typer);
	setenv("MINIVM_FAKE_INPUT_FD", fd, 1);
	setenv("MINIVM_FAKE_TYPE", type, 1);
	setenv("MINIVM_FAKE_RECV", recv, 1);
	child_stdin = in;
	run_prog("fake", scenario, NULL, "--kernel", bzimage_path, NULL);
	child_stdin = -1;
	if (pty)
		tcgetattr(in, after);
	unsetenv("MINIVM_FAKE_INPUT_FD");
	unsetenv("MINIVM_FAKE_TYPE");
	unsetenv("MINIVM_FAKE_RECV");
	close(in);
	close(typer);
}

static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

/*
 * Host input reaches COM1 with IRQ 4, from the I/O thread: from a pipe
 * byte for byte, more than the FIFO holds too; from a terminal through
 * the Ctrl-A escape, whose settings come back when the run ends.
 */
static void vmm_kernel_console(void)
{
	static const char many[] = "0123456789abcdefghijklmnopqrstuvwxyz!?";
	struct termios before, after;

	kernel_begin();
	run_typing("console", false, "hi", "hi", &before, &after);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	run_typing("console", false, many, many, &before, &after);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	run_typing("console", false, "a\001\001b\001x", "a\001\001b\001x", &before, &after);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");

	memset(&after, 0, sizeof(after));
	run_typing("console", true, "a\001\001b\001zc", "a\001bc", &before, &after);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.err, "");
	CHECK(same_termios(&before, &after));
	remove_kernel_files();
}

/* Ctrl-A h prints the help, Ctrl-A x stops the guest as SIGINT would. */
static void vmm_console_quit(void)
{
	struct termios before, after;

	kernel_begin();
	memset(&after, 0, sizeof(after));
	run_typing("quit", true, "\001h\001x", "", &before, &after);
	CHECK_INT(res.signal, SIGINT);
	CHECK_CONTAINS(res.err, "C-a x    quit minivm-run");
	CHECK(!strstr(res.err, "fake-"));
	CHECK(same_termios(&before, &after));
	CHECK(after.c_lflag & ICANON);
	remove_kernel_files();
}

/* Every line of stderr is one of --stats's (or @allowed). */
static void check_only_stats_lines(const char *allowed)
{
	const char *line = res.err, *nl;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		if (strncmp(line, "minivm-run: stats ", 18) &&
		    (!allowed || strncmp(line, allowed, strlen(allowed))))
			check_failed(__FILE__, __LINE__, "not a statistics line: %.*s",
				     (int)(nl - line), line);
	}
}

/*
 * --stats: the fakes' statistics files, named from their descriptors
 * (the tool knows none of these names), zeros left out, for minivm and
 * for KVM, whatever ended the guest; a driver without them: one line.
 */
static void vmm_stats(void)
{
	run_prog("fake", "io", NULL, "--stats", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.out, "ok\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vm vcpus 1\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vm pages_mapped 5\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vm pages_mapped_peak 5\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vcpu0 io_exits 7\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vcpu0 hlt_exits 1\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vcpu0 userspace_exits 8\n");
	CHECK(!strstr(res.err, "mmio_exits"));
	CHECK(!strstr(res.err, "halt_wait_ns"));
	CHECK(!strstr(res.err, "dead"));
	check_only_stats_lines(NULL);

	run_prog("fake-kvm", "io", NULL, "--accel", "kvm", "--stats", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_STR(res.out, "ok\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vm remote_tlb_flush 3\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vm pages_4k 17\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vcpu0 halt_exits 1\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vcpu0 halt_wait_ns 2500 ns\n");
	CHECK_CONTAINS(res.err, "minivm-run: stats vcpu0 halt_wait_hist[1024,2048) 2\n");
	CHECK_CONTAINS(res.err,
		       "minivm-run: stats vcpu0 halt_wait_hist[1073741824,inf) 1\n");
	CHECK(!strstr(res.err, "max_mmu_page_hash_collisions"));
	CHECK(!strstr(res.err, "mmio_exits"));
	check_only_stats_lines(NULL);

	/* after a crash's line, with the crash's status */
	run_prog("fake", "shutdown", NULL, "--stats", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 70);
	CHECK_CONTAINS(res.err, "triple fault");
	CHECK_CONTAINS(res.err, "minivm-run: stats vcpu0 userspace_exits 1\n");
	check_only_stats_lines("minivm-run: guest stopped: ");

	run_prog("fake", "debug-exit", NULL, "--stats", guest("debug-exit.bin"), NULL);
	CHECK_INT(res.status, 85);
	CHECK_CONTAINS(res.err, "minivm-run: stats vcpu0 io_exits 1\n");

	/* stopped by a signal: printed, then minivm-run dies of it */
	run_prog("fake", "sigterm", NULL, "--stats", guest("spin.bin"), NULL);
	CHECK_INT(res.signal, SIGTERM);
	CHECK_CONTAINS(res.err, "minivm-run: stats vm pages_mapped 5\n");
	check_only_stats_lines(NULL);

	run_prog("fake", "nostats", NULL, "--stats", guest("hello.bin"), NULL);
	CHECK_INT(res.status, 0);
	CHECK_ONE_ERROR_LINE("--stats: minivm has no binary statistics (no MINIVM_CAP_BINARY_STATS_FD)");
	run_prog("fake-kvm", "nostats", NULL, "--accel", "kvm", "--stats", guest("hello.bin"),
		 NULL);
	CHECK_INT(res.status, 0);
	CHECK_ONE_ERROR_LINE("--stats: kvm has no binary statistics (no KVM_CAP_BINARY_STATS_FD)");
	CHECK(!strstr(res.err, "fake-"));
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
	{ "vmm: --accel kvm: no device 69, API/capability/busy 71 (fake KVM)",
	  vmm_kvm_setup_errors },
	{ "vmm: --accel kvm: setup, I/O, MMIO, debug-exit, power-off, SIGTERM (fake KVM)",
	  vmm_kvm_runs },
	{ "vmm: --accel kvm: crashes 70, malformed exits 71 (fake KVM)", vmm_kvm_crashes },
	{ "vmm: --kernel Multiboot: state, info, module, 4G (fake module and KVM)",
	  vmm_kernel_multiboot },
	{ "vmm: --kernel bzImage: boot_params, initrd, long mode, 5G (fakes)", vmm_kernel_linux },
	{ "vmm: --kernel errors: 66 unreadable, 65 not bootable or too big, 64",
	  vmm_kernel_errors },
	{ "vmm: --kernel gets the in-kernel irqchip, a flat binary none; 71 without (fakes)",
	  vmm_kernel_irqchip },
	{ "vmm: --kernel devices: i8042 reset 2, PIT and RTC IRQs from the I/O thread (fakes)",
	  vmm_kernel_devices },
	{ "vmm: --accel kvm: halted with interrupts off ends the run, with them on not",
	  vmm_kvm_halt },
	{ "vmm: --debug-io logs unclaimed ports and MMIO, and counts them (fakes)", vmm_debug_io },
	{ "vmm: --stats prints the driver's non-zero statistics at the end (fakes)", vmm_stats },
	{ "vmm: --kernel: stdin to COM1 with IRQ 4, pipe and terminal (fake module)",
	  vmm_kernel_console },
	{ "vmm: Ctrl-A h, Ctrl-A x quits as SIGINT, terminal restored (fake module)",
	  vmm_console_quit },
	{ NULL, NULL },
};
