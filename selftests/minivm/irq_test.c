// SPDX-License-Identifier: GPL-2.0
/*
 * minivm's in-kernel irqchip with 64-bit guests: the local APIC timer in
 * one-shot, periodic and TSC-deadline mode waking a vCPU that sleeps in
 * HLT in the kernel, I/O APIC pins driven by MINIVM_IRQ_LINE (edge,
 * level with EOI re-delivery, masked), the interrupt window after CLI,
 * self-IPIs, NMIs, a halted vCPU woken from another thread and one that
 * stays halted across a signal, HLT with interrupts off reaching
 * userspace, what CPUID says about the APIC and its clock, and the
 * errors of the irqchip ioctls.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

/* The APIC and I/O APIC pages, mapped into the guest's low 1 GiB. */
#define APIC_GVA		0x3fe00000UL
#define IOAPIC_GVA		0x3fe01000UL

#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ISR		0x100
#define APIC_ICR_LOW		0x300
#define APIC_LVT_TIMER		0x320
#define APIC_TIMER_ICR		0x380
#define APIC_TIMER_CCR		0x390
#define APIC_TIMER_DCR		0x3e0
#define MSR_TSC_DEADLINE	0x6e0

#define TIMER_VEC		0x40
#define EDGE_VEC		0x41
#define LEVEL_VEC		0x42
#define IPI_VEC			0x43
#define NMI_VECTOR_NR		2
#define EDGE_PIN		4
#define LEVEL_PIN		5

enum {
	G_ONESHOT, G_PERIODIC, G_DEADLINE, G_EDGE, G_LEVEL, G_MASKED,
	G_WINDOW, G_SELF_IPI, G_NMI, G_HALT_FOREVER, G_HALT_IF, G_CLOCK,
};

static uint32_t apic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(APIC_GVA + reg);
}

static void apic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)(APIC_GVA + reg) = val;
}

static void ioapic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)IOAPIC_GVA = reg;
	*(volatile uint32_t *)(IOAPIC_GVA + 0x10) = val;
}

/* Redirection entry for @pin: @vector to APIC 0, unmasked unless told. */
static void ioapic_route(unsigned int pin, uint8_t vector, bool level,
			 bool masked)
{
	ioapic_write(0x11 + 2 * pin, 0);
	ioapic_write(0x10 + 2 * pin, vector | (level ? 1U << 15 : 0) |
		     (masked ? 1U << 16 : 0));
}

static uint64_t guest_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* kHz of the TSC and the APIC timer (the minivm timing leaf). */
static void guest_timing(uint32_t *tsc_khz, uint32_t *apic_khz)
{
	uint32_t a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
		     : "a"(0x40000010), "c"(0));
	*tsc_khz = a;
	*apic_khz = b;
}

