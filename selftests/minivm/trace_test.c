// SPDX-License-Identifier: GPL-2.0
/*
 * minivm's tracepoints (trace system "minivm", Documentation/tracing.rst)
 * as tracefs shows them: every event is there with a format that perf and
 * trace-cmd can parse; a real-mode guest's OUTs and HLT come out as the
 * entries, exits and userspace exits they are, with the ports, sizes and
 * RIPs the guest used; a 64-bit guest with the in-kernel irqchip shows an
 * APIC timer that fires while the vCPU sleeps in HLT, the interrupts and
 * the exception injected into it, the EPT violations of its APIC page and
 * an IRQ line; and an event filter on a field keeps only what it names.
 *
 * Each test records into a trace instance of its own
 * (instances/minivm_trace_test.PID), so the global buffer and whatever
 * else traces on the machine are left alone. tracefs is used where it is
 * mounted, else mounted on /sys/kernel/tracing; without it (a kernel
 * without CONFIG_TRACING) the tests skip.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

static const char *const minivm_events[] = {
	"minivm_entry", "minivm_exit", "minivm_userspace_exit",
	"minivm_inj_virq", "minivm_inj_exception", "minivm_inj_nmi",
	"minivm_ept_violation", "minivm_halt_sleep", "minivm_halt_wake",
	"minivm_apic_timer", "minivm_irq_line",
};

/* ---- tracefs ---- */

/* The tracefs mount, found or made; NULL without one. */
static const char *tracefs_root(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/instances", dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
	}
	/* The mount point exists whenever the kernel has tracefs. */
	if (!mount("nodev", dirs[0], "tracefs", 0, NULL))
		return dirs[0];
	return NULL;
}

