#!/usr/bin/env bash
# Bandwidth weights: two vPorts send at full speed through an uplink that is saturated (the
# test NIC with a 20 Mbit/s line rate); the vswitch qdisc the switch puts on the uplink shares
# it by the ports' weights. The senders are pktgen threads transmitting on the vPorts (as a
# VM's frames reach the host: no socket, no TCP queue limits, and no user-space sender that
# the emulated CPUs could stall, so both classes stay backlogged the whole time); each sends
# to its own MAC on the wire side, where a macvlan per MAC counts what arrived. Also: equal
# weights, a lone sender takes the whole link, tc can see and remove the qdisc, the uplink
# gets its default qdisc back, and module unload cleans up.
. "$(dirname "$0")/lib.sh"
load_module
NICSIM=${VSWITCH_NICSIM:-$REPO/testnic/nicsim.ko}
LINE=20   # Mbit/s
SECS=4    # seconds per measurement (the shares are the qdisc's decisions: no noise to average)
MAC1=02:00:00:00:72:01; MAC2=02:00:00:00:72:02

pg() { echo "$2" > "/proc/net/pktgen/$1"; }
cleanup() {
    [ -e /proc/net/pktgen/pgctrl ] && { pg pgctrl stop; for t in 0 1; do pg kpktgend_$t rem_device_all; done; } 2>/dev/null
    vswctl switch del -f qw 2>/dev/null
    ip netns del qn 2>/dev/null
    ip link del qv0 2>/dev/null
    rmmod nicsim 2>/dev/null
    true
}
trap cleanup EXIT
cleanup
[ -d /proc/net/pktgen ] || modprobe pktgen 2>/dev/null
[ -d /proc/net/pktgen ] || ksft_skip "no pktgen"
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# Switch qw on the test NIC nicsim0, its wire end nicsim0p in netns qn with macvlans mv1 and
# mv2 (MAC1, MAC2); vPorts qp1 and qp2 (no addresses: only pktgen sends on them).
dmesg_mark
insmod "$NICSIM" queues=1 tx_mbit=$LINE tx_ring=16
ip link set nicsim0 up
ip netns add qn; ip link set nicsim0p netns qn; ip -n qn link set nicsim0p up
for i in 1 2; do
    m=MAC$i
    ip -n qn link add mv$i link nicsim0p address "${!m}" type macvlan mode bridge
    ip -n qn addr add 10.72.0.10$i/24 dev mv$i; ip -n qn link set mv$i up
done
vswctl switch add qw uplink nicsim0 vmq off
for p in qp1 qp2; do
    vswctl port add $p switch qw
    sysctl -qw net.ipv6.conf.$p.disable_ipv6=1
    ip link set $p up
done
# The switch learns MAC1 and MAC2 on the uplink (an ARP request from each), so the senders'
# frames go to the uplink only, not flooded to the other vPort.
# Then the macvlans lose their addresses: the senders' UDP is counted and dropped, unanswered.
for i in 1 2; do ip netns exec qn ping -c 1 -W 0.3 -I mv$i 10.72.0.200 >/dev/null 2>&1; ip -n qn addr flush dev mv$i; done

# Port qp1 sends to MAC1 from pktgen thread 0, qp2 to MAC2 from thread 1 (configured, idle).
for i in 1 2; do
    t=kpktgend_$((i - 1)); m=MAC$i
    pg $t rem_device_all; pg $t "add_device qp$i"
    pg qp$i "count 0"; pg qp$i "pkt_size 1400"; pg qp$i "delay 0"; pg qp$i "clone_skb 0"
    pg qp$i "dst_mac ${!m}"; pg qp$i "dst 10.72.0.10$i"; pg qp$i "src_min 10.72.0.$i"; pg qp$i "src_max 10.72.0.$i"
