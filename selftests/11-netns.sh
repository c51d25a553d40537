#!/usr/bin/env bash
# Switches belong to a network namespace: an unprivileged user in its own user and network
# namespace can neither see nor touch the host's switches, but manages its own; two
# namespaces each have a "sw0"; a namespace deleted under traffic takes its switch along;
# ports keep their name when the netdev is renamed or its namespace exits; a stacked device
# that is another switch's uplink does not wedge `port del`.
. "$(dirname "$0")/lib.sh"
load_module

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)

cleanup() {
    [ -n "${mon_pid:-}" ] && kill "$mon_pid" 2>/dev/null
    for s in sw0 sw1 sw2; do vswctl switch del -f $s 2>/dev/null; done
    for n in na na1 na2 nb nb1 nb2 nx ny; do ip netns del $n 2>/dev/null; done
    ip link del hd0 2>/dev/null; ip link del vm1 2>/dev/null
    true
}
trap cleanup EXIT
cleanup

# ns NAME: a fresh namespace without IPv6 noise
ns() { ip netns add "$1"; ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }
# port_into NS PORT ADDR [VSWNS]: move vPort PORT (made in netns VSWNS, default the host) into
# netns NS with ADDR, up
port_into() {
    local x=(); [ -n "${4:-}" ] && x=(ip netns exec "$4")
    "${x[@]}" ip link set "$2" netns "$1"; ip -n "$1" addr add "$3" dev "$2"; ip -n "$1" link set "$2" up
}
pings() { ip netns exec "$1" ping -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null 2>&1; }
# as_user CMD: CMD as nobody in a new user namespace (owner: nobody) with its own netns
as_user() { "${NOBODY[@]}" unshare -Urn bash -c "$1" 2>&1; }

host_state() { vswctl -j switch show; vswctl -j port show; vswctl fdb show sw0; }

