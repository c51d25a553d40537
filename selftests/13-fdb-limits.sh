#!/usr/bin/env bash
# FDB limits: static entries count against fdb-max; an FDB at the largest fdb-max accepted is
# filled (pktgen with a million source MACs), dumped, flushed and aged without stalls, and
# `fdb flush` keeps what it is told to keep.
. "$(dirname "$0")/lib.sh"
load_module

cleanup() {
    [ -d /proc/net/pktgen ] && echo "rem_device_all" > /proc/net/pktgen/kpktgend_0 2>/dev/null
    vswctl switch del -f fl0 2>/dev/null
    true
}
trap cleanup EXIT
cleanup

pg() { echo "$2" > "/proc/net/pktgen/$1"; }
fdb_count() { vswctl -j switch show fl0 | sed -n 's/.*"fdb_count":\([0-9]*\).*/\1/p'; }
# wait_count OP N SECS: until fdb_count OP N (e.g. -eq 0), at most SECS seconds
wait_count() {
    local i
    for i in $(seq $((${3} * 5))); do [ "$(fdb_count)" "$1" "$2" ] && return 0; sleep 0.2; done
    return 1
}
# blast PORT N [FIRST-MAC]: N frames from PORT with N different source MACs counting up
# from FIRST-MAC (each learned once)
blast() {
    pg kpktgend_0 "rem_device_all"
    pg kpktgend_0 "add_device $1"
    pg "$1" "count $2"; pg "$1" "pkt_size 60"; pg "$1" "delay 0"; pg "$1" "clone_skb 0"
    pg "$1" "dst 198.18.0.2"; pg "$1" "dst_mac 02:99:00:00:00:01"
    pg "$1" "src_mac ${3:-02:10:00:00:00:00}"; pg "$1" "src_mac_count $2"
    pg pgctrl start
}

test_statics_count_against_fdb_max() {
    vswctl switch add fl0 fdb-max 4
    # pktgen sends from many MACs: the port lets it.
    vswctl port add flp1 switch fl0 mac-spoof on
    local i out
    for i in 1 2 3 4; do vswctl fdb add fl0 02:00:00:00:00:0$i port flp1; done
    if out=$(vswctl fdb add fl0 02:00:00:00:00:05 port flp1 2>&1); then
        not_ok "static entries count against fdb-max (the 5th of 4 is refused)" "$out"
    elif grep -qi "full" <<<"$out"; then
        ok "static entries count against fdb-max (the 5th of 4 is refused)"
    else
        not_ok "static entries count against fdb-max (the 5th of 4 is refused)" "no clear message: $out"
    fi
    # Learning does not displace them either.
    ip link set flp1 up
    blast flp1 100
    if [ "$(fdb_count)" = 4 ] && vswctl fdb show fl0 | grep -q "02:00:00:00:00:04 vlan 1 port flp1 static"; then
        ok "a full FDB of static entries learns nothing more"
    else
        not_ok "a full FDB of static entries learns nothing more" "$(vswctl fdb show fl0 | head)"
    fi
    vswctl switch del -f fl0
}

test_flush_filters() {
    vswctl switch add fl0
    vswctl port add flp1 switch fl0 mode trunk vlans 10,20
    vswctl port add flp2 switch fl0 mac-spoof on
    vswctl fdb add fl0 02:00:00:00:01:01 vlan 10 port flp1
    vswctl fdb add fl0 02:00:00:00:01:02 vlan 20 port flp1
    vswctl fdb add fl0 02:00:00:00:01:03 port flp2
    # Only pktgen talks: no IPv6 autoconfiguration frames to learn from meanwhile.
    sysctl -qw net.ipv6.conf.flp2.disable_ipv6=1
    ip link set flp2 up
    blast flp2 50
    wait_count -ge 53 5
    local out
    vswctl fdb flush fl0 port flp2
    out=$(vswctl fdb show fl0)
    if [ "$(fdb_count)" = 3 ] && grep -q "02:00:00:00:01:03" <<<"$out"; then
        ok "fdb flush PORT removes its learned entries, keeps static ones"
    else
        not_ok "fdb flush PORT removes its learned entries, keeps static ones" "$out"
    fi
    vswctl fdb flush fl0 vlan 10 static
    out=$(vswctl fdb show fl0)
    if [ "$(fdb_count)" = 2 ] && ! grep -q "02:00:00:00:01:01" <<<"$out"; then
        ok "fdb flush vlan V static removes that VLAN's static entries too"
    else
        not_ok "fdb flush vlan V static removes that VLAN's static entries too" "$out"
    fi
    vswctl switch del -f fl0
}

# The largest fdb-max the family accepts: filled (half the entries taught by each of two
# ports), dumped, then one port's half flushed and the other's aged out, each on a full table.
test_largest_fdb() {
    local max=1048576 half=524288 n out t0 t1
    vswctl switch add fl0 fdb-max $max ageing 600
    local p
    for p in flp1 flp2; do
        vswctl port add $p switch fl0 mac-spoof on
        sysctl -qw net.ipv6.conf.$p.disable_ipv6=1
        ip link set $p up
    done
    t0=$(date +%s)
    blast flp1 $half 02:10:00:00:00:00
    blast flp2 $((half + 1000)) 02:20:00:00:00:00
    t1=$(date +%s)
    n=$(fdb_count)
    if [ "$n" = $max ]; then
        ok "FDB filled to fdb-max $max ($((t1 - t0)) s of pktgen)"
    else
        not_ok "FDB filled to fdb-max $max ($((t1 - t0)) s of pktgen)" "fdb_count $n"
    fi
    local refused; refused=$(vswctl -j -s port show flp2 | sed -n 's/.*"learn_refused":\([0-9]*\).*/\1/p')
    if [ "${refused:-0}" -ge 1000 ]; then ok "learning beyond fdb-max is refused and counted ($refused)"; else not_ok "learning beyond fdb-max is refused and counted" "learn_refused ${refused:-none}"; fi
    t0=$(date +%s)
    n=$(vswctl fdb show fl0 | wc -l)
    t1=$(date +%s)
    if [ "$n" = $max ]; then
        ok "dump of $max entries returns each once ($((t1 - t0)) s)"
    else
        not_ok "dump of $max entries returns each once ($((t1 - t0)) s)" "$n lines"
    fi
    t0=$(date +%s)
    vswctl fdb flush fl0 port flp1
    t1=$(date +%s)
    if [ "$(fdb_count)" = $half ]; then
        ok "fdb flush of one port's $half entries from a full FDB ($((t1 - t0)) s)"
    else
        not_ok "fdb flush of one port's $half entries from a full FDB" "fdb_count $(fdb_count)"
    fi
    t0=$(date +%s)
    vswctl switch set fl0 ageing 2
    if wait_count -eq 0 60; then
        ok "the other $half entries age out ($(( $(date +%s) - t0 )) s)"
    else
        not_ok "the other $half entries age out" "fdb_count $(fdb_count) after 60 s"
    fi
    if out=$(vswctl switch set fl0 fdb-max $((max + 1)) 2>&1); then
        not_ok "fdb-max above $max is refused" "$out"
    else
        ok "fdb-max above $max is refused"
    fi
    vswctl switch del -f fl0
}

[ -d /proc/net/pktgen ] || modprobe pktgen 2>/dev/null
[ -d /proc/net/pktgen ] || ksft_skip "no pktgen"
ALL_TESTS="
    test_statics_count_against_fdb_max
    test_flush_filters
    test_largest_fdb
"
run_tests
