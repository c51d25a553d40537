// SPDX-License-Identifier: GPL-2.0
/* vswitch C helpers: generic netlink messages, requests and dumps. */
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

struct sk_buff *vsw_genlmsg_new(size_t payload)
{
	return genlmsg_new(payload ?: NLMSG_DEFAULT_SIZE, GFP_KERNEL);
}

int vsw_genlmsg_multicast_netns(const struct genl_family *family, struct net *net,
				struct sk_buff *skb)
{
	return genlmsg_multicast_netns(family, net, skb, 0, 0, GFP_KERNEL);
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

void *vsw_genlmsg_put_dump(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct genl_family *family, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq, family,
			   NLM_F_MULTI, cmd);
}

void vsw_genlmsg_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

struct nlattr *vsw_dump_attr(struct netlink_callback *cb, unsigned int type)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);

	if (!info->info.attrs || type > info->op.maxattr)
		return NULL;
	return info->info.attrs[type];
}

long *vsw_dump_args(struct netlink_callback *cb)
{
	return cb->args;
}

struct net *vsw_dump_net(struct netlink_callback *cb)
{
	return sock_net(cb->skb->sk);
}

const struct genl_family *vsw_dump_family(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->info.family;
}

u8 vsw_dump_cmd(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->op.cmd;
}

int vsw_raw_skb_len(const struct sk_buff *skb)
{
	return skb->len;
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

struct net *vsw_genl_info_net(const struct genl_info *info)
{
	return genl_info_net(info);
}
