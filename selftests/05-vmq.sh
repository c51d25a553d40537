#!/usr/bin/env bash
# VMQ and Dynamic VMQ with the test NIC (testnic/nicsim.ko: 4 RX queues with MAC/VLAN ntuple
# filters and one irq per queue) as the uplink: filters in `ethtool -n`, traffic on the
# vPort's queue and irq, queue exhaustion and promotion, coalescing under light load,
# spreading under heavy load, the software backend, bad settings, and the NIC going away.
# The cases run in order on one switch vq (uplink nicsim0, its wire end in netns w).
. "$(dirname "$0")/lib.sh"
load_module
NICSIM=${VSWITCH_NICSIM:-$REPO/testnic/nicsim.ko}

cleanup() {
    [ -n "${pgpid:-}" ] && kill "$pgpid" 2>/dev/null
    [ -n "${mp:-}" ] && kill "$mp" 2>/dev/null
    vswctl switch del -f vq 2>/dev/null; vswctl switch del -f vs 2>/dev/null
    for n in w p1 p2 p3 p4 p5 s1; do ip netns del $n 2>/dev/null; done
    ip link del vsve0 2>/dev/null
    rmmod nicsim 2>/dev/null
    true
}
trap cleanup EXIT
cleanup
py_server     # the JSON reads below go to one python3 (lib.sh's pyrun_in)
ns() { ip netns add "$1" 2>/dev/null; ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip link set "$2" netns "$1"; ip -n "$1" addr add "$3" dev "$2"; ip -n "$1" link set "$2" up; }
pings() { ip netns exec "$1" ping -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null 2>&1; }
# vmq FIELD PORT: a field of PORT's row in `vswctl -j vmq show`
vmq() { vswctl -j vmq show | pyrun_in -c "import json,sys; r=[x for x in json.load(sys.stdin) if x['port']=='$2']; print(r[0]['$1'] if r and r[0]['$1'] is not None else '-')"; }
irq_of_queue() { awk -v n="nicsim0-rx-$1" '$NF==n {sub(":","",$1); print $1}' /proc/interrupts; }
# irq count of IRQ on CPU
irq_count() { awk -v i="$1:" -v c="$2" '$1==i {print $(c+2)}' /proc/interrupts; }
qstat() { ethtool -S nicsim0 | awk -v k="rx_queue_$1_packets:" '$1==k {print $2}'; }
eff() { cat /proc/irq/$1/effective_affinity_list; }
cpus_used() { for p in "$@"; do vmq cpu "$p"; done | sort -u | wc -l; }

# the test NIC; its wire end nicsim0p goes to netns w (untagged and VLAN 10)
test_nicsim() {
    if insmod "$NICSIM" queues=4 && [ "$(grep -c 'nicsim0-rx' /proc/interrupts)" = 0 ] && ip link set nicsim0 up &&
       [ "$(grep -c 'nicsim0-rx-' /proc/interrupts)" = 4 ] && ethtool -k nicsim0 | grep -q 'ntuple-filters: on'; then
        ok "nicsim: 4 RX queues, one irq each in /proc/interrupts, ntuple filters on"
    else
        not_ok "nicsim: 4 RX queues, one irq each in /proc/interrupts, ntuple filters on" "$(grep nicsim /proc/interrupts; ethtool -k nicsim0 | grep ntuple)"
    fi
    ip netns add w; ip netns exec w sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip link set nicsim0p netns w; ip -n w link set nicsim0p up
    ip -n w addr add 10.30.0.100/24 dev nicsim0p
    ip -n w link add link nicsim0p name wire.10 type vlan id 10; ip -n w link set wire.10 up
    ip -n w addr add 10.31.0.100/24 dev wire.10
}

# hardware backend, one filter per vPort (access VLAN 10 carries the VLAN in its filter)
test_filters() {
    vswctl switch add vq uplink nicsim0 vmq static
    vswctl port add vq1 switch vq mac 02:00:00:00:51:01 mode access pvid 10
    vswctl port add vq2 switch vq mac 02:00:00:00:51:02
    vswctl port add vq3 switch vq mac 02:00:00:00:51:03
    ns p1 vq1 10.31.0.1/24; ns p2 vq2 10.30.0.2/24; ns p3 vq3 10.30.0.3/24
    local rules; rules=$(ethtool -n nicsim0)
    if [ "$(vmq backend vq1)" = hardware ] && [ "$(vmq queue vq1)" = 1 ] && [ "$(vmq queue vq2)" = 2 ] && [ "$(vmq queue vq3)" = 3 ] &&
       grep -q "Total 3 rules" <<<"$rules" && grep -qi "Dest MAC addr: 02:00:00:00:51:02" <<<"$rules" &&
       grep -A6 -i "Dest MAC addr: 02:00:00:00:51:01" <<<"$rules" | grep -q "VLAN: 0xa" ; then
        ok "vPorts get queues 1..3 and ETHER_FLOW filters (MAC, VLAN 10 for the access port) in ethtool -n"
    else
        not_ok "vPorts get queues 1..3 and ETHER_FLOW filters (MAC, VLAN 10 for the access port) in ethtool -n" "$(vswctl vmq show; echo "$rules")"
    fi
}

