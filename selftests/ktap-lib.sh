# SPDX-License-Identifier: GPL-2.0-only
#
# KTAP helpers shared by the host and the QEMU guest. Sourced (never run):
#   - by selftests/qemu/run.sh on the host (bash), to run host programs and
#     to count results;
#   - by the guest's /init (busybox ash), to run the test programs.
# Keep it POSIX sh: it must work in both shells.
#
# The output format follows the kernel's kselftest runner: a top-level
# "TAP version 13" and plan, then per program a "# selftests: SUITE: PROG"
# line, the program's own output indented with "# ", and a top-level
# "ok N PROG" / "ok N PROG # SKIP" / "not ok N PROG" from its exit code
# (0 pass, 4 skip, anything else fail).

KTAP_SKIP_RC=4

# ktap_programs DIR: names of the executable regular files in DIR, sorted.
ktap_programs() {
	for _f in "$1"/*; do
		if [ -f "$_f" ] && [ -x "$_f" ]; then
			echo "${_f##*/}"
		fi
	done | LC_ALL=C sort
}

# ktap_run_prog NUM DIR PROG TIMEOUT SUITE: run DIR/PROG from DIR with stdin
# from /dev/null and a timeout in seconds (TERM, then KILL 10 s later), its
# output indented, then a line "# PROG: N s" (its running time) and its
# top-level result line. Returns its exit code.
ktap_run_prog() {
	_num=$1 _dir=$2 _prog=$3 _tmo=$4 _suite=$5
	_rcf=${TMPDIR:-/tmp}/ktap-rc.$$
	echo "# selftests: $_suite: $_prog"
	_t0=$(date +%s)
	{
		_r=0
		(cd "$_dir" && exec timeout -s KILL $((_tmo + 10)) \
			timeout "$_tmo" "./$_prog" </dev/null 2>&1) || _r=$?
		echo "$_r" >"$_rcf"
	} 2>&1 | sed -e 's/^/# /'
	_rc=$(cat "$_rcf" 2>/dev/null || echo 255)
	rm -f "$_rcf"
	echo "# $_prog: $(($(date +%s) - _t0)) s"
	case $_rc in
	0)
		echo "ok $_num $_prog"
		;;
	"$KTAP_SKIP_RC")
		echo "ok $_num $_prog # SKIP"
		;;
	*)
		if [ "$_rc" -eq 124 ]; then
			echo "# $_prog: timed out after ${_tmo}s"
		elif [ "$_rc" -gt 128 ]; then
			echo "# $_prog: killed by signal $((_rc - 128)) (crash, or timeout of ${_tmo}s)"
		fi
		echo "not ok $_num $_prog # exit=$_rc"
		;;
	esac
	return "$_rc"
}

# ktap_run_dir DIR SUITE TIMEOUT FIRST: run every program of DIR in order,
# numbering results from FIRST. Runs "$KTAP_AFTER_PROG PROG" after each one
# if the caller set KTAP_AFTER_PROG. Prints no header or plan (the caller does).
ktap_run_dir() {
	_n=$4
	for _p in $(ktap_programs "$1"); do
		ktap_run_prog "$_n" "$1" "$_p" "$3" "$2" || :
		${KTAP_AFTER_PROG:-:} "$_p"
		_n=$((_n + 1))
	done
}

