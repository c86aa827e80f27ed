# SPDX-License-Identifier: GPL-2.0-only
# The arm64 cross build and make check-arm64. Included by the top Makefile,
# in order: it uses the variables defined before it.

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
	$(MAKE) -C userspace OUT=$(ARM64)/userspace $(ARM64_USER_ARGS)

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
