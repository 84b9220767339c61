// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_live [--crash] KERNEL INITRD CMDLINE
 *
 * The rig's kexec check (selftests/rig/guest-kexec.sh): with minivm VMs
 * alive on every CPU, kexec into KERNEL. Each online CPU gets a vCPU
 * thread pinned to it, in a guest that counts in its memory for ever,
 * and one more vCPU is left loaded but idle (its VMCS active on the last
 * CPU, as between two RUNs); then kexec_file_load() and
 * reboot(LINUX_REBOOT_CMD_KEXEC). minivm's reboot notifier must take every
 * CPU out of VMX operation before the new kernel starts: a CPU left in
 * it faults on the new kernel's first write of CR4 and blocks the INIT
 * that starts the other CPUs. The second half, in the new kernel, checks
 * that it came up with every CPU and can run a guest again.
 *
 * With --crash, KERNEL is loaded as the crash kernel (kexec -p) and the
 * machine crashes (SysRq c): no reboot notifier runs then, and the CPUs
 * must leave VMX operation through the kernel's emergency callback,
 * minivm's while kvm_intel is not loaded (module/emergency.c).
 *
 * Prints TAP results 1 and 2 of guest-kexec.sh's plan (5 and 6 with
 * --crash); returns only on failure (non-zero).
 */
#include <fcntl.h>
#include <linux/reboot.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "minivm_util.h"

/* Adds one to the word at GUEST_DATA_GPA, for ever. */
GUEST_CODE16(count_forever,
	     "1:	incl " GUEST_DATA "\n\t"
	     "	jmp 1b\n\t");

/* Exits once with HLT, so its vCPU has been loaded and stays so. */
GUEST_CODE16(halt,
	     "	hlt\n\t");

#define MAX_CPUS	64

struct spinner {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
	int cpu;
};

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	MINIVM_CHECK(!sched_setaffinity(0, sizeof(set), &set),
		     "sched_setaffinity(CPU %d)", cpu);
}

/*
 * RUN until it fails: after the host began to shut down it does (EIO).
 * The report port may stop mid-line then, so what RUN said goes to the
 * kernel's log (the console), where it shows before "Starting new
 * kernel" if the CPU gets that far. At the lowest priority, so that the
 * main thread's kexec_file_load(), on the same CPU as one of them, does
 * not take twice as long.
 */
static void *run_pinned(void *arg)
{
	struct spinner *s = arg;
	char line[128];
	int fd, len;

	pin_to(s->cpu);
	setpriority(PRIO_PROCESS, syscall(SYS_gettid), 19);
	while (__vcpu_run(s->vcpu) >= 0)
		;
	len = snprintf(line, sizeof(line),
		       "kexec_live: the vCPU on CPU %d: RUN failed with %s\n",
		       s->cpu, errno_name(s->vcpu->run_errno));
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		/* A failure is no news: the machine is on its way down. */
		ssize_t written = write(fd, line, len);

		(void)written;
	}
	return NULL;
}

static volatile uint32_t *counter_of(struct minivm_vm *vm)
{
	return vm_gpa2hva(vm, GUEST_DATA_GPA);
}

/* Wait up to 60 s (guest time) for every spinner's guest to count. */
static bool all_counting(struct spinner *s, int n)
{
	struct timespec ten_ms = { .tv_nsec = 10 * 1000 * 1000 };
	int i, tries;

	for (tries = 0; tries < 6000; tries++) {
		for (i = 0; i < n && *counter_of(s[i].vm); i++)
			;
		if (i == n)
			return true;
		nanosleep(&ten_ms, NULL);
	}
	return false;
}

static double uptime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_or_die(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		printf("# open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

/* <linux/kexec.h>'s, which not every libc's headers carry */
#define KEXEC_FILE_ON_CRASH	0x00000002

/* The crash itself: SysRq c panics, and the panic enters the crash kernel. */
static void crash(void)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, "c", 1) != 1)
		printf("# SysRq c: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
	struct spinner spinners[MAX_CPUS];
	struct minivm_vcpu *idle_vcpu;
	int ncpus, i, kernel_fd, initrd_fd, first = 1;
	unsigned long flags = 0;
	pthread_t t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "--crash")) {
		flags = KEXEC_FILE_ON_CRASH;
		first = 5;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: kexec_live [--crash] KERNEL INITRD CMDLINE\n");
		return 2;
	}
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	MINIVM_CHECK(ncpus > 0 && ncpus <= MAX_CPUS, "%d CPUs online", ncpus);

	for (i = 0; i < ncpus; i++) {
		spinners[i].vm = vm_create_guest(GUEST(count_forever),
						 &spinners[i].vcpu);
		spinners[i].cpu = i;
		MINIVM_CHECK(!pthread_create(&t, NULL, run_pinned, &spinners[i]),
			     "pthread_create");
	}
	/* On the last CPU, beside that CPU's spinner: loaded, not running. */
	pin_to(ncpus - 1);
	/* Never freed: the VM must be alive when the host goes down. */
	(void)vm_create_guest(GUEST(halt), &idle_vcpu);
	MINIVM_CHECK(__vcpu_run(idle_vcpu) == 0 &&
		     idle_vcpu->run->exit_reason == MINIVM_EXIT_HLT,
		     "the idle vCPU's first RUN did not end with its HLT");
	pin_to(0);

	if (!all_counting(spinners, ncpus)) {
		printf("not ok %d a guest counting in VMX non-root mode on each of the %d CPUs, and a vCPU loaded but idle\n",
		       first, ncpus);
		return 1;
	}
	printf("ok %d a guest counting in VMX non-root mode on each of the %d CPUs, and a vCPU loaded but idle\n",
	       first, ncpus);
	printf("# at %.1f s of uptime\n", uptime());

	kernel_fd = open_or_die(argv[1]);
	initrd_fd = open_or_die(argv[2]);
	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd,
		    strlen(argv[3]) + 1, argv[3], flags)) {
		printf("not ok %d kexec_file_load%s of %s and %s: %s\n",
		       first + 1, flags ? " (crash kernel)" : "", argv[1],
		       argv[2], strerror(errno));
		return 1;
	}
	printf("ok %d kexec_file_load%s of %s and %s\n", first + 1,
	       flags ? " (crash kernel)" : "", argv[1], argv[2]);
	printf("# at %.1f s: %s with the guests running; the new kernel reports the rest\n",
	       uptime(), flags ? "a crash" : "kexec");
	/* What is still in the serial port's buffer would be lost. */
	fflush(stdout);
	tcdrain(STDOUT_FILENO);

	if (flags) {
		crash();
		return 1;
	}
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	printf("# reboot(LINUX_REBOOT_CMD_KEXEC) returned: %s\n",
	       strerror(errno));
	return 1;
}
