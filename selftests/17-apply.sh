#!/usr/bin/env bash
# Desired state: `vswctl dump` of a configuration with every kind of object, applied back on
# a clean slate, gives the same document; applying it again sends nothing (no events); a
# changed file is applied as its delta only; a step the kernel refuses rolls back the steps
# before it; `diff` shows the steps; `apply --check` refuses a bad key without the kernel.
. "$(dirname "$0")/lib.sh"
load_module

dir=$(mktemp -d)
mon=

cleanup() {
    [ -n "$mon" ] && kill "$mon" 2>/dev/null
    local s
    for s in ap0 ap1 ap2; do vswctl switch del -f "$s" 2>/dev/null; done
    ip link del apd0 2>/dev/null
    rm -rf "$dir"
    true
}
trap cleanup EXIT
cleanup
dir=$(mktemp -d)

# Every object kind vswctl can set (no VF port: the VM has no SR-IOV uplink here).
build() {
    ip link add apd0 type dummy
    vswctl switch add ap0 uplink apd0 ageing 120 fdb-max 500 group-fwd-mask 0x4000 \
        vmq-low 5 vmq-high 40 vmq-interval 500
    vswctl switch add ap1
    vswctl port add ap0p1 switch ap0 mac 02:00:00:aa:00:01 mtu 1400 mode access pvid 10 \
        dhcp-guard on ip-guard on ip-allow 10.0.0.5,2001:db8::5 mac-max 16 storm-limit 1000
    vswctl port set ap0p1 rate-in 100mbit rate-out 50mbit burst 64k
    vswctl port add ap0p2 switch ap0 mode trunk vlans 10,20,30-40 native 20 router-guard on trusted on
    vswctl port add ap1p1 switch ap1 mac-spoof on
    # A weight needs a queueing uplink or none (a dummy is neither).
    vswctl port set ap1p1 weight 3
    vswctl acl add ap0p1 in prio 10 proto ipv4 src 10.0.0.0/24 ip-proto tcp dport 1000-2000 deny
    vswctl acl add ap0p1 in prio 20 dst-mac 02:00:00:00:00:09 allow
    vswctl acl add ap0p1 out prio 5 vlan 10 deny
    vswctl acl default ap0p1 out deny
    vswctl fdb add ap0 02:00:00:00:01:01 vlan 10 port ap0p1
    vswctl fdb add ap1 02:00:00:00:01:02 port ap1p1
}

# events CMD...: run CMD with `vswctl monitor` listening; the number of events in $events.
events() {
    vswctl monitor >"$dir/mon" 2>&1 &
    mon=$!
    sleep 0.5
    "$@"
    local rc=$?
    sleep 0.5
    kill "$mon" 2>/dev/null; wait "$mon" 2>/dev/null; mon=
    events=$(grep -c . "$dir/mon")
    return $rc
}

test_round_trip() {
    build
    vswctl dump >"$dir/d1.yaml"
    local out
    if grep -q "name: ap0p2" "$dir/d1.yaml" && grep -q "dport: 1000-2000" "$dir/d1.yaml" \
        && grep -q "rate-in: 100mbit" "$dir/d1.yaml" && grep -q "burst: 65536" "$dir/d1.yaml" \
        && grep -q "weight: 3" "$dir/d1.yaml" && grep -q "port: ap1p1" "$dir/d1.yaml"; then
        ok "dump lists switches, ports, ACLs, rates and static FDB entries"
    else
        not_ok "dump lists switches, ports, ACLs, rates and static FDB entries" "$(cat "$dir/d1.yaml")"
    fi
    out=$(vswctl diff "$dir/d1.yaml" 2>&1)
    if [ -z "$out" ]; then ok "diff of the dump is empty"; else not_ok "diff of the dump is empty" "$out"; fi
    vswctl switch del -f ap0; vswctl switch del -f ap1
    if out=$(vswctl apply "$dir/d1.yaml" 2>&1) && vswctl dump >"$dir/d2.yaml" \
        && out=$(diff "$dir/d1.yaml" "$dir/d2.yaml"); then
        ok "dump, delete everything, apply the dump: dump again is identical"
    else
        not_ok "dump, delete everything, apply the dump: dump again is identical" "$out"
    fi
    vswctl -j dump >"$dir/d1.json"
    out=$(vswctl diff "$dir/d1.json" 2>&1)
    if [ -z "$out" ]; then ok "the JSON dump applies as is too"; else not_ok "the JSON dump applies as is too" "$out"; fi
}

