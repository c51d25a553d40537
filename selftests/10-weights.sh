#!/usr/bin/env bash
# Bandwidth weights: two vPorts send UDP at twice the line rate each through an uplink that
# is saturated (the test NIC with a 50 Mbit/s line rate); the vswitch qdisc the switch puts
# on the uplink shares it by the ports' weights. UDP, since the senders stand in for VMs:
# a VM's frames reach the host without its TCP stack's per-socket queue limits (TSQ), which
# would keep the backlog out of the uplink's qdisc when the vPorts' netns share the host's. Also: equal weights, a lone sender takes the whole link, tc can see and
# remove the qdisc, the uplink gets its default qdisc back, and module unload cleans up.
. "$(dirname "$0")/lib.sh"
load_module
NICSIM=${VSWITCH_NICSIM:-$REPO/testnic/nicsim.ko}
LINE=20  # Mbit/s (low, so that the two senders keep their classes backlogged even when TCG starves them)

wmem=$(sysctl -n net.core.wmem_max); rmem=$(sysctl -n net.core.rmem_max)
cleanup() {
    pkill -f "iperf3 -s -J -p 540" 2>/dev/null
    vswctl switch del -f qw 2>/dev/null
    for n in q1 q2 qn; do ip netns del $n 2>/dev/null; done
    ip link del qv0 2>/dev/null
    rmmod nicsim 2>/dev/null
    sysctl -qw net.core.wmem_max="$wmem" net.core.rmem_max="$rmem"
    true
}
trap cleanup EXIT
cleanup
ns() { ip netns add "$1" 2>/dev/null; ip link set "$2" netns "$1"; ip -n "$1" addr add "$3" dev "$2"; ip -n "$1" link set "$2" up; ip -n "$1" link set lo up; }
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# Switch qw on the test NIC nicsim0 (its wire end in netns qn, with iperf3 servers on ports
# 5401 and 5402), ports qp1 and qp2 in netns q1 and q2.
# Senders keep up to 2 MB each in flight (the qdisc's 1000 frames hold about 1.4 MB), so
# both classes stay backlogged even when the emulated CPUs stall a sender for a while.
dmesg_mark
sysctl -qw net.core.wmem_max=4194304 net.core.rmem_max=4194304
insmod "$NICSIM" queues=1 tx_mbit=$LINE tx_ring=16
ip link set nicsim0 up
ip netns add qn; ip link set nicsim0p netns qn; ip -n qn addr add 10.72.0.100/24 dev nicsim0p; ip -n qn link set nicsim0p up
vswctl switch add qw uplink nicsim0 vmq off
vswctl port add qp1 switch qw; vswctl port add qp2 switch qw
ns q1 qp1 10.72.0.1/24; ns q2 qp2 10.72.0.2/24
# -J: the servers send their per-second intervals to the clients (--get-server-output)
ip netns exec qn iperf3 -s -J -p 5401 -D >/dev/null 2>&1; ip netns exec qn iperf3 -s -J -p 5402 -D >/dev/null 2>&1; sleep 0.5

# send NS PORT SECS: UDP at twice the line rate; prints iperf3's JSON (with the server's).
send() { ip netns exec "$1" iperf3 -c 10.72.0.100 -p "$2" -u -b $((2 * LINE))M -l 1400 -w 2M -t "$3" -J --get-server-output 2>/dev/null; }
# udp NS PORT SECS: one port sends; prints the received Mbit/s.
udp() { send "$@" | j 'int(d["end"]["sum_received"]["bits_per_second"] / 1e6)'; }
# Both ports send for T seconds at once; prints "MBIT1 MBIT2": what each receiver got while
# both were sending. The two clients start (and stop) a few hundred ms apart under TCG, and
# the first one has the link to itself meanwhile, which pulls the shares towards 50 %; so
# count the receivers' per-second intervals (server output), without the first two and the
# last two seconds.
overlap='(lambda x: int(sum(i["sum"]["bytes"] for i in x) * 8 / max(sum(i["sum"]["seconds"] for i in x), 1e-9) / 1e6))(d["server_output_json"]["intervals"][2:-2])'
both() {
    local t=${1:-10}
    send q1 5401 "$t" >/tmp/qw1.json &
    local p1=$!
    send q2 5402 "$t" >/tmp/qw2.json &
    local p2=$!
    wait $p1 $p2
    local a b
    a=$(j "$overlap" </tmp/qw1.json 2>/dev/null)
    b=$(j "$overlap" </tmp/qw2.json 2>/dev/null)
    echo "${a:-0} ${b:-0}"
}
# share_ok A B WANT_PCT: A's share of A+B within 10 % (relative) of WANT_PCT.
share_ok() { python3 -c "import sys; a,b,w=map(float,sys.argv[1:]); s=100*a/(a+b) if a+b else 0; sys.exit(0 if abs(s-w)<=w*0.1 else 1)" "$@"; }
pct() { python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(round(100*a/(a+b)) if a+b else 0)" "$@"; }

# the NIC's line rate caps a sender offering twice as much (the uplink is the bottleneck;
# under TCG the timer-driven wire idles a little, so it carries 60-90 % of the rate)
test_line_rate() {
    solo=$(udp q1 5401 4)
    if [ "${solo:-0}" -ge $((LINE / 2)) ] && [ "${solo:-0}" -le $((LINE * 11 / 10)) ]; then
        ok "uplink saturated at its ${LINE} Mbit/s line rate: one port offering $((2 * LINE)) gets ${solo} Mbit/s"
    else
        not_ok "uplink saturated at its ${LINE} Mbit/s line rate" "one port offering $((2 * LINE)): ${solo} Mbit/s"
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

# weighted W1 W2 SECS WANT_PCT: both ports send with weights W1 and W2; port 1's share must
# be within 10 % (relative) of WANT_PCT.
weighted() {
    vswctl port set qp1 weight "$1" && vswctl port set qp2 weight "$2"
    local a b
    read -r a b <<<"$(both "$3")"
    if share_ok "$a" "$b" "$4"; then
        ok "weights $1:$2 share the saturated uplink $(pct "$a" "$b")/$(pct "$b" "$a") % ($a and $b Mbit/s)"
    else
        not_ok "weights $1:$2 share the saturated uplink $4/$((100 - $4)) % within 10 %" "$a and $b Mbit/s ($(pct "$a" "$b") %); $(tc -s qdisc show dev nicsim0)"
    fi
}
# 1:3 gives 25/75 %; 3:1 the other way round (the weight, not the port, decides); equal
# weights half each
test_weights_1_3() { weighted 1 3 10 25; }
test_weights_3_1() { weighted 3 1 10 75; }
test_weights_equal() { weighted 5 5 8 50; }

# work conserving: a port with a small weight alone gets the whole link
test_work_conserving() {
    vswctl port set qp1 weight 1 && vswctl port set qp2 weight 100
    local alone; alone=$(udp q1 5401 4)
    if [ "${alone:-0}" -gt 0 ] && [ "${alone:-0}" -ge $((solo * 85 / 100)) ]; then
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
