/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vswitch generic netlink UAPI, the C view of vswitch/uapi.rs (the source of truth).
 * `cargo test` (vswitch/host) checks that every name and number here matches uapi.rs.
 */
#ifndef _UAPI_LINUX_VSWITCH_H
#define _UAPI_LINUX_VSWITCH_H

#define VSWITCH_FAMILY_NAME	"vswitch"
#define VSWITCH_FAMILY_VERSION	1
#define VSWITCH_VERSION		"0.1.0"

enum vswitch_cmd {
	VSWITCH_CMD_UNSPEC = 0,
	VSWITCH_CMD_GET_VERSION = 1,

	__VSWITCH_CMD_MAX,
	VSWITCH_CMD_MAX = __VSWITCH_CMD_MAX - 1
};

enum vswitch_attr {
	VSWITCH_ATTR_UNSPEC = 0,
	VSWITCH_ATTR_VERSION = 1,		/* string */
	VSWITCH_ATTR_FAMILY_VERSION = 2,	/* u32 */

	__VSWITCH_ATTR_MAX,
	VSWITCH_ATTR_MAX = __VSWITCH_ATTR_MAX - 1
};

#endif /* _UAPI_LINUX_VSWITCH_H */
