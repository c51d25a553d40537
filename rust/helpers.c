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
#include <net/netdev_rx_queue.h>
#include <linux/ethtool.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/smp.h>
#include <linux/llist.h>
#include <linux/topology.h>
#include <linux/ktime.h>
#include <linux/hrtimer.h>
#include <linux/timekeeping.h>
#include <linux/pci.h>
#include <linux/ip.h>
#include <net/ip.h>
#include <linux/ipv6.h>
#include <net/ipv6.h>
#include <linux/irqdesc.h>
#include <linux/irqdomain.h>
#include <net/net_namespace.h>
#include <net/sch_generic.h>
#include <net/pkt_sched.h>
#include <linux/error-injection.h>
#include "helpers.h"

struct sk_buff *vsw_genlmsg_new(size_t payload)
{
	return genlmsg_new(payload ?: NLMSG_DEFAULT_SIZE, GFP_KERNEL);
}

int vsw_genlmsg_multicast_netns(const struct genl_family *family, struct net *net,
				struct sk_buff *skb)
{
	return genlmsg_multicast_netns(family, net, skb, 0, 0, GFP_KERNEL);
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
	/*
	 * A queue (the default qdisc, tx_queue_len 1000 from ether_setup), like a VM's NIC:
	 * rate-in shaping pauses the transmit queues and the qdisc holds frames meanwhile.
	 */
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->lltx = true;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	dev->features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST |
			NETIF_F_GSO_SOFTWARE | NETIF_F_RXCSUM | NETIF_F_HW_VLAN_CTAG_TX;
	/* No S-tag offload: the switch does not carry 802.1ad (frames with S-tags are dropped). */
	dev->hw_features = dev->features;
	dev->vlan_features = dev->features & ~NETIF_F_HW_VLAN_CTAG_TX;
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

/*
 * A vPort's transmit: present the frame as received (data after the Ethernet header), with
 * skb->protocol from the frame itself (an AF_PACKET sender chooses skb->protocol).
 */
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

int vsw_skb_vlan_tag_present(const struct sk_buff *skb)
{
	return skb_vlan_tag_present(skb);
}

u16 vsw_skb_vlan_proto(const struct sk_buff *skb)
{
	return ntohs(skb->vlan_proto);
}

const void *vsw_skb_mac_read(const struct sk_buff *skb, int off, int len, void *buf)
{
	return skb_header_pointer(skb, skb_mac_offset(skb) + off, len, buf);
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
	return __alloc_percpu_gfp(size, align, GFP_KERNEL_ACCOUNT);
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

u64 vsw_jiffies64(void)
{
	return get_jiffies_64();
}

unsigned long vsw_hz(void)
{
	return HZ;
}

/* ---- locks, work items, namespaces ---- */

void vsw_spin_lock_init(spinlock_t *l)
{
	spin_lock_init(l);
}

void vsw_spin_lock_bh(spinlock_t *l)
{
	spin_lock_bh(l);
}

void vsw_spin_unlock_bh(spinlock_t *l)
{
	spin_unlock_bh(l);
}

void vsw_cond_resched(void)
{
	cond_resched();
}

void vsw_init_work(struct work_struct *w, work_func_t fn)
{
	INIT_WORK(w, fn);
}

bool vsw_queue_work(struct work_struct *w)
{
	return queue_work(system_wq, w);
}

void vsw_init_delayed_work(struct delayed_work *dw, work_func_t fn)
{
	INIT_DELAYED_WORK(dw, fn);
}

bool vsw_queue_delayed_work(struct delayed_work *dw, unsigned long delay)
{
	return queue_delayed_work(system_wq, dw, delay);
}

bool vsw_mod_delayed_work(struct delayed_work *dw, unsigned long delay)
{
	return mod_delayed_work(system_wq, dw, delay);
}

void vsw_assert_rtnl(void)
{
	ASSERT_RTNL();
}

int vsw_net_alive(const struct net *net)
{
	return check_net(net);
}

struct net *vsw_dev_net(const struct net_device *dev)
{
	return dev_net(dev);
}

int vsw_dev_registered(const struct net_device *dev)
{
	return READ_ONCE(dev->reg_state) == NETREG_REGISTERED;
}

int vsw_dev_change_net_namespace(struct net_device *dev, struct net *net, const char *pat)
{
	return dev_change_net_namespace(dev, net, pat);
}

/* Registration steps, error-injectable (fail_function) for the fault-injection tests. */
int vsw_register_netdevice(struct net_device *dev)
{
	return register_netdevice(dev);
}
ALLOW_ERROR_INJECTION(vsw_register_netdevice, ERRNO);

int vsw_rx_handler_register(struct net_device *dev, rx_handler_func_t *fn, void *data)
{
	return netdev_rx_handler_register(dev, fn, data);
}
ALLOW_ERROR_INJECTION(vsw_rx_handler_register, ERRNO);

/* ---- VMQ: ethtool ntuple filters, rx queue irqs, irq affinity, CPU topology ---- */

/* Number of RX rings if `dev` has ether-dst ntuple filtering enabled, else a negative errno. */
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

/* A free rule location, for drivers that do not pick one themselves (RX_CLS_LOC_ANY). */
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

/*
 * Steers frames to `mac` (and VLAN `vid` when vid > 0) to RX queue `queue` with an
 * ETHER_FLOW rule; the rule's location is stored in *loc.
 */
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

/* The irq of RX queue q, from the queue's NAPI (netif_queue_set_napi/netif_napi_set_irq). */
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

int vsw_irq_set_cpu(unsigned int irq, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	return irq_set_affinity(irq, cpumask_of(cpu));
}

/* First CPU of the irq's effective affinity (or affinity), -1 if none. */
int vsw_irq_effective_cpu(unsigned int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);
	unsigned int cpu;

	if (!d)
		return -1;
	cpu = cpumask_first(irq_data_get_effective_affinity_mask(d));
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(irq_data_get_affinity_mask(d));
	return cpu < nr_cpu_ids ? (int)cpu : -1;
}

int vsw_next_online_cpu(int prev)
{
	unsigned int cpu = cpumask_next(prev, cpu_online_mask);

	return cpu < nr_cpu_ids ? (int)cpu : -1;
}

int vsw_cpu_online(int cpu)
{
	return cpu >= 0 && cpu < nr_cpu_ids && cpu_online(cpu);
}

int vsw_cpu_node(int cpu)
{
	return cpu_to_node(cpu);
}

/* An id shared by SMT siblings: the first CPU of the sibling mask. */
int vsw_cpu_core(int cpu)
{
	return cpumask_first(topology_sibling_cpumask(cpu));
}

int vsw_smp_processor_id(void)
{
	return raw_smp_processor_id();
}

u64 vsw_ktime_ns(void)
{
	return ktime_get_ns();
}

/* The uplink RX queue a frame arrived on, -1 if the driver did not record it. */
int vsw_skb_rx_queue(const struct sk_buff *skb)
{
	return skb_rx_queue_recorded(skb) ? skb_get_rx_queue(skb) : -1;
}

/* ---- VMQ software backend: deliver a vPort's frames on its steering CPU (the RPS way) ---- */

struct vsw_steer_cpu {
	struct llist_head list;
	call_single_data_t csd;
	struct tasklet_struct tasklet;
	struct vsw_steer *s;
};

struct vsw_steer {
	struct vsw_steer_cpu __percpu *pc;
	atomic_t frames;	/* queued, not yet delivered */
	atomic_t kicks;		/* IPIs sent, not yet run */
};

/*
 * On the steering CPU, in softirq context: each frame enters its vPort's receive path here.
 * (Not in the IPI itself: that may run with irqs off outside hardirq context, from the idle
 * loop's call-function flush, where netif_rx's BH toggling is not allowed.)
 */
static void vsw_steer_deliver(struct tasklet_struct *t)
{
	struct vsw_steer_cpu *c = from_tasklet(c, t, tasklet);
	struct llist_node *n = llist_reverse_order(llist_del_all(&c->list));

	while (n) {
		struct sk_buff *skb = llist_entry(n, struct sk_buff, ll_node);
		struct net_device *dev = skb->dev;

		n = n->next;
		skb->next = NULL;
		/*
		 * Running: unregistration's synchronize_net() waits for this BH-off section,
		 * and its backlog flush then sees the frame. Not running: drop it.
		 */
		if (netif_running(dev)) {
			netif_rx(skb);
		} else {
			dev_core_stats_rx_dropped_inc(dev);
			kfree_skb(skb);
		}
		/* the reference taken when the frame was queued */
		dev_put(dev);
		atomic_dec(&c->s->frames);
	}
}

/* The IPI on the steering CPU: hand the frames to softirq context. */
static void vsw_steer_run(void *info)
{
	struct vsw_steer_cpu *c = info;

	tasklet_schedule(&c->tasklet);
	atomic_dec(&c->s->kicks);
}

struct vsw_steer *vsw_steer_new(void)
{
	struct vsw_steer *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	int cpu;

