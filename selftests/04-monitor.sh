#!/usr/bin/env bash
# `vswctl monitor`: switch, port and FDB events from the "events" multicast group.
. "$(dirname "$0")/lib.sh"
load_module

log=$(mktemp)
cleanup() {
    [ -n "${mon:-}" ] && kill "$mon" 2>/dev/null
    vswctl switch del -f msw 2>/dev/null
    rm -f "$log"
    true
}
trap cleanup EXIT
vswctl switch del -f msw 2>/dev/null

# The events of one run of commands, heard by `vswctl monitor`, in $log.
test_every_event() {
    vswctl monitor >"$log" 2>&1 &
    mon=$!
    sleep 1
    vswctl switch add msw ageing 100
    vswctl port add mvp switch msw mode access pvid 7
    vswctl fdb add msw 02:00:00:00:01:01 vlan 7 port mvp
    vswctl fdb del msw 02:00:00:00:01:01 vlan 7
    vswctl port set mvp mtu 1400
    vswctl port del mvp
    vswctl switch del msw
    sleep 1
    kill $mon 2>/dev/null; wait $mon 2>/dev/null; mon=
    local want=("switch add msw" "port add mvp switch msw" "fdb add msw 02:00:00:00:01:01 vlan 7 port mvp"
                "fdb del msw 02:00:00:00:01:01 vlan 7" "port set mvp" "port del mvp" "switch del msw")
    local w missing=""
    for w in "${want[@]}"; do grep -q "^$w" "$log" || missing+="[$w] "; done
    if [ -z "$missing" ]; then ok "monitor prints every switch, port and FDB event"; else not_ok "monitor prints every switch, port and FDB event" "missing $missing; got: $(cat "$log")"; fi
}

test_event_order() {
    local order; order=$(grep -o '^[a-z]* [a-z]*' "$log" | tr '\n' ',')
    if [ "$order" = "switch add,port add,fdb add,fdb del,port set,port del,switch del," ]; then ok "events arrive in order"; else not_ok "events arrive in order" "$order"; fi
}

test_nonroot_cannot_listen() {
    local out rc
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups timeout 2 vswctl monitor 2>&1); rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 124 ]; then ok "non-root cannot listen to events"; else not_ok "non-root cannot listen to events" "rc=$rc $out"; fi
}

ALL_TESTS="
    test_every_event
    test_event_order
    test_nonroot_cannot_listen
"
run_tests
