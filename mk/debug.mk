# SPDX-License-Identifier: GPL-2.0-only
# The amd64 debug kernel (KASAN, lockdep, kmemleak...) and make check-debug.
# Included by the top Makefile, in order: it uses the variables defined
# before it.

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
