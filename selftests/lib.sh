#!/usr/bin/env bash
# kselftest-style TAP helpers for vswitch selftests, used the forwarding/lib.sh way: source
# it, set ALL_TESTS="case1 case2 ..." (one function per case, each reporting with
#   ok NAME | not_ok NAME [WHY] | skip NAME WHY
#   check NAME CMD...       ok if CMD exits 0, not ok (with its output) otherwise),
# `trap cleanup EXIT`, then `run_tests`: it runs them in order, ends with the kernel-log check
# and prints the plan at the end (TAP allows it). A file that cannot run here: ksft_skip WHY.
# Tests run as root inside the VM (scripts/vm); VSWITCH_REPO is the repository.
REPO=${VSWITCH_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
MODULE=${VSWITCH_MODULE:-$REPO/vswitch.ko}
_n=0; _fail=0

ok() { _n=$((_n + 1)); echo "ok $_n $1"; }
not_ok() {
    _n=$((_n + 1)); _fail=$((_fail + 1)); echo "not ok $_n $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'
    return 0
}
skip() { _n=$((_n + 1)); echo "ok $_n $1 # SKIP $2"; }
check() {
    local name=$1; shift
    local out
    if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi
}

# run_tests: the ALL_TESTS functions, then the kernel-log check, then the plan. The log is
# checked from here on, or from an earlier dmesg_mark (a file that sets up before the tests).
run_tests() {
    echo "TAP version 13"
    [ -n "${_dmesg_lines:-}" ] || dmesg_mark
    local t t0
    for t in $ALL_TESTS; do
        t0=$SECONDS
        "$t"
        echo "# $t: $((SECONDS - t0)) s"
    done
    local out
    if out=$(dmesg_clean); then ok "kernel log clean"; else not_ok "kernel log clean" "$out"; fi
    echo "1..$_n"
    [ $_fail -eq 0 ]
}

# A test file that cannot run here (a missing tool or kernel feature): kselftest's skip.
ksft_skip() { echo "TAP version 13"; echo "1..0 # SKIP $1"; exit 4; }

# expect_fail OUTVAR CMD...: CMD must exit non-zero; its combined output goes to OUTVAR.
expect_fail() {
    local __var=$1; shift
    local __out __rc=0
    __out=$("$@" 2>&1) || __rc=$?
    printf -v "$__var" '%s' "$__out"
    [ $__rc -ne 0 ]
}

module_loaded() { [ -d /sys/module/vswitch ]; }
load_module() { module_loaded || insmod "$MODULE"; }
unload_module() { ! module_loaded || rmmod vswitch; }

# The kernel log must not show a crash, a warning, a leaked device reference, a hung task, a
# soft lockup or an RCU stall since MARK was taken (dmesg_mark).
_DMESG_BAD='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|kernel panic|refcount_t|list_(add|del) corruption|waiting for .* to become free|blocked for more than|soft lockup|rcu.*detected stall|self-detected stall|hung_task'
dmesg_mark() { _dmesg_lines=$(dmesg | wc -l); }
dmesg_clean() {
    local new; new=$(dmesg | tail -n +"$((_dmesg_lines + 1))")
    if printf '%s\n' "$new" | grep -qE "$_DMESG_BAD"; then
        printf '%s\n' "$new" | grep -E -A5 "$_DMESG_BAD" | head -40
        return 1
    fi
}

# tcpdump_bg NS OUT ARGS...: tcpdump ARGS in netns NS (text to OUT) in the background, once
# it listens (a fixed sleep is not enough in a loaded emulated VM); its pid in TCPDUMP_PID
tcpdump_bg() {
    local ns=$1 out=$2 i; shift 2
    : > "$out.err"
    ip netns exec "$ns" tcpdump "$@" > "$out" 2> "$out.err" &
    TCPDUMP_PID=$!
    for i in $(seq 100); do grep -q "listening on" "$out.err" && return 0; sleep 0.1; done
    echo "# tcpdump in $ns did not start: $(cat "$out.err")"
}

debugfs() { mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug; }
# Succeeds only when kmemleak is active (booted with kmemleak=on): "clear" is accepted even
# when it is off, "scan" is not.
kmemleak_on() {
    debugfs
    [ -e /sys/kernel/debug/kmemleak ] || return 1
    { echo scan > /sys/kernel/debug/kmemleak; } 2>/dev/null || return 1
    echo clear > /sys/kernel/debug/kmemleak
}
# Print unreferenced objects found since the last clear (empty when there is no leak).
kmemleak_report() {
    echo scan > /sys/kernel/debug/kmemleak; sleep 1; echo scan > /sys/kernel/debug/kmemleak
    cat /sys/kernel/debug/kmemleak
}

# Objects allocated by vswitch that kmemleak reports: a backtrace frame in vswitch (`[vswitch]`
# while loaded, an unresolved module address `0xffffffffc...` once it is unloaded).
kmemleak_ours() {
    kmemleak_report | awk '
        /^unreferenced object/ { if (ours) printf "%s", blk; blk = ""; ours = 0 }
        /\[vswitch\]|^ +0xffffffffc/ { ours = 1 }
        { blk = blk $0 "\n" }
        END { if (ours) printf "%s", blk }'
}

# One python3 for the many short python runs of a file (selftests/pyserve.py): under the
# emulated CPU each python3 start costs seconds. py_server starts it (the file's shell must
# call it itself, not in a subshell); pyrun ARGS... then runs `python3 ARGS...` in it (a
# script or -c CODE; stdin is /dev/null, or what PYRUN_STDIN names) and returns its exit
# status; without a server it runs python3 itself. It goes away with the shell.
_PYS=""
py_server() {
    _PYS=$(mktemp -d /tmp/pyserve.XXXXXX) || return 1
    mkfifo "$_PYS/req" "$_PYS/rsp" || { _PYS=""; return 1; }
    exec {_PYS_W}<>"$_PYS/req" {_PYS_R}<>"$_PYS/rsp"
    # not a child of the shell (a bare `wait` must not wait for it); it watches the shell's pid
    ( /usr/bin/python3 "$REPO/selftests/pyserve.py" "$BASHPID" 4<"$_PYS/req" 3>"$_PYS/rsp" \
        </dev/null >/dev/null 2>"$_PYS/err" {_PYS_W}>&- {_PYS_R}>&- & )
}
pyrun() {
    [ -n "$_PYS" ] || { if [ -n "${PYRUN_STDIN:-}" ]; then /usr/bin/python3 "$@" < "$PYRUN_STDIN"; else /usr/bin/python3 "$@" </dev/null; fi; return; }
    local id=$_PYS/$BASHPID.$RANDOM rc lk
    printf '%s\0' "$id.out" "$id.err" "${PYRUN_STDIN:-}" "$PWD" "$@" > "$id.req"
    exec {lk}>"$_PYS/lock"; flock "$lk"
    echo "$id.req" >&"$_PYS_W"
    read -r -t 600 rc <&"$_PYS_R" || rc=""
    flock -u "$lk"; exec {lk}>&-
    cat "$id.out" 2>/dev/null; cat "$id.err" >&2 2>/dev/null; rm -f "$id.req" "$id.out" "$id.err"
    if [ -z "$rc" ]; then echo "pyrun: the python server did not answer: $(cat "$_PYS/err")" >&2; return 1; fi
    return "$rc"
}
# pyrun_in ARGS...: pyrun with this function's stdin as the python run's stdin
pyrun_in() {
    [ -n "$_PYS" ] || { /usr/bin/python3 "$@"; return; }
    local in=$_PYS/$BASHPID.$RANDOM.in rc
    cat > "$in"
    PYRUN_STDIN=$in pyrun "$@"; rc=$?
    rm -f "$in"; return $rc
}
