// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O thread (see iothread.h): poll() on stdin, the two device
 * timers and a wake-up eventfd; each event handled under the devices'
 * lock by the pure code of iodispatch.c.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "compiler.h"
#include "exitcode.h"
#include "iothread.h"
#include "util.h"

#define NSEC_PER_SEC	1000000000LL

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Arm @t for @next (absolute, its clock), unless it already is. */
static void arm(struct io_timer *t, int64_t next)
{
	struct itimerspec its = { 0 };

	if (!io_timer_update(t, next))
		return;
	if (next != IO_NO_DEADLINE) {
		/* A zero it_value would disarm: a deadline long past is 1 ns. */
		if (next <= 0)
			next = 1;
		its.it_value.tv_sec = next / NSEC_PER_SEC;
		its.it_value.tv_nsec = next % NSEC_PER_SEC;
	}
	if (timerfd_settime(t->fd, TFD_TIMER_ABSTIME, &its, NULL))
		die(STATUS_OS_ERROR, "timerfd_settime: %s", strerror(errno));
}

static void rearm(struct iothread *io)
{
	arm(&io->pit_timer, io_pit_deadline(&io->dev));
	arm(&io->rtc_timer, io_rtc_deadline(&io->dev));
}

static void wake(struct iothread *io)
{
	uint64_t one = 1;

	/* EAGAIN: the counter is already non-zero, a wake-up is pending. */
	if (write(io->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		die(STATUS_OS_ERROR, "cannot signal the I/O thread: %s", strerror(errno));
}

/* Raw text on stderr: the help, which has its own line ends. */
static void say(const char *text)
{
	ssize_t n = write(STDERR_FILENO, text, strlen(text));

	(void)n;	/* nobody to tell */
}

/* Empty a non-blocking timerfd or eventfd. */
static void drain(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof(n)) == sizeof(n))
		;
}

void iothread_lock(struct iothread *io)
{
	if (io)
		pthread_mutex_lock(&io->lock);
}

void iothread_unlock(struct iothread *io)
{
	if (io)
		pthread_mutex_unlock(&io->lock);
}

void iothread_devices_changed(struct iothread *io)
{
	if (!io)
		return;
	io_rx_feed(&io->dev);
	rearm(io);
	if (io->in_paused && io_rx_room(&io->dev)) {
		io->in_paused = false;
		wake(io);
	}
}

/*
 * stdin is readable (or at its end). Returns the command the input held.
 * Reads no more than the queue has room for, so nothing typed is lost.
 */
static unsigned int read_input(struct iothread *io)
{
	uint8_t buf[512];
	size_t room = io_rx_room(&io->dev);
	ssize_t n;

	if (room > sizeof(buf))
		room = sizeof(buf);
	n = read(io->in_fd, buf, room);
	if (n > 0)
		return io_input(&io->dev, buf, n);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	/* The end of a file or pipe, a terminal hung up: no more input. */
	pr_verbose("no more input on stdin (%s)", n ? strerror(errno) : "end of file");
	io->in_fd = -1;
	return 0;
}

enum { PFD_WAKE, PFD_PIT, PFD_RTC, PFD_IN, PFD_NR };

