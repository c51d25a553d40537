#!/usr/bin/env bash
# vswctl's iproute2 habits against the real module: exit status 1 for a usage or syntax
# error and 2 for a kernel refusal, `help` as a word prints usage and acts not,
# abbreviations, -p/-json/-s -s, -batch from stdin (quoting, comments) and -force, a missing
# batch file, fdb flush and acl flush, monitor -t, the generated man pages and completions,
# and the modprobe hint without the module.
. "$(dirname "$0")/lib.sh"
load_module

tmp=$(mktemp -d)
cleanup() {
    [ -n "${mon:-}" ] && kill "$mon" 2>/dev/null
    local s
    for s in cli0 cli1 cli2; do vswctl switch del -f "$s" 2>/dev/null; done
    rm -rf "$tmp"
    true
}
trap cleanup EXIT
cleanup; tmp=$(mktemp -d)
py_server

# j EXPR: EXPR on the JSON read from stdin (as d), in the one python3 of lib.sh's py_server
j() { pyrun_in -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
# run CMD...: its exit status in $rc, stdout in $out, stderr in $err
run() {
    rc=0
    "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    out=$(cat "$tmp/out"); err=$(cat "$tmp/err")
}

test_exit_codes() {
    vswctl switch add cli0
    run vswctl switch frob
    if [ $rc -eq 1 ] && [[ $err == *"unrecognized subcommand 'frob'"* ]] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
        ok "a syntax error exits 1 with one line"
    else
        not_ok "a syntax error exits 1 with one line" "rc=$rc $err"
    fi
    run vswctl port add clp1 switch cli0 mode access
    if [ $rc -eq 1 ] && [[ $err == *pvid* ]]; then ok "a keyword error exits 1"; else not_ok "a keyword error exits 1" "rc=$rc $err"; fi
    run vswctl switch add cli0
    if [ $rc -eq 2 ] && [[ $err == *EEXIST* ]]; then ok "a kernel refusal exits 2"; else not_ok "a kernel refusal exits 2" "rc=$rc $err"; fi
}

test_help_never_acts() {
    run vswctl switch add help
    if [ $rc -eq 0 ] && [[ $out == *"Usage: vswctl switch add"* ]] && [[ $out == *uplink* ]] &&
        [ "$(vswctl -j switch show | j '[s["name"] for s in d if s["name"] == "help"]')" = "[]" ]; then
        ok "switch add help prints the usage and creates no switch"
    else
        not_ok "switch add help prints the usage and creates no switch" "rc=$rc $out $err $(vswctl switch show)"
    fi
    run vswctl port add clh switch cli0 help
    if [ $rc -eq 0 ] && [[ $out == *"Usage: vswctl port add"* ]] && ! ip link show clh >/dev/null 2>&1; then
        ok "help after other words prints that command's usage and adds no port"
    else
        not_ok "help after other words prints that command's usage and adds no port" "rc=$rc $out"
    fi
}

test_abbreviations() {
    run vswctl p a clp1 switch cli0 mode access pvid 10
    local rc1=$rc
    run vswctl sw sh cli0
    if [ $rc1 -eq 0 ] && [ $rc -eq 0 ] && [[ $out == cli0:* ]] && vswctl p sh clp1 | grep -q "^clp1: switch cli0 .*pvid 10"; then
        ok "abbreviations: p a, sw sh, p sh"
    else
        not_ok "abbreviations: p a, sw sh, p sh" "rc=$rc1/$rc $out $(vswctl port show)"
    fi
    run vswctl sw s cli0
    if [ $rc -eq 1 ] && [[ $err == *ambiguous*set*show* ]]; then ok "an ambiguous abbreviation is refused, exit 1"; else not_ok "an ambiguous abbreviation is refused, exit 1" "rc=$rc $err"; fi
}

test_json_pretty() {
    vswctl port add clp2 switch cli0 mode trunk vlans 10,20-22 native none
    local lines vlans name
    lines=$(vswctl -p -j port show clp2 | wc -l)
    name=$(vswctl -pretty -json port show clp2 | j 'd[0]["name"]')
    vlans=$(vswctl -json port show clp2 | j 'd[0]["vlans"]')
    if [ "$lines" -gt 5 ] && [ "$name" = clp2 ] && [ "$vlans" = "[10, 20, 21, 22]" ]; then
        ok "-p/-pretty indents, -json parses, vlans is an array of VLAN IDs"
    else
        not_ok "-p/-pretty indents, -json parses, vlans is an array of VLAN IDs" "lines=$lines name=$name vlans=$vlans"
    fi
}

test_stats_levels() {
    # A fresh port: every drop reason is 0, so -s shows only RX and TX, -s -s every counter.
    local one two
    one=$(vswctl -s port show clp1 | wc -l)
    two=$(vswctl -s -s port show clp1)
    if [ "$one" -eq 3 ] && [ "$(wc -l <<<"$two")" -gt 3 ] && grep -q "drop-acl 0" <<<"$two" &&
        [ "$(vswctl -j -s port show clp1 | j 'd[0]["stats"]["drop_acl"]')" = 0 ]; then
        ok "-s -s shows every counter, zeros included"
    else
        not_ok "-s -s shows every counter, zeros included" "-s: $one lines; -s -s: $two"
    fi
}

test_batch_stdin() {
    run vswctl -batch - <<'EOF'
# a comment line

fdb add cli0 02:00:00:00:16:01 vlan 10 port "clp1"   # a trailing comment
port set 'clp1' mtu 1400
EOF
    if [ $rc -eq 0 ] && vswctl fdb show cli0 | grep -q "02:00:00:00:16:01 vlan 10 port clp1 static" &&
        [ "$(vswctl -j port show clp1 | j 'd[0]["mtu"]')" = 1400 ]; then
        ok "-batch - from stdin: quoted words, comments, empty lines"
    else
        not_ok "-batch - from stdin: quoted words, comments, empty lines" "rc=$rc $err $(vswctl fdb show cli0)"
    fi
}

test_batch_force() {
    printf 'port del nosuchport\nswitch add cli1\n' >"$tmp/b"
    run vswctl -b "$tmp/b"
    if [ $rc -eq 2 ] && [[ $err == *"line 1"* ]] && ! vswctl switch show cli1 >/dev/null 2>&1; then
        ok "a batch stops at its first failing line (exit 2: the kernel refused it)"
    else
        not_ok "a batch stops at its first failing line (exit 2: the kernel refused it)" "rc=$rc $err"
    fi
    printf 'switch frob\nport del nosuchport\nswitch add cli1\n' >"$tmp/b"
    run vswctl -batch "$tmp/b" -force
    if [ $rc -eq 2 ] && [[ $err == *"line 1"* ]] && [[ $err == *"line 2"* ]] && [[ $err == *"2 line(s) failed"* ]] &&
        vswctl switch show cli1 >/dev/null 2>&1; then
        ok "-force runs every line and still exits non-zero"
    else
        not_ok "-force runs every line and still exits non-zero" "rc=$rc $err"
    fi
    run vswctl -batch /nonexistent/vswctl.batch
    if [ $rc -eq 1 ] && [ "$err" = 'vswctl: cannot open batch file "/nonexistent/vswctl.batch": No such file or directory' ]; then
        ok "a missing batch file is said as such, exit 1"
    else
        not_ok "a missing batch file is said as such, exit 1" "rc=$rc $err"
    fi
}

test_fdb_flush() {
    vswctl fdb add cli0 02:00:00:00:16:02 vlan 10 port clp1
    vswctl fdb flush cli0
    local kept; kept=$(vswctl fdb show cli0 | grep -c static)
    run vswctl f f cli0 static
    if [ "$kept" -eq 2 ] && [ $rc -eq 0 ] && [ -z "$(vswctl fdb show cli0)" ]; then
        ok "fdb flush keeps static entries, fdb flush static removes them"
    else
        not_ok "fdb flush keeps static entries, fdb flush static removes them" "kept=$kept rc=$rc $err $(vswctl fdb show cli0)"
    fi
}

test_acl_flush() {
    local p
    for p in 10 20 30; do vswctl acl add clp1 in prio $p proto ipv4 deny; done
    vswctl acl add clp1 out prio 5 proto arp allow
    vswctl acl default clp1 in deny
    run vswctl acl flush clp1 in
    local rules_in rules_out def
    rules_in=$(vswctl -j acl show clp1 in | j 'len([e for e in d if not e["default"]])')
    rules_out=$(vswctl -j acl show clp1 out | j 'len([e for e in d if not e["default"]])')
    def=$(vswctl -j acl show clp1 in | j '[e["action"] for e in d if e["default"]][0]')
    if [ $rc -eq 0 ] && [ "$rules_in" = 0 ] && [ "$rules_out" = 1 ] && [ "$def" = deny ]; then
        ok "acl flush PORT in: the in rules go, out rules and the default stay"
    else
        not_ok "acl flush PORT in: the in rules go, out rules and the default stay" "rc=$rc $err in=$rules_in out=$rules_out default=$def"
    fi
    run vswctl ac f clp1
    rules_out=$(vswctl -j acl show clp1 | j 'len([e for e in d if not e["default"]])')
    if [ $rc -eq 0 ] && [ "$rules_out" = 0 ]; then ok "acl flush PORT: every rule goes"; else not_ok "acl flush PORT: every rule goes" "rc=$rc $err rules=$rules_out"; fi
    run vswctl acl flush nosuchport
    if [ $rc -eq 2 ] && [[ $err == *nosuchport* ]]; then ok "acl flush of a missing port exits 2 naming it"; else not_ok "acl flush of a missing port exits 2 naming it" "rc=$rc $err"; fi
    vswctl acl default clp1 in allow
}

test_monitor_timestamp() {
    vswctl monitor -t switch >"$tmp/mon" 2>&1 &
    mon=$!
    vswctl -j -t monitor switch >"$tmp/monj" 2>&1 &
    local monj=$!
    sleep 1
    vswctl switch add cli2
    sleep 1
    kill $mon $monj 2>/dev/null; wait $mon $monj 2>/dev/null; mon=
    local stamp
    stamp=$(j 'd["timestamp"]' <"$tmp/monj" 2>/dev/null)
    if grep -qE '^\[20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z\] switch add cli2' "$tmp/mon" &&
        [[ $stamp =~ ^20[0-9]{2}-.*Z$ ]]; then
        ok "monitor -t stamps each event (text and JSON)"
    else
        not_ok "monitor -t stamps each event (text and JSON)" "$(cat "$tmp/mon" "$tmp/monj")"
    fi
}

test_generated_docs() {
    local share=$REPO/target/share missing=""
    [ -d "$share" ] || { skip "man pages and completions generated" "no $share (make tool writes it)"; return; }
    grep -q uplink "$share/man/man8/vswctl-switch-add.8" || missing+="vswctl-switch-add.8/uplink "
    grep -q "Exit status" "$share/man/man8/vswctl.8" || missing+="vswctl.8/exit-status "
    [ -f "$share/man/man8/vswctl-acl-flush.8" ] || missing+="vswctl-acl-flush.8 "
    grep -q ageing "$share/bash-completion/completions/vswctl" || missing+="bash/ageing "
    grep -q "monitor" "$share/bash-completion/completions/vswctl" || missing+="bash/monitor "
    grep -q "storm-limit" "$share/zsh/site-functions/_vswctl" || missing+="zsh/storm-limit "
    if [ -z "$missing" ] && bash -n "$share/bash-completion/completions/vswctl"; then
        ok "man pages and bash/zsh completions generated, with the keywords"
    else
        not_ok "man pages and bash/zsh completions generated, with the keywords" "missing: $missing"
    fi
}

test_module_not_loaded() {
    cleanup
    tmp=$(mktemp -d)
    if ! rmmod vswitch; then
        not_ok "without the module: the modprobe hint, exit 1" "rmmod failed"
        load_module
        return
    fi
    run vswctl sw sh
    load_module
    if [ $rc -eq 1 ] && [[ $err == *"not loaded"*"modprobe vswitch"* ]]; then
        ok "without the module: the modprobe hint, exit 1"
    else
        not_ok "without the module: the modprobe hint, exit 1" "rc=$rc $err"
    fi
}

ALL_TESTS="
    test_exit_codes
    test_help_never_acts
    test_abbreviations
    test_json_pretty
    test_stats_levels
    test_batch_stdin
    test_batch_force
    test_fdb_flush
    test_acl_flush
    test_monitor_timestamp
    test_generated_docs
    test_module_not_loaded
"
run_tests