	if (!s)
		return NULL;
	s->pc = alloc_percpu_gfp(struct vsw_steer_cpu, GFP_KERNEL_ACCOUNT);
	if (!s->pc) {
		kfree(s);
		return NULL;
	}
	for_each_possible_cpu(cpu) {
		struct vsw_steer_cpu *c = per_cpu_ptr(s->pc, cpu);

		init_llist_head(&c->list);
		INIT_CSD(&c->csd, vsw_steer_run, c);
		tasklet_setup(&c->tasklet, vsw_steer_deliver);
		c->s = s;
	}
	return s;
}

/* Frees the steering state once nothing is queued or running (no frame is steered any more). */
void vsw_steer_free(struct vsw_steer *s)
{
	int cpu;

	while (atomic_read_acquire(&s->frames) || atomic_read_acquire(&s->kicks))
		cpu_relax();
	/* no IPI pending and no frame queued: no tasklet gets scheduled any more */
	for_each_possible_cpu(cpu)
		tasklet_kill(&per_cpu_ptr(s->pc, cpu)->tasklet);
	free_percpu(s->pc);
	kfree(s);
}

/*
 * Delivers a switched frame to vPort `dev` like vsw_skb_deliver_rx, but has the vPort's
 * receive processing run on `cpu` (when that is another online CPU). 0 on success.
 */
int vsw_skb_deliver_rx_on(struct sk_buff *skb, struct net_device *dev, struct vsw_steer *s, int cpu)
{
	struct vsw_steer_cpu *c;

	if (cpu < 0 || cpu >= nr_cpu_ids || cpu == raw_smp_processor_id() || !cpu_online(cpu))
		return vsw_skb_deliver_rx(skb, dev);
	skb_push(skb, skb->data - skb_mac_header(skb));
	if (__dev_forward_skb(dev, skb) != NET_RX_SUCCESS)
		return NET_RX_DROP;
	c = per_cpu_ptr(s->pc, cpu);
	dev_hold(dev);
	atomic_inc(&s->frames);
	if (llist_add(&skb->ll_node, &c->list)) {
		/*
		 * The list was empty: kick the CPU. If its csd is still pending (an earlier kick
		 * not yet run), that kick's tasklet run drains this frame too.
		 */
		atomic_inc(&s->kicks);
		if (smp_call_function_single_async(cpu, &c->csd))
			atomic_dec(&s->kicks);
	}
	return 0;
}

/* ---- SR-IOV: PF/VF PCI devices, VF configuration through the PF, MSI-X irqs ---- */

/* The PCI device behind a netdev (a reference), or NULL. */
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

/* Name of the bound driver, or NULL. */
const char *vsw_pci_driver(struct pci_dev *p)
{
	return p->driver ? p->driver->name : NULL;
}

/*
 * Enables n VFs (0 disables them) the way writing sriov_numvfs does, going through 0 first
 * when VFs are already enabled. Must not be called with RTNL held: PF drivers take it.
 * Returns the number of VFs enabled, or a negative errno.
 */
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

/* VF number vf of PF pf (a reference), or NULL. */
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

/* The netdev of a PCI device in any netns (a reference), or NULL. */
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

/* Linux irqs of the device's MSI-X vectors (as many as fit); the count. */
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

/* VF settings through the PF's ndo_set_vf_* (RTNL held, as rtnetlink calls them). */
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

/* state: 0 auto, 1 enable, 2 disable (IFLA_VF_LINK_STATE_*). */
int vsw_vf_set_link_state(struct net_device *pf, int vf, int state)
{
	ASSERT_RTNL();
	if (!pf->netdev_ops->ndo_set_vf_link_state)
		return -EOPNOTSUPP;
	return pf->netdev_ops->ndo_set_vf_link_state(pf, vf, state);
}

/* ---- irq domain hierarchy ---- */

/*
 * Level `level` of irq's irq_data chain (0 = the irq's own, then parent_data): its domain's
 * name and its hwirq. -ENOENT past the root.
 */
int vsw_irq_level(unsigned int irq, int level, char *name, int len, u64 *hwirq)
{
	struct irq_data *d = irq_get_irq_data(irq);

	while (d && level-- > 0)
		d = d->parent_data;
	if (!d)
		return -ENOENT;
	strscpy(name, d->domain && d->domain->name ? d->domain->name : "?", len);
	*hwirq = d->hwirq;
	return 0;
}

/* The irq's chip name as /proc/interrupts shows it (e.g. IR-PCI-MSIX-0000:00:0a.0), or "". */
void vsw_irq_chip_name(unsigned int irq, char *name, int len)
{
	struct irq_data *d = irq_get_irq_data(irq);

	strscpy(name, d && d->chip && d->chip->name ? d->chip->name : "", len);
}

/* Affinity (eff = 0) or effective affinity (eff = 1) as a mask of CPUs 0..63. */
u64 vsw_irq_mask(unsigned int irq, int eff)
{
	struct irq_data *d = irq_get_irq_data(irq);
	const struct cpumask *m;
	unsigned int cpu;
	u64 v = 0;

	if (!d)
		return 0;
	m = eff ? irq_data_get_effective_affinity_mask(d) : irq_data_get_affinity_mask(d);
	for_each_cpu(cpu, m) {
		if (cpu >= 64)
			break;
		v |= 1ULL << cpu;
	}
	return v;
}

/* Whether irq has a handler (it shows in /proc/interrupts). */
int vsw_irq_has_action(unsigned int irq)
{
	return irq_has_action(irq);
}

/* ---- rate-in shaping: pause a vPort's transmit queues until its bucket has tokens ---- */

struct vsw_pacer {
	struct hrtimer timer;
	struct net_device *dev;
};

static enum hrtimer_restart vsw_pacer_fire(struct hrtimer *t)
{
	struct vsw_pacer *p = container_of(t, struct vsw_pacer, timer);

