#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run hshm test programs in a QEMU guest (or on the host) and count the KTAP.
#
# usage: run.sh --kernel VMLINUZ --module PATH/hshm.ko --tests DIR [options]
#        run.sh --host --tests DIR [--name NAME] [--log DIR]
#
#   --kernel FILE        guest kernel (bzImage), e.g. /boot/vmlinuz-$(KVER);
#                        arm64: arch/arm64/boot/Image
#   --arch ARCH          amd64 (default): qemu-system-x86_64 -cpu max;
#                        arm64: qemu-system-aarch64 -M virt,gic-version=3
#                        -cpu cortex-a57, console ttyAMA0 (see below)
#   --busybox FILE       static busybox of the guest's architecture
#                        (/bin/busybox; $BUSYBOX)
#   --dtb-append FILE    arm64: boot with QEMU's own device tree for this
#                        run (dumpdtb, same -m/-smp/-cpu) with FILE (.dtsi:
#                        nodes only) appended, compiled by dtc; the DTS and
#                        DTB are kept as NAME.dts, NAME.dtb in the log dir.
#                        Every /reserved-memory child must lie in RAM
#   --module FILE        the module; loaded in the guest from /lib/hshm.ko
#   --params "P..."      module parameters for insmod
#   --kunit FILE         a KUnit test module (repeatable): after the test set
#                        and rmmod, the guest loads each, prints the KTAP of
#                        its suites and unloads it, as one more result
#                        "kunit" (selftests/qemu/guest-kunit.sh)
#   --tests DIR          programs to run; copied to /tests in the guest (but
#                        DIR/unit). Every executable file of DIR runs, sorted
#                        (those in subdirectories do not)
#   --run "CMD"          run CMD (sh -c, in /tests) instead of the test set and
#                        print its output as it is; exit with its status
#   --name NAME          scenario name, also the log file names (loopback)
#   --timeout SECONDS    whole QEMU run (1500)
#   --test-timeout SECONDS  each test program (600)
#   --qemu-args "ARGS"   extra QEMU arguments (split on spaces)
#   --env "N=V ..."      extra environment of the guest programs (repeatable)
#   --host-bin FILE      a program of this machine (amd64 guests), copied to
#                        /usr/bin in the guest with the shared libraries ldd
#                        lists for it, at the same paths (repeatable); e.g.
#                        hackbench from rt-tests as a load generator
#   --log DIR            where the logs go (build/qemu)
#   --host               run the programs of DIR on this machine, no QEMU
#
# Guest environment of the programs: HSHM_DEV=/dev/hshm0,
# HSHM_SYSFS=/sys/class/hshm/hshm0, HSHM_KO=/lib/hshm.ko,
# HSHM_KO_PARAMS (the --params), HSHM_SCENARIO (the --name); cwd /tests,
# stdin /dev/null, busybox as the only userland (scripts: #!/bin/sh).
#
# Guest KTAP: "1..P+2" for P programs: "ok 1 insmod", one result per program
# (its own output indented by "# "), "ok P+2 rmmod", then with --kunit
# "ok P+3 kunit" (the KUnit cases nested), and on a kernel with kmemleak a
# last "ok N kmemleak": a scan after everything was unloaded (any
# unreferenced object fails it; the report is in the KTAP). The guest writes it, and
# then the kernel log, to the console (ttyS0) and to a second serial port
# (ttyS1, NAME.serial) that is parsed, so kernel messages cannot cut a line.
# arm64: QEMU 7.2's virt machine has one UART (ttyAMA0, the console); the
# second channel is a virtio console (hvc0 on virtio-mmio) in NAME.serial.
#
# Files in the log dir: NAME.console (serial console), NAME.ktap (the KTAP),
# NAME.dmesg (guest kernel log), NAME.totals ("passed failed skipped"),
# NAME.failures (each failure, one "# FAILED: ..." line and the test's last
# log lines; ktap-totals.sh repeats them under the totals).
# Failures are: failing leaf results, programs failing without a failing
# result (crash, timeout), plan mismatches, each kernel log line showing a
# warning/oops/BUG/splat, a QEMU timeout or error, a guest that stopped early.
# Exit status: 0 if nothing failed, 1 if something did, 2 on bad usage.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/../ktap-lib.sh"

