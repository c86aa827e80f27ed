# SPDX-License-Identifier: GPL-2.0-only
# Booting a guest kernel in QEMU with the module and test programs
# (selftests/qemu/run.sh), and the file lists the scenarios copy. Included
# by the top Makefile, in order: it uses the variables defined before it.

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
