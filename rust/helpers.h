/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C helpers for kernel APIs that are static inline or macros (bindgen cannot call those).
 * Each one is a thin wrapper; the Rust side documents the safety contract.
 */
#ifndef VSWITCH_RUST_HELPERS_H
#define VSWITCH_RUST_HELPERS_H

#include <linux/types.h>

struct sk_buff;
struct genl_info;
struct genl_family;
struct nlattr;
struct netlink_callback;

/* generic netlink messages */
struct sk_buff *vsw_genlmsg_new(void);
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

/* netlink attributes */
int vsw_nla_len(const struct nlattr *nla);
const void *vsw_nla_data(const struct nlattr *nla);
struct nlattr *vsw_nla_nest_start(struct sk_buff *skb, int type);
void vsw_nla_nest_end(struct sk_buff *skb, struct nlattr *start);

#endif
