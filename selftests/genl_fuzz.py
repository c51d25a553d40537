#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""genl_fuzz: a bounded, reproducible fuzzer for the vswitch generic netlink family.

    genl_fuzz.py --seed N --count M [--prefix fz] [--timeout 2] [--watchdog 60] [-v]

Sends M requests built from random.Random(N) alone, so a seed always gives the same
messages (only the family id in nlmsg_type differs between boots): every command number
0..cmd::MAX+3, random flags, attributes of mostly the right type with boundary and random
values, wrong lengths, bad strings, garbage nests, unknown and duplicate attributes, lying
lengths, and now and then a truncated netlink or genl header. Names come mostly from a
small pool (<prefix>0..3 switches, <prefix>p0..5 ports, lo, dummy0) so create / modify /
delete sequences hit live objects.

Every request is followed by an NLMSG_NOOP probe with NLM_F_ACK: once the probe is acked
the request has said all it will, so requests without NLM_F_ACK and ones the kernel drops
need no guessing, and no receive waits longer than --timeout. A request that stays in the
kernel longer than --watchdog (a handler that never returns) ends the run with a report
(the summary counts it as a timeout). At the end every switch named
<prefix>*, and any other switch that appeared during the run, is deleted (force).

A warning in the kernel log (WARNING, BUG, refcount_t, ...) is printed with the message
after which it appeared; the selftest's kernel-log check fails on it.

