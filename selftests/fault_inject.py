#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fault_inject: every vswitch command refused halfway must leave no trace.

    fault_inject.py [--max-nth 200] [--events] [--setup-debugfs] [--watchdog 60] [-v] STEP...

A STEP is one netlink request as JSON, attributes by name with values as vswnl.py takes
them, e.g. '{"cmd":"SWITCH_NEW","attrs":{"SWITCH":"fi0","UPLINK":"dummy0"}}' (optional
"dump": true, and "undo": another request that takes the step back: when a fault is
tolerated (the request succeeds anyway, e.g. kvmalloc falling back to vmalloc), the step is
undone, the state must be as before, and the next fault points are tried too).

For each step in order: take a snapshot of the state (switch, port, VMQ dumps, the FDB of
every switch, the ACL of every port, the netdevs; counters and time-varying values left
out). Then for n = 1, 2, ... --max-nth: write n to /proc/thread-self/fail-nth right before
the request's sendmsg, so the n-th fault injection point this task reaches (failslab,
fail_page_alloc, fail_function) fails; take the answer; read fail-nth back (0: the fault was
injected) and write 0. A refused request must leave the snapshot identical (a unified diff
is printed otherwise) and, with --events, must send no event. A warning in the kernel log
(WARNING, BUG, refcount_t, ...) after any attempt is a failure. The first success applies
the step: its effect must show (a *_NEW object exists, a *_DEL one is gone), and the next
step starts from there. A step that fails with no fault injected is a failure too.

fail-nth counts per task, so all netlink I/O happens in this one thread, and snapshots are
only taken with it disarmed. A request that never returns from the kernel (sendmsg stuck
in a handler) is reported by a watchdog thread after --watchdog seconds, which then exits.
Without --setup-debugfs (or the same knobs set by the caller) failslab ignores sleeping
(GFP_KERNEL) allocations and few fault points are reached.

