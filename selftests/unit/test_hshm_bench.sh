#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hshm-bench on the host, without a device: the command line (every bad
# option exits 2 with a message naming it), the errors of a missing or
# wrong device (exit 1), the peer profile (the device's, over netlink), and
# the plots from a CSV (--plot --from-csv, which make bench uses; skipped
# without gnuplot).  The response check itself: test_bench_check.  Uses the host build
# next to this script (bin/hshm-bench, with the sanitizers when the unit
# tests have them).  Prints KTAP; exits 0 (pass) or 1 (fail).

HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=${HSHM_BENCH_HOST:-$HERE/bin/hshm-bench}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hshm-bench-unit.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

echo "TAP version 13"
if [ ! -x "$BENCH" ]; then
	echo "1..0 # SKIP no $BENCH"
	exit 4
fi
echo "1..7"
n=0 fails=0

ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $*"; }

# expect RC PATTERN ARGS...: hshm-bench ARGS exits RC and its output
# matches PATTERN (grep -E)
expect() {
	_rc=$1 _pat=$2
	shift 2
	"$BENCH" "$@" >"$TMP/out" 2>&1
	_got=$?
	if [ "$_got" != "$_rc" ] || ! grep -Eq -- "$_pat" "$TMP/out"; then
		echo "# hshm-bench $*: exit $_got (want $_rc), output:"
		sed 's/^/#   /' "$TMP/out"
		return 1
	fi
	return 0
}

# 1: help (with every profile) and version
if expect 0 'usage: hshm-bench' --help && expect 0 '^  sel4-v1 ' --help &&
   expect 0 '^  hvisor-tool-v1 ' --help && expect 0 'hshm ABI 1' --version; then
	ok "help and version"
else
	not_ok "help and version"
fi

# 2: every bad command line: exit 2, and the message says what is wrong
bad=0
while IFS='|' read -r pat args; do
	[ -n "$pat" ] || continue
	# shellcheck disable=SC2086 # args is a list
	expect 2 "$pat" $args || bad=1
done <<'EOF'
no load: give at least one --class|
unknown option --frobnicate|--frobnicate
unexpected argument 'extra'|-c realtime extra
--duration needs a value|-c realtime --duration
unknown class 'bulk'|-c bulk
unknown mode 'open'|-c realtime:open
poisson needs rate=|-c realtime:poisson
rate=, on= and off= apply to poisson and bursty only|-c realtime:closed:rate=10
threads= and depth= apply to closed only|-c realtime:poisson:rate=10:threads=2
on= and off= apply to bursty only|-c realtime:poisson:rate=10:on=1ms
threads=0: 1..64|-c realtime:threads=0
depth=2000: 1..1024|-c realtime:depth=2000
bad size '300k'|-c realtime:size=300k
bad size '0'|-c realtime:size=0
bad weight '0'|-c realtime:size=128@0,1k
at most 8 sizes|-c realtime:size=1,2,3,4,5,6,7,8,9
'foo' is not KEY=VALUE|-c realtime:closed:foo
unknown key 'speed'|-c realtime:speed=3
rate=-5|-c realtime:poisson:rate=-5
timeout=0: 1ms..3600s|-c realtime:timeout=0
class realtime given twice|-c realtime -c realtime:depth=2
--duration 0|-c realtime --duration 0
--count 0: a positive number|-c realtime --count 0
--target realtime: CLASS=TIME|-c realtime --target realtime
unknown class 'x'|-c realtime --target x=1ms
bad time '5parsecs'|-c realtime --target realtime=5parsecs
class reliable has no --class load|-c realtime --target reliable=1ms
--scheduler sfq: fifo, wrr or drr|-c realtime --scheduler sfq
--compare and --scheduler exclude each other|-c realtime --compare --scheduler wrr
--max-loss 101: a percentage|-c realtime --max-loss 101
--device 300: index 0..31|-c realtime -d 300
--from-csv needs --plot DIR|--from-csv x.csv
it takes no --class|--plot d --from-csv x.csv -c realtime
--profile bogus: unknown profile .hshm, sel4-v1, freertos-v1, hvisor-tool-v1.|-c realtime --profile bogus
--profile needs a value|-c realtime --profile
EOF
if [ "$bad" = 0 ]; then ok "bad command lines: exit 2 with a message"; else not_ok "bad command lines: exit 2 with a message"; fi

# 3: no device, not a device
if expect 1 'No such file or directory' -c realtime -d /nonexistent/hshm0 &&
   expect 1 'not an hshm device' -c realtime -d /dev/null --duration 1; then
	ok "missing or wrong device: exit 1"