Prints `fuzz: seed S sent N, ok A, errors E (by errno: ...), timeouts T` last. Exit 0; 1
when the kernel did not answer (a timeout), the socket failed, or the cleanup left
switches; 2 when the vswitch family is not registered.
"""

import argparse
import collections
import os
import random
import struct
import sys

sys.dont_write_bytecode = True      # the VM's root file system is read-only
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vswnl  # noqa: E402
from vswnl import ATTRS, attr, cmd, nla  # noqa: E402

MAX_TIMEOUTS = 3        # the kernel stopped answering: give up after this many

# Attributes the commands' doc comments do not list but the handlers read.
EXTRA_ATTRS = {
    'SWITCH_NEW': ['VMQ_MODE', 'VMQ_LOW', 'VMQ_HIGH', 'VMQ_INTERVAL', 'VMQ_BASE_CPU',
                   'VMQ_MAX_CPUS', 'VMQ_MAX_QUEUES', 'VMQ_SKIP_SMT', 'VMQ_SOFTWARE', 'SRIOV'],
    'PORT_NEW': ['RATE_IN', 'RATE_OUT', 'BURST', 'WEIGHT', 'VF'],
}
EXTRA_ATTRS['SWITCH_SET'] = EXTRA_ATTRS['SWITCH_NEW']
EXTRA_ATTRS['PORT_SET'] = EXTRA_ATTRS['PORT_NEW']

VLAN_EDGES = ([1, 2, 10, 4094], [0, 4095, 4096, 0xffff])
RATE_EDGES = ([0, 1000000, 400 * 10**9], [1, 999999, 400 * 10**9 + 1, 2**64 - 1])
L4_EDGES = ([1, 80, 1024, 65535], [0])
CPU_EDGES = ([0, 1, 3], [4, 63, 64, 0xffffffff])
# Boundary values per attribute from the handlers' limits: (inside, outside). Tame messages
# use only the first; other attributes get their type's edges.
EDGES = {
    'VLAN': VLAN_EDGES, 'PVID': VLAN_EDGES, 'NATIVE': ([0] + VLAN_EDGES[0], VLAN_EDGES[1][1:]),
    'MTU': ([68, 1500, 9000, 65535], [0, 67, 65536, 0xffffffff]),
    'AGEING': ([0, 1, 300, 1000000], [1000001, 0xffffffff]),
    'FDB_MAX': ([1, 2, 8192, 1 << 20], [0, (1 << 20) + 1, 0xffffffff]),
    'WEIGHT': ([1, 3, 100], [0, 101, 0xffffffff]),
    'BURST': ([0, 1, 65536, 16 << 20], [(16 << 20) + 1, 0xffffffff]),
    'RATE_IN': RATE_EDGES, 'RATE_OUT': RATE_EDGES,
    'PRIO': ([1, 10, 20, 0xffffffff], [0]),
    'VF': ([0, 1, 7], [63, 64, 0xffffffff]), 'SRIOV': ([0], [1, 2, 7, 8, 0xffffffff]),
    'VMQ_LOW': ([0, 1, 50], [101, 0xffffffff]), 'VMQ_HIGH': ([50, 100], [0, 101, 0xffffffff]),
    'VMQ_INTERVAL': ([10, 100, 1000], [0, 1, 60000, 0xffffffff]),
    'VMQ_BASE_CPU': CPU_EDGES, 'VMQ_MAX_CPUS': ([0] + CPU_EDGES[0] + [4], CPU_EDGES[1][1:]),
    'VMQ_MAX_QUEUES': ([0, 1, 3, 4], [63, 64, 0xffffffff]),
    'SRC_PLEN': ([0, 8, 24, 32, 64, 128], [1, 33, 129, 255]),
    'DST_PLEN': ([0, 8, 24, 32, 64, 128], [1, 33, 129, 255]),
    'ETHERTYPE': ([0x0800, 0x86dd, 0x0806], [0, 0x8100, 0xffff]),
    'IP_PROTO': ([1, 6, 17, 58, 132, 136], [0, 255]),
    'SPORT_MIN': L4_EDGES, 'SPORT_MAX': L4_EDGES, 'DPORT_MIN': L4_EDGES, 'DPORT_MAX': L4_EDGES,
}
NAME_ATTRS = {'SWITCH': 'switches', 'PORT': 'ports', 'IFNAME': 'ports', 'UPLINK': 'devs', 'VF_DEV': 'devs'}


class Gen:
    """Builds fuzz requests from one random.Random. Nothing here looks at the kernel's
    answers, so the message sequence depends on the seed and prefix only."""

    def __init__(self, rng, prefix):
        self.rng = rng
        self.prefix = prefix.encode()
        self.pools = {
            'switches': ['%s%d' % (prefix, i) for i in range(4)],
            'ports': ['%sp%d' % (prefix, i) for i in range(6)],
            # Fixed, not probed: the same seed must give the same messages on any host
            # (a missing dummy0 just earns ENODEV).
            'devs': ['lo', 'dummy0'],
        }
        self.macs = [bytes([2, 0, 0, 0, 0, i]) for i in range(1, 5)]
        self.all_attrs = sorted(ATTRS.by_num)
        # A quarter of the messages are tame (right types, nothing corrupted) so that
        # switches, ports, FDB entries and ACLs get made, and the others find them.
        self.tame = False

    def chance(self, p):
        return self.rng.random() < p

    def odd(self, p):
        """chance(p) of a corruption; never in a tame message."""
        return not self.tame and self.chance(p)

    # -- values --

    def weird_string(self):
        """Strings that names must survive: empty, format and path characters, spaces,
        at and over the length limit, unterminated, embedded NUL, invalid UTF-8."""
        p = self.prefix
        return self.rng.choice([
            b'\0', b'', p + b'%d\0', b'%d\0', b'%s%n%x\0', p + b'/x\0', b'/\0', b'.\0', b'..\0',
            p + b' x\0', b' \0', b'x' * 15 + b'\0', b'x' * 16 + b'\0', b'y' * 100 + b'\0',
            p + b'0', p + b'0\0junk\0', b'\xff\xfe\0', p + b'\xc3\0', b'\n\0',
        ])

    def name(self, pool):
        r = self.rng.random()
        if self.tame or r < 0.75:
            return self.rng.choice(self.pools[pool]).encode() + b'\0'
        if r < 0.88:
            return self.rng.choice(sum(self.pools.values(), [])).encode() + b'\0'
        return self.weird_string()

    def int_value(self, spec):
        bits = 8 * vswnl.INT_KINDS[spec.kind]
        top = (1 << bits) - 1
        if spec.enum is not None and (self.tame or self.chance(0.7)):
            vals = [v for k, v in spec.enum.values.items() if k != 'MAX']
            return self.rng.choice(vals if self.tame else vals + [0, max(vals) + 1, top])
        edges = EDGES.get(spec.name)
        if edges and (self.tame or self.chance(0.8)):
            inside, outside = edges
            v = self.rng.choice(inside if self.tame or self.chance(0.5) else outside)
        else:
            v = self.rng.choice([0, 1, 2, top - 1, top, self.rng.randrange(top + 1)])
        return v & top

    def wrong_length(self, spec):
        """A payload of the wrong size for the attribute's type."""
        size = vswnl.INT_KINDS.get(spec.kind)
        if size:
            n = self.rng.choice([k for k in (0, 1, 2, 3, 5, 7, 8, 9, 16) if k != size])
            return self.rng.randbytes(n)
        if spec.kind == 'string':
            return self.rng.choice([b'', b'abc', b'z' * 64 + b'\0'])   # unterminated / long
        if spec.kind == 'flag':
            return self.rng.choice([b'\0', b'\1\0\0\0'])
        want = spec.exact or spec.maxlen or 8
        return self.rng.randbytes(self.rng.choice([0, 1, max(0, want - 1), want + 1, 300]))

    def nest_garbage(self, spec):
        """Payload of a nested attribute: plausible members with random values, members
        of random types, members whose lengths lie, or plain random bytes."""
        r = self.rng.random()
        if r < 0.2:
            return self.rng.randbytes(self.rng.randrange(0, 40))
        out = b''
        members = sorted(spec.nest.by_num) if spec.nest else [1]
        for _ in range(self.rng.randrange(0, 5)):
            ty = self.rng.choice(members) if r < 0.6 else self.rng.randrange(0, 0x4000)
            payload = self.rng.randbytes(self.rng.choice([0, 1, 4, 8, 9]))
            length = self.rng.choice([None, None, None, 0, 3, 200])
            out += nla(ty, payload, length)
        return out

    def payload(self, spec):
        """The payload of one attribute: mostly the right type, sometimes not."""
        if self.odd(0.08):
            return self.wrong_length(spec)
        kind = spec.kind
        if spec.name in NAME_ATTRS:
            return self.name(NAME_ATTRS[spec.name])
        if kind in vswnl.INT_KINDS:
            return self.int_value(spec).to_bytes(vswnl.INT_KINDS[kind], sys.byteorder)
        if kind == 'flag':
            return b''
        if kind == 'string':
            return self.weird_string() if self.odd(0.5) else b'0000:00:01.0\0'
        if kind == 'nested':
            return self.nest_garbage(spec)
        if vswnl.is_mac(spec):
            if self.tame:
                return self.rng.choice(self.macs)
            return self.rng.choice(self.macs * 3 + [
                bytes(6), b'\xff' * 6, b'\x01\x00\x5e\x00\x00\x01', b'\x03' + self.rng.randbytes(5),
                self.rng.randbytes(6)])
        if vswnl.is_vlans(spec):
            return self.vlan_bitmap()
        if vswnl.is_ip(spec):
            return self.rng.choice([b'\x0a\0\0\0', b'\x0a\0\0\x01', b'\xc0\xa8\1\0',
                                    b'\xfe\x80' + bytes(14), bytes(15) + b'\1', self.rng.randbytes(4),
                                    self.rng.randbytes(16)])
        return self.rng.randbytes(self.rng.randrange(0, 24))

    def vlan_bitmap(self):
        r = 0.5 if self.tame else self.rng.random()
        if r < 0.1:
            return b'\xff' * vswnl.TOP.VLAN_BITMAP_LEN          # includes reserved 0 and 4095
        if r < 0.2:
            return bytes(vswnl.TOP.VLAN_BITMAP_LEN)
        vids = self.rng.sample([1, 2, 10, 20, 100, 4094] + [0, 4095] * (r < 0.3), self.rng.randrange(1, 4))
        return vswnl.vlan_bitmap(vids)

    # -- attributes --

    def pick_attrs(self, cmd_num):
        """Attribute numbers for a request: most of the command's own, a few others,
        and some numbers above attr::MAX or 0."""
        own = vswnl.cmd_attrs(cmd_num)
        own += [attr.number(n) for n in EXTRA_ATTRS.get(vswnl.cmd_name(cmd_num), [])
                if n in attr.values and self.chance(0.3)]
        if self.odd(0.1):
            return self.rng.sample(self.all_attrs, self.rng.randrange(0, 9))
        names = {attr.values.get(n) for n in ('SWITCH', 'PORT')}
        chosen = [a for a in own if (self.tame and a in names) or self.chance(0.7)]
        for _ in range(0 if self.tame else self.rng.choice([0, 0, 0, 1, 1, 2, 3])):
            chosen.append(self.rng.choice(self.all_attrs))
        if self.odd(0.1):
            chosen.append(self.rng.choice([0, attr.MAX + 1, attr.MAX + 2, attr.MAX + 50,
                                           self.rng.randrange(attr.MAX + 1, 0x4000)]))
        self.rng.shuffle(chosen)
        return chosen

    def attrs(self, cmd_num):
        """Encoded attributes (bytes) and a short description of what is odd about them."""
        items, notes = [], []
        for num in self.pick_attrs(cmd_num):
            spec = ATTRS.spec(num)
            ty = num | (vswnl.NLA_F_NESTED if spec.kind == 'nested' and self.chance(0.9) else 0)
            if self.odd(0.03):
                ty |= self.rng.choice([vswnl.NLA_F_NESTED, vswnl.NLA_F_NET_BYTEORDER])
            items.append([ty, self.payload(spec), None])
        if items and self.odd(0.1):
            dup = list(self.rng.choice(items))
            if self.chance(0.5):
                dup[1] = self.payload(ATTRS.spec(dup[0] & vswnl.NLA_TYPE_MASK))
            items.insert(self.rng.randrange(len(items) + 1), dup)
            notes.append('dup')
        if items and self.odd(0.06):
            victim = self.rng.choice(items)
            n = 4 + len(victim[1])
            victim[2] = self.rng.choice([0, 3, max(4, n - 1), n + 4, n + 100, 0xffff])
            notes.append('liar')
        names = [ATTRS.spec(i[0] & vswnl.NLA_TYPE_MASK).name for i in items]
        return b''.join(nla(*i) for i in items), names, notes

    # -- whole messages --

    def flags(self, cmd_num):
        f = vswnl.NLM_F_REQUEST
        if self.chance(0.75):
            f |= vswnl.NLM_F_ACK
        if self.chance(0.25) and (not self.tame or vswnl.cmd_name(cmd_num).endswith('_GET')):
            f |= vswnl.NLM_F_DUMP
        if self.chance(0.1):
            f |= vswnl.NLM_F_ECHO
        if self.odd(0.1):
            f |= self.rng.choice([vswnl.NLM_F_ROOT, vswnl.NLM_F_MATCH, vswnl.NLM_F_ATOMIC,
                                  vswnl.NLM_F_MULTI, vswnl.NLM_F_DUMP_INTR, 0x20, 0x800, 0x8000])
        return f

    def message(self, family_id, seq):
        """(request bytes, description) for one fuzz request."""
        self.tame = self.chance(0.25)
        c = self.rng.randrange(0, cmd.MAX + 4)
        fl = self.flags(c)
        body, names, notes = self.attrs(c)
        version, reserved = vswnl.FAMILY_VERSION, 0
        if self.odd(0.05):
            version, reserved = self.rng.choice([(0, 0), (255, 0), (vswnl.FAMILY_VERSION, 0xffff)])
            notes.append('genlhdr')
        msg = vswnl.nlmsg(family_id, fl, seq, struct.pack('=BBH', c, version, reserved) + body)
        if self.odd(0.06):
            msg = self.break_header(msg)
            notes.append('hdr%d' % struct.unpack_from('=I', msg.ljust(4, b'\0'))[0])
        notes += ['tame'] if self.tame else []
        desc = '%s flags=%#x attrs=%s%s' % (vswnl.cmd_name(c), fl, ','.join(names),
                                            ' [%s]' % ' '.join(notes) if notes else '')
        return msg, desc

    def break_header(self, msg):
        """Truncates the netlink or genl header, or makes nlmsg_len lie. A shorter
        nlmsg_len leaves fewer than 16 bytes behind, which the kernel ignores: the rest
        must never be parsed as a second message (it could address another family)."""
        r = self.rng.random()
        total = len(msg)
        if r < 0.25:
            return msg[:self.rng.randrange(1, 16)]          # no complete nlmsghdr: ignored
        if r < 0.5:                                         # nlmsghdr, partial genlmsghdr
            n = self.rng.randrange(16, 20)
            return struct.pack('=I', n) + msg[4:n]
        if r < 0.75:                                        # longer than the datagram
            return struct.pack('=I', total + self.rng.choice([1, 4, 100, 0xffff])) + msg[4:]
        cut = self.rng.randrange(1, min(13, total - 15))
        return struct.pack('=I', total - cut) + msg[4:]


