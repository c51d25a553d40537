// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: per-CPU memory and CPU topology. */
#include <linux/percpu.h>
#include <linux/cpumask.h>
#include <linux/topology.h>
#include <linux/smp.h>

void *vsw_alloc_percpu(size_t size, size_t align)
{
	return __alloc_percpu_gfp(size, align, GFP_KERNEL_ACCOUNT);
}

void *vsw_this_cpu_ptr(void *p)
{
	return this_cpu_ptr(p);
}

void *vsw_per_cpu_ptr(void *p, int cpu)
{
	return per_cpu_ptr(p, cpu);
}

int vsw_next_possible_cpu(int prev)
{
	int cpu = cpumask_next(prev, cpu_possible_mask);

	return cpu < nr_cpu_ids ? cpu : -1;
}

int vsw_next_online_cpu(int prev)
{
	unsigned int cpu = cpumask_next(prev, cpu_online_mask);

	return cpu < nr_cpu_ids ? (int)cpu : -1;
}

int vsw_cpu_online(int cpu)
{
	return cpu >= 0 && cpu < nr_cpu_ids && cpu_online(cpu);
}

int vsw_cpu_node(int cpu)
{
	return cpu_to_node(cpu);
}

int vsw_cpu_core(int cpu)
{
	return cpumask_first(topology_sibling_cpumask(cpu));
}

int vsw_smp_processor_id(void)
{
	return raw_smp_processor_id();
}