Prints `step K CMD: tried N faults, E refused cleanly, first success at nth=M` per step,
details as `# ` lines, and `fault_inject: steps S, failures F` last. Exit 0, 1 on any
failure, 2 when the environment is missing (module, fail-nth) or a STEP is malformed.
"""

import argparse
import collections
import contextlib
import difflib
import json
import os
import sys

sys.dont_write_bytecode = True      # the VM's root file system is read-only
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vswnl  # noqa: E402
from vswnl import ATTRS, cmd  # noqa: E402

FAIL_NTH = '/proc/thread-self/fail-nth'
DEBUGFS = '/sys/kernel/debug'
# Make every allocation a fault point and keep the log quiet (fault-injection.rst).
DEBUGFS_KNOBS = [
    ('failslab/ignore-gfp-wait', 'N'), ('failslab/verbose', '0'),
    ('fail_page_alloc/ignore-gfp-wait', 'N'), ('fail_page_alloc/ignore-gfp-highmem', 'N'),
    ('fail_page_alloc/min-order', '0'), ('fail_page_alloc/verbose', '0'),
    ('fail_function/verbose', '0'),
]
# Counters and values that change by themselves (traffic, ageing, the VMQ balancer).
VOLATILE = {'STATS', 'HITS', 'AGE', 'PPS', 'LOAD', 'MOVES', 'FDB_COUNT', 'IFINDEX'}
VMQ_VOLATILE = VOLATILE | {'CPU'}


class FailNth:
    """This task's /proc/thread-self/fail-nth, opened once so that arming it is a single
    write() with nothing between it and the sendmsg."""

    def __init__(self):
        self.fd = os.open(FAIL_NTH, os.O_RDWR)
        os.write(self.fd, b'0')

    def arm(self, n):
        os.write(self.fd, b'%d' % n)

    def disarm(self):
        """Reads the counter back and writes 0; True when the fault was injected (the
        counter reached 0), False when fewer than n fault points were reached. pread:
        the proc file has no llseek, and a plain read() would stay at EOF after the first."""
        left = os.pread(self.fd, 32, 0)
        os.write(self.fd, b'0')
        return int(left.strip() or b'0') == 0


class Step:
    """One request of the command line."""

    def __init__(self, text):
        d = json.loads(text)
        if not isinstance(d, dict) or 'cmd' not in d:
            raise ValueError('a step is a JSON object with "cmd" (and "attrs")')
        self.cmd = cmd.number(d['cmd'])
        self.name = vswnl.cmd_name(self.cmd)
        self.dump = bool(d.get('dump'))
        attrs = d.get('attrs') or {}
        self.body = vswnl.encode_attrs(attrs)       # bad names or values fail here, early
        # The request that takes the step back, so that a success with a tolerated fault
        # (a fallback the kernel took, e.g. kvmalloc's vmalloc) can be undone and the
        # fault points after it tried too.
        self.undo = Step(json.dumps(d['undo'])) if d.get('undo') else None
        # The values as a dump would show them ("02:00:00:00:00:0A" -> "02:00:00:00:00:0a").
        self.attrs = {}
        for k, v in attrs.items():
            spec = ATTRS.spec(k)
            self.attrs[spec.name] = vswnl.decode_value(spec, vswnl.encode_value(spec, v))


# ---- state snapshots ----

def clean(attrs, drop):
    return {k: v for k, v in attrs.items() if k not in drop}


def dump(nl, c, attrs=None, drop=VOLATILE):
    """([entries], interrupted); a refused dump is recorded as its error text."""
    ans = nl.request(c, attrs, dump=True)
    if not ans.ok:
        return 'error: ' + ans.describe(), ans.interrupted
    return [clean(m.attrs, drop) for m in ans.replies], ans.interrupted


def netdevs():
    """Netdev name -> flags and MTU (a leaked vPort, or an uplink left promiscuous)."""
    out = {}
    for name in sorted(os.listdir('/sys/class/net')):
        try:
            with open('/sys/class/net/%s/flags' % name) as f, open('/sys/class/net/%s/mtu' % name) as m:
                out[name] = {'flags': f.read().strip(), 'mtu': m.read().strip()}
        except OSError:
            pass        # went away while we looked
    return out


def _snapshot(nl):
    intr = False

    def take(c, attrs=None, drop=VOLATILE):
        nonlocal intr
        entries, i = dump(nl, c, attrs, drop)
        intr |= i
        return entries

    st = {'switches': take('SWITCH_GET'), 'ports': take('PORT_GET'),
          'vmq': take('VMQ_GET', drop=VMQ_VOLATILE), 'fdb': {}, 'acl': {}}
    for s in st['switches'] if isinstance(st['switches'], list) else []:
        fdb = take('FDB_GET', {'SWITCH': s['SWITCH']})
        # Learned entries come and go with traffic; the configuration is the static ones.
        if isinstance(fdb, list):
            fdb = sorted((e for e in fdb if e.get('STATIC')), key=lambda e: json.dumps(e, sort_keys=True))
        st['fdb'][s['SWITCH']] = fdb
    for p in st['ports'] if isinstance(st['ports'], list) else []:
        st['acl'][p['PORT']] = take('ACL_GET', {'PORT': p['PORT']})
    st['netdevs'] = netdevs()
    return st, intr


def snapshot(nl):
    """The configuration as the dumps show it; dumps that raced a change are retaken."""
    for _ in range(3):
        st, intr = _snapshot(nl)
        if not intr:
            break
    return st


def diff(before, after):
    a = json.dumps(before, indent=1, sort_keys=True).splitlines()
    b = json.dumps(after, indent=1, sort_keys=True).splitlines()
    return list(difflib.unified_diff(a, b, 'before', 'after', lineterm=''))


# ---- effects of a successful step ----

def _names(st, key, attr):
    return {e.get(attr) for e in st[key]} if isinstance(st[key], list) else set()


def _fdb_keys(st, sw):
    entries = st['fdb'].get(sw)
    return {(e.get('MAC'), e.get('VLAN')) for e in entries} if isinstance(entries, list) else set()


def _acl_rules(st, port, d):
    entries = st['acl'].get(port)
    if not isinstance(entries, list):
        return []
    return [e for e in entries if not e.get('DEFAULT') and e.get('DIR') == d]


def effect_error(step, before, after):
    """Why the state does not show the step's effect, or None (only NEW and DEL have an
    effect we can name)."""
    a, n = step.attrs, step.name
    if n in ('SWITCH_NEW', 'SWITCH_DEL'):
        there = a.get('SWITCH') in _names(after, 'switches', 'SWITCH')
        return _presence(n, 'switch %s' % a.get('SWITCH'), there)
    if n in ('PORT_NEW', 'PORT_DEL'):
        there = a.get('PORT') in _names(after, 'ports', 'PORT')
        return _presence(n, 'port %s' % a.get('PORT'), there)
    if n in ('FDB_NEW', 'FDB_DEL'):
        key = (a.get('MAC'), a.get('VLAN', 1))
        return _presence(n, 'FDB entry %s vlan %s' % key, key in _fdb_keys(after, a.get('SWITCH')))
    if n == 'ACL_NEW':
        old = _acl_rules(before, a.get('PORT'), a.get('DIR'))
        new = _acl_rules(after, a.get('PORT'), a.get('DIR'))
        if len(new) != len(old) + 1:
            return 'ACL of %s has %d rules, not %d' % (a.get('PORT'), len(new), len(old) + 1)
        if 'PRIO' in a and a['PRIO'] not in {r.get('PRIO') for r in new}:
            return 'no ACL rule with prio %s' % a['PRIO']
    if n == 'ACL_DEL':
        if a.get('PRIO') in {r.get('PRIO') for r in _acl_rules(after, a.get('PORT'), a.get('DIR'))}:
            return 'ACL rule prio %s still there' % a.get('PRIO')
    return None


def _presence(cmd_name, what, there):
    if cmd_name.endswith('_NEW') and not there:
        return '%s is not in the dump' % what
    if cmd_name.endswith('_DEL') and there:
        return '%s is still in the dump' % what
    return None


# ---- running the steps ----

def attempt(nl, fn, step, n):
    """Sends the step with the n-th fault point armed. Returns (Answer, injected)."""
    nl.drain()
    data, seq = nl.build(step.cmd, step.body, dump=step.dump)
    try:
        ans = nl.exchange(data, seq, before_send=lambda: fn.arm(n))
    finally:
        injected = fn.disarm()
    ans.bad_attr = vswnl.attr_at(data, ans.offset)
    return ans, injected


class Report:
    """What happened to one step."""

    def __init__(self):
        self.tried = self.clean = self.tolerated = 0
        self.errnos = collections.Counter()
        self.success = None         # (nth, injected, answer lost)
        self.failures = []          # (text, diff lines)

    def fail(self, text, lines=()):
        self.failures.append((text, list(lines)))


class Ctx:
    """What run_step works with: the request socket `nl`, fail-nth `fn`, the event
    socket `ev` (or None), the kernel log `klog`, and `watch(n)`, the watchdog's context
    for attempt n (armed before fail-nth is, disarmed after)."""

    def __init__(self, nl, fn, ev, klog, watch, max_nth, verbose):
        self.nl, self.fn, self.ev, self.klog, self.watch = nl, fn, ev, klog, watch
        self.max_nth, self.verbose = max_nth, verbose


def run_step(step, ctx):
    """Tries the step with fault n = 1, 2, ... until it succeeds."""
    rep, nl, ev = Report(), ctx.nl, ctx.ev
    with ctx.watch(0):
        before = snapshot(nl)
    dirty = 0       # first attempt that was refused but changed the state
    for n in range(1, ctx.max_nth + 1):
        if ev is not None:
            ev.drain()
        try:
            with ctx.watch(n):
                ans, injected = attempt(nl, ctx.fn, step, n)
                events = [m for m in ev.events() if m.cmd != cmd.VMQ_MOVE] if ev is not None else []
                after = snapshot(nl)
        except vswnl.Timeout as e:
            rep.fail('nth=%d: no answer from the kernel (%s)' % (n, e))
            return rep
        except OSError as e:        # not one of the per-message errors Answer carries
            rep.fail('nth=%d: socket error %s' % (n, e))
            return rep
        rep.tried += injected
        warnings = ctx.klog.bad_lines()
        if warnings:
            rep.fail('nth=%d (%s): the kernel logged: %s' % (n, ans.describe(), ' | '.join(warnings[:3])))
        if ctx.verbose:
            print('# nth=%d: %s -> %s' % (n, 'injected' if injected else 'not reached', ans.describe()))
        # A lost answer (ENOBUFS on recv: the kernel could not allocate it) is judged by
        # the state: the request either happened or not.
        if ans.ok or (ans.recv_errno is not None and after != before):
            rep.success = (n, injected, ans.recv_errno is not None)
            why = effect_error(step, before, after)
            if why:
                rep.fail('nth=%d: succeeded but %s' % (n, why))
                return rep
            if not (injected and step.undo):
                return rep
            # The fault was tolerated: take the step back and go on with the next point.
            rep.tolerated += 1
            with ctx.watch(n):
                back = nl.request(step.undo.cmd, step.undo.body)
                undone = snapshot(nl)
            if ev is not None:
                ev.drain()
            if not back.ok or undone != before:
                rep.fail('nth=%d: the undo (%s) did not restore the state: %s'
                         % (n, step.undo.name, back.describe()), diff(before, undone))
                return rep
            rep.success = None
            continue
        rep.errnos[vswnl.errname(ans.send_errno or ans.errno or ans.recv_errno)] += 1
        changed = after != before
        if changed:
            rep.fail('nth=%d: refused (%s) but the state changed' % (n, ans.describe()), diff(before, after))
            dirty = dirty or n
        if events:
            rep.fail('nth=%d: refused (%s) but sent events: %s'
                     % (n, ans.describe(), ' '.join(json.dumps(m.to_json()) for m in events)))
        if injected and not changed and not events and not warnings:
            rep.clean += 1
        if not injected:
            # After a refusal that changed the state this is usually its consequence.
            rep.fail('nth=%d: refused with no fault injected: %s%s' % (
                n, ans.describe(), ' (the state changed at nth=%d)' % dirty if dirty else ''))
            return rep
        before = after if changed else before     # report each change once
    rep.fail('no success within --max-nth %d fault points' % ctx.max_nth)
    return rep


def print_report(k, step, rep):
    line = 'step %d %s: tried %d faults, %d refused cleanly, %d tolerated and undone, ' % (
        k, step.name, rep.tried, rep.clean, rep.tolerated)
    line += 'first success at nth=%d' % rep.success[0] if rep.success else 'no success'
    print(line)
    if rep.errnos:
        print('# step %d errors: %s' % (k, ', '.join('%s %d' % kv for kv in rep.errnos.most_common())))
    if rep.success and rep.success[1]:
        print('# step %d: the fault at nth=%d was tolerated (the request succeeded)' % (k, rep.success[0]))
    if rep.success and rep.success[2]:
        print('# step %d: the answer at nth=%d was lost (ENOBUFS), the state shows success'
              % (k, rep.success[0]))
    for text, lines in rep.failures:
        print('# step %d FAIL %s: %s' % (k, step.name, text))
        for ln in lines:
            print('#   ' + ln)
    sys.stdout.flush()


def module_text_range(name='vswitch'):
    """[start, end) of the module's code, from /proc/kallsyms (as root addresses are real)."""
    lo, hi = None, None
    with open('/proc/kallsyms') as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 4 and parts[3] == '[%s]' % name and parts[1] in 'tT':
                a = int(parts[0], 16)
                lo = a if lo is None else min(lo, a)
                hi = a if hi is None else max(hi, a)
    if not lo:
        return None
    # The last function's size is unknown: a page covers it.
    return lo, hi + 4096


