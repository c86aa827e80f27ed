#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check-install: hshm installed and uninstalled the ways the Makefile
# offers, each step a KTAP result.
#
# usage: check-install.sh --log DIR --kvers "RELEASE..." --guest-tests DIR
#                         [--timeout SECONDS] [--test-timeout SECONDS]
#
#   --log DIR            where the results go (below)
#   --kvers "RELEASE..." the kernels: make install builds the module for the
#                        first (KDIR=/lib/modules/RELEASE/build); DKMS
#                        installs it for each, and each boots in QEMU
#   --guest-tests DIR    the built selftests (build/selftests): the guest
#                        runs DIR/hshm_10_ioctl, with DIR/lib/hshm_ktap.sh
#   --timeout SECONDS    each QEMU run (1500), --test-timeout SECONDS each
#                        program in it (600): run.sh's options
#
# Run from anywhere; MAKE is the make to run the tree's Makefile with (the
# Makefile's $(MAKE)), CC the compiler of the test program (cc), NM the nm
# that reads the installed library (nm).
#
# install (any user; install.ktap, install.totals):
#   make install into a temporary DESTDIR (PREFIX=/usr/local), its files
#   against selftests/install/expected-files, nothing written outside it;
#   the dynamic symbols of its libhshm.so are the HSHM_API functions of
#   its libhshm.h, each at version HSHM_1.0 (userspace/lib/libhshm.map);
#   its section 3 pages agree with its libhshm.h (check-man3.py) and
#   format without a warning (man -l, and mandoc -Tlint if there is one);
#   use_libhshm.c built with pkg-config pointed into DESTDIR, shared and
#   static, and run; make install again; make uninstall leaves no file;
#   install-user and uninstall-user with PREFIX=/usr.
# dkms (root with dkms; dkms.ktap, dkms.totals): make dkms-install for the
#   kernels, twice; dkms status and modinfo per kernel; each kernel booted
#   in QEMU (selftests/qemu/run.sh: dkms-RELEASE.console, .ktap, .dmesg,
#   .totals) with the module file DKMS installed, decompressed for
#   busybox's insmod, running hshm_00_dkms.sh (it is that module) and
#   hshm_10_ioctl; make dkms-remove, and nothing of hshm left. Skipped
#   when DKMS already has a version of hshm: dkms-install would remove it.
# Every command's output is in install.log. Each .totals file holds
# "passed failed skipped" (selftests/ktap-totals.sh sums them).
# Exit status: 0 if nothing failed, 1 if something did, 2 on bad usage.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/../ktap-lib.sh"

LOG='' KVERS='' GUEST_TESTS='' TIMEOUT=1500 TEST_TIMEOUT=600
MAKE=${MAKE:-make}
CC=${CC:-cc}
NM=${NM:-nm}

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--log) LOG=$2 ;;
	--kvers) KVERS=$2 ;;
	--guest-tests) GUEST_TESTS=$2 ;;
	--timeout) TIMEOUT=$2 ;;
	--test-timeout) TEST_TIMEOUT=$2 ;;
	*) usage ;;
	esac
	shift 2
done
if [ -z "$LOG" ] || [ -z "$KVERS" ] || [ -z "$GUEST_TESTS" ]; then
	usage
fi

