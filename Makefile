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
#   ARCH=arm64    `make ARCH=arm64`: the arm64 cross build (see "arm64" below)

BUILD := $(CURDIR)/build

# ---- kernels ---------------------------------------------------------------
# The amd64 kernels hshm is tested on, by name (make check runs each of
# KERNELS); each is Debian 12's package pair linux-image-X and
# linux-headers-X of the flavour below, installed by `make deps`:
#   6.1      Debian 12's default kernel (X = amd64)
#   6.12     the 6.12 LTS kernel of Debian 13, as Debian 12 carries it
#            (X = 6.12-amd64)
#   6.12-rt  its PREEMPT_RT build (X = 6.12-rt-amd64)
# A name's release (6.1.0-57-amd64...) is the one its headers metapackage
# depends on, so it does not depend on which other kernels are installed;
# without the metapackage, the newest installed headers of that flavour.
KERNELS_ALL := 6.1 6.12 6.12-rt
KERNELS ?= $(KERNELS_ALL)
KFLAVOUR_6.1 := amd64
KFLAVOUR_6.12 := 6.12-amd64
KFLAVOUR_6.12-rt := 6.12-rt-amd64
KGLOB_6.1 := 6.1.*[0-9]-amd64
KGLOB_6.12 := 6.12.*[0-9]-amd64
KGLOB_6.12-rt := 6.12.*-rt-amd64
# $(call kver_of,NAME): the release of kernel NAME, empty if not installed
kver_of = $(strip $(or \
	$(shell dpkg-query -W -f='$${Depends}' linux-headers-$(KFLAVOUR_$(1)) 2>/dev/null | \
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'), \
	$(shell cd /usr/src 2>/dev/null && ls -d linux-headers-$(KGLOB_$(1)) 2>/dev/null | \
		sed 's/^linux-headers-//' | sort -V | tail -n 1)))

# KDIR: the running kernel's build tree if it has one, else Debian's
# default kernel's (6.1). KVER: its release, read from the tree.
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
DEFAULT_KDIR := $(RUNNING_KDIR)
else
DEFAULT_KDIR := /usr/src/linux-headers-$(call kver_of,6.1)
endif
KDIR ?= $(DEFAULT_KDIR)

# Debian's include/config/kernel.release holds the upstream version (6.1.x),
# not the package's release (6.1.0-N-amd64) that names /boot/vmlinuz-*: read
# UTS_RELEASE first.
kdir_release = $(or \
	$(shell sed -n 's/^.define UTS_RELEASE "\(.*\)"/\1/p' $(1)/include/generated/utsrelease.h 2>/dev/null), \
	$(shell cat $(1)/include/config/kernel.release 2>/dev/null))
DEFAULT_KVER := $(call kdir_release,$(KDIR))
KVER ?= $(DEFAULT_KVER)
VMLINUZ ?= /boot/vmlinuz-$(KVER)
KW ?=

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

RUN_SH := selftests/qemu/run.sh
CHECK_DIR := $(BUILD)/check
LOOPBACK_PARAMS ?= nr_devices=1
DEMO_PARAMS ?= $(LOOPBACK_PARAMS)
QEMU_TIMEOUT ?= 1500
QEMU_TEST_TIMEOUT ?= 600

# $(call qemu_run,NAME,PARAMS,LOGDIR[,EXTRA run.sh ARGS[,TESTS]]): boot the
# guest kernel QEMU_KERNEL with the module QEMU_MODULE and the programs of
# TESTS (default QEMU_TESTS, build/selftests), with the run.sh arguments
# QEMU_RUN_ARGS. By default Debian's kernel, ./hshm.ko and nothing more;
# check-debug sets them for itself.
QEMU_KERNEL = $(VMLINUZ)
QEMU_MODULE = $(CURDIR)/hshm.ko
QEMU_RUN_ARGS =
QEMU_TESTS = $(BUILD)/selftests
qemu_run = $(RUN_SH) --kernel $(QEMU_KERNEL) --module $(QEMU_MODULE) \
	--tests $(or $(5),$(QEMU_TESTS)) --timeout $(QEMU_TIMEOUT) \
	--test-timeout $(QEMU_TEST_TIMEOUT) $(QEMU_RUN_ARGS) \
	--name $(1) --params "$(2)" --log $(3) $(4)

# $(call test_subset,DIR,PROGRAMS): DIR holds the programs PROGRAMS of
# build/selftests (and the tools, libraries and benchmark programs they
# use), for a scenario that runs only those.
test_subset = rm -rf $(1) && mkdir -p $(1) && \
	cp -a $(BUILD)/selftests/bin $(BUILD)/selftests/lib $(BUILD)/selftests/bench \
		$(addprefix $(BUILD)/selftests/,$(2)) $(1)/

# $(call mod_sources,DIR): copy what builds hshm.ko (Kbuild, VERSION and
# the .c and .h files of kernel/, common/, uapi/) to DIR, for a build against another
# kernel tree: kbuild of 6.1 puts objects next to the sources, so the top
# directory's objects (built against KDIR) must not be used or clobbered.
mod_sources = mkdir -p $(1) && \
	rsync -a --delete --include='*/' --include='*.[ch]' --include=Kbuild --include=VERSION \
		--exclude='*' Kbuild VERSION kernel common uapi $(1)/

# the kernels of KERNELS (see "kernels" above) and the source of the arm64
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

.PHONY: all module tests user ksft check check-amd64 check-debug lint demo bench fuzz deps clean help

ifeq ($(ARCH),arm64)
ARM64_AMD64_ONLY := $(filter module tests user check lint demo bench,$(MAKECMDGOALS))
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

user: ## build userspace/ into build/userspace (if userspace/Makefile exists)
ifneq ($(wildcard userspace/Makefile),)
	$(MAKE) -C userspace OUT=$(BUILD)/userspace
else
	@echo "user: no userspace/Makefile yet, nothing to build"
endif

# The ivshmem scenarios: hshm-peer on the host, the guest's device from
# QEMU's ivshmem-doorbell (MSI-X, with the peer restarted after a test kills
# it) or ivshmem-plain (no interrupts: both sides poll).
PEER_BIN := $(BUILD)/userspace/hshm-peer
WITH_PEER := selftests/qemu/with-peer.sh --peer $(PEER_BIN)
# The driver binds only the ivshmem devices it is told are hshm's: the
# guests' one sits in PCI slot IVS_SLOT, and IVS_BIND says so.  The plain
# scenario adds someone else's device (IVS_FOREIGN: 8 MiB of text the host
# wrote, in slot 9), which the driver must leave alone, byte for byte
# (hshm_75_unbind, HSHM_FOREIGN_PCI).
IVS_SLOT = 8
IVS_BIND = ivshmem_devices=0000:00:08.0
IVS_SOCK = $(CHECK_DIR)/ivshmem.sock
IVS_DOORBELL = -chardev socket,path=$(IVS_SOCK),id=ivsh \
	-device ivshmem-doorbell,chardev=ivsh,vectors=1,addr=$(IVS_SLOT)
ivs_plain = -object memory-backend-file,id=hmem,share=on,size=8M,mem-path=$(1) \
	-device ivshmem-plain,memdev=hmem,addr=$(IVS_SLOT)
IVS_PLAIN = $(call ivs_plain,$(CHECK_DIR)/plain.shm)
IVS_FOREIGN_PCI = 0000:00:09.0
IVS_FOREIGN = -object memory-backend-file,id=fmem,share=on,size=8M,mem-path=$(CHECK_DIR)/foreign.shm \
	-device ivshmem-plain,memdev=fmem,addr=9
# the foreign device's contents, the line hshm_75_unbind expects repeated
foreign_shm = yes "someone else's frame buffer" | head -c 8388608 >$(1)
SCENARIOS ?= loopback ivshmem plain
# check-amd64 runs plain on the kernels of PLAIN_KERNELS only: it differs
# from ivshmem in the transport (polled, no interrupt), which does not
# depend on the kernel, and the debug kernels run it too. SCENARIOS given
# on the command line applies to every kernel.
PLAIN_KERNELS ?= 6.12
PLAIN_SKIP =
# The public peers' emulations (hshm-peer --profile, peers.md) over
# ivshmem-plain (the v1 servers never ring: both sides poll), on one
# kernel of KERNELS only (V1_KERNEL): they test the driver's protocol
# handling, which does not depend on the kernel.
#   sel4       the seL4 v1 server started before the guest; the programs
#              of V1_TESTS (those whose outcome depends on the peer: its
#              services, its pace, its one message per look)
#   sel4-late  started after the driver, and restarted (a zone reboot)
#              when a test kills it mid-stream; the programs of
#              LATE_TESTS only (what the start order and restarts change)
#   hvisor-tool  hvisor-tool's hyper_amp_service (its services), looking
#              every 250 us instead of every 100 ms and not exiting after
#              10 messages, so that the suites run in minutes (one message
#              per look: the stress test's 80000 take 85 s so); V1_TESTS
#   hvisor-tool-late  the same started after the driver and restarted,
#              LATE_TESTS only
# The programs left out of V1_TESTS (sched, lifecycle, faults, unbind,
# hostile, ioctl fuzz, netlink, sysfs, hshmctl) test the driver's own side,
# which the peer does not change; they run in every other scenario.
# The seL4 server pauses 50 us between its two writes of the flag (V1-8),
# so that every answer passes through {dealt, result 0} (D-4).
V1_KERNEL ?= 6.12
V1_SCENARIOS ?= sel4 sel4-late hvisor-tool hvisor-tool-late
LATE_TESTS ?= hshm_05_peer_order hshm_10_ioctl hshm_20_errors hshm_70_peer_restart
LATE_TESTS_DIR = $(BUILD)/late-tests
V1_TESTS ?= hshm_05_peer_order hshm_10_ioctl hshm_20_errors hshm_40_qos hshm_50_stress \
	hshm_70_peer_restart hshm_90_libhshm hshm_91_bench.sh
V1_TESTS_DIR = $(BUILD)/v1-tests
SEL4_PEER_ARGS = --profile sel4-v1 --test-hooks --flag-delay-us 50
SEL4_GUEST = nr_devices=0 $(IVS_BIND) ivshmem_profile=sel4-v1
SEL4_ENV = --env HSHM_PEER_HOOKS=1 --env HSHM_PEER_PROFILE=sel4-v1
HVT_PEER_ARGS = --profile hvisor-tool-v1 --test-hooks --look-us 250 --exit-after 0
HVT_GUEST = nr_devices=0 $(IVS_BIND) ivshmem_profile=hvisor-tool-v1
HVT_ENV = --env HSHM_PEER_HOOKS=1 --env HSHM_PEER_PROFILE=hvisor-tool-v1
# more run.sh arguments of the loopback scenario (check-debug: the KUnit module)
LOOPBACK_RUN_ARGS =

# $(call peer_log,FILE): the end of a peer's log after a failed scenario,
# for the summary of a run whose logs are gone (CI): the test hooks it
# served, its restarts, what it injected.
peer_log = echo "\# the peer's log, $(1), last 30 lines:"; \
	tail -n 30 $(1) 2>/dev/null | sed 's/^/\#   /'

# The QEMU scenarios of SCENARIOS, logs in CHECK_DIR, as one shell command
# list for a recipe that set rc=0 (each failing scenario sets rc=1):
#   loopback  the in-kernel peer (LOOPBACK_PARAMS)
#   ivshmem   ivshmem-doorbell, hshm-peer on the host, restarted by
#             with-peer.sh after a test kills it
#   plain     ivshmem-plain, no interrupts
# check-amd64 runs them on Debian's kernel, check-debug on the debug kernel
# (its target-specific CHECK_DIR, QEMU_KERNEL, QEMU_MODULE...).
check_scenarios = \
	case " $(SCENARIOS) " in *" loopback "*) \
	$(call qemu_run,loopback,$(LOOPBACK_PARAMS),$(CHECK_DIR),$(LOOPBACK_RUN_ARGS)) || rc=1;; esac; \
	case " $(SCENARIOS) " in *" ivshmem "*) \
	$(WITH_PEER) --shm $(CHECK_DIR)/ivshmem.shm --socket $(IVS_SOCK) --restart 2 \
		--peer-args --test-hooks --log $(CHECK_DIR)/ivshmem.peer -- \
		$(call qemu_run,ivshmem,nr_devices=0 $(IVS_BIND),$(CHECK_DIR),--env HSHM_PEER_HOOKS=1 \
			--env HSHM_PEER_RESTART=1 --qemu-args "$(IVS_DOORBELL)") || \
		{ rc=1; $(call peer_log,$(CHECK_DIR)/ivshmem.peer); };; esac; \
	case " $(filter-out $(PLAIN_SKIP),$(SCENARIOS)) " in *" plain "*) \
	$(call foreign_shm,$(CHECK_DIR)/foreign.shm); \
	$(WITH_PEER) --shm $(CHECK_DIR)/plain.shm --peer-args --test-hooks \
		--log $(CHECK_DIR)/plain.peer -- \
		$(call qemu_run,plain,nr_devices=0 $(IVS_BIND),$(CHECK_DIR),--env HSHM_PEER_HOOKS=1 \
			--env HSHM_FOREIGN_PCI=$(IVS_FOREIGN_PCI) --qemu-args "$(IVS_PLAIN) $(IVS_FOREIGN)") || \
		{ rc=1; $(call peer_log,$(CHECK_DIR)/plain.peer); };; esac; \
	case " $(if $(filter $(K),$(V1_KERNEL)),$(V1_SCENARIOS)) " in *" sel4 "*) \
	$(WITH_PEER) --shm $(CHECK_DIR)/sel4.shm --peer-args "$(SEL4_PEER_ARGS)" \
		--log $(CHECK_DIR)/sel4.peer -- \
		$(call qemu_run,sel4,$(SEL4_GUEST),$(CHECK_DIR),$(SEL4_ENV) \
			--qemu-args "$(call ivs_plain,$(CHECK_DIR)/sel4.shm)",$(V1_TESTS_DIR)) || \
		{ rc=1; $(call peer_log,$(CHECK_DIR)/sel4.peer); };; esac; \
	case " $(if $(filter $(K),$(V1_KERNEL)),$(V1_SCENARIOS)) " in *" sel4-late "*) \
	$(WITH_PEER) --shm $(CHECK_DIR)/sel4-late.shm --restart 2 \
		--peer-args "$(SEL4_PEER_ARGS) --start-after-linux 8000" \
		--log $(CHECK_DIR)/sel4-late.peer -- \
		$(call qemu_run,sel4-late,$(SEL4_GUEST),$(CHECK_DIR),$(SEL4_ENV) \
			--env HSHM_PEER_RESTART=1 --env HSHM_PEER_LATE=1 \
			--qemu-args "$(call ivs_plain,$(CHECK_DIR)/sel4-late.shm)",$(LATE_TESTS_DIR)) || \
		{ rc=1; $(call peer_log,$(CHECK_DIR)/sel4-late.peer); };; esac; \
	case " $(if $(filter $(K),$(V1_KERNEL)),$(V1_SCENARIOS)) " in *" hvisor-tool "*) \
	$(WITH_PEER) --shm $(CHECK_DIR)/hvisor-tool.shm --peer-args "$(HVT_PEER_ARGS)" \
		--log $(CHECK_DIR)/hvisor-tool.peer -- \
		$(call qemu_run,hvisor-tool,$(HVT_GUEST),$(CHECK_DIR),$(HVT_ENV) \
			--qemu-args "$(call ivs_plain,$(CHECK_DIR)/hvisor-tool.shm)",$(V1_TESTS_DIR)) || \
		{ rc=1; $(call peer_log,$(CHECK_DIR)/hvisor-tool.peer); };; esac; \
	case " $(if $(filter $(K),$(V1_KERNEL)),$(V1_SCENARIOS)) " in *" hvisor-tool-late "*) \
	$(WITH_PEER) --shm $(CHECK_DIR)/hvisor-tool-late.shm --restart 2 \
		--peer-args "$(HVT_PEER_ARGS) --start-after-linux 8000" \
		--log $(CHECK_DIR)/hvisor-tool-late.peer -- \
		$(call qemu_run,hvisor-tool-late,$(HVT_GUEST),$(CHECK_DIR),$(HVT_ENV) \
			--env HSHM_PEER_RESTART=1 --env HSHM_PEER_LATE=1 \
			--qemu-args "$(call ivs_plain,$(CHECK_DIR)/hvisor-tool-late.shm)",$(LATE_TESTS_DIR)) || \
		{ rc=1; $(call peer_log,$(CHECK_DIR)/hvisor-tool-late.peer); };; esac;

