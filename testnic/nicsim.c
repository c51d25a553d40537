// SPDX-License-Identifier: GPL-2.0
/*
 * nicsim: a simulated multi-queue Ethernet NIC with MAC/VLAN receive filters, for testing
 * vswitch's VMQ code the way netdevsim serves the kernel's own tests.
 *
 * Each instance is a pair of net_devices:
 *   nicsimN   the "NIC": `queues` RX queues, one NAPI context and one Linux irq per queue,
 *             ethtool ntuple rules (flow-type ether [dst M] [src M] [proto P] [vlan V]
 *             action Q) that pick the RX queue; unmatched frames go to queue 0.
 *   nicsimNp  the "wire": whatever it transmits is received by nicsimN through the filters,
 *             and whatever nicsimN transmits is received by nicsimNp.
 *
 * The queue irqs come from this module's own irq domain and irq chip. They appear in
 * /proc/interrupts, /proc/irq/N/smp_affinity is writable, and the chip keeps a single-CPU
 * effective affinity. A frame for queue Q "raises" Q's irq the way a device would: a
 * function call is sent to the CPU of the irq's effective affinity (an IPI when that is
 * another CPU), which runs the irq's flow handler there; the driver's handler schedules the queue's
 * NAPI on that CPU, and the poll delivers the frames. Like real hardware, a queue does not
 * interrupt again until its NAPI poll has completed (interrupt masking).
 *
 * Transmit line rate: by default (tx_mbit=0) whatever nicsimN transmits reaches nicsimNp at
 * once. With tx_mbit=N, nicsimN's transmit side behaves like a saturated wire of N Mbit/s:
 * frames wait in a TX ring of tx_ring frames (default 128) (shared by all TX queues) and a soft
 * hrtimer hands each one to the wire when its wire time, (len + 24 bytes of preamble, IFG and
 * FCS) * 8 / N, has elapsed. The queues stop when the ring is full, so the qdisc above backs
 * up, and wake when it has drained to half. An idle wire banks no credit. ethtool reports the
 * rate as the link speed (full duplex); without tx_mbit the speed is unknown.
 *
 * Code under test must use only ethtool ops, the irq API and netdev queue/NAPI info
 * (netif_queue_set_napi, napi->irq), never this module's internals.
 */
#include <linux/cpumask.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/hrtimer.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/smp.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>

#define NICSIM_MAX_QUEUES 16
#define NICSIM_MAX_RULES 128
#define NICSIM_RING 1024
#define NICSIM_WIRE_OVERHEAD 24		/* preamble + SFD 8, IFG 12, FCS 4 bytes */

static unsigned int queues = 4;
module_param(queues, uint, 0444);
MODULE_PARM_DESC(queues, "RX (and TX) queues per NIC, 1..16 (default 4)");

static unsigned int count = 1;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "number of NIC + wire pairs, 1..8 (default 1)");

static unsigned int tx_mbit;
module_param(tx_mbit, uint, 0444);
MODULE_PARM_DESC(tx_mbit, "NIC transmit line rate in Mbit/s (default 0: unlimited)");

static unsigned int tx_ring = 128;
module_param(tx_ring, uint, 0444);
MODULE_PARM_DESC(tx_ring, "TX ring size in frames with tx_mbit, 2..4096 (default 128)");

struct nicsim;

struct nicsim_rxq {
	struct nicsim *ns;
	unsigned int idx;
	unsigned int irq;
	char irq_name[IFNAMSIZ + 16];
	bool irq_requested;
	struct napi_struct napi;
	struct sk_buff_head ring;
	call_single_data_t csd;
	atomic_t raising;	/* an IPI is on its way or running */
	/* set while the queue may interrupt (cleared from the raise until the poll completes) */
	unsigned long armed;
	struct u64_stats_sync syncp;
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t missed;
	u64_stats_t irqs;
};

struct nicsim_rule {
	bool used;
	struct ethtool_rx_flow_spec fs;
};

/* Compact, RCU-published copy of the rules in priority (location) order for the data path. */
struct nicsim_match {
	u8 dst[ETH_ALEN], dst_m[ETH_ALEN];
	u8 src[ETH_ALEN], src_m[ETH_ALEN];
	__be16 proto, proto_m;
	u16 tci, tci_m;
	bool need_tag;
	bool drop;
	u32 queue;
};

struct nicsim_filters {
	struct rcu_head rcu;
	unsigned int n;
	struct nicsim_match m[];
};