test_user_cannot_see_or_touch_host() {
    ip link add hd0 type dummy
    vswctl switch add sw0 uplink hd0
    vswctl port add hp1 switch sw0 mode access pvid 10
    local before after out
    before=$(host_state)
    out=$(as_user '
        set -u
        r=0
        [ "$(vswctl -j switch show)" = "[]" ] || { echo "switch list not empty: $(vswctl -j switch show)"; r=1; }
        [ "$(vswctl -j port show)" = "[]" ] || { echo "port list not empty"; r=1; }
        vswctl switch show sw0 >/dev/null 2>&1 && { echo "switch show sw0 worked"; r=1; }
        vswctl fdb show sw0 >/dev/null 2>&1 && { echo "fdb show sw0 worked"; r=1; }
        vswctl switch del -f sw0 >/dev/null 2>&1 && { echo "switch del worked"; r=1; }
        vswctl port add evil switch sw0 mode trunk vlans 1-4094 >/dev/null 2>&1 && { echo "port add worked"; r=1; }
        vswctl fdb add sw0 02:00:00:00:00:99 port hp1 >/dev/null 2>&1 && { echo "fdb add worked"; r=1; }
        vswctl switch set sw0 nouplink >/dev/null 2>&1 && { echo "switch set worked"; r=1; }
        vswctl port set hp1 pvid 20 >/dev/null 2>&1 && { echo "port set worked"; r=1; }
        vswctl port del hp1 >/dev/null 2>&1 && { echo "port del worked"; r=1; }
        vswctl acl add hp1 in deny >/dev/null 2>&1 && { echo "acl add worked"; r=1; }
        exit $r')
    local rc=$?
    after=$(host_state)
    if [ $rc -eq 0 ] && [ "$before" = "$after" ]; then
        ok "user namespace: the host's switches are invisible and untouchable"
    else
        not_ok "user namespace: the host's switches are invisible and untouchable" "$out
$(diff <(echo "$before") <(echo "$after"))"
    fi
}

test_user_manages_own_switch() {
    # The host listens for events: none of the user's may reach it.
    vswctl monitor > /tmp/netns-mon.txt 2>&1 &
    mon_pid=$!
    sleep 0.5
    local out
    out=$(as_user '
        set -e
        ip link add ud0 type dummy; ip link set ud0 up
        vswctl switch add sw0 uplink ud0
        vswctl port add up1 switch sw0 mode access pvid 5
        vswctl port add up2 switch sw0 mode access pvid 5
        vswctl fdb add sw0 02:00:00:00:00:42 vlan 5 port up1
        vswctl -j port show up1 | grep -q "\"switch\":\"sw0\""
        vswctl fdb show sw0 | grep -q "02:00:00:00:00:42"
        [ "$(vswctl -j switch show sw0 | grep -o "\"uplink\":\"[a-z0-9]*\"")" = "\"uplink\":\"ud0\"" ]
        vswctl switch del -f sw0
        echo done')
    sleep 0.5
    kill "$mon_pid" 2>/dev/null; wait "$mon_pid" 2>/dev/null; mon_pid=
    if [ "${out##*$'\n'}" != done ] && [ "$out" != done ]; then
        not_ok "user namespace: its owner makes and uses its own switch" "$out"
    else
        ok "user namespace: its owner makes and uses its own switch"
    fi
    if grep -qE "up1|up2|ud0|02:00:00:00:00:42" /tmp/netns-mon.txt; then
        not_ok "events of a namespace's switch reach only that namespace" "$(cat /tmp/netns-mon.txt)"
    else
        ok "events of a namespace's switch reach only that namespace"
    fi
    # The host's own sw0 is untouched by the user's sw0.
    if vswctl -j switch show sw0 | grep -q '"uplink":"hd0"'; then
        ok "same switch name in two namespaces: the host's sw0 is its own"
    else
        not_ok "same switch name in two namespaces: the host's sw0 is its own" "$(vswctl -j switch show)"
    fi
    vswctl switch del -f sw0
    ip link del hd0
}

# Two namespaces na, nb, each with a switch sw0 and two ports moved into namespaces of their
# own (na1/na2, nb1/nb2); traffic in both; na deleted under traffic.
test_two_namespaces_one_deleted_under_traffic() {
    local x
    for x in na nb; do
        ns $x; ns ${x}1; ns ${x}2
        ip netns exec $x vswctl switch add sw0
        ip netns exec $x vswctl port add ${x}p1 switch sw0
        ip netns exec $x vswctl port add ${x}p2 switch sw0
        port_into ${x}1 ${x}p1 10.7.0.1/24 $x
        port_into ${x}2 ${x}p2 10.7.0.2/24 $x
    done
    if pings na1 10.7.0.2 && pings nb1 10.7.0.2; then
        ok "two namespaces, each with a switch sw0, both forward"
    else
        not_ok "two namespaces, each with a switch sw0, both forward" "$(ip netns exec na vswctl -s port show; ip netns exec nb vswctl -s port show)"
    fi
    kmemleak_on && local kml=1
    ip netns exec na1 ping -f -W 1 10.7.0.2 >/dev/null 2>&1 &
    local fa=$!
    ip netns exec nb1 ping -f -W 1 10.7.0.2 >/dev/null 2>&1 &
    local fb=$!
    sleep 2
    ip netns del na
    # Its switch goes with it: its ports (living in na1, na2) are unregistered.
    local i
    for i in $(seq 50); do ip -n na1 link show nap1 >/dev/null 2>&1 || break; sleep 0.2; done
    if ! ip -n na1 link show nap1 >/dev/null 2>&1 && ! ip -n na2 link show nap2 >/dev/null 2>&1; then
        ok "namespace deleted under traffic: its switch and ports are gone"
    else
        not_ok "namespace deleted under traffic: its switch and ports are gone" "$(ip -n na1 link)"
    fi
    sleep 1
    kill $fa $fb 2>/dev/null; wait $fa $fb 2>/dev/null
    if pings nb1 10.7.0.2 && [ "$(ip netns exec nb vswctl -j switch show | grep -o '"name":"sw0"')" = '"name":"sw0"' ]; then
        ok "the other namespace's switch keeps forwarding"
    else
        not_ok "the other namespace's switch keeps forwarding" "$(ip netns exec nb vswctl -s port show)"
    fi
    for x in na1 na2 nb nb1 nb2; do ip netns del $x; done
    sleep 2
    if [ -n "${kml:-}" ]; then
        local leak; leak=$(kmemleak_ours)
        if [ -z "$leak" ]; then ok "kmemleak: nothing of vswitch leaked"; else not_ok "kmemleak: nothing of vswitch leaked" "$leak"; fi
    else
        skip "kmemleak: nothing of vswitch leaked" "kmemleak is off (boot with kmemleak=on)"
    fi
}

test_port_identity_survives_rename() {
    local out
    vswctl switch add sw1
    if out=$(vswctl port add 'vm%d' switch sw1 2>&1); then
        not_ok "a netdev name template as a port name is refused" "$out"
    elif grep -q "%" <<<"$out"; then
        ok "a netdev name template as a port name is refused"
    else
        not_ok "a netdev name template as a port name is refused" "no clear message: $out"
    fi
    vswctl port add vm1 switch sw1
    ns nx
    ip link set vm1 netns nx
    ip -n nx link set vm1 name eth0
    # A new host netdev takes the old name: it is not the port.
    ip link add vm1 type dummy
    vswctl port set vm1 mtu 1400
    local inner host
    inner=$(ip -n nx -o link show eth0 | grep -o 'mtu [0-9]*')
    host=$(ip -o link show vm1 | grep -o 'mtu [0-9]*')
    if [ "$inner" = "mtu 1400" ] && [ "$host" = "mtu 1500" ]; then
        ok "port set by port name reaches the renamed netdev, not a new one with the old name"
    else
        not_ok "port set by port name reaches the renamed netdev, not a new one with the old name" "renamed: $inner, new dummy vm1: $host"
    fi
    out=$(vswctl port show vm1; vswctl -j port show vm1)
    if grep -q "dev eth0" <<<"$out" && grep -q '"name":"vm1"' <<<"$out" && grep -q '"ifname":"eth0"' <<<"$out"; then
        ok "port show prints both names after a rename (text: dev eth0; JSON: ifname)"
    else
        not_ok "port show prints both names after a rename (text: dev eth0; JSON: ifname)" "$out"
    fi
    vswctl port del vm1
    if ! ip -n nx link show eth0 >/dev/null 2>&1 && ip link show vm1 >/dev/null 2>&1; then
        ok "port del removes the renamed netdev and leaves the other vm1 alone"
    else
        not_ok "port del removes the renamed netdev and leaves the other vm1 alone" "$(ip -n nx link; ip link show vm1)"
    fi
    ip link del vm1
}

test_vport_comes_home_when_its_namespace_exits() {
    vswctl port add vm2 switch sw1
    ns ny
    ip link set vm2 netns ny
    ip netns del ny
    local i
    for i in $(seq 50); do ip link show vm2 >/dev/null 2>&1 && break; sleep 0.2; done
    if ip link show vm2 >/dev/null 2>&1 && vswctl -j port show vm2 | grep -q '"ifname":"vm2"'; then
        ok "a vPort whose namespace exits comes back to its switch's namespace"
    else
        not_ok "a vPort whose namespace exits comes back to its switch's namespace" "$(ip link; vswctl port show)"
    fi
    vswctl port del vm2
}

# A VLAN device on vPort vm3 is the uplink of a second switch; `port del vm3` unregisters
# both: it must return quickly, sw2 loses its uplink (with an event), nothing waits.
test_stacked_uplink_port_del() {
    vswctl port add vm3 switch sw1
    ip link set vm3 up
    ip link add link vm3 name vm3.10 type vlan id 10
    vswctl switch add sw2 uplink vm3.10
    vswctl monitor switch > /tmp/netns-mon2.txt 2>&1 &
    mon_pid=$!
    sleep 0.5
    local t0 t1 out
    t0=$(date +%s)
    out=$(timeout 30 vswctl port del vm3 2>&1)
    local rc=$?
    t1=$(date +%s)
    sleep 0.5
    kill "$mon_pid" 2>/dev/null; wait "$mon_pid" 2>/dev/null; mon_pid=
    if [ $rc -eq 0 ] && [ $((t1 - t0)) -lt 10 ]; then
        ok "port del of a port whose VLAN device is another switch's uplink returns ($((t1 - t0)) s)"
    else
        not_ok "port del of a port whose VLAN device is another switch's uplink returns ($((t1 - t0)) s)" "rc $rc: $out"
    fi
    if vswctl -j switch show sw2 | grep -q '"uplink":null' && grep -q "switch set sw2" /tmp/netns-mon2.txt; then
        ok "the second switch lost its uplink, with an event"
    else
        not_ok "the second switch lost its uplink, with an event" "$(vswctl -j switch show sw2; cat /tmp/netns-mon2.txt)"
    fi
    if timeout 10 vswctl -j switch show >/dev/null; then ok "the family still answers"; else not_ok "the family still answers"; fi
    vswctl switch del -f sw2
}

# A vPort's namespace exits while commands on its switch run (the device moves home under
# a busy registry).
test_namespace_exit_during_commands() {
    vswctl port add vm4 switch sw1
    vswctl port add vm5 switch sw1
    ns nx
    ip link set vm4 netns nx
    # `port set` commands on the switch, 50 to a vswctl -batch (a process start per command
    # took minutes of the emulated CPU), from before the namespace is deleted until its port
    # is back (and at least 200 of them).
    local run=/tmp/netns-busy; rm -f $run.started $run.stop
    ( n=0
      while [ $n -lt 200 ] || [ ! -e $run.stop ]; do
          for i in {1..50}; do echo "port set vm5 mtu $((1400 + (n + i) % 50))"; done | vswctl -batch - || exit 1
          n=$((n + 50)); echo $n > $run.started
      done ) &
    local busy=$! i
    for i in $(seq 100); do [ -e $run.started ] && break; sleep 0.1; done
    ip netns del nx
    for i in $(seq 50); do ip link show vm4 >/dev/null 2>&1 && break; sleep 0.2; done
    touch $run.stop
    wait $busy
    local rc=$?
    if [ $rc -eq 0 ] && ip link show vm4 >/dev/null 2>&1 && vswctl port show vm4 >/dev/null; then
        ok "namespace exit while commands run on the switch: commands succeed, the port comes home ($(cat $run.started) commands)"
    else
        not_ok "namespace exit while commands run on the switch: commands succeed, the port comes home" "rc $rc; $(vswctl port show)"
    fi
    vswctl switch del -f sw1
}

ALL_TESTS="
    test_user_cannot_see_or_touch_host
    test_user_manages_own_switch
    test_two_namespaces_one_deleted_under_traffic
    test_port_identity_survives_rename
    test_vport_comes_home_when_its_namespace_exits
    test_stacked_uplink_port_del
    test_namespace_exit_during_commands
"
run_tests
