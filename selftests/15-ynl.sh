#!/usr/bin/env bash
# The family's YNL spec (Documentation/netlink/specs/vswitch.yaml) drives the module through
# the kernel's own tools/net/ynl/cli.py (from the unpacked linux-source): the spec is valid
# against the kernel's genetlink-legacy schema; a switch and a port made with --do show in
# the --dump output (and vswctl says the same); events and nests decode through the spec; an
# out-of-range VLAN comes back as an error naming the attribute; the running module's policy
# (nlctrl getpolicy) has the spec's types, lengths and ranges, and its do/dump operations;
# every min/max of the spec is the kernel's boundary (the value accepted, one beyond refused);
# ynl-gen-c renders the spec to vswitch/uapi.h's names and numbers.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
SPEC=$REPO/Documentation/netlink/specs/vswitch.yaml
TMP=$(mktemp -d /tmp/ynl.XXXXXX)
SW=ysw0; PORT=yp0; MAC=02:00:00:00:ab:01

del_switches() { for s in $SW ysw1; do vswctl switch del -f $s 2>/dev/null; done; true; }
cleanup() {
    del_switches
    mountpoint -q "$TMP/host" && umount "$TMP/host"
    rm -rf --one-file-system "$TMP"
}
trap cleanup EXIT

# The kernel's YNL tools, from the source scripts/kernel unpacked on the host. In the VM
# (virtme-ng) /var/cache is a tmpfs over the host's: a plain (non-recursive, read-only) bind
# mount of the root shows the host's tree beneath it.
find_cli() { ls -d "$1"/var/cache/vswitch/src/linux-source-*/tools/net/ynl/cli.py 2>/dev/null | sort -V | tail -1; }
CLI=$(find_cli "")
if [ -z "$CLI" ] && mkdir "$TMP/host" && mount --bind / "$TMP/host" 2>/dev/null; then
    mount -o remount,bind,ro "$TMP/host" 2>/dev/null
    CLI=$(find_cli "$TMP/host")
fi
[ -n "$CLI" ] || ksft_skip "no /var/cache/vswitch/src/linux-source-*/tools/net/ynl/cli.py (scripts/kernel unpacks it)"
KSRC=${CLI%/tools/net/ynl/cli.py}
SCHEMA=$KSRC/Documentation/netlink/genetlink-legacy.yaml
NLCTRL=$KSRC/Documentation/netlink/specs/nlctrl.yaml
[ -r "$SCHEMA" ] && [ -r "$NLCTRL" ] || ksft_skip "$KSRC has no netlink schema or nlctrl spec"
$PY -c 'import yaml, jsonschema' 2>/dev/null ||
    ksft_skip "cli.py needs python3-yaml and python3-jsonschema (scripts/setup installs them)"
load_module
del_switches

# cli.py imports lib/ beside it, in the host's read-only root filesystem: no byte-code cache.
export PYTHONDONTWRITEBYTECODE=1
# Every python run below (cli.py, the checks) goes to one python3 (lib.sh's pyrun): under the
# emulated CPU each start of python3 and import of the YNL library took seconds, and so did
# each parse of the spec with PyYAML's pure-Python loader (libyaml's, in C, parses the same).
export PYSERVE_LIBYAML=1
py_server

# The spec is validated against the schema once (the first case); the other calls skip the
# validation, which costs seconds of an emulated CPU per call.
ynl_validated() { pyrun "$CLI" --spec "$SPEC" --schema "$SCHEMA" --output-json "$@"; }
ynl() { pyrun "$CLI" --spec "$SPEC" --no-schema --output-json "$@"; }
# pyjson FILE CODE: run python CODE with `d` the JSON of FILE (or `lines`, its JSON lines);
# it prints what is wrong, nothing when all is well.
pyjson() {
    pyrun -c '
import json, sys
text = open(sys.argv[1]).read()
lines = [json.loads(l) for l in text.splitlines() if l.strip()]
d = lines[-1] if lines else None
exec(sys.argv[2])' "$@" 2>&1
}
# judge NAME FILE CODE: ok if CODE (pyjson) prints nothing, else not ok with its output and FILE.
judge() {
    local out; out=$(pyjson "$2" "$3")
    if [ -z "$out" ]; then ok "$1"; else not_ok "$1" "$out
$(head -c 3000 "$2")"; fi
}