def cleanup(nl, prefix, before):
    """Deletes (force) every switch named <prefix>* or created during the run, and any
    leftover <prefix>* port on other switches. Returns the names still there."""
    def switches():
        return [(m.raw_attr('SWITCH') or b'').split(b'\0')[0] for m in nl.dump('SWITCH_GET')]

    pfx = prefix.encode()
    for name in switches():
        if name.startswith(pfx) or name not in before:
            nl.request('SWITCH_DEL', [('SWITCH', name + b'\0'), ('FORCE', True)])
    for m in nl.dump('PORT_GET'):
        port = (m.raw_attr('PORT') or b'').split(b'\0')[0]
        if port.startswith(pfx):
            nl.request('PORT_DEL', [('PORT', port + b'\0')])
    left = [n for n in switches() if n.startswith(pfx) or n not in before]
    return [n.decode('utf-8', 'backslashreplace') for n in left]


class Tally:
    """Counts of the run, and its summary line."""

    def __init__(self, seed):
        self.seed, self.sent, self.ok, self.timeouts = seed, 0, 0, 0
        self.errors = collections.Counter()

    def line(self):
        by = ', '.join('%s %d' % kv for kv in sorted(self.errors.items(), key=lambda kv: (-kv[1], kv[0])))
        return ('fuzz: seed %d sent %d, ok %d, errors %d (by errno: %s), timeouts %d'
                % (self.seed, self.sent, self.ok, sum(self.errors.values()), by or 'none', self.timeouts))