# vmq show names the queue's irq and its CPU (static: the home CPU)
test_vmq_show_irq() {
    i2=$(irq_of_queue 2)
    if [ "$(vmq irq vq2)" = "$i2" ] && [ "$(vmq cpu vq2)" = "$(eff "$i2")" ] && [ "$(vmq cpu vq2)" = "$(vmq home vq2)" ]; then
        ok "vmq show: queue 2's irq $i2 and CPU match /proc/interrupts and effective_affinity"
    else
        not_ok "vmq show: queue 2's irq and CPU match /proc/interrupts and effective_affinity" "$(vswctl vmq show; grep nicsim /proc/interrupts)"
    fi
}

# a vPort's traffic arrives on its queue, and the queue's irq fires on its CPU
test_traffic_on_its_queue() {
    local c2 before after ib ia
    c2=$(eff "$i2"); before=$(qstat 2); ib=$(irq_count "$i2" "$c2")
    if pings w 10.30.0.2 5; then
        after=$(qstat 2); ia=$(irq_count "$i2" "$c2")
        if [ $((after - before)) -ge 5 ]; then ok "ping to vq2: frames arrive on RX queue 2 ($((after - before)) packets)"; else not_ok "ping to vq2: frames arrive on RX queue 2" "$before -> $after"; fi
        if [ $((ia - ib)) -ge 1 ]; then ok "queue 2's irq $i2 counts rise on CPU $c2 (its effective affinity)"; else not_ok "queue 2's irq counts rise on its CPU" "$(grep nicsim /proc/interrupts)"; fi
    else
        not_ok "ping to vq2: frames arrive on RX queue 2" "ping failed: $(vswctl -s port show vq2)"
        not_ok "queue 2's irq counts rise on its CPU" "ping failed"
    fi
}

test_vlan_filter() {
    if pings w 10.31.0.1 2; then ok "access vPort in VLAN 10 reachable over its VLAN filter"; else not_ok "access vPort in VLAN 10 reachable over its VLAN filter" "$(ethtool -S nicsim0 | grep packets)"; fi
}

# queue exhaustion: a 4th vPort shares the default queue, and still works
test_queues_exhausted() {
    vswctl port add vq4 switch vq mac 02:00:00:00:51:04
    ns p4 vq4 10.30.0.4/24
    if [ "$(vmq queue vq4)" = - ] && [ "$(ethtool -n nicsim0 | grep -c 'Filter:')" = 3 ] && pings w 10.30.0.4 2; then
        ok "queues exhausted: the 4th vPort shares the default queue and is reachable"
    else
        not_ok "queues exhausted: the 4th vPort shares the default queue and is reachable" "$(vswctl vmq show)"
    fi
}

# deleting a vPort removes its filter; the waiting vPort gets the freed queue
test_freed_queue() {
    vswctl port del vq2
    local rules; rules=$(ethtool -n nicsim0)
    if ! grep -qi "02:00:00:00:51:02" <<<"$rules" && grep -qi "02:00:00:00:51:04" <<<"$rules" && [ "$(vmq queue vq4)" = 2 ]; then
        ok "port del removes its filter; the vPort on the default queue takes the freed queue 2"
    else
        not_ok "port del removes its filter; the vPort on the default queue takes the freed queue 2" "$(vswctl vmq show; echo "$rules")"
    fi
}

