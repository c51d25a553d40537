// SPDX-License-Identifier: GPL-2.0
//! What the 6.12 `KVec` lacks: removing elements.

/// Removes and returns element `i` of `v`, shifting the rest down (the 6.12 `KVec` has no
/// `remove`). `None` if out of range.
pub fn vec_remove<T>(v: &mut kernel::alloc::KVec<T>, i: usize) -> Option<T> {
    let len = v.len();
    if i >= len {
        return None;
    }
    // SAFETY: `i < len`: read element `i` out, move the tail down by one, and shrink the
    // length so the moved-out slot is not dropped twice.
    unsafe {
        let p = v.as_mut_ptr().add(i);
        let item = core::ptr::read(p);
        core::ptr::copy(p.add(1), p, len - i - 1);
        v.set_len(len - 1);
        Some(item)
    }
}

/// Removes and returns the last element of `v` (the 6.12 `KVec` has no `pop`).
pub fn vec_pop<T>(v: &mut kernel::alloc::KVec<T>) -> Option<T> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    vec_remove(v, n - 1)
}

/// Keeps only the elements for which `keep` is true (the 6.12 `KVec` has no `retain`).
/// Quadratic in the worst case: for the short lists of configuration.
pub fn vec_retain<T>(v: &mut kernel::alloc::KVec<T>, mut keep: impl FnMut(&T) -> bool) {
    let mut i = 0;
    while i < v.len() {
        if keep(&v[i]) {
            i += 1;
        } else {
            drop(vec_remove(v, i));
        }
    }
}
