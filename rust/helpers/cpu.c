// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: per-CPU memory, cpumasks and CPU topology (macros and inlines). */
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

void *vsw_per_cpu_ptr(void *p, unsigned int cpu)
{
	return per_cpu_ptr(p, cpu);
}

unsigned int vsw_cpumask_next(int n, const struct cpumask *m)
{
	return cpumask_next(n, m);
}

bool vsw_cpumask_test_cpu(unsigned int cpu, const struct cpumask *m)
{
	return cpumask_test_cpu(cpu, m);
}

const struct cpumask *vsw_cpumask_of(unsigned int cpu)
{
	return cpumask_of(cpu);
}

const struct cpumask *vsw_cpu_sibling_mask(unsigned int cpu)
{
	return topology_sibling_cpumask(cpu);
}

int vsw_cpu_to_node(unsigned int cpu)
{
	return cpu_to_node(cpu);
}

unsigned int vsw_smp_processor_id(void)
{
	return raw_smp_processor_id();
}
