// SPDX-License-Identifier: GPL-2.0
//! Attribute policies: what the generic netlink core checks before a handler runs.

#[allow(unused_imports)]
use super::*;

/// The validation of one attribute, checked by the generic netlink core before a handler
/// runs (a request with a value out of range fails with the core's extack message, pointing
/// at the attribute and reporting the allowed range).
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Policy(bindings::nla_policy);

// SAFETY: a `Policy` is immutable plain data after construction; its only pointer (a range
// of `Policy::u32_range`/`u64_range`) points to a `'static` `Range`, which is immutable.
unsafe impl Sync for Policy {}

/// An inclusive range of an integer attribute wider than 16 bits (`NLA_POLICY_FULL_RANGE`).
#[repr(transparent)]
pub struct Range(bindings::netlink_range_validation);

// SAFETY: immutable plain data.
unsafe impl Sync for Range {}

impl Range {
    /// `min..=max`.
    pub const fn new(min: u64, max: u64) -> Self {
        Range(bindings::netlink_range_validation { min, max })
    }
}

impl Policy {
    const fn of(ty: u32, len: u16) -> Self {
        // SAFETY: `nla_policy` is a C struct of integers, a union of integers, pointers and
        // an optional function pointer; all-zero is a valid value for each of them.
        let mut p: bindings::nla_policy = unsafe { core::mem::zeroed() };
        p.type_ = ty as u8;
        p.len = len;
        Policy(p)
    }
    const fn with_min_max(mut self, min: i16, max: i16) -> Self {
        self.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_RANGE as u8;
        self.0.__bindgen_anon_1.__bindgen_anon_1 = bindings::nla_policy__bindgen_ty_1__bindgen_ty_1 { min, max };
        self
    }
    /// The attribute number is not used (slot 0 and gaps).
    pub const fn unused() -> Self {
        Self::of(bindings::NLA_UNSPEC, 0)
    }
    /// A `u8` attribute.
    pub const fn u8() -> Self {
        Self::of(bindings::NLA_U8, 0)
    }
    /// A `u8` attribute in `min..=max` (`NLA_POLICY_RANGE(NLA_U8, ...)`).
    pub const fn u8_range(min: u8, max: u8) -> Self {
        Self::u8().with_min_max(min as i16, max as i16)
    }
    /// A `u16` attribute.
    pub const fn u16() -> Self {
        Self::of(bindings::NLA_U16, 0)
    }
    /// A `u16` attribute in `min..=max`; both at most `i16::MAX` (a wider range needs a
    /// [`Range`]).
    pub const fn u16_range(min: u16, max: u16) -> Self {
        assert!(max <= i16::MAX as u16 && min <= max);
        Self::u16().with_min_max(min as i16, max as i16)
    }
    /// A `u16` attribute with no bit outside `mask` (`NLA_POLICY_MASK`).
    pub const fn u16_mask(mask: u16) -> Self {
        let mut p = Self::u16();
        p.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_MASK as u8;
        p.0.__bindgen_anon_1.mask = mask as u32;
        p
    }
    /// A `u32` attribute.
    pub const fn u32() -> Self {
        Self::of(bindings::NLA_U32, 0)
    }
    /// A `u32` attribute in `range` (`NLA_POLICY_FULL_RANGE(NLA_U32, ...)`).
    pub const fn u32_range(range: &'static Range) -> Self {
        Self::u32().in_range(range)
    }
    /// This integer policy, validated against `range` (`NLA_VALIDATE_RANGE_PTR`).
    const fn in_range(mut self, range: &'static Range) -> Self {
        self.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_RANGE_PTR as u8;
        self.0.__bindgen_anon_1.range = &range.0;
        self
    }
    /// A `u64` attribute.
    pub const fn u64() -> Self {
        Self::of(bindings::NLA_U64, 0)
    }
    /// A `u64` attribute in `range`.
    pub const fn u64_range(range: &'static Range) -> Self {
        Self::u64().in_range(range)
    }
    /// A flag (no payload).
    pub const fn flag() -> Self {
        Self::of(bindings::NLA_FLAG, 0)
    }
    /// A NUL-terminated string of at most `max` bytes before the NUL.
    pub const fn nul_string(max: u16) -> Self {
        Self::of(bindings::NLA_NUL_STRING, max)
    }
    /// Opaque bytes of exactly `len` bytes (e.g. a MAC address), as `NLA_POLICY_EXACT_LEN`.
    pub const fn exact(len: u16) -> Self {
        let mut p = Self::of(bindings::NLA_BINARY, len);
        p.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_MIN as u8;
        p.0.__bindgen_anon_1.__bindgen_anon_1 =
            bindings::nla_policy__bindgen_ty_1__bindgen_ty_1 { min: len as i16, max: 0 };
        p
    }
    /// Opaque bytes, at most `max` bytes (the handler checks the exact sizes it accepts).
    pub const fn binary(max: u16) -> Self {
        Self::of(bindings::NLA_BINARY, max)
    }
    /// A nested attribute (its contents are checked by the handler).
    pub const fn nested() -> Self {
        Self::of(bindings::NLA_NESTED, 0)
    }

    /// The policy table of attributes `0..N` from `(attribute, policy)` pairs, every other
    /// number unused. Each attribute is named once, and the table is checked when it is
    /// built (at compile time in a `static`): a number out of range or given twice fails.
    pub const fn table<const N: usize>(entries: &[(u16, Policy)]) -> [Policy; N] {
        let mut t = [Policy::unused(); N];
        let mut seen = [false; N];
        let mut i = 0;
        while i < entries.len() {
            let (ty, p) = entries[i];
            let ty = ty as usize;
            assert!(ty > 0 && ty < N, "attribute number out of the table");
            assert!(!seen[ty], "attribute given twice");
            seen[ty] = true;
            t[ty] = p;
            i += 1;
        }
        t
    }
}
