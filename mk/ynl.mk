# SPDX-License-Identifier: GPL-2.0-only
# The netlink spec (Documentation/netlink/specs/hshm.yaml) and the kernel's
# YNL tools (tools/net/ynl of KSRC_TAR, extracted into build/ynl/linux with
# the netlink schemas beside them, as in a kernel tree).  Included by the
# top Makefile.
#   make ynl-check  validate the spec against its schema (ynl-gen-c does
#                   it with python3-jsonschema) and check that the tree
#                   agrees with it: uapi/linux/hshm_netlink.h names every
#                   value the spec does, with the same values, and
#                   kernel/hshm_nl_gen.[ch] are what the spec generates,
#                   and the kernel puts every attribute with the spec's
#                   type; fails on any difference
#   make ynl-gen    write kernel/hshm_nl_gen.[ch] (the policies and the
#                   table of operations) from the spec
YNL_SPEC := Documentation/netlink/specs/hshm.yaml
YNL_DIR := $(BUILD)/ynl
YNL_SRC := $(YNL_DIR)/linux
YNL_STAMP := $(YNL_SRC)/tools/net/ynl/ynl-gen-c.py
# Debian's python3 (python3-yaml, python3-jsonschema), not one on PATH
YNL_PYTHON ?= /usr/bin/python3
YNL_SCHEMAS := genetlink.yaml genetlink-c.yaml genetlink-legacy.yaml netlink-raw.yaml

# ynl-gen-c.py finds the top of the kernel tree by its MAINTAINERS file.
$(YNL_STAMP):
	@rm -rf $(YNL_SRC).tmp && mkdir -p $(YNL_SRC).tmp
	tar -xmJf $(KSRC_TAR) -C $(YNL_SRC).tmp --strip-components=1 \
		$(KSRC_TOP)/tools/net/ynl \
		$(addprefix $(KSRC_TOP)/Documentation/netlink/,$(YNL_SCHEMAS))
	@mkdir -p $(YNL_SRC).tmp/Documentation/netlink/specs && \
		touch $(YNL_SRC).tmp/MAINTAINERS
	@rm -rf $(YNL_SRC) && mv $(YNL_SRC).tmp $(YNL_SRC)

# $(call ynl_gen,ARGS,OUT): ynl-gen-c.py ARGS on the spec, copied into the
# extracted tree (where its schema is), writing OUT.
ynl_gen = cp $(CURDIR)/$(YNL_SPEC) $(YNL_SRC)/Documentation/netlink/specs/ && \
	cd $(YNL_SRC) && $(YNL_PYTHON) tools/net/ynl/ynl-gen-c.py \
		--spec $(abspath $(YNL_SRC))/$(YNL_SPEC) $(1) -o $(abspath $(2))

# The kernel's policies and operations, generated and committed.
YNL_KERNEL := kernel/hshm_nl_gen.h kernel/hshm_nl_gen.c
ynl_kernel = $(call ynl_gen,--mode kernel --header,$(1)/hshm_nl_gen.h) && \
	$(call ynl_gen,--mode kernel --source,$(1)/hshm_nl_gen.c)

.PHONY: ynl-check ynl-gen

ynl-gen: $(YNL_STAMP) ## write kernel/hshm_nl_gen.[ch] from the netlink spec
	($(call ynl_kernel,kernel))

ynl-check: $(YNL_STAMP) ## validate the netlink spec with the kernel's YNL and check that the tree agrees with it
	@rm -rf $(YNL_DIR)/out && mkdir -p $(YNL_DIR)/out
	@($(call ynl_gen,--mode uapi --header,$(YNL_DIR)/out/hshm_netlink.h)) || \
		{ echo "ynl-check: $(YNL_SPEC) is not valid"; exit 1; }
	@echo "ynl-check: $(YNL_SPEC) is valid $$(sed -n 's/^protocol: *//p' $(YNL_SPEC))"
	@($(call ynl_kernel,$(YNL_DIR)/out))
	@for f in $(YNL_KERNEL); do \
		diff -u $$f $(YNL_DIR)/out/$${f#kernel/} || \
			{ echo "ynl-check: $$f differs from what the spec generates (make ynl-gen)"; exit 1; }; \
	done; echo "ynl-check: $(YNL_KERNEL) are what the spec generates"
	@$(YNL_PYTHON) scripts/ynl-uapi-check.py $(YNL_DIR)/out/hshm_netlink.h \
		uapi/linux/hshm_netlink.h $(CC)
	@$(YNL_PYTHON) scripts/ynl-put-check.py $(YNL_SPEC) $(wildcard kernel/hshm_n*.c)
