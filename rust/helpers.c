// SPDX-License-Identifier: GPL-2.0
/*
 * C helpers for the vswitch module: wrappers of static inline kernel functions and
 * macros, so the Rust code in rust/ can call them. No logic lives here.
 */
#include <net/genetlink.h>
#include <net/netlink.h>
#include "helpers.h"

struct sk_buff *vsw_genlmsg_new(void)
{
	return genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
}

void *vsw_genlmsg_put_reply(struct sk_buff *skb, struct genl_info *info,
			    const struct genl_family *family, u8 cmd)
{
	return genlmsg_put_reply(skb, info, family, 0, cmd);
}

void vsw_genlmsg_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

int vsw_genlmsg_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_reply(skb, info);
}

void vsw_nlmsg_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

u8 vsw_genl_info_cmd(const struct genl_info *info)
{
	return info->genlhdr->cmd;
}

struct nlattr *vsw_genl_info_attr(const struct genl_info *info, unsigned int type)
{
	if (!info->attrs || type > info->family->maxattr)
		return NULL;
	return info->attrs[type];
}

void vsw_genl_set_err_msg(struct genl_info *info, const char *msg)
{
	/* NL_SET_ERR_MSG() wants a literal; this is its effect for a static string. */
	if (info->extack)
		info->extack->_msg = msg;
}

void vsw_genl_set_err_msg_attr(struct genl_info *info, unsigned int type, const char *msg)
{
	if (info->extack) {
		info->extack->_msg = msg;
		info->extack->bad_attr = vsw_genl_info_attr(info, type);
	}
}

int vsw_nla_len(const struct nlattr *nla)
{
	return nla_len(nla);
}

const void *vsw_nla_data(const struct nlattr *nla)
{
	return nla_data(nla);
}

struct nlattr *vsw_nla_nest_start(struct sk_buff *skb, int type)
{
	return nla_nest_start(skb, type);
}

void vsw_nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_end(skb, start);
}