static void __attribute__((used)) guest_irq_main(uint64_t which)
{
	uint32_t tsc_khz, apic_khz, lo, hi;
	uint64_t t0, deadline;
	int i;

	guest_timing(&tsc_khz, &apic_khz);
	apic_write(APIC_SVR, 0x1ff);		/* software enable */
	t0 = guest_rdtsc();
	switch (which) {
	case G_ONESHOT:
		apic_write(APIC_TIMER_DCR, 0xb);	/* divide by 1 */
		apic_write(APIC_LVT_TIMER, TIMER_VEC);
		apic_write(APIC_TIMER_ICR, apic_khz * 20);	/* 20 ms */
		GUEST_ASSERT(apic_read(APIC_TIMER_CCR) != 0);
		asm volatile("sti; hlt; cli");
		apic_write(APIC_EOI, 0);
		GUEST_SYNC(apic_read(APIC_TIMER_CCR));
		GUEST_SYNC((guest_rdtsc() - t0) / tsc_khz);	/* ms */
		break;
	case G_PERIODIC:
		apic_write(APIC_TIMER_DCR, 0x3);	/* divide by 16 */
		apic_write(APIC_LVT_TIMER, TIMER_VEC | 1U << 17);
		apic_write(APIC_TIMER_ICR, apic_khz / 16 * 2);	/* 2 ms */
		for (i = 0; i < 5; i++) {
			asm volatile("sti; hlt; cli");
			apic_write(APIC_EOI, 0);
		}
		apic_write(APIC_LVT_TIMER, 1U << 16);	/* masked */
		GUEST_SYNC((guest_rdtsc() - t0) / tsc_khz);
		break;
	case G_DEADLINE:
		apic_write(APIC_LVT_TIMER, TIMER_VEC | 2U << 17);
		/*
		 * Far enough out that the RDMSR below comes first, even on
		 * a slow host (the rig's debug kernel took over 10 ms).
		 */
		deadline = guest_rdtsc() + (uint64_t)tsc_khz * 100;
		asm volatile("wrmsr" : : "c"(MSR_TSC_DEADLINE),
			     "a"((uint32_t)deadline),
			     "d"((uint32_t)(deadline >> 32)));
		asm volatile("rdmsr" : "=a"(lo), "=d"(hi)
			     : "c"(MSR_TSC_DEADLINE));
		GUEST_ASSERT_EQ(((uint64_t)hi << 32) | lo, deadline);
		asm volatile("sti; hlt; cli");
		apic_write(APIC_EOI, 0);
		GUEST_ASSERT(guest_rdtsc() >= deadline);
		asm volatile("rdmsr" : "=a"(lo), "=d"(hi)
			     : "c"(MSR_TSC_DEADLINE));
		GUEST_SYNC(((uint64_t)hi << 32) | lo);	/* 0 once fired */
		break;
	case G_EDGE:
		ioapic_route(EDGE_PIN, EDGE_VEC, false, false);
		GUEST_SYNC(0);			/* the host raises the pin */
		asm volatile("sti; hlt; cli");
		apic_write(APIC_EOI, 0);
		break;
	case G_LEVEL:
		ioapic_route(LEVEL_PIN, LEVEL_VEC, true, false);
		GUEST_SYNC(0);			/* the host raises the pin */
		asm volatile("sti; hlt; cli");
		apic_write(APIC_EOI, 0);	/* still high: again */
		asm volatile("sti; hlt; cli");
		apic_write(APIC_EOI, 0);	/* lowered by now */
		asm volatile("sti; nop; nop; cli");
		break;
	case G_MASKED:
		ioapic_route(EDGE_PIN, EDGE_VEC, false, true);
		GUEST_SYNC(0);			/* the host raises the pin */
		for (i = 0; i < 1000; i++)
			asm volatile("sti; nop; cli");
		break;
	case G_WINDOW:
		ioapic_route(EDGE_PIN, EDGE_VEC, false, false);
		GUEST_SYNC(1);			/* the host raises the pin */
		for (i = 0; i < 1000; i++)
			asm volatile("nop");
		GUEST_SYNC(2);			/* IF = 0: nothing yet */
		asm volatile("sti; nop; cli");	/* taken here */
		apic_write(APIC_EOI, 0);
		GUEST_SYNC(3);
		break;
	case G_SELF_IPI:
		apic_write(APIC_ICR_LOW, IPI_VEC | 1U << 18);	/* self */
		GUEST_SYNC(apic_read(APIC_ISR + 0x10 * (IPI_VEC / 32)) &
			   (1U << (IPI_VEC % 32)));	/* not taken: IF = 0 */
		asm volatile("sti; nop; cli");
		apic_write(APIC_EOI, 0);
		break;
	case G_NMI:
		GUEST_SYNC(0);			/* the host sends an NMI */
		for (i = 0; i < 1000; i++)
			asm volatile("nop");
		break;
	case G_HALT_FOREVER:
		asm volatile("cli; hlt");
		GUEST_SYNC(0x600d);
		break;
	case G_HALT_IF:
		ioapic_route(EDGE_PIN, EDGE_VEC, false, false);
		asm volatile("sti; hlt; cli");
		apic_write(APIC_EOI, 0);
		break;
	case G_CLOCK:
		/* 200 ms of guest time three ways; the host times each. */
		GUEST_SYNC(0);
		t0 = guest_rdtsc();
		while (guest_rdtsc() - t0 < (uint64_t)tsc_khz * 200)
			;			/* running */
		GUEST_SYNC(1);
		apic_write(APIC_LVT_TIMER, TIMER_VEC | 2U << 17);
		deadline = guest_rdtsc() + (uint64_t)tsc_khz * 200;
		asm volatile("wrmsr" : : "c"(MSR_TSC_DEADLINE),
			     "a"((uint32_t)deadline),
			     "d"((uint32_t)(deadline >> 32)));
		asm volatile("sti; hlt; cli");	/* halted, TSC deadline */
		apic_write(APIC_EOI, 0);
		GUEST_SYNC(2);
		apic_write(APIC_LVT_TIMER, TIMER_VEC);
		apic_write(APIC_TIMER_DCR, 0xb);
		apic_write(APIC_TIMER_ICR, apic_khz * 200);
		asm volatile("sti; hlt; cli");	/* halted, one-shot */
		apic_write(APIC_EOI, 0);
		GUEST_SYNC(3);
		break;
	}
	GUEST_DONE();
}

