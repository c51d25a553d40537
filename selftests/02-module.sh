#!/usr/bin/env bash
# Module lifecycle: unload and load, the tool's answer without the module, and 50
# insmod/rmmod cycles without a leak (kmemleak, when the kernel was booted with kmemleak=on).
. "$(dirname "$0")/lib.sh"
load_module

cleanup() { true; }  # the tests make nothing to undo (each file loads the module itself)
trap cleanup EXIT

test_unload() {
    check "rmmod vswitch" rmmod vswitch
}

test_tool_without_module() {
    local out rc
    out=$(vswctl version 2>&1); rc=$?
    if [ $rc -eq 1 ] && [ "$out" = 'vswctl: vswitch module not loaded (generic netlink family "vswitch" not found); load it with: modprobe vswitch' ]; then
        ok "without the module vswctl says so in one line, exit 1"
    else
        not_ok "without the module vswctl says so in one line, exit 1" "rc=$rc $out"
    fi
}

test_load() {
    check "insmod vswitch.ko" insmod "$MODULE"
}

leak=0; cycles=0
test_load_unload_cycles() {
    [ -e /sys/kernel/debug/kmemleak ] || debugfs
    if kmemleak_on; then leak=1; fi
    local i err=""
    for i in $(seq 50); do
        rmmod vswitch || { err="rmmod failed at cycle $i"; break; }
        insmod "$MODULE" || { err="insmod failed at cycle $i"; break; }
        vswctl version >/dev/null || { err="vswctl version failed at cycle $i"; break; }
        cycles=$i
    done
    if [ -z "$err" ] && dmesg_clean; then
        ok "50 rmmod/insmod cycles, each answering vswctl version"
    else
        not_ok "50 rmmod/insmod cycles, each answering vswctl version" "$err"
    fi
}

test_no_leak() {
    if [ $leak = 1 ]; then
        local report; report=$(kmemleak_report)
        if [ -z "$report" ]; then
            ok "no kmemleak report after $cycles cycles"
        else
            not_ok "no kmemleak report after $cycles cycles" "$(printf '%s\n' "$report" | head -40)"
        fi
    else
        skip "no kmemleak report after 50 cycles" "kmemleak not enabled (boot with kmemleak=on)"
    fi
}

ALL_TESTS="
    test_unload
    test_tool_without_module
    test_load
    test_load_unload_cycles
    test_no_leak
"
run_tests
