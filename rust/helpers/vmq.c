// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: VMQ: ethtool ntuple filters and receive queue interrupts. */
#include <linux/netdevice.h>
#include <linux/ethtool.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/slab.h>
#include <linux/rtnetlink.h>
#include <net/netdev_rx_queue.h>

int vsw_rxnfc_rings(struct net_device *dev)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_rxnfc info = { .cmd = ETHTOOL_GRXRINGS };
	int err;

	ASSERT_RTNL();
	if (!ops || !ops->get_rxnfc || !ops->set_rxnfc)
		return -EOPNOTSUPP;
	if (!(dev->features & NETIF_F_NTUPLE))
		return -EOPNOTSUPP;
	err = ops->get_rxnfc(dev, &info, NULL);
	if (err)
		return err;
	return info.data > INT_MAX ? INT_MAX : (int)info.data;
}

static int vsw_rxnfc_free_loc(struct net_device *dev, u32 *loc)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_rxnfc info = { .cmd = ETHTOOL_GRXCLSRLCNT };
	u32 size, *locs, i, j;
	int err;

	err = ops->get_rxnfc(dev, &info, NULL);
	if (err)
		return err;
	if (info.data & RX_CLS_LOC_SPECIAL) {
		*loc = RX_CLS_LOC_ANY;
		return 0;
	}
	size = info.data;
	if (!size || size > 65536)
		return -ENOSPC;
	locs = kcalloc(info.rule_cnt ?: 1, sizeof(*locs), GFP_KERNEL);
	if (!locs)
		return -ENOMEM;
	info.cmd = ETHTOOL_GRXCLSRLALL;
	err = ops->get_rxnfc(dev, &info, locs);
	if (err)
		goto out;
	err = -ENOSPC;
	for (i = 0; i < size; i++) {
		for (j = 0; j < info.rule_cnt; j++)
			if (locs[j] == i)
				break;
		if (j == info.rule_cnt) {
			*loc = i;
			err = 0;
			break;
		}
	}
out:
	kfree(locs);
	return err;
}

int vsw_rxnfc_insert(struct net_device *dev, const u8 *mac, int vid, u32 queue, u32 *loc)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_rxnfc info = { .cmd = ETHTOOL_SRXCLSRLINS };
	struct ethtool_rx_flow_spec *fs = &info.fs;
	int err;

	ASSERT_RTNL();
	if (!ops || !ops->get_rxnfc || !ops->set_rxnfc)
		return -EOPNOTSUPP;
	err = vsw_rxnfc_free_loc(dev, &fs->location);
	if (err)
		return err;
	fs->flow_type = ETHER_FLOW;
	ether_addr_copy(fs->h_u.ether_spec.h_dest, mac);
	eth_broadcast_addr(fs->m_u.ether_spec.h_dest);
	if (vid > 0) {
		fs->flow_type |= FLOW_EXT;
		fs->h_ext.vlan_tci = htons(vid & VLAN_VID_MASK);
		fs->m_ext.vlan_tci = htons(VLAN_VID_MASK);
	}
	fs->ring_cookie = queue;
	err = ops->set_rxnfc(dev, &info);
	if (err)
		return err;
	*loc = fs->location;
	return 0;
}

int vsw_rxnfc_delete(struct net_device *dev, u32 loc)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_rxnfc info = { .cmd = ETHTOOL_SRXCLSRLDEL };

	ASSERT_RTNL();
	if (!ops || !ops->set_rxnfc)
		return -EOPNOTSUPP;
	info.fs.location = loc;
	return ops->set_rxnfc(dev, &info);
}

int vsw_rxq_irq(struct net_device *dev, unsigned int q)
{
	struct netdev_rx_queue *rxq;

	ASSERT_RTNL();
	if (q >= dev->real_num_rx_queues)
		return -1;
	rxq = __netif_get_rx_queue(dev, q);
	if (!rxq->napi || rxq->napi->irq <= 0)
		return -1;
	return rxq->napi->irq;
}

int vsw_skb_rx_queue(const struct sk_buff *skb)
{
	return skb_rx_queue_recorded(skb) ? skb_get_rx_queue(skb) : -1;
}
