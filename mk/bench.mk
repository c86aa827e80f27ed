# SPDX-License-Identifier: GPL-2.0-only
# make fuzz, make bench and make demo. Included by the top Makefile, in
# order: it uses the variables defined before it.

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
# the table of the results side by side (ratios against loopback). Each
# guest runs selftests/bench/hshm_rtt.sh, which in the same boot also runs
# the transport's baseline: over loopback a UNIX-socket ping-pong
# (hshm_sockpp), over ivshmem the busy-polling client hshm replaces
# (hshm_busypoll, the device unbound from the driver, the same hshm-peer;
# then hshm_rtt again); table.sh puts hshm next to them with the ratios,
# and the CPU figures (BENCH_RTT_ENV="N=V ...": HSHM_RTT_IDLE...). Then
# (BENCH_QOS=1) the QoS evaluation of qos.md: hshm-bench --compare in the
# loopback guest (selftests/bench/hshm_qos.sh; BENCH_QOS_ENV="N=V ..."
# passes HSHM_QOS_SECONDS, HSHM_QOS_MSG_NS... to it), its fifo/wrr table,
# build/bench/qos.csv and qos-cdf.csv, and the PNG plots made on the host
# from them (build/bench/*.png, gnuplot).
BENCH_QOS ?= 1
BENCH_QOS_ENV ?=
BENCH_RTT_ENV ?=
bench_rtt = --run "sh bench/hshm_rtt.sh $(1)" $(foreach e,$(BENCH_RTT_ENV),--env $(e))
bench: all ## round trip P50/P99 and req/s over every transport side by side, against a busy-polling client and a UNIX socket; hshm-bench --compare (fifo vs wrr) with PNG plots
	@rm -rf $(BENCH_DIR) && mkdir -p $(BENCH_DIR)
	@rc=0; \
	for s in $(BENCH_SCENARIOS); do \
		case $$s in \
		loopback) $(call qemu_run,bench-loopback,nr_devices=1 loopback_msg_ns=0 loopback_kib_ns=0,$(BENCH_DIR),$(call bench_rtt,loopback)) ;; \
		ivshmem) $(WITH_PEER) --shm $(BENCH_DIR)/ivshmem.shm --socket $(BENCH_DIR)/ivshmem.sock \
			--log $(BENCH_DIR)/ivshmem.peer -- \
			$(call qemu_run,bench-ivshmem,nr_devices=0 $(IVS_BIND),$(BENCH_DIR),$(call bench_rtt,ivshmem) \
			--qemu-args "$(BENCH_DOORBELL)") ;; \
		plain) $(WITH_PEER) --shm $(BENCH_DIR)/plain.shm --log $(BENCH_DIR)/plain.peer -- \
			$(call qemu_run,bench-plain,nr_devices=0 $(IVS_BIND),$(BENCH_DIR),$(call bench_rtt,plain) \
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