test_spec_loads() {
    local out
    if out=$(ynl_validated --list-ops 2>&1) && grep -q '^switch-new ' <<<"$out" && grep -q '^port-get ' <<<"$out"; then
        ok "cli.py: the spec is valid against the kernel's genetlink-legacy schema, the family is found"
    else
        not_ok "cli.py: the spec is valid against the kernel's genetlink-legacy schema, the family is found" "$out"
    fi
}

test_version() {
    ynl --do get-version > "$TMP/ver" 2>&1
    vswctl -j version > "$TMP/vswctl-ver" 2>&1
    judge "--do get-version: the module's version and family version (vswctl and the spec agree)" "$TMP/ver" "
import yaml
v = json.load(open('$TMP/vswctl-ver'))
spec = yaml.safe_load(open('$SPEC'))
const = {c['name']: c.get('value') for c in spec['definitions'] if c['type'] == 'const'}
if d != {'version': v['module'], 'family-version': v['family_version']}: print('ynl', d, 'vswctl', v)
if d['version'] != const['version'] or d['family-version'] != spec['version']:
    print('the spec says version', const['version'], 'family version', spec['version'])"
}

test_create() {
    local out
    if out=$(ynl --do switch-new --json "{\"switch\": \"$SW\", \"ageing\": 120, \"fdb-max\": 4096}" 2>&1) &&
       out+=$(ynl --do port-new --json "{\"port\": \"$PORT\", \"switch\": \"$SW\", \"mac\": \"${MAC//:/}\",
              \"mtu\": 1400, \"vlan-mode\": \"access\", \"pvid\": 10}" 2>&1) &&
       vswctl switch show $SW >/dev/null && vswctl port show $PORT >/dev/null; then
        ok "--do switch-new and --do port-new create a switch and a port"
    else
        not_ok "--do switch-new and --do port-new create a switch and a port" "$out"
    fi
}

test_dumps() {
    ynl --dump switch-get > "$TMP/switches" 2>&1
    judge "--dump switch-get shows the switch (name, ageing, fdb-max, counters)" "$TMP/switches" "
s = [x for x in d if x.get('switch') == '$SW']
if len(s) != 1: print('switch $SW not (once) in the dump')
else:
    s = s[0]
    for k, v in {'ageing': 120, 'fdb-max': 4096, 'fdb-count': 0}.items():
        if s.get(k) != v: print(k, s.get(k), 'expected', v)
    if 'rx-packets' not in s.get('stats', {}): print('no stats.rx-packets')"
    ynl --dump port-get > "$TMP/ports" 2>&1
    ynl --dump port-get --json "{\"switch\": \"$SW\"}" > "$TMP/ports-of-sw" 2>&1
    ynl --do port-get --json "{\"port\": \"$PORT\"}" > "$TMP/port" 2>&1
    judge "--dump port-get shows the port (switch, MAC, MTU, VLAN, ifindex); --do port-get the same" "$TMP/ports" "
p = [x for x in d if x.get('port') == '$PORT']
if len(p) != 1: print('port $PORT not (once) in the dump')
else:
    p = p[0]
    want = {'switch': '$SW', 'ifname': '$PORT', 'mac': '$MAC', 'mtu': 1400, 'vlan-mode': 'access', 'pvid': 10,
            'ifindex': int(open('/sys/class/net/$PORT/ifindex').read())}
    for k, v in want.items():
        if p.get(k) != v: print(k, repr(p.get(k)), 'expected', repr(v))
    filt = json.load(open('$TMP/ports-of-sw'))
    if [x.get('port') for x in filt] != ['$PORT']: print('dump of switch $SW:', filt)
    one = json.load(open('$TMP/port'))
    strip = lambda x: {k: v for k, v in x.items() if k not in ('stats', 'carrier')}
    if strip(one) != strip(p): print('do:', one)"
}

