# SPDX-License-Identifier: GPL-2.0-only
# make lint (fast: no kernel is built) and make lint-full (and the debug
# kernel): sparse, W=1, checkpatch, ynl-check, dt-schema and dtc. Included
# by the top Makefile, in order: it uses the variables defined before it.

$(CHECKPATCH):
	@rm -rf $(CHECKPATCH_DIR).tmp && mkdir -p $(CHECKPATCH_DIR).tmp
	tar -xmJf $(KSRC_TAR) -C $(CHECKPATCH_DIR).tmp --strip-components=2 --occurrence=1 \
		$(addprefix $(KSRC_TOP)/scripts/,checkpatch.pl spelling.txt const_structs.checkpatch)
	@rm -rf $(CHECKPATCH_DIR) && mv $(CHECKPATCH_DIR).tmp $(CHECKPATCH_DIR)

# Device-tree checks of `make lint` (Debian's dt-schema and dtc):
# - every binding under DT_BINDINGS_DIR through dt-doc-validate;
# - its examples as the kernel's dt_binding_check does them: dt-extract-example,
#   cpp with the kernel's include/dt-bindings, dtc with the kernel's
#   DT_BINDING flags, dt-validate against the schema processed by
#   dt-mk-schema (the core schemas, ours, and dts/schemas/memory-region.yaml,
#   which gives memory-region its type: dt-schema 2022.08 lacks it, and the
#   kernel's copy is gone since 6.5; without it dt-validate fails);
# - every dts/*.dtso compiled by dtc -@. An overlay cannot know its target's
#   #address-cells, #size-cells or interrupt parent, so the four checks that
#   need them (DT_OVERLAY_WNO) are off there; each overlay is then applied
#   with fdtoverlay to dts/lint-base.dts, the base tree the overlays assume,
#   and the merged tree goes through dtc with every check on and through
#   dt-validate.
# Any message from these tools fails lint: dt-doc-validate and dt-validate
# report problems without a failing exit code, and dtc has no -Werror.
# The kernel's dt-bindings headers come from KSRC_TAR at lint time.
DT_BINDINGS_DIR := Documentation/devicetree/bindings
DT_BINDINGS = $(wildcard $(DT_BINDINGS_DIR)/*/*.yaml)
DT_OVERLAYS = $(wildcard dts/*.dtso)
DT_KSRC := $(BUILD)/dt-ksrc
DT_KSRC_STAMP := $(DT_KSRC)/include/dt-bindings/interrupt-controller/arm-gic.h
DT_MEMORY_REGION := dts/schemas/memory-region.yaml
DT_EXAMPLE_FLAGS := -Wno-avoid_unnecessary_addr_size -Wno-graph_child_address \
	-Wno-interrupt_provider -Wno-unique_unit_address -Wunique_unit_address_if_enabled
DT_OVERLAY_WNO := -Wno-reg_format -Wno-ranges_format -Wno-avoid_default_addr_size \
	-Wno-interrupts_property

$(DT_KSRC_STAMP):
	@rm -rf $(DT_KSRC).tmp && mkdir -p $(DT_KSRC).tmp
	tar -xmJf $(KSRC_TAR) -C $(DT_KSRC).tmp --strip-components=1 \
		$(KSRC_TOP)/include/dt-bindings
	@rm -rf $(DT_KSRC) && mv $(DT_KSRC).tmp $(DT_KSRC)

# The sparse pass rebuilds without W=1, so the W=1 pass always recompiles.
# Both passes run against every kernel of KERNELS (Debian's headers: hshm.ko,
# in a copy of the sources per kernel, build/lint/NAME) and against the
# debug kernel (build/debug/mod: hshm.ko and hshm_kunit.ko, which only
# builds where the kernel has KUnit). Only kernel/hshm_compat.h may test
# LINUX_VERSION_CODE.
# $(call lint_pass,NAME,KMAKE,MODDIR): sparse and W=1 with KMAKE over MODDIR,
# logs build/lint/NAME-{sparse,w1}.log; sets rc=1 on any finding.
lint_pass = \
	echo "== sparse, $(1): $(BUILD)/lint/$(1)-sparse.log"; \
	$(2) C=2 CF="-D__CHECK_ENDIAN__" modules >$(BUILD)/lint/$(1)-sparse.log 2>&1 || \
		{ cat $(BUILD)/lint/$(1)-sparse.log; rc=1; }; \
	grep -E '^('"$(3)"'/|\./)?(kernel|common|uapi)/[^:]*:[0-9]+:([0-9]+:)? (warning|error):' \
		$(BUILD)/lint/$(1)-sparse.log && rc=1; \
	echo "== W=1, $(1): $(BUILD)/lint/$(1)-w1.log"; \
	$(2) W=1 modules >$(BUILD)/lint/$(1)-w1.log 2>&1 || { cat $(BUILD)/lint/$(1)-w1.log; rc=1; }; \
	grep -i 'warning:' $(BUILD)/lint/$(1)-w1.log && rc=1;

# `make lint` builds no kernel: sparse and W=1 run against the installed
# headers of every kernel of KERNELS (make deps installs them).  `make
# lint-full` (LINT_FULL=1) adds the pass against the debug kernel built
# from KSRC_TAR, which also builds and checks hshm_kunit.ko.
LINT_FULL ?=
lint_debug_pass = \
	$(call mod_sources,$(DEBUG_MOD)) || rc=1; \
	$(call lint_pass,debug,$(DEBUG_KMAKE),$(DEBUG_MOD)) \
	test -f $(DEBUG_MOD)/hshm_kunit.ko || { echo "no hshm_kunit.ko built"; rc=1; };

lint-full: ## make lint, and sparse and W=1 against the debug kernel (built from source, cached) with the KUnit module
	@$(MAKE) --no-print-directory lint LINT_FULL=1

lint: $(CHECKPATCH) $(DT_KSRC_STAMP) $(if $(LINT_FULL),debug-kernel) ## sparse (C=2) and W=1 against every kernel of KERNELS, checkpatch --strict, dt-schema and dtc, ynl-check; builds no kernel; fails on any finding
	@rm -rf $(BUILD)/lint && mkdir -p $(BUILD)/lint
	@rc=0; \
	for k in $(KERNELS); do \
		kv=$$($(MAKE) -s --no-print-directory kernel-release K=$$k); \
		[ -n "$$kv" ] || { echo "lint: kernel $$k is not installed (make deps)"; rc=1; continue; }; \
		d=$(BUILD)/lint/$$k; $(call mod_sources,$$d) || rc=1; \
		$(call lint_pass,$$k,$(MAKE) -C /usr/src/linux-headers-$$kv M=$$d,$$d) \
	done; \
	$(if $(LINT_FULL),$(lint_debug_pass)) \
	echo "== LINUX_VERSION_CODE outside kernel/hshm_compat.h"; \
	grep -n 'LINUX_VERSION_CODE\|KERNEL_VERSION(' $(filter-out kernel/hshm_compat.h,$(CHECKPATCH_FILES)) && rc=1; \
	echo "== checkpatch: $(BUILD)/lint/checkpatch.log"; \
	ignore=$$(sed -e 's/#.*//' -e 's/[[:space:]]//g' .checkpatch-ignore | grep . | paste -sd, -); \
	perl $(CHECKPATCH) --strict --no-tree --terse --show-types \
		$${ignore:+--ignore $$ignore} -f $(CHECKPATCH_FILES) \
		>$(BUILD)/lint/checkpatch.log 2>&1; \
	rm -f .checkpatch-camelcase.*; \
	grep -E '(ERROR|WARNING|CHECK):' $(BUILD)/lint/checkpatch.log && rc=1; \
	echo "== ynl-check"; \
	$(MAKE) --no-print-directory ynl-check || rc=1; \
	echo "== dt-schema $$(dt-doc-validate --version 2>/dev/null || echo missing), dtc: $(BUILD)/lint/dt.log"; \
	dt=$(BUILD)/lint/dt; log=$(BUILD)/lint/dt.log; rm -rf $$dt && mkdir -p $$dt && : >$$log; \
	quiet() { echo "\$$ $$*" >>$$log; out=$$("$$@" 2>&1); r=$$?; \
		[ -z "$$out" ] || echo "$$out" >>$$log; \
		[ $$r = 0 ] && [ -z "$$out" ] || { echo "$$*"; echo "$$out"; return 1; }; }; \
	dtrc=0; \
	for y in $(DT_BINDINGS); do \
		quiet dt-doc-validate -u $(CURDIR)/$(DT_BINDINGS_DIR) $$y || dtrc=1; \
	done; \
	quiet dt-mk-schema -j -o $$dt/processed-schema.json $(CURDIR)/$(DT_BINDINGS_DIR) \
		$(DT_MEMORY_REGION) || dtrc=1; \
	for y in $(DT_BINDINGS); do \
		ex=$$dt/$$(basename $$y .yaml).example; \
		quiet sh -c 'dt-extract-example "$$1" >"$$2"' - $$y $$ex.dts && \
		quiet cpp -nostdinc -I $(DT_KSRC)/include -undef -D__DTS__ \
			-x assembler-with-cpp -o $$ex.pre.dts $$ex.dts && \
		quiet dtc -I dts -O dtb -b 0 $(DT_EXAMPLE_FLAGS) -o $$ex.dtb $$ex.pre.dts && \
		quiet dt-validate -u $(CURDIR)/$(DT_BINDINGS_DIR) -s $$dt/processed-schema.json \
			$$ex.dtb || dtrc=1; \
	done; \
	quiet dtc -I dts -O dtb -o $$dt/lint-base.dtb dts/lint-base.dts || dtrc=1; \
	for o in $(DT_OVERLAYS); do \
		b=$$dt/$$(basename $$o .dtso); \
		quiet dtc -@ -I dts -O dtb $(DT_OVERLAY_WNO) -o $$b.dtbo $$o && \
		quiet fdtoverlay -i $$dt/lint-base.dtb -o $$b.merged.dtb $$b.dtbo && \
		quiet dtc -I dtb -O dts -o $$b.merged.dts $$b.merged.dtb && \
		quiet dt-validate -s $$dt/processed-schema.json $$b.merged.dtb || dtrc=1; \
	done; \
	[ $$dtrc = 0 ] || rc=1; \
	if [ $$rc = 0 ]; then echo "lint: clean"; else echo "lint: FAILED"; fi; \
	exit $$rc
