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

void vsw_genlmsg_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

struct net *vsw_dump_net(struct netlink_callback *cb)
{
	return sock_net(cb->skb->sk);
}

struct nlattr *vsw_nla_nest_start(struct sk_buff *skb, int type)
{
	return nla_nest_start(skb, type);
}

void vsw_nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_end(skb, start);
}