umask 022
start=$SECONDS
mkdir -p "$LOG"
LOG=$(cd "$LOG" && pwd)
rm -f "$LOG"/*.totals "$LOG"/*.ktap "$LOG"/*.console "$LOG"/*.serial \
	"$LOG"/*.dmesg "$LOG/install.log"
CMDLOG=$LOG/install.log
VERSION=$(cat "$TOP/VERSION")
read -r KVER _ <<<"$KVERS"
KDIR=/lib/modules/$KVER/build
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hshm-check-install.XXXXXX")
DEST=$WORK/dest
DKMS_ACTIVE=0

cleanup() {
	if [ "$DKMS_ACTIVE" = 1 ]; then
		echo "# check-install: interrupted: make dkms-remove"
		env -u MAKEFLAGS -u MFLAGS "$MAKE" --no-print-directory -C "$TOP" dkms-remove >>"$CMDLOG" 2>&1 || :
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- KTAP output -----------------------------------------------------------

KTAP='' n=0

# out LINE...: a line of the current KTAP file, also on stdout.
out() {
	echo "$*"
	echo "$*" >>"$KTAP"
}

# begin NAME PLAN: start NAME.ktap with PLAN results.
begin() {
	KTAP=$LOG/$1.ktap n=0
	: >"$KTAP"
	out "TAP version 13"
	out "1..$2"
	out "# check-install: $1"
}

# result DESC CMD...: the next result, ok if CMD succeeds (RESULT_OK=1).
RESULT_OK=0
result() {
	local desc=$1 t0=$SECONDS ok=0
	shift
	n=$((n + 1))
	if "$@"; then
		ok=1
	fi
	# how long the steps that take time took
	if [ $((SECONDS - t0)) -ge 2 ]; then
		out "# $((SECONDS - t0)) s"
	fi
	if [ "$ok" = 1 ]; then
		out "ok $n $desc"
		RESULT_OK=1
	else
		out "not ok $n $desc"
		RESULT_OK=0
	fi
}

# finish NAME: count NAME.ktap into NAME.totals.
finish() {
	local p f s
	read -r p f s < <(ktap_count "$LOG/$1.ktap")
	echo "$p $f $s" >"$LOG/$1.totals"
	echo "# $1: $p passed, $f failed, $s skipped"
}

# run CMD...: CMD, its output appended to install.log; on failure its last
# lines go to the KTAP. Returns CMD's status.
run() {
	local rc=0
	echo "\$ $*" >>"$CMDLOG"
	"$@" >"$WORK/out" 2>&1 || rc=$?
	cat "$WORK/out" >>"$CMDLOG"
	if [ "$rc" -ne 0 ]; then
		out "# $1 ... exited with $rc; its last lines (all in $CMDLOG):"
		tail -n 15 "$WORK/out" | while IFS= read -r l; do out "#   $l"; done
	fi
	return "$rc"
}

# mk ARGS...: the tree's Makefile with ARGS alone: none of the variables
# given to the make that runs this (MAKEFLAGS) changes what is checked
mk() {
	run env -u MAKEFLAGS -u MFLAGS "$MAKE" --no-print-directory -C "$TOP" "$@"
}

# ---- install ---------------------------------------------------------------

# the suffix modules_install gives a module of the kernel of .config $1:
# 6.1 compresses as its MODULE_COMPRESS_* says; kernels with
# MODULE_COMPRESS_ALL only when it is set.
ko_suffix() {
	local cfg=$1
	if grep -q '^CONFIG_MODULE_COMPRESS_ALL=y' "$cfg" ||
		! grep -q 'CONFIG_MODULE_COMPRESS_ALL[= ]' "$cfg"; then
		if grep -q '^CONFIG_MODULE_COMPRESS_XZ=y' "$cfg"; then
			echo .xz
		elif grep -q '^CONFIG_MODULE_COMPRESS_ZSTD=y' "$cfg"; then
			echo .zst
		elif grep -q '^CONFIG_MODULE_COMPRESS_GZIP=y' "$cfg"; then
			echo .gz
		fi
	fi
}

# file_list DIR: the files and links under DIR as expected-files has them
file_list() {
	(cd "$1" && find . -type f -printf '%m %P\n' -o -type l -printf '%m %P -> %l\n') |
		LC_ALL=C sort
}

expected_list() {
	sed -e '/^#/d' -e '/^$/d' -e "s|@KVER@|$KVER|g" -e "s|@KO@|$KO|g" \
		"$HERE/expected-files" | LC_ALL=C sort
}

check_list() {
	expected_list >"$WORK/expected"
	file_list "$DEST" >"$WORK/actual"
	out "# $(wc -l <"$WORK/actual") files in DESTDIR"
	if ! diff -u "$WORK/expected" "$WORK/actual" >"$WORK/diff"; then
		out "# differences from expected-files (-) in DESTDIR (+):"
		while IFS= read -r l; do out "#   $l"; done <"$WORK/diff"
		return 1
	fi
}

# what the system has where the files would go without DESTDIR, and the
# module index, to see that an install into DESTDIR touched neither
outside() {
	local p
	for p in $(expected_list | sed -e 's/^[0-7]* //' -e 's/ -> .*//') \
		"lib/modules/$KVER/modules.dep"; do
		echo "/$p $(stat -c '%Y %s' "/$p" 2>/dev/null || echo absent)"
	done
}

check_outside() {
	outside >"$WORK/outside.after"
	if ! diff -u "$WORK/outside.before" "$WORK/outside.after" >"$WORK/diff"; then
		while IFS= read -r l; do out "#   $l"; done <"$WORK/diff"
		return 1
	fi
}

