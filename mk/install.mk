# SPDX-License-Identifier: GPL-2.0-only
# make install and make uninstall. Included by the top Makefile, in order:
# it uses the variables defined before it.

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
# module installed this way and one installed by DKMS (dkms-install, mk/dkms.mk)
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
