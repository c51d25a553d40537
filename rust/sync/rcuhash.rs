// SPDX-License-Identifier: GPL-2.0
//! An RCU hash table for the FDB: lock-free lookups (and in-place updates through the
//! value's own atomics) on the fast path; insertions and removals take a BH-safe spinlock
//! (new MACs are rare, as in the bridge), one bucket at a time; removed nodes are freed by
//! `call_rcu`, so nothing here waits for a grace period.
//!
//! The bucket array is sized once (a power of two) and may be large (an FDB of a million
//! entries): it is allocated with `kvmalloc`, so it never needs megabytes of physically
//! contiguous memory. Walks (ageing, flush, dumps) visit one bucket at a time and can resume
//! from a [`Cursor`], so none holds the lock, or an RCU read section, over the whole table.

use crate::sync::bhlock::BhLock;
use crate::bindings;
use crate::sync::rcu::ReadGuard;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use kernel::alloc::{KBox, KVVec};
use kernel::error::Result;
use kernel::types::Opaque;

/// A random 64-bit value (e.g. a hash key).
pub fn random_u64() -> u64 {
    // SAFETY: no preconditions.
    unsafe { bindings::get_random_u64() }
}

/// Lets the scheduler run something else (long loops in process context).
pub fn cond_resched() {
    // SAFETY: only called from process context without spinlocks held (the walks below).
    unsafe { bindings::vsw_cond_resched() };
}

/// One entry. `rcu` is first so the `call_rcu` callback finds the node from its head.
#[repr(C)]
struct Node<K, V> {
    rcu: Opaque<bindings::callback_head>,
    next: AtomicPtr<Node<K, V>>,
    key: K,
    val: V,
}

/// Frees a node after its grace period (softirq context: nodes need no drop, see `new`).
///
/// # Safety
/// Called by RCU once, after a grace period, with the `rcu` head of a node unlinked and
/// handed to `call_rcu`.
unsafe extern "C" fn free_node<K, V>(head: *mut bindings::callback_head) {
    // SAFETY: `head` is the first field of a `repr(C)` node leaked by `KBox::into_raw` and
    // unlinked before `call_rcu`; its grace period has ended.
    drop(unsafe { KBox::from_raw(head.cast::<Node<K, V>>()) });
}

/// Where a walk stopped: bucket index and the number of entries of that bucket already seen.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Cursor {
    pub bucket: usize,
    pub skip: usize,
}

/// The table. Keys are compared with `==`; callers supply a 64-bit hash of the key (keyed,
/// so that chosen keys cannot pile into one bucket), of which the low bits pick the bucket.
///
/// # Invariants
/// `buckets.len()` is a power of two (`mask + 1`). Every non-null pointer reachable from
/// `buckets` is a `KBox<Node>` owned by the table; nodes are unlinked only under `lock` and
/// freed only by `call_rcu` after that (or by drop, when no reader can exist).
pub struct RcuHash<K, V> {
    buckets: KVVec<AtomicPtr<Node<K, V>>>,
    mask: usize,
    /// Serialises writers (the unit it guards is the bucket chains).
    lock: BhLock<()>,
    len: AtomicUsize,
}

// SAFETY: values are shared with readers on any CPU (`V: Sync`) and moved between threads
// on insertion/removal (`Send`); the table's own state is atomics and a lock.
unsafe impl<K: Send + Sync, V: Send + Sync> Sync for RcuHash<K, V> {}
// SAFETY: as above.
unsafe impl<K: Send + Sync, V: Send + Sync> Send for RcuHash<K, V> {}

impl<K: PartialEq + Copy + 'static, V: 'static> RcuHash<K, V> {
    /// A table with at least `n` buckets (rounded up to a power of two, at least 16).
    /// Allocated with `gfp` (charge it to the requester with `GFP_KERNEL_ACCOUNT`).
    pub fn new(n: usize, gfp: kernel::alloc::Flags) -> Result<Self> {
        // Nodes are freed from an RCU callback (softirq): they must need no drop beyond the
        // memory itself.
        const { assert!(!core::mem::needs_drop::<K>() && !core::mem::needs_drop::<V>()) };
        let n = n.clamp(16, 1 << 24).next_power_of_two();
        let mut buckets = KVVec::with_capacity(n, gfp)?;
        for _ in 0..n {
            buckets.push(AtomicPtr::new(core::ptr::null_mut()), gfp)?;
        }
        Ok(RcuHash { buckets, mask: n - 1, lock: BhLock::new(())?, len: AtomicUsize::new(0) })
    }