# api_functions HEADER: the functions HEADER declares HSHM_API, sorted (a
# declaration starts a line with HSHM_API and has its name and "(" on it)
api_functions() {
	sed -n 's/^HSHM_API[^(]*[^A-Za-z0-9_(]\([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' "$1" |
		LC_ALL=C sort
}

# the installed libhshm.so exports the installed header's HSHM_API
# functions and nothing else, each as the default version HSHM_1.0 (nm
# prints NAME@@VERSION; the version node itself is an absolute symbol)
check_symbols() {
	local lib=$DEST/usr/local/lib/libhshm.so.1
	api_functions "$DEST/usr/local/include/hshm/libhshm.h" | sed 's/$/@@HSHM_1.0/' >"$WORK/api"
	"$NM" -D --defined-only "$lib" >"$WORK/nm" || return 1
	awk '$2 != "A" { print $3 }' "$WORK/nm" | LC_ALL=C sort >"$WORK/dynsym"
	out "# $(wc -l <"$WORK/api") HSHM_API functions in libhshm.h," \
		"$(wc -l <"$WORK/dynsym") symbols exported by libhshm.so.1"
	[ -s "$WORK/api" ] || return 1
	if ! diff -u "$WORK/api" "$WORK/dynsym" >"$WORK/diff"; then
		out "# differences from libhshm.h's HSHM_API functions (-) in $NM -D (+):"
		while IFS= read -r l; do out "#   $l"; done <"$WORK/diff"
		return 1
	fi
}

MAN=$DEST/usr/local/share/man

# the installed pages of section 3 against the installed header
check_man3() {
	python3 "$HERE/check-man3.py" "$DEST/usr/local/include/hshm/libhshm.h" \
		"$MAN/man3" >"$WORK/man3" 2>&1
	local rc=$?
	while IFS= read -r l; do out "$l"; done <"$WORK/man3"
	return "$rc"
}

# each page of section 3 formats with man -l, from the manual's top as
# man(1) reads a ".so man3/PAGE.3" link, without a word on stderr; the
# pages themselves (not the links: check-man3.py follows those) also
# without a finding of mandoc -Tlint, when mandoc is installed
man3_lint() {
	local p bad=0 mandoc=''
	command -v mandoc >/dev/null && mandoc=mandoc
	[ -n "$mandoc" ] || out "# no mandoc (apt-get install mandoc): man -l only"
	for p in "$MAN"/man3/*.3; do
		p=man3/${p##*/}
		(cd "$MAN" && man -l -Tutf8 "$p" >/dev/null) 2>"$WORK/lint"
		if [ -n "$mandoc" ] && ! grep -q '^\.so ' "$MAN/$p"; then
			(cd "$MAN" && mandoc -Tlint "$p" >>"$WORK/lint" 2>&1) || :
		fi
		if [ -s "$WORK/lint" ]; then
			bad=1
			while IFS= read -r l; do out "#   $p: $l"; done <"$WORK/lint"
		fi
	done
	out "# $(find "$MAN/man3" -name '*.3' | wc -l) pages in man3${mandoc:+, mandoc -Tlint}"
	return "$bad"
}

# pkg-config with DESTDIR's hshm.pc alone, its paths moved into DESTDIR
pc() {
	PKG_CONFIG_PATH=$DEST/usr/local/lib/pkgconfig \
		PKG_CONFIG_LIBDIR=$DEST/usr/local/lib/pkgconfig \
		PKG_CONFIG_SYSROOT_DIR=$DEST pkg-config "$@"
}

check_pc() {
	local c l
	c=$(pc --cflags hshm) && l=$(pc --libs hshm) || return 1
	read -r -a CFLAGS_PC <<<"$c"
	read -r -a LIBS_PC <<<"$l"
	out "# pkg-config --cflags --libs hshm: ${CFLAGS_PC[*]} ${LIBS_PC[*]}"
	[ "${CFLAGS_PC[*]}" = "-I$DEST/usr/local/include" ] &&
		[ "${LIBS_PC[*]}" = "-L$DEST/usr/local/lib -lhshm" ]
}

build_shared() {
	run "$CC" -Wall -Wextra -Werror "${CFLAGS_PC[@]}" -o "$WORK/use_libhshm" \
		"$HERE/use_libhshm.c" "${LIBS_PC[@]}" -pthread
}