struct nicsim {
	struct net_device *dev;		/* the NIC */
	struct net_device *peer;	/* the wire */
	unsigned int nq;
	struct nicsim_rxq *rxq;
	struct fwnode_handle *fwnode;
	struct irq_domain *domain;
	bool napi_added;
	struct nicsim_rule rules[NICSIM_MAX_RULES];	/* under RTNL */
	struct nicsim_filters __rcu *filters;
	atomic64_t peer_tx_packets, peer_tx_bytes, peer_rx_packets, peer_rx_bytes;
	atomic64_t tx_packets, tx_bytes, tx_dropped;
	/* transmit line rate (tx_mbit != 0): ring, clock and flags under tx_lock */
	spinlock_t tx_lock;
	struct sk_buff_head tx_ring;	/* __skb_* ops only: tx_lock protects it */
	struct hrtimer tx_timer;
	u64 tx_wire_free;		/* ns (CLOCK_MONOTONIC): the last queued frame is on the wire */
	bool tx_up;			/* between open and stop: frames may be queued */
	bool tx_stopped;		/* the ring stopped the queues */
};

/* When a queued frame has been transmitted (ns, CLOCK_MONOTONIC). */
struct nicsim_tx_cb {
	u64 done;
};

static struct nicsim_tx_cb *nicsim_tx_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct nicsim_tx_cb) > sizeof(skb->cb));
	return (struct nicsim_tx_cb *)skb->cb;
}

struct nicsim_priv {
	struct nicsim *ns;
};

static struct nicsim *nicsim_of(struct net_device *dev)
{
	return ((struct nicsim_priv *)netdev_priv(dev))->ns;
}

static struct nicsim **nicsims;

/* ---- irq domain and chip ---- */

static void nicsim_irq_noop(struct irq_data *d)
{
}

