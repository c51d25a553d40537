#!/usr/bin/env bash
# vPorts are first-class links: `ip -d link show` names their kind (vswitch) and the kind's
# data carries the switch and port names; `ethtool -i` reports the driver and the module's
# version, `ethtool -S` the port's counters (the same values `vswctl -s port show` prints);
# `ip link del` deletes a vPort like `vswctl port del` (the port leaves the switch, an event
# says so, the other ports keep forwarding, the name can be used again); `ip link add ...
# type vswitch` is refused with a message; rmmod with vPorts in namespaces is clean.
. "$(dirname "$0")/lib.sh"
load_module

mon_log=/tmp/links-mon.txt

cleanup() {
    [ -n "${mon_pid:-}" ] && kill "$mon_pid" 2>/dev/null
    load_module
    vswctl switch del -f lsw0 2>/dev/null
    for n in l1 l2 l3; do ip netns del $n 2>/dev/null; done
    rm -f "$mon_log"
    true
}
trap cleanup EXIT
cleanup

# ns NAME: a fresh namespace without IPv6 noise
ns() { ip netns add "$1"; ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }
# port_into NS PORT ADDR: vPort PORT into netns NS with ADDR, up
port_into() { ip link set "$2" netns "$1"; ip -n "$1" addr add "$3" dev "$2"; ip -n "$1" link set "$2" up; }
pings() { ip netns exec "$1" ping -c "${3:-3}" -i 0.2 -W 1 "$2" >/dev/null 2>&1; }
# ethtool_stat NS DEV NAME: one counter of `ethtool -S`
ethtool_stat() { ip netns exec "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2 }'; }
# vswctl_stat PORT KEY: one counter of `vswctl -j -s port show PORT`
vswctl_stat() {
    vswctl -j -s port show "$1" | python3 -c '
import json, sys
j = json.load(sys.stdin)
p = j[0] if isinstance(j, list) else j
print(p["stats"][sys.argv[1]])' "$2"
}

setup() {
    ns l1; ns l2; ns l3
    vswctl switch add lsw0
    local i
    for i in 1 2 3; do
        vswctl port add vm$i switch lsw0
        port_into l$i vm$i 10.19.0.$i/24
    done
}

test_kind() {
    local j
    j=$(ip -n l1 -d -j link show vm1)
    if python3 -c 'import json, sys; assert json.loads(sys.argv[1])[0]["linkinfo"]["info_kind"] == "vswitch"' "$j" 2>/dev/null; then
        ok "ip -d -j link show: info_kind vswitch"
    else
        not_ok "ip -d -j link show: info_kind vswitch" "$j"
    fi
    # The port keeps its name in the switch when the netdev is renamed: the kind's data says both.
    ip -n l2 link set vm2 down; ip -n l2 link set vm2 name eth7; ip -n l2 link set eth7 up
    j=$(ip netns exec l2 python3 "$REPO/selftests/linkinfo.py" eth7)
    if [ "$j" = '{"kind": "vswitch", "data": {"SWITCH": "lsw0", "PORT": "vm2"}}' ]; then
        ok "the link's kind data names its switch and port (after a rename too)"
    else
        not_ok "the link's kind data names its switch and port (after a rename too)" "$j"
    fi
    ip -n l2 link set eth7 down; ip -n l2 link set eth7 name vm2; ip -n l2 link set vm2 up
    # Something else than a vPort has none.
    j=$(python3 "$REPO/selftests/linkinfo.py" lo)
    if [ "$j" = '{"kind": null, "data": null}' ]; then ok "other devices are not of kind vswitch"; else not_ok "other devices are not of kind vswitch" "$j"; fi
}

test_ethtool_info() {
    local out mod
    out=$(ip netns exec l1 ethtool -i vm1 2>&1)
    mod=$(vswctl -j version | python3 -c 'import json, sys; print(json.load(sys.stdin)["module"])')
    if grep -qx "driver: vswitch" <<<"$out" && grep -qx "version: $mod" <<<"$out" && [ -n "$mod" ]; then
        ok "ethtool -i: driver vswitch, version $mod (the module's)"
    else
        not_ok "ethtool -i: driver vswitch, version $mod (the module's)" "$out"
    fi
    out=$(ip netns exec l1 ethtool vm1 2>&1)
    if grep -q "Link detected: yes" <<<"$out"; then ok "ethtool: link detected"; else not_ok "ethtool: link detected" "$out"; fi
}

test_ethtool_stats() {
    local before after v e
    before=$(ethtool_stat l1 vm1 tx_packets)
    pings l1 10.19.0.2 5
    after=$(ethtool_stat l1 vm1 tx_packets)
    if [ -n "$before" ] && [ -n "$after" ] && [ "$after" -ge $((before + 5)) ]; then
        ok "ethtool -S: tx_packets moves with a ping ($before -> $after)"
    else
        not_ok "ethtool -S: tx_packets moves with a ping ($before -> $after)" "$(ip netns exec l1 ethtool -S vm1 2>&1)"
    fi
    # The same counters vswctl reads. A late ARP probe may count meanwhile: vswctl's value
    # must lie between two ethtool reads around it.
    local bad="" e2 k
    for k in rx_packets tx_bytes rx_bytes drop_spoof; do
        e=$(ethtool_stat l1 vm1 $k)
        v=$(vswctl_stat vm1 $k 2>/dev/null)
        e2=$(ethtool_stat l1 vm1 $k)
        [ -n "$e" ] && [ -n "$v" ] && [ "$e" -le "$v" ] && [ "$v" -le "$e2" ] || bad+="$k: ethtool $e, $e2 vswctl $v; "
    done
    if [ -z "$bad" ]; then ok "ethtool -S shows the port's counters (as vswctl -s port show)"; else not_ok "ethtool -S shows the port's counters (as vswctl -s port show)" "$bad"; fi
    # A drop reason counts too: a frame from another source MAC is a spoof.
    local mac; mac=$(ip -n l3 link show vm3 | awk '/link\/ether/ { print $2 }')
    before=$(ethtool_stat l3 vm3 drop_spoof)
    ip -n l3 link set vm3 address 02:19:00:00:00:33
    pings l3 10.19.0.1 2
    after=$(ethtool_stat l3 vm3 drop_spoof)
    if [ -n "$before" ] && [ "${after:-0}" -gt "$before" ]; then
        ok "ethtool -S: drop_spoof counts spoofed frames ($before -> $after)"
    else
        not_ok "ethtool -S: drop_spoof counts spoofed frames ($before -> $after)" "$(ip netns exec l3 ethtool -S vm3 2>&1)"
    fi
    ip -n l3 link set vm3 address "$mac"
}

test_ip_link_add_refused() {
    local out
    if expect_fail out ip link add lx1 type vswitch; then
        if grep -q "vswctl port add" <<<"$out" && ! ip link show lx1 >/dev/null 2>&1; then
            ok "ip link add ... type vswitch is refused with a message, nothing created"
        else
            not_ok "ip link add ... type vswitch is refused with a message, nothing created" "$out"
        fi
    else
        not_ok "ip link add ... type vswitch is refused with a message, nothing created" "it worked: $out"
    fi
}

test_ip_link_del() {
    vswctl monitor >"$mon_log" 2>&1 &
    mon_pid=$!
    sleep 1
    local out
    if out=$(ip -n l1 link del vm1 2>&1); then ok "ip link del vm1 (in another namespace than its switch)"; else not_ok "ip link del vm1 (in another namespace than its switch)" "$out"; fi
    # A vPort in the switch's namespace too.
    vswctl port add vm9 switch lsw0
    check "ip link del vm9" ip link del vm9
    sleep 1
    kill "$mon_pid" 2>/dev/null; wait "$mon_pid" 2>/dev/null; mon_pid=
    out=$(vswctl port show)
    if ! grep -qw "vm1\|vm9" <<<"$out" && grep -qw vm2 <<<"$out"; then
        ok "the switch no longer lists the deleted ports"
    else
        not_ok "the switch no longer lists the deleted ports" "$out"
    fi
    if grep -q "^port del vm1" "$mon_log" && grep -q "^port del vm9" "$mon_log"; then
        ok "a port del event for each"
    else
        not_ok "a port del event for each" "$(cat "$mon_log")"
    fi
    if pings l2 10.19.0.3; then ok "the other ports still forward"; else not_ok "the other ports still forward" "$(vswctl -s port show)"; fi
    # Nothing of it is left behind: the name is free again, in the switch and for netdevs.
    if vswctl port add vm1 switch lsw0 && port_into l1 vm1 10.19.0.1/24 && pings l1 10.19.0.2; then
        ok "the name can be used again, the new port forwards"
    else
        not_ok "the name can be used again, the new port forwards" "$(vswctl port show; ip -n l1 link)"
    fi
}

test_rmmod_with_ports() {
    local leak=0 out
    kmemleak_on && leak=1
    if out=$(rmmod vswitch 2>&1); then ok "rmmod with vPorts in namespaces"; else not_ok "rmmod with vPorts in namespaces" "$out"; return; fi
    out=$(for n in l1 l2 l3; do ip -n $n -o link show; done | grep -E "vm[0-9]")
    if [ -z "$out" ]; then ok "no vPort left after rmmod"; else not_ok "no vPort left after rmmod" "$out"; fi
    if [ $leak = 1 ]; then
        out=$(kmemleak_ours)
        if [ -z "$out" ]; then ok "no kmemleak report after rmmod"; else not_ok "no kmemleak report after rmmod" "$(head -40 <<<"$out")"; fi
    else
        skip "no kmemleak report after rmmod" "kmemleak not enabled (boot with kmemleak=on)"
    fi
    load_module
}

setup
ALL_TESTS="test_kind test_ethtool_info test_ethtool_stats test_ip_link_add_refused test_ip_link_del test_rmmod_with_ports"
run_tests
