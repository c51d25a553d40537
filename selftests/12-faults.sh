#!/usr/bin/env bash
# Commands refused halfway leave no trace: each command of a realistic sequence is sent
# again and again with the n-th fault-injection point of its own task failing (failslab on
# every allocation, fail_function on the registration steps: registering the vPort netdev
# and the uplink's or a dev port's rx_handler), n = 1, 2, ... until it succeeds; every refusal must leave the
# state (all dumps) as it was and send no event. Then a bounded, seeded generic netlink
# fuzzer. The kernel log stays clean and nothing of vswitch leaks.
. "$(dirname "$0")/lib.sh"
load_module

PY=/usr/bin/python3
D=/sys/kernel/debug

NICSIM=${VSWITCH_NICSIM:-$REPO/testnic/nicsim.ko}

cleanup() {
    [ -w $D/fail_function/inject ] && echo > $D/fail_function/inject 2>/dev/null
    for s in fi0 fi1; do vswctl switch del -f $s 2>/dev/null; done
    ip link del fid0 2>/dev/null; ip link del fid1 2>/dev/null
    rmmod nicsim 2>/dev/null
    true
}
trap cleanup EXIT

debugfs
[ -e /proc/thread-self/fail-nth ] || ksft_skip "no fail-nth (CONFIG_FAULT_INJECTION)"
[ -d $D/failslab ] || ksft_skip "no failslab in debugfs (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)"
cleanup
kmemleak_on && kml=1

# Registration steps that can fail (fail_function), besides every slab allocation.
fail_functions() {
    [ -d $D/fail_function ] || return 0
    echo > $D/fail_function/inject
    local f
    for f in vsw_register_netdevice vsw_rx_handler_register; do
        echo $f > $D/fail_function/inject && echo -12 > $D/fail_function/$f/retval
    done
}

