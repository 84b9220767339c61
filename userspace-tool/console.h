/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host terminal as the guest's serial console: raw mode on stdin
 * while the guest runs, restored on every way out, and QEMU's Ctrl-A
 * escape for the commands a raw terminal no longer has (Ctrl-C goes to
 * the guest).
 */
#ifndef MINIVM_RUN_CONSOLE_H
#define MINIVM_RUN_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#define CONSOLE_ESCAPE_CHAR	0x01	/* Ctrl-A, as QEMU's -serial mon:stdio */

/*
 * Put the terminal on @fd in raw mode (as QEMU's stdio backend: no echo,
 * no line editing, no signals from keys, no CR/LF translation on input,
 * 8 bits; output processing kept, so a lone "\n" still starts a line).
 * Returns true if it did; false, changing nothing, when @fd is not a
 * terminal or belongs to another process group's foreground (a
 * background job must not touch it; it would be stopped by SIGTTOU).
 *
 * From the first call on, the saved settings are put back by
 * console_restore(), which runs at exit() (atexit) and from a handler for
 * the signals that would kill the process without exit(): SIGHUP,
 * SIGQUIT, SIGILL, SIGABRT, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP, SIGSYS,
 * SIGXCPU, SIGXFSZ, SIGUSR2 (each re-raised afterwards, so the process
 * still dies of it). SIGINT and SIGTERM are the VMM loop's: it stops,
 * and main() calls console_restore() before re-raising them.
 */
bool console_raw_begin(int fd);

/*
 * @fd (stdin) as the guest's serial input: returns @fd, or -1 if there is
 * nothing to read there (closed, /dev/null, or a terminal whose
 * foreground we are not: reading would stop us with SIGTTIN). A terminal
 * is put in raw mode (console_raw_begin()), and then *@raw is true: only
 * then do the Ctrl-A commands apply, so a pipe or file reaches the guest
 * byte for byte.
 */
int console_input(int fd, bool *raw);

/* Put the saved settings back, if any. Idempotent, async-signal-safe. */
void console_restore(void);

/* What one byte typed on the host's terminal means. */
enum console_key {
	CONSOLE_KEY_NONE,	/* swallowed: the escape, or an unknown command */
	CONSOLE_KEY_SEND,	/* a byte for the guest, in *out */
	CONSOLE_KEY_QUIT,	/* Ctrl-A x */
	CONSOLE_KEY_HELP,	/* Ctrl-A h or Ctrl-A ? */
};

struct console_escape {
	bool armed;		/* Ctrl-A was the last byte */
};

/*
 * Feed one byte through the escape, as QEMU's mux does: Ctrl-A followed
 * by x quits, by h or ? asks for help, by Ctrl-A sends one Ctrl-A; by
 * anything else, both bytes are dropped. Every other byte is sent. Pure.
 */
enum console_key console_escape_feed(struct console_escape *esc, uint8_t c,
				     uint8_t *out);

/* The text for CONSOLE_KEY_HELP, lines ending in "\r\n" (a raw terminal). */
extern const char console_help[];

#endif /* MINIVM_RUN_CONSOLE_H */