test_vswctl_agrees() {
    vswctl -j switch show > "$TMP/vsw-switches" 2>&1
    vswctl -j port show > "$TMP/vsw-ports" 2>&1
    judge "vswctl shows what the YNL dumps show" "$TMP/switches" "
vs = {x['name']: x for x in json.load(open('$TMP/vsw-switches'))}
for s in d:
    v = vs.get(s['switch'])
    if v is None: print('vswctl lacks switch', s['switch']); continue
    for a, b in [('ageing', 'ageing'), ('fdb-max', 'fdb_max'), ('fdb-count', 'fdb_count')]:
        if s.get(a) != v.get(b): print(s['switch'], a, s.get(a), 'vswctl', b, v.get(b))
if set(vs) != {s['switch'] for s in d}: print('switches: vswctl', sorted(vs), 'ynl', [s['switch'] for s in d])
vp = {x['name']: x for x in json.load(open('$TMP/vsw-ports'))}
for p in json.load(open('$TMP/ports')):
    v = vp.get(p['port'])
    if v is None: print('vswctl lacks port', p['port']); continue
    for a, b in [('switch', 'switch'), ('mac', 'mac'), ('mtu', 'mtu'), ('vlan-mode', 'mode'), ('pvid', 'pvid'),
                 ('ifindex', 'ifindex')]:
        if p.get(a) != v.get(b): print(p['port'], a, p.get(a), 'vswctl', b, v.get(b))"
}

