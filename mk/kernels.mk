# SPDX-License-Identifier: GPL-2.0-only
# The amd64 kernels hshm is built and tested against, KDIR and KVER.
# Included by the top Makefile, in order: it uses the variables defined
# before it.

# ---- kernels ---------------------------------------------------------------
# The amd64 kernels hshm is tested on, by name (make check runs each of
# KERNELS); each is Debian 12's package pair linux-image-X and
# linux-headers-X of the flavour below, installed by `make deps`:
#   6.1      Debian 12's default kernel (X = amd64)
#   6.12     the 6.12 LTS kernel of Debian 13, as Debian 12 carries it
#            (X = 6.12-amd64)
#   6.12-rt  its PREEMPT_RT build (X = 6.12-rt-amd64)
# A name's release (6.1.0-57-amd64...) is the one its headers metapackage
# depends on, so it does not depend on which other kernels are installed;
# without the metapackage, the newest installed headers of that flavour.
KERNELS_ALL := 6.1 6.12 6.12-rt
KERNELS ?= $(KERNELS_ALL)
KFLAVOUR_6.1 := amd64
KFLAVOUR_6.12 := 6.12-amd64
KFLAVOUR_6.12-rt := 6.12-rt-amd64
KGLOB_6.1 := 6.1.*[0-9]-amd64
KGLOB_6.12 := 6.12.*[0-9]-amd64
KGLOB_6.12-rt := 6.12.*-rt-amd64
# $(call kver_of,NAME): the release of kernel NAME, empty if not installed
kver_of = $(strip $(or \
	$(shell dpkg-query -W -f='$${Depends}' linux-headers-$(KFLAVOUR_$(1)) 2>/dev/null | \
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'), \
	$(shell cd /usr/src 2>/dev/null && ls -d linux-headers-$(KGLOB_$(1)) 2>/dev/null | \
		sed 's/^linux-headers-//' | sort -V | tail -n 1)))

# KDIR: the running kernel's build tree if it has one, else Debian's
# default kernel's (6.1). KVER: its release, read from the tree.
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
DEFAULT_KDIR := $(RUNNING_KDIR)
else
DEFAULT_KDIR := /usr/src/linux-headers-$(call kver_of,6.1)
endif
KDIR ?= $(DEFAULT_KDIR)

# Debian's include/config/kernel.release holds the upstream version (6.1.x),
# not the package's release (6.1.0-N-amd64) that names /boot/vmlinuz-*: read
# UTS_RELEASE first.
kdir_release = $(or \
	$(shell sed -n 's/^.define UTS_RELEASE "\(.*\)"/\1/p' $(1)/include/generated/utsrelease.h 2>/dev/null), \
	$(shell cat $(1)/include/config/kernel.release 2>/dev/null))
DEFAULT_KVER := $(call kdir_release,$(KDIR))
KVER ?= $(DEFAULT_KVER)
VMLINUZ ?= /boot/vmlinuz-$(KVER)
KW ?=
