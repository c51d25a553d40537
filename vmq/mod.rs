// SPDX-License-Identifier: GPL-2.0
//! VMQ (one uplink receive queue per vPort, chosen by MAC+VLAN filter) and the Dynamic VMQ
//! balancer. Empty until the VMQ work lands; see ARCHITECTURE.md.
