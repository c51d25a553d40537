// SPDX-License-Identifier: GPL-2.0
/*
 * vswitch's C helpers: wrappers of the kernel's inline functions and macros, which bindgen
 * cannot turn into callable functions. One file per subsystem, compiled as this one unit
 * (the Kbuild object) and read by bindgen through rust/bindings_helper.h, which turns each
 * definition into a declaration: no header to keep in sync. The Rust side documents each
 * one's safety contract. Like the kernel's own rust/helpers/, no logic lives here.
 */

#include "cpu.c"
#include "sync.c"
#include "skb.c"
#include "netdev.c"
#include "genl.c"
#include "steer.c"
#include "pci.c"
#include "irq.c"
#include "sched.c"
