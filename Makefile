# SPDX-License-Identifier: GPL-2.0-only
#
# hshm: build the module, the selftests and the user-space tools, run the
# tests in QEMU, lint. `make help` lists the targets. Objects of the module
# are listed in ./Kbuild.
#
# Variables (override on the command line):
#   KDIR     kernel build tree; default: the running kernel's if installed,
#            else the newest /usr/src/linux-headers-*-amd64
#   KVER     its release (UTS_RELEASE), VMLINUZ the guest kernel for QEMU
#   KW       kernel W= level for `make module` (KW=1 for extra warnings)
#   LOOPBACK_PARAMS, DEMO_PARAMS  module parameters of those QEMU runs
#   QEMU_TIMEOUT  seconds for one whole QEMU run, QEMU_TEST_TIMEOUT for one
#            test program in it
#   ARCH=arm64    `make ARCH=arm64`: the arm64 cross build (mk/arm64.mk)
#
# This file holds the variables every part uses and the build targets;
# the rest is in mk/, one file per subject, included below in the order
# their variables need: kernels.mk (the tested kernels, KDIR), qemu.mk
# (booting a guest), check.mk (make check, the amd64 scenarios),
# bench.mk (fuzz, bench, demo), ynl.mk (the netlink spec), lint.mk,
# arm64.mk, debug.mk and kcsan.mk (the kernels built from source and
# their suites), install.mk, dkms.mk and check-install.mk.  Long shell
# steps are scripts: selftests/qemu/ (guests, kernels, peers), scripts/.

BUILD := $(CURDIR)/build

include mk/kernels.mk

