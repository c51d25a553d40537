// SPDX-License-Identifier: GPL-2.0
//! The forwarding database of one switch: (MAC, VLAN) -> port in an RCU hash keyed with a
//! per-table random secret and sized for the switch's `fdb-max`; learning and refreshing
//! from the fast path, static entries, the size limit (static entries count too), and ageing
//! by a delayed work item that runs only while there are dynamic entries to age and takes no
//! lock but the table's own. The decisions are the pure `fdb.rs`.

use crate::fdb::{self, Entry, HashKey, Learn};
use crate::mac::Mac;
use crate::sync::rcu::{self, RcuBox, RcuPtr};
use crate::sync::rcuhash::{random_u64, Cursor, RcuHash};
use crate::time::{hz, jiffies64};
use crate::sync::workqueue::{DelayedWorkFn, DelayedWorkRef};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use kernel::alloc::{flags::GFP_ATOMIC, Flags, KVVec};
use kernel::prelude::*;
use kernel::sync::Arc;

/// FDB key: (MAC, VLAN).
pub(crate) type FdbKey = (Mac, u16);

/// FDB value; port and timestamps are atomics so the fast path refreshes and moves entries
/// without the table lock.
pub(crate) struct FdbVal {
    port: AtomicU32,
    updated: AtomicU64,
    is_static: AtomicBool,
}

impl FdbVal {
    pub(crate) fn entry(&self) -> Entry {
        Entry {
            port: self.port.load(Ordering::Relaxed),
            is_static: self.is_static.load(Ordering::Relaxed),
            updated: self.updated.load(Ordering::Relaxed),
        }
    }
}

/// One generation of the table (replaced as a whole when `fdb-max` changes its size).
struct Table {
    hash: RcuHash<FdbKey, FdbVal>,
    key: HashKey,
}

impl Table {
    /// A table for up to `max` entries: about two per bucket when full.
    fn new(max: u32, gfp: Flags) -> Result<Self> {
        let buckets = (max as usize / 2).clamp(64, 1 << 19);
        Ok(Table { hash: RcuHash::new(buckets, gfp)?, key: HashKey(random_u64(), random_u64()) })
    }

    fn hash(&self, mac: &Mac, vid: u16) -> u64 {
        fdb::keyed_hash(mac, vid, self.key)
    }
}

/// What learning a source address did.
#[derive(PartialEq, Eq)]
pub(crate) enum Learned {
    /// Nothing new (ignored, refreshed or moved; or the entry is pinned to another port).
    Nothing,
    /// A new dynamic entry: the ager must run.
    Inserted,
    /// Not learned: the table is full.
    Refused,
    /// Not learned: the port has taught its `mac-max` entries already.
    RefusedMacMax,
}

/// Port ids an FDB keeps learning counts for (`mac-max`); a switch has no more ports.
pub(crate) const MAX_PORT_IDS: usize = 4096;

/// Why a static entry was not added.
pub(crate) enum StaticError {
    /// The table has `fdb-max` entries.
    Full,
    /// No memory.
    NoMem,
}

/// The FDB of a switch.
pub(crate) struct Fdb {
    /// The current generation. Walkers in process context take a reference so that a
    /// generation replaced meanwhile stays alive until they are done.
    table: RcuPtr<Arc<Table>>,
    /// Most entries, static and dynamic.
    pub(crate) max: AtomicU32,
    /// Ageing time in seconds (0: entries never age).
    pub(crate) ageing: AtomicU32,
    /// Dynamic entries per port id, for `mac-max` (kept up to date by learning and removal;
    /// racing moves of one entry may skew them by one, which only shifts a limit slightly).
    learned: KVVec<AtomicU32>,
}

/// Decrements a learning count without wrapping below zero.
fn dec(c: &AtomicU32) {
    let _ = c.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| v.checked_sub(1));
}

