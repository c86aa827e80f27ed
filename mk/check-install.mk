# SPDX-License-Identifier: GPL-2.0-only
# make check-install. Included by the top Makefile, in order: it uses the
# variables defined before it.

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