# Frames of a fault point's stack searched for the module: enough to reach the module's own
# allocations through the allocator and the `kernel` crate (about a dozen frames), not the
# deep insides of what it calls (registering a netdev allocates hundreds of times in sysfs and
# kobject code; failing register_netdevice as a whole is fail_function's job).
STACK_DEPTH = 9


def setup_stack_filter():
    """Counts only the fault points reached from the module's own code (directly or through
    the kernel functions it calls): the netlink core's allocations around a request (the
    request skb, the ack) are not what a command must survive, and some of them are retried
    by the core, which would end a step before the module's own points were tried. Needs
    CONFIG_FAULT_INJECTION_STACKTRACE_FILTER (require-start/require-end)."""
    rng = module_text_range()
    if rng is None:
        print('# fault_inject: vswitch symbols not found in /proc/kallsyms: no stack filter')
        return
    for attr in ('failslab', 'fail_page_alloc', 'fail_function'):
        base = os.path.join(DEBUGFS, attr)
        if not os.path.exists(os.path.join(base, 'require-start')):
            print('# fault_inject: %s has no stacktrace filter: every fault point counts' % attr)
            continue
        for knob, value in (('require-end', rng[1]), ('require-start', rng[0]), ('stacktrace-depth', STACK_DEPTH)):
            with open(os.path.join(base, knob), 'w') as f:
                f.write(str(value))


