// SPDX-License-Identifier: GPL-2.0
//! The VMQ software backend's delivery: a vPort's frames handed to the receive path of the
//! vPort's steering CPU, as RPS does for a device's queue.
//!
//! Each CPU has a lock-free list of frames waiting for it, an IPI (`call_single_data`) that
//! kicks it when the list becomes non-empty, and a tasklet that the IPI schedules there and
//! that drains the list into `netif_rx`. A waiting frame holds a reference on its vPort.
//!
//! Teardown: a [`Steer`] is dropped only once the fast path cannot reach it any more; the
//! drop waits until no frame is queued and no IPI is pending (per-CPU counters), then kills
//! the tasklets, so nothing refers to the per-CPU memory when it is freed.

use crate::bindings;
use crate::cpu;
use crate::net::skb::Skb;
use crate::net::NetDevice;
use crate::percpu::PerCpu;
use core::ffi::c_void;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::error::Result;
use kernel::init::Zeroable;
use kernel::types::{ARef, Opaque};

/// One CPU's waiting frames and the means to kick it.
///
/// `call_single_data_t` must be aligned to its size (so it never spans two cache lines):
/// the csd comes first in a 64-byte-aligned struct.
#[repr(C, align(64))]
struct SteerCpu {
    csd: Opaque<bindings::__call_single_data>,
    list: Opaque<bindings::llist_head>,
    tasklet: Opaque<bindings::tasklet_struct>,
    /// Frames queued and not yet delivered.
    frames: AtomicU32,
    /// IPIs sent and not yet run.
    kicks: AtomicU32,
}

const _: () = assert!(64 % core::mem::size_of::<bindings::__call_single_data>() == 0);

// SAFETY: all zeroes is an empty list, an idle csd, a tasklet that `Steer::new` sets up before
// any use, and counters at 0.
unsafe impl Zeroable for SteerCpu {}
// SAFETY: shared by all CPUs: the list is lock-free (`llist_add` from any CPU, the owner CPU
// takes all), the csd and tasklet are used only through the kernel's calls, which
// synchronise them, and the counters are atomics.
unsafe impl Sync for SteerCpu {}
// SAFETY: as above; nothing in it is tied to a thread.
unsafe impl Send for SteerCpu {}

/// Software-backend delivery state: per-CPU lists of frames waiting for their vPort's
/// steering CPU.
pub struct Steer {
    cpus: PerCpu<SteerCpu>,
}

impl Steer {
    /// Allocates and sets up the per-CPU lists.
    pub fn new() -> Result<Self> {
        let cpus = PerCpu::<SteerCpu>::new()?;
        for c in cpus.iter() {
            // SAFETY: neither the csd nor the tasklet is in use yet. `c` stays at this address
            // (per-CPU memory) until `Steer` drops, which first waits for the IPIs and kills
            // the tasklets, so the callbacks never see it freed.
            unsafe {
                bindings::vsw_init_csd(c.csd.get(), Some(run), (c as *const SteerCpu).cast_mut().cast());
                bindings::tasklet_setup(c.tasklet.get(), Some(deliver));
            }
        }
        Ok(Steer { cpus })
    }
}

impl Drop for Steer {
    fn drop(&mut self) {
        // Dropped only after the last user of the switch is gone (port table emptied, RCU
        // grace period passed): no frame is queued after this; wait for those in flight.
        for c in self.cpus.iter() {
            while c.frames.load(Ordering::Acquire) != 0 || c.kicks.load(Ordering::Acquire) != 0 {
                core::hint::spin_loop();
            }
        }
        // No IPI pending and no frame queued: no tasklet gets scheduled any more; wait for
        // any still scheduled or running.
        for c in self.cpus.iter() {
            // SAFETY: set up in `new`.
            unsafe { bindings::tasklet_kill(c.tasklet.get()) };
        }
    }
}

/// The IPI on the steering CPU: schedules the tasklet there.
///
/// # Safety
/// `info` must be the `SteerCpu` whose csd ran (as `Steer::new` set it up).
unsafe extern "C" fn run(info: *mut c_void) {
    // SAFETY: `info` is the `SteerCpu` of this csd (`Steer::new`), which stays allocated while
    // its `kicks` is not 0 (the drop waits for it).
    let c = unsafe { &*info.cast::<SteerCpu>() };
    // SAFETY: set up in `Steer::new`.
    unsafe { bindings::vsw_tasklet_schedule(c.tasklet.get()) };
    // Last use of `c`: the csd was released before this callback ran.
    c.kicks.fetch_sub(1, Ordering::Release);
}