static int write_file(const char *dir, const char *file, const char *s)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* The whole of a tracefs file, NUL-terminated (malloc'ed); NULL on error. */
static char *read_file(const char *dir, const char *file)
{
	size_t len = 0, size = 1 << 16;
	char path[256], *buf = malloc(size);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, size - len - 1)) > 0) {
		len += n;
		if (size - len - 1 == 0) {
			char *bigger = realloc(buf, size * 2);

			if (!bigger)
				break;
			buf = bigger;
			size *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* ---- the recorded events ---- */

struct event {
	char name[32];		/* "minivm_exit" */
	char fields[256];	/* "vcpu=0 reason=HLT ..." */
};

struct events {
	struct event *ev;
	unsigned int n;
};

/*
 * The minivm events of a "trace" file, in order. A line is
 * "TASK-PID [CPU] FLAGS TIMESTAMP: NAME: FIELDS".
 */
static void parse_trace(const char *text, struct events *out)
{
	const char *line = text, *next, *p, *colon;
	unsigned int cap = 0;

	out->ev = NULL;
	out->n = 0;
	for (; *line; line = next) {
		struct event *e;

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (*line == '#')
			continue;
		p = strstr(line, ": minivm_");
		if (!p || p > next)
			continue;
		p += 2;
		colon = strchr(p, ':');
		if (!colon || colon > next)
			continue;
		if (out->n == cap) {
			cap = cap ? 2 * cap : 256;
			out->ev = realloc(out->ev, cap * sizeof(*out->ev));
			if (!out->ev)
				abort();
		}
		e = &out->ev[out->n++];
		snprintf(e->name, sizeof(e->name), "%.*s", (int)(colon - p), p);
		p = colon + 1;
		while (*p == ' ')
			p++;
		snprintf(e->fields, sizeof(e->fields), "%.*s",
			 (int)(next - p - (next[-1] == '\n')), p);
	}
}

/* The text of field @key ("reason") of @e, up to the next blank. */
static bool field_str(const struct event *e, const char *key, char *val,
		      size_t len)
{
	size_t klen = strlen(key);
	const char *p = e->fields;

	while ((p = strstr(p, key))) {
		if ((p == e->fields || p[-1] == ' ') && p[klen] == '=') {
			p += klen + 1;
			snprintf(val, len, "%.*s", (int)strcspn(p, " "), p);
			return true;
		}
		p += klen;
	}
	return false;
}

/* Field @key as a number (decimal or 0x...); ~0 when it is not there. */
static uint64_t field(const struct event *e, const char *key)
{
	char val[64];

	if (!field_str(e, key, val, sizeof(val)))
		return ~0ULL;
	return strtoull(val, NULL, 0);
}

static bool field_is(const struct event *e, const char *key, const char *want)
{
	char val[64];

	return field_str(e, key, val, sizeof(val)) && !strcmp(val, want);
}

static bool is(const struct event *e, const char *name)
{
	return !strcmp(e->name, name);
}

/* How many events are @name with field @key equal to @val (NULL: any). */
static unsigned int count(const struct events *evs, const char *name,
			  const char *key, const char *val)
{
	unsigned int i, n = 0;

	for (i = 0; i < evs->n; i++)
		if (is(&evs->ev[i], name) &&
		    (!key || field_is(&evs->ev[i], key, val)))
			n++;
	return n;
}

/* Injections of @vector (as printed), first-time or re-injected ones. */
static unsigned int injected(const struct events *evs, const char *name,
			     const char *vector, bool reinjected)
{
	unsigned int i, n = 0;

	for (i = 0; i < evs->n; i++)
		if (is(&evs->ev[i], name) &&
		    field_is(&evs->ev[i], "vector", vector) &&
		    field(&evs->ev[i], "reinjected") == reinjected)
			n++;
	return n;
}

static void dump(const struct events *evs)
{
	unsigned int i;

	for (i = 0; i < evs->n; i++)
		fprintf(stderr, "#   %s: %s\n", evs->ev[i].name,
			evs->ev[i].fields);
}

/* ---- the fixture: a trace instance with the minivm events on ---- */

FIXTURE(trace) {
	char inst[192];		/* the instance's directory, "" if none */
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
	struct events evs;
};

FIXTURE_SETUP(trace)
{
	const char *root;
	char name[64];

	MINIVM_REQUIRE();
	root = tracefs_root();
	if (!root)
		SKIP(longjmp(_metadata->env, 1),
		     "no tracefs (a kernel without CONFIG_TRACING?)");
	snprintf(self->inst, sizeof(self->inst),
		 "%s/instances/minivm_trace_test.%d", root, getpid());
	ASSERT_EQ(0, mkdir(self->inst, 0700))
		TH_LOG("mkdir %s: %s", self->inst, strerror(errno));
	/* one clock for all CPUs: the vCPU thread moves between them */
	ASSERT_EQ(0, write_file(self->inst, "trace_clock", "global"));
	snprintf(name, sizeof(name), "events/minivm/enable");
	ASSERT_EQ(0, write_file(self->inst, name, "1"))
		TH_LOG("%s/%s: %s (minivm.ko built without tracepoints?)",
		       self->inst, name, strerror(errno));
}

FIXTURE_TEARDOWN(trace)
{
	vm_free(self->vm);
	free(self->evs.ev);
	if (self->inst[0]) {
		write_file(self->inst, "events/minivm/enable", "0");
		rmdir(self->inst);
	}
}

/* Stop recording and parse what the instance holds. */
static void collect(struct __test_metadata *_metadata,
		    FIXTURE_DATA(trace) *self)
{
	char *text;

	ASSERT_EQ(0, write_file(self->inst, "events/minivm/enable", "0"));
	text = read_file(self->inst, "trace");
	ASSERT_NE(NULL, text);
	parse_trace(text, &self->evs);
	free(text);
}

/* Every event, with a format that names its fields (perf, trace-cmd). */
TEST_F(trace, events_and_formats)
{
	char file[128], *fmt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(minivm_events); i++) {
		snprintf(file, sizeof(file), "events/minivm/%s/format",
			 minivm_events[i]);
		fmt = read_file(self->inst, file);
		ASSERT_NE(NULL, fmt) TH_LOG("no %s", file);
		EXPECT_NE(NULL, strstr(fmt, "print fmt:")) TH_LOG("%s", file);
		EXPECT_NE(NULL, strstr(fmt, "field:")) TH_LOG("%s", file);
		free(fmt);
	}
}

/* ---- a real-mode guest: four OUTs of a byte to 0x80, a word to 0x3f8, HLT ---- */

#define N_OUT80		4

GUEST_CODE16(trace_outs,
	     "	mov $0x3f8, %dx\n\t"
	     "	mov $0x4142, %ax\n\t"
	     "guest_trace_outs_out0:\n\t"
	     "	out %al, $0x80\n\t"
	     "	out %al, $0x80\n\t"
	     "	out %al, $0x80\n\t"
	     "	out %al, $0x80\n\t"
	     "guest_trace_outs_out3f8:\n\t"
	     "	out %ax, %dx\n\t"
	     "guest_trace_outs_hlt:\n\t"
	     "	hlt\n\t");
GUEST_LABEL(trace_outs, out0);
GUEST_LABEL(trace_outs, out3f8);
GUEST_LABEL(trace_outs, hlt);

static void run_outs(struct __test_metadata *_metadata,
		     FIXTURE_DATA(trace) *self)
{
	unsigned int i;

	self->vm = vm_create_guest(GUEST(trace_outs), &self->vcpu);
	for (i = 0; i < N_OUT80; i++)
		ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x80, 1);
	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x3f8, 2);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

