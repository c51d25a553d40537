// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: jiffies (get_jiffies_64 is inline on 64-bit). */
#include <linux/jiffies.h>

u64 vsw_jiffies64(void)
{
	return get_jiffies_64();
}