# Events decode through the spec: a second socket of the YNL library listens while the
# first makes the changes (this cli.py cannot --subscribe and --do at once: its ynl.py fails
# when the event comes in before the request's ACK, as it does).
test_events() {
    pyrun "$TMP/check.py" "${CLI%/cli.py}" "$SPEC" "" "$NLCTRL" events "[
        [\"port-set\", {\"port\": \"$PORT\", \"pvid\": 20}],
        [\"fdb-new\", {\"switch\": \"$SW\", \"mac\": \"020000000002\", \"vlan\": 20, \"port\": \"$PORT\"}],
        [\"acl-new\", {\"port\": \"$PORT\", \"dir\": \"in\", \"action\": \"deny\", \"ethertype\": 2054}]]" \
        > "$TMP/events" 2>&1
    ynl --dump fdb-get --json "{\"switch\": \"$SW\"}" > "$TMP/fdb" 2>&1
    ynl --dump acl-get --json "{\"port\": \"$PORT\"}" > "$TMP/acl" 2>&1
    judge "events: port-set-ntf decodes through the spec (pvid 20)" "$TMP/events" "
ev = [e for e in lines[0] if e['name'] == 'port-set-ntf']
if len(ev) != 1 or ev[0]['msg'].get('pvid') != 20 or ev[0]['msg'].get('port') != '$PORT': print('events:', lines[0])"
    judge "fdb-new: fdb-new-ntf, and --dump fdb-get shows the static entry" "$TMP/events" "
want = {'switch': '$SW', 'mac': '02:00:00:00:00:02', 'vlan': 20, 'port': '$PORT', 'static': True}
ev = [e['msg'] for e in lines[1] if e['name'] == 'fdb-new-ntf']
if ev != [want]: print('events:', lines[1])
fdb = json.load(open('$TMP/fdb'))
if [{k: v for k, v in e.items() if k != 'age'} for e in fdb] != [want]: print('fdb dump:', fdb)"
    judge "acl-new: acl-new-ntf with its prio, and --dump acl-get shows the defaults and the rule" "$TMP/events" "
ev = [e['msg'] for e in lines[2] if e['name'] == 'acl-new-ntf']
if len(ev) != 1 or ev[0].get('dir') != 'in' or 'prio' not in ev[0]: print('events:', lines[2])
else:
    acl = json.load(open('$TMP/acl'))
    rules = [r for r in acl if not r.get('default')]
    defaults = sorted(r['dir'] for r in acl if r.get('default'))
    if defaults != ['in', 'out']: print('defaults:', acl)
    if len(rules) != 1 or rules[0].get('prio') != ev[0]['prio'] or rules[0].get('action') != 'deny' \\
       or rules[0].get('ethertype') != '0x806' or rules[0].get('hits') != 0:
        print('rules:', rules)"
}

# Nested attributes both ways: ip-allow (repeated addr) in a request and a reply, bindings.
test_nested() {
    ynl --do port-set --json "{\"port\": \"$PORT\", \"ip-allow\": {\"addr\": [\"c0000201\",
        \"20010db8000000000000000000000001\"]}}" > "$TMP/ip-allow" 2>&1
    ynl --do port-get --json "{\"port\": \"$PORT\"}" > "$TMP/port-ip" 2>&1
    ynl --do binding-get --json "{\"port\": \"$PORT\"}" > "$TMP/bindings" 2>&1
    judge "nests: ip-allow with two addresses set and read back, binding-get lists them as static" "$TMP/port-ip" "
want = ['192.0.2.1', '2001:db8::1']
if d.get('ip-allow', {}).get('addr') != want: print('ip-allow:', d.get('ip-allow'), open('$TMP/ip-allow').read())
b = json.load(open('$TMP/bindings'))
got = [(x['addr'], x['source']) for x in b.get('binding', [])]
if b.get('port') != '$PORT' or got != [([a], 'static') for a in want]: print('bindings:', b)"
    ynl --do port-set --json "{\"port\": \"$PORT\", \"ip-allow\": {}}" > /dev/null 2>&1
}

# A value out of range is an error, with the kernel's message and the attribute named.
test_errors() {
    local out rc=0
    out=$(ynl --do port-set --json "{\"port\": \"$PORT\", \"pvid\": 4095}" 2>&1) && rc=1
    # Refused by the handler (its message) or by a policy range (naming the attribute).
    if [ $rc = 0 ] && grep -q 'Numerical result out of range' <<<"$out" &&
       grep -qE "VLAN id must be in 1..4094|'bad-attr': '.pvid'" <<<"$out" &&
       [ "$(vswctl -j port show $PORT | grep -o '"pvid":[0-9]*')" = '"pvid":20' ]; then
        ok "a bad VLAN (pvid 4095) is an error (ERANGE, the kernel's message), the port keeps pvid 20"
    else
        not_ok "a bad VLAN (pvid 4095) is an error (ERANGE, the kernel's message), the port keeps pvid 20" "$out"
    fi
    rc=0
    out=$(ynl --do fdb-new --json "{\"switch\": \"$SW\", \"mac\": \"020000000003\", \"vlan\": 0, \"port\": \"$PORT\"}" 2>&1) && rc=1
    if [ $rc = 0 ] && grep -q 'out of range' <<<"$out"; then
        ok "fdb-new in VLAN 0 is an error"
    else
        not_ok "fdb-new in VLAN 0 is an error" "$out"
    fi
    # The kernel's policy refuses these; the extack's offset decodes (through the spec) to the
    # attribute, and the policy it reports is the spec's.
    rc=0
    out=$(ynl --do switch-new --json '{"switch": "name-of-16-chars"}' 2>&1) && rc=1
    if [ $rc = 0 ] && grep -q "'bad-attr': '.switch'" <<<"$out" && grep -q "'max-length': 15" <<<"$out"; then
        ok "a 16-byte switch name: the kernel's policy error names .switch, max-length 15"
    else
        not_ok "a 16-byte switch name: the kernel's policy error names .switch, max-length 15" "$out"
    fi
    rc=0
    out=$(ynl --do port-set --json "{\"port\": \"$PORT\", \"mac\": \"0200000000\"}" 2>&1) && rc=1
    if [ $rc = 0 ] && grep -q "'bad-attr': '.mac'" <<<"$out"; then
        ok "a 5-byte MAC: the kernel's policy error names .mac"
    else
        not_ok "a 5-byte MAC: the kernel's policy error names .mac" "$out"
    fi
}

# Checks that need the YNL library itself (one process for many requests): the kernel's own
# policy dump against the spec, and every min/max boundary.
cat > "$TMP/check.py" <<'EOF'
import errno, json, sys, yaml
ynl_dir, spec_path, schema, nlctrl, what = sys.argv[1:6]
sys.path.insert(0, ynl_dir)
from lib import YnlFamily, NlError

spec = yaml.safe_load(open(spec_path))
top = next(s for s in spec['attribute-sets'] if s.get('name-prefix') == 'vswitch-attr-')
attrs, val = {}, 1
for a in top['attributes']:
    val = a.get('value', val)
    attrs[a['name']] = (val, a)
    val += 1
errs = []

def policy():
    """The running module's policy (nlctrl getpolicy) has the spec's types, lengths, ranges
    and operations."""
    # process_unknown: 6.12's ynl.py cannot decode the pad attributes that u64 ranges bring
    ctrl = YnlFamily(nlctrl, schema, process_unknown=True)
    fam = YnlFamily(spec_path, schema)
    dump = ctrl.dump('getpolicy', {'family-name': spec['name']})
    pol = {m['policy']['attr-id']: m['policy'] for m in dump if 'policy' in m and m['policy']['policy-id'] == 0}
    opp = {m['op-policy']['op-id']: m['op-policy'] for m in dump if 'op-policy' in m}
    types = {'u8': 'u8', 'u16': 'u16', 'u32': 'u32', 'u64': 'u64', 'flag': 'flag', 'string': 'nul-string',
             'binary': 'binary', 'nest': 'nested'}
    for name, (num, a) in attrs.items():
        k, c = pol.get(num), a.get('checks', {})
        if a['type'] == 'unused':
            if k: errs.append(f'{name}: unused in the spec, the kernel has {k}')
            continue
        if not k:
            errs.append(f'{name} ({num}): the kernel policy has no entry'); continue
        if k['type'] != types[a['type']]:
            errs.append(f"{name}: kernel type {k['type']}, spec {a['type']}")
        if 'max-len' in c and k.get('max-length') != c['max-len']:
            errs.append(f"{name}: kernel max-length {k.get('max-length')}, spec max-len {c['max-len']}")
        if 'exact-len' in c:
            if k.get('max-length') != c['exact-len'] or k.get('min-length', c['exact-len']) != c['exact-len']:
                errs.append(f"{name}: kernel lengths {k}, spec exact-len {c['exact-len']}")
            elif 'min-length' not in k:
                print(f"# note: {name}: the kernel enforces exactly {c['exact-len']} bytes but its policy dump "
                      f"advertises only max-length (Policy::exact is not NLA_POLICY_EXACT_LEN)")
        # A value range in the kernel's policy (narrower than the type: the dump gives every
        # integer one) is the spec's (checks, or the enum's values).
        span = {'u8': 2**8 - 1, 'u16': 2**16 - 1, 'u32': 2**32 - 1, 'u64': 2**64 - 1}
        klo, khi = k.get('min-value-u', 0), k.get('max-value-u', span.get(a['type']))
        if a['type'] in span and (klo, khi) != (0, span[a['type']]):
            vals = [e.user_value() for e in fam.consts[a['enum']].entries.values()] if 'enum' in a else [0, span[a['type']]]
            slo, shi = c.get('min', min(vals)), c.get('max', max(vals))
            if (klo, khi) != (slo, shi):
                errs.append(f'{name}: the kernel policy allows {klo}..{khi}, the spec {slo}..{shi}')
    for num, k in pol.items():
        if num not in {v for v, _ in attrs.values()}:
            errs.append(f'attribute {num}: in the kernel policy ({k}), not in the spec')
    val = 1
    for op in spec['operations']['list']:
        val = op.get('value', val)
        num, val = val, val + 1
        if op['name'] == 'unspec' or op['name'].endswith('-ntf') or 'event' in op:
            continue
        k = opp.get(num)
        if k is None:
            errs.append(f"{op['name']} ({num}): not an operation of the kernel"); continue
        if ('dump' in op) != ('dump' in k):
            errs.append(f"{op['name']}: dump in the spec {'dump' in op}, in the kernel {'dump' in k}")
        if 'do' in op and 'do' not in k:
            errs.append(f"{op['name']}: do in the spec, not in the kernel")

def bounds(sw, port):
    """Every min/max check of the spec: the boundary value is accepted, one beyond refused."""
    fam = YnlFamily(spec_path, schema)
    bitmap = bytearray(512); bitmap[10 // 8] |= 1 << (10 % 8)
    ctx = {
        'ageing': ('switch-set', {'switch': sw}),
        'fdb-max': ('switch-set', {'switch': sw}),
        # low < high: the top low and the bottom high are refused for that rule.
        'vmq-low': ('switch-set', {'switch': sw, 'vmq-high': 100}, {100}),
        'vmq-high': ('switch-set', {'switch': sw, 'vmq-low': 1}, {1}),
        'vmq-interval': ('switch-set', {'switch': sw}),
        'vmq-base-cpu': ('switch-set', {'switch': sw}),
        'vmq-max-cpus': ('switch-set', {'switch': sw}),
        'vmq-max-queues': ('switch-set', {'switch': sw}),
        'vmq-skip-smt': ('switch-set', {'switch': sw}),
        'vmq-software': ('switch-set', {'switch': sw}),
        'mtu': ('port-set', {'port': port}),
        'pvid': ('port-set', {'port': port, 'vlan-mode': 'access'}),
        'native': ('port-set', {'port': port, 'vlan-mode': 'trunk', 'vlans': bytes(bitmap)}),
        'vlan': ('fdb-flush', {'switch': sw}),
        'rate-in': ('port-set', {'port': port}),
        'rate-out': ('port-set', {'port': port}),
        'burst': ('port-set', {'port': port}),
        'weight': ('port-set', {'port': port}),
        'mac-spoof': ('port-set', {'port': port}),
        'dhcp-guard': ('port-set', {'port': port}),
        'router-guard': ('port-set', {'port': port}),
        'ip-guard': ('port-set', {'port': port}),
        'trusted': ('port-set', {'port': port}),
        'link': ('port-set', {'port': port}),
        'src-plen': ('acl-new', {'port': port, 'dir': 'in', 'action': 'allow', 'src-ip': bytes(16)}),
        'dst-plen': ('acl-new', {'port': port, 'dir': 'in', 'action': 'allow', 'dst-ip': bytes(16)}),
    }
    span = {'u8': (0, 2**8 - 1), 'u16': (0, 2**16 - 1), 'u32': (0, 2**32 - 1), 'u64': (0, 2**64 - 1)}
    tried = 0
    for name, (_, a) in attrs.items():
        c = a.get('checks', {})
        if 'min' not in c and 'max' not in c:
            continue
        if name not in ctx:
            errs.append(f'{name}: checks {c} but no boundary case here (add it to ctx)'); continue
        op, base, cross = (ctx[name] + (set(),))[:3]
        lo, hi = span[a['type']]
        cases = []
        if c.get('min', lo) > lo: cases += [(c['min'], True), (c['min'] - 1, False)]
        if c.get('max', hi) < hi: cases += [(c['max'], True), (c['max'] + 1, False)]
        for v, good in cases:
            if good and v in cross:
                continue
            tried += 1
            try:
                fam.do(op, dict(base, **{name: v}))
                if not good: errs.append(f'{op} {name} {v}: accepted, beyond the spec\'s checks {c}')
            except NlError as e:
                if good: errs.append(f'{op} {name} {v}: refused ({e.nl_msg.extack}), the spec allows it')
                elif e.error not in (errno.ERANGE, errno.EINVAL): errs.append(f'{op} {name} {v}: error {e.error}')
                elif not (e.nl_msg.extack or {}).get('msg'): errs.append(f'{op} {name} {v}: refused without a message')
    print(f'# {tried} boundary values tried')

def events(reqs):
    """Each request made on one socket, then the events a second socket got, as a JSON line."""
    listener = YnlFamily(spec_path, schema)
    listener.ntf_subscribe('events')
    doer = YnlFamily(spec_path, schema)
    for op, req in json.loads(reqs):
        doer.do(op, req)
        listener.check_ntf()
        print(json.dumps(listener.async_msg_queue, default=lambda b: b.hex()))
        listener.async_msg_queue.clear()

if what == 'policy':
    policy()
elif what == 'events':
    events(sys.argv[6])
else:
    bounds(*sys.argv[6:8])
for e in errs:
    print(e)
sys.exit(1 if errs else 0)
EOF

test_kernel_policy_is_the_spec() {
    local out
    if out=$(pyrun "$TMP/check.py" "${CLI%/cli.py}" "$SPEC" "" "$NLCTRL" policy 2>&1); then
        ok "the module's policy (nlctrl getpolicy) has the spec's types, lengths, ranges, do and dump"
        [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^\([^#]\)/# \1/'
    else
        not_ok "the module's policy (nlctrl getpolicy) has the spec's types, lengths, ranges, do and dump" "$out"
    fi
    true
}

test_checks_are_the_kernels() {
    vswctl switch add ysw1 >/dev/null && vswctl port add yp1 switch ysw1 >/dev/null
    local out
    if out=$(pyrun "$TMP/check.py" "${CLI%/cli.py}" "$SPEC" "" "$NLCTRL" bounds ysw1 yp1 2>&1); then
        ok "every min/max of the spec is the kernel's: the boundary accepted, one beyond refused"
        printf '%s\n' "$out" | grep '^#'
    else
        not_ok "every min/max of the spec is the kernel's: the boundary accepted, one beyond refused" "$out"
    fi
    vswctl switch del -f ysw1 >/dev/null 2>&1
    true
}

test_delete() {
    local out rc=0
    out=$(ynl --do port-del --json "{\"port\": \"$PORT\"}" 2>&1 &&
          ynl --do switch-del --json "{\"switch\": \"$SW\"}" 2>&1) || rc=$?
    ynl --dump switch-get > "$TMP/switches-after" 2>&1
    ynl --dump port-get > "$TMP/ports-after" 2>&1
    if [ $rc != 0 ]; then
        not_ok "--do port-del and switch-del: the dumps (and vswctl) no longer show them" "$out"; return
    fi
    judge "--do port-del and switch-del: the dumps (and vswctl) no longer show them" "$TMP/switches-after" "
import subprocess
if any(s['switch'] == '$SW' for s in d): print('switch still dumped')
if any(p['port'] == '$PORT' for p in json.load(open('$TMP/ports-after'))): print('port still dumped')
if subprocess.run(['vswctl', 'switch', 'show', '$SW'], capture_output=True).returncode == 0: print('vswctl still shows $SW')
if subprocess.run(['ip', 'link', 'show', '$PORT'], capture_output=True).returncode == 0: print('netdev $PORT still there')"
}

# ynl-gen-c (the kernel's code generator) renders the spec to the names and numbers of
# vswitch/uapi.h; it works on a writable copy (it looks for the kernel tree's MAINTAINERS).
test_uapi_render() {
    local k=$TMP/k out
    mkdir -p "$k/Documentation/netlink/specs" && cp "$KSRC"/Documentation/netlink/*.yaml "$k/Documentation/netlink/" &&
        cp "$SPEC" "$k/Documentation/netlink/specs/" && touch "$k/MAINTAINERS"
    if ! out=$(cd "$TMP" && pyrun "$KSRC/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
               --spec "$k/Documentation/netlink/specs/vswitch.yaml" -o "$TMP/gen.h" 2>&1); then
        not_ok "ynl-gen-c renders the spec to vswitch/uapi.h's names and numbers" "$out"; return
    fi
    cat > "$TMP/uapi-cmp.py" <<'EOF'
import re, sys
def parse(path):
    s = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    out = {}
    for m in re.finditer(r'enum (\w+) \{(.*?)\};', s, re.S):
        v = -1
        for item in (x.strip() for x in m[2].split(',')):
            if not item:
                continue
            n, _, e = (x.strip(' ()') for x in item.partition('='))
            if e.startswith('__'):              # NAME_MAX = __NAME_MAX - 1
                out[n] = out[e.split()[0]] - 1
                continue
            v = int(e, 0) if e else v + 1
            out[n] = v
    for m in re.finditer(r'#define (\w+)[ \t]+(\S.*)', s):
        if not m[1].startswith('_UAPI'):
            out[m[1]] = m[2].strip()
    return out
gen, hdr = parse(sys.argv[1]), parse(sys.argv[2])
gen = {k: v for k, v in gen.items() if not k.endswith('_NTF')}   # events: numbered like commands
for k in sorted(set(gen) | set(hdr)):
    if gen.get(k) != hdr.get(k):
        print(f'{k}: ynl-gen-c {gen.get(k)}, vswitch/uapi.h {hdr.get(k)}')
EOF
    out=$(pyrun "$TMP/uapi-cmp.py" "$TMP/gen.h" "$REPO/vswitch/uapi.h")
    if [ -z "$out" ]; then
        ok "ynl-gen-c renders the spec to vswitch/uapi.h's names and numbers"
    else
        not_ok "ynl-gen-c renders the spec to vswitch/uapi.h's names and numbers" "$out"
    fi
}

ALL_TESTS="test_spec_loads test_version test_create test_dumps test_vswctl_agrees test_events test_nested
    test_errors test_kernel_policy_is_the_spec test_checks_are_the_kernels test_delete test_uapi_render"
run_tests