TEST_F(trace, outs_and_hlt)
{
	const struct events *evs = &self->evs;
	unsigned int i, n_user = 0, n_entry = 0, n_out = 0;
	uint64_t hlt_rip = GUEST_GPA(trace_outs, hlt);

	run_outs(_metadata, self);
	collect(_metadata, self);

	for (i = 0; i < evs->n; i++) {
		const struct event *e = &evs->ev[i];

		if (is(e, "minivm_entry")) {
			/* the first entry is at the reset RIP */
			if (!n_entry++)
				EXPECT_EQ(GUEST_CODE_GPA, field(e, "rip"))
					TH_LOG("first entry: %s", e->fields);
			EXPECT_EQ(0, field(e, "vcpu"));
		} else if (is(e, "minivm_exit") && field_is(e, "to", "user")) {
			/*
			 * Each exit to userspace is followed by its
			 * userspace exit before the next entry.
			 */
			ASSERT_LT(i + 1, evs->n);
			EXPECT_STREQ("minivm_userspace_exit", evs->ev[i + 1].name);
			if (n_user < N_OUT80 + 1) {
				EXPECT_TRUE(field_is(e, "reason", "IO_INSTRUCTION"));
				EXPECT_EQ(n_user < N_OUT80 ?
					  GUEST_GPA(trace_outs, out0) + 2 * n_user :
					  GUEST_GPA(trace_outs, out3f8),
					  field(e, "rip"));
				/* the port is bits 31:16 of the qualification */
				EXPECT_EQ(n_user < N_OUT80 ? 0x80 : 0x3f8,
					  field(e, "qual") >> 16);
			} else {
				EXPECT_TRUE(field_is(e, "reason", "HLT"));
				EXPECT_EQ(hlt_rip, field(e, "rip"));
			}
			n_user++;
		} else if (is(e, "minivm_userspace_exit")) {
			EXPECT_EQ(0, field(e, "vcpu"));
			EXPECT_EQ(0, field(e, "err"));
			if (n_out < N_OUT80 + 1) {
				EXPECT_TRUE(field_is(e, "reason", "IO"));
				EXPECT_EQ(n_out < N_OUT80 ? 0x80 : 0x3f8,
					  field(e, "port"));
				EXPECT_EQ(n_out < N_OUT80 ? 1 : 2,
					  field(e, "size"));
				EXPECT_TRUE(field_is(e, "dir", "out"));
				EXPECT_EQ(1, field(e, "count"));
			} else {
				EXPECT_TRUE(field_is(e, "reason", "HLT"));
			}
			n_out++;
		}
	}
	/* five OUTs and the HLT, each entered, exited and seen by us */
	EXPECT_EQ(N_OUT80 + 2, n_user);
	EXPECT_EQ(N_OUT80 + 2, n_out);
	EXPECT_EQ(N_OUT80 + 2, count(evs, "minivm_userspace_exit", NULL, NULL));
	EXPECT_GE(n_entry, N_OUT80 + 2);
	/* the code page was mapped on the first touch: an EPT violation */
	EXPECT_LE(1, count(evs, "minivm_ept_violation", "kind", "ram"));
	EXPECT_LE(1, count(evs, "minivm_exit", "reason", "EPT_VIOLATION"));
	EXPECT_EQ(count(evs, "minivm_exit", "to", "kernel"),
		  count(evs, "minivm_exit", NULL, NULL) - n_user);
	/* no interrupts or exceptions in this guest */
	EXPECT_EQ(0, count(evs, "minivm_inj_virq", NULL, NULL));
	EXPECT_EQ(0, count(evs, "minivm_inj_exception", NULL, NULL));
	if (!_metadata->passed)
		dump(evs);
}

/* A filter on a field keeps only the events it names. */
TEST_F(trace, filter_on_port)
{
	unsigned int i;

	ASSERT_EQ(0, write_file(self->inst,
				"events/minivm/minivm_userspace_exit/filter",
				"port == 0x3f8"));
	run_outs(_metadata, self);
	collect(_metadata, self);
	EXPECT_EQ(1, count(&self->evs, "minivm_userspace_exit", NULL, NULL));
	for (i = 0; i < self->evs.n; i++)
		if (is(&self->evs.ev[i], "minivm_userspace_exit"))
			EXPECT_EQ(0x3f8, field(&self->evs.ev[i], "port"));
	EXPECT_LE(N_OUT80 + 2, count(&self->evs, "minivm_entry", NULL, NULL));
}

/* ---- a 64-bit guest with the in-kernel irqchip ---- */

#define APIC_GVA		0x3fe00000UL
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ICR_LOW		0x300
#define APIC_LVT_TIMER		0x320
#define APIC_TIMER_ICR		0x380
#define APIC_TIMER_DCR		0x3e0
#define TIMER_VEC		0x40
#define IPI_VEC			0x43
#define GP_ERROR_CODE		0x18

static void apic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)(APIC_GVA + reg) = val;
}

