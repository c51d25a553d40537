// SPDX-License-Identifier: GPL-2.0
//! SR-IOV VF-backed vPorts and their MSI-X interrupts through the IOMMU's interrupt-remapping
//! domain. Empty until the SR-IOV work lands; see ARCHITECTURE.md.
