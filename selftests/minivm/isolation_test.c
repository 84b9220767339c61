// SPDX-License-Identifier: GPL-2.0
/*
 * minivm isolation probes: a guest reaches only the memory its slots
 * give it. Every guest-physical address no slot backs (the frame right
 * past a slot's end, the frame right before a slot, a hole between
 * slots, the top of the guest-physical space) is MMIO: its read and its
 * write go to userspace with that exact address, and the host memory
 * next to the slot's (a canary page in the same mapping) never changes.
 */
#include <cpuid.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define PAGE		MINIVM_PAGE_SIZE
#define SLOT1		1
#define SLOT1_GPA	(128ULL << 20)		/* a hole of 64 MiB below it */
#define WINDOW_GVA	0x300000ULL		/* one fresh page per probe */
#define CANARY		0xc4c4c4c4c4c4c4c4ULL

/* The guest reads 8 bytes at guest_addr, writes guest_val there, reports. */
static volatile uint64_t guest_addr, guest_val;

static void guest_main(void)
{
	for (;;) {
		volatile uint64_t *p = (volatile uint64_t *)guest_addr;
		uint64_t v = *p;

		*p = guest_val;
		GUEST_SYNC(v);
	}
}

FIXTURE(iso) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
	uint8_t *mem;		/* slot 1's page, then the canary page */
	unsigned int probes;
};

FIXTURE_SETUP(iso)
{
	MINIVM_REQUIRE();
	self->vm = vm_create_64(&self->vcpu, guest_main);
	self->mem = minivm_alloc(2 * PAGE);
	memset(self->mem + PAGE, 0xc4, PAGE);
	ASSERT_EQ(0, __vm_set_memory_region(self->vm, SLOT1, 0, SLOT1_GPA, PAGE,
					    self->mem));
}

FIXTURE_TEARDOWN(iso)
{
	vm_free(self->vm);
}

/* Point the guest at @gpa through a page-table entry of its own. */
static void aim(FIXTURE_DATA(iso) *self, uint64_t gpa, uint64_t val)
{
	uint64_t gva = WINDOW_GVA + self->probes++ * PAGE;

	vm_map_page(self->vm, gva, gpa & ~(PAGE - 1), PTE_P | PTE_W);
	write_guest_global(self->vm, guest_addr, gva + (gpa & (PAGE - 1)));
	write_guest_global(self->vm, guest_val, val);
}

/* @gpa is no memory: the read, then the write, exit as MMIO. */
static void probe_mmio(struct __test_metadata *_metadata,
		       FIXTURE_DATA(iso) *self, uint64_t gpa)
{
	struct minivm_run *run = self->vcpu->run;
	uint64_t answer = 0x5a5a0000 + self->probes, got;
	struct ucall uc;

	aim(self, gpa, 0xfeed0000 + self->probes);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_MMIO);
	EXPECT_EQ(gpa, run->mmio.phys_addr) TH_LOG("read of 0x%llx", (unsigned long long)gpa);
	EXPECT_EQ(8, run->mmio.len);
	EXPECT_EQ(0, run->mmio.is_write);
	memcpy(run->mmio.data, &answer, 8);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_MMIO);
	EXPECT_EQ(gpa, run->mmio.phys_addr) TH_LOG("write of 0x%llx", (unsigned long long)gpa);
	EXPECT_EQ(1, run->mmio.is_write);
	memcpy(&got, run->mmio.data, 8);
	EXPECT_EQ(0xfeed0000 + self->probes - 1, got);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(answer, uc.args[0]);
}

static void expect_canary_intact(struct __test_metadata *_metadata,
				 FIXTURE_DATA(iso) *self)
{
	unsigned int i;

	for (i = 0; i < PAGE / 8; i++)
		if (((uint64_t *)(self->mem + PAGE))[i] != CANARY)
			break;
	EXPECT_EQ(PAGE / 8, i) TH_LOG("the canary page changed at byte %u", i * 8);
}

TEST_F(iso, slot_memory_is_reached)
{
	struct ucall uc;

	*(uint64_t *)(self->mem + 8) = 0x1234;
	aim(self, SLOT1_GPA + 8, 0x4321);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0x1234, uc.args[0]);
	EXPECT_EQ(0x4321, *(uint64_t *)(self->mem + 8));
	expect_canary_intact(_metadata, self);
}

TEST_F(iso, frame_past_a_slot_is_mmio)
{
	probe_mmio(_metadata, self, SLOT1_GPA + PAGE);
	probe_mmio(_metadata, self, SLOT1_GPA + PAGE + 0x18);
	/* right past the end of vm_create_64()'s slot 0 */
	probe_mmio(_metadata, self, VM64_MEM_SIZE);
	expect_canary_intact(_metadata, self);
}

TEST_F(iso, frame_before_a_slot_and_holes_are_mmio)
{
	probe_mmio(_metadata, self, SLOT1_GPA - 8);
	probe_mmio(_metadata, self, SLOT1_GPA - PAGE);
	probe_mmio(_metadata, self, (96ULL << 20) + 0x123 * 8);
	probe_mmio(_metadata, self, SLOT1_GPA + 2 * PAGE);
	expect_canary_intact(_metadata, self);
}

/* The highest frame the guest-physical space has. */
TEST_F(iso, top_of_guest_physical_space_is_mmio)
{
	unsigned int eax, ebx, ecx, edx, bits;
	uint64_t top;

	ASSERT_TRUE(__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx));
	bits = eax & 0xff;
	/* minivm's EPT maps 48 bits at most (api.rst 6.6) */
	if (bits > 48)
		bits = 48;
	top = (1ULL << bits) - PAGE;
	probe_mmio(_metadata, self, top);
	probe_mmio(_metadata, self, top + PAGE - 8);
	expect_canary_intact(_metadata, self);
}

TEST_HARNESS_MAIN