else
	not_ok "missing or wrong device: exit 1"
fi

# 4: --compare needs to set the scheduler over netlink (no hshmN: cannot)
if expect 1 '--compare needs to set the scheduler of /dev/null over netlink' \
	-c realtime -d /dev/null --compare &&
   expect 1 '--scheduler needs to set the scheduler' -c realtime -d /dev/null \
	--scheduler fifo; then
	ok "--compare, --scheduler without a netlink device: exit 1"
else
	not_ok "--compare, --scheduler without a netlink device: exit 1"
fi

# a CSV as the guest writes it: two schedulers, two classes
H="scheduler,class,mode,load,requests,accepted,completed,failed,rejected,unfinished,lost,loss_pct,shed,timed_out,elapsed_s,req_s,mb_s,p50_us,p95_us,p99_us,p999_us,max_us,mean_us,target_us,violations,violation_pct"
{
	echo "$H"
	echo "fifo,realtime,closed,closed:size=128,100,100,100,0,0,0,0,0.000,0,0,1.0,100.0,0.013,900.0,1500.0,2000.0,2100.0,2200.0,950.0,500.0,90,90.000"
	echo "fifo,best_effort,poisson,poisson:rate=50:size=1k;64k,50,50,50,0,0,0,0,0.000,0,0,1.0,50.0,1.650,800.0,1400.0,1900.0,2000.0,2000.0,850.0,0.0,0,0.000"
	echo "wrr,realtime,closed,closed:size=128,300,300,300,0,0,0,0,0.000,0,0,1.0,300.0,0.038,150.0,300.0,400.0,450.0,460.0,160.0,500.0,0,0.000"
	echo "wrr,best_effort,poisson,poisson:rate=50:size=1k;64k,50,50,50,0,0,0,0,0.000,0,0,1.0,50.0,1.650,1200.0,2400.0,2900.0,3000.0,3000.0,1250.0,0.0,0,0.000"
} >"$TMP/r.csv"
{
	echo "scheduler,class,latency_us,fraction"
	for s in fifo wrr; do
		for c in realtime best_effort; do
			echo "$s,$c,100.000,0.100000"
			echo "$s,$c,1000.000,0.600000"
			echo "$s,$c,3000.000,1.000000"
		done
	done
} >"$TMP/r-cdf.csv"

# 5: the plots from that CSV
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "ok 5 plots from a CSV # SKIP no gnuplot"
	n=5
else
	pngs_ok=1
	if expect 0 'plots: ' --plot "$TMP/plots" --from-csv "$TMP/r.csv"; then
		for p in latency-cdf throughput bandwidth latency-p99; do
			# PNG signature: \211 P N G
			if [ "$(od -An -c -N4 "$TMP/plots/$p.png" 2>/dev/null | tr -d ' ')" != '211PNG' ]; then
				echo "# $p.png missing or not a PNG"
				pngs_ok=0
			fi
		done
		# one CDF line per class and scheduler, fifo dashed
		[ "$(grep -c ' with steps ' "$TMP/plots/hshm-bench.gp")" = 4 ] || pngs_ok=0
		grep -q "dt 2 title 'realtime (fifo)'" "$TMP/plots/hshm-bench.gp" || pngs_ok=0
	else
		pngs_ok=0
	fi
	if [ "$pngs_ok" = 1 ]; then ok "plots from a CSV"; else not_ok "plots from a CSV"; fi
fi

# 6: CSVs that cannot be plotted
cut -d, -f1-3 "$TMP/r.csv" >"$TMP/bad.csv"
if expect 1 'No such file' --plot "$TMP/p2" --from-csv "$TMP/none.csv" &&
   expect 1 'no column req_s' --plot "$TMP/p2" --from-csv "$TMP/bad.csv" &&
   expect 1 'r2-cdf.csv' --plot "$TMP/p2" --from-csv "$(cp "$TMP/r.csv" "$TMP/r2.csv"; echo "$TMP/r2.csv")"; then
	ok "unusable CSVs: exit 1"
else
	not_ok "unusable CSVs: exit 1"
fi

# 7: the default profile is the device's (netlink); without one, hshm's
# or --profile's is taken (then /dev/null is no device, exit 1), and
# --sysfs is gone
if expect 1 'not an hshm device' -c realtime -d /dev/null &&
   expect 1 'not an hshm device' -c realtime -d /dev/null --profile sel4-v1 &&
   expect 2 'unknown option --sysfs' -c realtime -d /dev/null --sysfs /sys; then
	ok "profile: the device's, else hshm, --profile over it"
else
	not_ok "profile: the device's, else hshm, --profile over it"
fi

echo "# totals: $((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
