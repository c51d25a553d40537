#!/usr/bin/env bash
# Module lifecycle: unload and load, the tool's answer without the module, and 50
# insmod/rmmod cycles without a leak (kmemleak, when the kernel was booted with kmemleak=on).
. "$(dirname "$0")/lib.sh"
ktap_begin 5
load_module
dmesg_mark

check "rmmod vswitch" rmmod vswitch
out=$(vswctl version 2>&1); rc=$?
if [ $rc -eq 1 ] && [ "$out" = 'vswctl: vswitch module not loaded (generic netlink family "vswitch" not found)' ]; then
    ok "without the module vswctl says so in one line, exit 1"
else
    not_ok "without the module vswctl says so in one line, exit 1" "rc=$rc $out"
fi
check "insmod vswitch.ko" insmod "$MODULE"

leak=0
[ -e /sys/kernel/debug/kmemleak ] || debugfs
if kmemleak_on; then leak=1; fi
cycles=0; err=""
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
if [ $leak = 1 ]; then
    report=$(kmemleak_report)
    if [ -z "$report" ]; then
        ok "no kmemleak report after $cycles cycles"
    else
        not_ok "no kmemleak report after $cycles cycles" "$(printf '%s\n' "$report" | head -40)"
    fi
else
    skip "no kmemleak report after 50 cycles" "kmemleak not enabled (boot with kmemleak=on)"
fi
ktap_end