# ktap_count [FILE...]: count the leaf results of a KTAP/TAP stream and print
# "passed failed skipped". A result line is "ok N ..." or "not ok N ...",
# after any indentation made of '#', spaces and tabs; a deeper indentation
# means a nested subtest. Rules:
#  - a result with no nested results before it is a leaf: "# SKIP" counts as
#    skipped, "not ok" (without "# TODO"/"# XFAIL") as failed, else passed;
#  - a result with nested results (a program, a suite) is not counted itself,
#    except a failing one whose nested results show no failure (a crash, a
#    timeout, an error outside any test case): one failure;
#  - "Bail out!" counts as one failure;
#  - a plan "1..N" that does not match the number of results at its level
#    counts as one failure (and stands for the failure of its parent).
# Each failure is also described on stderr as "# FAILED: ...", a failing
# leaf followed by the last lines the harness printed in it (its
# "Expected ..." and TH_LOG lines), so that the summary of a run tells why.
ktap_count() {
	awk '
	function fail(why) {
		failed++
		print "# FAILED: " why > "/dev/stderr"
	}
	function why_leaf(    i) {
		for (i = (nlog > 8 ? nlog - 8 : 0); i < nlog; i++)
			print "#   | " logl[i] > "/dev/stderr"
	}
	# Check and forget the plans of the levels deeper than d, at the line
	# "at". Returns the number of mismatches.
	function close_plans(d, at,    e, bad) {
		bad = 0
		for (e = d + 1; e <= maxd; e++) {
			if (e in plan) {
				if (nres[e] != plan[e]) {
					fail("planned " plan[e] " results, got " nres[e] " (" at ")")
					bad++
				}
				delete plan[e]
			}
			nres[e] = 0
		}
		return bad
	}
	{
		sub(/\r+$/, "")
		match($0, /^[# \t]*/)
		d = RLENGTH
		rest = substr($0, d + 1)
		if (d > maxd)
			maxd = d
		if (rest ~ /^1\.\.[0-9]+/) {
			close_plans(d - 1, "before another plan")
			plan[d] = substr(rest, 4) + 0
			nres[d] = 0
			next
		}
		isbail = (rest ~ /^Bail out!/)
		if (!isbail && rest !~ /^(not )?ok [0-9]+/) {
			# what a test case prints (not the harness RUN/OK lines)
			if (rest != "" && rest !~ /^(RUN|OK|FAIL|SKIP) / &&
			    rest !~ /^(TAP version|selftests:|Starting |FAILED:|PASSED:|Totals:)/)
				logl[nlog++] = rest
			next
		}

		# ch: results nested below this one; chf: failures among them
		chf = close_plans(d, rest)
		ch = 0
		for (e = d + 1; e <= maxd; e++) {
			ch += cnt[e]; chf += fl[e]
			cnt[e] = 0; fl[e] = 0
		}
		cnt[d]++
		if (isbail) {
			fail($0)
			fl[d]++
			next
		}
		nres[d]++
		skip = (rest ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)
		xf = (rest ~ /#[ \t]*([Tt][Oo][Dd][Oo]|XFAIL)/)
		bad = (rest ~ /^not ok/ && !skip && !xf)
		if (ch == 0) {
			# a leaf, or a program that printed a plan but no result
			if (skip)
				skipped++
			else if (bad && !chf) {
				fail(rest)
				why_leaf()
			} else if (!bad && !chf)
				passed++
		} else if (bad && !chf) {
			fail(rest " (no failing subtest reported)")
		}
		if (bad || chf)
			fl[d]++
		nlog = 0
	}
	END {
		close_plans(-1, "at the end of the output")
		printf "%d %d %d\n", passed, failed, skipped
	}' "$@"
}

# Kernel log lines that fail a run.
KTAP_DMESG_BAD='WARNING:|BUG:|Oops|general protection|Call Trace|UBSAN|KASAN|hung_task|soft lockup|RCU stall|refcount_t:|list_add corruption|list_del corruption'
KTAP_DMESG_BAD="$KTAP_DMESG_BAD|kernel BUG at|invalid opcode:|Kernel panic|Unable to handle kernel|double fault"
# arm64's spelling of a stack dump and of an oops
KTAP_DMESG_BAD="$KTAP_DMESG_BAD|Call trace:|Internal error:"
# The debug kernel's reports (configs/x86_64-debug.config) that do not
# always come with a WARNING: or BUG: line: hung tasks, debugobjects,
# lockdep switching itself off (no more checking), kmemleak finding leaks
# or giving up. Not "kmemleak" alone: it reports its start at boot.
KTAP_DMESG_BAD="$KTAP_DMESG_BAD|INFO: task .* blocked|ODEBUG:|turning off the locking correctness validator"
KTAP_DMESG_BAD="$KTAP_DMESG_BAD|kmemleak: [0-9]+ new suspected|kmemleak: .*(disabled|[Cc]annot|pool empty)"


# ktap_dmesg_problems FILE: print the kernel log lines of FILE that show a
# warning, oops, BUG or other splat, one per line.
#
# A report of a failed allocation (warn_alloc: "page allocation failure:",
# "vmalloc error:", then a stack dump up to </TASK>) is not a problem: it is
# what the kernel prints when an allocation fails, as the fail-nth tests
# make them fail on purpose; the code's handling of the failure is what
# they check, and a bug in it gives a splat of its own.  Nor is kmemleak
# failing to allocate a scan area under those faults: it then scans the
# whole object, finding as much (its failure to track an object, which
# turns it off, still counts).
#
# A KCSAN report (configs/x86_64-kcsan.config: "BUG: KCSAN: ...", the two
# accesses' stacks, up to a line of "=") is a problem when hshm's code is
# on one side of the race (a frame of the hshm module); a race of the rest
# of the kernel is not hshm's to fail on, and is left in the log.
ktap_dmesg_problems() {
	awk '
	/kmemleak: Cannot allocate a scan area/ { next }
	/(page allocation failure|vmalloc error): / { skip = 80; next }
	skip > 0 { skip--; if ($0 ~ /<\/TASK>/) skip = 0; next }
	/BUG: KCSAN: / { kcsan = 1; report = $0; ours = /hshm/; next }
	kcsan && /=====+$/ { kcsan = 0; if (ours) print report; next }
	kcsan { if (/\[hshm\]|hshm_/) ours = 1; next }
	{ print }' "$1" | grep -E "$KTAP_DMESG_BAD" || :
}
