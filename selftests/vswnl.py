#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""vswnl: a small generic netlink client for the vswitch family, for the selftests.

Standard library only (it runs with the VM's /usr/bin/python3). The protocol constants are
not copied here: commands, attributes and value enums are parsed out of
`vswitch/uapi.rs` at import time, and each attribute's type out of the policy table of
the family (`static POLICY` in vswitch/netlink), so this client cannot drift from the module.

Library use (see genl_fuzz.py and fault_inject.py):

    nl = Genl()                                   # FamilyNotFound if the module is absent
    nl.do('SWITCH_NEW', {'SWITCH': 'sw0', 'UPLINK': 'dummy0'})
    for m in nl.dump('PORT_GET'):
        print(m.attrs['PORT'], m.attrs['MTU'])
    ans = nl.request('SWITCH_DEL', {'SWITCH': 'nope'})  # never raises for a kernel error
    ans.errno, ans.msg                            # 2, 'vswitch: no such switch'

Command line (debugging):

    vswnl.py do CMD [ATTR=VALUE | ATTR:KIND=VALUE | FLAG ...]
    vswnl.py dump CMD [ATTR=VALUE ...]
    vswnl.py monitor [--count N] [--seconds S]
    vswnl.py consts
    vswnl.py --self-test

Values are given as on the wire's type: integers (or an enum name such as TRUNK), strings,
MAC addresses, IP addresses, VLAN lists such as 1,10-20, `hex:0a0b`, JSON for nests; KIND
(u8 u16 u32 u64 str flag hex) overrides the attribute's type. Replies print as JSON.
"""

import ast
import errno as errnos
import ipaddress
import json
import os
import re
import select
import socket
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VSWITCH_SRC = os.path.join(HERE, '..', 'vswitch')
UAPI_RS = os.path.join(VSWITCH_SRC, 'uapi.rs')

# ---- Linux netlink constants (linux/netlink.h, linux/genetlink.h) ----

NETLINK_GENERIC = 16            # not exported by Python's socket module
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10            # error messages carry only the request's header back
NETLINK_EXT_ACK = 11            # ... plus the extended ack TLVs (message, bad attribute)

NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 1, 2, 3, 4
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 0x1, 0x2, 0x4, 0x8
NLM_F_DUMP_INTR = 0x10
NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC = 0x100, 0x200, 0x400
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200     # flags of NLMSG_ERROR / NLMSG_DONE
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2

NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000
NLA_TYPE_MASK = 0x3fff

GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2

NLMSG_HDR = struct.Struct('=IHHII')    # len, type, flags, seq, pid
GENL_HDR = struct.Struct('=BBH')       # cmd, version, reserved
NLA_HDR = struct.Struct('=HH')         # len, type
HDRLEN = NLMSG_HDR.size + GENL_HDR.size

RECV_BUF = 256 * 1024                  # larger than any netlink skb the kernel builds
MAX_REPLIES = 100000                   # a dump longer than this is treated as runaway
# Socket errors that concern one message (a dropped answer, a refused allocation), not the
# socket: callers get them in the Answer instead of an exception.
SOFT_ERRNOS = {errnos.ENOBUFS, errnos.ENOMEM, errnos.EMSGSIZE}

INT_KINDS = {'u8': 1, 'u16': 2, 'u32': 4, 'u64': 8}


def align4(n):
    """Netlink alignment.

    >>> [align4(n) for n in (0, 1, 4, 5)]
    [0, 4, 4, 8]
    """
    return (n + 3) & ~3


# Where Python's errno.errorcode picks an alias, the name the kernel and vswctl use.
_ERRNAMES = {errnos.EOPNOTSUPP: 'EOPNOTSUPP', errnos.EDEADLK: 'EDEADLK'}


def errname(e):
    """Symbolic name of a positive errno.

    >>> errname(22), errname(95), errname(9999)
    ('EINVAL', 'EOPNOTSUPP', 'E9999')
    """
    return _ERRNAMES.get(e) or errnos.errorcode.get(e, 'E%d' % e)


# ---- the UAPI, parsed from the Rust sources ----

class Space:
    """One `pub mod` of uapi.rs (or its top level): NAME -> value, with the doc comments."""

    def __init__(self, name):
        self.name = name
        self.values = {}    # NAME -> int | str | None (None: expression we could not read)
        self.docs = {}      # NAME -> doc comment text
        self.doc = ''       # the module's own doc comment

    def __getattr__(self, key):
        try:
            return self.__dict__['values'][key]
        except KeyError:
            raise AttributeError('%s::%s is not in uapi.rs' % (self.name, key)) from None

    def name_of(self, value):
        """The name of `value` (never the MAX alias), or None."""
        for k, v in self.values.items():
            if v == value and k != 'MAX':
                return k
        return None

    def number(self, key):
        """`key` as a number: an int, a numeric string or a name of this space."""
        if isinstance(key, int):
            return key
        if isinstance(key, str) and re.fullmatch(r'0[xX][0-9a-fA-F]+|\d+', key):
            return int(key, 0)
        v = self.values.get(str(key).upper())
        if not isinstance(v, int):
            raise KeyError('%s: not a name in uapi.rs %s' % (key, self.name or 'top level'))
        return v


_MOD_RE = re.compile(r'^pub mod (\w+)\s*\{')
_CONST_RE = re.compile(r'^\s*pub const (\w+)\s*:\s*[^=]+?=\s*(.+?)\s*;')


def _const_eval(expr, *scopes):
    """Evaluates a Rust constant expression: literals, names of `scopes`, casts, integer
    arithmetic. Returns None for anything else.

    >>> _const_eval('1 << 20'), _const_eval('1_000_000'), _const_eval('"0.1.0"')
    (1048576, 1000000, '0.1.0')
    >>> _const_eval('uapi::LEN as u16 * 2', {'LEN': 512}), _const_eval('f(1)')
    (1024, None)
    """
    expr = re.sub(r'\bas\s+\w+', '', expr)      # casts
    expr = re.sub(r'\b\w+::', '', expr)         # paths: uapi::X -> X
    ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a // b,
           ast.LShift: lambda a, b: a << b, ast.RShift: lambda a, b: a >> b,
           ast.BitOr: lambda a, b: a | b, ast.BitAnd: lambda a, b: a & b}

    def ev(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, str)):
            return node.value
        if isinstance(node, ast.Name):
            for s in scopes:
                if s.get(node.id) is not None:
                    return s[node.id]
            raise ValueError(node.id)
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        raise ValueError(ast.dump(node))

    try:
        return ev(ast.parse(expr.strip(), mode='eval').body)
    except (SyntaxError, ValueError, TypeError):
        return None


def parse_uapi(text):
    """Parses uapi.rs into {'': top level, 'cmd': ..., 'attr': ..., ...}.

    >>> s = parse_uapi('''
    ... /// Values of X.
    ... pub mod colour {
    ...     /// u8: red.
    ...     pub const RED: u8 = 1;
    ...     pub const MAX: u8 = RED;
    ... }
    ... pub const NAME: &str = "x";''')
    >>> s['colour'].RED, s['colour'].MAX, s['colour'].docs['RED'], s[''].NAME
    (1, 1, 'u8: red.', 'x')
    """
    spaces = {'': Space('')}
    cur, doc = spaces[''], []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith('///'):
            doc.append(s[3:].strip())
            continue
        m = _MOD_RE.match(line)
        if m:
            cur = spaces.setdefault(m[1], Space(m[1]))
            cur.doc, doc = ' '.join(doc), []
            continue
        if line.startswith('}'):
            cur, doc = spaces[''], []
            continue
        m = _CONST_RE.match(line)
        if m:
            cur.values[m[1]] = _const_eval(m[2], cur.values, spaces[''].values)
            cur.docs[m[1]] = ' '.join(doc)
        doc = []
    return spaces


_POLICY_RE = re.compile(r'\(attr::(\w+),\s*Policy::(\w+)\(([^)]*)\)\s*\)')
# Policy constructor (rust/net/genl.rs) -> our attribute kind.
_POLICY_KINDS = {'unused': None, 'u8': 'u8', 'u8_range': 'u8', 'u16': 'u16', 'u16_range': 'u16',
                 'u16_mask': 'u16', 'u32': 'u32', 'u32_range': 'u32', 'u64': 'u64',
                 'u64_range': 'u64', 'flag': 'flag', 'nul_string': 'string', 'string': 'string',
                 'exact': 'binary', 'binary': 'binary', 'nested': 'nested'}


def parse_policy(text, attr_space, top):
    """Parses `static POLICY` of the family, a `Policy::table` of `(attr::NAME, Policy::..)`
    pairs: {attribute number: (kind, length, exact)}. The length is the string/binary
    maximum, or the exact length for `exact`.

    >>> a = Space('attr'); a.values.update(UNSPEC=0, NAME=1, MAC=2, W=3)
    >>> parse_policy('''const N: u16 = 15;
    ... static POLICY: [Policy; 4] = Policy::table(&[
    ...     (attr::NAME, Policy::nul_string(N)),
    ...     (attr::MAC, Policy::exact(6)),
    ...     (attr::W, Policy::u32_range(&WEIGHT)),
    ... ]);''', a, {})
    {1: ('string', 15, False), 2: ('binary', 6, True), 3: ('u32', None, False)}
    """
    m = re.search(r'static POLICY\b[^=]*=\s*Policy::table\(&\[(.*?)\n\s*\]\);', text, re.S)
    if not m:
        return {}
    local = dict(re.findall(r'^\s*(?:pub(?:\([^)]*\))?\s+)?const (\w+)\s*:\s*\w+\s*=\s*(.+?);',
                            text, re.M))
    local = {k: _const_eval(v, top) for k, v in local.items()}
    out = {}
    for p in _POLICY_RE.finditer(m[1]):
        name, ctor, arg = p.groups()
        num = attr_space.values[name]
        kind = _POLICY_KINDS.get(ctor, 'bytes')
        length = _const_eval(arg, local, top) if ctor in ('nul_string', 'string', 'exact', 'binary') else None
        out[num] = (kind, length, ctor == 'exact')
    return out


class AttrSpec:
    """What we know about one attribute: number, name, kind and limits.

    kind: u8 u16 u32 u64 string flag binary nested bytes; `nest` is the AttrSet of a nested
    attribute, `enum` the Space of its values (vlan_mode, acl_dir, ...)."""

    def __init__(self, num, name, kind='bytes', maxlen=None, exact=None, nest=None, enum=None):
        self.num, self.name, self.kind = num, name, kind
        self.maxlen, self.exact, self.nest, self.enum = maxlen, exact, nest, enum

    def __repr__(self):
        return 'AttrSpec(%d, %s, %s)' % (self.num, self.name, self.kind)


class AttrSet:
    """The attributes of one number space (top level, stats::*, irq_attr::*)."""

    def __init__(self, space, specs):
        self.space = space
        self.by_num = {s.num: s for s in specs}
        self.by_name = {s.name: s for s in specs}

    def spec(self, key):
        """The spec of an attribute number or name; unknown numbers are plain bytes."""
        num = self.space.number(key)
        return self.by_num.get(num) or AttrSpec(num, str(num))


_DOC_KIND_RE = re.compile(r'^(u8|u16|u32|u64|string|flag|nested)\b')


def _doc_kind(doc):
    """Kind named at the start of a doc comment ('u32: Linux irq number.').

    >>> _doc_kind('u32: Linux irq number.'), _doc_kind('string (max 15): x'), _doc_kind('x')
    ('u32', 'string', None)
    """
    m = _DOC_KIND_RE.match(doc)
    return m[1] if m else None


def _linked_space(doc, spaces):
    """The uapi module a doc comment refers to (`stats::*`, `vlan_mode::ACCESS`)."""
    for mod in re.findall(r'`(\w+)::', doc):
        if mod in spaces and mod not in ('attr', 'cmd'):
            return spaces[mod]
    return None


def _nest_set(space):
    """AttrSet of a nested space: types from the doc comments ('u32: ...', '(all u64)')."""
    m = re.search(r'\ball (u8|u16|u32|u64)\b', space.doc)
    every = m[1] if m else None
    specs = []
    for name, num in space.values.items():
        if name in ('UNSPEC', 'MAX') or not isinstance(num, int):
            continue
        specs.append(AttrSpec(num, name, _doc_kind(space.docs.get(name, '')) or every or 'bytes'))
    return AttrSet(space, specs)


def build_attrs(spaces, policy):
    """The top-level AttrSet: kinds from the policy table, nests and enums from the docs."""
    attr, specs, nests = spaces['attr'], [], {}
    for name, num in attr.values.items():
        if name in ('UNSPEC', 'MAX') or not isinstance(num, int):
            continue
        kind, length, exact = policy.get(num, ('bytes', None, False))
        linked = _linked_space(attr.docs.get(name, ''), spaces)
        spec = AttrSpec(num, name, kind or 'bytes')
        if kind in ('string', 'binary'):
            spec.exact = length if exact else None
            spec.maxlen = None if exact else length
        if linked is not None and 'UNSPEC' in linked.values:
            if linked.name not in nests:
                nests[linked.name] = _nest_set(linked)
            spec.nest = nests[linked.name]
        elif linked is not None:
            spec.enum = linked
        specs.append(spec)
    return AttrSet(attr, specs)


def policy_source(src=VSWITCH_SRC):
    """Text of the Rust file under vswitch/ holding the family's `static POLICY` table
    (netlink/family.rs; searched so that moving the family code breaks nothing), or ''."""
    paths = [os.path.join(src, 'netlink', 'family.rs')]
    for d, _, files in sorted(os.walk(src)):
        paths += [os.path.join(d, f) for f in sorted(files) if f.endswith('.rs')]
    for p in paths:
        try:
            with open(p, encoding='utf-8') as f:
                text = f.read()
        except OSError:
            continue
        if re.search(r'static POLICY\b[^=]*=\s*Policy::table', text):
            return text
    return ''


def load_uapi(uapi_path=UAPI_RS, src=VSWITCH_SRC):
    with open(uapi_path, encoding='utf-8') as f:
        spaces = parse_uapi(f.read())
    # Without the policy table every attribute falls back to bytes.
    policy = parse_policy(policy_source(src), spaces['attr'], spaces[''].values)
    return spaces, policy


SPACES, POLICY = load_uapi()
TOP = SPACES['']
FAMILY_NAME = TOP.FAMILY_NAME
FAMILY_VERSION = TOP.FAMILY_VERSION
MCGRP_EVENTS = TOP.MCGRP_EVENTS
cmd = SPACES['cmd']
attr = SPACES['attr']
stats = SPACES['stats']
irq_attr = SPACES['irq_attr']
ATTRS = build_attrs(SPACES, POLICY)


def cmd_name(num):
    return cmd.name_of(num) or str(num)


def cmd_attrs(num):
    """Attribute numbers the doc comment of command `num` mentions (its request and reply
    attributes), in order."""
    doc = cmd.docs.get(cmd_name(num), '')
    out = []
    for name in re.findall(r'`([A-Z][A-Z0-9_]*)`', doc):
        if isinstance(attr.values.get(name), int) and attr.values[name] not in out:
            out.append(attr.values[name])
    return out


# ---- attribute encoding ----

def nla(ty, payload=b'', length=None):
    """One attribute: header, payload, padding. `length` overrides nla_len (to lie).

    >>> nla(3, b'ab\\0').hex()
    '0700030061620000'
    >>> nla(5).hex(), nla(1, b'\\1', length=200).hex()
    ('04000500', 'c800010001000000')
    """
    n = NLA_HDR.size + len(payload) if length is None else length
    return NLA_HDR.pack(n & 0xffff, ty & 0xffff) + payload + bytes(align4(len(payload)) - len(payload))


def mac_bytes(text):
    """'02:00:00:00:00:01' -> 6 bytes (also '-' separated).

    >>> mac_bytes('02:00:00:00:00:0a').hex()
    '02000000000a'
    """
    parts = re.split(r'[:-]', text)
    if len(parts) != 6:
        raise ValueError('%r is not a MAC address' % text)
    return bytes(int(p, 16) for p in parts)


def mac_text(b):
    return ':'.join('%02x' % x for x in b)


def vlan_bitmap(vlans):
    """VLAN ids (a list, or text like '1,10-12') -> the attr::VLANS bitmap (bit v = byte
    v / 8, bit v % 8).

    >>> b = vlan_bitmap('1,10-12'); len(b), b[0], b[1]
    (512, 2, 28)
    """
    if isinstance(vlans, str):
        ids = []
        for part in filter(None, vlans.split(',')):
            lo, _, hi = part.partition('-')
            ids.extend(range(int(lo), int(hi or lo) + 1))
        vlans = ids
    out = bytearray(TOP.VLAN_BITMAP_LEN)
    for v in vlans:
        out[v // 8] |= 1 << (v % 8)
    return bytes(out)


def vlan_text(bitmap):
    """The inverse of vlan_bitmap, as compact text.

    >>> vlan_text(vlan_bitmap([1, 10, 11, 12, 4094])), vlan_text(bytes(512))
    ('1,10-12,4094', '')
    """
    ids = [i * 8 + b for i, x in enumerate(bitmap) for b in range(8) if x >> b & 1]
    parts, i = [], 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        parts.append(str(ids[i]) if i == j else '%d-%d' % (ids[i], ids[j]))
        i = j + 1
    return ','.join(parts)


def is_mac(spec):
    return spec.kind == 'binary' and spec.exact == 6


def is_ip(spec):
    return spec.kind == 'binary' and spec.name.endswith('_IP')


def is_vlans(spec):
    return spec.kind == 'binary' and spec.exact == TOP.VLAN_BITMAP_LEN


def encode_value(spec, value):
    """The payload of attribute `spec` for a Python value (int, enum name, str, bytes, MAC
    or IP text, VLAN list, dict for nests, True for flags).

    >>> encode_value(ATTRS.spec('MTU'), 1500) == struct.pack('=I', 1500)
    True
    >>> encode_value(ATTRS.spec('VLAN_MODE'), 'trunk'), encode_value(ATTRS.spec('SWITCH'), 'sw0')
    (b'\\x02', b'sw0\\x00')
    >>> encode_value(ATTRS.spec('MAC'), '02:00:00:00:00:01').hex()
    '020000000001'
    >>> encode_value(ATTRS.spec('SRC_IP'), '10.0.0.0'), encode_value(ATTRS.spec('FORCE'), True)
    (b'\\n\\x00\\x00\\x00', b'')
    >>> encode_value(ATTRS.spec('PVID'), 70000)
    Traceback (most recent call last):
    ...
    ValueError: PVID: 70000 does not fit in u16
    """
    kind = spec.kind
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if kind in INT_KINDS:
        if isinstance(value, str):
            value = spec.enum.number(value) if spec.enum and not value[:1].isdigit() else int(value, 0)
        if not 0 <= value < 1 << (8 * INT_KINDS[kind]):
            raise ValueError('%s: %d does not fit in %s' % (spec.name, value, kind))
        return value.to_bytes(INT_KINDS[kind], sys.byteorder)
    if kind == 'flag':
        return b''
    if kind == 'string':
        return str(value).encode() + b'\0'
    if kind == 'nested':
        if isinstance(value, str):
            value = json.loads(value)
        return encode_attrs(value, spec.nest or AttrSet(Space(spec.name), []))
    # binary / bytes
    if is_vlans(spec) and not (isinstance(value, str) and value.startswith('hex:')):
        return vlan_bitmap(value)
    if isinstance(value, str):
        if value.startswith('hex:'):
            return bytes.fromhex(value[4:])
        if is_ip(spec):
            return ipaddress.ip_address(value).packed
        if is_mac(spec) or re.fullmatch(r'([0-9a-fA-F]{1,2}[:-]){5}[0-9a-fA-F]{1,2}', value):
            return mac_bytes(value)
        return value.encode()
    raise ValueError('%s: cannot encode %r as %s' % (spec.name, value, kind))


def encode_attrs(attrs, aset=None):
    """Attributes from a dict {name or number: value} or a list of such pairs (to repeat
    one). A flag whose value is false, or a None value, is left out; nests get
    NLA_F_NESTED (strict validation wants it).

    >>> encode_attrs({'SWITCH': 'a', 'FORCE': True, 'NO_UPLINK': False}).hex()
    '060003006100000004001100'
    """
    aset = aset or ATTRS
    items = attrs.items() if isinstance(attrs, dict) else attrs
    out = b''
    for key, value in items:
        spec = aset.spec(key)
        if value is None or (spec.kind == 'flag' and value is False):
            continue
        ty = spec.num | (NLA_F_NESTED if spec.kind == 'nested' else 0)
        out += nla(ty, encode_value(spec, value))
    return out


# ---- decoding ----

def parse_attrs(buf):
    """Splits attributes into [(type, payload)]; stops quietly at a malformed one.

    >>> parse_attrs(nla(3, b'x') + nla(17) + b'\\x01')
    [(3, b'x'), (17, b'')]
    """
    out, off = [], 0
    while off + NLA_HDR.size <= len(buf):
        n, ty = NLA_HDR.unpack_from(buf, off)
        if n < NLA_HDR.size or off + n > len(buf):
            break
        out.append((ty, bytes(buf[off + NLA_HDR.size:off + n])))
        off += align4(n)
    return out


def decode_value(spec, payload):
    """A JSON-friendly value for an attribute payload (hex when the length is wrong).

    >>> decode_value(ATTRS.spec('SWITCH'), b'sw0\\0'), decode_value(ATTRS.spec('MTU'), b'\\1')
    ('sw0', '01')
    >>> decode_value(ATTRS.spec('DST_IP'), bytes(16)), decode_value(ATTRS.spec('MAC'), bytes(6))
    ('::', '00:00:00:00:00:00')
    """
    kind = spec.kind
    if kind in INT_KINDS:
        if len(payload) == INT_KINDS[kind]:
            return int.from_bytes(payload, sys.byteorder)
        return payload.hex()
    if kind == 'flag':
        return True
    if kind == 'string':
        return payload.split(b'\0', 1)[0].decode('utf-8', 'backslashreplace')
    if kind == 'nested':
        return decode_attrs(payload, spec.nest or AttrSet(Space(spec.name), []))
    if is_mac(spec) and len(payload) == 6:
        return mac_text(payload)
    if is_ip(spec) and len(payload) in (4, 16):
        return str(ipaddress.ip_address(payload))
    if is_vlans(spec) and len(payload) == TOP.VLAN_BITMAP_LEN:
        return vlan_text(payload)
    return payload.hex()


def decode_attrs(buf, aset=None):
    """Attributes -> {name: value}; a repeated attribute becomes a list of values.

    >>> decode_attrs(nla(3, b'sw0\\0') + nla(10, struct.pack('=I', 9000)) + nla(999, b'?'))
    {'SWITCH': 'sw0', 'MTU': 9000, '999': '3f'}
    """
    aset = aset or ATTRS
    out = {}
    for ty, payload in parse_attrs(buf):
        spec = aset.spec(ty & NLA_TYPE_MASK)
        v = decode_value(spec, payload)     # never a list itself
        if spec.name not in out:
            out[spec.name] = v
        elif isinstance(out[spec.name], list):
            out[spec.name].append(v)
        else:
            out[spec.name] = [out[spec.name], v]
    return out


class Msg:
    """A generic netlink message of the family: command, decoded attributes (by name),
    raw attributes [(type, payload)] and the netlink flags."""

    def __init__(self, cmd_num, attrs, raw, flags=0):
        self.cmd, self.attrs, self.raw, self.flags = cmd_num, attrs, raw, flags

    @classmethod
    def parse(cls, payload, flags=0, aset=None):
        if len(payload) < GENL_HDR.size:
            return cls(None, {}, [], flags)
        c = payload[0]
        body = payload[GENL_HDR.size:]
        return cls(c, decode_attrs(body, aset), parse_attrs(body), flags)

    def raw_attr(self, ty):
        """Payload of the first attribute of type `ty` (a number or name), or None."""
        num = attr.number(ty)
        return next((p for t, p in self.raw if t & NLA_TYPE_MASK == num), None)

    def to_json(self):
        return {'cmd': cmd_name(self.cmd) if self.cmd is not None else None, 'attrs': self.attrs}

    def __repr__(self):
        return 'Msg(%s)' % json.dumps(self.to_json())


# ---- netlink messages ----

def nlmsg(ty, flags, seq, payload=b'', pid=0, length=None):
    """A netlink message; `length` overrides nlmsg_len (to lie).

    >>> nlmsg(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 7).hex()
    '10000000010005000700000000000000'
    """
    n = NLMSG_HDR.size + len(payload) if length is None else length
    return NLMSG_HDR.pack(n & 0xffffffff, ty, flags & 0xffff, seq, pid) + payload


def genl_msg(family_id, cmd_num, attrs=b'', flags=NLM_F_REQUEST | NLM_F_ACK, seq=0,
             version=None):
    """A generic netlink request; `attrs` are encoded attribute bytes."""
    version = FAMILY_VERSION if version is None else version
    return nlmsg(family_id, flags, seq, GENL_HDR.pack(cmd_num, version, 0) + attrs)


def split_nlmsgs(data):
    """A datagram -> [(type, flags, seq, pid, payload)], stopping at a malformed header."""
    out, off = [], 0
    while off + NLMSG_HDR.size <= len(data):
        n, ty, fl, seq, pid = NLMSG_HDR.unpack_from(data, off)
        if n < NLMSG_HDR.size or off + n > len(data):
            break
        out.append((ty, fl, seq, pid, bytes(data[off + NLMSG_HDR.size:off + n])))
        off += align4(n)
    return out


def parse_error(payload, flags, done=False):
    """NLMSG_ERROR (or NLMSG_DONE with `done`) -> (errno >= 0, ext-ack message, bad
    attribute offset). The offset counts from the start of the request's nlmsghdr.

    >>> tlv = nla(NLMSGERR_ATTR_MSG, b'vswitch: no such switch\\0')
    >>> tlv += nla(NLMSGERR_ATTR_OFFS, struct.pack('=I', 20))
    >>> err = struct.pack('=i', -2) + nlmsg(30, 5, 1)
    >>> parse_error(err + tlv, NLM_F_CAPPED | NLM_F_ACK_TLVS)
    (2, 'vswitch: no such switch', 20)
    >>> parse_error(struct.pack('=i', 0) + nlmsg(30, 5, 1, b'abcd'), 0)
    (0, None, None)
    """
    if len(payload) < 4:
        return 0, None, None
    e = -struct.unpack_from('=i', payload)[0]
    if done:
        off = 4
    elif flags & NLM_F_CAPPED or len(payload) < 4 + NLMSG_HDR.size:
        off = 4 + NLMSG_HDR.size
    else:
        off = 4 + align4(NLMSG_HDR.unpack_from(payload, 4)[0])
    msg = offs = None
    if flags & NLM_F_ACK_TLVS:
        for ty, p in parse_attrs(payload[off:]):
            if ty == NLMSGERR_ATTR_MSG:
                msg = p.split(b'\0', 1)[0].decode('utf-8', 'replace')
            elif ty == NLMSGERR_ATTR_OFFS and len(p) == 4:
                offs = struct.unpack('=I', p)[0]
    return e, msg, offs


def attr_at(request, offset):
    """Name of the top-level attribute of `request` (a genl message) that contains byte
    `offset` (the ext-ack NLMSGERR_ATTR_OFFS), or None.

    >>> attr_at(genl_msg(30, 2, encode_attrs({'SWITCH': 'a', 'MTU': 1})), 28)
    'MTU'
    """
    if offset is None:
        return None
    off = HDRLEN
    for ty, p in parse_attrs(request[HDRLEN:]):
        end = off + NLA_HDR.size + len(p)
        if off <= offset < end:
            return ATTRS.spec(ty & NLA_TYPE_MASK).name
        off += align4(end - off)
    return None


class Answer:
    """Everything the kernel sent back for one request.

    errno: 0 (acked, or DONE of a dump), > 0 (the kernel's error), None (no ack: a request
    without NLM_F_ACK that succeeded, or one the kernel dropped); msg/offset: extended ack;
    replies: [Msg]; send_errno: sendmsg failed (the request never reached the family);
    recv_errno: recvmsg failed (e.g. ENOBUFS: an answer was dropped); interrupted: a dump
    part had NLM_F_DUMP_INTR; stale: messages of earlier requests skipped."""

    def __init__(self):
        self.errno, self.msg, self.offset, self.bad_attr = None, None, None, None
        self.replies, self.send_errno, self.recv_errno = [], None, None
        self.interrupted, self.stale = False, 0

    @property
    def ok(self):
        return not self.errno and self.send_errno is None and self.recv_errno is None

    def describe(self):
        if self.send_errno is not None:
            return 'sendmsg: %s' % errname(self.send_errno)
        if self.recv_errno is not None:
            return 'recvmsg: %s' % errname(self.recv_errno)
        if not self.errno:
            return 'ok'
        s = errname(self.errno)
        if self.msg:
            s += ': ' + self.msg
        if self.bad_attr:
            s += ' (attribute %s)' % self.bad_attr
        return s


class FamilyNotFound(Exception):
    pass


class Timeout(TimeoutError):
    """The kernel did not answer in time (or a dump did not end)."""

    def __init__(self, text, answer=None):
        super().__init__(text)
        self.answer = answer


class GenlError(OSError):
    """A kernel error answer of do()/dump(): errno and the ext-ack message."""

    def __init__(self, e, msg=None, bad_attr=None):
        super().__init__(e, msg or os.strerror(e))
        self.msg, self.bad_attr = msg, bad_attr

    def __str__(self):
        s = errname(self.errno) + ': ' + (self.msg or os.strerror(self.errno))
        return s + (' (attribute %s)' % self.bad_attr if self.bad_attr else '')


class Watchdog:
    """Ends the process when one request takes longer than `seconds`. A handler that
    never returns keeps sendmsg blocked in the kernel, where no receive timeout reaches it
    and no signal interrupts it; so a helper thread (it does no netlink I/O, so fail-nth,
    which counts per task, does not see it) calls report(what) and os._exit(1). If the
    stuck thread sleeps uninterruptibly the process lingers, but the report is out.

    >>> w = Watchdog(60, print); w.arm('x'); w.disarm()
    """

    def __init__(self, seconds, report):
        self.seconds, self.report = seconds, report
        self.what, self.deadline = None, None
        self.cond = threading.Condition()
        threading.Thread(target=self._run, name='vswnl-watchdog', daemon=True).start()

    def arm(self, what):
        with self.cond:
            self.what, self.deadline = what, time.monotonic() + self.seconds
            self.cond.notify()

    def disarm(self):
        with self.cond:
            self.deadline = None

    def _run(self):
        with self.cond:
            while self.deadline is None or time.monotonic() < self.deadline:
                self.cond.wait(None if self.deadline is None else self.deadline - time.monotonic())
            what = self.what
        self.report(what)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


# Kernel log lines that mean a bug (as selftests/lib.sh dmesg_clean), plus a leaked netdev.
KMSG_BAD = re.compile(r'BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|kernel panic|refcount_t'
                      r'|list_(add|del) corruption|unregister_netdevice: waiting')


class KernelLog:
    """Kernel log records from now on (/dev/kmsg), to name the request after which a
    warning appeared. Unavailable (not root, no /dev/kmsg): bad_lines() is always []."""

    def __init__(self, path='/dev/kmsg'):
        try:
            self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            os.lseek(self.fd, 0, os.SEEK_END)
        except OSError:
            self.fd = None

    def bad_lines(self, limit=1000):
        """New records matching KMSG_BAD (message text only)."""
        out = []
        for _ in range(limit if self.fd is not None else 0):
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                break
            except BrokenPipeError:     # records overwritten before we read them
                continue
            if not rec:
                break
            # "prio,seq,usec,flags;text\n" then " KEY=value" continuation lines
            text = rec.decode('utf-8', 'replace').split(';', 1)[-1].split('\n', 1)[0]
            if KMSG_BAD.search(text):
                out.append(text)
        return out


def open_socket():
    """A generic netlink socket with extended acks and capped error messages. It stays
    blocking: send() is then one sendmsg syscall with nothing before it (fault_inject.py
    arms fail-nth right before it); receives wait with select() instead."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    return s


class Genl:
    """A socket talking to one generic netlink family (default: vswitch)."""

    def __init__(self, family=FAMILY_NAME, timeout=2.0, groups=()):
        self.sock = open_socket()
        self.timeout = timeout
        self.seq = 0
        self.family_id, self.mcast_groups = self._resolve(family)
        for g in groups:
            self.join(g)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def next_seq(self):
        self.seq = (self.seq + 1) & 0xffffffff or 1
        return self.seq

    def _resolve(self, family):
        seq = self.next_seq()
        req = genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                       nla(CTRL_ATTR_FAMILY_NAME, family.encode() + b'\0'), seq=seq, version=2)
        ans = self.exchange(req, seq)
        if ans.errno == errnos.ENOENT:
            raise FamilyNotFound('%s family not found: is the module loaded?' % family)
        if not ans.ok or not ans.replies:
            raise OSError(ans.errno or errnos.EIO, 'resolving family %s: %s' % (family, ans.describe()))
        fid, groups = None, {}
        for ty, p in ans.replies[0].raw:
            if ty == CTRL_ATTR_FAMILY_ID and len(p) >= 2:
                fid = struct.unpack_from('=H', p)[0]
            elif ty & NLA_TYPE_MASK == CTRL_ATTR_MCAST_GROUPS:
                for _, grp in parse_attrs(p):
                    g = dict(parse_attrs(grp))
                    name = g.get(CTRL_ATTR_MCAST_GRP_NAME, b'').split(b'\0', 1)[0].decode()
                    if len(g.get(CTRL_ATTR_MCAST_GRP_ID, b'')) == 4:
                        groups[name] = struct.unpack('=I', g[CTRL_ATTR_MCAST_GRP_ID])[0]
        if fid is None:
            raise OSError(errnos.EIO, 'family %s: no id in the controller reply' % family)
        return fid, groups

    def join(self, group):
        """Subscribes to a multicast group of the family (by name)."""
        if group not in self.mcast_groups:
            raise KeyError('no multicast group %r (have %s)' % (group, sorted(self.mcast_groups)))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, self.mcast_groups[group])

    def _recv(self, timeout):
        """One datagram, or None after `timeout` seconds."""
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return None
        data, _, mflags, _ = self.sock.recvmsg(RECV_BUF)
        if mflags & socket.MSG_TRUNC:
            raise OSError(errnos.EMSGSIZE, 'netlink message larger than %d bytes' % RECV_BUF)
        return data

    def drain(self, limit=10000):
        """Reads and returns whatever is queued (late answers, events) without waiting.
        Reading also lets a dump left running produce its next part, so this ends it."""
        out = []
        for _ in range(limit):
            try:
                data = self._recv(0)
            except OSError as e:
                if e.errno in SOFT_ERRNOS:
                    continue
                raise
            if data is None:
                break
            out.extend(split_nlmsgs(data))
        return out

    def events(self):
        """The family's multicast messages queued on this socket, as [Msg]."""
        return [Msg.parse(p, fl) for ty, fl, seq, pid, p in self.drain() if ty == self.family_id]

    def exchange(self, data, seq, probe=False, before_send=None, timeout=None):
        """Sends one raw request (whose header carries `seq`) and collects its answer.

        The answer ends with NLMSG_ERROR (ack or error) or NLMSG_DONE. A request may get
        neither (no NLM_F_ACK, or malformed so the kernel drops it): with `probe` an
        NLMSG_NOOP with NLM_F_ACK follows it, and once that is acked the original has
        said all it will (a dump still running is read to its end). `before_send` runs
        right before the sendmsg. Raises Timeout when the kernel goes quiet."""
        timeout = self.timeout if timeout is None else timeout
        ans = Answer()
        if before_send is not None:
            before_send()
        try:
            self.sock.send(data)
        except OSError as e:
            if e.errno not in SOFT_ERRNOS:
                raise
            ans.send_errno = e.errno
            return ans
        probe_seq = None
        if probe:
            probe_seq = self.next_seq()
            self.sock.send(nlmsg(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, probe_seq))
        final = multi_open = probe_seen = False

        def done():
            if not probe:
                return final
            # After the probe's ack nothing more comes for the request, unless it is a
            # dump still running (its next parts are made as we read).
            return probe_seen and (final or not multi_open)

        while not done():
            try:
                d = self._recv(timeout)
            except OSError as e:
                if e.errno not in SOFT_ERRNOS:
                    raise
                ans.recv_errno = e.errno
                return ans
            if d is None:
                raise Timeout('no answer from the kernel in %.1f s' % timeout, ans)
            for ty, fl, sq, pid, payload in split_nlmsgs(d):
                if probe and sq == probe_seq and ty == NLMSG_ERROR:
                    probe_seen = True
                elif sq != seq:
                    ans.stale += 1
                elif ty in (NLMSG_ERROR, NLMSG_DONE):
                    ans.errno, ans.msg, ans.offset = parse_error(payload, fl, ty == NLMSG_DONE)
                    final = True
                elif ty in (NLMSG_NOOP, NLMSG_OVERRUN):
                    continue
                else:
                    ans.replies.append(Msg.parse(payload, fl))
                    multi_open |= bool(fl & NLM_F_MULTI)
                    ans.interrupted |= bool(fl & NLM_F_DUMP_INTR)
            if len(ans.replies) > MAX_REPLIES:
                raise Timeout('answer does not end (more than %d messages)' % MAX_REPLIES, ans)
        return ans

    def build(self, cmd_key, attrs=None, dump=False, flags=0):
        """(request bytes, seq) for a command: NLM_F_ACK for a doit, NLM_F_DUMP for a dump."""
        seq = self.next_seq()
        body = attrs if isinstance(attrs, (bytes, bytearray)) else encode_attrs(attrs or {})
        fl = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK) | flags
        return genl_msg(self.family_id, cmd.number(cmd_key), bytes(body), fl, seq), seq

    def request(self, cmd_key, attrs=None, dump=False, flags=0, **kw):
        """Sends a command and returns its Answer (kernel errors do not raise)."""
        data, seq = self.build(cmd_key, attrs, dump, flags)
        ans = self.exchange(data, seq, **kw)
        ans.bad_attr = attr_at(data, ans.offset)
        return ans

    def _checked(self, ans):
        if ans.send_errno is not None or ans.recv_errno is not None:
            raise OSError(ans.send_errno or ans.recv_errno, ans.describe())
        if ans.errno:
            raise GenlError(ans.errno, ans.msg, ans.bad_attr)
        return ans.replies

    def do(self, cmd_key, attrs=None):
        """A doit: returns its reply messages; raises GenlError for a kernel error."""
        return self._checked(self.request(cmd_key, attrs))

    def dump(self, cmd_key, attrs=None):
        """A dump: returns every entry; raises GenlError for a kernel error."""
        return self._checked(self.request(cmd_key, attrs, dump=True))