# `make check` runs every suite of CHECKS, each with its own log directory,
# and ends with one "N passed, N failed" line summed over all of them.
#   amd64  host unit tests + the QEMU scenarios (SCENARIOS) on each kernel
#          of KERNELS
#   arm64  check-arm64 (cross-built virt kernel, hvisor node)
#   debug  check-debug (debug kernel: KASAN, lockdep, kmemleak..., KUnit)
#   kcsan  check-kcsan (KCSAN kernel: data races, under the stress,
#          hostile and unbind suites)
#   install  check-install (make install into a DESTDIR, DKMS for each
#          kernel of KERNELS, the DKMS-built module loaded in its guest)
CHECKS ?= amd64 arm64 debug kcsan install
CHECK_LOGDIRS = $(foreach c,$(CHECKS),$(CHECK_LOGDIR_$(c)))
CHECK_LOGDIR_amd64 = $(CHECK_DIR) $(addprefix $(CHECK_DIR)/,$(KERNELS))
CHECK_LOGDIR_arm64 = $(ARM64_CHECK_DIR)
CHECK_LOGDIR_debug = $(DEBUG_CHECK_DIR)

check: ## run every test suite of CHECKS (amd64 arm64 debug kcsan install); last line: N passed, N failed
	@rc=0; \
	for c in $(CHECKS); do \
		echo "### check-$$c"; \
		$(MAKE) --no-print-directory check-$$c || rc=1; \
	done; \
	echo "### all suites: $(CHECKS)"; \
	selftests/ktap-totals.sh $(CHECK_LOGDIRS) || rc=1; \
	exit $$rc

