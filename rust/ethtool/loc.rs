// SPDX-License-Identifier: GPL-2.0
//! Where a new ntuple rule goes, when the driver leaves the choice to us (pure: also built on
//! the host for `cargo test`).

/// Largest rule table searched (a driver reporting a larger one is not believed).
pub const MAX_TABLE: u32 = 65536;

/// Whether a rule table of `size` locations is one to search.
pub fn table_ok(size: u32) -> bool {
    size != 0 && size <= MAX_TABLE
}

/// The lowest location of a table of `size` that no rule in `used` holds; `None` when the
/// table is full (or not one to search). Reorders `used`: tables may hold 64K rules, so the
/// search is linear (each location below `used.len()` is first moved to its own index, then
/// the first index not holding itself is free).
pub fn free_location(size: u32, used: &mut [u32]) -> Option<u32> {
    if !table_ok(size) {
        return None;
    }
    let n = used.len();
    for i in 0..n {
        // Each swap puts one location at its own index for good: at most `n` swaps in all.
        loop {
            let l = used[i] as usize;
            if l >= n || l == i || used[l] as usize == l {
                break;
            }
            used.swap(i, l);
        }
    }
    let free = (0..n).find(|&i| used[i] as usize != i).unwrap_or(n);
    u32::try_from(free).ok().filter(|f| *f < size)
}
