// SPDX-License-Identifier: GPL-2.0
//! Frames in a qdisc: [`Packet`] (an owned skb), [`PacketQueue`] (a FIFO of them, linked
//! through the skbs themselves) and [`ClassTag`] (what the sender tells the qdisc about a
//! frame, in the qdisc's part of its control buffer).

use crate::bindings;
use crate::net::skb::Skb;
use core::ptr::{addr_of_mut, null_mut, NonNull};

/// A frame held by a qdisc: given by `enqueue`, handed back to the core by `dequeue` or
/// dropped (freed on drop).
///
/// # Invariants
/// `0` is a valid skb owned by this value.
pub struct Packet(NonNull<bindings::sk_buff>);

// SAFETY: a qdisc's frames move between CPUs (enqueued on one, dequeued on another); the
// skb is exclusively ours.
unsafe impl Send for Packet {}

impl Packet {
    /// # Safety
    /// `skb` must be a valid, non-null skb, owned by the caller and given up by this call.
    pub(super) unsafe fn from_raw(skb: *mut bindings::sk_buff) -> Self {
        // SAFETY: non-null by the function contract.
        // INVARIANT: valid and ours by the function contract.
        Packet(unsafe { NonNull::new_unchecked(skb) })
    }

    pub(super) fn as_ptr(&self) -> *mut bindings::sk_buff {
        self.0.as_ptr()
    }

    /// Gives the skb up (to the core, or to a [`PacketQueue`]).
    pub(super) fn into_raw(self) -> *mut bindings::sk_buff {
        let p = self.0.as_ptr();
        core::mem::forget(self);
        p
    }

    /// The qdisc's part of the control buffer (`qdisc_skb_cb`).
    fn cb(&self) -> *mut bindings::qdisc_skb_cb {
        // SAFETY: a valid skb (invariant).
        unsafe { bindings::vsw_qdisc_skb_cb(self.as_ptr()) }
    }

    /// Length for the qdisc's accounting (`qdisc_pkt_len`: set by the core before enqueue).
    pub fn len(&self) -> u32 {
        // SAFETY: the control buffer of our skb.
        unsafe { (*self.cb()).__bindgen_anon_1.pkt_len }
    }

    /// The tag the sender left ([`ClassTag::write`]), taken off (`None` if untagged: a frame
    /// from the host's stack, whose control buffer holds other layers' leftovers).
    pub fn take_tag(&mut self) -> Option<ClassTag> {
        let t = tag_of(self.cb());
        // SAFETY: the control buffer of our skb, `Tag` fits the qdisc's part (see `Tag`);
        // unaligned accesses, as `data` is a byte array.
        unsafe {
            let tag = t.read_unaligned();
            if tag.magic != TAG_MAGIC {
                return None;
            }
            addr_of_mut!((*t).magic).write_unaligned(0);
            Some(ClassTag { id: tag.id, weight: tag.weight })
        }
    }
}

impl Drop for Packet {
    fn drop(&mut self) {
        // SAFETY: we own the skb (invariant); a null socket is allowed. As `kfree_skb`.
        unsafe {
            bindings::sk_skb_reason_drop(
                null_mut(),
                self.as_ptr(),
                bindings::skb_drop_reason_SKB_DROP_REASON_NOT_SPECIFIED,
            )
        };
    }
}

/// A FIFO of packets, linked through `skb->next` like the core's `qdisc_skb_head` (no lock
/// and no count: the qdisc's lock and counters cover it). All-null when empty: not
/// self-referential (unlike `sk_buff_head`), and [`kernel::init::zeroed`] makes empty ones.
///
/// # Invariants
/// `head` is null, or the first of a chain of skbs owned by the queue, linked by `next`, the
/// last being `tail`, whose `next` is null.
pub struct PacketQueue {
    head: *mut bindings::sk_buff,
    tail: *mut bindings::sk_buff,
}

// SAFETY: the queue owns its skbs exclusively (as `Packet` does).
unsafe impl Send for PacketQueue {}

