#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build a guest kernel from the kernel source tarball (cached): the arm64
# kernel of `make check-arm64`, the amd64 debug kernel of `make check-debug`.
#
# usage: guest-kernel.sh --arch ARCH --tar TARBALL --config FRAGMENT... --dir DIR
#                        [--src DIR] [--cross PREFIX] [--jobs N]
#
#   --arch ARCH     arm64: arch/arm64/boot/Image, cross-built with
#                   CROSS_COMPILE=aarch64-linux-gnu- by default;
#                   amd64: arch/x86/boot/bzImage (ARCH=x86_64), native
#   --tar FILE      kernel source tarball (/usr/src/linux-source-6.12.tar.xz)
#   --config FILE   config fragment (configs/arm64-virt.config,
#                   configs/x86_64-debug.config); given again, the fragments
#                   apply concatenated, in their order
#   --dir DIR       DIR/src: the extracted source; DIR/linux: the object tree
#                   (O=), i.e. the KDIR of the module build against it, with
#                   the kernel image and Module.symvers
#   --src DIR       the extracted source there instead of DIR/src (another
#                   kernel's, shared)
#   --cross PREFIX  CROSS_COMPILE (arm64: aarch64-linux-gnu-; amd64: none)
#   --jobs N        make -j (the number of CPUs)
#
# Configuration: allnoconfig with KCONFIG_ALLCONFIG=FRAGMENT, so that only
# what the fragment asks for (and what it selects) is on. The run fails if an
# option of the fragment did not end up in the .config as written (a typo, a
# missing dependency). Then `make IMAGE modules` (modules also writes
# Module.symvers and prepares the tree for external modules).
#
# Cache: DIR/linux/hshm-kernel.stamp holds the tarball's size and mtime,
# the source directory and the fragment's checksum. When it matches and
# Image and Module.symvers exist, nothing is done. A changed fragment is
# applied to the same object tree (kbuild rebuilds what depends on the
# changed options); a changed tarball is extracted again, and with it or
# another source directory the kernel is built from scratch (the object
# tree refers to its source by path).

set -euo pipefail

ARCH='' TAR='' DIR='' SRC='' CROSS=unset JOBS=$(nproc)
CONFIGS=()

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--arch) ARCH=$2 ;;
	--tar) TAR=$2 ;;
	--config) CONFIGS+=("$2") ;;
	--dir) DIR=$2 ;;
	--src) SRC=$2 ;;
	--cross) CROSS=$2 ;;
	--jobs) JOBS=$2 ;;
	*) usage ;;
	esac
	shift 2
done
if [ -z "$TAR" ] || [ ${#CONFIGS[@]} = 0 ] || [ -z "$DIR" ]; then
	usage
fi
# KARCH: the kernel's ARCH=; TARGET: the image's make target, IMG: its path
# in the object tree; GCC_PKG: the Debian package with the compiler
case $ARCH in
arm64)
	KARCH=arm64 TARGET=Image IMG=arch/arm64/boot/Image
	GCC_PKG=gcc-aarch64-linux-gnu
	[ "$CROSS" != unset ] || CROSS=aarch64-linux-gnu-
	;;
amd64)
	KARCH=x86_64 TARGET=bzImage IMG=arch/x86/boot/bzImage
	GCC_PKG=build-essential
	[ "$CROSS" != unset ] || CROSS=''
	;;
*) usage ;;
esac
ME="guest-kernel ($ARCH)"
[ -r "$TAR" ] || { echo "$ME: no $TAR (install linux-source-6.12)" >&2; exit 1; }
for c in "${CONFIGS[@]}"; do
	[ -r "$c" ] || { echo "$ME: no $c" >&2; exit 1; }
done
command -v "${CROSS}gcc" >/dev/null ||
	{ echo "$ME: no ${CROSS}gcc (install $GCC_PKG)" >&2; exit 1; }

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
[ -n "$SRC" ] || SRC=$DIR/src
mkdir -p "$(dirname "$SRC")"
SRC=$(cd "$(dirname "$SRC")" && pwd)/$(basename "$SRC")
OBJ=$DIR/linux STAMP=$DIR/linux/hshm-kernel.stamp
IMAGE=$OBJ/$IMG
# the fragments as one, for KCONFIG_ALLCONFIG and the cache's checksum
CONFIG=$DIR/fragment.config
cat "${CONFIGS[@]}" >"$CONFIG.tmp"
mv "$CONFIG.tmp" "$CONFIG"

tar_id=$(stat -c 'tar %s %Y' "$TAR")
cfg_id="config $(sha256sum <"$CONFIG" | cut -d' ' -f1)"
# what the object tree depends on: the tarball and where it is extracted
obj_id="$tar_id src $SRC"

if [ -f "$STAMP" ] && [ -f "$IMAGE" ] && [ -f "$OBJ/Module.symvers" ] &&
	[ "$(cat "$STAMP")" = "$obj_id $cfg_id" ]; then
	echo "$ME: $IMAGE up to date"
	exit 0
fi

start=$SECONDS
old_obj=$(cut -d' ' -f1-5 "$STAMP" 2>/dev/null || :)
# The source has its own stamp: a tree shared with another kernel
# (--src) is extracted again only when the tarball changed.
src_tar=$(cat "$SRC/hshm-source.stamp" 2>/dev/null || :)
if [ ! -f "$SRC/Makefile" ] || [ "$src_tar" != "$tar_id" ]; then
	echo "$ME: extracting $TAR into $SRC"
	rm -rf "$SRC" "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	tar -xJf "$TAR" -C "$SRC.tmp" --strip-components=1
	echo "$tar_id" >"$SRC.tmp/hshm-source.stamp"
	mv "$SRC.tmp" "$SRC"
fi
# objects of another tarball's or directory's source: built from scratch
[ "$old_obj" = "$obj_id" ] || rm -rf "$OBJ"
rm -f "$STAMP"
mkdir -p "$OBJ"

# The kernel's make runs with its own -j, not as part of a calling make's
# job server (whose descriptors this script does not get) nor with its
# variables (ARCH, W=, ...).
unset MAKEFLAGS MFLAGS MAKELEVEL
kmake() {
	make -C "$SRC" O="$OBJ" ARCH="$KARCH" CROSS_COMPILE="$CROSS" "$@"
}

echo "$ME: allnoconfig + ${CONFIGS[*]}"
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
		echo "$ME: ${CONFIGS[*]} ask for '$want', got '$got'" >&2
		bad=1
	fi
done <"$CONFIG"
[ "$bad" = 0 ] || exit 1

echo "$ME: make -j$JOBS $TARGET modules in $OBJ"
kmake -j"$JOBS" "$TARGET" modules
echo "$obj_id $cfg_id" >"$STAMP"
echo "$ME: $IMAGE built in $((SECONDS - start))s"
