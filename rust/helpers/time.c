// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: jiffies and clocks. */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

u64 vsw_jiffies64(void)
{
	return get_jiffies_64();
}

unsigned long vsw_hz(void)
{
	return HZ;
}


u64 vsw_ktime_ns(void)
{
	return ktime_get_ns();
}