KERNEL='' MODULE='' PARAMS='' TESTS='' RUN='' NAME=loopback TIMEOUT=1500 KUNIT=
TEST_TIMEOUT=600 QEMU_ARGS='' LOG=build/qemu HOST=0 TOTALS='' ENVS=''
ARCH=amd64 DTB_APPEND='' HOST_BINS=''
BUSYBOX=${BUSYBOX:-/bin/busybox}

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# die MSG: stop on a set-up problem; the run counts as one failure.
die() {
	echo "run.sh: $*" >&2
	if [ -n "$TOTALS" ]; then
		echo "0 1 0" >"$TOTALS"
	fi
	exit 1
}

while [ $# -gt 0 ]; do
	opt=$1
	case $opt in
	--host) HOST=1; shift; continue ;;
	-h|--help) usage ;;
	--*) [ $# -ge 2 ] || usage ;;
	*) usage ;;
	esac
	case $opt in
	--kernel) KERNEL=$2 ;;
	--arch) ARCH=$2 ;;
	--busybox) BUSYBOX=$2 ;;
	--dtb-append) DTB_APPEND=$2 ;;
	--env) ENVS="$ENVS $2" ;;
	--host-bin) HOST_BINS="$HOST_BINS $2" ;;
	--module) MODULE=$2 ;;
	--kunit) KUNIT="$KUNIT $2" ;;
	--params) PARAMS=$2 ;;
	--tests) TESTS=$2 ;;
	--run) RUN=$2 ;;
	--name) NAME=$2 ;;
	--timeout) TIMEOUT=$2 ;;
	--test-timeout) TEST_TIMEOUT=$2 ;;
	--qemu-args) QEMU_ARGS=$2 ;;
	--log) LOG=$2 ;;
	*) usage ;;
	esac
	shift 2
done

# Per architecture: QEMU, its machine, the kernel's console, the guest's
# device for the second channel, the Debian package that has QEMU.
case $ARCH in
amd64)
	QEMU=${QEMU:-qemu-system-x86_64} QEMU_PKG=qemu-system-x86
	MACHINE=(-cpu max) CONSOLE=ttyS0 OUT_TTY=/dev/ttyS1
	;;
arm64)
	QEMU=${QEMU:-qemu-system-aarch64} QEMU_PKG=qemu-system-arm
	MACHINE=(-M 'virt,gic-version=3' -cpu cortex-a57) CONSOLE=ttyAMA0
	OUT_TTY=/dev/hvc0
	;;
*) usage ;;
esac
if [ -n "$DTB_APPEND" ] && [ "$ARCH" != arm64 ]; then
	usage
fi

mkdir -p "$LOG"
LOG=$(cd "$LOG" && pwd)
TOTALS=$LOG/$NAME.totals
FAILURES=$LOG/$NAME.failures
rm -f "$TOTALS" "$FAILURES" "$LOG/$NAME".{console,console.1,serial,ktap,dmesg,dts,dtb}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hshm-run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

passed=0 failed=0 skipped=0

# problem MSG: one failure not seen in the KTAP.
problem() {
	echo "# FAILED: $*" | tee -a "$FAILURES"
	failed=$((failed + 1))
}

