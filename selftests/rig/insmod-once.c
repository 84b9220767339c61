// SPDX-License-Identifier: GPL-2.0
/*
 * insmod-once MODULE [PARAMS]: load a kernel module with exactly one
 * finit_module() call. busybox insmod retries a failed finit_module() with
 * init_module(), which runs the module's init twice, so a refusal would be
 * logged twice; the rig's checks count those log lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: insmod-once MODULE [PARAMS]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "insmod-once: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (syscall(SYS_finit_module, fd, argc == 3 ? argv[2] : "", 0)) {
		fprintf(stderr, "insmod-once: cannot insert '%s': %s\n",
			argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