test_apply_twice_no_events() {
    local out
    if events sh -c "vswctl apply $dir/d1.yaml && vswctl apply $dir/d1.yaml" && [ "$events" = 0 ]; then
        ok "apply of the running configuration, twice: no events"
    else
        not_ok "apply of the running configuration, twice: no events" "$(cat "$dir/mon")"
    fi
}

test_delta() {
    sed -e 's/^  ageing: 120$/  ageing: 150/' -e 's/^    mtu: 1400$/    mtu: 1450/' \
        "$dir/d1.yaml" >"$dir/d3.yaml"
    local out want
    out=$(vswctl diff "$dir/d3.yaml" 2>&1)
    want=$'switch set ap0 ageing 150\nport set ap0p1 mtu 1450'
    if [ "$out" = "$want" ]; then ok "diff shows one step per change"; else not_ok "diff shows one step per change" "$out"; fi
    if events vswctl apply "$dir/d3.yaml" && [ "$events" = 2 ] \
        && grep -q "^switch set ap0" "$dir/mon" && grep -q "^port set ap0p1" "$dir/mon"; then
        ok "apply of a changed file does only the delta (2 events)"
    else
        not_ok "apply of a changed file does only the delta (2 events)" "$(cat "$dir/mon")"
    fi
    vswctl apply "$dir/d1.yaml"
    vswctl dump >"$dir/d2.yaml"
    check "applying the first file again restores it" diff "$dir/d1.yaml" "$dir/d2.yaml"
}

test_rollback() {
    # A port dropped (trunk, guards, ACL defaults: recreated by the rollback), two changes
    # that work, a new switch, then an ACL rule the module refuses (a port range without
    # TCP/UDP/SCTP), which the schema accepts.
    sed -e 's/^  ageing: 120$/  ageing: 150/' -e 's/^    mtu: 1400$/    mtu: 1450/' \
        -e '/^  - name: ap0p2$/,/^  fdb:$/{/^  fdb:$/!d}' \
        -e '0,/^        rules:$/s//        rules:\n        - prio: 99\n          sport: 80\n          action: deny/' \
        "$dir/d1.yaml" >"$dir/bad.yaml"
    printf -- '- name: ap2\n  ageing: 30\n' >>"$dir/bad.yaml"
    local out
    if ! out=$(vswctl apply --check "$dir/bad.yaml" 2>&1); then
        not_ok "a kernel-only refusal passes --check" "$out"
    else
        ok "a kernel-only refusal passes --check"
    fi
    if out=$(vswctl apply "$dir/bad.yaml" 2>&1); then
        not_ok "a refused step fails apply, naming the step" "applied: $out"
    elif grep -q "failed: acl add ap0p1 in prio 99 sport 80 deny" <<<"$out" && grep -q "rolled back the 4 step" <<<"$out"; then
        ok "a refused step fails apply, naming the step"
        printf '%s\n' "$out" | sed 's/^/# /'
    else
        not_ok "a refused step fails apply, naming the step" "$out"
    fi
    vswctl dump >"$dir/d2.yaml"
    if out=$(diff "$dir/d1.yaml" "$dir/d2.yaml"); then
        ok "after the rollback the dump is the one before"
    else
        not_ok "after the rollback the dump is the one before" "$out"
    fi
}

test_check() {
    sed 's/^  ageing: 120$/  ageing-time: 120/' "$dir/d1.yaml" >"$dir/typo.yaml"
    local out line
    line=$(grep -n "ageing-time" "$dir/typo.yaml" | cut -d: -f1)
    if events expect_fail out vswctl apply --check "$dir/typo.yaml" && [ "$events" = 0 ] \
        && grep -q "ageing-time" <<<"$out" && grep -q "line $line" <<<"$out"; then
        ok "apply --check names a bad key and its line, touches nothing"
    else
        not_ok "apply --check names a bad key and its line, touches nothing" "$out; events: $(cat "$dir/mon")"
    fi
    sed 's/^    mtu: 1400$/    mtu: big/' "$dir/d1.yaml" >"$dir/typo.yaml"
    if expect_fail out vswctl apply "$dir/typo.yaml" && grep -q "mtu" <<<"$out"; then
        ok "apply refuses a bad value before any step"
    else
        not_ok "apply refuses a bad value before any step" "$out"
    fi
    check "apply --check of the dump" vswctl apply --check "$dir/d1.yaml"
}

ALL_TESTS="
    test_round_trip
    test_apply_twice_no_events
    test_delta
    test_rollback
    test_check
"
run_tests
