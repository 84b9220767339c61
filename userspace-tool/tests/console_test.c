// SPDX-License-Identifier: GPL-2.0
/*
 * console.c: the Ctrl-A escape as a pure function, and raw mode on a
 * pseudo-terminal, restored however the process ends. Raw mode is tried
 * in child processes only: its atexit and signal handlers stay with the
 * process that set them.
 */
#define _GNU_SOURCE	/* posix_openpt() and friends */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "test.h"

/* Feed @in through a fresh escape; the bytes sent and the commands, as text. */
static const char *escape(const char *in, size_t len)
{
	static char out[64];
	struct console_escape esc = { 0 };
	size_t i, n = 0;
	uint8_t c;

	for (i = 0; i < len && n < sizeof(out) - 3; i++) {
		switch (console_escape_feed(&esc, in[i], &c)) {
		case CONSOLE_KEY_SEND:
			out[n++] = c == CONSOLE_ESCAPE_CHAR ? '^' : c;
			break;
		case CONSOLE_KEY_QUIT:
			out[n++] = '<';
			out[n++] = 'X';
			out[n++] = '>';
			break;
		case CONSOLE_KEY_HELP:
			out[n++] = '<';
			out[n++] = 'H';
			out[n++] = '>';
			break;
		case CONSOLE_KEY_NONE:
			break;
		}
	}
	out[n] = '\0';
	return out;
}

#define ESC(s)	escape(s, sizeof(s) - 1)

static void console_escape_keys(void)
{
	CHECK_STR(ESC("ls -l\r"), "ls -l\r");
	CHECK_STR(ESC("\x03"), "\x03");			/* Ctrl-C goes to the guest */
	CHECK_STR(ESC("a\x01xb"), "a<X>b");
	CHECK_STR(ESC("\x01\x01"), "^");		/* one Ctrl-A */
	CHECK_STR(ESC("\x01\x01\x01x"), "^<X>");
	CHECK_STR(ESC("\x01h\x01?"), "<H><H>");
	CHECK_STR(ESC("a\x01zb"), "ab");		/* unknown: both dropped */
	CHECK_STR(ESC("\x01X"), "");			/* x only, as QEMU */
	CHECK_STR(ESC("\x01"), "");			/* pending at the end */
}

/* The escape's state carries across reads: Ctrl-A may end one. */
static void console_escape_split(void)
{
	struct console_escape esc = { 0 };
	uint8_t c = 0;

	CHECK_INT(console_escape_feed(&esc, 0x01, &c), CONSOLE_KEY_NONE);
	CHECK(esc.armed);
	CHECK_INT(console_escape_feed(&esc, 'x', &c), CONSOLE_KEY_QUIT);
	CHECK(!esc.armed);
	CHECK_INT(console_escape_feed(&esc, 'x', &c), CONSOLE_KEY_SEND);
	CHECK_INT(c, 'x');
	CHECK_CONTAINS(console_help, "C-a x");
	CHECK_CONTAINS(console_help, "C-a C-a");
}

static int open_pty(int *slave)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);

	*slave = -1;
	if (master >= 0 && !grantpt(master) && !unlockpt(master))
		*slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (*slave < 0) {
		if (master >= 0)
			close(master);
		return -1;
	}
	return master;
}

static bool same(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

enum how { BY_EXIT, BY_SIGNAL, BY_RESTORE };

/*
 * A child puts the terminal in raw mode and ends @how; the parent checks
 * what the child saw (raw: 1 in the pipe) and that the settings are back.
 */
static void raw_then(enum how how, int sig)
{
	struct termios before, after;
	int master, slave, p[2], wstatus = 0;
	char seen = 0;
	pid_t pid;

	master = open_pty(&slave);
	if (master < 0 || pipe(p)) {
		check_failed(__FILE__, __LINE__, "cannot open a pseudo-terminal");
		return;
	}
	tcgetattr(slave, &before);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct termios t;
		char ok;

		/*
		 * The default action, as a shell gives it; one inherited as
		 * ignored (nohup's SIGHUP) stays ignored, and raise() would
		 * return.
		 */
		if (how == BY_SIGNAL)
			signal(sig, SIG_DFL);
		ok = console_raw_begin(slave) && !tcgetattr(slave, &t) &&
		     !(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)) &&
		     !(t.c_iflag & (ICRNL | IXON)) && (t.c_oflag & OPOST) &&
		     t.c_cc[VMIN] == 1 ? '1' : '0';
		if (write(p[1], &ok, 1) != 1)
			_exit(99);
		if (how == BY_SIGNAL) {
			struct rlimit no_core = { 0, 0 };

			setrlimit(RLIMIT_CORE, &no_core);
			raise(sig);
			_exit(98);
		}
		if (how == BY_EXIT)
			exit(3);
		console_restore();
		console_restore();	/* twice is fine */
		_exit(tcgetattr(slave, &t) || !(t.c_lflag & ICANON) ? 97 : 4);
	}
	close(p[1]);
	if (read(p[0], &seen, 1) != 1)
		seen = 0;
	waitpid(pid, &wstatus, 0);
	CHECK_INT(seen, '1');
	if (how == BY_SIGNAL)
		CHECK(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == sig);
	else if (how == BY_EXIT)
		CHECK(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 3);
	else
		CHECK(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 4);
	tcgetattr(slave, &after);
	CHECK(same(&before, &after));
	close(p[0]);
	close(master);
	close(slave);
}

static void console_raw_restored(void)
{
	raw_then(BY_RESTORE, 0);
	raw_then(BY_EXIT, 0);
	raw_then(BY_SIGNAL, SIGHUP);
	raw_then(BY_SIGNAL, SIGSEGV);
	raw_then(BY_SIGNAL, SIGABRT);
}

/* Not a terminal: nothing changes; a pipe is input, /dev/null is none. */
static void console_not_a_terminal(void)
{
	int p[2], null = open("/dev/null", O_RDONLY);
	bool raw = true;

	CHECK(pipe(p) == 0);
	CHECK(!console_raw_begin(p[0]));
	CHECK_INT(console_input(p[0], &raw), p[0]);
	CHECK(!raw);
	CHECK_INT(console_input(null, &raw), -1);
	CHECK(!raw);
	close(p[0]);
	close(p[1]);
	CHECK_INT(console_input(p[0], &raw), -1);	/* closed */
	close(null);
	console_restore();			/* nothing saved: harmless */
}

const struct test console_tests[] = {
	{ "console: Ctrl-A x, h, Ctrl-A Ctrl-A, unknown commands dropped", console_escape_keys },
	{ "console: the escape's state across reads; the help text", console_escape_split },
	{ "console: raw mode on a terminal, restored by restore, exit, signals",
	  console_raw_restored },
	{ "console: a pipe is input without raw mode, /dev/null none", console_not_a_terminal },
	{ NULL, NULL },
};