	netif_tx_wake_all_queues(p->dev);
	return HRTIMER_NORESTART;
}

struct vsw_pacer *vsw_pacer_new(void)
{
	struct vsw_pacer *p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);

	if (!p)
		return NULL;
	hrtimer_init(&p->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	p->timer.function = vsw_pacer_fire;
	return p;
}

/*
 * Stops dev's transmit queues for ns nanoseconds (called from its ndo_start_xmit, so dev
 * outlives the timer: the pacer is freed, and the timer cancelled, before dev is).
 */
void vsw_pacer_pause(struct vsw_pacer *p, struct net_device *dev, u64 ns)
{
	p->dev = dev;
	netif_tx_stop_all_queues(dev);
	hrtimer_start(&p->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_SOFT);
}

void vsw_pacer_free(struct vsw_pacer *p)
{
	hrtimer_cancel(&p->timer);
	kfree(p);
}

/* ---- bandwidth weights: the "vswitch" qdisc ----
 * One FIFO per class; the Rust scheduler (struct vsw_wfq_sched) picks the class that sends
 * next. The switch tags each frame it sends to the uplink with its source vPort and weight
 * in the qdisc's part of skb->cb. Root only: the module detaches every instance before it
 * unloads (the ops have no owner, so an instance does not pin the module).
 */
#define VSW_WFQ_MAGIC 0x76737771u

struct vsw_wfq_tag {
	u32 magic;
	u32 id;
	u32 weight;
};

struct vsw_wfq_priv {
	void *s;
	struct Qdisc *sch;
	struct list_head node;
	struct sk_buff_head q[VSW_WFQ_CLASSES];
};

static const struct vsw_wfq_sched *vsw_wfq;
static LIST_HEAD(vsw_wfq_list);
static DEFINE_SPINLOCK(vsw_wfq_lock);

void vsw_skb_set_wfq_class(struct sk_buff *skb, u32 id, u32 weight)
{
	struct vsw_wfq_tag *t = (struct vsw_wfq_tag *)qdisc_skb_cb(skb)->data;

	BUILD_BUG_ON(sizeof(struct vsw_wfq_tag) > QDISC_CB_PRIV_LEN);
	t->magic = VSW_WFQ_MAGIC;
	t->id = id;
	t->weight = weight;
}

static int vsw_wfq_enqueue(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free)
{
	struct vsw_wfq_priv *p = qdisc_priv(sch);
	struct vsw_wfq_tag *t = (struct vsw_wfq_tag *)qdisc_skb_cb(skb)->data;
	u32 id = 0, weight = 1;
	int c;

	if (t->magic == VSW_WFQ_MAGIC) {
		id = t->id;
		weight = t->weight;
		t->magic = 0;
	}
	c = vsw_wfq->classify(p->s, id, weight);
	if (c < 0 || c >= VSW_WFQ_CLASSES)
		c = 0;
	if (unlikely(sch->q.qlen >= sch->limit)) {
		/* Full: drop the head of the class with the most bytes queued per weight. */
		int v = vsw_wfq->victim(p->s);
		struct sk_buff *old = NULL;

		if (v >= 0 && v < VSW_WFQ_CLASSES)
			old = __skb_dequeue(&p->q[v]);
		if (!old)
			return qdisc_drop(skb, sch, to_free);
		vsw_wfq->dropped(p->s, v, qdisc_pkt_len(old));
		sch->q.qlen--;
		qdisc_qstats_backlog_dec(sch, old);
		qdisc_drop(old, sch, to_free);
	}
	__skb_queue_tail(&p->q[c], skb);
	vsw_wfq->enqueued(p->s, c, qdisc_pkt_len(skb));
	sch->q.qlen++;
	qdisc_qstats_backlog_inc(sch, skb);
	return NET_XMIT_SUCCESS;
}

static struct sk_buff *vsw_wfq_dequeue(struct Qdisc *sch)
{
	struct vsw_wfq_priv *p = qdisc_priv(sch);
	struct sk_buff *skb;
	int c = vsw_wfq->pick(p->s);

