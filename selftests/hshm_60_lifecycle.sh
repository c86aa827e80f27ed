#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hshm module lifecycle, for busybox sh in the guest: unloading after the
# tests that ran before, refusing to unload while the device is open,
# repeated load/unload cycles, and the module loaded again at the end.
# Prints KTAP itself; exits 0 (pass), 4 (skip) or 1 (fail).
#
# Environment: HSHM_KO (the module file; skip without it), HSHM_KO_PARAMS,
# HSHM_DEV [/dev/hshm0], HSHM_SYSFS [/sys/class/hshm/hshm0],
# HSHM_LIFECYCLE_CYCLES [20].

DEV=${HSHM_DEV:-/dev/hshm0}
SYSFS=${HSHM_SYSFS:-/sys/class/hshm/hshm0}
KO=${HSHM_KO:-}
MOD=hshm
CYCLES=${HSHM_LIFECYCLE_CYCLES:-20}

# shellcheck source=hshm_ktap.sh
. "$(dirname "$0")/lib/hshm_ktap.sh"

echo "TAP version 13"
if [ -z "$KO" ]; then
	echo "1..0 # SKIP HSHM_KO is not set"
	exit 4
fi
if [ ! -r "$KO" ]; then
	echo "1..0 # SKIP cannot read $KO"
	exit 4
fi
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP not root"
	exit 4
fi

echo "1..$((CYCLES + 3))"
diag() {
	echo "# $*"
}

loaded() {
	grep -q "^$MOD " /proc/modules
}

# wait_for PATH: up to 5 s for PATH to appear (devtmpfs, sysfs)
wait_for() {
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -e "$1" ]
}

# refcnt: the module's reference count (an open device holds one)
refcnt() {
	cat "/sys/module/$MOD/refcnt" 2>/dev/null || echo 0
}

# wait_held PID BASE: up to 10 s for PID to be alive with the module's
# reference count above BASE (its open of the device done)
wait_held() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ "$(refcnt)" -le "$2" ] &&
	      [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -0 "$1" 2>/dev/null && [ "$(refcnt)" -gt "$2" ]
}

# load: insmod and check the device and its attributes; prints why not
load() {
	# shellcheck disable=SC2086 # the parameters are split on purpose
	if ! _out=$(insmod "$KO" ${HSHM_KO_PARAMS:-} 2>&1); then
		echo "insmod failed: $_out"
		return 1
	fi
	if ! wait_for "$DEV"; then
		echo "no $DEV after insmod"
		return 1
	fi
	if [ ! -c "$DEV" ]; then
		echo "$DEV is not a character device"
		return 1
	fi
	for _a in weights reservations scheduler stats \
		  timeout_ms batch_max classes/realtime/weight \
		  classes/best_effort/submitted; do
		if ! cat "$SYSFS/$_a" >/dev/null 2>&1; then
			echo "cannot read $SYSFS/$_a"
			return 1
		fi
	done
	if [ "$(cat "$SYSFS/weights")" != "4 2 2 1" ]; then
		echo "weights are not the defaults after a fresh load"
		return 1
	fi
	return 0
}

# unload: rmmod and check that the device and its sysfs directory left
unload() {
	if ! _out=$(rmmod "$MOD" 2>&1); then
		echo "rmmod failed: $_out"
		return 1
	fi
	if loaded; then
		echo "$MOD still in /proc/modules after rmmod"
		return 1
	fi
	if [ -e "$SYSFS" ]; then
		echo "$SYSFS still there after rmmod"
		return 1
	fi
	if [ -e "$DEV" ]; then
		echo "$DEV still there after rmmod"
		return 1
	fi
	return 0
}

# 1: unload after whatever ran before (the stress test last)
if loaded; then
	if why=$(unload); then
		ok "rmmod after the tests"
	else
		diag "$why"
		not_ok "rmmod after the tests"
	fi
else
	ok "rmmod after the tests # SKIP $MOD was not loaded"
fi

# 2: an open device keeps the module in (a background sleep holds it open;
# a failed redirection there cannot end this shell).  The background open
# may take a while on a loaded machine: rmmod only once the module's
# reference count says the device is open.
t="rmmod refused while $DEV is open"
if why=$(load); then
	base=$(refcnt)
	# shellcheck disable=SC2217 # only the open file matters
	sleep 60 <"$DEV" &
	holder=$!
	if ! wait_held $holder "$base"; then
		diag "cannot open $DEV (refcnt $(refcnt), $base before)"
		not_ok "$t"
	elif rmmod "$MOD" 2>/dev/null; then
		diag "rmmod succeeded with $DEV open"
		not_ok "$t"
	else
		kill $holder 2>/dev/null
		wait $holder 2>/dev/null
		if why=$(unload); then
			ok "$t"
		else
			diag "$why"
			not_ok "$t"
		fi
	fi
	kill $holder 2>/dev/null
	wait $holder 2>/dev/null
else
	diag "$why"
	not_ok "$t"
fi

# 3..: load/unload cycles
i=1
while [ $i -le "$CYCLES" ]; do
	if loaded; then
		rmmod "$MOD" 2>/dev/null
	fi
	if why=$(load) && why=$(unload); then
		ok "load/unload cycle $i"
	else
		diag "$why"
		not_ok "load/unload cycle $i"
	fi
	i=$((i + 1))
done

# last: loaded at the end, for whatever runs next
if loaded || why=$(load); then
	ok "loaded at the end"
else
	diag "$why"
	not_ok "loaded at the end"
fi

ktap_exit
