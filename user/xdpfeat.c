// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "xdpfeat.h"

/* From linux/netdev.h (kernel >= 6.3), absent from Debian 12's headers. */
#define XB_NETDEV_FAMILY_NAME		"netdev"
#define XB_NETDEV_CMD_DEV_GET		1
#define XB_NETDEV_A_DEV_IFINDEX		1
#define XB_NETDEV_A_DEV_XDP_FEATURES	3

struct family_reply {
	__u16 id;
};

struct features_reply {
	__u64 features;
	int found;
};

/* Send one request on nl and feed every reply message to cb; 0 or -errno. */
static int genl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	int ret;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, (size_t)ret, nlh->nlmsg_seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

static struct nlmsghdr *genl_put(char *buf, __u16 type, __u8 cmd, unsigned int seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_reply *r = data;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
			r->id = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int features_cb(const struct nlmsghdr *nlh, void *data)
{
	struct features_reply *r = data;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == XB_NETDEV_A_DEV_XDP_FEATURES &&
		    mnl_attr_get_payload_len(attr) == sizeof(__u64)) {
			r->features = mnl_attr_get_u64(attr);
			r->found = 1;
		}
	return MNL_CB_OK;
}

int xdp_features_get(int ifindex, __u64 *features)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct family_reply fam = { 0 };
	struct features_reply feat = { 0 };
	unsigned int seq = (unsigned int)time(NULL);
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	int ret;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto cleanup;
	}
	nlh = genl_put(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, XB_NETDEV_FAMILY_NAME);
	ret = genl_talk(nl, nlh, family_cb, &fam);
	if (ret == -ENOENT || (!ret && !fam.id)) {
		ret = -EOPNOTSUPP;	/* kernel < 6.3 */
		goto cleanup;
	}
	if (ret)
		goto cleanup;

	nlh = genl_put(buf, fam.id, XB_NETDEV_CMD_DEV_GET, seq + 1);
	mnl_attr_put_u32(nlh, XB_NETDEV_A_DEV_IFINDEX, (__u32)ifindex);
	ret = genl_talk(nl, nlh, features_cb, &feat);
	if (!ret && !feat.found)
		ret = -EOPNOTSUPP;
	if (!ret)
		*features = feat.features;
cleanup:
	mnl_socket_close(nl);
	return ret;
}