def setup_debugfs():
    for knob, value in DEBUGFS_KNOBS:
        path = os.path.join(DEBUGFS, knob)
        try:
            with open(path, 'w') as f:
                f.write(value)
        except OSError as e:
            print('# fault_inject: cannot set %s: %s' % (path, e.strerror))
    setup_stack_filter()


def warn_debugfs():
    try:
        with open(os.path.join(DEBUGFS, 'failslab/ignore-gfp-wait')) as f:
            if f.read().strip() == 'Y':
                print('# fault_inject: failslab ignores GFP_KERNEL allocations '
                      '(ignore-gfp-wait=Y); --setup-debugfs changes that')
    except OSError:
        pass


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--max-nth', type=int, default=200, help='most fault points tried per step')
    ap.add_argument('--events', action='store_true', help='a refused request must send no event')
    ap.add_argument('--setup-debugfs', action='store_true',
                    help='make GFP_KERNEL allocations fault points, quiet fault messages')
    ap.add_argument('--timeout', type=float, default=2.0, help='seconds to wait for an answer')
    ap.add_argument('--watchdog', type=float, default=60.0,
                    help='seconds an attempt may stay in the kernel before the run is abandoned')
    ap.add_argument('-v', '--verbose', action='store_true', help='one line per attempt')
    ap.add_argument('steps', nargs='+', metavar='STEP', help='JSON request, e.g. %s'
                    % '{"cmd":"SWITCH_NEW","attrs":{"SWITCH":"fi0"}}')
    args = ap.parse_args(argv)
    try:
        steps = [Step(s) for s in args.steps]
    except (ValueError, KeyError) as e:
        print('fault_inject: bad STEP: %s' % (e.args[0] if e.args else e), file=sys.stderr)
        return 2
    if not os.path.exists(FAIL_NTH):
        print('fault_inject: %s missing: kernel without CONFIG_FAULT_INJECTION' % FAIL_NTH, file=sys.stderr)
        return 2
    try:
        nl = vswnl.Genl(timeout=args.timeout)
        ev = vswnl.Genl(timeout=args.timeout, groups=[vswnl.MCGRP_EVENTS]) if args.events else None
    except vswnl.FamilyNotFound as e:
        print('fault_inject: %s' % e, file=sys.stderr)
        return 2
    if args.setup_debugfs:
        setup_debugfs()
    warn_debugfs()
    fn = FailNth()
    failures = 0
    where = {}

    def stuck(_):
        print('# step %(k)d FAIL %(cmd)s: nth=%(n)d: the kernel did not return in %(s).0f s'
              % dict(where, s=args.watchdog))
        print('fault_inject: steps %d, failures %d' % (len(steps), failures + 1))

    watchdog = vswnl.Watchdog(args.watchdog, stuck)

    @contextlib.contextmanager
    def watch(n):
        where['n'] = n
        watchdog.arm(None)
        try:
            yield
        finally:
            watchdog.disarm()

    ctx = Ctx(nl, fn, ev, vswnl.KernelLog(), watch, args.max_nth, args.verbose)
    for k, step in enumerate(steps, 1):
        where.update(k=k, cmd=step.name)
        rep = run_step(step, ctx)
        print_report(k, step, rep)
        failures += len(rep.failures)
    print('fault_inject: steps %d, failures %d' % (len(steps), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