FIXTURE(irq) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

FIXTURE_SETUP(irq)
{
	int fd;

	MINIVM_REQUIRE();
	fd = minivm_open();
	ASSERT_EQ(1, minivm_check_extension(fd, MINIVM_CAP_IRQCHIP));
	close(fd);
}

FIXTURE_TEARDOWN(irq)
{
	vm_free(self->vm);
}

static void start(FIXTURE_DATA(irq) *self, uint64_t which)
{
	self->vm = vm_create_64_irqchip(&self->vcpu, guest_irq_main);
	vm_map_page(self->vm, APIC_GVA, MINIVM_LAPIC_GPA, PTE_P | PTE_W);
	vm_map_page(self->vm, IOAPIC_GVA, MINIVM_IOAPIC_GPA, PTE_P | PTE_W);
	vcpu_args_set(self->vcpu, which, 0);
}

static int irq_line(struct minivm_vm *vm, uint32_t irq, uint32_t level)
{
	struct minivm_irq_level l = { .irq = irq, .level = level };

	return ioctl(vm->fd, MINIVM_IRQ_LINE, &l);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* The next exit is the guest's handler reporting interrupt @vector. */
#define ASSERT_INTERRUPT(vcpu, vector) do {				\
	struct ucall __u;						\
	ASSERT_RUN_UCALL(vcpu, &__u, UCALL_EXCEPTION);			\
	ASSERT_EQ((vector), __u.args[0]);				\
} while (0)

