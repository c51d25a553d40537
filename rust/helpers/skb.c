// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: socket buffers on the fast path. */
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>

int vsw_skb_is_loopback(const struct sk_buff *skb)
{
	return skb->pkt_type == PACKET_LOOPBACK;
}

struct sk_buff *vsw_skb_share_check(struct sk_buff *skb)
{
	return skb_share_check(skb, GFP_ATOMIC);
}

struct sk_buff *vsw_skb_from_xmit(struct sk_buff *skb)
{
	skb_reset_mac_header(skb);
	if (!pskb_may_pull(skb, ETH_HLEN)) {
		kfree_skb(skb);
		return NULL;
	}
	skb->protocol = eth_hdr(skb)->h_proto;
	skb_pull(skb, ETH_HLEN);
	return skb;
}

struct sk_buff *vsw_skb_vlan_normalize(struct sk_buff *skb)
{
	if (!skb_vlan_tag_present(skb) && eth_type_vlan(skb->protocol)) {
		skb = skb_vlan_untag(skb);
		if (skb)
			skb_reset_mac_len(skb);
	}
	return skb;
}

u32 vsw_skb_vlan_all(const struct sk_buff *skb)
{
	return skb->vlan_all;
}

const void *vsw_skb_mac_read(const struct sk_buff *skb, int off, int len, void *buf)
{
	return skb_header_pointer(skb, skb_mac_offset(skb) + off, len, buf);
}

void vsw_skb_vlan_set(struct sk_buff *skb, u16 vid)
{
	__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), vid);
}

void vsw_skb_vlan_clear(struct sk_buff *skb)
{
	__vlan_hwaccel_clear_tag(skb);
}

struct net_device *vsw_skb_dev(const struct sk_buff *skb)
{
	return skb->dev;
}

struct sk_buff *vsw_skb_clone(struct sk_buff *skb)
{
	return skb_clone(skb, GFP_ATOMIC);
}

void vsw_skb_free(struct sk_buff *skb)
{
	kfree_skb(skb);
}

int vsw_skb_deliver_rx(struct sk_buff *skb, struct net_device *dev)
{
	skb_push(skb, skb->data - skb_mac_header(skb));
	return dev_forward_skb(dev, skb);
}

int vsw_skb_deliver_xmit(struct sk_buff *skb, struct net_device *dev)
{
	skb_push(skb, skb->data - skb_mac_header(skb));
	skb->dev = dev;
	return dev_queue_xmit(skb);
}

/*
 * Delivers a switched frame to vPort `dev` like vsw_skb_deliver_rx, but has the vPort's
 * receive processing run on `cpu` (when that is another online CPU). 0 on success.
 */