impl Fdb {
    pub(crate) fn new(max: u32, ageing: u32, gfp: Flags) -> Result<Self> {
        let table = RcuPtr::null();
        table.replace(Some(RcuBox::new(Arc::new(Table::new(max, gfp)?, gfp)?, gfp)?));
        let mut learned = KVVec::with_capacity(MAX_PORT_IDS, gfp)?;
        for _ in 0..MAX_PORT_IDS {
            learned.push(AtomicU32::new(0), gfp)?;
        }
        Ok(Fdb { table, max: AtomicU32::new(max), ageing: AtomicU32::new(ageing), learned })
    }

    fn count(&self, port: u32) -> Option<&AtomicU32> {
        self.learned.get(port as usize)
    }

    /// Whether port `port` may teach one more entry under `mac_max` (0: no limit).
    fn under_limit(&self, port: u32, mac_max: u32) -> bool {
        mac_max == 0 || self.count(port).is_some_and(|c| c.load(Ordering::Relaxed) < mac_max)
    }

    /// Accounts a dynamic entry moving from `from` (None: new) to `to`.
    fn moved(&self, from: Option<u32>, to: u32) {
        if let Some(c) = from.and_then(|f| self.count(f)) {
            dec(c);
        }
        if let Some(c) = self.count(to) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }


    fn ageing_jiffies(&self) -> u64 {
        u64::from(self.ageing.load(Ordering::Relaxed)) * hz()
    }

    /// Whether an entry is live (not aged out) at `now`.
    pub(crate) fn live(&self, v: &FdbVal, now: u64) -> bool {
        !fdb::expired(&v.entry(), now, self.ageing_jiffies())
    }

    /// The current generation, for a walk in process context.
    fn current(&self) -> Option<Arc<Table>> {
        let g = rcu::read_lock();
        self.table.get(&g).cloned()
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        let g = rcu::read_lock();
        self.table.get(&g).map_or(0, |t| t.hash.len())
    }

    /// The live entry for (`mac`, `vid`).
    pub(crate) fn lookup(&self, g: &rcu::ReadGuard, mac: &Mac, vid: u16, now: u64) -> Option<Entry> {
        let t = self.table.get(g)?;
        t.hash.get(g, &(*mac, vid), t.hash(mac, vid)).filter(|v| self.live(v, now)).map(FdbVal::entry)
    }

    /// Learns source MAC and VLAN `key` on port `port` (fast path, softirq): at most
    /// `mac_max` entries per port (0: no limit), and an entry moves away from its port only
    /// if `may_move(port)` (a port whose MAC spoofing guard is on pins its entries).
    pub(crate) fn learn(
        &self,
        g: &rcu::ReadGuard,
        key: (Mac, u16),
        port: u32,
        now: u64,
        mac_max: u32,
        may_move: impl Fn(u32) -> bool,
    ) -> Learned {
        let Some(t) = self.table.get(g) else { return Learned::Nothing };
        let hash = t.hash(&key.0, key.1);
        let existing = t.hash.get(g, &key, hash);
        // An aged-out entry that was not collected yet is re-learned like a new one.
        let e = existing.map(FdbVal::entry).filter(|en| !fdb::expired(en, now, self.ageing_jiffies()));
        let max = self.max.load(Ordering::Relaxed);
        match fdb::learn(&key.0, e.as_ref(), port, t.hash.len() as u32, max) {
            Learn::Ignore => Learned::Nothing,
            Learn::Refresh => {
                if let Some(v) = existing {
                    v.updated.store(now, Ordering::Relaxed);
                }
                Learned::Nothing
            }
            Learn::Move { to } => {
                let Some(v) = existing else { return Learned::Nothing };
                let from = v.port.load(Ordering::Relaxed);
                if !may_move(from) {
                    return Learned::Nothing;
                }
                if !self.under_limit(to, mac_max) {
                    return Learned::RefusedMacMax;
                }
                v.port.store(to, Ordering::Relaxed);
                v.updated.store(now, Ordering::Relaxed);
                self.moved(Some(from), to);
                Learned::Nothing
            }
            Learn::Insert => match existing {
                // An expired entry: take it over (static ones never expire).
                Some(v) => {
                    let from = v.port.load(Ordering::Relaxed);
                    if from != port && !self.under_limit(port, mac_max) {
                        return Learned::RefusedMacMax;
                    }
                    v.port.store(port, Ordering::Relaxed);
                    v.updated.store(now, Ordering::Relaxed);
                    if from != port {
                        self.moved(Some(from), port);
                    }
                    Learned::Nothing
                }
                None => {
                    if !self.under_limit(port, mac_max) {
                        return Learned::RefusedMacMax;
                    }
                    let mut full = false;
                    let ins = t.hash.insert_with(key, hash, GFP_ATOMIC, |len| {
                        if len as u32 >= max {
                            full = true;
                            return None;
                        }
                        Some(FdbVal {
                            port: AtomicU32::new(port),
                            updated: AtomicU64::new(now),
                            is_static: AtomicBool::new(false),
                        })
                    });
                    if ins {
                        self.moved(None, port);
                        Learned::Inserted
                    } else if full {
                        Learned::Refused
                    } else {
                        Learned::Nothing
                    }
                }
            },
            Learn::Refuse => Learned::Refused,
        }
    }

