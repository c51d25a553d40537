/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C helpers for kernel APIs that are static inline or macros (bindgen cannot call those).
 * Each one is a thin wrapper; the Rust side documents the safety contract.
 */
#ifndef VSWITCH_RUST_HELPERS_H
#define VSWITCH_RUST_HELPERS_H

#include <linux/types.h>

struct sk_buff;
struct net;
struct net_device;
struct genl_info;
struct genl_family;
struct nlattr;
struct netlink_callback;

/* generic netlink messages */
struct sk_buff *vsw_genlmsg_new(size_t payload);
int vsw_genlmsg_multicast_netns(const struct genl_family *family, struct net *net,
				struct sk_buff *skb);
void *vsw_genlmsg_put_reply(struct sk_buff *skb, struct genl_info *info,
			    const struct genl_family *family, u8 cmd);
void vsw_genlmsg_end(struct sk_buff *skb, void *hdr);
int vsw_genlmsg_reply(struct sk_buff *skb, struct genl_info *info);
void vsw_nlmsg_free(struct sk_buff *skb);

/* generic netlink request info */
u8 vsw_genl_info_cmd(const struct genl_info *info);
struct nlattr *vsw_genl_info_attr(const struct genl_info *info, unsigned int type);
void vsw_genl_set_err_msg(struct genl_info *info, const char *msg);
void vsw_genl_set_err_msg_attr(struct genl_info *info, unsigned int type, const char *msg);

/* generic netlink dumps */
void *vsw_genlmsg_put_dump(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct genl_family *family, u8 cmd);
void vsw_genlmsg_cancel(struct sk_buff *skb, void *hdr);
struct nlattr *vsw_dump_attr(struct netlink_callback *cb, unsigned int type);
long *vsw_dump_args(struct netlink_callback *cb);
struct net *vsw_dump_net(struct netlink_callback *cb);
const struct genl_family *vsw_dump_family(struct netlink_callback *cb);
u8 vsw_dump_cmd(struct netlink_callback *cb);
int vsw_raw_skb_len(const struct sk_buff *skb);

/* netlink attributes */
int vsw_nla_len(const struct nlattr *nla);
const void *vsw_nla_data(const struct nlattr *nla);
struct nlattr *vsw_nla_nest_start(struct sk_buff *skb, int type);
void vsw_nla_nest_end(struct sk_buff *skb, struct nlattr *start);

/* net devices */
struct net_device;
struct net;
struct rtnl_link_stats64;
void *vsw_netdev_priv(const struct net_device *dev);
struct net *vsw_genl_info_net(const struct genl_info *info);
void vsw_dev_net_set(struct net_device *dev, struct net *net);
void vsw_dev_hold(struct net_device *dev);
void vsw_dev_put(struct net_device *dev);
void vsw_eth_hw_addr_random(struct net_device *dev);
void vsw_eth_hw_addr_set(struct net_device *dev, const u8 *addr);
const u8 *vsw_dev_addr(const struct net_device *dev);
void vsw_vport_setup_common(struct net_device *dev);
int vsw_netif_running(const struct net_device *dev);
int vsw_netif_carrier_ok(const struct net_device *dev);
void vsw_netif_tx_start_all(struct net_device *dev);
void vsw_netif_tx_stop_all(struct net_device *dev);
int vsw_dev_ifindex(const struct net_device *dev);
const char *vsw_dev_name(const struct net_device *dev);
unsigned int vsw_dev_mtu(const struct net_device *dev);
int vsw_dev_is_ether(const struct net_device *dev);
void *vsw_rx_handler_data(const struct sk_buff *skb);
struct net_device *vsw_netdev_notifier_dev(void *ptr);
int vsw_dev_set_mac(struct net_device *dev, const u8 *addr);
int vsw_skb_is_loopback(const struct sk_buff *skb);

/* RCU */
void vsw_rcu_read_lock(void);
void vsw_rcu_read_unlock(void);

/* sk_buff */
struct sk_buff *vsw_skb_share_check(struct sk_buff *skb);
struct sk_buff *vsw_skb_from_xmit(struct sk_buff *skb);
struct sk_buff *vsw_skb_vlan_normalize(struct sk_buff *skb);
int vsw_skb_vlan_tag_present(const struct sk_buff *skb);
u16 vsw_skb_vlan_proto(const struct sk_buff *skb);
const void *vsw_skb_mac_read(const struct sk_buff *skb, int off, int len, void *buf);
u16 vsw_skb_vlan_id(const struct sk_buff *skb);
void vsw_skb_vlan_set(struct sk_buff *skb, u16 vid);
void vsw_skb_vlan_clear(struct sk_buff *skb);
unsigned int vsw_skb_len(const struct sk_buff *skb);
struct net_device *vsw_skb_dev(const struct sk_buff *skb);
struct sk_buff *vsw_skb_clone(struct sk_buff *skb);
void vsw_skb_free(struct sk_buff *skb);
int vsw_skb_deliver_rx(struct sk_buff *skb, struct net_device *dev);
int vsw_skb_deliver_xmit(struct sk_buff *skb, struct net_device *dev);

/* time */
u64 vsw_jiffies64(void);
unsigned long vsw_hz(void);