# the program's KTAP nested below this result; the library it ran with
run_shared() {
	local rc=0 lib
	LD_LIBRARY_PATH=$DEST/usr/local/lib "$WORK/use_libhshm" >"$WORK/prog" 2>&1 || rc=$?
	while IFS= read -r l; do out "    $l"; done <"$WORK/prog"
	[ "$rc" -eq 0 ] || return 1
	lib=$(LD_LIBRARY_PATH=$DEST/usr/local/lib ldd "$WORK/use_libhshm" |
		sed -n 's/^[[:space:]]*libhshm\.so\.1 => \([^ ]*\) .*/\1/p')
	out "# libhshm.so.1 => $lib"
	[ "$lib" = "$DEST/usr/local/lib/libhshm.so.1" ]
}

static_prog() {
	local f
	local -a flags
	f=$(pc --static --cflags --libs hshm) || return 1
	read -r -a flags <<<"$f"
	out "# pkg-config --static --cflags --libs hshm: ${flags[*]}"
	run "$CC" -static -Wall -Wextra -Werror -o "$WORK/use_libhshm.static" \
		"$HERE/use_libhshm.c" "${flags[@]}" && run "$WORK/use_libhshm.static"
}

# no_files DIR: DIR holds directories only
no_files() {
	(cd "$1" && find . ! -type d) >"$WORK/left"
	[ -s "$WORK/left" ] || return 0
	out "# left in $1:"
	while IFS= read -r l; do out "#   $l"; done <"$WORK/left"
	return 1
}

do_install() {
	mk install DESTDIR="$DEST" KDIR="$KDIR"
}

reinstall() {
	do_install && check_list
}

uninstall() {
	mk uninstall DESTDIR="$DEST" KDIR="$KDIR" && no_files "$DEST"
}

usr_install() {
	local d=$WORK/dest-usr
	mk install-user DESTDIR="$d" PREFIX=/usr || return 1
	[ -f "$d/lib/udev/rules.d/60-hshm.rules" ] && [ ! -e "$d/etc" ] &&
		grep -qx 'prefix=/usr' "$d/usr/lib/pkgconfig/hshm.pc" &&
		[ -f "$d/usr/include/linux/hshm.h" ] && [ -x "$d/usr/bin/hshmctl" ]
}

usr_uninstall() {
	mk uninstall-user DESTDIR="$WORK/dest-usr" PREFIX=/usr && no_files "$WORK/dest-usr"
}

KO=$(ko_suffix "$KDIR/.config" 2>/dev/null || :)
outside >"$WORK/outside.before"
CFLAGS_PC=() LIBS_PC=()
begin install 14
out "# make install DESTDIR=$DEST KDIR=$KDIR (module suffix '${KO}')"
result "make install DESTDIR (KDIR=$KDIR)" do_install
result "the files in DESTDIR are selftests/install/expected-files" check_list
result "nothing written outside DESTDIR, no depmod" check_outside
result "libhshm.so exports the HSHM_API functions of libhshm.h, all at HSHM_1.0" \
	check_symbols
result "the manual pages of section 3 agree with libhshm.h" check_man3
result "the manual pages of section 3 format without a warning" man3_lint
result "pkg-config --cflags --libs hshm point into DESTDIR" check_pc
result "use_libhshm.c builds against libhshm.so with them" build_shared
result "use_libhshm runs with DESTDIR's libhshm.so.1" run_shared
result "use_libhshm.c builds with pkg-config --static and runs" static_prog
result "make install again: the same files" reinstall
result "make uninstall leaves no file in DESTDIR" uninstall
result "make install-user PREFIX=/usr: udev rule in /lib/udev/rules.d, hshm.pc for /usr" \
	usr_install
result "make uninstall-user PREFIX=/usr leaves no file" usr_uninstall
finish install

# ---- DKMS ------------------------------------------------------------------

dkms_skip() {
	begin dkms 1
	out "ok 1 dkms # SKIP $1"
	finish dkms
}

# dkms_installed K: dkms status says hshm/VERSION is installed for K
# (what dkms prints on stderr, such as readelf's warnings about the 6.12
# headers' vmlinux, goes to install.log)
dkms_installed() {
	local st
	st=$(dkms status -m hshm -v "$VERSION" -k "$1" 2>>"$CMDLOG")
	out "# dkms status: $st"
	case $st in
	"hshm/$VERSION, $1, "*": installed") return 0 ;;
	*) return 1 ;;
	esac
}

