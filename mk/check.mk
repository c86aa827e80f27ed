# SPDX-License-Identifier: GPL-2.0-only
# make check and its amd64 suite: the QEMU scenarios (loopback, ivshmem,
# plain, the v1 peers) on each kernel of KERNELS. Included by the top
# Makefile, in order: it uses the variables defined before it.

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
#             with-peer.sh after a test kills it; HSHM_CALL callers never
#             poll for their answer (spin_us 0 for every class)
#   plain     ivshmem-plain, no interrupts; every class's callers poll up
#             to 2 ms (spin_us 2000)
# (loopback keeps the driver's default budgets: realtime 100 us, others 0)
# check-amd64 runs them on Debian's kernel, check-debug on the debug kernel
# (its target-specific CHECK_DIR, QEMU_KERNEL, QEMU_MODULE...).
check_scenarios = \
	case " $(SCENARIOS) " in *" loopback "*) \
	$(call qemu_run,loopback,$(LOOPBACK_PARAMS),$(CHECK_DIR),$(LOOPBACK_RUN_ARGS)) || rc=1;; esac; \
	case " $(SCENARIOS) " in *" ivshmem "*) \
	$(WITH_PEER) --shm $(CHECK_DIR)/ivshmem.shm --socket $(IVS_SOCK) --restart 2 \
		--peer-args --test-hooks --log $(CHECK_DIR)/ivshmem.peer -- \
		$(call qemu_run,ivshmem,nr_devices=0 $(IVS_BIND),$(CHECK_DIR),--env HSHM_PEER_HOOKS=1 \
			--env HSHM_PEER_RESTART=1 --env HSHM_TEST_SPIN_US=0 --qemu-args "$(IVS_DOORBELL)") || \
		{ rc=1; $(call peer_log,$(CHECK_DIR)/ivshmem.peer); };; esac; \
	case " $(filter-out $(PLAIN_SKIP),$(SCENARIOS)) " in *" plain "*) \
	$(call foreign_shm,$(CHECK_DIR)/foreign.shm); \
	$(WITH_PEER) --shm $(CHECK_DIR)/plain.shm --peer-args --test-hooks \
		--log $(CHECK_DIR)/plain.peer -- \
		$(call qemu_run,plain,nr_devices=0 $(IVS_BIND),$(CHECK_DIR),--env HSHM_PEER_HOOKS=1 \
			--env HSHM_FOREIGN_PCI=$(IVS_FOREIGN_PCI) --env HSHM_TEST_SPIN_US=2000 --qemu-args "$(IVS_PLAIN) $(IVS_FOREIGN)") || \
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
