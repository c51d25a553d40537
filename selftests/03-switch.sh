#!/usr/bin/env bash
# The switch: vPorts in network namespaces, access and trunk VLANs, learning, flooding,
# static entries, ageing, MAC move, an uplink, link state, MTU, bad input, and deleting
# ports, switches and the module while traffic flows. The cases run in order on one switch
# sw0 (vpa, vpb in VLAN 10 in netns a, b; vpc in VLAN 20 in c; the trunk vpt in t).
. "$(dirname "$0")/lib.sh"
load_module

cleanup() {
    vswctl switch del -f sw0 2>/dev/null; vswctl switch del -f sw1 2>/dev/null
    for n in a b c t u; do ip netns del $n 2>/dev/null; done
    ip link del ve0 2>/dev/null
    true
}
trap cleanup EXIT
cleanup
# ns NAME PORT ADDR: move vPort PORT into netns NAME with ADDR, up
ns() { ip netns add "$1" 2>/dev/null; ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip link set "$2" netns "$1"; ip -n "$1" addr add "$3" dev "$2"; ip -n "$1" link set "$2" up; }
pings() { ip netns exec "$1" ping -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null 2>&1; }
stat_of() { vswctl -j -s port show "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }

test_defaults() {
    vswctl switch add sw0
    local out; out=$(vswctl -j switch show sw0)
    if [ "$out" = '[{"name":"sw0","uplink":null,"ageing":300,"fdb_max":8192,"fdb_count":0,"group_fwd_mask":0,"vmq":"dynamic","vmq_low":10,"vmq_high":70,"vmq_interval":1000,"vmq_base_cpu":0,"vmq_max_cpus":0,"vmq_max_queues":0,"vmq_skip_smt":false,"vmq_software":false,"vmq_backend":"none","vmq_moves":0}]' ]; then
        ok "switch add: defaults (ageing 300, fdb-max 8192) in JSON"
    else
        not_ok "switch add: defaults (ageing 300, fdb-max 8192) in JSON" "$out"
    fi
}

# access VLAN 10: a <-> b; c in VLAN 20
test_access_vlans() {
    vswctl port add vpa switch sw0 mode access pvid 10 mac 02:00:00:00:00:0a
    vswctl port add vpb switch sw0 mode access pvid 10 mac 02:00:00:00:00:0b
    vswctl port add vpc switch sw0 mode access pvid 20 mac 02:00:00:00:00:0c
    ns a vpa 10.10.0.1/16; ns b vpb 10.10.0.2/16; ns c vpc 10.10.0.3/16
    if pings a 10.10.0.2; then ok "ping between namespaces through two access vPorts"; else not_ok "ping between namespaces through two access vPorts" "$(vswctl -s port show)"; fi
    if ! pings c 10.10.0.1 1; then ok "access VLAN isolation (VLAN 20 cannot reach VLAN 10)"; else not_ok "access VLAN isolation (VLAN 20 cannot reach VLAN 10)"; fi
}

# a trunk port with 10 and 20 tagged reaches both access VLANs
test_trunk() {
    vswctl port add vpt switch sw0 mode trunk vlans 10,20 mac 02:00:00:00:00:0f
    ip netns add t; ip netns exec t sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip link set vpt netns t; ip -n t link set vpt up
    ip -n t link add link vpt name vpt.10 type vlan id 10; ip -n t link add link vpt name vpt.20 type vlan id 20
    ip -n t addr add 10.10.0.9/16 dev vpt.10; ip -n t addr add 10.20.0.9/16 dev vpt.20
    ip -n t link set vpt.10 up; ip -n t link set vpt.20 up
    ip -n c addr add 10.20.0.3/16 dev vpc
    if pings t 10.10.0.1 && pings t 10.20.0.3; then
        ok "trunk port reaches VLAN 10 and VLAN 20 through tagged subinterfaces"
    else
        not_ok "trunk port reaches VLAN 10 and VLAN 20 through tagged subinterfaces" "$(vswctl -s port show vpt)"
    fi
}

# ... with the right tags on the wire: capture on the trunk's lower device
test_trunk_tags() {
    tcpdump_bg t /tmp/tcpdump.t -l -c 2 -nn -e -i vpt vlan 20
    local tp=$TCPDUMP_PID
    pings t 10.20.0.3 2; sleep 0.5; kill $tp 2>/dev/null; wait $tp 2>/dev/null
    if grep -q "vlan 20" /tmp/tcpdump.t; then ok "frames on the trunk carry 802.1Q tag 20 (tcpdump)"; else not_ok "frames on the trunk carry 802.1Q tag 20 (tcpdump)" "$(cat /tmp/tcpdump.t)"; fi
}

test_learning() {
    local fdb; fdb=$(vswctl fdb show sw0)
    if grep -q "02:00:00:00:00:0a vlan 10 port vpa" <<<"$fdb" && grep -q "02:00:00:00:00:0f vlan 20 port vpt" <<<"$fdb"; then
        ok "source MACs learned per (MAC, VLAN) -> port"
    else
        not_ok "source MACs learned per (MAC, VLAN) -> port" "$fdb"
    fi
}

# flooding then unicast only: after learning, a<->b unicast does not reach the trunk
test_known_unicast_not_flooded() {
    local before after
    before=$(stat_of vpt rx_packets)
    ip netns exec a ping -c 100 -i 0.02 -W 1 10.10.0.2 >/dev/null 2>&1
    after=$(stat_of vpt rx_packets)
    # 200 frames if flooded; a few ARP broadcasts may legitimately reach the trunk
    if [ -n "$before" ] && [ $((after - before)) -le 8 ]; then
        ok "known unicast is not flooded (trunk got $((after - before)) of 200 frames)"
    else
        not_ok "known unicast is not flooded" "before=$before after=$after"
    fi
}

# unknown unicast floods within the VLAN only
# (counted by destination MAC on vpc: other VLAN 20 chatter, e.g. an ARP reprobe from the
# trunk, may reach vpc meanwhile and is not a leak)
test_unknown_unicast_floods_in_vlan() {
    ip -n a neigh replace 10.10.0.77 lladdr 02:00:00:00:00:77 dev vpa
    tcpdump_bg c /tmp/tcpdump.c -l -nn -e -i vpc ether dst 02:00:00:00:00:77
    local tp=$TCPDUMP_PID
    local b0 b1 leak
    b0=$(stat_of vpb rx_packets)
    ip netns exec a ping -c 5 -i 0.1 -W 1 10.10.0.77 >/dev/null 2>&1
    b1=$(stat_of vpb rx_packets)
    sleep 1; kill $tp 2>/dev/null; wait $tp 2>/dev/null
    leak=$(grep -c . /tmp/tcpdump.c)
    if [ $((b1 - b0)) -ge 5 ] && [ "$leak" -eq 0 ]; then
        ok "unknown unicast floods to the same VLAN only"
    else
        not_ok "unknown unicast floods to the same VLAN only" "vpb +$((b1 - b0)), vpc saw $leak frames to 02:00:00:00:00:77"
    fi
}

test_static_entries() {
    vswctl fdb add sw0 02:00:00:00:00:77 vlan 10 port vpb
    local b0 t0 b1 t1
    b0=$(stat_of vpb rx_packets); t0=$(stat_of vpt rx_packets)
    ip netns exec a ping -c 20 -i 0.05 -W 1 10.10.0.77 >/dev/null 2>&1
    b1=$(stat_of vpb rx_packets); t1=$(stat_of vpt rx_packets)
    # the 20 frames go to vpb only (the trunk may see a little unrelated multicast chatter)
    if vswctl -j fdb show sw0 | grep -q '"mac":"02:00:00:00:00:77","vlan":10,"port":"vpb","static":true' &&
       [ $((b1 - b0)) -ge 20 ] && [ $((t1 - t0)) -le 3 ]; then
        ok "static FDB entry steers unicast to its port"
    else
        not_ok "static FDB entry steers unicast to its port" "$(vswctl fdb show sw0) vpb +$((b1 - b0)) vpt +$((t1 - t0))"
    fi
    check "fdb del removes the static entry" bash -c 'vswctl fdb del sw0 02:00:00:00:00:77 vlan 10 && ! vswctl fdb show sw0 | grep -q 02:00:00:00:00:77'
}

# MAC move (a MAC moving between ports, as when a guest's address moves: both ports allow
# other source MACs, or the spoofing guard would drop it and pin the entry)
test_mac_move() {
    vswctl port set vpa mac-spoof on; vswctl port set vpc mac-spoof on
    ip -n c link set vpc down; vswctl port set vpc mode access pvid 10; ip -n c link set vpc up
    ip -n a link set vpa down; ip -n c link set vpc address 02:00:00:00:00:0a
    ip -n c addr flush dev vpc; ip -n c addr add 10.10.0.1/16 dev vpc
    pings c 10.10.0.2 2
    if vswctl fdb show sw0 | grep -q "02:00:00:00:00:0a vlan 10 port vpc"; then
        ok "a MAC moving to another port is re-learned there"
    else
        not_ok "a MAC moving to another port is re-learned there" "$(vswctl fdb show sw0)"
    fi
    ip -n c link set vpc address 02:00:00:00:00:0c; ip -n c addr flush dev vpc; ip -n c addr add 10.10.0.3/16 dev vpc
    ip -n a link set vpa up
    vswctl port set vpa mac-spoof off; vswctl port set vpc mac-spoof off
}

test_ageing() {
    # quiet ports (no IPv6 chatter) so nothing refreshes the entries
    local p n
    for p in a:vpa b:vpb c:vpc t:vpt; do ip -n ${p%%:*} link set ${p#*:} down; done
    vswctl switch set sw0 ageing 2
    sleep 4
    n=$(vswctl fdb show sw0 | grep -vc static)
    if [ "$n" -eq 0 ]; then ok "dynamic entries age out (ageing 2 s)"; else not_ok "dynamic entries age out (ageing 2 s)" "$(vswctl fdb show sw0)"; fi
    vswctl switch set sw0 ageing 300
    for p in a:vpa b:vpb c:vpc t:vpt; do ip -n ${p%%:*} link set ${p#*:} up; done
    ip -n t link set vpt.10 up; ip -n t link set vpt.20 up
}

test_carrier() {
    local c1 c2
    c1=$(vswctl -j port show vpb); ip -n b link set vpb down; c2=$(vswctl -j port show vpb); ip -n b link set vpb up
    if [[ $c1 == *'"carrier":true'* && $c2 == *'"carrier":false'* ]]; then ok "carrier follows the vPort's admin state"; else not_ok "carrier follows the vPort's admin state" "$c1 / $c2"; fi
}

test_mtu() {
    local out
    vswctl port add vpm switch sw0 mtu 9000
    if ip link show vpm | grep -q "mtu 9000" && expect_fail out vswctl port set vpm mtu 20; then
        ok "port MTU set on add; out-of-range MTU refused"
    else
        not_ok "port MTU set on add; out-of-range MTU refused" "$(ip link show vpm) $out"
    fi
    vswctl port del vpm
}

# uplink: a veth whose peer namespace is reached through the switch sw1 (native VLAN 1)
test_uplink() {
    ip netns add u; ip link add ve0 type veth peer name ve1 netns u
    ip link set ve0 up; ip -n u addr add 10.1.0.2/16 dev ve1; ip -n u link set ve1 up
    vswctl switch add sw1 uplink ve0
    vswctl port add vpu switch sw1 mode access pvid 1
    ip link set vpu netns b; ip -n b addr add 10.1.0.1/16 dev vpu; ip -n b link set vpu up
    if pings b 10.1.0.2 && [[ $(vswctl -j switch show sw1) == *'"uplink":"ve0"'* ]]; then
        ok "uplink attached to a veth: the peer namespace is reached through the switch"
    else
        not_ok "uplink attached to a veth: the peer namespace is reached through the switch" "$(vswctl -s switch show)"
    fi
}

# promiscuous while attached; detaching restores it
test_uplink_promiscuous() {
    local p1 p0
    p1=$(ip -d link show ve0 | grep -o 'promiscuity [0-9]*')
    vswctl switch set sw1 nouplink; p0=$(ip -d link show ve0 | grep -o 'promiscuity [0-9]*')
    vswctl switch set sw1 uplink ve0
    if [ "$p1" = "promiscuity 1" ] && [ "$p0" = "promiscuity 0" ] && pings b 10.1.0.2 1; then
        ok "uplink is promiscuous while attached; nouplink restores it; re-attach works"
    else
        not_ok "uplink is promiscuous while attached; nouplink restores it; re-attach works" "attached: $p1, detached: $p0"
    fi
}

# uplink going down: local switching between vPorts goes on
test_uplink_down() {
    ip link set ve0 down
    if pings a 10.10.0.2; then ok "uplink down: local switching goes on"; else not_ok "uplink down: local switching goes on"; fi
    ip link set ve0 up
}

# the uplink device disappearing detaches it
test_uplink_deleted() {
    ip link del ve0
    if [[ $(vswctl -j switch show sw1) == *'"uplink":null'* ]]; then ok "uplink deleted: detached from the switch"; else not_ok "uplink deleted: detached from the switch" "$(vswctl switch show sw1)"; fi
}

# bad input, each with a clear message and no crash
test_bad_input() {
    local bad="" out
    expect_fail out vswctl port add vpx switch nosuch && [[ $out == *"no such switch"* ]] || bad+="unknown switch: $out; "
    expect_fail out vswctl switch add sw0 && [[ $out == *EEXIST* ]] || bad+="duplicate switch: $out; "
    expect_fail out vswctl port add vpa switch sw0 && [[ $out == *EEXIST* ]] || bad+="duplicate port: $out; "
    expect_fail out vswctl port add vpx switch sw0 mode access pvid 4095 && [[ $out == *"1..4094"* ]] || bad+="vlan 4095: $out; "
    expect_fail out vswctl raw 6 8:str:vpx 3:str:sw0 11:u8:1 12:u16:5000 && [[ $out == *"1..4094"* ]] || bad+="kernel pvid 5000: $out; "
    expect_fail out vswctl port add vpx switch sw0 mac 02:00:00:00:00 && [[ $out == *MAC* ]] || bad+="bad mac: $out; "
    expect_fail out vswctl raw 6 8:str:vpx 3:str:sw0 9:hex:0100000000aa && [[ $out == *unicast* ]] || bad+="multicast mac: $out; "
    expect_fail out vswctl switch del sw0 && [[ $out == *"-f"* ]] || bad+="del with ports: $out; "
    expect_fail out vswctl port del nosuch && [[ $out == *"no such port"* ]] || bad+="del unknown port: $out; "
    expect_fail out vswctl switch add sw2 uplink vpa 2>&1 && [[ $out == *"not found"* || $out == *vPort* ]] || bad+="vport as uplink: $out; "
    expect_fail out vswctl switch add sw2 uplink lo && [[ $out == *uplink* ]] || bad+="lo as uplink: $out; "
    expect_fail out vswctl raw 2 3:str:"a/b" && [[ $out == *name* ]] || bad+="bad name: $out; "
    if [ -z "$bad" ]; then ok "bad input refused with a clear message"; else not_ok "bad input refused with a clear message" "$bad"; fi
}

# FDB limit: learning past fdb-max is refused and counted (vpa sends from several MACs)
test_fdb_max() {
    local i refused count
    vswctl port set vpa mac-spoof on
    vswctl switch set sw0 fdb-max 2
    for i in 1 2 3 4; do ip -n a neigh replace 10.10.1.$i lladdr 02:00:00:00:02:0$i dev vpa; done
    ip netns exec a sh -c 'for i in 1 2 3 4; do ip link set vpa address 02:00:00:00:03:0$i; ping -c 1 -W 0.2 10.10.0.2; done' >/dev/null 2>&1
    ip -n a link set vpa address 02:00:00:00:00:0a
    vswctl port set vpa mac-spoof off
    refused=$(vswctl -j -s switch show sw0 | sed -n 's/.*"learn_refused":\([0-9]*\).*/\1/p')
    count=$(vswctl -j switch show sw0 | sed -n 's/.*"fdb_count":\([0-9]*\).*/\1/p')
    if [ "${count:-99}" -le 2 ] && [ "${refused:-0}" -gt 0 ]; then ok "fdb-max: learning past the limit is refused and counted ($refused refused)"; else not_ok "fdb-max: learning past the limit is refused and counted" "count=$count refused=$refused"; fi
    vswctl switch set sw0 fdb-max 8192
}

# port set mac: the netdev's address changes
test_port_set_mac() {
    vswctl port add vpm switch sw0
    vswctl port set vpm mac 02:00:00:00:00:99
    if [ "$(cat /sys/class/net/vpm/address)" = 02:00:00:00:00:99 ] && vswctl -j port show vpm | grep -q '"mac":"02:00:00:00:00:99"'; then ok "port set mac changes the vPort's address"; else not_ok "port set mac changes the vPort's address" "$(ip link show vpm)"; fi
    vswctl port del vpm
}

# offloads: vPorts advertise SG/checksum/TSO and TCP crosses the switch
test_offloads() {
    local feat gbps
    feat=$(ip netns exec a ethtool -k vpa)
    ip netns exec b iperf3 -s -1 -D >/dev/null 2>&1; sleep 0.5
    gbps=$(ip netns exec a iperf3 -c 10.10.0.2 -t 2 -J 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])' 2>/dev/null)
    if grep -q "tcp-segmentation-offload: on" <<<"$feat" && grep -q "scatter-gather: on" <<<"$feat" && grep -q "tx-checksumming: on" <<<"$feat" && [ "${gbps%.*}" -gt 0 ] 2>/dev/null; then
        ok "offloads advertised (SG, csum, TSO) and iperf3 TCP crosses the switch ($((${gbps%.*} / 1000000)) Mbit/s)"
    else
        not_ok "offloads advertised (SG, csum, TSO) and iperf3 TCP crosses the switch" "gbps=$gbps $(grep -E 'segmentation|scatter|checksumming' <<<"$feat")"
    fi
}

# stats through ndo_get_stats64 and netlink agree
test_stats() {
    local k v
    k=$(ip -n a -s -j link show vpa | sed -n 's/.*"tx":{"bytes":[0-9]*,"packets":\([0-9]*\).*/\1/p')
    v=$(stat_of vpa tx_packets)
    if [ -n "$k" ] && [ "$k" -gt 0 ] && [ "$k" -eq "$v" ]; then ok "per-port stats: ip -s and vswctl -s agree ($k tx packets)"; else not_ok "per-port stats: ip -s and vswctl -s agree" "ip=$k vswctl=$v"; fi
}

test_delete_under_traffic() {
    local p1 p2 rc
    ip netns exec a ping -f -W 1 10.10.0.2 >/dev/null 2>&1 & p1=$!
    ip netns exec t ping -f -W 1 10.20.0.3 >/dev/null 2>&1 & p2=$!
    sleep 2
    vswctl port del vpb && vswctl switch del -f sw0 && vswctl switch del -f sw1
    rc=$?
    kill $p1 $p2 2>/dev/null; wait $p1 $p2 2>/dev/null
    if [ $rc -eq 0 ] && [ "$(vswctl -j switch show)" = "[]" ] && ! ip -n a link show vpa >/dev/null 2>&1 && dmesg_clean; then
        ok "ports and switches deleted under traffic"
    else
        not_ok "ports and switches deleted under traffic" "rc=$rc $(vswctl switch show)"
    fi
}

# rmmod with live switches and traffic, no leak
leak=0
test_rmmod_under_traffic() {
    kmemleak_on && leak=1
    vswctl switch add sw0
    vswctl port add vpa switch sw0; vswctl port add vpb switch sw0
    ip netns del a; ip netns del b; ns a vpa 10.9.0.1/24; ns b vpb 10.9.0.2/24
    ip netns exec a ping -f -W 1 10.9.0.2 >/dev/null 2>&1 &
    local p1=$!
    sleep 2
    if rmmod vswitch; then ok "rmmod with a live switch and traffic"; else not_ok "rmmod with a live switch and traffic"; fi
    kill $p1 2>/dev/null; wait $p1 2>/dev/null
    if dmesg_clean && ! ip -n a link show vpa >/dev/null 2>&1; then ok "module unload removed every port, kernel log clean"; else not_ok "module unload removed every port, kernel log clean"; fi
}

test_no_leak() {
    if [ $leak = 1 ]; then
        sleep 3  # kmemleak reports objects older than 5 s only
        local report; report=$(kmemleak_ours)
        if [ -z "$report" ]; then ok "no kmemleak report of vswitch objects after the run"; else not_ok "no kmemleak report of vswitch objects after the run" "$(printf '%b' "$report" | head -30)"; fi
    else
        skip "no kmemleak report of vswitch objects after the run" "kmemleak not enabled (boot with kmemleak=on)"
    fi
    insmod "$MODULE"
    cleanup
}

ALL_TESTS="
    test_defaults
    test_access_vlans
    test_trunk
    test_trunk_tags
    test_learning
    test_known_unicast_not_flooded
    test_unknown_unicast_floods_in_vlan
    test_static_entries
    test_mac_move
    test_ageing
    test_carrier
    test_mtu
    test_uplink
    test_uplink_promiscuous
    test_uplink_down
    test_uplink_deleted
    test_bad_input
    test_fdb_max
    test_port_set_mac
    test_offloads
    test_stats
    test_delete_under_traffic
    test_rmmod_under_traffic
    test_no_leak
"
run_tests