check-amd64: tests user ## host unit tests, then the selftests in QEMU (SCENARIOS) on each kernel of KERNELS; last line: N passed, N failed
	@rm -rf $(CHECK_DIR) && mkdir -p $(CHECK_DIR)
	@rc=0; \
	$(RUN_SH) --host --tests $(BUILD)/selftests/unit --name unit --log $(CHECK_DIR) || rc=1; \
	for k in $(KERNELS); do \
		echo "### check-kernel K=$$k"; \
		$(MAKE) --no-print-directory check-kernel K=$$k || rc=1; \
	done; \
	selftests/ktap-totals.sh $(CHECK_LOGDIR_amd64) || rc=1; \
	exit $$rc

# One kernel of KERNELS (K=NAME): hshm.ko built against its headers in a
# copy of the sources (build/kernels/NAME), then the scenarios on that
# kernel, logs in build/check/NAME. `make kernel-module K=NAME` only builds.
K_VER = $(call kver_of,$(K))
K_MOD = $(BUILD)/kernels/$(K)
.PHONY: check-kernel kernel-module kernel-release kernels

kernel-module:
	@test -n "$(K)" || { echo "kernel-module: K=NAME, one of: $(KERNELS_ALL)" >&2; exit 2; }
	@test -n "$(K_VER)" -a -f "/usr/src/linux-headers-$(K_VER)/Makefile" || \
		{ echo "kernel $(K): not installed (linux-headers-$(KFLAVOUR_$(K))); run make deps" >&2; exit 1; }
	@echo "== hshm.ko for $(K): $(K_VER) in $(K_MOD)"
	@$(call mod_sources,$(K_MOD))
	$(MAKE) -C /usr/src/linux-headers-$(K_VER) M=$(K_MOD) $(if $(KW),W=$(KW)) modules

kernel-release: # the release of kernel K (for scripts)
	@echo $(K_VER)

kernels: ## build hshm.ko for each kernel of KERNELS into build/kernels/NAME
	@for k in $(KERNELS); do $(MAKE) --no-print-directory kernel-module K=$$k || exit 1; done

check-kernel: CHECK_DIR = $(BUILD)/check/$(K)
check-kernel: QEMU_KERNEL = /boot/vmlinuz-$(K_VER)
check-kernel: QEMU_MODULE = $(K_MOD)/hshm.ko
check-kernel: PLAIN_SKIP = $(if $(filter command line,$(origin SCENARIOS))$(filter $(K),$(PLAIN_KERNELS)),,plain)
check-kernel: kernel-module
	@rm -rf $(CHECK_DIR) && mkdir -p $(CHECK_DIR)
	@$(call test_subset,$(LATE_TESTS_DIR),$(LATE_TESTS))
	@$(call test_subset,$(V1_TESTS_DIR),$(V1_TESTS))
	@rc=0; \
	$(check_scenarios) \
	exit $$rc

# fuzz: the libFuzzer harness over common/ (selftests/fuzz) for FUZZ_SECONDS
# on a seed corpus written by fuzz_seed; prints executions and coverage.
# make check runs it too, for 20 s, among the host unit tests.
FUZZ_SECONDS ?= 60

fuzz: tests ## run the libFuzzer harness over the wire and peer code for FUZZ_SECONDS (60); prints executions and coverage
	@FUZZ_SECONDS=$(FUZZ_SECONDS) $(BUILD)/selftests/unit/test_zz_fuzz_wire \
		$(BUILD)/selftests/fuzz; rc=$$?; [ $$rc = 4 ] && rc=0; exit $$rc

BENCH_DIR := $(BUILD)/bench
comma := ,
BENCH_SCENARIOS ?= loopback ivshmem plain
# (in variables: a comma in $(call ...) arguments would split them)
BENCH_DOORBELL = -chardev socket,path=$(BENCH_DIR)/ivshmem.sock,id=ivsh \
	-device ivshmem-doorbell,chardev=ivsh,vectors=1,addr=$(IVS_SLOT)
BENCH_PLAIN = $(call ivs_plain,$(BENCH_DIR)/plain.shm)

