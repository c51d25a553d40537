// SPDX-License-Identifier: GPL-2.0
//! An RCU hash table for the FDB: lock-free lookups (and in-place updates through the
//! value's own atomics) on the fast path; insertions take a BH-safe spinlock (new MACs are
//! rare, as in the bridge); removals unlink under the lock and free after a grace period.

use super::bindings;
use super::rcu::{self, ReadGuard};
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use kernel::alloc::{flags, KBox, KVec};
use kernel::error::{code::*, Result};

/// Current time in jiffies (64-bit, never wraps in practice).
pub fn jiffies64() -> u64 {
    // SAFETY: reading the jiffies counter has no preconditions.
    unsafe { bindings::vsw_jiffies64() }
}

/// Ticks per second.
pub fn hz() -> u64 {
    // SAFETY: constant.
    unsafe { bindings::vsw_hz() as u64 }
}

struct Node<K, V> {
    key: K,
    val: V,
    next: AtomicPtr<Node<K, V>>,
}

/// A BH-safe spinlock (C `spinlock_t` taken with `spin_lock_bh`).
///
/// # Invariants
/// `0` is a valid lock from `vsw_lock_new`, owned by us.
struct BhLock(*mut bindings::vsw_lock);

struct BhGuard<'a>(&'a BhLock);

impl BhLock {
    fn new() -> Result<Self> {
        // SAFETY: allocation with no preconditions.
        let l = unsafe { bindings::vsw_lock_new() };
        if l.is_null() {
            Err(ENOMEM)
        } else {
            Ok(BhLock(l))
        }
    }
    fn lock(&self) -> BhGuard<'_> {
        // SAFETY: valid lock (invariant); released by the guard.
        unsafe { bindings::vsw_lock_bh(self.0) };
        BhGuard(self)
    }
}

impl Drop for BhGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: we hold the lock (taken in `lock`).
        unsafe { bindings::vsw_unlock_bh((self.0).0) };
    }
}

impl Drop for BhLock {
    fn drop(&mut self) {
        // SAFETY: owned, unlocked (no guard can outlive `&self`).
        unsafe { bindings::vsw_lock_free(self.0) };
    }
}

/// The table. Keys are compared with `==`; the caller supplies the bucket index
/// (`hash < buckets`).
///
/// # Invariants
/// Every non-null pointer reachable from `buckets` is a `KBox<Node>` owned by the table;
/// nodes are unlinked only under `lock` and freed only after an RCU grace period.
pub struct RcuHash<K, V> {
    buckets: KVec<AtomicPtr<Node<K, V>>>,
    lock: BhLock,
    len: AtomicUsize,
}

// SAFETY: values are shared with readers on any CPU (`V: Sync`) and moved between threads
// on insertion/removal (`Send`); the table's own state is atomics and a lock.
unsafe impl<K: Send + Sync, V: Send + Sync> Sync for RcuHash<K, V> {}
// SAFETY: as above.
unsafe impl<K: Send + Sync, V: Send + Sync> Send for RcuHash<K, V> {}

impl<K: PartialEq + Copy, V> RcuHash<K, V> {
    /// A table with `n` buckets.
    pub fn new(n: usize) -> Result<Self> {
        let mut buckets = KVec::with_capacity(n, flags::GFP_KERNEL)?;
        for _ in 0..n {
            buckets.push(AtomicPtr::new(core::ptr::null_mut()), flags::GFP_KERNEL)?;
        }
        Ok(RcuHash { buckets, lock: BhLock::new()?, len: AtomicUsize::new(0) })
    }