# dkms_module K: the module DKMS installed for K is VERSION, under
# updates/dkms, and is copied (decompressed) to LOG/K/hshm.ko for the guest
dkms_module() {
	local k=$1 f v
	f=$(modinfo -k "$k" -F filename hshm 2>/dev/null) || f=''
	v=$(modinfo -k "$k" -F version hshm 2>/dev/null) || v=''
	SRCVERSION=$(modinfo -k "$k" -F srcversion hshm 2>/dev/null) || SRCVERSION=''
	out "# modinfo -k $k hshm: $f, version $v, srcversion $SRCVERSION"
	case $f in
	"/lib/modules/$k/updates/dkms/hshm.ko"*) ;;
	*) return 1 ;;
	esac
	[ "$v" = "$VERSION" ] && [ -n "$SRCVERSION" ] || return 1
	mkdir -p "$LOG/$k"
	case $f in
	*.ko) cp "$f" "$LOG/$k/hshm.ko" ;;
	*.ko.xz) xz -dc "$f" >"$LOG/$k/hshm.ko" ;;
	*.ko.zst) zstd -q -dc "$f" >"$LOG/$k/hshm.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$LOG/$k/hshm.ko" ;;
	*) return 1 ;;
	esac
	out "# for the guest: $LOG/$k/hshm.ko${f##*.ko}"
}

# boot K: the kernel K in QEMU with the module of dkms_module
boot() {
	local k=$1
	echo "# ---- dkms-$k: QEMU, /boot/vmlinuz-$k, the DKMS module"
	"$TOP/selftests/qemu/run.sh" --kernel "/boot/vmlinuz-$k" \
		--module "$LOG/$k/hshm.ko" --tests "$WORK/guest" --name "dkms-$k" \
		--params nr_devices=1 --log "$LOG" --timeout "$TIMEOUT" \
		--test-timeout "$TEST_TIMEOUT" --env "HSHM_DKMS_VERSION=$VERSION" \
		--env "HSHM_DKMS_SRCVERSION=$SRCVERSION" || :
}

# nothing of hshm left in DKMS, /usr/src or the kernels' module trees
dkms_gone() {
	local k st bad=0
	st=$(dkms status -m hshm 2>>"$CMDLOG")
	[ -z "$st" ] || { out "# dkms status: $st"; bad=1; }
	[ ! -e "/usr/src/hshm-$VERSION" ] || { out "# /usr/src/hshm-$VERSION is there"; bad=1; }
	for k in $KVERS; do
		if modinfo -k "$k" -F filename hshm >/dev/null 2>&1; then
			out "# $k still has $(modinfo -k "$k" -F filename hshm)"
			bad=1
		fi
	done
	return "$bad"
}

nk=$(wc -w <<<"$KVERS")
if [ "$(id -u)" != 0 ]; then
	dkms_skip "not root"
elif ! command -v dkms >/dev/null; then
	dkms_skip "no dkms (apt-get install dkms)"
elif [ -n "$(dkms status -m hshm 2>/dev/null)" ]; then
	dkms_skip "DKMS has hshm already ($(dkms status -m hshm | head -n 1)); make dkms-remove first"
else
	mkdir -p "$WORK/guest/lib"
	install -m 0755 "$HERE/hshm_00_dkms.sh" "$WORK/guest/"
	install -m 0644 "$GUEST_TESTS/lib/hshm_ktap.sh" "$WORK/guest/lib/"
	install -m 0755 "$GUEST_TESTS/hshm_10_ioctl" "$WORK/guest/"
	begin dkms $((2 * nk + 4))
	DKMS_ACTIVE=1
	result "make dkms-install DKMS_KVERS=\"$KVERS\"" mk dkms-install DKMS_KVERS="$KVERS"
	result "make dkms-install again" mk dkms-install DKMS_KVERS="$KVERS"
	for k in $KVERS; do
		result "dkms status: hshm/$VERSION installed for $k" dkms_installed "$k"
		SRCVERSION=''
		result "$k: hshm $VERSION in updates/dkms" dkms_module "$k"
		if [ "$RESULT_OK" = 1 ]; then
			boot "$k"
		fi
		if [ ! -f "$LOG/dkms-$k.totals" ]; then
			out "# dkms-$k: not booted (no module)"
			echo "0 0 1" >"$LOG/dkms-$k.totals"
		fi
	done
	result "make dkms-remove" mk dkms-remove
	DKMS_ACTIVE=0
	result "nothing of hshm left in DKMS, /usr/src and the kernels" dkms_gone
	finish dkms
fi

echo "# check-install: $((SECONDS - start)) s"
failed=0
for f in "$LOG"/*.totals; do
	read -r _ x _ <"$f"
	failed=$((failed + x))
done
[ "$failed" -eq 0 ]