# bench: hshm_rtt over each transport, one after the other in one run, and
# the table of the results side by side (ratios against loopback); then
# (BENCH_QOS=1) the QoS evaluation of qos.md: hshm-bench --compare in the
# loopback guest (selftests/bench/hshm_qos.sh; BENCH_QOS_ENV="N=V ..."
# passes HSHM_QOS_SECONDS, HSHM_QOS_MSG_NS... to it), its fifo/wrr table,
# build/bench/qos.csv and qos-cdf.csv, and the PNG plots made on the host
# from them (build/bench/*.png, gnuplot).
BENCH_QOS ?= 1
BENCH_QOS_ENV ?=
bench: all ## round trip P50/P99 and req/s over every transport side by side; hshm-bench --compare (fifo vs wrr) with PNG plots
	@rm -rf $(BENCH_DIR) && mkdir -p $(BENCH_DIR)
	@rc=0; \
	for s in $(BENCH_SCENARIOS); do \
		case $$s in \
		loopback) $(call qemu_run,bench-loopback,nr_devices=1 loopback_msg_ns=0 loopback_kib_ns=0,$(BENCH_DIR),--run /tests/bench/hshm_rtt) ;; \
		ivshmem) $(WITH_PEER) --shm $(BENCH_DIR)/ivshmem.shm --socket $(BENCH_DIR)/ivshmem.sock \
			--log $(BENCH_DIR)/ivshmem.peer -- \
			$(call qemu_run,bench-ivshmem,nr_devices=0 $(IVS_BIND),$(BENCH_DIR),--run /tests/bench/hshm_rtt \
			--qemu-args "$(BENCH_DOORBELL)") ;; \
		plain) $(WITH_PEER) --shm $(BENCH_DIR)/plain.shm --log $(BENCH_DIR)/plain.peer -- \
			$(call qemu_run,bench-plain,nr_devices=0 $(IVS_BIND),$(BENCH_DIR),--run /tests/bench/hshm_rtt \
			--qemu-args "$(BENCH_PLAIN)") ;; \
		esac >$(BENCH_DIR)/$$s.out 2>&1 || { rc=1; tail -20 $(BENCH_DIR)/$$s.out; }; \
	done; \
	selftests/bench/table.sh $(BENCH_DIR) $(BENCH_SCENARIOS); \
	if [ "$(BENCH_QOS)" = 1 ]; then \
		echo "== QoS: hshm-bench --compare (fifo, then wrr) on loopback: $(BENCH_DIR)/qos.out"; \
		$(call qemu_run,bench-qos,nr_devices=1,$(BENCH_DIR),--run "sh bench/hshm_qos.sh" \
			$(foreach e,$(BENCH_QOS_ENV),--env $(e))) >$(BENCH_DIR)/qos.out 2>&1 || \
			{ rc=1; tail -20 $(BENCH_DIR)/qos.out; }; \
		sed -n '/ fifo vs wrr/,/^====/p' $(BENCH_DIR)/bench-qos.serial | grep -v '^===='; \
		selftests/bench/extract.sh $(BENCH_DIR)/bench-qos.serial $(BENCH_DIR) >/dev/null && \
		$(BUILD)/userspace/hshm-bench --plot $(BENCH_DIR) --from-csv $(BENCH_DIR)/qos.csv || rc=1; \
	fi; \
	if [ "$(BENCH_PEERS)" = 1 ]; then \
		for p in $(BENCH_PEER_PROFILES); do \
			echo "== peer profile $$p over ivshmem-plain: $(BENCH_DIR)/peer-$$p.out"; \
			case $$p in hvisor-tool-v1) extra="$(BENCH_HVISOR_TOOL_ARGS)";; *) extra=;; esac; \
			$(WITH_PEER) --shm $(BENCH_DIR)/peer.shm --log $(BENCH_DIR)/peer-$$p.peer \
				--peer-args "--profile $$p $$extra" -- \
				$(call qemu_run,bench-peer-$$p,nr_devices=0 $(IVS_BIND) ivshmem_profile=$$p,$(BENCH_DIR),--run "sh bench/hshm_peers.sh" \
				--qemu-args "$(call ivs_plain,$(BENCH_DIR)/peer.shm)") \
				>$(BENCH_DIR)/peer-$$p.out 2>&1 || { rc=1; tail -20 $(BENCH_DIR)/peer-$$p.out; }; \
		done; \
		selftests/bench/peers-table.sh $(foreach p,$(BENCH_PEER_PROFILES),$(BENCH_DIR)/bench-peer-$(p).serial) | \
			tee $(BENCH_DIR)/peers.txt; \
	fi; \
	if [ "$(BENCH_RT)" = 1 ]; then \
		for k in $(BENCH_RT_KERNELS); do \
			echo "== REALTIME under load, kernel $$k: $(BENCH_DIR)/rt-$$k.out"; \
			$(MAKE) --no-print-directory bench-rt-kernel K=$$k >$(BENCH_DIR)/rt-$$k.out 2>&1 || \
				{ rc=1; tail -20 $(BENCH_DIR)/rt-$$k.out; }; \
		done; \
		selftests/bench/rt-table.sh $(foreach k,$(BENCH_RT_KERNELS),$(BENCH_DIR)/rt-$(k).serial) | \
			tee $(BENCH_DIR)/rt.txt; \
	fi; \
	exit $$rc

# bench, the public peers (BENCH_PEERS=1): for each profile of
# BENCH_PEER_PROFILES, hshm-peer --profile playing it over ivshmem-plain
# (the v1 servers never ring) and selftests/bench/hshm_peers.sh in the
# guest: a closed loop of 64-byte requests checked against the profile's
# services, with the hand-over size the driver chooses and with batch_max
# 1; peers-table.sh puts them side by side (build/bench/peers.txt).
# hvisor-tool-v1 keeps its 100 ms look but does not exit after 10.
BENCH_PEERS ?= 1
BENCH_PEER_PROFILES ?= hshm sel4-v1 freertos-v1 hvisor-tool-v1
BENCH_HVISOR_TOOL_ARGS = --exit-after 0

# bench, REALTIME latency under load (BENCH_RT=1), on each kernel of
# BENCH_RT_KERNELS (generic and PREEMPT_RT 6.12): selftests/bench/hshm_rt.sh
# in a guest of that kernel over ivshmem-doorbell, hshm-peer on the host
# playing the other partition (so that the guest's load slows Linux's side
# only, as on a board), with hackbench (rt-tests) copied in as the load:
# 64-byte REALTIME calls with the dispatcher at SCHED_OTHER and SCHED_FIFO,
# guest idle and busy. rt-table.sh puts the rows side by side with their
# ratios (build/bench/rt.txt).
BENCH_RT ?= 1
BENCH_RT_KERNELS ?= 6.12 6.12-rt
.PHONY: bench-rt-kernel
bench-rt-kernel: QEMU_KERNEL = /boot/vmlinuz-$(K_VER)
bench-rt-kernel: QEMU_MODULE = $(K_MOD)/hshm.ko
bench-rt-kernel: kernel-module
	@command -v hackbench >/dev/null || { echo "no hackbench (install rt-tests: make deps)" >&2; exit 1; }
	$(WITH_PEER) --shm $(BENCH_DIR)/rt-$(K).shm --socket $(BENCH_DIR)/rt-$(K).sock \
		--log $(BENCH_DIR)/rt-$(K).peer -- \
		$(call qemu_run,rt-$(K),$(IVS_BIND),$(BENCH_DIR),--run "sh bench/hshm_rt.sh" \
		--host-bin $$(command -v hackbench) \
		--qemu-args "-chardev socket$(comma)path=$(BENCH_DIR)/rt-$(K).sock$(comma)id=ivsh \
			-device ivshmem-doorbell$(comma)chardev=ivsh$(comma)vectors=1$(comma)addr=$(IVS_SLOT)")

# the demo program, relative to build/selftests (/tests in the guest)
DEMO = $(if $(wildcard $(BUILD)/selftests/demo/hshm_demo),demo/hshm_demo,hshm_demo)

# then what the device's counters say, as an operator sees them (hshmctl)
DEMO_CMD = /tests/$(DEMO); rc=$$?; echo; echo "\# hshmctl status; hshmctl stats"; \
	bin/hshmctl status && bin/hshmctl stats; exit $$rc

demo: module tests ## run the demo program (build/selftests/demo/hshm_demo) in QEMU, then hshmctl status and stats
	$(call qemu_run,demo,$(DEMO_PARAMS),$(BUILD)/demo,--run '$(DEMO_CMD)')

include scripts/ynl.mk

$(CHECKPATCH):
	@rm -rf $(CHECKPATCH_DIR).tmp && mkdir -p $(CHECKPATCH_DIR).tmp
	tar -xmJf $(KSRC_TAR) -C $(CHECKPATCH_DIR).tmp --strip-components=2 --occurrence=1 \
		$(addprefix $(KSRC_TOP)/scripts/,checkpatch.pl spelling.txt const_structs.checkpatch)
	@rm -rf $(CHECKPATCH_DIR) && mv $(CHECKPATCH_DIR).tmp $(CHECKPATCH_DIR)

