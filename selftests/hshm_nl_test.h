/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A raw generic netlink client for the selftests, below what libnl and
 * hshmctl do: requests are built by hand, replies walked attribute by
 * attribute, and the answer of the kernel is the errno it sent.  Used by
 * hshm_96_netlink.c (the family's own checks) and, through the service
 * map helpers, by every test that restores the defaults.
 */
#ifndef HSHM_NL_TEST_H
#define HSHM_NL_TEST_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/hshm_netlink.h>

struct hs_nl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	uint8_t buf[4096];
};

struct hs_nl_fam {
	uint16_t id;
	uint32_t events_grp;
};

/* Called for each message of the family a reply or a dump holds. */
typedef void (*hs_nl_msg_fn)(struct nlmsghdr *n, void *arg);

/* The attributes of a message, or of a nest, one after the other. */
#define hs_nla_for_each(a, first, len, left)				\
	for ((a) = (first), (left) = (len);				\
	     (left) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&	\
	     (a)->nla_len <= (left);					\
	     (left) -= NLA_ALIGN((a)->nla_len),				\
	     (a) = (struct nlattr *)((uint8_t *)(a) + NLA_ALIGN((a)->nla_len)))

#define hs_nla_data(a)		((void *)((uint8_t *)(a) + NLA_HDRLEN))
#define hs_nla_len(a)		((int)(a)->nla_len - NLA_HDRLEN)
#define hs_nla_msg_first(n)	\
	((struct nlattr *)((uint8_t *)NLMSG_DATA(n) + GENL_HDRLEN))
#define hs_nla_msg_len(n)	((int)(n)->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN))

static inline uint32_t hs_nla_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	memcpy(&v, hs_nla_data(a), hs_nla_len(a) < 4 ? hs_nla_len(a) : 4);
	return v;
}

static inline int hs_nl_open(void)
{
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static inline void hs_nl_init(struct hs_nl_req *r, uint16_t type,
			      uint16_t flags, uint8_t cmd, uint32_t seq)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->n.nlmsg_seq = seq;
	r->g.cmd = cmd;
	r->g.version = 1;
}

/* Append an attribute; returns it (a nest's length grows with its end). */
static inline struct nlattr *hs_nl_put(struct hs_nl_req *r, uint16_t type,
				       const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((uint8_t *)r +
					      NLMSG_ALIGN(r->n.nlmsg_len));

	if (NLMSG_ALIGN(r->n.nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) >
	    sizeof(*r))
		abort();	/* a test's request too large: the test's bug */
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static inline void hs_nl_put_u32(struct hs_nl_req *r, uint16_t type,
				 uint32_t v)
{
	hs_nl_put(r, type, &v, sizeof(v));
}

static inline void hs_nl_put_u8(struct hs_nl_req *r, uint16_t type,
				uint8_t v)
{
	hs_nl_put(r, type, &v, sizeof(v));
}

static inline struct nlattr *hs_nl_nest_start(struct hs_nl_req *r,
					      uint16_t type)
{
	return hs_nl_put(r, type | NLA_F_NESTED, NULL, 0);
}

static inline void hs_nl_nest_end(struct hs_nl_req *r, struct nlattr *nest)
{
	nest->nla_len = (uint8_t *)r + r->n.nlmsg_len - (uint8_t *)nest;
}

/*
 * Send @r and read until its ACK, its error or the end of the dump,
 * handing each message of the family to @fn: 0, the negative errno the
 * kernel answered, or the negative errno of send() or recv().
 */
static inline int hs_nl_talk(int fd, struct hs_nl_req *r, hs_nl_msg_fn fn,
			     void *arg)
{
	static uint8_t buf[65536];
	struct nlmsghdr *n;
	ssize_t len;

	if (send(fd, r, r->n.nlmsg_len, 0) != (ssize_t)r->n.nlmsg_len)
		return -errno;
	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		for (n = (struct nlmsghdr *)buf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_seq != r->n.nlmsg_seq)
				continue;
			if (n->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(n);

				return e->error;
			}
			if (n->nlmsg_type == NLMSG_DONE) {
				int err;

				memcpy(&err, NLMSG_DATA(n), sizeof(err));
				/* a dump's ACK follows only with an error */
				return err;
			}
			if (fn)
				fn(n, arg);
		}
	}
}

/* CTRL_ATTR_MCAST_GROUPS: the id of the group named "events". */
static inline void hs_nl_parse_groups(struct nlattr *nest,
				      struct hs_nl_fam *fam)
{
	struct nlattr *g, *a;
	int left, l;

	hs_nla_for_each(g, (struct nlattr *)hs_nla_data(nest),
			hs_nla_len(nest), left) {
		const char *name = NULL;
		uint32_t id = 0;

		hs_nla_for_each(a, (struct nlattr *)hs_nla_data(g),
				hs_nla_len(g), l) {
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				name = hs_nla_data(a);
			else if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				id = hs_nla_u32(a);
		}
		if (name && !strcmp(name, HSHM_GENL_MCGRP_EVENTS))
			fam->events_grp = id;
	}
}

static inline void hs_nl_family_msg(struct nlmsghdr *n, void *arg)
{
	struct hs_nl_fam *fam = arg;
	struct nlattr *a;
	int left;

	hs_nla_for_each(a, hs_nla_msg_first(n), hs_nla_msg_len(n), left) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(&fam->id, hs_nla_data(a), 2);
		else if (a->nla_type == CTRL_ATTR_MCAST_GROUPS)
			hs_nl_parse_groups(a, fam);
	}
}