TEST_F(irq, apic_timer_one_shot_wakes_hlt)
{
	struct ucall uc;
	uint64_t t0;

	start(self, G_ONESHOT);
	vm_handle_exception(self->vm, TIMER_VEC, true, 0);
	t0 = mono_ms();
	ASSERT_INTERRUPT(self->vcpu, TIMER_VEC);
	/* slept in the kernel for the 20 ms, not in userspace */
	EXPECT_GE(mono_ms() - t0, 20);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0, uc.args[0]);		/* the count ran out */
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_GE(uc.args[0], 20);		/* the guest's TSC agrees */
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(irq, apic_timer_periodic)
{
	struct ucall uc;
	uint64_t t0;
	int i;

	start(self, G_PERIODIC);
	vm_handle_exception(self->vm, TIMER_VEC, true, 0);
	t0 = mono_ms();
	for (i = 0; i < 5; i++)
		ASSERT_INTERRUPT(self->vcpu, TIMER_VEC);
	EXPECT_GE(mono_ms() - t0, 10);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_GE(uc.args[0], 10);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(irq, apic_timer_tsc_deadline)
{
	struct ucall uc;

	start(self, G_DEADLINE);
	vm_handle_exception(self->vm, TIMER_VEC, true, 0);
	ASSERT_INTERRUPT(self->vcpu, TIMER_VEC);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

/*
 * Guest time is host time: 200 ms by the guest's TSC, spinning, then
 * halted until a TSC-deadline and a one-shot timer 200 ms out, take
 * 200 ms of the host's CLOCK_MONOTONIC each (within -25%/+50%, for an
 * emulator's scheduling). A guest clock running at twice the host's
 * shows as 100 ms.
 */
TEST_F(irq, guest_time_is_host_time)
{
	static const char * const what[] = {
		"spinning on RDTSC", "halted to a TSC deadline",
		"halted to a one-shot timer",
	};
	uint64_t t[4];
	struct ucall uc;
	int i;

	start(self, G_CLOCK);
	vm_handle_exception(self->vm, TIMER_VEC, true, 0);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	t[0] = mono_ms();
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	t[1] = mono_ms();
	for (i = 2; i <= 3; i++) {
		ASSERT_INTERRUPT(self->vcpu, TIMER_VEC);
		ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
		ASSERT_EQ(i, uc.args[0]);
		t[i] = mono_ms();
	}
	for (i = 0; i < 3; i++) {
		uint64_t ms = t[i + 1] - t[i];

		TH_LOG("200 ms of guest time %s: %llu ms of the host's", what[i],
		       (unsigned long long)ms);
		EXPECT_GE(ms, 150);
		EXPECT_LE(ms, 300);
	}
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(irq, ioapic_edge)
{
	struct ucall uc;

	start(self, G_EDGE);
	vm_handle_exception(self->vm, EDGE_VEC, true, 0);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(0, irq_line(self->vm, EDGE_PIN, 1));
	ASSERT_EQ(0, irq_line(self->vm, EDGE_PIN, 0));
	ASSERT_INTERRUPT(self->vcpu, EDGE_VEC);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

/* A level line still high at the EOI interrupts again; once low, not. */
TEST_F(irq, ioapic_level_redelivered_after_eoi)
{
	struct ucall uc;

	start(self, G_LEVEL);
	vm_handle_exception(self->vm, LEVEL_VEC, true, 0);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(0, irq_line(self->vm, LEVEL_PIN, 1));
	ASSERT_INTERRUPT(self->vcpu, LEVEL_VEC);
	ASSERT_INTERRUPT(self->vcpu, LEVEL_VEC);
	ASSERT_EQ(0, irq_line(self->vm, LEVEL_PIN, 0));
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(irq, ioapic_masked_pin)
{
	struct ucall uc;

	start(self, G_MASKED);
	vm_handle_exception(self->vm, EDGE_VEC, true, 0);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(0, irq_line(self->vm, EDGE_PIN, 1));
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);	/* no interrupt */
}

/* Raised while the guest has IF = 0: taken right after its STI. */
TEST_F(irq, interrupt_window)
{
	struct ucall uc;

	start(self, G_WINDOW);
	vm_handle_exception(self->vm, EDGE_VEC, true, 0);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(1, uc.args[0]);
	ASSERT_EQ(0, irq_line(self->vm, EDGE_PIN, 1));
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(2, uc.args[0]);
	ASSERT_INTERRUPT(self->vcpu, EDGE_VEC);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(3, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(irq, self_ipi)
{
	struct ucall uc;

	start(self, G_SELF_IPI);
	vm_handle_exception(self->vm, IPI_VEC, true, 0);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0, uc.args[0]);
	ASSERT_INTERRUPT(self->vcpu, IPI_VEC);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(irq, nmi)
{
	struct ucall uc;

	start(self, G_NMI);
	vm_handle_exception(self->vm, NMI_VECTOR_NR, true, 0);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, MINIVM_NMI, 0));
	ASSERT_INTERRUPT(self->vcpu, NMI_VECTOR_NR);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

/* CLI; HLT: nothing can wake the vCPU, so userspace hears of it. */
TEST_F(irq, hlt_with_interrupts_off_exits)
{
	struct ucall uc;

	start(self, G_HALT_FOREVER);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0x600d, uc.args[0]);
}

struct raiser {
	struct minivm_vm *vm;
	unsigned int delay_ms;
};

static void *raise_later(void *arg)
{
	struct raiser *r = arg;
	struct timespec ts = { 0, r->delay_ms * 1000000L };

	nanosleep(&ts, NULL);
	irq_line(r->vm, EDGE_PIN, 1);
	irq_line(r->vm, EDGE_PIN, 0);
	return NULL;
}

/* A vCPU asleep in HLT in the kernel, woken by another thread's IRQ. */
TEST_F(irq, halted_vcpu_woken_by_another_thread)
{
	struct raiser r;
	struct ucall uc;
	pthread_t t;
	uint64_t t0;

	start(self, G_HALT_IF);
	vm_handle_exception(self->vm, EDGE_VEC, true, 0);
	r = (struct raiser){ self->vm, 50 };
	t0 = mono_ms();
	ASSERT_EQ(0, pthread_create(&t, NULL, raise_later, &r));
	ASSERT_INTERRUPT(self->vcpu, EDGE_VEC);
	EXPECT_GE(mono_ms() - t0, 50);
	pthread_join(t, NULL);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

static void on_alarm(int sig)
{
}

/* A signal ends RUN with EINTR; the vCPU is still halted afterwards. */
TEST_F(irq, halted_vcpu_stays_halted_across_a_signal)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerspec its = { .it_value = { 0, 30 * 1000000L } };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGALRM };
	struct ucall uc;
	timer_t tid;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	start(self, G_HALT_IF);
	vm_handle_exception(self->vm, EDGE_VEC, true, 0);
	ASSERT_EQ(0, timer_create(CLOCK_MONOTONIC, &sev, &tid));
	ASSERT_EQ(0, timer_settime(tid, 0, &its, NULL));
	EXPECT_EQ(-1, __vcpu_run(self->vcpu));
	EXPECT_EQ(EINTR, self->vcpu->run_errno);
	timer_delete(tid);
	/* still halted: the next RUN sleeps until the interrupt comes */
	ASSERT_EQ(0, irq_line(self->vm, EDGE_PIN, 1));
	ASSERT_INTERRUPT(self->vcpu, EDGE_VEC);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

/* CPUID with and without the irqchip; the timing leaves agree. */
TEST(cpuid_apic_and_timing)
{
	struct minivm_cpuid *c;
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	uint32_t i, leaf1_edx = 0, leaf1_ecx = 0, l15[4] = { 0 }, l10[2] = { 0 };
	int pass;

	MINIVM_REQUIRE();
	c = calloc(1, sizeof(*c) + MINIVM_MAX_CPUID_ENTRIES *
		   sizeof(c->entries[0]));
	ASSERT_NE(NULL, c);
	for (pass = 0; pass < 2; pass++) {
		vm = pass ? vm_create_64_irqchip(&vcpu, guest_irq_main) :
			    vm_create_64(&vcpu, guest_irq_main);
		c->nent = MINIVM_MAX_CPUID_ENTRIES;
		ASSERT_EQ(0, ioctl(vcpu->fd, MINIVM_GET_CPUID, c));
		for (i = 0; i < c->nent; i++) {
			struct minivm_cpuid_entry *e = &c->entries[i];

			if (e->function == 1) {
				leaf1_edx = e->edx;
				leaf1_ecx = e->ecx;
			} else if (e->function == 0x15) {
				memcpy(l15, &e->eax, sizeof(l15));
			} else if (e->function == MINIVM_CPUID_TIMING) {
				l10[0] = e->eax;
				l10[1] = e->ebx;
			}
		}
		/* the APIC (EDX 9) and TSC-deadline (ECX 24): irqchip only */
		EXPECT_EQ(pass, !!(leaf1_edx & (1U << 9)));
		EXPECT_EQ(pass, !!(leaf1_ecx & (1U << 24)));
		vm_free(vm);
	}
	/* TSC = crystal (ECX) * EBX / EAX; the timing leaf says it in kHz */
	ASSERT_NE(0, l15[0]);
	EXPECT_NE(0, l10[0]);
	EXPECT_EQ((uint64_t)l10[0] * 1000,
		  (uint64_t)l15[2] * l15[1] / l15[0]);
	EXPECT_EQ(l10[1], l15[2] / 1000);	/* the APIC timer: the crystal */
	free(c);
}

TEST(irqchip_ioctl_errors)
{
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;

	MINIVM_REQUIRE();
	vm = vm_create_barebones();
	EXPECT_ERRNO(ENXIO, irq_line(vm, 0, 1));
	EXPECT_ERRNO(EINVAL, ioctl(vm->fd, MINIVM_CREATE_IRQCHIP, 1));
	ASSERT_EQ(0, ioctl(vm->fd, MINIVM_CREATE_IRQCHIP, 0));
	EXPECT_ERRNO(EEXIST, ioctl(vm->fd, MINIVM_CREATE_IRQCHIP, 0));
	EXPECT_ERRNO(EINVAL, irq_line(vm, MINIVM_IOAPIC_PINS, 1));
	EXPECT_ERRNO(EINVAL, irq_line(vm, 0, 2));
	EXPECT_EQ(0, irq_line(vm, MINIVM_IOAPIC_PINS - 1, 1));
	EXPECT_ERRNO(EFAULT, ioctl(vm->fd, MINIVM_IRQ_LINE, (void *)8));
	vcpu = vm_vcpu_add(vm, 0);
	EXPECT_ERRNO(EINVAL, ioctl(vcpu->fd, MINIVM_NMI, 1));
	EXPECT_EQ(0, ioctl(vcpu->fd, MINIVM_NMI, 0));
	vm_free(vm);

	/* After a vCPU exists it is too late; without one, no NMI. */
	vm = vm_create_barebones();
	vcpu = vm_vcpu_add(vm, 0);
	EXPECT_ERRNO(EINVAL, ioctl(vm->fd, MINIVM_CREATE_IRQCHIP, 0));
	EXPECT_ERRNO(ENXIO, ioctl(vcpu->fd, MINIVM_NMI, 0));
	vm_free(vm);
}

/*
 * Interrupts from the VMM's own interrupt controller (no in-kernel
 * irqchip), in KVM's model: MINIVM_INTERRUPT queues a vector, the run
 * area's request_interrupt_window asks for an exit when the guest can
 * take one, ready_for_interrupt_injection and if_flag report its state.
 */
#define USER_VEC	0x50

static void __attribute__((used)) guest_user_irq_main(void)
{
	int i;

	GUEST_SYNC(1);			/* IF = 0 */
	asm volatile("sti; nop");	/* the window opens here */
	for (i = 0; i < 100; i++)
		asm volatile("nop");
	asm volatile("cli");
	GUEST_SYNC(2);
	GUEST_DONE();
}

static int user_interrupt(struct minivm_vcpu *vcpu, uint32_t irq, uint32_t pad)
{
	struct minivm_interrupt i = { .irq = irq, .padding = pad };

	return ioctl(vcpu->fd, MINIVM_INTERRUPT, &i);
}

/* The VMM asks for the window, then injects into it. */
TEST(user_interrupt_window_exit)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct minivm_run *run;
	struct ucall uc;
	int fd;

	MINIVM_REQUIRE();
	fd = minivm_open();
	ASSERT_EQ(1, minivm_check_extension(fd, MINIVM_CAP_USER_INTERRUPT));
	close(fd);
	vm = vm_create_64(&vcpu, guest_user_irq_main);
	vm_handle_exception(vm, USER_VEC, true, 0);
	run = vcpu->run;

	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(1, uc.args[0]);
	EXPECT_EQ(0, run->if_flag);
	EXPECT_EQ(0, run->ready_for_interrupt_injection);

	run->request_interrupt_window = 1;
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(1, run->if_flag);
	EXPECT_EQ(1, run->ready_for_interrupt_injection);
	run->request_interrupt_window = 0;

	EXPECT_ERRNO(EINVAL, user_interrupt(vcpu, 256, 0));
	EXPECT_ERRNO(EINVAL, user_interrupt(vcpu, USER_VEC, 1));
	ASSERT_EQ(0, user_interrupt(vcpu, USER_VEC, 0));
	EXPECT_ERRNO(EBUSY, user_interrupt(vcpu, USER_VEC + 1, 0));

	ASSERT_INTERRUPT(vcpu, USER_VEC);
	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(2, uc.args[0]);
	EXPECT_EQ(0, run->if_flag);
	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_DONE);
	vm_free(vm);
}

/*
 * Queued while the guest has IF = 0: it waits in the kernel (no exit to
 * userspace) and is taken right after the STI.
 */
TEST(user_interrupt_waits_for_sti)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct ucall uc;

	MINIVM_REQUIRE();
	vm = vm_create_64(&vcpu, guest_user_irq_main);
	vm_handle_exception(vm, USER_VEC, true, 0);

	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(1, uc.args[0]);
	ASSERT_EQ(0, user_interrupt(vcpu, USER_VEC, 0));
	ASSERT_INTERRUPT(vcpu, USER_VEC);
	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_SYNC);
	ASSERT_EQ(2, uc.args[0]);
	ASSERT_RUN_UCALL(vcpu, &uc, UCALL_DONE);
	vm_free(vm);
}

/* With the in-kernel irqchip the APIC owns interrupts: ENXIO. */
TEST(user_interrupt_with_irqchip_is_enxio)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	struct minivm_run *run;

	MINIVM_REQUIRE();
	vm = vm_create_64_irqchip(&vcpu, guest_user_irq_main);
	run = vcpu->run;
	EXPECT_ERRNO(ENXIO, user_interrupt(vcpu, USER_VEC, 0));
	/* and every RUN reports the vCPU ready: the APIC decides */
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_IO);
	EXPECT_EQ(1, run->ready_for_interrupt_injection);
	vm_free(vm);
}

TEST_HARNESS_MAIN