# Device-tree checks of `make lint` (Debian's dt-schema and dtc):
# - every binding under DT_BINDINGS_DIR through dt-doc-validate;
# - its examples as the kernel's dt_binding_check does them: dt-extract-example,
#   cpp with the kernel's include/dt-bindings, dtc with the kernel's
#   DT_BINDING flags, dt-validate against the schema processed by
#   dt-mk-schema (the core schemas, ours, and dts/schemas/memory-region.yaml,
#   which gives memory-region its type: dt-schema 2022.08 lacks it, and the
#   kernel's copy is gone since 6.5; without it dt-validate fails);
# - every dts/*.dtso compiled by dtc -@. An overlay cannot know its target's
#   #address-cells, #size-cells or interrupt parent, so the four checks that
#   need them (DT_OVERLAY_WNO) are off there; each overlay is then applied
#   with fdtoverlay to dts/lint-base.dts, the base tree the overlays assume,
#   and the merged tree goes through dtc with every check on and through
#   dt-validate.
# Any message from these tools fails lint: dt-doc-validate and dt-validate
# report problems without a failing exit code, and dtc has no -Werror.
# The kernel's dt-bindings headers come from KSRC_TAR at lint time.
DT_BINDINGS_DIR := Documentation/devicetree/bindings
DT_BINDINGS = $(wildcard $(DT_BINDINGS_DIR)/*/*.yaml)
DT_OVERLAYS = $(wildcard dts/*.dtso)
DT_KSRC := $(BUILD)/dt-ksrc
DT_KSRC_STAMP := $(DT_KSRC)/include/dt-bindings/interrupt-controller/arm-gic.h
DT_MEMORY_REGION := dts/schemas/memory-region.yaml
DT_EXAMPLE_FLAGS := -Wno-avoid_unnecessary_addr_size -Wno-graph_child_address \
	-Wno-interrupt_provider -Wno-unique_unit_address -Wunique_unit_address_if_enabled
DT_OVERLAY_WNO := -Wno-reg_format -Wno-ranges_format -Wno-avoid_default_addr_size \
	-Wno-interrupts_property

$(DT_KSRC_STAMP):
	@rm -rf $(DT_KSRC).tmp && mkdir -p $(DT_KSRC).tmp
	tar -xmJf $(KSRC_TAR) -C $(DT_KSRC).tmp --strip-components=1 \
		$(KSRC_TOP)/include/dt-bindings
	@rm -rf $(DT_KSRC) && mv $(DT_KSRC).tmp $(DT_KSRC)

# The sparse pass rebuilds without W=1, so the W=1 pass always recompiles.
# Both passes run against every kernel of KERNELS (Debian's headers: hshm.ko,
# in a copy of the sources per kernel, build/lint/NAME) and against the
# debug kernel (build/debug/mod: hshm.ko and hshm_kunit.ko, which only
# builds where the kernel has KUnit). Only kernel/hshm_compat.h may test
# LINUX_VERSION_CODE.
# $(call lint_pass,NAME,KMAKE,MODDIR): sparse and W=1 with KMAKE over MODDIR,
# logs build/lint/NAME-{sparse,w1}.log; sets rc=1 on any finding.
lint_pass = \
	echo "== sparse, $(1): $(BUILD)/lint/$(1)-sparse.log"; \
	$(2) C=2 CF="-D__CHECK_ENDIAN__" modules >$(BUILD)/lint/$(1)-sparse.log 2>&1 || \
		{ cat $(BUILD)/lint/$(1)-sparse.log; rc=1; }; \
	grep -E '^('"$(3)"'/|\./)?(kernel|common|uapi)/[^:]*:[0-9]+:([0-9]+:)? (warning|error):' \
		$(BUILD)/lint/$(1)-sparse.log && rc=1; \
	echo "== W=1, $(1): $(BUILD)/lint/$(1)-w1.log"; \
	$(2) W=1 modules >$(BUILD)/lint/$(1)-w1.log 2>&1 || { cat $(BUILD)/lint/$(1)-w1.log; rc=1; }; \
	grep -i 'warning:' $(BUILD)/lint/$(1)-w1.log && rc=1;

lint: $(CHECKPATCH) $(DT_KSRC_STAMP) debug-kernel ## sparse (C=2) and W=1 against every kernel of KERNELS and the debug kernel, checkpatch --strict, dt-schema and dtc, ynl-check; fails on any finding
	@rm -rf $(BUILD)/lint && mkdir -p $(BUILD)/lint
	@rc=0; \
	for k in $(KERNELS); do \
		kv=$$($(MAKE) -s --no-print-directory kernel-release K=$$k); \
		[ -n "$$kv" ] || { echo "lint: kernel $$k is not installed (make deps)"; rc=1; continue; }; \
		d=$(BUILD)/lint/$$k; $(call mod_sources,$$d) || rc=1; \
		$(call lint_pass,$$k,$(MAKE) -C /usr/src/linux-headers-$$kv M=$$d,$$d) \
	done; \
	$(call mod_sources,$(DEBUG_MOD)) || rc=1; \
	$(call lint_pass,debug,$(DEBUG_KMAKE),$(DEBUG_MOD)) \
	test -f $(DEBUG_MOD)/hshm_kunit.ko || { echo "no hshm_kunit.ko built"; rc=1; }; \
	echo "== LINUX_VERSION_CODE outside kernel/hshm_compat.h"; \
	grep -n 'LINUX_VERSION_CODE\|KERNEL_VERSION(' $(filter-out kernel/hshm_compat.h,$(CHECKPATCH_FILES)) && rc=1; \
	echo "== checkpatch: $(BUILD)/lint/checkpatch.log"; \
	ignore=$$(sed -e 's/#.*//' -e 's/[[:space:]]//g' .checkpatch-ignore | grep . | paste -sd, -); \
	perl $(CHECKPATCH) --strict --no-tree --terse --show-types \
		$${ignore:+--ignore $$ignore} -f $(CHECKPATCH_FILES) \
		>$(BUILD)/lint/checkpatch.log 2>&1; \
	rm -f .checkpatch-camelcase.*; \
	grep -E '(ERROR|WARNING|CHECK):' $(BUILD)/lint/checkpatch.log && rc=1; \
	echo "== ynl-check"; \
	$(MAKE) --no-print-directory ynl-check || rc=1; \
	echo "== dt-schema $$(dt-doc-validate --version 2>/dev/null || echo missing), dtc: $(BUILD)/lint/dt.log"; \
	dt=$(BUILD)/lint/dt; log=$(BUILD)/lint/dt.log; rm -rf $$dt && mkdir -p $$dt && : >$$log; \
	quiet() { echo "\$$ $$*" >>$$log; out=$$("$$@" 2>&1); r=$$?; \
		[ -z "$$out" ] || echo "$$out" >>$$log; \
		[ $$r = 0 ] && [ -z "$$out" ] || { echo "$$*"; echo "$$out"; return 1; }; }; \
	dtrc=0; \
	for y in $(DT_BINDINGS); do \
		quiet dt-doc-validate -u $(CURDIR)/$(DT_BINDINGS_DIR) $$y || dtrc=1; \
	done; \
	quiet dt-mk-schema -j -o $$dt/processed-schema.json $(CURDIR)/$(DT_BINDINGS_DIR) \
		$(DT_MEMORY_REGION) || dtrc=1; \
	for y in $(DT_BINDINGS); do \
		ex=$$dt/$$(basename $$y .yaml).example; \
		quiet sh -c 'dt-extract-example "$$1" >"$$2"' - $$y $$ex.dts && \
		quiet cpp -nostdinc -I $(DT_KSRC)/include -undef -D__DTS__ \
			-x assembler-with-cpp -o $$ex.pre.dts $$ex.dts && \
		quiet dtc -I dts -O dtb -b 0 $(DT_EXAMPLE_FLAGS) -o $$ex.dtb $$ex.pre.dts && \
		quiet dt-validate -u $(CURDIR)/$(DT_BINDINGS_DIR) -s $$dt/processed-schema.json \
			$$ex.dtb || dtrc=1; \
	done; \
	quiet dtc -I dts -O dtb -o $$dt/lint-base.dtb dts/lint-base.dts || dtrc=1; \
	for o in $(DT_OVERLAYS); do \
		b=$$dt/$$(basename $$o .dtso); \
		quiet dtc -@ -I dts -O dtb $(DT_OVERLAY_WNO) -o $$b.dtbo $$o && \
		quiet fdtoverlay -i $$dt/lint-base.dtb -o $$b.merged.dtb $$b.dtbo && \
		quiet dtc -I dtb -O dts -o $$b.merged.dts $$b.merged.dtb && \
		quiet dt-validate -s $$dt/processed-schema.json $$b.merged.dtb || dtrc=1; \
	done; \
	[ $$dtrc = 0 ] || rc=1; \
	if [ $$rc = 0 ]; then echo "lint: clean"; else echo "lint: FAILED"; fi; \
	exit $$rc

# ---- arm64 -----------------------------------------------------------------
# `make ARCH=arm64` (= `make arm64`): everything cross-built into build/arm64:
#   linux/      a small arm64 kernel from KSRC_TAR with ARM64_CONFIG applied
#               to allnoconfig (selftests/qemu/guest-kernel.sh; cached: built
#               again only when the fragment or the tarball changes), its
#               source the debug kernel's (build/debug/src, extracted once)
#   mod/        a copy of the module's sources (mod_sources), where hshm.ko
#               is built against linux/
#   selftests/  the guest programs, static (GUEST_CC)
#   userspace/  user space (CC)
#   busybox/    busybox-static:arm64, downloaded by `make deps`
# `make check-arm64`: that, then the selftests in qemu-system-aarch64 -M
# virt,gic-version=3 (TCG), on QEMU's own device tree with ARM64_DTSI
# appended (the reserved region and the hyperamp node), per scenario of
# ARM64_SCENARIOS: loopback (ARM64_LOOPBACK_PARAMS), hvisor
# (ARM64_HVISOR_PARAMS: the loopback peer on the reserved region; skipped
# while hshm.ko has no hvisor_loopback parameter). Logs in build/check-arm64.
ARM64 := $(BUILD)/arm64
ARM64_CROSS ?= aarch64-linux-gnu-
ARM64_CONFIG ?= configs/arm64-virt.config
ARM64_KDIR := $(ARM64)/linux
ARM64_IMAGE := $(ARM64_KDIR)/arch/arm64/boot/Image
ARM64_MOD := $(ARM64)/mod
ARM64_BUSYBOX := $(ARM64)/busybox/bin/busybox
ARM64_DTSI ?= dts/qemu-arm64-virt-hshm.dtsi
ARM64_CHECK_DIR := $(BUILD)/check-arm64
ARM64_SCENARIOS ?= loopback hvisor
ARM64_LOOPBACK_PARAMS ?= nr_devices=1
ARM64_HVISOR_PARAMS ?= nr_devices=0 hvisor_loopback=1
ARM64_KMAKE = $(MAKE) -C $(ARM64_KDIR) M=$(ARM64_MOD) ARCH=arm64 \
	CROSS_COMPILE=$(ARM64_CROSS)

# $(call arm64_run,NAME,PARAMS,LOGDIR[,EXTRA run.sh ARGS])
arm64_run = $(RUN_SH) --arch arm64 --kernel $(ARM64_IMAGE) \
	--busybox $(ARM64_BUSYBOX) --module $(ARM64_MOD)/hshm.ko \
	--tests $(ARM64)/selftests --dtb-append $(ARM64_DTSI) \
	--timeout $(QEMU_TIMEOUT) --name $(1) --params "$(2)" --log $(3) $(4)

.PHONY: arm64 arm64-kernel arm64-module arm64-tests arm64-user arm64-busybox check-arm64

arm64: arm64-module arm64-tests arm64-user ## cross-build kernel, module, selftests and user space for arm64 into build/arm64 (= make ARCH=arm64)

arm64-kernel: ## build the arm64 guest kernel (build/arm64/linux; cached)
	selftests/qemu/guest-kernel.sh --arch arm64 --tar $(KSRC_TAR) \
		--config $(ARM64_CONFIG) --dir $(ARM64) --cross $(ARM64_CROSS) \
		--src $(DEBUG)/src

arm64-module: arm64-kernel ## cross-build build/arm64/mod/hshm.ko (KW=1: with W=1)
	$(call mod_sources,$(ARM64_MOD))
	$(ARM64_KMAKE) $(if $(KW),W=$(KW)) modules

# arm64 libnl is Debian's multiarch package, outside the cross compiler's
# default search path.
ARM64_USER_ARGS = CC=$(ARM64_CROSS)gcc AR=$(ARM64_CROSS)ar \
	NL_LIBS="-L/usr/lib/$(ARM64_TRIPLET) -lnl-genl-3 -lnl-3 -lpthread"
ARM64_TRIPLET := aarch64-linux-gnu

arm64-tests: ksft
	$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR) OUT=$(ARM64)/selftests \
		GUEST_CC=$(ARM64_CROSS)gcc guest demo bench
	$(MAKE) -C userspace OUT=$(ARM64)/selftests/bin STATIC=1 $(ARM64_USER_ARGS) guest

