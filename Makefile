# SPDX-License-Identifier: GPL-2.0
#
# minivm top-level build.
#   make            minivm.ko (against KDIR), minivm-run, the selftests
#   make check      everything, host unit tests, then the emulated-VMX rig
#   make demo       boot the emulated machine and run a greeting guest
#   make bench      minivm against kvm_intel in the emulated machine
#   make fuzz       fuzz_test alone, 10^6 iterations, in the emulated machine
#   make install    minivm.ko, minivm-run, its man page, the udev rule
#                   (make uninstall removes them); make install-dkms; make deb
#   make style      checkpatch, kernel-doc, sparse, shellcheck, gcc and clang
#                   -Werror, sphinx
# README.md explains each; selftests/rig/ holds the emulator rig.

KDIR ?= $(shell $(CURDIR)/scripts/find-kdir.sh)

# The package version: modinfo, minivm-run --version, DKMS, the .deb.
VERSION := $(shell cat $(CURDIR)/VERSION)

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
# all run even if one fails. fuzz_errnos.sh checks fuzz_test's per-ioctl
# errno tables against Documentation/api.rst.
unit:
	@rc=0; \
	$(MAKE) -C userspace-tool test || rc=1; \
	$(MAKE) -C module/x86/tests test || rc=1; \
	selftests/minivm/fuzz_errnos.sh || rc=1; \
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

# Every selftest but trace_test on the debug kernel (KASAN, lockdep, ...), then
# kmemleak's scan; make check runs a subset there (selftests/rig/check.sh).
.PHONY: check-debug
check-debug:
	selftests/rig/check-debug.sh

demo:
	selftests/rig/demo.sh

# exit_bench under minivm and under kvm_intel in one Bochs boot (not part
# of check); minimal kernel when cached, MINIVM_RIG_KERNEL=stock forces it.
bench:
	selftests/rig/demo.sh bench

# fuzz_test alone in the emulated VMX machine with FUZZ_ITERATIONS ioctl
# calls (default 10^6; make check runs it with 150000 among the other
# tests), FUZZ_SEED and FUZZ_PHASE to replay (selftests/rig/fuzz.sh).
.PHONY: fuzz
fuzz:
	selftests/rig/fuzz.sh

# User-facing install (scripts/install.sh; the rig uses userspace-tool's
# own `make install DESTDIR=`, a different layout). DESTDIR stages it;
# make uninstall with the same variables removes exactly those files.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/minivm
# udev reads rules from /usr/local/lib/udev/rules.d as well as /usr/lib.
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
# The release of the kernel KDIR belongs to, as in the module's vermagic.
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR ?= /lib/modules/$(KVER)/extra
DKMSDIR ?= /usr/src/minivm-$(VERSION)
INSTALL_SH = DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" BINDIR="$(BINDIR)" \
	MANDIR="$(MANDIR)" DATADIR="$(DATADIR)" UDEVRULESDIR="$(UDEVRULESDIR)" \
	KVER="$(KVER)" MODDIR="$(MODDIR)" DKMSDIR="$(DKMSDIR)" \
	VERSION="$(VERSION)" $(CURDIR)/scripts/install.sh

.PHONY: install uninstall install-module uninstall-module install-tool \
	uninstall-tool install-man uninstall-man install-udev uninstall-udev \
	install-dkms uninstall-dkms deb style

install: install-module install-tool install-man install-udev
	@if [ -z "$(DESTDIR)" ]; then \
		echo "installed. Next: modprobe minivm; give users group minivm:"; \
		getent group minivm >/dev/null || echo "  groupadd --system minivm"; \
		echo "  usermod -aG minivm USER   (takes effect at their next login)"; \
	fi

uninstall: uninstall-module uninstall-tool uninstall-man uninstall-udev

install-module: module
	@test -n "$(KVER)" || { echo "cannot tell the kernel release of KDIR=$(KDIR): set KVER" >&2; exit 1; }
	@$(INSTALL_SH) install module

uninstall-module:
	@test -n "$(KVER)" || { echo "no kernel headers to tell the kernel release: set KVER" >&2; exit 1; }
	@$(INSTALL_SH) uninstall module

install-tool: tool
	@$(INSTALL_SH) install tool

uninstall-tool:
	@$(INSTALL_SH) uninstall tool

install-man:
	@$(INSTALL_SH) install man

uninstall-man:
	@$(INSTALL_SH) uninstall man

install-udev:
	@$(INSTALL_SH) install udev

uninstall-udev:
	@$(INSTALL_SH) uninstall udev

# The module's sources in $(DKMSDIR), then (without DESTDIR) dkms add and
# dkms install for every kernel with headers; uninstall-dkms undoes both.
install-dkms:
	@DKMS=1 $(INSTALL_SH) install dkms

uninstall-dkms:
	@DKMS=1 $(INSTALL_SH) uninstall dkms

# build/minivm_$(VERSION)_amd64.deb: minivm-run, the man page, the udev
# rule and the DKMS source (scripts/make-deb.sh, packaging/deb/).
deb:
	scripts/make-deb.sh

# The style gates (TAP, ends "N passed, N failed"; make check runs them).
style:
	scripts/style-check.sh

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C userspace-tool clean
	$(MAKE) -C selftests/minivm clean
	rm -rf build
