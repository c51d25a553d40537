// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: interrupts: affinity and the irq_data hierarchy. */
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/irqdomain.h>
#include <linux/interrupt.h>
#include <linux/cpumask.h>
#include <linux/string.h>

int vsw_irq_set_cpu(unsigned int irq, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	return irq_set_affinity(irq, cpumask_of(cpu));
}

int vsw_irq_effective_cpu(unsigned int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);
	unsigned int cpu;

	if (!d)
		return -1;
	cpu = cpumask_first(irq_data_get_effective_affinity_mask(d));
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(irq_data_get_affinity_mask(d));
	return cpu < nr_cpu_ids ? (int)cpu : -1;
}

int vsw_irq_level(unsigned int irq, int level, char *name, int len, u64 *hwirq)
{
	struct irq_data *d = irq_get_irq_data(irq);

	while (d && level-- > 0)
		d = d->parent_data;
	if (!d)
		return -ENOENT;
	strscpy(name, d->domain && d->domain->name ? d->domain->name : "?", len);
	*hwirq = d->hwirq;
	return 0;
}

void vsw_irq_chip_name(unsigned int irq, char *name, int len)
{
	struct irq_data *d = irq_get_irq_data(irq);

	strscpy(name, d && d->chip && d->chip->name ? d->chip->name : "", len);
}

u64 vsw_irq_mask(unsigned int irq, int eff)
{
	struct irq_data *d = irq_get_irq_data(irq);
	const struct cpumask *m;
	unsigned int cpu;
	u64 v = 0;

	if (!d)
		return 0;
	m = eff ? irq_data_get_effective_affinity_mask(d) : irq_data_get_affinity_mask(d);
	for_each_cpu(cpu, m) {
		if (cpu >= 64)
			break;
		v |= 1ULL << cpu;
	}
	return v;
}

int vsw_irq_has_action(unsigned int irq)
{
	return irq_has_action(irq);
}