# the vPort's MAC changed with ip link (not vswctl): its filter follows (the port lets its
# guest use other MACs, or the spoofing guard would drop the new one)
test_filter_follows_mac() {
    vswctl port set vq4 mac-spoof on
    ip -n p4 link set vq4 address 02:00:00:00:51:44
    local rules; rules=$(ethtool -n nicsim0); ip -n w neigh flush all
    if ! grep -qi "02:00:00:00:51:04" <<<"$rules" && grep -qi "Dest MAC addr: 02:00:00:00:51:44" <<<"$rules" &&
       [ "$(vmq queue vq4)" = 2 ] && pings w 10.30.0.4 2; then
        ok "ip link set vq4 address: its filter follows the new MAC (queue 2 kept, reachable)"
    else
        not_ok "ip link set vq4 address: its filter follows the new MAC" "$(vswctl vmq show; echo "$rules")"
    fi
    ip -n p4 link set vq4 address 02:00:00:00:51:04; ip -n w neigh flush all
    vswctl port set vq4 mac-spoof off
}

# per-switch queue limit
test_max_queues() {
    vswctl switch set vq vmq-max-queues 1
    if [ "$(ethtool -n nicsim0 | grep -c 'Filter:')" = 1 ] && [ "$(vmq queue vq1)" = 1 ] && [ "$(vmq queue vq3)" = - ]; then
        ok "vmq-max-queues 1: first come first served, the others on the default queue"
    else
        not_ok "vmq-max-queues 1: first come first served" "$(vswctl vmq show)"
    fi
    vswctl switch set vq vmq-max-queues 0
}

# bad settings are refused with the kernel's message
# (low 10 is the current one: the tool cannot see that high 5 is below it, the kernel can)
test_bad_settings() {
    local e1 e2 e3 e4 e5
    if expect_fail e1 vswctl switch set vq vmq dynamic high 5 && grep -q "low below high" <<<"$e1" &&
       expect_fail e2 vswctl switch set vq vmq dynamic interval 5 && grep -q "interval" <<<"$e2" &&
       expect_fail e3 vswctl switch set vq vmq sometimes && [ -n "$e3" ] &&
       expect_fail e4 vswctl switch set vq vmq dynamic low 50 high 40 && grep -q "below" <<<"$e4" &&
       expect_fail e5 vswctl switch set nosuch vmq static && grep -q "no such switch" <<<"$e5"; then
        ok "bad vmq settings refused with a clear message (kernel extack and tool checks)"
    else
        not_ok "bad vmq settings refused with a clear message" "$e1 / $e2 / $e3 / $e4 / $e5"
    fi
}

# light load: queues coalesce onto fewer CPUs (dynamic mode)
test_light_load_coalesces() {
    vswctl fdb add vq 02:00:00:00:51:01 vlan 10 port vq1
    vswctl fdb add vq 02:00:00:00:51:03 port vq3
    vswctl fdb add vq 02:00:00:00:51:04 port vq4
    local before after t
    before=$(cpus_used vq1 vq3 vq4)
    vswctl switch set vq vmq dynamic low 30 high 90 interval 300
    for t in p1:10.31.0.1 p3:10.30.0.3 p4:10.30.0.4; do
        ip netns exec w ping -q -c 40 -i 0.05 "${t#*:}" >/dev/null 2>&1 &
    done
    sleep 2.5; after=$(cpus_used vq1 vq3 vq4); wait
    if [ "$before" -ge 2 ] && [ "$after" -lt "$before" ]; then
        ok "light load on 3 queues: they coalesce from $before CPUs to $after"
    else
        not_ok "light load on 3 queues: they coalesce onto fewer CPUs" "before $before after $after; $(vswctl vmq show)"
    fi
}