    /// Adds (or turns into) a static entry (process context; `gfp` charges the requester).
    pub(crate) fn add_static(&self, mac: &Mac, vid: u16, port: u32, gfp: Flags) -> core::result::Result<(), StaticError> {
        let g = rcu::read_lock();
        let Some(t) = self.table.get(&g) else { return Err(StaticError::NoMem) };
        let key = (*mac, vid);
        let hash = t.hash(mac, vid);
        let now = jiffies64();
        if let Some(v) = t.hash.get(&g, &key, hash) {
            if !v.is_static.swap(true, Ordering::Relaxed) {
                // A learned entry becomes static: it no longer counts for its port.
                if let Some(c) = self.count(v.port.load(Ordering::Relaxed)) {
                    dec(c);
                }
            }
            v.port.store(port, Ordering::Relaxed);
            v.updated.store(now, Ordering::Relaxed);
            return Ok(());
        }
        let max = self.max.load(Ordering::Relaxed);
        let mut full = false;
        let ins = t.hash.insert_with(key, hash, gfp, |len| {
            if len as u32 >= max {
                full = true;
                return None;
            }
            Some(FdbVal { port: AtomicU32::new(port), updated: AtomicU64::new(now), is_static: AtomicBool::new(true) })
        });
        match (ins, full) {
            (true, _) => Ok(()),
            (false, true) => Err(StaticError::Full),
            // Inserted by the fast path meanwhile: make that one static.
            (false, false) => match t.hash.get(&g, &key, hash) {
                Some(v) => {
                    if !v.is_static.swap(true, Ordering::Relaxed) {
                        if let Some(c) = self.count(v.port.load(Ordering::Relaxed)) {
                            dec(c);
                        }
                    }
                    v.port.store(port, Ordering::Relaxed);
                    Ok(())
                }
                None => Err(StaticError::NoMem),
            },
        }
    }

    /// Removes entries for which `keep` is false (process context, a bucket at a time).
    pub(crate) fn retain(&self, mut keep: impl FnMut(&FdbKey, &Entry) -> bool) -> usize {
        let Some(t) = self.current() else { return 0 };
        t.hash.retain(|k, v| {
            let e = v.entry();
            let k = keep(k, &e);
            if !k && !e.is_static {
                if let Some(c) = self.count(e.port) {
                    dec(c);
                }
            }
            k
        })
    }

    /// Removes every entry pointing at port `id`.
    pub(crate) fn flush_port(&self, id: u32) {
        self.retain(|_, e| e.port != id);
    }