static int nicsim_irq_set_affinity(struct irq_data *d, const struct cpumask *mask, bool force)
{
	unsigned int cpu;

	if (force)
		cpu = cpumask_first(mask);
	else
		cpu = cpumask_first_and(mask, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	irq_data_update_effective_affinity(d, cpumask_of(cpu));
	return IRQ_SET_MASK_OK;
}

static struct irq_chip nicsim_irq_chip = {
	.name = "nicsim",
	.irq_mask = nicsim_irq_noop,
	.irq_unmask = nicsim_irq_noop,
	.irq_set_affinity = nicsim_irq_set_affinity,
};

static int nicsim_irq_map(struct irq_domain *d, unsigned int virq, irq_hw_number_t hw)
{
	irq_set_chip_and_handler(virq, &nicsim_irq_chip, handle_simple_irq);
	irq_set_chip_data(virq, d->host_data);
	/* affinity changes take effect at once, from process context (no pending move) */
	irq_set_status_flags(virq, IRQ_MOVE_PCNTXT);
	return 0;
}

static const struct irq_domain_ops nicsim_domain_ops = {
	.map = nicsim_irq_map,
	.xlate = irq_domain_xlate_onecell,
};

/*
 * Runs on the CPU the irq was raised on: in the IPI's hard irq context, or with local irqs
 * off when that CPU is the raising one (as smp_call_function_single_async does it).
 */
static void nicsim_irq_ipi(void *data)
{
	struct nicsim_rxq *q = data;

	generic_handle_irq(q->irq);
	atomic_set_release(&q->raising, 0);
}

/* The "device" raises queue q's interrupt: on the CPU of its effective affinity. */
static void nicsim_raise(struct nicsim_rxq *q)
{
	struct irq_data *d = irq_get_irq_data(q->irq);
	const struct cpumask *eff = irq_data_get_effective_affinity_mask(d);
	unsigned int cpu = cpumask_first_and(eff, cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	/*
	 * The csd is free again before its function runs, and the queue raises only once per
	 * completed poll (armed bit), so EBUSY cannot happen; were it to, the pending IPI
	 * delivers the interrupt anyway.
	 */
	atomic_set(&q->raising, 1);
	if (smp_call_function_single_async(cpu, &q->csd))
		atomic_set(&q->raising, 0);
}

/* Waits until no raise of q is in flight (the caller made sure no new one starts). */
static void nicsim_wait_raise(struct nicsim_rxq *q)
{
	while (atomic_read_acquire(&q->raising))
		cpu_relax();
}

static irqreturn_t nicsim_rx_irq(int irq, void *data)
{
	struct nicsim_rxq *q = data;

	u64_stats_update_begin(&q->syncp);
	u64_stats_inc(&q->irqs);
	u64_stats_update_end(&q->syncp);
	napi_schedule_irqoff(&q->napi);
	return IRQ_HANDLED;
}

/* ---- receive path ---- */

static int nicsim_poll(struct napi_struct *napi, int budget)
{
	struct nicsim_rxq *q = container_of(napi, struct nicsim_rxq, napi);
	struct net_device *dev = q->ns->dev;
	struct sk_buff *skb;
	int done = 0;

	while (done < budget && (skb = skb_dequeue(&q->ring))) {
		unsigned int len = skb->len;

		skb->protocol = eth_type_trans(skb, dev);
		skb_record_rx_queue(skb, q->idx);
		u64_stats_update_begin(&q->syncp);
		u64_stats_inc(&q->packets);
		u64_stats_add(&q->bytes, len);
		u64_stats_update_end(&q->syncp);
		napi_gro_receive(napi, skb);
		done++;
	}
	if (done < budget && napi_complete_done(napi, done)) {
		/* unmask; a frame that arrived meanwhile interrupts again */
		set_bit(0, &q->armed);
		smp_mb__after_atomic();
		if (!skb_queue_empty(&q->ring) && test_and_clear_bit(0, &q->armed))
			nicsim_raise(q);
	}
	return done;
}

static bool nicsim_match_one(const struct nicsim_match *m, const struct ethhdr *eth,
			     bool tagged, u16 tci, __be16 proto)
{
	int i;

	for (i = 0; i < ETH_ALEN; i++) {
		if ((eth->h_dest[i] ^ m->dst[i]) & m->dst_m[i])
			return false;
		if ((eth->h_source[i] ^ m->src[i]) & m->src_m[i])
			return false;
	}
	if ((proto ^ m->proto) & m->proto_m)
		return false;
	if (m->need_tag && !tagged)
		return false;
	if ((tci ^ m->tci) & m->tci_m)
		return false;
	return true;
}

/* Picks the RX queue for a frame (data at the Ethernet header); -1 means drop. */
static int nicsim_classify(struct nicsim *ns, struct sk_buff *skb)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb->data;
	const struct nicsim_filters *f;
	__be16 proto = eth->h_proto;
	bool tagged = false;
	u16 tci = 0;
	int q = 0;
	unsigned int i;

	if (skb_vlan_tag_present(skb)) {
		tagged = true;
		tci = skb_vlan_tag_get(skb);
	} else if (eth_type_vlan(eth->h_proto) && skb_headlen(skb) >= VLAN_ETH_HLEN) {
		const struct vlan_ethhdr *veth = (const struct vlan_ethhdr *)skb->data;

		tagged = true;
		tci = ntohs(veth->h_vlan_TCI);
		proto = veth->h_vlan_encapsulated_proto;
	}

	rcu_read_lock();
	f = rcu_dereference(ns->filters);
	for (i = 0; f && i < f->n; i++) {
		if (nicsim_match_one(&f->m[i], eth, tagged, tci, proto)) {
			q = f->m[i].drop ? -1 : (int)f->m[i].queue;
			break;
		}
	}
	rcu_read_unlock();
	return q;
}

/* The wire transmits: the NIC receives through its filters. */
static netdev_tx_t nicsim_peer_xmit(struct sk_buff *skb, struct net_device *pdev)
{
	struct nicsim *ns = nicsim_of(pdev);
	struct nicsim_rxq *q;
	unsigned int len = skb->len;
	int qi;

	atomic64_inc(&ns->peer_tx_packets);
	atomic64_add(len, &ns->peer_tx_bytes);
	if (!netif_running(ns->dev) || skb->len < ETH_HLEN || skb_headlen(skb) < ETH_HLEN)
		goto drop;
	qi = nicsim_classify(ns, skb);
	if (qi < 0 || qi >= ns->nq)
		goto drop;
	q = &ns->rxq[qi];
	if (skb_queue_len(&q->ring) >= NICSIM_RING) {
		u64_stats_update_begin(&q->syncp);
		u64_stats_inc(&q->missed);
		u64_stats_update_end(&q->syncp);
		goto drop;
	}
	skb_tx_timestamp(skb);
	skb_scrub_packet(skb, !net_eq(dev_net(pdev), dev_net(ns->dev)));
	skb->dev = ns->dev;
	skb_queue_tail(&q->ring, skb);
	if (test_and_clear_bit(0, &q->armed))
		nicsim_raise(q);
	return NETDEV_TX_OK;
drop:
	dev_core_stats_tx_dropped_inc(pdev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/* A frame the NIC transmitted reaches the wire, which receives it. */
static void nicsim_deliver(struct nicsim *ns, struct sk_buff *skb)
{
	unsigned int len = skb->len;

	if (!netif_running(ns->peer) || dev_forward_skb(ns->peer, skb) != NET_RX_SUCCESS) {
		atomic64_inc(&ns->tx_dropped);
		return;
	}
	atomic64_inc(&ns->tx_packets);
	atomic64_add(len, &ns->tx_bytes);
	atomic64_inc(&ns->peer_rx_packets);
	atomic64_add(len, &ns->peer_rx_bytes);
}

static unsigned int nicsim_tx_ring(void)
{
	return clamp_val(tx_ring, 2, 4096);
}

static u64 nicsim_wire_ns(unsigned int len)
{
	return div_u64((u64)(len + NICSIM_WIRE_OVERHEAD) * 8 * NSEC_PER_USEC, tx_mbit);
}

/* With a line rate: queue the frame behind those still on the wire. */
static netdev_tx_t nicsim_xmit_rate(struct nicsim *ns, struct sk_buff *skb)
{
	struct net_device *dev = ns->dev;

	spin_lock(&ns->tx_lock);
	if (unlikely(!ns->tx_up)) {
		spin_unlock(&ns->tx_lock);
		atomic64_inc(&ns->tx_dropped);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	if (skb_queue_empty(&ns->tx_ring)) {
		/* the wire is idle: it starts now, with no credit from the idle time */
		ns->tx_wire_free = ktime_get_ns();
	}
	ns->tx_wire_free += nicsim_wire_ns(skb->len);
	nicsim_tx_cb(skb)->done = ns->tx_wire_free;
	__skb_queue_tail(&ns->tx_ring, skb);
	if (skb_queue_len(&ns->tx_ring) == 1)
		hrtimer_start(&ns->tx_timer, ns_to_ktime(ns->tx_wire_free), HRTIMER_MODE_ABS_SOFT);
	/*
	 * Stop once full, so that xmit never refuses a frame. Other TX queues already inside
	 * xmit may still add one frame each: the ring is at most nq - 1 over its size.
	 */
	if (skb_queue_len(&ns->tx_ring) >= nicsim_tx_ring() && !ns->tx_stopped) {
		ns->tx_stopped = true;
		netif_tx_stop_all_queues(dev);
	}
	spin_unlock(&ns->tx_lock);
	return NETDEV_TX_OK;
}

/* The wire has transmitted the frames at the head of the ring (softirq context). */
static enum hrtimer_restart nicsim_tx_timer(struct hrtimer *t)
{
	struct nicsim *ns = container_of(t, struct nicsim, tx_timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	struct sk_buff_head done;
	struct sk_buff *skb;
	u64 now = ktime_get_ns();

	__skb_queue_head_init(&done);
	spin_lock(&ns->tx_lock);
	while ((skb = skb_peek(&ns->tx_ring)) && nicsim_tx_cb(skb)->done <= now) {
		__skb_unlink(skb, &ns->tx_ring);
		__skb_queue_tail(&done, skb);
	}
	if (ns->tx_up) {
		if (ns->tx_stopped && skb_queue_len(&ns->tx_ring) <= nicsim_tx_ring() / 2) {
			ns->tx_stopped = false;
			netif_tx_wake_all_queues(ns->dev);
		}
		if (skb) {
			hrtimer_set_expires(t, ns_to_ktime(nicsim_tx_cb(skb)->done));
			ret = HRTIMER_RESTART;
		}
	}
	spin_unlock(&ns->tx_lock);

	while ((skb = __skb_dequeue(&done)))
		nicsim_deliver(ns, skb);
	return ret;
}

/* The NIC transmits: the wire receives. */
static netdev_tx_t nicsim_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct nicsim *ns = nicsim_of(dev);

	if (tx_mbit)
		return nicsim_xmit_rate(ns, skb);
	nicsim_deliver(ns, skb);
	return NETDEV_TX_OK;
}

/* Stops the transmit line (process context): afterwards nothing is queued or on the timer. */
static void nicsim_tx_shutdown(struct nicsim *ns)
{
	spin_lock_bh(&ns->tx_lock);
	ns->tx_up = false;
	spin_unlock_bh(&ns->tx_lock);
	/* the timer no longer re-arms itself, and xmit no longer starts it */
	hrtimer_cancel(&ns->tx_timer);
	spin_lock_bh(&ns->tx_lock);
	__skb_queue_purge(&ns->tx_ring);
	ns->tx_stopped = false;
	spin_unlock_bh(&ns->tx_lock);
}

/* ---- open / stop ---- */

static void nicsim_update_carrier(struct nicsim *ns)
{
	if (netif_running(ns->dev) && netif_running(ns->peer)) {
		netif_carrier_on(ns->dev);
		netif_carrier_on(ns->peer);
	} else {
		netif_carrier_off(ns->dev);
		netif_carrier_off(ns->peer);
	}
}

static int nicsim_open(struct net_device *dev)
{
	struct nicsim *ns = nicsim_of(dev);
	unsigned int i;
	int err;

	for (i = 0; i < ns->nq; i++) {
		struct nicsim_rxq *q = &ns->rxq[i];

		snprintf(q->irq_name, sizeof(q->irq_name), "%s-rx-%u", dev->name, i);
		err = request_irq(q->irq, nicsim_rx_irq, 0, q->irq_name, q);
		if (err)
			goto undo;
		q->irq_requested = true;
		napi_enable(&q->napi);
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_RX, &q->napi);
		set_bit(0, &q->armed);
	}
	spin_lock_bh(&ns->tx_lock);
	ns->tx_up = true;
	ns->tx_stopped = false;
	spin_unlock_bh(&ns->tx_lock);
	netif_tx_start_all_queues(dev);
	nicsim_update_carrier(ns);
	return 0;
undo:
	while (i--) {
		struct nicsim_rxq *q = &ns->rxq[i];

		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_RX, NULL);
		napi_disable(&q->napi);
		free_irq(q->irq, q);
		q->irq_requested = false;
	}
	return err;
}

static int nicsim_stop(struct net_device *dev)
{
	struct nicsim *ns = nicsim_of(dev);
	unsigned int i;

	netif_tx_stop_all_queues(dev);
	nicsim_update_carrier(ns);
	/* wait for wire transmits that saw the NIC running */
	synchronize_net();
	nicsim_tx_shutdown(ns);
	for (i = 0; i < ns->nq; i++) {
		struct nicsim_rxq *q = &ns->rxq[i];

		/* after the last poll, nothing raises the irq any more */
		napi_disable(&q->napi);
		clear_bit(0, &q->armed);
		nicsim_wait_raise(q);
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_RX, NULL);
		free_irq(q->irq, q);
		q->irq_requested = false;
		skb_queue_purge(&q->ring);
	}
	return 0;
}

static int nicsim_peer_open(struct net_device *pdev)
{
	netif_start_queue(pdev);
	nicsim_update_carrier(nicsim_of(pdev));
	return 0;
}

static int nicsim_peer_stop(struct net_device *pdev)
{
	netif_stop_queue(pdev);
	nicsim_update_carrier(nicsim_of(pdev));
	return 0;
}

static void nicsim_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct nicsim *ns = nicsim_of(dev);
	unsigned int i, start;

	for (i = 0; i < ns->nq; i++) {
		struct nicsim_rxq *q = &ns->rxq[i];
		u64 p, b, m;

		do {
			start = u64_stats_fetch_begin(&q->syncp);
			p = u64_stats_read(&q->packets);
			b = u64_stats_read(&q->bytes);
			m = u64_stats_read(&q->missed);
		} while (u64_stats_fetch_retry(&q->syncp, start));
		s->rx_packets += p;
		s->rx_bytes += b;
		s->rx_missed_errors += m;
		s->rx_dropped += m;
	}
	s->tx_packets = atomic64_read(&ns->tx_packets);
	s->tx_bytes = atomic64_read(&ns->tx_bytes);
	s->tx_dropped = atomic64_read(&ns->tx_dropped);
}

