// SPDX-License-Identifier: GPL-2.0
/*
 * C helpers for the vswitch module: wrappers of static inline kernel functions and
 * macros, so the Rust code in rust/ can call them. No logic lives here.
 */
#include <linux/netdevice.h>
#include <linux/if_arp.h>
#include <net/sock.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/jiffies.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "helpers.h"

struct sk_buff *vsw_genlmsg_new(void)
{
	return genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
}

void *vsw_genlmsg_put_reply(struct sk_buff *skb, struct genl_info *info,
			    const struct genl_family *family, u8 cmd)
{
	return genlmsg_put_reply(skb, info, family, 0, cmd);
}

void vsw_genlmsg_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

int vsw_genlmsg_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_reply(skb, info);
}

void vsw_nlmsg_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

u8 vsw_genl_info_cmd(const struct genl_info *info)
{
	return info->genlhdr->cmd;
}

struct nlattr *vsw_genl_info_attr(const struct genl_info *info, unsigned int type)
{
	if (!info->attrs || type > info->family->maxattr)
		return NULL;
	return info->attrs[type];
}

void vsw_genl_set_err_msg(struct genl_info *info, const char *msg)
{
	/* NL_SET_ERR_MSG() wants a literal; this is its effect for a static string. */
	if (info->extack)
		info->extack->_msg = msg;
}

void vsw_genl_set_err_msg_attr(struct genl_info *info, unsigned int type, const char *msg)
{
	if (info->extack) {
		info->extack->_msg = msg;
		info->extack->bad_attr = vsw_genl_info_attr(info, type);
	}
}

void *vsw_genlmsg_put_dump(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct genl_family *family, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq, family,
			   NLM_F_MULTI, cmd);
}

void vsw_genlmsg_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

struct nlattr *vsw_dump_attr(struct netlink_callback *cb, unsigned int type)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);

	if (!info->info.attrs || type > info->op.maxattr)
		return NULL;
	return info->info.attrs[type];
}

long *vsw_dump_args(struct netlink_callback *cb)
{
	return cb->args;
}

struct net *vsw_dump_net(struct netlink_callback *cb)
{
	return sock_net(cb->skb->sk);
}

const struct genl_family *vsw_dump_family(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->info.family;
}

u8 vsw_dump_cmd(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->op.cmd;
}

int vsw_raw_skb_len(const struct sk_buff *skb)
{
	return skb->len;
}

int vsw_nla_len(const struct nlattr *nla)
{
	return nla_len(nla);
}

const void *vsw_nla_data(const struct nlattr *nla)
{
	return nla_data(nla);
}

struct nlattr *vsw_nla_nest_start(struct sk_buff *skb, int type)
{
	return nla_nest_start(skb, type);
}

void vsw_nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_end(skb, start);
}

void *vsw_netdev_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

struct net *vsw_genl_info_net(const struct genl_info *info)
{
	return genl_info_net(info);
}

void vsw_dev_net_set(struct net_device *dev, struct net *net)
{
	dev_net_set(dev, net);
}

void vsw_dev_hold(struct net_device *dev)
{
	dev_hold(dev);
}

void vsw_dev_put(struct net_device *dev)
{
	dev_put(dev);
}

void vsw_eth_hw_addr_random(struct net_device *dev)
{
	eth_hw_addr_random(dev);
}

void vsw_eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
	eth_hw_addr_set(dev, addr);
}

const u8 *vsw_dev_addr(const struct net_device *dev)
{
	return dev->dev_addr;
}

/* Ethernet defaults plus what a vPort advertises: offloads passed through the switch. */
void vsw_vport_setup_common(struct net_device *dev)
{
	ether_setup(dev);
	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->lltx = true;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	dev->features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST |
			NETIF_F_GSO_SOFTWARE | NETIF_F_RXCSUM | NETIF_F_HW_VLAN_CTAG_TX |
			NETIF_F_HW_VLAN_STAG_TX;
	dev->hw_features = dev->features;
	dev->vlan_features = dev->features & ~(NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX);
	dev->needs_free_netdev = true;
}

int vsw_netif_running(const struct net_device *dev)
{
	return netif_running(dev);
}

int vsw_netif_carrier_ok(const struct net_device *dev)
{
	return netif_carrier_ok(dev);
}

void vsw_netif_tx_start_all(struct net_device *dev)
{
	netif_tx_start_all_queues(dev);
}

void vsw_netif_tx_stop_all(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
}

int vsw_dev_ifindex(const struct net_device *dev)
{
	return dev->ifindex;
}

const char *vsw_dev_name(const struct net_device *dev)
{
	return dev->name;
}

unsigned int vsw_dev_mtu(const struct net_device *dev)
{
	return READ_ONCE(dev->mtu);
}

int vsw_dev_is_ether(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER && dev->addr_len == ETH_ALEN && !(dev->flags & IFF_LOOPBACK);
}

void *vsw_rx_handler_data(const struct sk_buff *skb)
{
	return rcu_dereference(skb->dev->rx_handler_data);
}

struct net_device *vsw_netdev_notifier_dev(void *ptr)
{
	return netdev_notifier_info_to_dev(ptr);
}

