// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: interrupts: the affinity masks of an irq_data (config-dependent inlines). */
#include <linux/irq.h>

const struct cpumask *vsw_irq_data_affinity(struct irq_data *d)
{
	return irq_data_get_affinity_mask(d);
}

const struct cpumask *vsw_irq_data_effective_affinity(struct irq_data *d)
{
	return irq_data_get_effective_affinity_mask(d);
}
