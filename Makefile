# SPDX-License-Identifier: GPL-2.0
#
# minivm top-level build.
#   make            minivm.ko (against KDIR), minivm-run, the selftests
#   make check      everything, host unit tests, then the emulated-VMX rig
#   make demo       boot the emulated machine and run a greeting guest
#   make bench      minivm against kvm_intel in the emulated machine
# README.md explains each; selftests/rig/ holds the emulator rig.

KDIR ?= $(shell $(CURDIR)/scripts/find-kdir.sh)

.PHONY: all module tool selftests unit deps check demo bench clean

all: module tool selftests

module:
	@test -n "$(KDIR)" || { echo "no kernel headers found: set KDIR or run 'make deps'" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tool:
	$(MAKE) -C userspace-tool

selftests:
	$(MAKE) -C selftests/minivm

# Host-side unit tests of pure code (no kernel, no VMX needed). Each
# binary ends with its own "N passed, N failed" line (check.sh sums them);
# both run even if the first fails.
unit:
	@rc=0; \
	$(MAKE) -C userspace-tool test || rc=1; \
	$(MAKE) -C module/x86/tests test || rc=1; \
	exit $$rc

# Install the Debian packages the build and the rig need (as root).
deps:
	scripts/install-deps.sh

# The guests always run Debian's stock 6.1 kernel here, whatever the
# environment says; check-fast is the edit-test loop on the cached minimal
# kernel (built once, ~5 minutes). selftests/rig/README.md explains the rig.
check:
	MINIVM_RIG_KERNEL=stock selftests/rig/check.sh

.PHONY: check-fast
check-fast:
	MINIVM_RIG_KERNEL=minimal selftests/rig/check.sh

demo:
	selftests/rig/demo.sh

# exit_bench under minivm and under kvm_intel in one Bochs boot (not part
# of check); minimal kernel when cached, MINIVM_RIG_KERNEL=stock forces it.
bench:
	selftests/rig/demo.sh bench

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C userspace-tool clean
	$(MAKE) -C selftests/minivm clean
	rm -rf build