	if (c < 0 || c >= VSW_WFQ_CLASSES)
		return NULL;
	skb = __skb_dequeue(&p->q[c]);
	if (WARN_ON_ONCE(!skb))
		return NULL;
	vsw_wfq->dequeued(p->s, c, qdisc_pkt_len(skb));
	sch->q.qlen--;
	qdisc_qstats_backlog_dec(sch, skb);
	qdisc_bstats_update(sch, skb);
	return skb;
}

static struct sk_buff *vsw_wfq_peek(struct Qdisc *sch)
{
	return qdisc_peek_dequeued(sch);
}

static void vsw_wfq_purge(struct Qdisc *sch)
{
	struct vsw_wfq_priv *p = qdisc_priv(sch);
	int i;

	for (i = 0; i < VSW_WFQ_CLASSES; i++)
		__skb_queue_purge(&p->q[i]);
	sch->q.qlen = 0;
	sch->qstats.backlog = 0;
}

static void vsw_wfq_reset(struct Qdisc *sch)
{
	struct vsw_wfq_priv *p = qdisc_priv(sch);

	vsw_wfq_purge(sch);
	if (p->s)
		vsw_wfq->reset(p->s);
}

static int vsw_wfq_init(struct Qdisc *sch, struct nlattr *opt, struct netlink_ext_ack *extack)
{
	struct vsw_wfq_priv *p = qdisc_priv(sch);
	int i;

	p->sch = sch;
	INIT_LIST_HEAD(&p->node);
	for (i = 0; i < VSW_WFQ_CLASSES; i++)
		__skb_queue_head_init(&p->q[i]);
	if (sch->parent != TC_H_ROOT) {
		NL_SET_ERR_MSG(extack, "vswitch qdisc: only as the root qdisc of a device");
		return -EOPNOTSUPP;
	}
	if (opt) {
		NL_SET_ERR_MSG(extack, "vswitch qdisc: takes no options (weights are set with vswctl)");
		return -EINVAL;
	}
	p->s = vsw_wfq->alloc(psched_mtu(qdisc_dev(sch)));
	if (!p->s)
		return -ENOMEM;
	sch->limit = max_t(u32, qdisc_dev(sch)->tx_queue_len, 64);
	spin_lock_bh(&vsw_wfq_lock);
	list_add_tail(&p->node, &vsw_wfq_list);
	spin_unlock_bh(&vsw_wfq_lock);
	return 0;
}

static void vsw_wfq_destroy(struct Qdisc *sch)
{
	struct vsw_wfq_priv *p = qdisc_priv(sch);

	if (p->node.next) {
		spin_lock_bh(&vsw_wfq_lock);
		list_del_init(&p->node);
		spin_unlock_bh(&vsw_wfq_lock);
	}
	vsw_wfq_purge(sch);
	if (p->s)
		vsw_wfq->free(p->s);
	p->s = NULL;
}

static struct Qdisc_ops vsw_wfq_ops __read_mostly = {
	.id = "vswitch",
	.priv_size = sizeof(struct vsw_wfq_priv),
	.enqueue = vsw_wfq_enqueue,
	.dequeue = vsw_wfq_dequeue,
	.peek = vsw_wfq_peek,
	.init = vsw_wfq_init,
	.reset = vsw_wfq_reset,
	.destroy = vsw_wfq_destroy,
};

int vsw_wfq_register(const struct vsw_wfq_sched *sched)
{
	vsw_wfq = sched;
	return register_qdisc(&vsw_wfq_ops);
}

/* Replaces the root qdisc of @dev by @new (NULL: the device's default), as tc does. */
static void vsw_root_graft(struct net_device *dev, struct Qdisc *new)
{
	struct Qdisc *old;
	unsigned int i;

	ASSERT_RTNL();
	if (dev->flags & IFF_UP)
		dev_deactivate(dev);
	for (i = 0; i < dev->num_tx_queues; i++) {
		old = dev_graft_qdisc(netdev_get_tx_queue(dev, i), new);
		if (new && i > 0)
			qdisc_refcount_inc(new);
		qdisc_put(old);
	}
	old = rtnl_dereference(dev->qdisc);
	if (new)
		qdisc_refcount_inc(new);
	rcu_assign_pointer(dev->qdisc, new ? : &noop_qdisc);
	if (old)
		qdisc_put(old);
	if (dev->flags & IFF_UP)
		dev_activate(dev);
}

int vsw_wfq_is_root(struct net_device *dev)
{
	ASSERT_RTNL();
	return rtnl_dereference(dev->qdisc)->ops == &vsw_wfq_ops;
}

/* Makes the vswitch qdisc the root of @dev: 1 if attached now (*out is it), 0 if it already
 * was. */
int vsw_wfq_attach(struct net_device *dev, struct Qdisc **out)
{
	struct Qdisc *q;

	if (vsw_wfq_is_root(dev))
		return 0;
	if (dev->priv_flags & IFF_NO_QUEUE)
		return -EOPNOTSUPP;
	q = qdisc_create_dflt(netdev_get_tx_queue(dev, 0), &vsw_wfq_ops, TC_H_ROOT, NULL);
	if (!q)
		return -ENOMEM;
	/* A handle, so that `tc qdisc del dev X root` can remove it (tc refuses handle 0).
	 * After the graft it is the device's only egress qdisc, so it cannot clash. */
	q->handle = TC_H_MAKE(0x7ffe0000U, 0);
	vsw_root_graft(dev, q);
	*out = q;
	return 1;
}

/* Whether @q (compared only, never dereferenced) is the root qdisc of @dev. */
int vsw_qdisc_is_root(struct net_device *dev, struct Qdisc *q)
{
	return rtnl_dereference(dev->qdisc) == q;
}

/* Gives @dev its default root qdisc back if @q is its root: 1 if detached. */
int vsw_wfq_detach(struct net_device *dev, struct Qdisc *q)
{
	if (!vsw_qdisc_is_root(dev, q))
		return 0;
	vsw_root_graft(dev, NULL);
	return 1;
}

/* No new instances, then every instance detached (all are roots); takes RTNL. */
void vsw_wfq_unregister(void)
{
	rtnl_lock();
	unregister_qdisc(&vsw_wfq_ops);
	for (;;) {
		struct vsw_wfq_priv *p;
		struct net_device *dev;

		spin_lock_bh(&vsw_wfq_lock);
		p = list_first_entry_or_null(&vsw_wfq_list, struct vsw_wfq_priv, node);
		spin_unlock_bh(&vsw_wfq_lock);
		if (!p)
			break;
		dev = qdisc_dev(p->sch);
		if (rtnl_dereference(dev->qdisc) == p->sch) {
			vsw_root_graft(dev, NULL);
		} else {
			WARN_ONCE(1, "vswitch: qdisc on %s is not its root\n", dev->name);
			spin_lock_bh(&vsw_wfq_lock);
			list_del_init(&p->node);
			spin_unlock_bh(&vsw_wfq_lock);
		}
	}
	rtnl_unlock();
}