def fuzz(nl, gen, count, tally, watchdog, verbose):
    """Sends `count` messages, counting the answers in `tally`. A warning in the kernel
    log is printed with the message that came before it (hex, to replay it)."""
    klog = vswnl.KernelLog()
    for i in range(count):
        nl.drain()      # late answers, and the end of any dump a garbled message left running
        seq = nl.next_seq()
        data, desc = gen.message(nl.family_id, seq)
        tally.sent += 1
        watchdog.arm('#%d %s %s' % (i, desc, data.hex()))
        try:
            ans = nl.exchange(data, seq, probe=True)
        except vswnl.Timeout as e:
            tally.timeouts += 1
            print('fuzz: #%d %s: TIMEOUT (%s) %s' % (i, desc, e, data.hex()), flush=True)
            if tally.timeouts >= MAX_TIMEOUTS:
                break
            continue
        finally:
            watchdog.disarm()
        for line in klog.bad_lines():
            print('fuzz: #%d %s: the kernel logged: %s (message %s)' % (i, desc, line, data.hex()),
                  flush=True)
        e = ans.send_errno or ans.recv_errno or ans.errno
        if e:
            tally.errors[vswnl.errname(e)] += 1
        else:
            tally.ok += 1
        if verbose:
            print('fuzz: #%d %s -> %s%s' % (i, desc, ans.describe(),
                                            ' (%d replies)' % len(ans.replies) if ans.replies else ''))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--count', type=int, default=1000)
    ap.add_argument('--prefix', default='fz', help='names of the switches and ports it makes')
    ap.add_argument('--timeout', type=float, default=2.0, help='seconds to wait for an answer')
    ap.add_argument('--watchdog', type=float, default=60.0,
                    help='seconds a request may stay in the kernel before the run is abandoned')
    ap.add_argument('-v', '--verbose', action='store_true', help='one line per message')
    args = ap.parse_args(argv)

    try:
        nl = vswnl.Genl(timeout=args.timeout)
    except vswnl.FamilyNotFound as e:
        print('genl_fuzz: %s' % e, file=sys.stderr)
        return 2
    except OSError as e:
        print('genl_fuzz: netlink socket: %s' % e, file=sys.stderr)
        return 1
    tally = Tally(args.seed)

    def stuck(what):
        tally.timeouts += 1
        print('fuzz: %s: the kernel did not return in %.0f s' % (what, args.watchdog))
        print(tally.line())

    watchdog = vswnl.Watchdog(args.watchdog, stuck)
    with nl:
        try:
            before = {(m.raw_attr('SWITCH') or b'').split(b'\0')[0] for m in nl.dump('SWITCH_GET')}
            fuzz(nl, Gen(random.Random(args.seed), args.prefix), args.count, tally, watchdog, args.verbose)
            nl.drain()
            watchdog.arm('cleanup')
            left = cleanup(nl, args.prefix, before)
            watchdog.disarm()
        except (OSError, vswnl.Timeout) as e:
            print('genl_fuzz: netlink socket failed: %s' % e, file=sys.stderr)
            return 1
    if left:
        print('fuzz: cleanup could not delete switches: %s' % ', '.join(left))
    print(tally.line())
    return 1 if tally.timeouts or left else 0


if __name__ == '__main__':
    sys.exit(main())