# step CMD ATTRS-JSON [UNDO-CMD UNDO-ATTRS-JSON]: one request of the sequence, and the
# request that takes it back (so that when a fault is tolerated, e.g. kvmalloc falling back
# to vmalloc, the later fault points of the command are tried too)
step() {
    if [ $# -gt 2 ]; then
        printf '{"cmd":"%s","attrs":%s,"undo":{"cmd":"%s","attrs":%s}}' "$1" "$2" "$3" "$4"
    else
        printf '{"cmd":"%s","attrs":%s}' "$1" "$2"
    fi
}

test_commands_refused_halfway_leave_no_trace() {
    # fid0 first; then the test NIC, which has a queue (bandwidth weights need one).
    ip link add fid0 type dummy; ip link set fid0 up
    # fid1: an existing device attached as a dev port (as a VM's tap would be).
    ip link add fid1 type dummy; ip link set fid1 up
    insmod "$NICSIM" queues=2; ip link set nicsim0 up
    fail_functions
    local p2='"PORT":"fip2","SWITCH":"fi0","MAC":"02:00:00:00:0f:02","VLAN_MODE":"TRUNK","VLANS":"10,20-30","NATIVE":1,"RATE_IN":100000000'
    local rule='"PORT":"fip1","DIR":"IN","PRIO":10,"ETHERTYPE":2048,"IP_PROTO":6,"DPORT_MIN":80,"ACTION":"DENY"'
    local steps=(
        "$(step SWITCH_NEW '{"SWITCH":"fi0","UPLINK":"fid0","AGEING":60,"FDB_MAX":1000}' SWITCH_DEL '{"SWITCH":"fi0","FORCE":true}')"
        "$(step PORT_NEW '{"PORT":"fip1","SWITCH":"fi0","MAC":"02:00:00:00:0f:01","MTU":9000,"VLAN_MODE":"ACCESS","PVID":10}' PORT_DEL '{"PORT":"fip1"}')"
        "$(step PORT_NEW "{$p2}" PORT_DEL '{"PORT":"fip2"}')"
        "$(step PORT_NEW '{"PORT":"fip3","SWITCH":"fi0","DEV":"fid1","MAC":"02:00:00:00:0f:03","VLAN_MODE":"ACCESS","PVID":10,"LINK":0}' PORT_DEL '{"PORT":"fip3"}')"
        "$(step PORT_SET '{"PORT":"fip3","LINK":1,"PVID":20,"RATE_IN":100000000}' PORT_SET '{"PORT":"fip3","LINK":0,"PVID":10,"RATE_IN":0}')"
        "$(step PORT_SET '{"PORT":"fip1","MTU":1400,"MAC":"02:00:00:00:0f:11","PVID":20,"RATE_OUT":50000000,"DHCP_GUARD":1,"IP_GUARD":1,"IP_ALLOW":{"ADDR":"hex:0a090001"},"MAC_MAX":8}' \
                 PORT_SET '{"PORT":"fip1","MTU":9000,"MAC":"02:00:00:00:0f:01","PVID":10,"RATE_OUT":0,"DHCP_GUARD":0,"IP_GUARD":0,"IP_ALLOW":{},"MAC_MAX":0}')"
        "$(step FDB_NEW '{"SWITCH":"fi0","MAC":"02:00:00:00:0f:99","VLAN":20,"PORT":"fip1"}' FDB_DEL '{"SWITCH":"fi0","MAC":"02:00:00:00:0f:99","VLAN":20}')"
        "$(step ACL_NEW "{$rule}" ACL_DEL '{"PORT":"fip1","DIR":"IN","PRIO":10}')"
        "$(step ACL_DEFAULT '{"PORT":"fip1","DIR":"OUT","ACTION":"DENY"}' ACL_DEFAULT '{"PORT":"fip1","DIR":"OUT","ACTION":"ALLOW"}')"
        "$(step ACL_DEL '{"PORT":"fip1","DIR":"IN","PRIO":10}' ACL_NEW "{$rule}")"
        "$(step SWITCH_SET '{"SWITCH":"fi0","UPLINK":"nicsim0","FDB_MAX":100000,"GROUP_FWD_MASK":16384}' SWITCH_SET '{"SWITCH":"fi0","UPLINK":"fid0","FDB_MAX":1000,"GROUP_FWD_MASK":0}')"
        "$(step PORT_SET '{"PORT":"fip2","WEIGHT":3,"MTU":9000}')"
        "$(step SWITCH_NEW '{"SWITCH":"fi1"}' SWITCH_DEL '{"SWITCH":"fi1"}')"
        "$(step FDB_FLUSH '{"SWITCH":"fi0","STATIC":true}' FDB_NEW '{"SWITCH":"fi0","MAC":"02:00:00:00:0f:99","VLAN":20,"PORT":"fip1"}')"
        "$(step PORT_DEL '{"PORT":"fip2"}')"
        "$(step PORT_DEL '{"PORT":"fip3"}')"
        "$(step SWITCH_DEL '{"SWITCH":"fi0","FORCE":true}')"
        "$(step SWITCH_DEL '{"SWITCH":"fi1"}' SWITCH_NEW '{"SWITCH":"fi1"}')"
    )
    local out rc
    out=$($PY "$REPO/selftests/fault_inject.py" --setup-debugfs --events --max-nth 300 "${steps[@]}" 2>&1)
    rc=$?
    printf "%s\n" "$out" | grep "^step" | sed "s/^/# /"
    local summary; summary=$(grep .^fault_inject:. <<<"$out")
    local tried; tried=$(sed -n 's/^step [0-9]* [A-Z_]*: tried \([0-9]*\) faults.*/\1/p' <<<"$out" | paste -sd+ | bc)
    if [ $rc -eq 0 ]; then
        ok "${#steps[@]} commands, each refused at every fault point before it succeeds, leave no trace and no event (${tried:-?} refusals)"
    else
        not_ok "${#steps[@]} commands refused at every fault point leave no trace and no event" "$(grep -v '^step' <<<"$out" | head -60)
$summary"
    fi
    [ -d $D/fail_function ] && echo > $D/fail_function/inject
    if [ -z "$(vswctl -j switch show | grep -o '"name":"fi[01]"')" ]; then
        ok "after the fault run the module works and holds nothing of it"
    else
        not_ok "after the fault run the module works and holds nothing of it" "$(vswctl switch show)"
    fi
    ip link del fid0; rmmod nicsim
}

test_fuzzer() {
    ip link add dummy0 type dummy 2>/dev/null
    local out rc seed all=""
    for seed in 1 2 3; do
        out=$($PY "$REPO/selftests/genl_fuzz.py" --seed $seed --count 1500 --prefix fz 2>&1)
        rc=$?
        all+="$(tail -1 <<<"$out")"$'\n'
        [ $rc -eq 0 ] || break
    done
    if [ $rc -eq 0 ] && timeout 10 vswctl -j switch show >/dev/null; then
        ok "generic netlink fuzzer (seeds 1-3, 1500 messages each): every message answered, module still works"
    else
        not_ok "generic netlink fuzzer (seeds 1-3, 1500 messages each): every message answered, module still works" "$(tail -40 <<<"$out")"
    fi
    printf '%s' "$all" | sed 's/^/# /'
    ip link del dummy0 2>/dev/null
}

test_nothing_leaked() {
    if [ -z "${kml:-}" ]; then
        skip "kmemleak: nothing of vswitch leaked" "kmemleak is off (boot with kmemleak=on)"
        return
    fi
    sleep 3
    local leak; leak=$(kmemleak_ours)
    if [ -z "$leak" ]; then ok "kmemleak: nothing of vswitch leaked"; else not_ok "kmemleak: nothing of vswitch leaked" "$(head -40 <<<"$leak")"; fi
}

ALL_TESTS="
    test_commands_refused_halfway_leave_no_trace
    test_fuzzer
    test_nothing_leaked
"
run_tests