# count_ktap FILE: add the results of FILE to the totals.
count_ktap() {
	local p f s
	read -r p f s < <(ktap_count "$1" 2>"$WORK/why")
	cat "$WORK/why"
	cat "$WORK/why" >>"$FAILURES"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

finish() {
	echo "$passed $failed $skipped" >"$TOTALS"
	echo "# $NAME: $passed passed, $failed failed, $skipped skipped"
	if [ "$failed" -eq 0 ]; then
		exit 0
	fi
	exit 1
}

# ---- host mode -------------------------------------------------------------

if [ "$HOST" = 1 ]; then
	[ -n "$TESTS" ] || usage
	if [ -d "$TESTS" ]; then
		nprogs=$(ktap_programs "$TESTS" | wc -l)
	else
		echo "# $NAME: no directory $TESTS, nothing to run"
		nprogs=0
	fi
	{
		echo "TAP version 13"
		echo "1..$nprogs"
		if [ "$nprogs" -gt 0 ]; then
			TMPDIR=$WORK ktap_run_dir "$TESTS" "$NAME" "$TEST_TIMEOUT" 1
		fi
	} 2>&1 | tee "$LOG/$NAME.ktap"
	count_ktap "$LOG/$NAME.ktap"
	finish
fi

# ---- QEMU mode: the initramfs ----------------------------------------------

if [ -z "$KERNEL" ] || [ -z "$MODULE" ] || [ -z "$TESTS$RUN" ]; then
	usage
fi
[ -r "$KERNEL" ] || die "cannot read kernel $KERNEL"
[ -r "$MODULE" ] || die "cannot read module $MODULE"
for ko in $KUNIT; do
	[ -r "$ko" ] || die "cannot read KUnit module $ko"
done
[ -z "$TESTS" ] || [ -d "$TESTS" ] || die "no test directory $TESTS"
if [ -n "$HOST_BINS" ] && [ "$ARCH" != amd64 ]; then
	die "--host-bin: the programs of this machine run in amd64 guests only"
fi
for b in $HOST_BINS; do
	[ -x "$b" ] || die "--host-bin: no program $b"
done

# kernel_version IMAGE: the version string of a kernel image, "RELEASE
# (builder) #1 SMP PREEMPT_RT ...": an x86 bzImage names it in its setup
# header (the kernel_version field at 0x20e points to it, 0x200 bytes on),
# an uncompressed arm64 Image carries it in its banner "Linux version ...".
kernel_version() {
	local img=$1 off
	if [ "$(dd if="$img" bs=1 skip=514 count=4 2>/dev/null | tr -d '\0')" = HdrS ]; then
		off=$(od -An -tu2 -j 526 -N 2 "$img" | tr -d ' ')
		dd if="$img" bs=1 skip=$((off + 512)) count=256 2>/dev/null |
			tr '\0' '\n' | head -n 1
	else
		grep -a -o -m 1 'Linux version [^(]*([^#]*#[^)]*' "$img" | head -n 1 |
			sed 's/^Linux version //'
	fi
}

# kernel_release IMAGE: the release the kernel image reports (uname -r).
kernel_release() {
	kernel_version "$1" | cut -d' ' -f1
}

# module_release KO: the release a module was built for (its vermagic).
module_release() {
	tr '\0' '\n' <"$1" | sed -n 's/^vermagic=\([^ ]*\).*/\1/p' | head -n 1
}

# A module only loads into the kernel it was built for: say so here rather
# than "invalid module format" in the guest.
krel=$(kernel_release "$KERNEL")
[ -n "$krel" ] || die "cannot read the release of kernel $KERNEL"
for ko in "$MODULE" $KUNIT; do
	mrel=$(module_release "$ko")
	[ "$mrel" = "$krel" ] ||
		die "$ko was built for kernel '${mrel:-?}', but the guest kernel $KERNEL is '$krel': build the module against that kernel's tree (KDIR), or boot the kernel it was built for (VMLINUZ)"
done
[ -x "$BUSYBOX" ] || die "no $BUSYBOX (install busybox-static)"
if command -v readelf >/dev/null && readelf -l "$BUSYBOX" | grep -q INTERP; then
	die "$BUSYBOX is dynamically linked (install busybox-static)"
fi
command -v "$QEMU" >/dev/null || die "no $QEMU (install $QEMU_PKG)"
if [ -n "$DTB_APPEND" ]; then
	[ -r "$DTB_APPEND" ] || die "cannot read $DTB_APPEND"
	if ! command -v dtc >/dev/null || ! command -v fdtget >/dev/null; then
		die "no dtc/fdtget (install device-tree-compiler)"
	fi
fi

# sq STRING: STRING quoted for sh.
sq() {
	printf "'%s'" "${1//\'/\'\\\'\'}"
}

# newc NAME MODE RDEVMAJOR RDEVMINOR: one empty cpio "newc" entry (MODE in
# hex), so that device nodes need no root; NAME "TRAILER!!!" ends an archive.
newc() {
	local name=$1 len=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		1 "0x$2" 0 0 1 0 0 0 0 "$3" "$4" "$len" 0
	printf '%s\0' "$name"
	# header (110 bytes) + name, padded to a multiple of 4
	printf '%*s' $(((4 - (110 + len) % 4) % 4)) '' | tr ' ' '\0'
}

root=$WORK/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,etc,dev,proc,sys,tmp,tests}
cp "$BUSYBOX" "$root/bin/busybox"
cp "$MODULE" "$root/lib/hshm.ko"
cp "$HERE/../ktap-lib.sh" "$root/lib/ktap-lib.sh"
cp "$HERE/guest-init" "$root/init"
if [ -n "$KUNIT" ]; then
	mkdir -p "$root/lib/kunit"
	# shellcheck disable=SC2086 # one path per word
	cp $KUNIT "$root/lib/kunit/"
	cp "$HERE/guest-kunit.sh" "$root/lib/kunit/kunit"
	chmod 755 "$root/lib/kunit/kunit"