done
# snap: "NS_NOW BYTES_MV1 BYTES_MV2", one read of the clock and both receivers' counters.
snap() { ip netns exec qn sh -c 'echo $(date +%s%N) $(cat /sys/class/net/mv1/statistics/rx_bytes /sys/class/net/mv2/statistics/rx_bytes)'; }
# send PORTS...: the pktgen threads of PORTS (1, 2 or both) send for SECS after a second of
# warm-up (the qdisc fills); prints the Mbit/s that reached MAC1 and MAC2 meanwhile.
send() {
    local i t0 a0 b0 t1 a1 b1
    for i in 1 2; do pg qp$i "count 0"; done
    for i in 1 2; do [[ " $* " == *" $i "* ]] || pg qp$i "count 1"; done
    pg pgctrl start &
    local pgpid=$!
    sleep 1
    read -r t0 a0 b0 <<<"$(snap)"
    sleep $SECS
    read -r t1 a1 b1 <<<"$(snap)"
    pg pgctrl stop; wait $pgpid 2>/dev/null
    # bits per microsecond = Mbit/s, with one decimal (shares of a 20 Mbit/s link need them)
    python3 -c "import sys; t=int(sys.argv[1]); print(*(f'{int(x) * 8000 / t:.1f}' for x in sys.argv[2:]))" \
        $((t1 - t0)) $((a1 - a0)) $((b1 - b0))
}
# fcmp EXPR: true if the arithmetic comparison EXPR (decimals allowed) holds.
fcmp() { awk "BEGIN { exit !($1) }"; }
# share_ok A B WANT_PCT: A's share of A+B within 10 % (relative) of WANT_PCT.
share_ok() { python3 -c "import sys; a,b,w=map(float,sys.argv[1:]); s=100*a/(a+b) if a+b else 0; sys.exit(0 if abs(s-w)<=w*0.1 else 1)" "$@"; }
pct() { python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(round(100*a/(a+b)) if a+b else 0)" "$@"; }

# the NIC's line rate caps a sender (the uplink is the bottleneck; under TCG the
# timer-driven wire idles a little, so it carries 60-100 % of the rate)
test_line_rate() {
    local b
    read -r solo b <<<"$(send 1)"
    if fcmp "${solo:-0} >= $LINE * 0.6 && ${solo:-0} <= $LINE * 1.1 && ${b:-1} < 0.1"; then
        ok "uplink saturated at its ${LINE} Mbit/s line rate: one port sending at full speed gets ${solo} Mbit/s"
    else
        not_ok "uplink saturated at its ${LINE} Mbit/s line rate" "one port at full speed: ${solo} Mbit/s (the other MAC got ${b})"
    fi
}

# a weight puts the vswitch qdisc on the uplink; tc and vswctl show it
test_qdisc_attached() {
    vswctl port set qp1 weight 1 && vswctl port set qp2 weight 3
    if tc qdisc show dev nicsim0 | grep -q "qdisc vswitch" && vswctl switch show qw | grep -q "weights on" &&
       [ "$(vswctl -j port show qp2 | j 'd[0]["weight"]')" = 3 ]; then
        ok "weights set: uplink root qdisc is vswitch, switch shows weights on, port shows weight 3"
    else
        not_ok "weights set: uplink root qdisc is vswitch" "$(tc qdisc show dev nicsim0; vswctl switch show qw; vswctl port show qp2)"
    fi
}

# weighted W1 W2 WANT_PCT: both ports send with weights W1 and W2; port 1's share must be
# within 10 % (relative) of WANT_PCT.
weighted() {
    vswctl port set qp1 weight "$1" && vswctl port set qp2 weight "$2"
    local a b
    read -r a b <<<"$(send 1 2)"
    if share_ok "$a" "$b" "$3"; then
        ok "weights $1:$2 share the saturated uplink $(pct "$a" "$b")/$(pct "$b" "$a") % ($a and $b Mbit/s)"
    else
        not_ok "weights $1:$2 share the saturated uplink $3/$((100 - $3)) % within 10 %" "$a and $b Mbit/s ($(pct "$a" "$b") %); $(tc -s qdisc show dev nicsim0)"
    fi
}
# 1:3 gives 25/75 %; 3:1 the other way round (the weight, not the port, decides); equal
# weights half each
test_weights_1_3() { weighted 1 3 25; }
test_weights_3_1() { weighted 3 1 75; }
test_weights_equal() { weighted 5 5 50; }

# work conserving: a port with a small weight alone gets the whole link
test_work_conserving() {
    vswctl port set qp1 weight 1 && vswctl port set qp2 weight 100
    local alone b; read -r alone b <<<"$(send 1)"
    if fcmp "${alone:-0} > 0 && ${alone:-0} >= ${solo:-0} * 0.85"; then
        ok "work conserving: weight 1 alone gets ${alone} Mbit/s of ${solo}"
    else
        not_ok "work conserving: weight 1 alone gets the link" "${alone} Mbit/s, ${solo} without weights"
    fi
}

# tc removes the qdisc: the switch says so; the next weight puts it back
test_tc_qdisc_del() {
    tc qdisc del dev nicsim0 root
    local off; off=$(vswctl switch show qw | grep -c "weights on")
    vswctl port set qp1 weight 2
    if [ "$off" = 0 ] && tc qdisc show dev nicsim0 | grep -q "qdisc vswitch"; then
        ok "tc qdisc del removes it (switch shows it), port set weight attaches it again"
    else
        not_ok "tc qdisc del removes it, port set weight attaches it again" "$off $(tc qdisc show dev nicsim0)"
    fi
}

# the uplink gets its default qdisc back when the switch lets it go; tc alone on a veth;
# module unload detaches every instance; root only; options refused; then all of it is torn
# down (before the kernel-log check)
test_uplink_released_and_unload() {
    local back child opts onveth unl after
    vswctl switch set qw nouplink
    back=$(tc qdisc show dev nicsim0 | head -1)
    ip link add qv0 type veth peer name qv1; ip link set qv0 up
    tc qdisc add dev qv0 root handle 1: htb 2>/dev/null
    child=0; tc qdisc add dev qv0 parent 1: handle 2: vswitch 2>/tmp/qw.err || child=1
    tc qdisc del dev qv0 root 2>/dev/null
    opts=0; tc qdisc add dev qv0 root vswitch limit 5 2>/dev/null || opts=1
    tc qdisc add dev qv0 root vswitch
    onveth=$(tc qdisc show dev qv0 | grep -c "qdisc vswitch")
    vswctl switch del -f qw
    unl=0; rmmod vswitch && unl=1
    after=$(tc qdisc show dev qv0 | head -1)
    if ! grep -q vswitch <<<"$back" && [ $child$opts$onveth$unl = 1111 ] && ! grep -q vswitch <<<"$after"; then
        ok "uplink default qdisc back ($back); tc on a veth ok, child and options refused; rmmod detaches ($after)"
    else
        not_ok "uplink default back; tc on veth; rmmod detaches" "back '$back' child $child opts $opts onveth $onveth unload $unl after '$after' $(cat /tmp/qw.err)"
    fi
    insmod "$MODULE"
    cleanup
}

ALL_TESTS="
    test_line_rate
    test_qdisc_attached
    test_weights_1_3
    test_weights_3_1
    test_weights_equal
    test_work_conserving
    test_tc_qdisc_del
    test_uplink_released_and_unload
"
run_tests
