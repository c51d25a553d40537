// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: PCI devices (macros and inlines of pci.h and device.h). */
#include <linux/pci.h>
#include <linux/device.h>

const char *vsw_pci_name(const struct pci_dev *p)
{
	return pci_name(p);
}

struct pci_dev *vsw_pci_physfn(struct pci_dev *p)
{
	return pci_physfn(p);
}

void vsw_device_lock(struct device *dev)
{
	device_lock(dev);
}

int vsw_device_trylock(struct device *dev)
{
	return device_trylock(dev);
}

void vsw_device_unlock(struct device *dev)
{
	device_unlock(dev);
}