fi
chmod 755 "$root/init" "$root/bin/busybox"
for b in $HOST_BINS; do
	cp "$b" "$root/usr/bin/"
	# "name => /path (addr)" and "/path (addr)"; not the vDSO
	for lib in $(ldd "$b" | sed -n 's/.*[[:space:]]\(\/[^ ]*\) (0x.*/\1/p'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
if [ -n "$TESTS" ]; then
	# unit/ holds the host's unit tests (dynamically linked): not for the guest
	tar -C "$TESTS" --exclude=./unit -cf - . | tar -C "$root/tests" -xpf -
fi
modname=$(basename "$MODULE" .ko)
{
	echo "HSHM_KO_PARAMS=$(sq "$PARAMS")"
	echo "HSHM_SCENARIO=$(sq "$NAME")"
	echo "HSHM_MODNAME=$(sq "${modname//-/_}")"
	echo "HSHM_RUN=$(sq "$RUN")"
	echo "HSHM_TEST_TIMEOUT=$(sq "$TEST_TIMEOUT")"
	echo "HSHM_OUT_TTY=$(sq "$OUT_TTY")"
	for kv in $ENVS; do
		case $kv in
		[A-Za-z_]*=*) echo "export ${kv%%=*}=$(sq "${kv#*=}")" ;;
		*) die "--env takes NAME=VALUE, not '$kv'" ;;
		esac
	done
} >"$root/etc/hshm-run.conf"

initrd=$WORK/initrd.gz
{
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0)
	newc dev/console 2180 5 1
	newc 'TRAILER!!!' 0 0 0
} | gzip -1 >"$initrd"

# ---- QEMU mode: the run ----------------------------------------------------

# On PREEMPT_RT the 8250 UART's handler runs in a thread; under TCG the
# emulated UART raises its transmit interrupt again while the thread
# drains it, and after the long kernel logs of the fault-injection tests
# the kernel counted 100000 of them as unhandled and disabled IRQ 3
# ("nobody cared"), which stops ttyS1 and hangs the guest. noirqdebug
# leaves the line on (RT guests only: it also hides a stuck line of
# hshm's, which the non-RT guests still report).
cmdline="console=$CONSOLE panic=-1 quiet loglevel=4"
if kernel_version "$KERNEL" | grep -q PREEMPT_RT; then
	cmdline="$cmdline noirqdebug"
fi
qemu=("$QEMU" -accel tcg "${MACHINE[@]}" -m 1024 -smp 2 -nographic -no-reboot
	-kernel "$KERNEL" -initrd "$initrd"
	-append "$cmdline"
	-serial mon:stdio)
if [ "$ARCH" = arm64 ]; then
	qemu+=(-device virtio-serial-device
		-chardev "file,id=hshmout,path=$LOG/$NAME.serial"
		-device 'virtconsole,chardev=hshmout')
else
	qemu+=(-serial "file:$LOG/$NAME.serial")
fi
# shellcheck disable=SC2206 # split on purpose
qemu+=($QEMU_ARGS)

# reg_ranges DTB NODE: the (address size) pairs of NODE's reg, in hex,
# assuming two address and two size cells (QEMU virt's root).
reg_ranges() {
	fdtget -t x "$1" "$2" reg | tr ' ' '\n' | paste -d' ' - - - - |
		while read -r ah al sh sl; do
			printf '%x %x\n' $(((0x$ah << 32) | 0x$al)) $(((0x$sh << 32) | 0x$sl))
		done
}

# check_reserved DTB: every child of /reserved-memory that has a reg lies
# inside one memory node (no-map of memory outside RAM means nothing).
check_reserved() {
	local dtb=$1 node mem ok a s ma ms
	fdtget -l "$dtb" /reserved-memory >/dev/null 2>&1 || return 0
	for node in $(fdtget -l "$dtb" /reserved-memory); do
		fdtget "$dtb" "/reserved-memory/$node" reg >/dev/null 2>&1 || continue
		while read -r a s; do
			ok=0
			for mem in $(fdtget -l "$dtb" / | grep '^memory'); do
				while read -r ma ms; do
					if [ $((0x$a)) -ge $((0x$ma)) ] &&
						[ $((0x$a + 0x$s)) -le $((0x$ma + 0x$ms)) ]; then
						ok=1
					fi
				done < <(reg_ranges "$dtb" "/$mem")
			done
			[ "$ok" = 1 ] || die "reserved-memory/$node (0x$a, size 0x$s) is not inside RAM"
			echo "# $NAME: reserved-memory/$node: 0x$a, size 0x$s, in RAM"
		done < <(reg_ranges "$dtb" "/reserved-memory/$node")
	done
}

