#!/usr/bin/env bash
# Teardown under traffic with VMQ in use: a switch on the test NIC (hardware queues, irqs
# moving) and a switch on a veth (software steering to other CPUs), both forwarding, then
# ports deleted, the NIC removed and the module unloaded under load. Short enough for the
# debug kernel (make test-debug: KASAN, lockdep, PROVE_RCU, kmemleak).
. "$(dirname "$0")/lib.sh"
load_module
NICSIM=${VSWITCH_NICSIM:-$REPO/testnic/nicsim.ko}

cleanup() {
    [ -n "${pids:-}" ] && kill $pids 2>/dev/null
    vswctl switch del -f th 2>/dev/null; vswctl switch del -f ts 2>/dev/null
    for n in tw tp1 tp2 tv tq1 tq2; do ip netns del $n 2>/dev/null; done
    ip link del tdve0 2>/dev/null
    rmmod nicsim 2>/dev/null
    true
}
trap cleanup EXIT
cleanup
ns() { ip netns add "$1" 2>/dev/null; ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip link set "$2" netns "$1"; ip -n "$1" addr add "$3" dev "$2"; ip -n "$1" link set "$2" up; }
flood() { ip netns exec "$1" ping -f -W 1 "$2" >/dev/null 2>&1 & }
moves() { vswctl -j switch show "$1" | sed -n 's/.*"vmq_moves":\([0-9]*\).*/\1/p'; }

leak=0; kmemleak_on && leak=1
# Switch th on the test NIC (hardware VMQ, wire end in netns tw) and ts on a veth (software
# VMQ, peer in netns tv), two ports each, Dynamic VMQ at thresholds of 1-2 % of a CPU every
# 100 ms; then flood pings from the wire ends to all four ports ($pids).
setup() {
    insmod "$NICSIM" queues=4 2>/dev/null
    ip link set nicsim0 up
    ip netns add tw 2>/dev/null; ip link set nicsim0p netns tw; ip -n tw addr add 10.40.0.100/24 dev nicsim0p; ip -n tw link set nicsim0p up
    vswctl switch add th uplink nicsim0 vmq dynamic low 1 high 2 interval 100
    vswctl port add th1 switch th; vswctl port add th2 switch th
    ns tp1 th1 10.40.0.1/24; ns tp2 th2 10.40.0.2/24
    ip link add tdve0 type veth peer name tdve1
    ip netns add tv 2>/dev/null; ip link set tdve1 netns tv; ip -n tv addr add 10.41.0.100/24 dev tdve1; ip -n tv link set tdve1 up
    ip link set tdve0 up
    vswctl switch add ts uplink tdve0 vmq dynamic low 1 high 2 interval 100 software on
    vswctl port add ts1 switch ts; vswctl port add ts2 switch ts
    ns tq1 ts1 10.41.0.1/24; ns tq2 ts2 10.41.0.2/24
    pids=""
    local t
    for t in tw:10.40.0.1 tw:10.40.0.2 tv:10.41.0.1 tv:10.41.0.2; do flood "${t%%:*}" "${t#*:}"; pids="$pids $!"; done
}
stop_traffic() { kill $pids 2>/dev/null; wait $pids 2>/dev/null; pids=""; }

test_both_backends_forward() {
    setup
    sleep 3
    local hw sw
    hw=$(vswctl -j switch show th | grep -o '"vmq_backend":"[a-z]*"'); sw=$(vswctl -j switch show ts | grep -o '"vmq_backend":"[a-z]*"')
    if [ "$hw" = '"vmq_backend":"hardware"' ] && [ "$sw" = '"vmq_backend":"software"' ] &&
       ip netns exec tw ping -c 1 -W 2 10.40.0.2 >/dev/null && ip netns exec tv ping -c 1 -W 2 10.41.0.2 >/dev/null; then
        ok "hardware and software VMQ switches forward under flood ping"
    else
        not_ok "hardware and software VMQ switches forward under flood ping" "$hw $sw $(vswctl vmq show)"
    fi
}

test_ports_and_nic_removed_under_traffic() {
    if vswctl port del th1 && vswctl port del ts1 && rmmod nicsim && dmesg_clean; then
        ok "ports deleted and the uplink NIC removed under traffic"
    else
        not_ok "ports deleted and the uplink NIC removed under traffic" "$(dmesg | tail -20)"
    fi
    stop_traffic
    cleanup
}

# rmmod with both switches live under traffic while Dynamic VMQ moves queues; no splat, no leak
test_queues_moving() {
    setup
    sleep 2
    local m0 m1 i
    m0=$(( $(moves th) + $(moves ts) ))
    for i in $(seq 40); do [ $(( $(moves th) + $(moves ts) )) -gt "$m0" ] && break; sleep 0.25; done
    m1=$(( $(moves th) + $(moves ts) ))
    if [ "$m1" -gt "$m0" ]; then ok "Dynamic VMQ is moving queues before the unload ($m0 -> $m1 moves)"; else not_ok "Dynamic VMQ is moving queues before the unload" "$m0 -> $m1 moves; $(vswctl vmq show)"; fi
}

test_rmmod_under_traffic() {
    if rmmod vswitch; then ok "rmmod with VMQ switches live under traffic, queues moving"; else not_ok "rmmod with VMQ switches live under traffic, queues moving"; fi
    stop_traffic
    if dmesg_clean && [ "$(ethtool -n nicsim0 | grep -c Filter:)" = 0 ]; then
        ok "module unload removed the NIC filters, kernel log clean"
    else
        not_ok "module unload removed the NIC filters, kernel log clean" "$(ethtool -n nicsim0; dmesg | tail -20)"
    fi
    insmod "$MODULE"
    cleanup
}

test_no_leak() {
    if [ $leak = 1 ]; then
        sleep 3  # kmemleak reports objects older than 5 s only
        local report; report=$(kmemleak_ours)
        if [ -z "$report" ]; then ok "no kmemleak report of vswitch objects"; else not_ok "no kmemleak report of vswitch objects" "$(printf '%b' "$report" | head -30)"; fi
    else
        skip "no kmemleak report of vswitch objects" "kmemleak not enabled (boot with kmemleak=on)"
    fi
}

ALL_TESTS="
    test_both_backends_forward
    test_ports_and_nic_removed_under_traffic
    test_queues_moving
    test_rmmod_under_traffic
    test_no_leak
"
run_tests
