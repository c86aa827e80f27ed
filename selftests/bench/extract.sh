#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: extract.sh LOG DIR
# Cut the files a guest printed between "==== FILE NAME ====" and
# "==== END NAME ====" lines (selftests/bench/hshm_qos.sh) out of LOG into
# DIR/NAME.  Prints the names; fails if there was none.
log=$1 dir=$2
[ -r "$log" ] && [ -d "$dir" ] || { echo "usage: extract.sh LOG DIR" >&2; exit 2; }
awk -v dir="$dir" '
	/^==== FILE [A-Za-z0-9._-]+ ====$/ { name = $3; out = dir "/" name; printf "" > out; next }
	/^==== END [A-Za-z0-9._-]+ ====$/ { if (out) { close(out); print out; n++ } out = ""; next }
	out { sub(/\r$/, ""); print > out }
	END { exit n ? 0 : 1 }' "$log"
