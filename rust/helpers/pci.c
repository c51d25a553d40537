// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: SR-IOV: PCI devices, VFs and their configuration through the PF, MSI-X. */
#include <linux/pci.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <linux/if_ether.h>

struct pci_dev *vsw_netdev_pci(struct net_device *dev)
{
	struct device *p = dev->dev.parent;

	if (!p || !dev_is_pci(p))
		return NULL;
	return pci_dev_get(to_pci_dev(p));
}

void vsw_pci_put(struct pci_dev *p)
{
	pci_dev_put(p);
}

int vsw_pci_totalvfs(struct pci_dev *p)
{
	return pci_sriov_get_totalvfs(p);
}

int vsw_pci_num_vfs(struct pci_dev *p)
{
	return pci_num_vf(p);
}

const char *vsw_pci_name(struct pci_dev *p)
{
	return pci_name(p);
}

const char *vsw_pci_driver(struct pci_dev *p)
{
	return p->driver ? p->driver->name : NULL;
}

int vsw_pci_sriov_configure(struct pci_dev *p, int n)
{
	int ret = 0;

	if (n < 0 || n > pci_sriov_get_totalvfs(p))
		return -ERANGE;
	device_lock(&p->dev);
	if (n == pci_num_vf(p))
		goto out;
	if (!p->driver || !p->driver->sriov_configure) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	pci_lock_rescan_remove();
	if (pci_num_vf(p) && n)
		ret = p->driver->sriov_configure(p, 0);
	if (ret >= 0)
		ret = p->driver->sriov_configure(p, n);
	pci_unlock_rescan_remove();
out:
	device_unlock(&p->dev);
	return ret < 0 ? ret : pci_num_vf(p);
}

struct pci_dev *vsw_pci_vf(struct pci_dev *pf, int vf)
{
	struct pci_dev *p = NULL;

	if (vf < 0 || vf >= pci_num_vf(pf))
		return NULL;
	/* pci_get_device drops the reference of `from` and takes one on the result */
	while ((p = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, p))) {
		if (p->is_virtfn && pci_physfn(p) == pf && pci_iov_vf_id(p) == vf)
			return p;
	}
	return NULL;
}

struct net_device *vsw_pci_netdev(struct pci_dev *p)
{
	struct net_device *dev, *found = NULL;
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net) {
		for_each_netdev_rcu(net, dev) {
			if (dev->dev.parent == &p->dev) {
				dev_hold(dev);
				found = dev;
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	return found;
}

int vsw_pci_msix_irqs(struct pci_dev *p, unsigned int *irqs, int max)
{
	int i, n = 0, count;

	if (!p->msix_enabled)
		return 0;
	count = pci_msix_vec_count(p);
	for (i = 0; i < count && n < max; i++) {
		int irq = pci_irq_vector(p, i);

		if (irq > 0)
			irqs[n++] = irq;
	}
	return n;
}

int vsw_pci_msix_enabled(struct pci_dev *p)
{
	return p->msix_enabled;
}

int vsw_vf_set_mac(struct net_device *pf, int vf, u8 *mac)
{
	ASSERT_RTNL();
	if (!pf->netdev_ops->ndo_set_vf_mac)
		return -EOPNOTSUPP;
	return pf->netdev_ops->ndo_set_vf_mac(pf, vf, mac);
}

int vsw_vf_set_vlan(struct net_device *pf, int vf, u16 vid)
{
	ASSERT_RTNL();
	if (!pf->netdev_ops->ndo_set_vf_vlan)
		return -EOPNOTSUPP;
	return pf->netdev_ops->ndo_set_vf_vlan(pf, vf, vid, 0, htons(ETH_P_8021Q));
}

int vsw_vf_set_spoofchk(struct net_device *pf, int vf, int on)
{
	ASSERT_RTNL();
	if (!pf->netdev_ops->ndo_set_vf_spoofchk)
		return -EOPNOTSUPP;
	return pf->netdev_ops->ndo_set_vf_spoofchk(pf, vf, on);
}

int vsw_vf_set_trust(struct net_device *pf, int vf, int on)
{
	ASSERT_RTNL();
	if (!pf->netdev_ops->ndo_set_vf_trust)
		return -EOPNOTSUPP;
	return pf->netdev_ops->ndo_set_vf_trust(pf, vf, on);
}

int vsw_vf_set_link_state(struct net_device *pf, int vf, int state)
{
	ASSERT_RTNL();
	if (!pf->netdev_ops->ndo_set_vf_link_state)
		return -EOPNOTSUPP;
	return pf->netdev_ops->ndo_set_vf_link_state(pf, vf, state);
}
