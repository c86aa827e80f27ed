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
#   QEMU_TIMEOUT  seconds for one whole QEMU run

BUILD := $(CURDIR)/build

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
DEFAULT_KDIR := $(RUNNING_KDIR)
else
DEFAULT_KDIR := $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
endif
KDIR ?= $(DEFAULT_KDIR)

# Debian's include/config/kernel.release holds the upstream version (6.1.x),
# not the package's release (6.1.0-N-amd64) that names /boot/vmlinuz-*: read
# UTS_RELEASE first.
DEFAULT_KVER := $(or \
	$(shell sed -n 's/^.define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null), \
	$(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null))
KVER ?= $(DEFAULT_KVER)
VMLINUZ ?= /boot/vmlinuz-$(KVER)
KW ?=

# Kernel source tarball (linux-source-6.1): the kselftest harness and
# checkpatch come from it, extracted at build time, never copied in the tree.
KSRC_TAR ?= /usr/src/linux-source-6.1.tar.xz
KSRC_TOP := linux-source-6.1
KSFT_DIR := $(BUILD)/ksft
KSFT_STAMP := $(KSFT_DIR)/kselftest_harness.h
CHECKPATCH_DIR := $(BUILD)/checkpatch
CHECKPATCH := $(CHECKPATCH_DIR)/checkpatch.pl
CHECKPATCH_FILES = $(wildcard kernel/*.c kernel/*.h common/*.c common/*.h uapi/linux/*.h)

KMAKE_ARGS = -C $(KDIR) M=$(CURDIR)

RUN_SH := selftests/qemu/run.sh
CHECK_DIR := $(BUILD)/check
LOOPBACK_PARAMS ?=
DEMO_PARAMS ?= $(LOOPBACK_PARAMS)
QEMU_TIMEOUT ?= 1500

# $(call qemu_run,NAME,PARAMS,LOGDIR[,EXTRA run.sh ARGS]): boot the guest
# kernel with ./hshm.ko and build/selftests.
qemu_run = $(RUN_SH) --kernel $(VMLINUZ) --module $(CURDIR)/hshm.ko \
	--tests $(BUILD)/selftests --timeout $(QEMU_TIMEOUT) \
	--name $(1) --params "$(2)" --log $(3) $(4)

DEB_PKGS := build-essential linux-image-amd64 linux-headers-amd64 \
	linux-source-6.1 qemu-system-x86 busybox-static sparse cpio kmod \
	xz-utils libnl-genl-3-dev pkg-config bc flex bison libelf-dev \
	libssl-dev python3 gnuplot-nox

.PHONY: all module tests user ksft check lint demo bench deps clean help

all: module tests user ## build the module, the selftests and user space (default)

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

tests: ksft ## build the selftests into build/selftests (unit tests: build/selftests/unit)
	$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR) OUT=$(BUILD)/selftests

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
IVS_SOCK := $(CHECK_DIR)/ivshmem.sock
IVS_DOORBELL = -chardev socket,path=$(IVS_SOCK),id=ivsh \
	-device ivshmem-doorbell,chardev=ivsh,vectors=1
IVS_PLAIN = -object memory-backend-file,id=hmem,share=on,size=8M,mem-path=$(CHECK_DIR)/plain.shm \
	-device ivshmem-plain,memdev=hmem
SCENARIOS ?= loopback ivshmem plain

check: all ## run the unit tests on the host and the selftests in QEMU (SCENARIOS); last line: N passed, N failed
	@rm -rf $(CHECK_DIR) && mkdir -p $(CHECK_DIR)
	@rc=0; \
	$(RUN_SH) --host --tests $(BUILD)/selftests/unit --name unit --log $(CHECK_DIR) || rc=1; \
	case " $(SCENARIOS) " in *" loopback "*) \
	$(call qemu_run,loopback,$(LOOPBACK_PARAMS),$(CHECK_DIR)) || rc=1;; esac; \
	case " $(SCENARIOS) " in *" ivshmem "*) \
	$(WITH_PEER) --shm $(CHECK_DIR)/ivshmem.shm --socket $(IVS_SOCK) --restart 2 \
		--peer-args --test-hooks --log $(CHECK_DIR)/ivshmem.peer -- \
		$(call qemu_run,ivshmem,nr_devices=0,$(CHECK_DIR),--env HSHM_PEER_HOOKS=1 \
			--env HSHM_PEER_RESTART=1 --qemu-args "$(IVS_DOORBELL)") || rc=1;; esac; \
	case " $(SCENARIOS) " in *" plain "*) \
	$(WITH_PEER) --shm $(CHECK_DIR)/plain.shm --peer-args --test-hooks \
		--log $(CHECK_DIR)/plain.peer -- \
		$(call qemu_run,plain,nr_devices=0,$(CHECK_DIR),--env HSHM_PEER_HOOKS=1 \
			--qemu-args "$(IVS_PLAIN)") || rc=1;; esac; \
	selftests/ktap-totals.sh $(CHECK_DIR) || rc=1; \
	exit $$rc

BENCH_DIR := $(BUILD)/bench
BENCH_SCENARIOS ?= loopback ivshmem plain
# (in variables: a comma in $(call ...) arguments would split them)
BENCH_DOORBELL = -chardev socket,path=$(BENCH_DIR)/ivshmem.sock,id=ivsh \
	-device ivshmem-doorbell,chardev=ivsh,vectors=1
BENCH_PLAIN = -object memory-backend-file,id=hmem,share=on,size=8M,mem-path=$(BENCH_DIR)/plain.shm \
	-device ivshmem-plain,memdev=hmem

# bench: hshm_rtt over each transport, one after the other in one run, and
# the table of the results side by side (ratios against loopback).
bench: all ## round trip P50/P99 and req/s over loopback, ivshmem (MSI-X) and ivshmem-plain (polling), side by side
	@rm -rf $(BENCH_DIR) && mkdir -p $(BENCH_DIR)
	@rc=0; \
	for s in $(BENCH_SCENARIOS); do \
		case $$s in \
		loopback) $(call qemu_run,bench-loopback,loopback_msg_ns=0 loopback_kib_ns=0,$(BENCH_DIR),--run /tests/bench/hshm_rtt) ;; \
		ivshmem) $(WITH_PEER) --shm $(BENCH_DIR)/ivshmem.shm --socket $(BENCH_DIR)/ivshmem.sock \
			--log $(BENCH_DIR)/ivshmem.peer -- \
			$(call qemu_run,bench-ivshmem,nr_devices=0,$(BENCH_DIR),--run /tests/bench/hshm_rtt \
			--qemu-args "$(BENCH_DOORBELL)") ;; \
		plain) $(WITH_PEER) --shm $(BENCH_DIR)/plain.shm --log $(BENCH_DIR)/plain.peer -- \
			$(call qemu_run,bench-plain,nr_devices=0,$(BENCH_DIR),--run /tests/bench/hshm_rtt \
			--qemu-args "$(BENCH_PLAIN)") ;; \
		esac >$(BENCH_DIR)/$$s.out 2>&1 || { rc=1; tail -20 $(BENCH_DIR)/$$s.out; }; \
	done; \
	selftests/bench/table.sh $(BENCH_DIR) $(BENCH_SCENARIOS); \
	exit $$rc

# the demo program, relative to build/selftests (/tests in the guest)
DEMO = $(if $(wildcard $(BUILD)/selftests/demo/hshm_demo),demo/hshm_demo,hshm_demo)

demo: module tests ## run the demo program (build/selftests/demo/hshm_demo) in QEMU
	$(call qemu_run,demo,$(DEMO_PARAMS),$(BUILD)/demo,--run /tests/$(DEMO))

$(CHECKPATCH):
	@rm -rf $(CHECKPATCH_DIR).tmp && mkdir -p $(CHECKPATCH_DIR).tmp
	tar -xmJf $(KSRC_TAR) -C $(CHECKPATCH_DIR).tmp --strip-components=2 --occurrence=1 \
		$(addprefix $(KSRC_TOP)/scripts/,checkpatch.pl spelling.txt const_structs.checkpatch)
	@rm -rf $(CHECKPATCH_DIR) && mv $(CHECKPATCH_DIR).tmp $(CHECKPATCH_DIR)

# The sparse pass rebuilds without W=1, so the W=1 pass always recompiles.
lint: $(CHECKPATCH) ## sparse (C=2), W=1 and checkpatch --strict; fails on any finding
	@mkdir -p $(BUILD)/lint
	@rc=0; \
	echo "== sparse: $(BUILD)/lint/sparse.log"; \
	$(MAKE) $(KMAKE_ARGS) C=2 CF="-D__CHECK_ENDIAN__" modules >$(BUILD)/lint/sparse.log 2>&1 || \
		{ cat $(BUILD)/lint/sparse.log; rc=1; }; \
	grep -E '^($(CURDIR)/|\./)?(kernel|common|uapi)/[^:]*:[0-9]+:([0-9]+:)? (warning|error):' \
		$(BUILD)/lint/sparse.log && rc=1; \
	echo "== W=1: $(BUILD)/lint/w1.log"; \
	$(MAKE) $(KMAKE_ARGS) W=1 modules >$(BUILD)/lint/w1.log 2>&1 || { cat $(BUILD)/lint/w1.log; rc=1; }; \
	grep -i 'warning:' $(BUILD)/lint/w1.log && rc=1; \
	echo "== checkpatch: $(BUILD)/lint/checkpatch.log"; \
	ignore=$$(sed -e 's/#.*//' -e 's/[[:space:]]//g' .checkpatch-ignore | grep . | paste -sd, -); \
	perl $(CHECKPATCH) --strict --no-tree --terse --show-types \
		$${ignore:+--ignore $$ignore} -f $(CHECKPATCH_FILES) \
		>$(BUILD)/lint/checkpatch.log 2>&1; \
	rm -f .checkpatch-camelcase.*; \
	grep -E '(ERROR|WARNING|CHECK):' $(BUILD)/lint/checkpatch.log && rc=1; \
	if [ $$rc = 0 ]; then echo "lint: clean"; else echo "lint: FAILED"; fi; \
	exit $$rc

deps: ## install the Debian packages the build and the tests need (as root)
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${db:Status-Status}\n' $$p 2>/dev/null | grep -qx installed || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then \
		echo "deps: all installed"; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "deps: not root; as root run:"; \
		echo "  apt-get install --no-install-recommends $(DEB_PKGS)"; \
	else \
		echo "deps: installing" $$missing; \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEB_PKGS); \
	fi

clean: ## remove the module's objects and build/
	-@test ! -f "$(KDIR)/Makefile" || $(MAKE) $(KMAKE_ARGS) clean
	rm -rf $(BUILD)

help: ## list the targets
	@echo "targets:"
	@sed -n 's/^\([a-z][a-z-]*\):.*## \(.*\)/\1|\2/p' $(firstword $(MAKEFILE_LIST)) | \
		awk -F'|' '{ printf "  %-8s %s\n", $$1, $$2 }'
	@echo "KDIR=$(KDIR) KVER=$(KVER) VMLINUZ=$(VMLINUZ)"
