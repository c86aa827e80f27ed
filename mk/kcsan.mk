# SPDX-License-Identifier: GPL-2.0-only
# The amd64 KCSAN kernel and make check-kcsan. Included by the top Makefile,
# in order: it uses the variables defined before it.

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
