# SPDX-License-Identifier: GPL-2.0-only
# make dkms-install and make dkms-remove. Included by the top Makefile, in
# order: it uses the variables defined before it.

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