static void nicsim_peer_get_stats64(struct net_device *pdev, struct rtnl_link_stats64 *s)
{
	struct nicsim *ns = nicsim_of(pdev);

	s->tx_packets = atomic64_read(&ns->peer_tx_packets);
	s->tx_bytes = atomic64_read(&ns->peer_tx_bytes);
	s->rx_packets = atomic64_read(&ns->peer_rx_packets);
	s->rx_bytes = atomic64_read(&ns->peer_rx_bytes);
}

/* ---- filters (ethtool ntuple) ---- */

static void nicsim_publish_filters(struct nicsim *ns)
{
	struct nicsim_filters *f, *old;
	unsigned int i, n = 0;

	ASSERT_RTNL();
	for (i = 0; i < NICSIM_MAX_RULES; i++)
		n += ns->rules[i].used;
	f = NULL;
	if (n) {
		f = kzalloc(struct_size(f, m, n), GFP_KERNEL);
		/* on allocation failure keep the old table; the caller reports ENOMEM first */
		if (!f)
			return;
		for (i = 0; i < NICSIM_MAX_RULES; i++) {
			const struct ethtool_rx_flow_spec *fs = &ns->rules[i].fs;
			struct nicsim_match *m = &f->m[f->n];

			if (!ns->rules[i].used)
				continue;
			ether_addr_copy(m->dst, fs->h_u.ether_spec.h_dest);
			ether_addr_copy(m->dst_m, fs->m_u.ether_spec.h_dest);
			ether_addr_copy(m->src, fs->h_u.ether_spec.h_source);
			ether_addr_copy(m->src_m, fs->m_u.ether_spec.h_source);
			m->proto = fs->h_u.ether_spec.h_proto;
			m->proto_m = fs->m_u.ether_spec.h_proto;
			if (fs->flow_type & FLOW_EXT) {
				m->tci = ntohs(fs->h_ext.vlan_tci);
				m->tci_m = ntohs(fs->m_ext.vlan_tci);
				m->need_tag = m->tci_m != 0;
			}
			m->drop = fs->ring_cookie == RX_CLS_FLOW_DISC;
			m->queue = m->drop ? 0 : (u32)ethtool_get_flow_spec_ring(fs->ring_cookie);
			f->n++;
		}
	}
	old = rcu_replace_pointer(ns->filters, f, lockdep_rtnl_is_held());
	if (old)
		kfree_rcu(old, rcu);
}