# ---- command line ----

_CLI_KINDS = {'u8': 'u8', 'u16': 'u16', 'u32': 'u32', 'u64': 'u64', 'str': 'string',
              'string': 'string', 'flag': 'flag', 'hex': 'bytes', 'bin': 'bytes'}


def parse_cli_attr(arg):
    """'MTU=9000' / 'FORCE' / 'MTU:u16=5' / '99:hex=00ff' -> (type, payload).

    >>> parse_cli_attr('mtu=9000') == (10, struct.pack('=I', 9000))
    True
    >>> parse_cli_attr('FORCE'), parse_cli_attr('2:u16=1'), parse_cli_attr('99:hex=00ff')
    ((17, b''), (2, b'\\x01\\x00'), (99, b'\\x00\\xff'))
    """
    key, eq, value = arg.partition('=')
    key, _, kind = key.partition(':')
    spec = ATTRS.spec(key)
    if kind:
        if kind not in _CLI_KINDS:
            raise ValueError('%s: unknown kind %s (%s)' % (arg, kind, ' '.join(_CLI_KINDS)))
        spec = AttrSpec(spec.num, spec.name, _CLI_KINDS[kind], enum=spec.enum)
        if kind in ('hex', 'bin'):
            return spec.num, bytes.fromhex(value)
    if not eq:
        if spec.kind != 'flag':
            raise ValueError('%s: %s needs a value' % (arg, spec.kind))
        return spec.num, b''
    return spec.num | (NLA_F_NESTED if spec.kind == 'nested' else 0), encode_value(spec, value)