    /// Calls `f` on the entries from `from` on (see `RcuHash::walk`), live ones only.
    pub(crate) fn walk(&self, from: Cursor, mut f: impl FnMut(&FdbKey, &Entry) -> bool) -> Option<Cursor> {
        let now = jiffies64();
        let ageing = self.ageing_jiffies();
        let t = self.current()?;
        t.hash.walk(from, |k, v| {
            let e = v.entry();
            fdb::expired(&e, now, ageing) || f(k, &e)
        })
    }

    /// Changes `fdb-max`. When the table's size changes, a new table (new key) takes the
    /// entries that fit, static ones first, and the old one is freed once the fast path and
    /// every walk are done with it. Frames learned into the old one meanwhile are learned
    /// again. Under RTNL (serialised with other changes).
    pub(crate) fn set_max(&self, max: u32, gfp: Flags) -> Result {
        let old_buckets = self.current().map_or(0, |t| t.hash.buckets());
        let new = Table::new(max, gfp)?;
        if new.hash.buckets() == old_buckets {
            let mut statics = 0u32;
            self.walk(Cursor::default(), |_, e| {
                statics += u32::from(e.is_static);
                true
            });
            if statics > max {
                return Err(ENOSPC);
            }
            self.max.store(max, Ordering::Relaxed);
            return Ok(());
        }
        let now = jiffies64();
        // Static entries are configuration: each must make it, or nothing changes. Learned
        // ones fill what room is left (a failed copy is learned again).
        let (mut lost_static, mut too_many) = (false, false);
        for want_static in [true, false] {
            self.walk(Cursor::default(), |k, e| {
                if e.is_static != want_static {
                    return true;
                }
                if new.hash.len() as u32 >= max {
                    too_many |= e.is_static;
                    return !too_many;
                }
                let ok = new.hash.insert_with(*k, new.hash(&k.0, k.1), gfp, |_| {
                    Some(FdbVal {
                        port: AtomicU32::new(e.port),
                        updated: AtomicU64::new(if e.is_static { now } else { e.updated }),
                        is_static: AtomicBool::new(e.is_static),
                    })
                });
                lost_static |= e.is_static && !ok;
                !lost_static
            });
        }
        if too_many {
            return Err(ENOSPC);
        }
        if lost_static {
            return Err(ENOMEM);
        }
        let boxed = RcuBox::new(Arc::new(new, gfp)?, gfp)?;
        // The learning counts follow what the new table keeps.
        for c in self.learned.iter() {
            c.store(0, Ordering::Relaxed);
        }
        boxed.hash.walk(Cursor::default(), |_, v| {
            let e = v.entry();
            if !e.is_static {
                if let Some(c) = self.count(e.port) {
                    c.fetch_add(1, Ordering::Relaxed);
                }
            }
            true
        });
        self.max.store(max, Ordering::Relaxed);
        self.table.replace(Some(boxed));
        Ok(())
    }

    /// Removes aged-out entries; returns the delay (jiffies) until the next entry can expire,
    /// `None` when there is no dynamic entry left (or ageing is off).
    fn age(&self) -> Option<u64> {
        let ageing = self.ageing_jiffies();
        if ageing == 0 {
            return None;
        }
        let now = jiffies64();
        let mut oldest: Option<u64> = None;
        self.retain(|_, e| {
            if fdb::expired(e, now, ageing) {
                return false;
            }
            if !e.is_static {
                let age = fdb::age(e, now);
                oldest = Some(oldest.map_or(age, |o| o.max(age)));
            }
            true
        });
        // The oldest remaining entry expires first; at most once a second.
        oldest.map(|age| (ageing - age.min(ageing)).max(hz()))
    }
}

/// The ager: runs while dynamic entries exist (the fast path starts it when it inserts one).
impl DelayedWorkFn for Fdb {
    fn run(&self, w: &DelayedWorkRef<'_, Self>) {
        if let Some(delay) = self.age() {
            w.schedule(delay);
        }
    }
}
