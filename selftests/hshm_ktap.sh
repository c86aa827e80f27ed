# SPDX-License-Identifier: GPL-2.0-only
#
# KTAP helpers of the shell selftests (hshm_60_lifecycle.sh,
# hshm_91_bench.sh, hshm_95_hshmctl.sh), sourced from lib/ next to them.
# For busybox sh.  The script prints its own header and plan, then:
#
#   ok DESC            a passing result, numbered
#   not_ok DESC        a failing result, numbered and counted
#   check DESC CMD...  ok if CMD succeeds, else not_ok
#   ktap_exit          "# totals: N passed, N failed" and exit 0 or 1

ktap_n=0
ktap_fails=0

ok() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $*"
}

not_ok() {
	ktap_n=$((ktap_n + 1))
	ktap_fails=$((ktap_fails + 1))
	echo "not ok $ktap_n $*"
}

check() {
	_ktap_desc=$1
	shift
	if "$@"; then ok "$_ktap_desc"; else not_ok "$_ktap_desc"; fi
}

ktap_exit() {
	echo "# totals: $((ktap_n - ktap_fails)) passed, $ktap_fails failed"
	[ "$ktap_fails" = 0 ] || exit 1
	exit 0
}