arm64-user:
ifneq ($(wildcard userspace/Makefile),)
	$(MAKE) -C userspace OUT=$(ARM64)/userspace $(ARM64_USER_ARGS)
else
	@echo "arm64-user: no userspace/Makefile yet, nothing to build"
endif

# busybox-static of Debian's arm64 port, unpacked (the amd64 package is what
# `deps` installs): needs `dpkg --add-architecture arm64` and apt-get update.
arm64-busybox: $(ARM64_BUSYBOX)
	@:

$(ARM64_BUSYBOX):
	@rm -rf $(ARM64)/busybox.tmp && mkdir -p $(ARM64)/busybox.tmp
	cd $(ARM64)/busybox.tmp && apt-get download busybox-static:arm64 || \
		{ echo "no busybox-static:arm64: as root run make deps" >&2; exit 1; }
	dpkg-deb -x $(ARM64)/busybox.tmp/busybox-static_*_arm64.deb $(ARM64)/busybox.tmp/root
	@rm -rf $(ARM64)/busybox && mv $(ARM64)/busybox.tmp/root $(ARM64)/busybox && \
		rm -rf $(ARM64)/busybox.tmp
	@test -x $@

check-arm64: arm64 arm64-busybox ## run the selftests in an arm64 QEMU guest (ARM64_SCENARIOS); last line: N passed, N failed
	@rm -rf $(ARM64_CHECK_DIR) && mkdir -p $(ARM64_CHECK_DIR)
	@rc=0; \
	case " $(ARM64_SCENARIOS) " in *" loopback "*) \
	$(call arm64_run,loopback,$(ARM64_LOOPBACK_PARAMS),$(ARM64_CHECK_DIR)) || rc=1;; esac; \
	case " $(ARM64_SCENARIOS) " in *" hvisor "*) \
	if grep -qa 'parmtype=hvisor_loopback:' $(ARM64_MOD)/hshm.ko; then \
		$(call arm64_run,hvisor,$(ARM64_HVISOR_PARAMS),$(ARM64_CHECK_DIR),--env HSHM_PEER_PROFILE=sel4-v1) || rc=1; \
	else \
		echo "# hvisor: SKIP: hshm.ko has no hvisor_loopback parameter yet"; \
		echo "0 0 1" >$(ARM64_CHECK_DIR)/hvisor.totals; \
	fi;; esac; \
	selftests/ktap-totals.sh $(ARM64_CHECK_DIR) || rc=1; \
	exit $$rc

# ---- debug kernel ----------------------------------------------------------
# `make debug`: an amd64 guest kernel with the kernel's debugging aids, and
# hshm.ko and hshm_kunit.ko built against it, in build/debug:
#   linux/  the kernel from KSRC_TAR with DEBUG_CONFIG (KASAN, lockdep,
#           kmemleak, debugobjects, KUnit, fault injection...) applied to
#           allnoconfig (selftests/qemu/guest-kernel.sh; cached: built again
#           only when the fragment or the tarball changes; about 6 minutes
#           on 2 idle cores)
#   mod/    a copy of the module's sources (mod_sources), where hshm.ko and,
#           the kernel having CONFIG_KUNIT, hshm_kunit.ko are built
# `make check-debug`: that, then the selftests (build/selftests, as
# check-amd64) on that kernel in the scenarios of DEBUG_SCENARIOS, the
# check_scenarios of check-amd64 with the debug kernel and module; the
# loopback guest also runs the KUnit suites of hshm_kunit.ko, and every
# guest ends with a kmemleak scan. Any splat or leak fails the run.
# KASAN and lockdep under TCG are slow: generous QEMU timeouts. Logs in
# build/check-debug.
DEBUG := $(BUILD)/debug
# what every amd64 guest kernel has; then the debug (or KCSAN) options
GUEST_CONFIG ?= configs/x86_64-guest.config
DEBUG_CONFIG ?= configs/x86_64-debug.config
DEBUG_KDIR := $(DEBUG)/linux
DEBUG_IMAGE := $(DEBUG_KDIR)/arch/x86/boot/bzImage
DEBUG_MOD := $(DEBUG)/mod
DEBUG_CHECK_DIR := $(BUILD)/check-debug
# plain: a polled device, where hshm_75_unbind binds under fail-nth faults
DEBUG_SCENARIOS ?= loopback ivshmem plain
DEBUG_QEMU_TIMEOUT ?= 3600
DEBUG_TEST_TIMEOUT ?= 1200
DEBUG_KMAKE = $(MAKE) -C $(DEBUG_KDIR) M=$(DEBUG_MOD)

.PHONY: debug debug-kernel debug-module

debug: debug-module ## build the debug kernel, hshm.ko and hshm_kunit.ko against it into build/debug

