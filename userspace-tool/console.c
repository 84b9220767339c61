// SPDX-License-Identifier: GPL-2.0
/*
 * Raw mode for the terminal on stdin, and the Ctrl-A escape (console.h).
 *
 * A terminal left in raw mode is unusable (no echo, no Ctrl-C) until the
 * user types "stty sane" blind, so the saved settings go back on every
 * way minivm-run can end: return from main() and exit() (die() included)
 * through atexit; death by a signal through a handler that restores and
 * re-raises; SIGINT and SIGTERM through the VMM loop, which stops and
 * lets main() restore before it re-raises. Only SIGKILL (and a stop
 * signal) cannot be caught.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "compiler.h"
#include "console.h"

/*
 * Written before the atexit and signal handlers that read them exist, and
 * not again: a handler sees either nothing saved or the whole state.
 */
static struct termios saved;
static int saved_fd = -1;
static volatile sig_atomic_t raw_on;

/* Signals whose default action kills the process without exit(). */
static const int fatal_signals[] = {
	SIGHUP, SIGQUIT, SIGILL, SIGABRT, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP,
	SIGSYS, SIGXCPU, SIGXFSZ, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF,
};

void console_restore(void)
{
	/* tcsetattr() is async-signal-safe; TCSANOW: do not wait for output. */
	if (raw_on) {
		raw_on = 0;
		tcsetattr(saved_fd, TCSANOW, &saved);
	}
}

static void fatal_handler(int sig)
{
	console_restore();
	/* SA_RESETHAND made it SIG_DFL, SA_NODEFER lets it through now. */
	raise(sig);
}

static void catch_fatal_signals(void)
{
	struct sigaction sa = {
		.sa_handler = fatal_handler,
		.sa_flags = SA_RESETHAND | SA_NODEFER,
	};
	struct sigaction old;
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(fatal_signals); i++) {
		/* A signal someone chose to ignore stays ignored. */
		if (sigaction(fatal_signals[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_DFL)
			sigaction(fatal_signals[i], &sa, NULL);
	}
}

bool console_raw_begin(int fd)
{
	static bool handlers;
	struct termios t;
	pid_t fg;

	if (raw_on || !isatty(fd) || tcgetattr(fd, &t))
		return false;
	/*
	 * Our controlling terminal with another foreground group: we are a
	 * background job. (A terminal that is not our controlling one, as in
	 * the tests' pseudo-terminal, has no such rule: ENOTTY.)
	 */
	fg = tcgetpgrp(fd);
	if (fg >= 0 && fg != getpgrp())
		return false;

	saved = t;
	saved_fd = fd;
	if (!handlers) {
		atexit(console_restore);
		catch_fatal_signals();
		handlers = true;
	}

	/* What QEMU's stdio character device does (qemu_chr_set_echo_stdio). */
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_oflag |= OPOST;
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;

	raw_on = 1;
	if (tcsetattr(fd, TCSANOW, &t)) {
		raw_on = 0;
		return false;
	}
	return true;
}

static bool is_dev_null(int fd)
{
	struct stat st, null;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	       stat("/dev/null", &null) == 0 && st.st_rdev == null.st_rdev;
}

int console_input(int fd, bool *raw)
{
	pid_t fg;

	*raw = false;
	if (fcntl(fd, F_GETFD) < 0 || is_dev_null(fd))
		return -1;
	if (!isatty(fd))
		return fd;
	fg = tcgetpgrp(fd);
	if (fg >= 0 && fg != getpgrp())
		return -1;
	*raw = console_raw_begin(fd);
	return fd;
}

const char console_help[] =
	"\r\n"
	"C-a h    print this help\r\n"
	"C-a x    quit minivm-run (as SIGINT: the guest is stopped)\r\n"
	"C-a C-a  send C-a to the guest\r\n";

enum console_key console_escape_feed(struct console_escape *esc, uint8_t c,
				     uint8_t *out)
{
	if (!esc->armed) {
		if (c == CONSOLE_ESCAPE_CHAR) {
			esc->armed = true;
			return CONSOLE_KEY_NONE;
		}
		*out = c;
		return CONSOLE_KEY_SEND;
	}

	esc->armed = false;
	switch (c) {
	case 'x':
		return CONSOLE_KEY_QUIT;
	case 'h':
	case '?':
		return CONSOLE_KEY_HELP;
	case CONSOLE_ESCAPE_CHAR:
		*out = c;
		return CONSOLE_KEY_SEND;
	default:
		/* QEMU drops an unknown command and the escape with it. */
		return CONSOLE_KEY_NONE;
	}
}
