#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# check-install's first guest test, for busybox sh: the module the guest
# loaded is the one DKMS built and installed (its version and srcversion
# are those modinfo read on the host), and it made the loopback device.
# hshm_10_ioctl runs after it. Prints KTAP itself; exits 0 (pass), 4
# (skip) or 1 (fail).
#
# Environment: HSHM_DKMS_VERSION, HSHM_DKMS_SRCVERSION (skip without
# them), HSHM_DEV [/dev/hshm0].

DEV=${HSHM_DEV:-/dev/hshm0}
MODDIR=/sys/module/hshm

# shellcheck source=../hshm_ktap.sh
. "$(dirname "$0")/lib/hshm_ktap.sh"

echo "TAP version 13"
if [ -z "${HSHM_DKMS_VERSION:-}" ] || [ -z "${HSHM_DKMS_SRCVERSION:-}" ]; then
	echo "1..0 # SKIP HSHM_DKMS_VERSION or HSHM_DKMS_SRCVERSION is not set"
	exit 4
fi
echo "1..3"
version=$(cat "$MODDIR/version" 2>/dev/null)
srcversion=$(cat "$MODDIR/srcversion" 2>/dev/null)
echo "# loaded: hshm version '$version', srcversion '$srcversion'"
check "version is $HSHM_DKMS_VERSION" [ "$version" = "$HSHM_DKMS_VERSION" ]
check "srcversion is $HSHM_DKMS_SRCVERSION" [ "$srcversion" = "$HSHM_DKMS_SRCVERSION" ]
check "$DEV is a character device" [ -c "$DEV" ]
ktap_exit