int vsw_dev_set_mac(struct net_device *dev, const u8 *addr)
{
	struct sockaddr sa = { .sa_family = dev->type };

	memcpy(sa.sa_data, addr, ETH_ALEN);
	return dev_set_mac_address(dev, &sa, NULL);
}

int vsw_skb_is_loopback(const struct sk_buff *skb)
{
	return skb->pkt_type == PACKET_LOOPBACK;
}

void vsw_rcu_read_lock(void)
{
	rcu_read_lock();
}

void vsw_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

struct sk_buff *vsw_skb_share_check(struct sk_buff *skb)
{
	return skb_share_check(skb, GFP_ATOMIC);
}

/* A vPort's transmit: present the frame as received (data after the Ethernet header). */
struct sk_buff *vsw_skb_from_xmit(struct sk_buff *skb)
{
	skb_reset_mac_header(skb);
	if (!pskb_may_pull(skb, ETH_HLEN)) {
		kfree_skb(skb);
		return NULL;
	}
	skb_pull(skb, ETH_HLEN);
	return skb;
}

/* Move an in-band 802.1Q tag into skb->vlan_tci (as the stack does on receive). */
struct sk_buff *vsw_skb_vlan_normalize(struct sk_buff *skb)
{
	if (!skb_vlan_tag_present(skb) && eth_type_vlan(skb->protocol)) {
		skb = skb_vlan_untag(skb);
		if (skb)
			skb_reset_mac_len(skb);
	}
	return skb;
}

int vsw_skb_vlan_present(const struct sk_buff *skb)
{
	return skb_vlan_tag_present(skb) && skb->vlan_proto == htons(ETH_P_8021Q);
}

u16 vsw_skb_vlan_id(const struct sk_buff *skb)
{
	return skb_vlan_tag_get_id(skb);
}

void vsw_skb_vlan_set(struct sk_buff *skb, u16 vid)
{
	__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), vid);
}

void vsw_skb_vlan_clear(struct sk_buff *skb)
{
	__vlan_hwaccel_clear_tag(skb);
}

int vsw_skb_eth_addrs(const struct sk_buff *skb, u8 *dst, u8 *src)
{
	const struct ethhdr *eth;

	if (!skb_mac_header_was_set(skb) || skb_mac_header_len(skb) < ETH_HLEN)
		return -EINVAL;
	eth = eth_hdr(skb);
	ether_addr_copy(dst, eth->h_dest);
	ether_addr_copy(src, eth->h_source);
	return 0;
}

unsigned int vsw_skb_len(const struct sk_buff *skb)
{
	return skb->len + skb->mac_len;
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

/* Hand a switched frame to a vPort's receive path (as veth does for its peer). */
int vsw_skb_deliver_rx(struct sk_buff *skb, struct net_device *dev)
{
	skb_push(skb, skb->data - skb_mac_header(skb));
	return dev_forward_skb(dev, skb);
}

/* Transmit a switched frame on the uplink. */
int vsw_skb_deliver_xmit(struct sk_buff *skb, struct net_device *dev)
{
	skb_push(skb, skb->data - skb_mac_header(skb));
	skb->dev = dev;
	return dev_queue_xmit(skb);
}

void *vsw_alloc_percpu(size_t size, size_t align)
{
	return __alloc_percpu(size, align);
}

void *vsw_this_cpu_ptr(void *p)
{
	return this_cpu_ptr(p);
}

void *vsw_per_cpu_ptr(void *p, int cpu)
{
	return per_cpu_ptr(p, cpu);
}

int vsw_next_possible_cpu(int prev)
{
	int cpu = cpumask_next(prev, cpu_possible_mask);

	return cpu < nr_cpu_ids ? cpu : -1;
}

struct vsw_lock {
	spinlock_t lock;
};

struct vsw_lock *vsw_lock_new(void)
{
	struct vsw_lock *l = kmalloc(sizeof(*l), GFP_KERNEL);

	if (l)
		spin_lock_init(&l->lock);
	return l;
}

void vsw_lock_free(struct vsw_lock *l)
{
	kfree(l);
}

void vsw_lock_bh(struct vsw_lock *l)
{
	spin_lock_bh(&l->lock);
}

void vsw_unlock_bh(struct vsw_lock *l)
{
	spin_unlock_bh(&l->lock);
}

u64 vsw_jiffies64(void)
{
	return get_jiffies_64();
}

unsigned long vsw_hz(void)
{
	return HZ;
}

struct vsw_periodic {
	struct delayed_work dw;
	void (*fn)(void);
	unsigned long interval;
	bool stop;
};

static void vsw_periodic_run(struct work_struct *w)
{
	struct vsw_periodic *p = container_of(to_delayed_work(w), struct vsw_periodic, dw);

	p->fn();
	if (!READ_ONCE(p->stop))
		schedule_delayed_work(&p->dw, p->interval);
}

struct vsw_periodic *vsw_periodic_start(void (*fn)(void), unsigned int ms)
{
	struct vsw_periodic *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	INIT_DELAYED_WORK(&p->dw, vsw_periodic_run);
	p->fn = fn;
	p->interval = msecs_to_jiffies(ms);
	schedule_delayed_work(&p->dw, p->interval);
	return p;
}

void vsw_periodic_stop(struct vsw_periodic *p)
{
	WRITE_ONCE(p->stop, true);
	cancel_delayed_work_sync(&p->dw);
	kfree(p);
}