/*
 * A 20 ms one-shot APIC timer slept out in HLT, a #GP the host injects
 * at the GUEST_SYNC, a self-IPI taken after STI.
 */
static void __attribute__((used)) guest_irq_main(void)
{
	uint32_t a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
		     : "a"(0x40000010), "c"(0));
	apic_write(APIC_SVR, 0x1ff);
	apic_write(APIC_TIMER_DCR, 0xb);		/* divide by 1 */
	apic_write(APIC_LVT_TIMER, TIMER_VEC);
	apic_write(APIC_TIMER_ICR, b * 20);		/* kHz * 20: 20 ms */
	asm volatile("sti; hlt; cli");
	apic_write(APIC_EOI, 0);
	GUEST_SYNC(1);
	apic_write(APIC_ICR_LOW, IPI_VEC | 1U << 18);	/* self */
	asm volatile("sti; nop; cli");
	apic_write(APIC_EOI, 0);
	GUEST_DONE();
}

TEST_F(trace, interrupts_exceptions_and_halt)
{
	struct minivm_vcpu_events ev = { 0 };
	struct minivm_irq_level line = { .irq = 4, .level = 1 };
	const struct events *evs = &self->evs;
	struct ucall uc;
	unsigned int i;

	self->vm = vm_create_64_irqchip(&self->vcpu, guest_irq_main);
	vm_map_page(self->vm, APIC_GVA, MINIVM_LAPIC_GPA, PTE_P | PTE_W);
	vm_handle_exception(self->vm, TIMER_VEC, true, 0);
	vm_handle_exception(self->vm, IPI_VEC, true, 0);
	vm_handle_exception(self->vm, GP_VECTOR, true, 0);

	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EQ(TIMER_VEC, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	/* an unrouted pin: only the event shows it */
	ASSERT_EQ(0, ioctl(self->vm->fd, MINIVM_IRQ_LINE, &line));
	ev.exception.injected = 1;
	ev.exception.nr = GP_VECTOR;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = GP_ERROR_CODE;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, MINIVM_SET_VCPU_EVENTS, &ev));
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EQ(GP_VECTOR, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EQ(IPI_VEC, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
	collect(_metadata, self);

	/* the timer, and the halt it ended */
	EXPECT_LE(1, count(evs, "minivm_exit", "reason", "HLT"));
	for (i = 0; i < evs->n; i++)
		if (is(&evs->ev[i], "minivm_exit") &&
		    field_is(&evs->ev[i], "reason", "HLT"))
			EXPECT_TRUE(field_is(&evs->ev[i], "to", "kernel"));
	EXPECT_EQ(1, count(evs, "minivm_apic_timer", "vcpu", "0"));
	EXPECT_LE(1, count(evs, "minivm_halt_sleep", "vcpu", "0"));
	EXPECT_EQ(1, count(evs, "minivm_halt_wake", "vcpu", "0"));
	/*
	 * Both interrupts and the #GP with its error code, injected once
	 * each; an EPT violation during the delivery (the IDT, the handler
	 * or the stack touched for the first time) re-injects the same.
	 */
	EXPECT_EQ(1, injected(evs, "minivm_inj_virq", "0x40", false));
	EXPECT_EQ(1, injected(evs, "minivm_inj_virq", "0x43", false));
	EXPECT_EQ(1, injected(evs, "minivm_inj_exception", "GP", false));
	EXPECT_EQ(count(evs, "minivm_inj_virq", NULL, NULL),
		  2 + injected(evs, "minivm_inj_virq", "0x40", true) +
		  injected(evs, "minivm_inj_virq", "0x43", true));
	EXPECT_EQ(count(evs, "minivm_inj_exception", NULL, NULL),
		  1 + injected(evs, "minivm_inj_exception", "GP", true));
	for (i = 0; i < evs->n; i++) {
		const struct event *e = &evs->ev[i];

		if (!is(e, "minivm_inj_exception"))
			continue;
		EXPECT_EQ(1, field(e, "has_error"));
		EXPECT_EQ(GP_ERROR_CODE, field(e, "error_code"));
	}
	/* APIC accesses: EPT violations the emulator handles in the kernel */
	EXPECT_LE(5, count(evs, "minivm_ept_violation", "kind", "mmio"));
	for (i = 0; i < evs->n; i++) {
		const struct event *e = &evs->ev[i];

		if (is(e, "minivm_ept_violation") && field_is(e, "kind", "mmio"))
			EXPECT_EQ(MINIVM_LAPIC_GPA, field(e, "gpa") & ~0xfffULL);
	}
	EXPECT_EQ(1, count(evs, "minivm_irq_line", "pin", "4"));
	EXPECT_EQ(0, count(evs, "minivm_inj_nmi", NULL, NULL));
	if (!_metadata->passed)
		dump(evs);
}

TEST_HARNESS_MAIN
