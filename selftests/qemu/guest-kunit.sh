#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the KUnit test modules of the guest: /lib/kunit/*.ko, put there by
# selftests/qemu/run.sh --kunit. Runs in the guest (busybox sh) as one test
# program of guest-init, whose runner indents this output, so each KUnit
# case is counted as a nested result (selftests/ktap-lib.sh, ktap_count).
#
# Per module: insmod (KUnit runs its suites while the module loads), print
# the KTAP of every suite the module added (debugfs
# kunit/<suite>/results), rmmod. Exit status 1 if a module did not load or
# unload, added no suite, or a suite did not pass; 0 otherwise.

DIR=${1:-/lib/kunit}
KUNIT_FS=/sys/kernel/debug/kunit

if [ ! -d "$KUNIT_FS" ]; then
	echo "no $KUNIT_FS: the kernel has no CONFIG_KUNIT_DEBUGFS"
	exit 1
fi

rc=0
for ko in "$DIR"/*.ko; do
	[ -e "$ko" ] || { echo "no KUnit module in $DIR"; exit 1; }
	mod=${ko##*/}
	mod=${mod%.ko}
	before=' '
	for d in "$KUNIT_FS"/*/; do
		before="$before$d "
	done
	if ! out=$(insmod "$ko" 2>&1); then
		echo "insmod $ko: $out"
		rc=1
		continue
	fi
	nsuites=0
	for d in "$KUNIT_FS"/*/; do
		[ -e "$d" ] || continue
		case $before in
		*" $d "*) continue ;;
		esac
		suite=${d%/}
		suite=${suite##*/}
		nsuites=$((nsuites + 1))
		results=$(cat "$KUNIT_FS/$suite/results")
		echo "$results"
		# the suite's own line is the last one, not indented
		last=$(echo "$results" | tail -n 1)
		case $last in
		"ok "*) ;;
		*) echo "suite $suite did not pass: $last"; rc=1 ;;
		esac
	done
	if [ "$nsuites" -eq 0 ]; then
		echo "$mod added no KUnit suite"
		rc=1
	else
		echo "$mod: $nsuites suites"
	fi
	if ! out=$(rmmod "$mod" 2>&1); then
		echo "rmmod $mod: $out"
		rc=1
	fi
done
exit $rc
