// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: rate-in shaping: pausing a vPort's transmit queues. */
#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include "helpers.h"

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
