#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the arm64 guest kernel of `make check-arm64` (cached).
#
# usage: arm64-kernel.sh --tar TARBALL --config FRAGMENT --dir DIR
#                        [--cross PREFIX] [--jobs N]
#
#   --tar FILE      kernel source tarball (/usr/src/linux-source-6.1.tar.xz)
#   --config FILE   config fragment (configs/arm64-virt.config)
#   --dir DIR       DIR/src: the extracted source; DIR/linux: the object tree
#                   (O=), i.e. the KDIR of the arm64 module build, with
#                   arch/arm64/boot/Image and Module.symvers
#   --cross PREFIX  CROSS_COMPILE (aarch64-linux-gnu-)
#   --jobs N        make -j (the number of CPUs)
#
# Configuration: allnoconfig with KCONFIG_ALLCONFIG=FRAGMENT, so that only
# what the fragment asks for (and what it selects) is on. The run fails if an
# option of the fragment did not end up in the .config as written (a typo, a
# missing dependency). Then `make Image modules`.
#
# Cache: DIR/linux/hshm-kernel.stamp holds the tarball's size and mtime and
# the fragment's checksum. When it matches and Image and Module.symvers
# exist, nothing is done. A changed fragment is applied to the same object
# tree (kbuild rebuilds what depends on the changed options); a changed
# tarball is extracted again and the kernel built from scratch.

set -euo pipefail

TAR='' CONFIG='' DIR='' CROSS=aarch64-linux-gnu- JOBS=$(nproc)

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--tar) TAR=$2 ;;
	--config) CONFIG=$2 ;;
	--dir) DIR=$2 ;;
	--cross) CROSS=$2 ;;
	--jobs) JOBS=$2 ;;
	*) usage ;;
	esac
	shift 2
done
if [ -z "$TAR" ] || [ -z "$CONFIG" ] || [ -z "$DIR" ]; then
	usage
fi
[ -r "$TAR" ] || { echo "arm64-kernel: no $TAR (install linux-source-6.1)" >&2; exit 1; }
[ -r "$CONFIG" ] || { echo "arm64-kernel: no $CONFIG" >&2; exit 1; }
command -v "${CROSS}gcc" >/dev/null ||
	{ echo "arm64-kernel: no ${CROSS}gcc (install gcc-aarch64-linux-gnu)" >&2; exit 1; }

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
CONFIG=$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")
SRC=$DIR/src OBJ=$DIR/linux STAMP=$DIR/linux/hshm-kernel.stamp
IMAGE=$OBJ/arch/arm64/boot/Image

tar_id=$(stat -c 'tar %s %Y' "$TAR")
cfg_id="config $(sha256sum <"$CONFIG" | cut -d' ' -f1)"

if [ -f "$STAMP" ] && [ -f "$IMAGE" ] && [ -f "$OBJ/Module.symvers" ] &&
	[ "$(cat "$STAMP")" = "$tar_id $cfg_id" ]; then
	echo "arm64-kernel: $IMAGE up to date"
	exit 0
fi

start=$SECONDS
old_tar=$(cut -d' ' -f1-3 "$STAMP" 2>/dev/null || :)
if [ ! -f "$SRC/Makefile" ] || [ "$old_tar" != "$tar_id" ]; then
	echo "arm64-kernel: extracting $TAR into $SRC"
	rm -rf "$SRC" "$SRC.tmp" "$OBJ"
	mkdir -p "$SRC.tmp"
	tar -xJf "$TAR" -C "$SRC.tmp" --strip-components=1
	mv "$SRC.tmp" "$SRC"
fi
rm -f "$STAMP"
mkdir -p "$OBJ"

# The kernel's make runs with its own -j, not as part of a calling make's
# job server (whose descriptors this script does not get) nor with its
# variables (ARCH, W=, ...).
unset MAKEFLAGS MFLAGS MAKELEVEL
kmake() {
	make -C "$SRC" O="$OBJ" ARCH=arm64 CROSS_COMPILE="$CROSS" "$@"
}

echo "arm64-kernel: allnoconfig + $CONFIG"
kmake -s KCONFIG_ALLCONFIG="$CONFIG" allnoconfig

# every line of the fragment, as written, in the .config
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) want=$line sym=${line%%=*} ;;
	'# CONFIG_'*' is not set') want=$line sym=${line#\# } sym=${sym%% *} ;;
	*) continue ;;
	esac
	if ! grep -qxF -- "$want" "$OBJ/.config"; then
		got=$(grep -E "^(# )?${sym}[= ]" "$OBJ/.config" || echo "$sym: not in the .config")
		echo "arm64-kernel: $CONFIG asks for '$want', got '$got'" >&2
		bad=1
	fi
done <"$CONFIG"
[ "$bad" = 0 ] || exit 1

echo "arm64-kernel: make -j$JOBS Image modules in $OBJ"
kmake -j"$JOBS" Image modules
echo "$tar_id $cfg_id" >"$STAMP"
echo "arm64-kernel: $IMAGE built in $((SECONDS - start))s"
