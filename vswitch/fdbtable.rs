// SPDX-License-Identifier: GPL-2.0
//! The forwarding database of one switch: (MAC, VLAN) -> port in an RCU hash keyed with a
//! per-table random secret and sized for the switch's `fdb-max`; learning and refreshing
//! from the fast path, static entries, the size limit (static entries count too), and ageing
//! by a delayed work item that runs only while there are dynamic entries to age and takes no
//! lock but the table's own. The decisions are the pure `fdb.rs`.

use crate::fdb::{self, Entry, HashKey, Learn};
use crate::mac::Mac;
use crate::sys::rcu::{self, RcuBox, RcuPtr};
use crate::sys::rcuhash::{hz, jiffies64, random_u64, Cursor, RcuHash};
use crate::sys::workqueue::{DelayedWorkFn, DelayedWorkRef};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use kernel::alloc::{flags::GFP_ATOMIC, Flags};
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
    /// Nothing new (ignored, refreshed or moved).
    Nothing,
    /// A new dynamic entry: the ager must run.
    Inserted,
    /// Not learned: the table is full.
    Refused,
}

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
}

impl Fdb {
    pub(crate) fn new(max: u32, ageing: u32, gfp: Flags) -> Result<Self> {
        let table = RcuPtr::null();
        table.replace(Some(RcuBox::new(Arc::new(Table::new(max, gfp)?, gfp)?, gfp)?));
        Ok(Fdb { table, max: AtomicU32::new(max), ageing: AtomicU32::new(ageing) })
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

    /// Learns source `src` in VLAN `vid` on port `port` (fast path, softirq).
    pub(crate) fn learn(&self, g: &rcu::ReadGuard, src: &Mac, vid: u16, port: u32, now: u64) -> Learned {
        let Some(t) = self.table.get(g) else { return Learned::Nothing };
        let key = (*src, vid);
        let hash = t.hash(src, vid);
        let existing = t.hash.get(g, &key, hash);
        // An aged-out entry that was not collected yet is re-learned like a new one.
        let e = existing.map(FdbVal::entry).filter(|en| !fdb::expired(en, now, self.ageing_jiffies()));
        let max = self.max.load(Ordering::Relaxed);
        match fdb::learn(src, e.as_ref(), port, t.hash.len() as u32, max) {
            Learn::Ignore => Learned::Nothing,
            Learn::Refresh => {
                if let Some(v) = existing {
                    v.updated.store(now, Ordering::Relaxed);
                }
                Learned::Nothing
            }
            Learn::Move { to } => {
                if let Some(v) = existing {
                    v.port.store(to, Ordering::Relaxed);
                    v.updated.store(now, Ordering::Relaxed);
                }
                Learned::Nothing
            }
            Learn::Insert => match existing {
                // An expired entry on another port: take it over.
                Some(v) => {
                    v.port.store(port, Ordering::Relaxed);
                    v.updated.store(now, Ordering::Relaxed);
                    Learned::Nothing
                }
                None => {
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
            v.port.store(port, Ordering::Relaxed);
            v.is_static.store(true, Ordering::Relaxed);
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
                    v.port.store(port, Ordering::Relaxed);
                    v.is_static.store(true, Ordering::Relaxed);
                    Ok(())
                }
                None => Err(StaticError::NoMem),
            },
        }
    }

    /// Removes entries for which `keep` is false (process context, a bucket at a time).
    pub(crate) fn retain(&self, mut keep: impl FnMut(&FdbKey, &Entry) -> bool) -> usize {
        let Some(t) = self.current() else { return 0 };
        t.hash.retain(|k, v| keep(k, &v.entry()))
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
            self.max.store(max, Ordering::Relaxed);
            return Ok(());
        }
        let now = jiffies64();
        for want_static in [true, false] {
            self.walk(Cursor::default(), |k, e| {
                if e.is_static == want_static && (new.hash.len() as u32) < max {
                    new.hash.insert_with(*k, new.hash(&k.0, k.1), gfp, |_| {
                        Some(FdbVal {
                            port: AtomicU32::new(e.port),
                            updated: AtomicU64::new(if e.is_static { now } else { e.updated }),
                            is_static: AtomicBool::new(e.is_static),
                        })
                    });
                }
                true
            });
        }
        let boxed = RcuBox::new(Arc::new(new, gfp)?, gfp)?;
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
