// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: VMQ software backend: delivering a vPort's frames on its steering CPU. */
#include <linux/netdevice.h>
#include <linux/interrupt.h>
#include <linux/llist.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/slab.h>

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