/* locks, work items, namespaces, registration steps */
#include <linux/spinlock_types.h>
#include <linux/workqueue_types.h>
#include <linux/netdevice.h>
void vsw_spin_lock_init(spinlock_t *l);
void vsw_spin_lock_bh(spinlock_t *l);
void vsw_spin_unlock_bh(spinlock_t *l);
void vsw_cond_resched(void);
void vsw_init_work(struct work_struct *w, work_func_t fn);
bool vsw_queue_work(struct work_struct *w);
void vsw_init_delayed_work(struct delayed_work *dw, work_func_t fn);
bool vsw_queue_delayed_work(struct delayed_work *dw, unsigned long delay);
bool vsw_mod_delayed_work(struct delayed_work *dw, unsigned long delay);
void vsw_assert_rtnl(void);
int vsw_net_alive(const struct net *net);
struct net *vsw_dev_net(const struct net_device *dev);
int vsw_dev_registered(const struct net_device *dev);
int vsw_dev_change_net_namespace(struct net_device *dev, struct net *net, const char *pat);
int vsw_register_netdevice(struct net_device *dev);
int vsw_rx_handler_register(struct net_device *dev, rx_handler_func_t *fn, void *data);

/* per-CPU memory */
void *vsw_alloc_percpu(size_t size, size_t align);
void *vsw_this_cpu_ptr(void *p);
void *vsw_per_cpu_ptr(void *p, int cpu);
int vsw_next_possible_cpu(int prev);

/* VMQ */
int vsw_rxnfc_rings(struct net_device *dev);
int vsw_rxnfc_insert(struct net_device *dev, const u8 *mac, int vid, u32 queue, u32 *loc);
int vsw_rxnfc_delete(struct net_device *dev, u32 loc);
int vsw_rxq_irq(struct net_device *dev, unsigned int q);
int vsw_irq_set_cpu(unsigned int irq, unsigned int cpu);
int vsw_irq_effective_cpu(unsigned int irq);
int vsw_next_online_cpu(int prev);
int vsw_cpu_online(int cpu);
int vsw_cpu_node(int cpu);
int vsw_cpu_core(int cpu);
int vsw_smp_processor_id(void);
u64 vsw_ktime_ns(void);
int vsw_skb_rx_queue(const struct sk_buff *skb);
struct vsw_steer;
struct vsw_steer *vsw_steer_new(void);
void vsw_steer_free(struct vsw_steer *s);
int vsw_skb_deliver_rx_on(struct sk_buff *skb, struct net_device *dev, struct vsw_steer *s, int cpu);

/* SR-IOV and irqs */
struct pci_dev *vsw_netdev_pci(struct net_device *dev);
void vsw_pci_put(struct pci_dev *p);
int vsw_pci_totalvfs(struct pci_dev *p);
int vsw_pci_num_vfs(struct pci_dev *p);
const char *vsw_pci_name(struct pci_dev *p);
const char *vsw_pci_driver(struct pci_dev *p);
int vsw_pci_sriov_configure(struct pci_dev *p, int n);
struct pci_dev *vsw_pci_vf(struct pci_dev *pf, int vf);
struct net_device *vsw_pci_netdev(struct pci_dev *p);
int vsw_pci_msix_irqs(struct pci_dev *p, unsigned int *irqs, int max);
int vsw_pci_msix_enabled(struct pci_dev *p);
int vsw_vf_set_mac(struct net_device *pf, int vf, u8 *mac);
int vsw_vf_set_vlan(struct net_device *pf, int vf, u16 vid);
int vsw_vf_set_spoofchk(struct net_device *pf, int vf, int on);
int vsw_vf_set_trust(struct net_device *pf, int vf, int on);
int vsw_vf_set_link_state(struct net_device *pf, int vf, int state);
int vsw_irq_level(unsigned int irq, int level, char *name, int len, u64 *hwirq);
void vsw_irq_chip_name(unsigned int irq, char *name, int len);
u64 vsw_irq_mask(unsigned int irq, int eff);
int vsw_irq_has_action(unsigned int irq);

/* rate-in shaping */
struct vsw_pacer;
struct vsw_pacer *vsw_pacer_new(void);
void vsw_pacer_pause(struct vsw_pacer *p, struct net_device *dev, u64 ns);
void vsw_pacer_free(struct vsw_pacer *p);

/* bandwidth weights: the "vswitch" qdisc (C keeps the skb queues and the qdisc
 * bookkeeping; Rust decides which class sends: struct vsw_wfq_sched) */
#define VSW_WFQ_CLASSES 64
struct vsw_wfq_sched {
	void *(*alloc)(u32 quantum);
	void (*free)(void *s);
	int (*classify)(void *s, u32 id, u32 weight);
	void (*enqueued)(void *s, int cls, u32 len);
	int (*pick)(void *s);
	void (*dequeued)(void *s, int cls, u32 len);
	void (*dropped)(void *s, int cls, u32 len);
	int (*victim)(void *s);
	void (*reset)(void *s);
};
int vsw_wfq_register(const struct vsw_wfq_sched *sched);
void vsw_wfq_unregister(void);
struct Qdisc;
int vsw_wfq_attach(struct net_device *dev, struct Qdisc **out);
int vsw_qdisc_is_root(struct net_device *dev, struct Qdisc *q);
int vsw_wfq_detach(struct net_device *dev, struct Qdisc *q);
int vsw_wfq_is_root(struct net_device *dev);
void vsw_skb_set_wfq_class(struct sk_buff *skb, u32 id, u32 weight);

#endif