debug-kernel: ## build the amd64 debug guest kernel (build/debug/linux; cached)
	selftests/qemu/guest-kernel.sh --arch amd64 --tar $(KSRC_TAR) \
		--config $(GUEST_CONFIG) --config $(DEBUG_CONFIG) --dir $(DEBUG)

debug-module: debug-kernel ## build build/debug/mod/hshm.ko and hshm_kunit.ko (KW=1: with W=1)
	$(call mod_sources,$(DEBUG_MOD))
	$(DEBUG_KMAKE) $(if $(KW),W=$(KW)) modules

check-debug: CHECK_DIR = $(DEBUG_CHECK_DIR)
check-debug: SCENARIOS = $(DEBUG_SCENARIOS)
check-debug: QEMU_KERNEL = $(DEBUG_IMAGE)
check-debug: QEMU_MODULE = $(DEBUG_MOD)/hshm.ko
check-debug: QEMU_TIMEOUT = $(DEBUG_QEMU_TIMEOUT)
check-debug: QEMU_TEST_TIMEOUT = $(DEBUG_TEST_TIMEOUT)
check-debug: LOOPBACK_RUN_ARGS = --kunit $(DEBUG_MOD)/hshm_kunit.ko
check-debug: debug tests user ## the selftests and KUnit suites on the debug kernel (DEBUG_SCENARIOS); last line: N passed, N failed
	@rm -rf $(CHECK_DIR) && mkdir -p $(CHECK_DIR)
	@rc=0; \
	$(check_scenarios) \
	selftests/ktap-totals.sh $(CHECK_DIR) || rc=1; \
	exit $$rc

# ---- KCSAN kernel -----------------------------------------------------------
# `make check-kcsan`: the data-race detector, which cannot share a kernel
# with KASAN. In build/kcsan: linux/, an amd64 kernel from KSRC_TAR with
# GUEST_CONFIG and KCSAN_CONFIG (KCSAN, full preemption, sleep-in-atomic
# checks; cached, its source the debug kernel's; about 6 minutes on 2 idle
# cores), mod/ with hshm.ko against it, tests/ with the programs of
# KCSAN_TESTS (where requests race timers, cancels, closes, heals and
# removal). Then those in the scenarios of KCSAN_SCENARIOS. A KCSAN report
# of a race with hshm's code on one side fails the run; one of the rest of
# the kernel does not (selftests/ktap-lib.sh, ktap_dmesg_problems). Logs in
# build/check-kcsan.
KCSAN := $(BUILD)/kcsan
KCSAN_CONFIG ?= configs/x86_64-kcsan.config
KCSAN_KDIR := $(KCSAN)/linux
KCSAN_IMAGE := $(KCSAN_KDIR)/arch/x86/boot/bzImage
KCSAN_MOD := $(KCSAN)/mod
KCSAN_CHECK_DIR := $(BUILD)/check-kcsan
KCSAN_SCENARIOS ?= ivshmem
KCSAN_TESTS ?= hshm_10_ioctl hshm_50_stress hshm_75_unbind hshm_80_hostile
CHECK_LOGDIR_kcsan = $(KCSAN_CHECK_DIR)

.PHONY: kcsan kcsan-kernel kcsan-module check-kcsan

kcsan: kcsan-module tests ## build the KCSAN kernel, hshm.ko against it and the tests of KCSAN_TESTS into build/kcsan
	@$(call test_subset,$(KCSAN)/tests,$(KCSAN_TESTS))

kcsan-kernel: ## build the amd64 KCSAN guest kernel (build/kcsan/linux; cached)
	selftests/qemu/guest-kernel.sh --arch amd64 --tar $(KSRC_TAR) \
		--config $(GUEST_CONFIG) --config $(KCSAN_CONFIG) --dir $(KCSAN) \
		--src $(DEBUG)/src

kcsan-module: kcsan-kernel ## build build/kcsan/mod/hshm.ko (KW=1: with W=1)
	$(call mod_sources,$(KCSAN_MOD))
	$(MAKE) -C $(KCSAN_KDIR) M=$(KCSAN_MOD) $(if $(KW),W=$(KW)) modules

check-kcsan: CHECK_DIR = $(KCSAN_CHECK_DIR)
check-kcsan: SCENARIOS = $(KCSAN_SCENARIOS)
check-kcsan: QEMU_KERNEL = $(KCSAN_IMAGE)
check-kcsan: QEMU_MODULE = $(KCSAN_MOD)/hshm.ko
check-kcsan: QEMU_TESTS = $(KCSAN)/tests
check-kcsan: QEMU_TIMEOUT = $(DEBUG_QEMU_TIMEOUT)
check-kcsan: QEMU_TEST_TIMEOUT = $(DEBUG_TEST_TIMEOUT)
check-kcsan: kcsan user ## the stress, hostile and unbind selftests on the KCSAN kernel (KCSAN_SCENARIOS); last line: N passed, N failed
	@rm -rf $(CHECK_DIR) && mkdir -p $(CHECK_DIR)
	@rc=0; \
	$(check_scenarios) \
	selftests/ktap-totals.sh $(CHECK_DIR) || rc=1; \
	exit $$rc

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
	@sed -n 's/^\([a-z][a-z0-9-]*\):.*## \(.*\)/\1|\2/p' $(firstword $(MAKEFILE_LIST)) scripts/ynl.mk | \
		awk -F'|' '{ printf "  %-12s %s\n", $$1, $$2 }'
	@echo "KDIR=$(KDIR) KVER=$(KVER) VMLINUZ=$(VMLINUZ)"

# ---- install ---------------------------------------------------------------
# `make install`: the module and user space, under DESTDIR (a staging
# directory; empty: this system) and PREFIX (/usr/local):
#   install-module  hshm.ko, built against KDIR, installed by the kernel's
#                   modules_install as DESTDIR/lib/modules/KVER/updates/
#                   hshm.ko (MODULE_INSTALL_DIR), compressed if that kernel
#                   compresses its modules (6.12: hshm.ko.xz), signed if
#                   its signing key is in KDIR (not so for Debian's
#                   headers: left unsigned, the kernel then only taints);
#                   then `depmod KVER` when DESTDIR is empty. With a
#                   DESTDIR there is no depmod: the index is the target
#                   system's to make (depmod there, or a package's
#                   postinst), and DESTDIR holds only hshm's files.
#   install-user    userspace/'s install (libhshm and hshm.pc in
#                   PREFIX/lib, libhshm.h in PREFIX/include/hshm, the uapi
#                   headers in PREFIX/include/linux, hshmctl, hshm-bench and
#                   hshm-peer in PREFIX/bin, their manual pages), and the
#                   udev rule as UDEVRULESDIR/60-hshm.rules: /etc/udev/
#                   rules.d, the administrator's rules, for a local install;
#                   /lib/udev/rules.d, the distribution's, for PREFIX=/usr;
#                   then ldconfig when DESTDIR is empty.
# `make uninstall` (uninstall-module, uninstall-user) removes exactly those
# files, with the same DESTDIR, PREFIX, KDIR (KVER) and UDEVRULESDIR. The
# module installed this way and one installed by DKMS (dkms-install below)
# would both be in updates/: use one or the other.
PREFIX ?= /usr/local
DESTDIR ?=
UDEVRULESDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/udev/rules.d,/etc/udev/rules.d)
MODULE_INSTALL_DIR ?= updates
DEPMOD ?= depmod
# A kernel configured with CONFIG_MODULE_SIG_ALL signs in modules_install
# with CONFIG_MODULE_SIG_KEY; where that file is not there (distribution
# headers), sign-file's errors are all it would add: turn signing off.
MOD_SIG_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"$$/\1/p' $(KDIR)/.config 2>/dev/null)
MOD_SIG_KEY_PATH = $(if $(filter /%,$(MOD_SIG_KEY)),$(MOD_SIG_KEY),$(KDIR)/$(MOD_SIG_KEY))
MOD_INSTALL_NOSIGN = $(if $(filter pkcs11:%,$(MOD_SIG_KEY))$(wildcard $(MOD_SIG_KEY_PATH)),,CONFIG_MODULE_SIG_ALL=)
MOD_INSTALL_PATH = $(DESTDIR)/lib/modules/$(KVER)/$(MODULE_INSTALL_DIR)
# what modules_install may have written (hshm_kunit.ko: a kernel with KUnit)
MOD_INSTALLED = $(foreach m,hshm hshm_kunit,$(foreach z,. .gz .xz .zst,$(MOD_INSTALL_PATH)/$(m).ko$(z:.=)))
USER_INSTALL_ARGS = OUT=$(BUILD)/userspace PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