// SAFETY: all-null is the empty queue (`new`).
unsafe impl kernel::init::Zeroable for PacketQueue {}

/// `skb->next` (the list pointers are in an anonymous union).
///
/// # Safety
/// `skb` must be a valid skb.
unsafe fn next(skb: *mut bindings::sk_buff) -> *mut *mut bindings::sk_buff {
    // SAFETY: a valid skb (function contract); no reference is made.
    unsafe { addr_of_mut!((*skb).__bindgen_anon_1.__bindgen_anon_1.next) }
}

impl PacketQueue {
    /// An empty queue.
    pub const fn new() -> Self {
        PacketQueue { head: null_mut(), tail: null_mut() }
    }

    /// Nothing queued.
    pub fn is_empty(&self) -> bool {
        self.head.is_null()
    }

    /// Queues `pkt` at the tail.
    pub fn push(&mut self, pkt: Packet) {
        let skb = pkt.into_raw();
        // SAFETY: `skb` is ours now, as are the queue's (invariant); `tail` is valid when
        // `head` is not null.
        unsafe {
            *next(skb) = null_mut();
            if self.head.is_null() {
                self.head = skb;
            } else {
                *next(self.tail) = skb;
            }
        }
        // INVARIANT: `skb` is the new last, with a null `next`.
        self.tail = skb;
    }

    /// Takes the packet at the head.
    pub fn pop(&mut self) -> Option<Packet> {
        let skb = self.head;
        if skb.is_null() {
            return None;
        }
        // SAFETY: the head is a valid skb of ours (invariant); unlinked as `__skb_dequeue`
        // does (both list pointers cleared), then given to the `Packet`.
        unsafe {
            self.head = *next(skb);
            if self.head.is_null() {
                self.tail = null_mut();
            }
            *next(skb) = null_mut();
            *addr_of_mut!((*skb).__bindgen_anon_1.__bindgen_anon_1.prev) = null_mut();
            Some(Packet::from_raw(skb))
        }
    }

    /// Frees every queued packet.
    pub fn clear(&mut self) {
        while let Some(p) = self.pop() {
            drop(p);
        }
    }
}

impl Drop for PacketQueue {
    fn drop(&mut self) {
        self.clear();
    }
}

/// What a sender tells the qdisc about a frame: its class (the source port's `id`, 0 for
/// none) and the class's `weight`. Kept in the qdisc's part of the control buffer
/// (`qdisc_skb_cb::data`), which nothing between the switch's transmit and the qdisc's
/// enqueue uses.
#[derive(Clone, Copy)]
pub struct ClassTag {
    /// Source port id.
    pub id: u32,
    /// Its bandwidth weight.
    pub weight: u32,
}

/// The tag as stored; the magic tells it from other layers' leftovers.
#[repr(C)]
#[derive(Clone, Copy)]
struct Tag {
    magic: u32,
    id: u32,
    weight: u32,
}

const TAG_MAGIC: u32 = 0x7673_7771; // "vswq"

const _: () = assert!(core::mem::size_of::<Tag>() <= bindings::QDISC_CB_PRIV_LEN as usize);

/// Where the tag lives in a control buffer.
fn tag_of(cb: *mut bindings::qdisc_skb_cb) -> *mut Tag {
    // `data` is QDISC_CB_PRIV_LEN bytes, enough for a `Tag` (asserted above).
    cb.wrapping_byte_add(core::mem::offset_of!(bindings::qdisc_skb_cb, data)).cast()
}

impl ClassTag {
    /// Tags `skb` for the qdisc of the device it is about to be sent on.
    pub fn write(self, skb: &mut Skb) {
        // SAFETY: the skb is valid and exclusively ours (`&mut Skb`).
        let cb = unsafe { bindings::vsw_qdisc_skb_cb(skb.as_ptr()) };
        let tag = Tag { magic: TAG_MAGIC, id: self.id, weight: self.weight };
        // SAFETY: inside the skb's control buffer (see `tag_of`); unaligned, as `data` is a
        // byte array.
        unsafe { tag_of(cb).write_unaligned(tag) };
    }
}
