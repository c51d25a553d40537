// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: what the VMQ software backend's delivery needs that is inline or a macro. */
#include <linux/interrupt.h>
#include <linux/llist.h>
#include <linux/skbuff.h>
#include <linux/smp.h>

void vsw_init_csd(call_single_data_t *csd, smp_call_func_t func, void *info)
{
	INIT_CSD(csd, func, info);
}

void vsw_tasklet_schedule(struct tasklet_struct *t)
{
	tasklet_schedule(t);
}

struct llist_node *vsw_llist_del_all(struct llist_head *head)
{
	return llist_del_all(head);
}

int vsw_skb_mac_offset(const struct sk_buff *skb)
{
	return skb_mac_offset(skb);
}
