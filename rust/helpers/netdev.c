// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: net devices: private areas, references, state, registration steps. */
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <linux/error-injection.h>

void vsw_dev_net_set(struct net_device *dev, struct net *net)
{
	dev_net_set(dev, net);
}

void vsw_dev_hold(struct net_device *dev)
{
	dev_hold(dev);
}

void vsw_dev_put(struct net_device *dev)
{
	dev_put(dev);
}

void vsw_eth_hw_addr_random(struct net_device *dev)
{
	eth_hw_addr_random(dev);
}

void vsw_eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
	eth_hw_addr_set(dev, addr);
}

void vsw_netif_tx_start_all(struct net_device *dev)
{
	netif_tx_start_all_queues(dev);
}

void vsw_netif_tx_stop_all(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
}

void vsw_netif_tx_wake_all(struct net_device *dev)
{
	netif_tx_wake_all_queues(dev);
}

struct net_device *vsw_netdev_notifier_dev(void *ptr)
{
	return netdev_notifier_info_to_dev(ptr);
}

int vsw_net_alive(const struct net *net)
{
	return check_net(net);
}

int vsw_dev_change_net_namespace(struct net_device *dev, struct net *net, const char *pat)
{
	return dev_change_net_namespace(dev, net, pat);
}

/* Registration steps, error-injectable (fail_function) for the fault-injection tests. */

int vsw_register_netdevice(struct net_device *dev)
{
	return register_netdevice(dev);
}

ALLOW_ERROR_INJECTION(vsw_register_netdevice, ERRNO);

int vsw_rx_handler_register(struct net_device *dev, rx_handler_func_t *fn, void *data)
{
	return netdev_rx_handler_register(dev, fn, data);
}

ALLOW_ERROR_INJECTION(vsw_rx_handler_register, ERRNO);