.PHONY: install install-module install-user uninstall uninstall-module uninstall-user

install: install-module install-user ## install the module and user space (DESTDIR, PREFIX=/usr/local, KDIR)

install-module: module ## install hshm.ko into DESTDIR/lib/modules/KVER/updates (modules_install), depmod if no DESTDIR
	$(MAKE) $(KMAKE_ARGS) KERNELRELEASE=$(KVER) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(MODULE_INSTALL_DIR) DEPMOD=true $(MOD_INSTALL_NOSIGN) modules_install
ifeq ($(DESTDIR),)
	$(DEPMOD) $(KVER)
else
	@echo "install-module: no depmod in DESTDIR; on the target run: depmod $(KVER)"
endif

install-user: user ## install libhshm, hshm.pc, the headers, the tools, their manual pages, the udev rule (DESTDIR, PREFIX)
	$(MAKE) -C userspace $(USER_INSTALL_ARGS) install
	install -D -m 0644 udev/60-hshm.rules $(DESTDIR)$(UDEVRULESDIR)/60-hshm.rules
ifeq ($(DESTDIR),)
	ldconfig
	@getent group hshm >/dev/null || \
		echo "install-user: /dev/hshmN is for group hshm, which does not exist: groupadd --system hshm"
	@echo "install-user: udevadm control --reload applies $(UDEVRULESDIR)/60-hshm.rules"
endif

uninstall: uninstall-module uninstall-user ## remove what make install installed (same DESTDIR, PREFIX, KDIR)

uninstall-module: ## remove hshm.ko from DESTDIR/lib/modules/KVER/updates, depmod if no DESTDIR
	rm -f $(MOD_INSTALLED)
ifeq ($(DESTDIR),)
	$(DEPMOD) $(KVER)
endif

uninstall-user: ## remove what install-user installed (same DESTDIR, PREFIX, UDEVRULESDIR)
	$(MAKE) -C userspace $(USER_INSTALL_ARGS) uninstall
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-hshm.rules
ifeq ($(DESTDIR),)
	ldconfig
endif

# ---- DKMS ------------------------------------------------------------------
# `make dkms-install` (as root): the module's sources, what dkms.conf
# builds from (Kbuild, VERSION, dkms.conf, and the .c and .h files of
# kernel/, common/ and uapi/, as mod_sources copies them), go to
# DKMS_SRC = /usr/src/hshm-HSHM_VERSION; `dkms add`, then `dkms build` and
# `dkms install` for each kernel of DKMS_KVERS (by default every kernel
# with a build tree, /lib/modules/RELEASE/build). Every version of hshm
# DKMS has is removed first, so that running it again, or for a new
# version, starts afresh. DKMS installs into /lib/modules/RELEASE/updates/
# dkms/, runs depmod, signs the module with its own key (/var/lib/dkms/
# mok.key, made on its first use) and, AUTOINSTALL, builds it for each
# kernel installed later.
# `make dkms-remove`: `dkms remove --all` of every version of hshm, and
# its /usr/src/hshm-VERSION.
HSHM_VERSION := $(shell cat $(CURDIR)/VERSION)
DKMS ?= dkms
DKMS_KVERS ?= $(patsubst /lib/modules/%/build/Makefile,%,$(wildcard /lib/modules/*/build/Makefile))
DKMS_SRC = /usr/src/hshm-$(HSHM_VERSION)
# the versions of hshm DKMS knows, from `dkms status` ("hshm/0.1.0, ...")
dkms_versions = $(DKMS) status -m hshm 2>/dev/null | sed -n 's|^hshm/\([^,:]*\)[,:].*|\1|p' | sort -u
# $(call dkms_need,TARGET): stop unless root with dkms
dkms_need = test "$$(id -u)" = 0 || { echo "$(1): run as root" >&2; exit 1; }; \
	command -v $(DKMS) >/dev/null || { echo "$(1): no $(DKMS) (apt-get install dkms)" >&2; exit 1; }

.PHONY: dkms-install dkms-remove

dkms-install: ## as root: copy the module's sources to /usr/src/hshm-VERSION, dkms add, build and install for DKMS_KVERS
	@$(call dkms_need,$@)
	@test -n "$(DKMS_KVERS)" || { echo "$@: no kernel build tree in /lib/modules: set DKMS_KVERS" >&2; exit 1; }
	@$(MAKE) --no-print-directory dkms-remove
	$(call mod_sources,$(DKMS_SRC))
	install -m 0644 VERSION dkms.conf $(DKMS_SRC)/
	$(DKMS) add -m hshm -v $(HSHM_VERSION)
	@set -e; for k in $(DKMS_KVERS); do \
		echo "$(DKMS) build -m hshm -v $(HSHM_VERSION) -k $$k"; \
		$(DKMS) build -m hshm -v $(HSHM_VERSION) -k $$k; \
		echo "$(DKMS) install -m hshm -v $(HSHM_VERSION) -k $$k"; \
		$(DKMS) install -m hshm -v $(HSHM_VERSION) -k $$k; \
	done
	$(DKMS) status -m hshm

dkms-remove: ## as root: dkms remove every version of hshm from every kernel, delete /usr/src/hshm-VERSION
	@$(call dkms_need,$@)
	@set -e; for v in $$($(dkms_versions)); do \
		echo "$(DKMS) remove -m hshm -v $$v --all"; \
		$(DKMS) remove -m hshm -v $$v --all; \
		rm -rf /usr/src/hshm-$$v; \
	done
	rm -rf $(DKMS_SRC)

# ---- check-install ---------------------------------------------------------
# `make check-install` (selftests/install/check-install.sh): make install
# into a temporary DESTDIR for the first kernel of CHECK_INSTALL_KVERS, its
# files against selftests/install/expected-files, a program built against
# the installed libhshm with pkg-config and run, make uninstall leaving no
# file; then, as root, make dkms-install for CHECK_INSTALL_KVERS (twice),
# dkms status, each kernel booted in QEMU with the module DKMS installed
# (hshm_00_dkms.sh and hshm_10_ioctl), make dkms-remove. KTAP and totals in
# build/check-install (CHECK_LOGDIR_install, for `make check
# CHECKS=install`). CHECK_INSTALL_KVERS: releases; by default those of
# every kernel of KERNELS (the install part uses the first).
CHECK_INSTALL_DIR := $(BUILD)/check-install
CHECK_LOGDIR_install = $(CHECK_INSTALL_DIR)
CHECK_INSTALL_KVERS ?= $(foreach k,$(KERNELS),$(call kver_of,$(k)))

# (not $(MAKE) itself in the recipe: `make -n` would run the script)
CHECK_INSTALL_MAKE = $(MAKE)

.PHONY: check-install

check-install: user ksft ## make install/uninstall into a DESTDIR, libhshm via pkg-config, DKMS for CHECK_INSTALL_KVERS booted in QEMU; last line: N passed, N failed
	@test -n "$(CHECK_INSTALL_KVERS)" || { echo "$@: no kernel: set CHECK_INSTALL_KVERS" >&2; exit 1; }
	$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR) OUT=$(BUILD)/selftests \
		$(BUILD)/selftests/hshm_10_ioctl $(BUILD)/selftests/lib/hshm_ktap.sh
	@rm -rf $(CHECK_INSTALL_DIR) && mkdir -p $(CHECK_INSTALL_DIR)
	@rc=0; \
	MAKE="$(CHECK_INSTALL_MAKE)" selftests/install/check-install.sh --log $(CHECK_INSTALL_DIR) \
		--kvers "$(CHECK_INSTALL_KVERS)" --guest-tests $(BUILD)/selftests \
		--timeout $(QEMU_TIMEOUT) --test-timeout $(QEMU_TEST_TIMEOUT) || rc=1; \
	selftests/ktap-totals.sh $(CHECK_INSTALL_DIR) || rc=1; \
	exit $$rc
