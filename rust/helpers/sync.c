// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: RCU read sections, spinlocks, work items, RTNL. */
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <linux/rtnetlink.h>

void vsw_rcu_read_lock(void)
{
	rcu_read_lock();
}

void vsw_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

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