/* The id and the events group of the "hshm" family: 0 or -errno. */
static inline int hs_nl_family(int fd, struct hs_nl_fam *fam)
{
	struct hs_nl_req r;

	memset(fam, 0, sizeof(*fam));
	hs_nl_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	hs_nl_put(&r, CTRL_ATTR_FAMILY_NAME, HSHM_GENL_NAME,
		  strlen(HSHM_GENL_NAME) + 1);
	return hs_nl_talk(fd, &r, hs_nl_family_msg, fam) ?:
	       fam->id ? 0 : -ENOENT;
}

/* A run of the service map. */
struct hs_svc_run {
	uint32_t first;
	uint32_t last;
	int cls;
};

/* Append an HSHM_A_SVC_RANGE nest; @last or @cls < 0: not put. */
static inline void hs_nl_put_run(struct hs_nl_req *r, uint32_t first,
				 int64_t last, int cls)
{
	struct nlattr *nest = hs_nl_nest_start(r, HSHM_A_SVC_RANGE);

	hs_nl_put_u32(r, HSHM_SR_FIRST, first);
	if (last >= 0)
		hs_nl_put_u32(r, HSHM_SR_LAST, (uint32_t)last);
	if (cls >= 0)
		hs_nl_put_u8(r, HSHM_SR_CLASS, (uint8_t)cls);
	hs_nl_nest_end(r, nest);
}

/* The runs a reply or a dump of SVC_MAP_GET carries, in order. */
struct hs_svc_runs {
	struct hs_svc_run *run;
	unsigned int n;
	unsigned int max;
	unsigned int msgs;
	unsigned int bad;	/* a run without its three attributes */
};

static inline void hs_svc_runs_msg(struct nlmsghdr *n, void *arg)
{
	struct hs_svc_runs *rs = arg;
	struct nlattr *a, *b;
	int left, l;

	rs->msgs++;
	hs_nla_for_each(a, hs_nla_msg_first(n), hs_nla_msg_len(n), left) {
		struct hs_svc_run run = { .cls = -1 };
		unsigned int seen = 0;

		if ((a->nla_type & NLA_TYPE_MASK) != HSHM_A_SVC_RANGE)
			continue;
		hs_nla_for_each(b, (struct nlattr *)hs_nla_data(a),
				hs_nla_len(a), l) {
			if (b->nla_type == HSHM_SR_FIRST)
				run.first = hs_nla_u32(b);
			else if (b->nla_type == HSHM_SR_LAST)
				run.last = hs_nla_u32(b);
			else if (b->nla_type == HSHM_SR_CLASS)
				run.cls = *(uint8_t *)hs_nla_data(b);
			seen |= 1u << b->nla_type;
		}
		if (seen != (1u << HSHM_SR_FIRST | 1u << HSHM_SR_LAST |
			     1u << HSHM_SR_CLASS))
			rs->bad++;
		if (rs->n < rs->max)
			rs->run[rs->n] = run;
		rs->n++;
	}
}

/*
 * The index of the device under test (N of /dev/hshmN: the tests' device
 * is named after it).
 */
static inline uint32_t hs_nl_dev_index(const char *dev)
{
	const char *p = strrchr(dev, 'm');

	return p ? (uint32_t)strtoul(p + 1, NULL, 10) : 0;
}

/*
 * SVC_MAP_SET of device @dev: the runs "first last class" of @runs, @n of
 * them, in one request.  0 or the negative errno of the kernel.
 */
static inline int hs_svc_map_set(uint32_t dev, const struct hs_svc_run *runs,
				 unsigned int n)
{
	struct hs_nl_fam fam;
	struct hs_nl_req r;
	unsigned int i;
	int fd, ret;

	fd = hs_nl_open();
	if (fd < 0)
		return -errno;
	ret = hs_nl_family(fd, &fam);
	if (!ret) {
		hs_nl_init(&r, fam.id, 0, HSHM_CMD_SVC_MAP_SET, 2);
		hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev);
		for (i = 0; i < n; i++)
			hs_nl_put_run(&r, runs[i].first, runs[i].last,
				      runs[i].cls);
		ret = hs_nl_talk(fd, &r, NULL, NULL);
	}
	close(fd);
	return ret;
}

/* SVC_MAP_GET dump of device @dev into @rs: 0 or a negative errno. */
static inline int hs_svc_map_dump(uint32_t dev, struct hs_svc_runs *rs)
{
	struct hs_nl_fam fam;
	struct hs_nl_req r;
	int fd, ret;

	rs->n = rs->msgs = rs->bad = 0;
	fd = hs_nl_open();
	if (fd < 0)
		return -errno;
	ret = hs_nl_family(fd, &fam);
	if (!ret) {
		hs_nl_init(&r, fam.id, NLM_F_DUMP, HSHM_CMD_SVC_MAP_GET, 3);
		hs_nl_put_u32(&r, HSHM_A_DEV_INDEX, dev);
		ret = hs_nl_talk(fd, &r, hs_svc_runs_msg, rs);
	}
	close(fd);
	return ret;
}

#endif /* HSHM_NL_TEST_H */