def _cli(argv):
    import argparse
    ap = argparse.ArgumentParser(prog='vswnl.py', description=__doc__.split('\n\n')[0])
    ap.add_argument('--self-test', action='store_true', help='run the offline checks and exit')
    ap.add_argument('--timeout', type=float, default=2.0)
    sub = ap.add_subparsers(dest='op')
    for op in ('do', 'dump'):
        p = sub.add_parser(op, help='send a %s request, print the replies as JSON' % op)
        p.add_argument('cmd', help='command name (SWITCH_GET) or number')
        p.add_argument('attrs', nargs='*', metavar='ATTR[:KIND]=VALUE')
    p = sub.add_parser('monitor', help='print events of the "%s" group as JSON lines' % MCGRP_EVENTS)
    p.add_argument('--count', type=int, default=0, help='stop after N events')
    p.add_argument('--seconds', type=float, default=0, help='stop after S seconds')
    sub.add_parser('consts', help='print the constants parsed from uapi.rs and the policy table')
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if args.op == 'consts':
        print(json.dumps(_consts_json(), indent=1))
        return 0
    if args.op is None:
        ap.print_usage(sys.stderr)
        return 2
    try:
        nl = Genl(timeout=args.timeout, groups=[MCGRP_EVENTS] if args.op == 'monitor' else ())
    except FamilyNotFound as e:
        print('vswnl: %s' % e, file=sys.stderr)
        return 2
    with nl:
        if args.op == 'monitor':
            return _monitor(nl, args.count, args.seconds)
        try:
            body = b''.join(nla(*parse_cli_attr(a)) for a in args.attrs)
            data, seq = nl.build(args.cmd, body, dump=args.op == 'dump')
        except (KeyError, ValueError) as e:
            print('vswnl: %s' % (e.args[0] if e.args else e), file=sys.stderr)
            return 2
        ans = nl.exchange(data, seq)
        ans.bad_attr = attr_at(data, ans.offset)
        print(json.dumps([m.to_json() for m in ans.replies], indent=1))
        if not ans.ok:
            print('vswnl: %s' % ans.describe(), file=sys.stderr)
            return 1
    return 0