    /// Number of buckets.
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    fn find<'a>(&'a self, key: &K, hash: usize) -> Option<&'a Node<K, V>> {
        let mut p = self.buckets.get(hash)?.load(Ordering::Acquire);
        // SAFETY: nodes reachable from a bucket are live until a grace period after they are
        // unlinked; callers hold an RCU read guard or the lock for `'a` (see callers).
        while let Some(n) = unsafe { p.as_ref() } {
            if n.key == *key {
                return Some(n);
            }
            p = n.next.load(Ordering::Acquire);
        }
        None
    }

    /// Looks `key` up inside an RCU read-side section.
    pub fn get<'a>(&'a self, _g: &'a ReadGuard, key: &K, hash: usize) -> Option<&'a V> {
        self.find(key, hash).map(|n| &n.val)
    }

    /// Inserts `key` unless present; `make` builds the value (called under the lock; it may
    /// refuse, e.g. when the table is full). Atomic allocation: usable in softirq context.
    /// Returns `true` if inserted.
    pub fn insert_with(&self, key: K, hash: usize, make: impl FnOnce(usize) -> Option<V>) -> bool {
        if hash >= self.buckets.len() {
            return false;
        }
        let _l = self.lock.lock();
        if self.find(&key, hash).is_some() {
            return false;
        }
        let Some(val) = make(self.len()) else { return false };
        let head = &self.buckets[hash];
        let node = KBox::new(
            Node { key, val, next: AtomicPtr::new(head.load(Ordering::Relaxed)) },
            flags::GFP_ATOMIC,
        );
        let Ok(node) = node else { return false };
        // Release publishes the fully built node to lock-free readers.
        head.store(KBox::into_raw(node), Ordering::Release);
        self.len.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Removes every entry for which `keep` returns `false`, then frees them after a grace
    /// period (sleeps: process context only). Returns the number removed. Entries inserted
    /// while this runs may be left for the next call.
    pub fn retain(&self, mut keep: impl FnMut(&K, &V) -> bool) -> Result<usize> {
        // Room for every entry that can exist now, allocated before taking the lock.
        let cap = self.len() + 16;
        let mut dead: KVec<*mut Node<K, V>> = KVec::with_capacity(cap, flags::GFP_KERNEL)?;
        {
            let _l = self.lock.lock();
            'outer: for head in self.buckets.iter() {
                let mut link: &AtomicPtr<Node<K, V>> = head;
                loop {
                    let p = link.load(Ordering::Relaxed);
                    // SAFETY: under the lock, reachable nodes are live (invariant).
                    let Some(node) = (unsafe { p.as_ref() }) else { break };
                    if keep(&node.key, &node.val) {
                        link = &node.next;
                        continue;
                    }
                    if dead.len() == dead.capacity() {
                        break 'outer;
                    }
                    // Unlink; readers already on `node` still follow its intact `next`.
                    link.store(node.next.load(Ordering::Relaxed), Ordering::Release);
                    // Cannot fail: capacity checked above.
                    let _ = dead.push(p, flags::GFP_ATOMIC);
                }
            }
            self.len.fetch_sub(dead.len(), Ordering::Relaxed);
        }
        if !dead.is_empty() {
            rcu::synchronize();
        }
        for p in dead.iter() {
            // SAFETY: unlinked under the lock before the grace period that just ended, so no
            // reader can still reference it; it came from `KBox::into_raw`.
            drop(unsafe { KBox::from_raw(*p) });
        }
        Ok(dead.len())
    }

    /// Calls `f` on every entry (under the lock; `f` must not block).
    pub fn for_each(&self, mut f: impl FnMut(&K, &V)) {
        let _l = self.lock.lock();
        for head in self.buckets.iter() {
            let mut p = head.load(Ordering::Relaxed);
            // SAFETY: under the lock, reachable nodes are live (invariant).
            while let Some(n) = unsafe { p.as_ref() } {
                f(&n.key, &n.val);
                p = n.next.load(Ordering::Relaxed);
            }
        }
    }
}

impl<K, V> Drop for RcuHash<K, V> {
    fn drop(&mut self) {
        // No readers remain when the table is dropped (its owner is gone after a grace
        // period), so free every node directly.
        for head in self.buckets.iter() {
            let mut p = head.load(Ordering::Relaxed);
            while !p.is_null() {
                // SAFETY: reachable nodes are owned by the table (invariant), no readers left.
                let node = unsafe { KBox::from_raw(p) };
                p = node.next.load(Ordering::Relaxed);
            }
        }
    }
}