# heavy load on two vPorts packed on one CPU: their irqs end on different CPUs
test_heavy_load_spreads() {
    modprobe pktgen 2>/dev/null
    ip netns exec w bash -c "
        echo rem_device_all > /proc/net/pktgen/kpktgend_3
        echo add_device nicsim0p > /proc/net/pktgen/kpktgend_3
        for c in 'count 0' 'clone_skb 0' 'pkt_size 60' 'dst 10.30.0.3' 'dst_mac 02:00:00:00:51:03' 'dst_mac_count 2' 'delay 0'; do
            echo \"\$c\" > /proc/net/pktgen/nicsim0p
        done"
    # vq3 and vq4 (MACs :03 and :04) share one CPU to start with
    vswctl switch set vq vmq static
    i3=$(vmq irq vq3); i4=$(vmq irq vq4); echo "$(eff "$i3")" > /proc/irq/$i4/smp_affinity_list
    ip netns exec w bash -c 'echo start > /proc/net/pktgen/pgctrl' &
    pgpid=$!
    sleep 2
    local l3 high same spread c3 c4 moves
    l3=$(vswctl -j vmq show | pyrun_in -c "import json,sys; print(max(int(x['load']) for x in json.load(sys.stdin) if x['port'] in ('vq3','vq4')) or 1)")
    # high: above one queue's load, below the two together
    high=$(( (l3 * 3 / 2 + 99) / 100 )); [ "$high" -lt 2 ] && high=2
    same=$([ "$(eff "$i3")" = "$(eff "$i4")" ] && echo 1 || echo 0)
    vswctl switch set vq vmq dynamic low 1 high "$high" interval 300
    spread=0
    for _ in $(seq 20); do
        sleep 0.5
        c3=$(eff "$i3"); c4=$(eff "$i4")
        [ "$c3" != "$c4" ] && { spread=1; break; }
    done
    ip netns exec w bash -c 'echo stop > /proc/net/pktgen/pgctrl' 2>/dev/null; kill $pgpid 2>/dev/null; wait $pgpid 2>/dev/null; pgpid=
    moves=$(vswctl -j switch show vq | pyrun_in -c "import json,sys; print(json.load(sys.stdin)[0]['vmq_moves'])")
    if [ "$same" = 1 ] && [ $spread = 1 ] && [ "$moves" -ge 1 ]; then
        ok "heavy load on two queues of one CPU: irqs spread to CPUs $c3 and $c4 (high $high%, $moves moves)"
    else
        not_ok "heavy load on two queues of one CPU: irqs spread to different CPUs" "same-at-start $same high $high load $l3; $(vswctl vmq show)"
    fi
}

# moves are reported as netlink events (vswctl monitor)
test_move_events() {
    vswctl monitor >/tmp/vmq.mon 2>&1 &
    mp=$!; sleep 0.5
    vswctl switch set vq vmq static
    echo "$(eff "$i3")" > /proc/irq/$i4/smp_affinity_list
    vswctl switch set vq vmq dynamic
    ip netns exec w timeout 6 sh -c 'echo start > /proc/net/pktgen/pgctrl' 2>/dev/null
    kill $mp 2>/dev/null; wait $mp 2>/dev/null; mp=
    if grep -q "vmq move" /tmp/vmq.mon; then ok "balancer moves reported as events (vswctl monitor)"; else not_ok "balancer moves reported as events (vswctl monitor)" "$(cat /tmp/vmq.mon)"; fi
    ip netns exec w bash -c "echo rem_device_all > /proc/net/pktgen/kpktgend_3"
}

# software backend on an uplink without filters (veth)
test_software_backend() {
    ip link add vsve0 type veth peer name vsve1
    ip netns add s1; ip link set vsve1 netns s1; ip -n s1 addr add 10.32.0.100/24 dev vsve1; ip -n s1 link set vsve1 up
    ip link set vsve0 up
    vswctl switch add vs uplink vsve0
    vswctl port add vs1 switch vs mac 02:00:00:00:52:01
    ns p5 vs1 10.32.0.1/24
    local none; none=$(vmq backend vs1)
    vswctl switch set vs vmq-software on
    if [ "$none" = - ] && [ "$(vmq backend vs1)" = software ] && [ "$(vmq cpu vs1)" != - ] && pings s1 10.32.0.1 3; then
        ok "veth uplink: no VMQ by default; with vmq-software on, vs1 steered to CPU $(vmq cpu vs1) and reachable"
    else
        not_ok "software backend on a veth uplink" "$(vswctl vmq show; vswctl -s port show vs1)"
    fi
    ip netns del p5 2>/dev/null
}

# the uplink NIC goes away under the switch: filters dropped, switch lives on; then all of
# it is torn down (before the kernel-log check)
test_nic_goes_away() {
    vswctl port del vq1
    ip netns del w
    if rmmod nicsim && [ "$(vswctl -j switch show vq | pyrun_in -c "import json,sys; print(json.load(sys.stdin)[0]['uplink'])")" = None ] &&
       [ "$(vswctl -j vmq show vq)" = "[]" ]; then
        ok "rmmod nicsim under the switch: uplink detached, VMQ state cleared"
    else
        not_ok "rmmod nicsim under the switch: uplink detached, VMQ state cleared" "$(vswctl switch show vq; vswctl vmq show)"
    fi
    cleanup
}

ALL_TESTS="
    test_nicsim
    test_filters
    test_vmq_show_irq
    test_traffic_on_its_queue
    test_vlan_filter
    test_queues_exhausted
    test_freed_queue
    test_filter_follows_mac
    test_max_queues
    test_bad_settings
    test_light_load_coalesces
    test_heavy_load_spreads
    test_move_events
    test_software_backend
    test_nic_goes_away
"
run_tests