    /// Number of buckets.
    pub fn buckets(&self) -> usize {
        self.mask + 1
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    fn head(&self, hash: u64) -> &AtomicPtr<Node<K, V>> {
        &self.buckets[(hash as usize) & self.mask]
    }

    /// # Safety
    /// The caller holds an RCU read guard or the lock for `'a`.
    unsafe fn find<'a>(&'a self, key: &K, hash: u64) -> Option<&'a Node<K, V>> {
        let mut p = self.head(hash).load(Ordering::Acquire);
        // SAFETY: nodes reachable from a bucket are live until a grace period after they are
        // unlinked (invariant), which the caller's guard or lock holds off.
        while let Some(n) = unsafe { p.as_ref() } {
            if n.key == *key {
                return Some(n);
            }
            p = n.next.load(Ordering::Acquire);
        }
        None
    }

    /// Looks `key` up inside an RCU read-side section.
    pub fn get<'a>(&'a self, _g: &'a ReadGuard, key: &K, hash: u64) -> Option<&'a V> {
        // SAFETY: the guard is held for `'a`.
        unsafe { self.find(key, hash) }.map(|n| &n.val)
    }

    /// Inserts `key` unless present; `make` builds the value from the current number of
    /// entries (called under the lock; it may refuse, e.g. when the table is full). The node
    /// is allocated with `gfp` before the lock is taken. Returns `true` if inserted.
    pub fn insert_with(&self, key: K, hash: u64, gfp: kernel::alloc::Flags, make: impl FnOnce(usize) -> Option<V>) -> bool {
        let Ok(node) = KBox::new_uninit(gfp) else { return false };
        let _l = self.lock.lock();
        // SAFETY: the lock is held.
        if unsafe { self.find(&key, hash) }.is_some() {
            return false;
        }
        let Some(val) = make(self.len()) else { return false };
        let head = self.head(hash);
        let node = KBox::write(
            node,
            Node { rcu: Opaque::uninit(), key, val, next: AtomicPtr::new(head.load(Ordering::Relaxed)) },
        );
        // Release publishes the fully built node to lock-free readers.
        head.store(KBox::into_raw(node), Ordering::Release);
        self.len.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Removes the entries of one bucket for which `keep` returns `false` (under the lock);
    /// they are freed after a grace period. Returns how many were removed.
    fn retain_bucket(&self, b: usize, keep: &mut impl FnMut(&K, &V) -> bool) -> usize {
        let _l = self.lock.lock();
        let mut link: &AtomicPtr<Node<K, V>> = &self.buckets[b];
        let mut n = 0;
        loop {
            let p = link.load(Ordering::Relaxed);
            // SAFETY: under the lock, reachable nodes are live (invariant).
            let Some(node) = (unsafe { p.as_ref() }) else { break };
            if keep(&node.key, &node.val) {
                link = &node.next;
                continue;
            }
            // Unlink; readers already on `node` still follow its intact `next`.
            link.store(node.next.load(Ordering::Relaxed), Ordering::Release);
            // SAFETY: unlinked under the lock, so no new reader finds it; `call_rcu` frees it
            // after the readers that might hold it are done. The head is the node's own.
            unsafe { bindings::call_rcu(p.cast(), Some(free_node::<K, V>)) };
            n += 1;
        }
        self.len.fetch_sub(n, Ordering::Relaxed);
        n
    }

    /// Removes every entry for which `keep` returns `false`, one bucket at a time (process
    /// context: it yields the CPU now and then). Returns the number removed. Entries
    /// inserted meanwhile may be left for the next call.
    pub fn retain(&self, mut keep: impl FnMut(&K, &V) -> bool) -> usize {
        let mut n = 0;
        for b in 0..self.buckets() {
            n += self.retain_bucket(b, &mut keep);
            if b % 1024 == 1023 {
                cond_resched();
            }
        }
        n
    }

    /// Calls `f` on entries from `from` on, inside RCU read sections of a bucket each, until
    /// `f` returns `false`; returns where to resume (`None`: the walk is complete). Process
    /// context. Entries added or removed meanwhile may or may not be seen.
    pub fn walk(&self, from: Cursor, mut f: impl FnMut(&K, &V) -> bool) -> Option<Cursor> {
        for b in from.bucket..self.buckets() {
            let skip = if b == from.bucket { from.skip } else { 0 };
            {
                let _g = crate::sync::rcu::read_lock();
                let mut p = self.buckets[b].load(Ordering::Acquire);
                let mut i = 0;
                // SAFETY: under the RCU read guard, reachable nodes stay live (invariant).
                while let Some(n) = unsafe { p.as_ref() } {
                    if i >= skip && !f(&n.key, &n.val) {
                        return Some(Cursor { bucket: b, skip: i });
                    }
                    i += 1;
                    p = n.next.load(Ordering::Acquire);
                }
            }
            if b % 1024 == 1023 {
                cond_resched();
            }
        }
        None
    }
}

impl<K, V> Drop for RcuHash<K, V> {
    fn drop(&mut self) {
        // No readers remain when the table is dropped (its owner frees it after a grace
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