static unsigned int nicsim_rule_count(const struct nicsim *ns)
{
	unsigned int i, n = 0;

	for (i = 0; i < NICSIM_MAX_RULES; i++)
		n += ns->rules[i].used;
	return n;
}

static int nicsim_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *cmd, u32 *locs)
{
	struct nicsim *ns = nicsim_of(dev);
	unsigned int i, n = 0;

	switch (cmd->cmd) {
	case ETHTOOL_GRXRINGS:
		cmd->data = ns->nq;
		return 0;
	case ETHTOOL_GRXCLSRLCNT:
		cmd->rule_cnt = nicsim_rule_count(ns);
		cmd->data = NICSIM_MAX_RULES | RX_CLS_LOC_SPECIAL;
		return 0;
	case ETHTOOL_GRXCLSRULE:
		if (cmd->fs.location >= NICSIM_MAX_RULES || !ns->rules[cmd->fs.location].used)
			return -ENOENT;
		cmd->fs = ns->rules[cmd->fs.location].fs;
		cmd->data = NICSIM_MAX_RULES;
		return 0;
	case ETHTOOL_GRXCLSRLALL:
		for (i = 0; i < NICSIM_MAX_RULES; i++) {
			if (!ns->rules[i].used)
				continue;
			if (n >= cmd->rule_cnt)
				return -EMSGSIZE;
			locs[n++] = i;
		}
		cmd->rule_cnt = n;
		cmd->data = NICSIM_MAX_RULES;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int nicsim_check_rule(struct nicsim *ns, const struct ethtool_rx_flow_spec *fs)
{
	u32 type = fs->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS);

	if (type != ETHER_FLOW || (fs->flow_type & (FLOW_MAC_EXT | FLOW_RSS))) {
		netdev_warn(ns->dev, "only flow-type ether rules are supported\n");
		return -EINVAL;
	}
	if (fs->flow_type & FLOW_EXT) {
		if (fs->m_ext.vlan_etype || fs->m_ext.data[0] || fs->m_ext.data[1])
			return -EINVAL;
	}
	if (fs->ring_cookie != RX_CLS_FLOW_DISC) {
		if (ethtool_get_flow_spec_ring_vf(fs->ring_cookie))
			return -EINVAL;
		if (ethtool_get_flow_spec_ring(fs->ring_cookie) >= ns->nq)
			return -EINVAL;
	}
	return 0;
}

static int nicsim_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *cmd)
{
	struct nicsim *ns = nicsim_of(dev);
	struct ethtool_rx_flow_spec *fs = &cmd->fs;
	u32 loc = fs->location;
	int err;

	switch (cmd->cmd) {
	case ETHTOOL_SRXCLSRLINS:
		if (!(dev->features & NETIF_F_NTUPLE))
			return -EOPNOTSUPP;
		err = nicsim_check_rule(ns, fs);
		if (err)
			return err;
		if (loc == RX_CLS_LOC_ANY || loc == RX_CLS_LOC_FIRST || loc == RX_CLS_LOC_LAST) {
			unsigned int i;

			for (i = 0; i < NICSIM_MAX_RULES; i++) {
				unsigned int j = loc == RX_CLS_LOC_LAST ? NICSIM_MAX_RULES - 1 - i : i;

				if (!ns->rules[j].used) {
					loc = j;
					break;
				}
			}
			if (i == NICSIM_MAX_RULES)
				return -ENOSPC;
		} else if (loc >= NICSIM_MAX_RULES) {
			return -EINVAL;
		}
		fs->location = loc;
		ns->rules[loc].fs = *fs;
		ns->rules[loc].used = true;
		nicsim_publish_filters(ns);
		return 0;
	case ETHTOOL_SRXCLSRLDEL:
		if (loc >= NICSIM_MAX_RULES || !ns->rules[loc].used)
			return -ENOENT;
		ns->rules[loc].used = false;
		nicsim_publish_filters(ns);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int nicsim_set_features(struct net_device *dev, netdev_features_t features)
{
	struct nicsim *ns = nicsim_of(dev);

	/* turning ntuple off flushes the rules, as NICs do */
	if ((dev->features & NETIF_F_NTUPLE) && !(features & NETIF_F_NTUPLE)) {
		memset(ns->rules, 0, sizeof(ns->rules));
		nicsim_publish_filters(ns);
	}
	return 0;
}

/* ---- ethtool ---- */

static const char nicsim_qstat_names[][ETH_GSTRING_LEN] = {
	"packets", "bytes", "missed", "irqs",
};

static void nicsim_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "nicsim", sizeof(info->driver));
	strscpy(info->bus_info, "nicsim", sizeof(info->bus_info));
}

