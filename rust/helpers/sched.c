// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: the "vswitch" qdisc (bandwidth weights). */
#include <linux/netdevice.h>
#include <net/sch_generic.h>
#include <net/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/spinlock.h>

/*
 * One FIFO per class; the Rust scheduler (struct vsw_wfq_sched) picks the class that sends
 * next. The switch tags each frame it sends to the uplink with its source vPort and weight
 * in the qdisc's part of skb->cb. Root only: the module detaches every instance before it
 * unloads (the ops have no owner, so an instance does not pin the module).
 */

/* Rust decides which class sends (the table is filled by rust/net/qdisc.rs). */
#define VSW_WFQ_CLASSES 64
struct vsw_wfq_sched {
	void *(*alloc)(u32 quantum);
	void (*free)(void *s);
	int (*classify)(void *s, u32 id, u32 weight);
	void (*enqueued)(void *s, int cls, u32 len);
	int (*pick)(void *s);
	void (*dequeued)(void *s, int cls, u32 len);
	void (*dropped)(void *s, int cls, u32 len);
	int (*victim)(void *s);
	void (*reset)(void *s);
};

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

int vsw_qdisc_is_root(struct net_device *dev, struct Qdisc *q)
{
	return rtnl_dereference(dev->qdisc) == q;
}

int vsw_wfq_detach(struct net_device *dev, struct Qdisc *q)
{
	if (!vsw_qdisc_is_root(dev, q))
		return 0;
	vsw_root_graft(dev, NULL);
	return 1;
}

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