# QEMU's own device tree for exactly this machine, with DTB_APPEND appended.
if [ -n "$DTB_APPEND" ]; then
	dumpargs=() prev=''
	for a in "${qemu[@]}"; do
		if [ "$prev" = -M ]; then
			a="$a,dumpdtb=$WORK/qemu.dtb"
		fi
		dumpargs+=("$a") prev=$a
	done
	"${dumpargs[@]}" </dev/null >"$WORK/dumpdtb.log" 2>&1 ||
		die "dumpdtb failed: $(cat "$WORK/dumpdtb.log")"
	{
		dtc -q -I dtb -O dts "$WORK/qemu.dtb"
		echo
		echo "/* ---- $DTB_APPEND ---- */"
		cat "$DTB_APPEND"
	} >"$LOG/$NAME.dts" || die "cannot decompile QEMU's device tree"
	dtc -q -I dts -O dtb -o "$LOG/$NAME.dtb" "$LOG/$NAME.dts" ||
		die "dtc failed on $LOG/$NAME.dts"
	check_reserved "$LOG/$NAME.dtb"
	qemu+=(-dtb "$LOG/$NAME.dtb")
fi

echo "# $NAME: ${qemu[*]}"
start=$SECONDS
qrc=0
# The console without carriage returns and terminal control sequences (the
# firmware resets the terminal, clears the screen and turns line wrapping off).
clean_console() {
	sed -u -e 's/\r$//' -e 's/\x1bc/\n/g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g'
}

# The console goes to the log as it is, and cleaned to stdout. A guest
# whose kernel crashed before the init script wrote anything (hshm not
# loaded yet: an emulator flake of early boot, seen once with Debian's RT
# kernel under TCG, an int3 oops while the kernel patched its own code) is
# booted once more; the first console stays as NAME.console.1.
for attempt in 1 2; do
	qrc=0
	timeout -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null 2>&1 |
		tee "$LOG/$NAME.console" | clean_console || qrc=${PIPESTATUS[0]}
	if [ "$attempt" = 1 ] && [ ! -s "$LOG/$NAME.serial" ] &&
		grep -aqE 'Oops|Kernel panic|BUG:' "$LOG/$NAME.console"; then
		mv "$LOG/$NAME.console" "$LOG/$NAME.console.1"
		echo "# $NAME: the kernel crashed in early boot, before the guest ran anything ($NAME.console.1); booting it again"
		continue
	fi
	break
done
elapsed=$((SECONDS - start))

serial=$WORK/serial
tr -d '\r' <"$LOG/$NAME.serial" >"$serial" 2>/dev/null || :
sed -n '/^==== DMESG BEGIN ====$/q;p' "$serial" >"$LOG/$NAME.ktap"
sed -n '/^==== DMESG BEGIN ====$/,/^==== DMESG END ====$/p' "$serial" |
	sed '1d;$d' >"$LOG/$NAME.dmesg"

endline=$(grep -a '^==== HSHM END rc=' "$serial" || :)
guest_rc=${endline#==== HSHM END rc=}
guest_rc=${guest_rc%% *}

echo "# $NAME: QEMU exit $qrc after ${elapsed}s"
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	problem "$NAME: QEMU timed out after ${TIMEOUT}s"
elif [ "$qrc" -ne 0 ]; then
	problem "$NAME: QEMU failed with exit status $qrc"
fi
if [ -z "$endline" ]; then
	problem "$NAME: the guest did not finish (panic, hang or crash?); console tail:"
	tail -n 40 "$LOG/$NAME.console" | clean_console | sed 's/^/#   /'
fi

if [ -n "$RUN" ]; then
	if [ "$guest_rc" = 0 ]; then
		passed=$((passed + 1))
	elif [ -n "$endline" ]; then
		problem "$NAME: '$RUN' exited with status $guest_rc"
	fi
else
	count_ktap "$LOG/$NAME.ktap"
fi

ndmesg=0
while IFS= read -r line; do
	problem "$NAME: kernel log: $line"
	ndmesg=$((ndmesg + 1))
done < <(ktap_dmesg_problems "$LOG/$NAME.dmesg")
if [ "$ndmesg" -gt 0 ]; then
	echo "# $NAME: kernel log in $LOG/$NAME.dmesg"
fi

finish