static void nicsim_get_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	struct nicsim *ns = nicsim_of(dev);

	ch->max_combined = ns->nq;
	ch->combined_count = ns->nq;
}

static int nicsim_get_sset_count(struct net_device *dev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return nicsim_of(dev)->nq * ARRAY_SIZE(nicsim_qstat_names);
}

static void nicsim_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	struct nicsim *ns = nicsim_of(dev);
	unsigned int i, j;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ns->nq; i++)
		for (j = 0; j < ARRAY_SIZE(nicsim_qstat_names); j++)
			ethtool_sprintf(&buf, "rx_queue_%u_%s", i, nicsim_qstat_names[j]);
}

static void nicsim_get_ethtool_stats(struct net_device *dev, struct ethtool_stats *st, u64 *data)
{
	struct nicsim *ns = nicsim_of(dev);
	unsigned int i, start;

	for (i = 0; i < ns->nq; i++) {
		struct nicsim_rxq *q = &ns->rxq[i];

		do {
			start = u64_stats_fetch_begin(&q->syncp);
			data[0] = u64_stats_read(&q->packets);
			data[1] = u64_stats_read(&q->bytes);
			data[2] = u64_stats_read(&q->missed);
			data[3] = u64_stats_read(&q->irqs);
		} while (u64_stats_fetch_retry(&q->syncp, start));
		data += ARRAY_SIZE(nicsim_qstat_names);
	}
}