def _monitor(nl, count, seconds):
    import time
    end = time.monotonic() + seconds if seconds else None
    n = 0
    while not count or n < count:
        left = None if end is None else end - time.monotonic()
        if left is not None and left <= 0:
            break
        d = nl._recv(left)
        for ty, fl, seq, pid, p in split_nlmsgs(d or b''):
            if ty == nl.family_id:
                print(json.dumps(Msg.parse(p, fl).to_json()), flush=True)
                n += 1
    return 0


def _consts_json():
    spaces = {k or 'top': v.values for k, v in SPACES.items()}
    attrs = {s.name: {'num': s.num, 'kind': s.kind, 'maxlen': s.maxlen, 'exact': s.exact,
                      'nest': s.nest.space.name if s.nest else None,
                      'enum': s.enum.name if s.enum else None}
             for s in sorted(ATTRS.by_num.values(), key=lambda s: s.num)}
    return {'spaces': spaces, 'attrs': attrs}


# ---- self test (no kernel module needed) ----

def _uapi_checks():
    """Consistency of what we parsed: (description, ok) pairs."""
    unpoliced = [attr.name_of(n) for n in range(1, attr.MAX + 1) if ATTRS.spec(n).kind in ('bytes', None)]
    checks = [
        ('family name and version parsed', FAMILY_NAME == 'vswitch' and isinstance(FAMILY_VERSION, int)),
        ('every constant of uapi.rs has a value',
         all(v is not None for s in SPACES.values() for v in s.values.values())),
        ('cmd::MAX is the highest command', cmd.MAX == max(cmd.values.values())),
        ('attr::MAX is the highest attribute', attr.MAX == max(attr.values.values())),
        ('policy table covers attr 1..MAX (%d entries for %d)' % (len(POLICY), attr.MAX),
         sorted(POLICY) == list(range(1, attr.MAX + 1))),
        ('every attribute has a policy type' + (' (not: %s)' % ', '.join(unpoliced) if unpoliced else ''),
         not unpoliced),
        ('STATS nests stats::* (u64)', ATTRS.spec('STATS').nest is not None
         and all(s.kind == 'u64' for s in ATTRS.spec('STATS').nest.by_num.values())),
        ('IRQ_ENTRY nests irq_attr::*', ATTRS.spec('IRQ_ENTRY').nest is not None
         and ATTRS.spec('IRQ_ENTRY').nest.spec('CHIP').kind == 'string'),
        ('value enums linked', ATTRS.spec('VLAN_MODE').enum is SPACES.get('vlan_mode')
         and ATTRS.spec('DIR').enum is SPACES.get('acl_dir')),
        ('string limits from the policy', ATTRS.spec('SWITCH').maxlen == TOP.NAME_MAX),
        ('VLANS is an exact-length bitmap', ATTRS.spec('VLANS').exact == TOP.VLAN_BITMAP_LEN),
        ('SWITCH_NEW doc names its attributes', attr.SWITCH in cmd_attrs(cmd.SWITCH_NEW)),
    ]
    # Round trip: every attribute kind encodes and decodes to the same value.
    samples = {'SWITCH': 'sw0', 'MTU': 9000, 'PVID': 4094, 'VLAN_MODE': 2, 'RATE_IN': 1 << 40,
               'FORCE': True, 'MAC': '02:00:00:00:00:01', 'SRC_IP': 'fe80::1',
               'VLANS': '1,10-20,4094', 'STATS': {'RX_PACKETS': 5}}
    got = decode_attrs(encode_attrs(samples))
    checks.append(('encode/decode round trip', got == samples))
    return checks


def _live_check():
    """Resolve the always-present nlctrl family over a real socket (skipped without
    AF_NETLINK): exercises request, reply, ack and error parsing against a kernel."""
    try:
        nl = Genl('nlctrl')
    except OSError as e:
        return [('live nlctrl (skipped: %s)' % e, True)]
    with nl:
        out = [('live: nlctrl resolves to id 16 with group notify',
                nl.family_id == GENL_ID_CTRL and 'notify' in nl.mcast_groups)]
    try:
        Genl('vsw-nonexist')
        out.append(('live: missing family raises FamilyNotFound', False))
    except FamilyNotFound:
        out.append(('live: missing family raises FamilyNotFound', True))
    return out


def self_test():
    import doctest
    res = doctest.testmod(sys.modules[__name__], optionflags=doctest.ELLIPSIS)
    checks = _uapi_checks() + _live_check()
    for name, ok in checks:
        print('%s %s' % ('ok' if ok else 'FAIL', name))
    bad = res.failed + sum(1 for _, ok in checks if not ok)
    print('vswnl self-test: %d doctests, %d checks, %d failed' % (res.attempted, len(checks), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(_cli(sys.argv[1:]))