/// The tasklet: delivers the CPU's waiting frames, oldest first.
///
/// # Safety
/// `t` must be the tasklet of a `SteerCpu` (as `Steer::new` set it up).
unsafe extern "C" fn deliver(t: *mut bindings::tasklet_struct) {
    // SAFETY: `t` is the tasklet of a `SteerCpu` (`Steer::new`), which stays allocated until
    // the tasklet is killed.
    let c = unsafe { &*kernel::container_of!(t, SteerCpu, tasklet) };
    // SAFETY: the list belongs to `c`; taking all of it is allowed from any context.
    let mut n = unsafe { bindings::llist_reverse_order(bindings::vsw_llist_del_all(c.list.get())) };
    while !n.is_null() {
        // SAFETY: each node is the `ll_node` of a frame that `deliver_rx_on` queued and that
        // is now ours. `ll_node` shares its word with `skb->next`, which the stack wants null;
        // `skb->dev` is the vPort `__dev_forward_skb` set, on which the queuing took a
        // reference that is ours now.
        let (skb, dev) = unsafe {
            let skb = kernel::container_of!(n, bindings::sk_buff, __bindgen_anon_1.ll_node).cast_mut();
            n = (*n).next;
            (*skb).__bindgen_anon_1.__bindgen_anon_1.next = core::ptr::null_mut();
            let dev = (*skb).__bindgen_anon_1.__bindgen_anon_1.__bindgen_anon_1.dev;
            (skb, ARef::<NetDevice>::from_raw(NonNull::new_unchecked(dev.cast())))
        };
        // Running: unregistration's synchronize_net() waits for this BH-off section, and its
        // backlog flush then sees the frame. Not running: drop it.
        if dev.running() {
            // SAFETY: we give up the frame.
            unsafe { bindings::netif_rx(skb) };
        } else {
            let rx_dropped = core::mem::offset_of!(bindings::net_device_core_stats, rx_dropped) as u32;
            // SAFETY: valid device; the offset of a counter of the core stats
            // (`dev_core_stats_rx_dropped_inc`).
            unsafe { bindings::netdev_core_stats_inc(dev.as_ptr(), rx_dropped) };
            // SAFETY: the frame is ours; dropping it frees it.
            drop(unsafe { Skb::from_raw(skb) });
        }
        drop(dev);
        c.frames.fetch_sub(1, Ordering::Release);
    }
}

impl Skb {
    /// Like [`Skb::deliver_rx`], but the vPort's receive processing runs on `cpu` (when it is
    /// another online CPU). `false` if the frame was dropped.
    pub fn deliver_rx_on(self, dev: &NetDevice, steer: &Steer, cpu: u32) -> bool {
        let target = (cpu != cpu::this_cpu() && cpu::online(cpu)).then(|| steer.cpus.get(cpu)).flatten();
        let Some(c) = target else { return self.deliver_rx(dev) };
        let skb = self.into_raw();
        // SAFETY: we own `skb`, whose data starts after the MAC header: push the header back,
        // as for `dev_forward_skb`. Then we give the frame up (it is freed on failure); `dev`
        // is a valid device (NetDevice invariant).
        let ret = unsafe {
            bindings::skb_push(skb, (-bindings::vsw_skb_mac_offset(skb)) as u32);
            bindings::__dev_forward_skb(dev.as_ptr(), skb)
        };
        if ret != bindings::NET_RX_SUCCESS as i32 {
            return false;
        }
        // The frame holds a reference on `dev` while it waits; `deliver` takes it over.
        core::mem::forget(ARef::from(dev));
        c.frames.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `__dev_forward_skb` gave the frame back to us; it is on no list, so its
        // `ll_node` is free until `deliver` takes it off this one.
        let first = unsafe {
            let node = &raw mut (*skb).__bindgen_anon_1.ll_node;
            bindings::llist_add_batch(node, node, c.list.get())
        };
        if first {
            // The list was empty: kick the CPU. If its csd is still pending (an earlier kick
            // not yet run), that kick's tasklet run drains this frame too.
            c.kicks.fetch_add(1, Ordering::Relaxed);
            // SAFETY: the csd was set up in `Steer::new`; the kernel refuses one still
            // pending, and `kicks` keeps the `SteerCpu` alive until it has run.
            if unsafe { bindings::smp_call_function_single_async(cpu as i32, c.csd.get()) } != 0 {
                c.kicks.fetch_sub(1, Ordering::Release);
            }
        }
        true
    }
}
