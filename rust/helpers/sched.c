// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: the qdisc layer (for rust/net/qdisc/). */
#include <linux/netdevice.h>
#include <net/sch_generic.h>
#include <net/pkt_sched.h>

struct qdisc_skb_cb *vsw_qdisc_skb_cb(const struct sk_buff *skb)
{
	return qdisc_skb_cb(skb);
}

int vsw_qdisc_drop(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free)
{
	return qdisc_drop(skb, sch, to_free);
}

void vsw_qdisc_qstats_backlog_inc(struct Qdisc *sch, const struct sk_buff *skb)
{
	qdisc_qstats_backlog_inc(sch, skb);
}

void vsw_qdisc_qstats_backlog_dec(struct Qdisc *sch, const struct sk_buff *skb)
{
	qdisc_qstats_backlog_dec(sch, skb);
}

void vsw_qdisc_bstats_update(struct Qdisc *sch, const struct sk_buff *skb)
{
	qdisc_bstats_update(sch, skb);
}

struct sk_buff *vsw_qdisc_peek_dequeued(struct Qdisc *sch)
{
	return qdisc_peek_dequeued(sch);
}

void vsw_qdisc_refcount_inc(struct Qdisc *sch)
{
	qdisc_refcount_inc(sch);
}

unsigned int vsw_psched_mtu(const struct net_device *dev)
{
	return psched_mtu(dev);
}

bool vsw_dev_no_queue(const struct net_device *dev)
{
	return dev->priv_flags & IFF_NO_QUEUE; /* a bitfield in a struct group */
}

void vsw_dev_qdisc_set(struct net_device *dev, struct Qdisc *sch)
{
	rcu_assign_pointer(dev->qdisc, sch);
}