# Kernel source tarball (linux-source-6.12): the kselftest harness,
# checkpatch and the device-tree headers come from it, extracted at build
# time, never copied in the tree; the arm64 and the debug guest kernels are
# built from it.
KSRC_VERSION ?= 6.12
KSRC_TAR ?= /usr/src/linux-source-$(KSRC_VERSION).tar.xz
KSRC_TOP := linux-source-$(KSRC_VERSION)
KSFT_DIR := $(BUILD)/ksft
KSFT_STAMP := $(KSFT_DIR)/kselftest_harness.h
CHECKPATCH_DIR := $(BUILD)/checkpatch
CHECKPATCH := $(CHECKPATCH_DIR)/checkpatch.pl
# common/hshm_port_user.h is user space's side of common/hshm_port.h (libc
# types and macros in the kernel's names), not kernel code
CHECKPATCH_FILES = $(filter-out common/hshm_port_user.h,\
	$(wildcard kernel/*.c kernel/*.h common/*.c common/*.h uapi/linux/*.h))

KMAKE_ARGS = -C $(KDIR) M=$(CURDIR)

include mk/qemu.mk

# the kernels of KERNELS (mk/kernels.mk) and the source of the arm64
# and debug guest kernels
DEB_PKGS := build-essential linux-image-amd64 linux-headers-amd64 \
	linux-image-6.12-amd64 linux-headers-6.12-amd64 \
	linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64 \
	linux-source-$(KSRC_VERSION) qemu-system-x86 busybox-static sparse cpio kmod \
	xz-utils libnl-genl-3-dev pkg-config bc flex bison libelf-dev \
	libssl-dev python3 gnuplot-nox dt-schema device-tree-compiler
# arm64 (make ARCH=arm64, make check-arm64): the cross compiler and its libc
# (static guest programs), qemu-system-aarch64 (in qemu-system-arm), dtc and
# fdtget (device-tree-compiler), rsync, and arm64 libnl (hshmctl, linked
# statically for the arm64 guest); busybox-static:arm64 is downloaded, not
# installed (see deps). The amd64 debug kernel (make check-debug) needs
# nothing more than the native build: gcc, bc, flex, bison, libelf-dev (for
# objtool), cpio, xz-utils, rsync.
DEB_PKGS += gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm rsync \
	libnl-genl-3-dev:arm64
# make fuzz and the fuzzing unit test: clang with libFuzzer
DEB_PKGS += clang-14 libclang-rt-14-dev
# make bench: hackbench, the load of the REALTIME-under-load runs
DEB_PKGS += rt-tests
# make dkms-install and check-install: DKMS (with --no-install-recommends
# it brings no headers of its own; the kernels' come from the list above)
DEB_PKGS += dkms
# check-install: mandoc -Tlint of libhshm's manual pages (man -l alone without)
DEB_PKGS += mandoc
# make ynl-check (and lint): the kernel's YNL tools, which validate the
# netlink spec against its schema
DEB_PKGS += python3-yaml python3-jsonschema

.PHONY: all module tests user ksft check check-amd64 check-debug lint lint-full demo bench fuzz deps clean help

ifeq ($(ARCH),arm64)
ARM64_AMD64_ONLY := $(filter module tests user check lint lint-full demo bench,$(MAKECMDGOALS))
ifneq ($(ARM64_AMD64_ONLY),)
$(error ARCH=arm64 does not apply to `$(ARM64_AMD64_ONLY)` (amd64); use `make ARCH=arm64` or `make check-arm64`)
endif
all: arm64
else
all: module tests user ## build the module, the selftests and user space (default; ARCH=arm64: make arm64)
endif

module: ## build ./hshm.ko against KDIR (KW=1: with W=1)
	@test -f "$(KDIR)/Makefile" || { echo "no kernel build tree (KDIR=$(KDIR)); run make deps" >&2; exit 1; }
	$(MAKE) $(KMAKE_ARGS) $(if $(KW),W=$(KW)) modules

ksft: $(KSFT_STAMP) ## extract the kselftest harness headers into build/ksft

# extracts kselftest.h too
$(KSFT_STAMP):
	@rm -rf $(KSFT_DIR).tmp && mkdir -p $(KSFT_DIR).tmp
	tar -xmJf $(KSRC_TAR) -C $(KSFT_DIR).tmp --strip-components=4 --occurrence=1 \
		$(addprefix $(KSRC_TOP)/tools/testing/selftests/,kselftest_harness.h kselftest.h)
	@rm -rf $(KSFT_DIR) && mv $(KSFT_DIR).tmp $(KSFT_DIR)

tests: ksft ## build the selftests into build/selftests (unit tests: build/selftests/unit), static tools into build/selftests/bin
	$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR) OUT=$(BUILD)/selftests
	$(MAKE) -C userspace OUT=$(BUILD)/selftests/bin STATIC=1 guest

user: ## build userspace/ (libhshm, hshmctl, hshm-bench, hshm-peer) into build/userspace
	$(MAKE) -C userspace OUT=$(BUILD)/userspace

include mk/check.mk
include mk/bench.mk
include mk/ynl.mk

include mk/lint.mk
include mk/arm64.mk
include mk/debug.mk
include mk/kcsan.mk

# The arm64 architecture is added to dpkg so that apt can download
# busybox-static:arm64 (into build/arm64/busybox) and install arm64 libnl
# (the only arm64 packages installed, with the arm64 libc they need).
deps: ## install the Debian packages the build and the tests need (as root), download the arm64 busybox
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${db:Status-Status}\n' $$p 2>/dev/null | grep -qx installed || echo $$p; \
	done); \
	noarm64=$$(dpkg --print-foreign-architectures | grep -qx arm64 || echo y); \
	if [ -z "$$missing$$noarm64" ]; then \
		echo "deps: all installed"; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "deps: not root; as root run:"; \
		if [ -n "$$noarm64" ]; then echo "  dpkg --add-architecture arm64"; fi; \
		echo "  apt-get update"; \
		echo "  apt-get install --no-install-recommends $(DEB_PKGS)"; \
		echo "  make arm64-busybox"; \
		exit 0; \
	else \
		echo "deps: installing" $$missing $${noarm64:+"(and the arm64 architecture)"}; \
		if [ -n "$$noarm64" ]; then dpkg --add-architecture arm64 || exit 1; fi; \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEB_PKGS) || \
			exit 1; \
	fi; \
	$(MAKE) --no-print-directory arm64-busybox

clean: ## remove the module's objects and build/
	-@test ! -f "$(KDIR)/Makefile" || $(MAKE) $(KMAKE_ARGS) clean
	rm -rf $(BUILD)

help: ## list the targets
	@echo "targets:"
	@sed -n 's/^\([a-z][a-z0-9-]*\):.*## \(.*\)/\1|\2/p' $(MAKEFILE_LIST) | \
		awk -F'|' '{ printf "  %-12s %s\n", $$1, $$2 }'
	@echo "KDIR=$(KDIR) KVER=$(KVER) VMLINUZ=$(VMLINUZ)"

include mk/install.mk
include mk/dkms.mk
include mk/check-install.mk
