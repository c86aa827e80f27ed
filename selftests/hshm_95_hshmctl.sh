#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hshmctl against the driver: what is set through netlink reads back the
# same through sysfs and the other way round, bad input gives a clear
# message and the documented exit status, SET needs CAP_NET_ADMIN, call
# runs a service, and monitor receives an SLA violation the test causes.
# set sched changes the dispatcher thread itself (/proc/PID/stat).
# For busybox sh in the guest; prints KTAP; exits 0 (pass), 4 (skip) or 1.
#
# Environment: HSHM_DEV [/dev/hshm0], HSHM_SYSFS [/sys/class/hshm/hshm0],
# HSHMCTL [./bin/hshmctl], HSHM_PEER_PROFILE [hshm] (the peer's profile:
# echo is service 1 on hshm's peer, 66 on the v1 peers, as hs_svc_echo()).

SYSFS=${HSHM_SYSFS:-/sys/class/hshm/hshm0}
CTL=${HSHMCTL:-./bin/hshmctl}
if [ "${HSHM_PEER_PROFILE:-hshm}" = hshm ]; then ECHO="echo"; else ECHO="echo66"; fi
DEVN=${SYSFS##*/hshm}
TMP=${TMPDIR:-/tmp}/hshmctl.$$

# shellcheck source=hshm_ktap.sh
. "$(dirname "$0")/lib/hshm_ktap.sh"

echo "TAP version 13"
if [ ! -x "$CTL" ]; then
	echo "1..0 # SKIP no $CTL (built without netlink support)"
	exit 4
fi
if [ ! -d /proc/net ]; then
	echo "1..0 # SKIP kernel without networking: no netlink"
	exit 4
fi
if [ ! -d "$SYSFS" ]; then
	echo "1..0 # SKIP no $SYSFS"
	exit 4
fi
echo "1..57"
mkdir -p "$TMP"

# run_ctl ARGS...: run hshmctl -d DEVN ARGS, keep stdout, stderr and status
run_ctl() {
	"$CTL" -d "$DEVN" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	sed -e 's/^/#   /' "$TMP/err"
	return 0
}

expect() {
	# expect NAME RC PATTERN ARGS...: exit status RC and PATTERN on stderr
	_name=$1 _rc=$2 _pat=$3
	shift 3
	run_ctl "$@"
	if [ "$rc" = "$_rc" ] && grep -q -e "$_pat" "$TMP/err"; then
		ok "$_name"
	else
		echo "# hshmctl $*: exit $rc (want $_rc), stderr:"
		sed -e 's/^/#   /' "$TMP/err"
		not_ok "$_name"
	fi
}

# json_class_field CLASS FIELD < status/stats JSON: the number
json_class_field() {
	sed -e "s/.*\"$1\": {//" -e "s/}.*//" | tr ',' '\n' |
		sed -n "s/.*\"$2\": \\([0-9]*\\).*/\\1/p" | head -n 1
}

# json_field FIELD < status JSON: the value of a top-level field
json_field() {
	tr ',' '\n' | sed -n "s/.*\"$1\": \"*\([a-z0-9-]*\).*/\\1/p" | head -n 1
}

# disp_sched: "POLICY RT_PRIORITY NICE" of the dispatcher thread, numbers
# as /proc/PID/stat has them (policy 0 other, 1 fifo, 2 rr)
disp_sched() {
	for _d in /proc/[0-9]*; do
		if [ "$(cat "$_d/comm" 2>/dev/null)" = "hshm$DEVN-disp" ]; then
			# comm has no spaces: the fields split on them
			cut -d' ' -f19,40,41 "$_d/stat" |
				awk '{ print $3, $2, $1 }'
			return
		fi
	done
	echo "no thread hshm$DEVN-disp"
}

old_weights=$(cat "$SYSFS/weights")
old_res=$(cat "$SYSFS/reservations")
old_timeout=$(cat "$SYSFS/timeout_ms")

run_ctl list
check "list names the device" grep -q "hshm$DEVN" "$TMP/out"

run_ctl --json list
check "list --json" grep -q "\"device\": \"hshm$DEVN\"" "$TMP/out"

# netlink -> sysfs
run_ctl set weights 5 3 2 1
check "set weights: exit 0" [ "$rc" = 0 ]
check "set weights reads back in sysfs" [ "$(cat "$SYSFS/weights")" = "5 3 2 1" ]
check "and in classes/throughput/weight" [ "$(cat "$SYSFS/classes/throughput/weight")" = 3 ]

run_ctl set reservations 20 10 10 0
check "set reservations reads back in sysfs" [ "$(cat "$SYSFS/reservations")" = "20 10 10 0" ]

run_ctl set scheduler fifo
check "set scheduler fifo reads back in sysfs" grep -q '\[fifo\]' "$SYSFS/scheduler"
run_ctl set scheduler drr
check "set scheduler drr reads back in sysfs" grep -q '\[drr\]' "$SYSFS/scheduler"
run_ctl set drr-quantum 512
check "set drr-quantum reads back in sysfs" [ "$(cat "$SYSFS/drr_quantum")" = 512 ]
run_ctl status
check "status shows the drr quantum" grep -q "scheduler drr (drr quantum 512 B)" "$TMP/out"
expect "drr-quantum below 64: exit 2" 2 "drr-quantum" set drr-quantum 63
expect "unknown scheduler: exit 2" 2 "'wrr', 'fifo' or 'drr'" set scheduler sfq
run_ctl set drr-quantum 4096
run_ctl set scheduler wrr

run_ctl set target realtime 750
check "set target reads back in sysfs" [ "$(cat "$SYSFS/classes/realtime/target_us")" = 750 ]

# a class in any case, '-' for '_', and nothing else
old=$(cat "$SYSFS/classes/best_effort/target_us")
run_ctl set target Best-Effort 321
check "set target Best-Effort is best_effort" [ "$(cat "$SYSFS/classes/best_effort/target_us")" = 321 ]
run_ctl set target 3 "$old"
expect "abbreviated class: exit 2" 2 "expected CLASS MICROSECONDS" set target rt 5

old=$(cat "$SYSFS/classes/reliable/spin_us")
run_ctl set spin reliable 250
check "set spin reads back in sysfs" [ "$(cat "$SYSFS/classes/reliable/spin_us")" = 250 ]
run_ctl status
check "status shows spin_us" grep -q "reliable .* 250$" "$TMP/out"
expect "spin above 10000: exit 2" 2 "microseconds" set spin reliable 10001
run_ctl set spin reliable "$old"

run_ctl set timeout 1234
check "set timeout reads back in sysfs" [ "$(cat "$SYSFS/timeout_ms")" = 1234 ]

# sysfs -> netlink
echo "8 2 1 1" >"$SYSFS/weights"
echo 40 >"$SYSFS/classes/best_effort/shed_us"
run_ctl --json status
w=$(json_class_field realtime weight <"$TMP/out")
s=$(json_class_field best_effort shed_us <"$TMP/out")
check "sysfs weights read back through netlink" [ "$w" = 8 ]
check "sysfs shed_us reads back through netlink" [ "$s" = 40 ]
echo 0 >"$SYSFS/classes/best_effort/shed_us"

# the dispatcher thread's policy: netlink -> sysfs and the thread
run_ctl set sched fifo 40
check "set sched fifo 40: exit 0" [ "$rc" = 0 ]
check "set sched reads back in sysfs" \
	[ "$(cat "$SYSFS/sched_policy") $(cat "$SYSFS/sched_priority")" = "other [fifo] rr 40" ]
echo "# dispatcher: $(disp_sched)"
check "set sched fifo 40: the thread runs SCHED_FIFO 40" [ "$(disp_sched)" = "1 40 0" ]
run_ctl status
check "status shows the thread's policy" \
	grep -q "dispatcher thread: sched fifo, priority 40" "$TMP/out"
run_ctl --json status
p=$(json_field sched_policy <"$TMP/out")
r=$(json_field sched_priority <"$TMP/out")
check "status --json shows the thread's policy" [ "$p $r" = "fifo 40" ]
run_ctl set sched rr
check "set sched rr keeps the priority: SCHED_RR 40" [ "$(disp_sched)" = "2 40 0" ]
# sysfs -> netlink and the thread
echo other >"$SYSFS/sched_policy"
echo 7 >"$SYSFS/sched_priority"
run_ctl --json status
p=$(json_field sched_policy <"$TMP/out")
r=$(json_field sched_priority <"$TMP/out")
check "sysfs other nice 7 reads back through netlink" [ "$p $r" = "other 7" ]
check "and the thread runs SCHED_OTHER nice 7" [ "$(disp_sched)" = "0 0 7" ]
expect "sched priority out of range: kernel says why" 2 \
	"out of range for the policy" set sched fifo 0
expect "nice out of range: kernel says why" 2 \
	"out of range for the policy" set sched other 20
# shellcheck disable=SC2317 # called by check
unchanged() {
	[ "$(cat "$SYSFS/sched_priority")" = 7 ] && [ "$(disp_sched)" = "0 0 7" ]
}
check "refused sched settings changed nothing" unchanged
run_ctl set sched other 0

# the peer: profile, state and hand-over, both ways
prof=$(cat "$SYSFS/peer_profile")
run_ctl status
check "status shows the peer's profile and state" \
	grep -q "peer: profile $prof, $(cat "$SYSFS/peer_state")" "$TMP/out"
run_ctl set profile sel4-v1
check "set profile sel4-v1 reads back in sysfs" \
	[ "$(cat "$SYSFS/peer_profile")" = sel4-v1 ]
expect "unknown profile: kernel says why" 2 "no such peer profile" \
	set profile sel4
run_ctl set handover 3
run_ctl --json status
check "set handover 3 reads back through netlink and sysfs" \
	[ "$(json_field handover <"$TMP/out") $(cat "$SYSFS/handover")" = "3 3" ]
echo 0 >"$SYSFS/handover"
echo "$prof" >"$SYSFS/peer_profile"
run_ctl --json status
check "sysfs profile reads back through netlink" \
	[ "$(json_field peer_profile <"$TMP/out")" = "$prof" ]

# counters agree on a quiet device
run_ctl -c reliable call $ECHO hello
check "call $ECHO prints the response" grep -qx hello "$TMP/out"
run_ctl --json stats
a=$(json_class_field reliable submitted <"$TMP/out")
b=$(cat "$SYSFS/classes/reliable/submitted")
# shellcheck disable=SC2317 # called by check
agree() {
	[ -n "$a" ] && [ "$a" -ge 1 ] && [ "$a" = "$b" ]
}
check "stats submitted: netlink $a = sysfs $b" agree
run_ctl --json stats --hist
check "stats --hist: the call's latency in a bucket" \
	grep -q '"histogram": \[{"low_ns": [0-9]*, "high_ns": [0-9]*, "count": [1-9]' "$TMP/out"

# bad input: a message and the documented exit status
expect "non-number weight: exit 2" 2 "invalid weight 'x'" set weights 1 2 x 4
expect "weights too few: exit 2" 2 "expected 4 numbers" set weights 1 2
expect "reservations over 100%: kernel says why" 2 "more than 100 percent" \
	set reservations 60 60 0 0
expect "shedding realtime: kernel says why" 2 "never shed" set shed realtime 5
expect "batch larger than the queue: kernel says why" 2 "larger than the queue" \
	set batch-max 60000
expect "no such device: exit 3" 3 "no device hshm31" -d 31 status
expect "unknown command: exit 2" 2 "unknown command" frobnicate
expect "unknown sched policy: exit 2" 2 "unknown policy 'idle'" set sched idle 1

# the service map: runs in and out, the one class grammar, bad runs refused
DEF_MAP="0 best_effort
1-2 realtime
3-8 reliable
9-11 throughput
12-65535 best_effort"
run_ctl service-map show
check "service-map show: the default map" [ "$(cat "$TMP/out")" = "$DEF_MAP" ]
# names in any case, '-' for '_', numbers; runs in order, the later wins
run_ctl service-map set 100-200 reliable 100-199 REALTIME 66 Best-Effort \
	66 1 200 2
run_ctl service-map show
check "service-map set: runs apply in order, any spelling of a class" \
	[ "$(cat "$TMP/out")" = "0 best_effort
1-2 realtime
3-8 reliable
9-11 throughput
12-65 best_effort
66 throughput
67-99 best_effort
100-199 realtime
200 reliable
201-65535 best_effort" ]
run_ctl service-map show 150
check "service-map show ID: the run that holds it" \
	[ "$(cat "$TMP/out")" = "100-199 realtime" ]
run_ctl --json service-map show 66
check "service-map --json" \
	grep -qx '\[{"first": 66, "last": 66, "class": "throughput"}\]' "$TMP/out"
bad_runs=0
for r in "" 200-100 0-65536 65536 5- -5 1-2-3 x-2 4294967296 " 5" "5 "; do
	run_ctl service-map set "$r" realtime
	[ "$rc" = 2 ] || { echo "# run '$r': exit $rc"; bad_runs=$((bad_runs + 1)); }
done
for c in nosuchclass realtimes rt auto 4 "best effort" "real time" ""; do
	run_ctl service-map set 5 "$c"
	[ "$rc" = 2 ] || { echo "# class '$c': exit $rc"; bad_runs=$((bad_runs + 1)); }
done
run_ctl service-map set 1-2
[ "$rc" = 2 ] || bad_runs=$((bad_runs + 1))
run_ctl service-map set 0-65535 best_effort 1-2 realtime 3-8 reliable \
	9-11 throughput 7-5 realtime
[ "$rc" = 2 ] || bad_runs=$((bad_runs + 1))
run_ctl service-map show
check "bad runs and classes: exit 2, nothing changed" \
	[ "$bad_runs" = 0 ] && [ "$(sed -n 8p "$TMP/out")" = "100-199 realtime" ]
run_ctl service-map set 0-65535 best_effort 1-2 realtime 3-8 reliable \
	9-11 throughput
run_ctl service-map show
check "service-map set: back to the default" [ "$(cat "$TMP/out")" = "$DEF_MAP" ]

# SET needs CAP_NET_ADMIN: as nobody (busybox su, an /etc/passwd made here)
if ! grep -q '^nobody:' /etc/passwd 2>/dev/null; then
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
	echo 'nogroup:x:65534:' >>/etc/group
fi
su -s /bin/sh nobody -c "$CTL -d $DEVN set weights 1 1 1 1" >"$TMP/out" 2>"$TMP/err"
rc=$?
sed -e 's/^/#   /' "$TMP/err"
# shellcheck disable=SC2317 # called by check
refused() {
	[ "$rc" = 4 ] && [ "$(cat "$SYSFS/weights")" = "8 2 1 1" ]
}
check "set as nobody: exit 4, nothing changed" refused
su -s /bin/sh nobody -c "$CTL -d $DEVN service-map set 5 realtime" \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
sed -e 's/^/#   /' "$TMP/err"
su -s /bin/sh nobody -c "$CTL -d $DEVN service-map show 5" >"$TMP/out" 2>&1
# shellcheck disable=SC2317 # called by check
svc_refused() {
	[ "$rc" = 4 ] && [ "$(cat "$TMP/out")" = "3-8 reliable" ]
}
check "service-map set as nobody: exit 4; show is anyone's" svc_refused

# monitor receives an SLA violation: a 1 us target every call misses.
# The kernel sends events only once somebody listens, and nothing tells
# when the monitor has joined the group: keep making late calls until it
# has printed its one event and exited (or given up after its 20 s).
"$CTL" -d "$DEVN" set target best_effort 1
"$CTL" --json monitor --count 1 --timeout 20 >"$TMP/mon" 2>"$TMP/monerr" &
mon=$!
calls=0
while kill -0 $mon 2>/dev/null && [ $calls -lt 400 ]; do
	"$CTL" -d "$DEVN" -c best_effort call echo late >/dev/null
	calls=$((calls + 1))
	sleep 0.1
done
echo "# $calls late call(s) until the monitor was done"
wait $mon
rc=$?
sed -e 's/^/#   /' "$TMP/mon" "$TMP/monerr"
# shellcheck disable=SC2317 # called by check
got_event() {
	[ "$rc" = 0 ] &&
		grep -q '"event": "sla_violation", "class": "best_effort"' "$TMP/mon"
}
check "monitor got the sla_violation event" got_event
"$CTL" -d "$DEVN" set target best_effort 0
"$CTL" -d "$DEVN" set target realtime 0

echo "$old_weights" >"$SYSFS/weights"
echo "$old_res" >"$SYSFS/reservations"
echo "$old_timeout" >"$SYSFS/timeout_ms"
rm -rf "$TMP"
ktap_exit