static void *iothread_main(void *arg)
{
	struct iothread *io = arg;
	struct pollfd p[PFD_NR];

	while (!atomic_load(&io->stop)) {
		unsigned int cmd = 0;
		int64_t now = now_ns();
		nfds_t n = PFD_IN;
		int ret;

		p[PFD_WAKE] = (struct pollfd) { .fd = io->wake_fd, .events = POLLIN };
		p[PFD_PIT] = (struct pollfd) { .fd = io->pit_timer.fd, .events = POLLIN };
		p[PFD_RTC] = (struct pollfd) { .fd = io->rtc_timer.fd, .events = POLLIN };
		pthread_mutex_lock(&io->lock);
		if (io->in_fd >= 0 && !io->in_paused) {
			p[PFD_IN] = (struct pollfd) { .fd = io->in_fd, .events = POLLIN };
			n++;
		}
		pthread_mutex_unlock(&io->lock);

		ret = poll(p, n, io_kick_timeout_ms(now, io->last_kick, io->kick_interval));
		if (ret < 0 && errno != EINTR)
			die(STATUS_OS_ERROR, "poll in the I/O thread: %s", strerror(errno));
		if (atomic_load(&io->stop))
			break;

		pthread_mutex_lock(&io->lock);
		if (ret > 0) {
			if (p[PFD_WAKE].revents)
				drain(io->wake_fd);
			if (p[PFD_PIT].revents) {
				drain(io->pit_timer.fd);
				io_timer_fired(&io->pit_timer);
			}
			if (p[PFD_RTC].revents) {
				drain(io->rtc_timer.fd);
				io_timer_fired(&io->rtc_timer);
			}
			if (p[PFD_PIT].revents || p[PFD_RTC].revents)
				io_timers_expired(&io->dev);
			if (n > PFD_IN && p[PFD_IN].revents)
				cmd = read_input(io);
		}
		if (cmd & IO_CMD_QUIT)
			io->in_fd = -1;		/* the rest is for a guest going away */
		rearm(io);
		if (!io_rx_room(&io->dev))
			io->in_paused = true;
		pthread_mutex_unlock(&io->lock);

		if (cmd & IO_CMD_HELP)
			say(console_help);
		/*
		 * Ctrl-A x is the Ctrl-C that raw mode gave the guest: the
		 * vCPU thread stops as for a SIGINT and minivm-run dies of it.
		 */
		if (cmd & IO_CMD_QUIT) {
			pr_verbose("quit: Ctrl-A x");
			pthread_kill(io->vcpu, SIGINT);
		}

		now = now_ns();
		if (io_kick_due(now, io->last_kick, io->kick_interval)) {
			io->last_kick = now;
			pthread_kill(io->vcpu, SIGUSR1);
		}
	}
	return NULL;
}

void iothread_init(struct iothread *io, const struct io_devices *dev,
		   int in_fd, bool escape, int64_t kick_interval)
{
	memset(io, 0, sizeof(*io));
	pthread_mutex_init(&io->lock, NULL);
	io->dev = *dev;
	io->dev.rx.len = 0;
	io->dev.escape = escape;
	io->dev.esc.armed = false;
	io->in_fd = in_fd;
	io->vcpu = pthread_self();
	io->kick_interval = kick_interval;
	io->last_kick = now_ns();
	atomic_init(&io->stop, false);

	io->pit_timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	io->rtc_timer.fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	io->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (io->pit_timer.fd < 0 || io->rtc_timer.fd < 0 || io->wake_fd < 0)
		die(STATUS_OS_ERROR, "cannot create the I/O thread's timers: %s",
		    strerror(errno));
	io->pit_timer.armed = IO_NO_DEADLINE;
	io->rtc_timer.armed = IO_NO_DEADLINE;
	rearm(io);
}

void iothread_start(struct iothread *io)
{
	sigset_t block, old;
	int ret;

	/*
	 * SIGINT and SIGTERM must reach the vCPU thread, whose handler makes
	 * RUN return; SIGUSR1 is the kick meant for it. The new thread
	 * inherits this mask.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	ret = pthread_create(&io->thread, NULL, iothread_main, io);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		die(STATUS_OS_ERROR, "cannot start the I/O thread: %s", strerror(ret));
	io->started = true;
}

void iothread_stop(struct iothread *io)
{
	if (!io->started)
		return;
	atomic_store(&io->stop, true);
	wake(io);
	pthread_join(io->thread, NULL);
	io->started = false;
	close(io->pit_timer.fd);
	close(io->rtc_timer.fd);
	close(io->wake_fd);
	pthread_mutex_destroy(&io->lock);
}