static int nicsim_get_link_ksettings(struct net_device *dev,
				     struct ethtool_link_ksettings *cmd)
{
	cmd->base.speed = tx_mbit ? tx_mbit : SPEED_UNKNOWN;
	cmd->base.duplex = tx_mbit ? DUPLEX_FULL : DUPLEX_UNKNOWN;
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static const struct ethtool_ops nicsim_ethtool_ops = {
	.get_drvinfo = nicsim_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_link_ksettings = nicsim_get_link_ksettings,
	.get_channels = nicsim_get_channels,
	.get_rxnfc = nicsim_get_rxnfc,
	.set_rxnfc = nicsim_set_rxnfc,
	.get_sset_count = nicsim_get_sset_count,
	.get_strings = nicsim_get_strings,
	.get_ethtool_stats = nicsim_get_ethtool_stats,
};

static const struct ethtool_ops nicsim_peer_ethtool_ops = {
	.get_drvinfo = nicsim_get_drvinfo,
	.get_link = ethtool_op_get_link,
};

static const struct net_device_ops nicsim_ops = {
	.ndo_open = nicsim_open,
	.ndo_stop = nicsim_stop,
	.ndo_start_xmit = nicsim_xmit,
	.ndo_get_stats64 = nicsim_get_stats64,
	.ndo_set_features = nicsim_set_features,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static const struct net_device_ops nicsim_peer_ops = {
	.ndo_open = nicsim_peer_open,
	.ndo_stop = nicsim_peer_stop,
	.ndo_start_xmit = nicsim_peer_xmit,
	.ndo_get_stats64 = nicsim_peer_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* ---- create / destroy ---- */

static void nicsim_free_irqs(struct nicsim *ns)
{
	unsigned int i;

	for (i = 0; i < ns->nq; i++) {
		if (ns->rxq[i].irq)
			irq_dispose_mapping(ns->rxq[i].irq);
	}
	if (ns->domain)
		irq_domain_remove(ns->domain);
	if (ns->fwnode)
		irq_domain_free_fwnode(ns->fwnode);
}

static void nicsim_free(struct nicsim *ns)
{
	unsigned int i;

	/* the NIC is closed (or never opened): this only makes sure */
	nicsim_tx_shutdown(ns);
	if (ns->rxq) {
		for (i = 0; i < ns->nq; i++)
			skb_queue_purge(&ns->rxq[i].ring);
		if (ns->napi_added)
			for (i = 0; i < ns->nq; i++)
				netif_napi_del(&ns->rxq[i].napi);
	}
	nicsim_free_irqs(ns);
	kfree(rcu_dereference_protected(ns->filters, true));
	if (ns->peer)
		free_netdev(ns->peer);
	if (ns->dev)
		free_netdev(ns->dev);
	kfree(ns->rxq);
	kfree(ns);
}

static struct nicsim *nicsim_create(unsigned int id)
{
	struct nicsim *ns;
	unsigned int i;
	char name[32];
	int err = -ENOMEM;

	ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&ns->tx_lock);
	__skb_queue_head_init(&ns->tx_ring);
	hrtimer_init(&ns->tx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	ns->tx_timer.function = nicsim_tx_timer;
	ns->nq = queues;
	ns->rxq = kcalloc(ns->nq, sizeof(*ns->rxq), GFP_KERNEL);
	if (!ns->rxq)
		goto fail;

	snprintf(name, sizeof(name), "nicsim%u", id);
	ns->fwnode = irq_domain_alloc_named_fwnode(name);
	if (!ns->fwnode)
		goto fail;
	ns->domain = irq_domain_create_linear(ns->fwnode, ns->nq, &nicsim_domain_ops, ns);
	if (!ns->domain)
		goto fail;
	for (i = 0; i < ns->nq; i++) {
		struct nicsim_rxq *q = &ns->rxq[i];

		q->ns = ns;
		q->idx = i;
		skb_queue_head_init(&q->ring);
		u64_stats_init(&q->syncp);
		INIT_CSD(&q->csd, nicsim_irq_ipi, q);
		q->irq = irq_create_mapping(ns->domain, i);
		if (!q->irq)
			goto fail;
	}

	ns->dev = alloc_etherdev_mqs(sizeof(struct nicsim_priv), ns->nq, ns->nq);
	ns->peer = alloc_etherdev(sizeof(struct nicsim_priv));
	if (!ns->dev || !ns->peer)
		goto fail;
	((struct nicsim_priv *)netdev_priv(ns->dev))->ns = ns;
	((struct nicsim_priv *)netdev_priv(ns->peer))->ns = ns;
	snprintf(ns->dev->name, IFNAMSIZ, "nicsim%u", id);
	snprintf(ns->peer->name, IFNAMSIZ, "nicsim%up", id);

	ns->dev->netdev_ops = &nicsim_ops;
	ns->dev->ethtool_ops = &nicsim_ethtool_ops;
	ns->dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM | NETIF_F_NTUPLE;
	ns->dev->features = ns->dev->hw_features | NETIF_F_HIGHDMA;
	ns->dev->max_mtu = 9000;
	eth_hw_addr_random(ns->dev);
	for (i = 0; i < ns->nq; i++)
		netif_napi_add(ns->dev, &ns->rxq[i].napi, nicsim_poll);
	ns->napi_added = true;
	for (i = 0; i < ns->nq; i++)
		netif_napi_set_irq(&ns->rxq[i].napi, ns->rxq[i].irq);

	ns->peer->netdev_ops = &nicsim_peer_ops;
	ns->peer->ethtool_ops = &nicsim_peer_ethtool_ops;
	ns->peer->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM;
	ns->peer->features = ns->peer->hw_features | NETIF_F_HIGHDMA;
	ns->peer->lltx = true;
	ns->peer->max_mtu = 9000;
	eth_hw_addr_random(ns->peer);

	rtnl_lock();
	err = register_netdevice(ns->dev);
	if (!err) {
		err = register_netdevice(ns->peer);
		if (err)
			unregister_netdevice(ns->dev);
	}
	netif_carrier_off(ns->dev);
	netif_carrier_off(ns->peer);
	rtnl_unlock();
	if (err) {
		/* unregister_netdevice frees nothing itself: wait for it before freeing */
		rcu_barrier();
		goto fail;
	}
	return ns;
fail:
	nicsim_free(ns);
	return ERR_PTR(err);
}

static void nicsim_destroy_all(unsigned int n)
{
	LIST_HEAD(kill);
	unsigned int i;

	rtnl_lock();
	for (i = 0; i < n; i++) {
		unregister_netdevice_queue(nicsims[i]->dev, &kill);
		unregister_netdevice_queue(nicsims[i]->peer, &kill);
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
	for (i = 0; i < n; i++)
		nicsim_free(nicsims[i]);
	/* filter tables freed with kfree_rcu */
	rcu_barrier();
}

static int __init nicsim_init(void)
{
	unsigned int i;

	if (queues < 1 || queues > NICSIM_MAX_QUEUES || count < 1 || count > 8)
		return -EINVAL;
	nicsims = kcalloc(count, sizeof(*nicsims), GFP_KERNEL);
	if (!nicsims)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		struct nicsim *ns = nicsim_create(i);

		if (IS_ERR(ns)) {
			if (i)
				nicsim_destroy_all(i);
			kfree(nicsims);
			return PTR_ERR(ns);
		}
		nicsims[i] = ns;
	}
	return 0;
}

static void __exit nicsim_exit(void)
{
	nicsim_destroy_all(count);
	kfree(nicsims);
}

module_init(nicsim_init);
module_exit(nicsim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Simulated multi-queue NIC with MAC/VLAN RX filters and per-queue irqs");
