// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "hshm" generic netlink family as a raw socket sees it, below what
 * libnl and hshmctl do: every command is strictly validated (a non-zero
 * reserved header field, an attribute the command does not take), GET's
 * dump honours its device filter, EVENT cannot be sent, and SET and the
 * events group need CAP_NET_ADMIN.
 */
#include <grp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/hshm_netlink.h>

#include "kselftest_harness.h"
#include "hshm_test.h"

#define NOBODY		65534

struct nl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	uint8_t buf[512];
};

struct nl_fam {
	uint16_t id;
	uint32_t events_grp;
};

/* What one reply (or every message of a dump) said. */
struct nl_seen {
	unsigned int msgs;		/* messages of the family */
	unsigned int other_dev;		/* of another device than want_dev */
	int64_t want_dev;		/* -1: any */
	struct nl_fam *fam;		/* CTRL_CMD_GETFAMILY: filled in */
};

static int nl_open(void)
{
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void nl_init(struct nl_req *r, uint16_t type, uint16_t flags,
		    uint8_t cmd, uint32_t seq)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->n.nlmsg_seq = seq;
	r->g.cmd = cmd;
	r->g.version = 1;
}

static void nl_put(struct nl_req *r, uint16_t type, const void *data,
		   uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((uint8_t *)r +
					      NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void nl_put_u32(struct nl_req *r, uint16_t type, uint32_t v)
{
	nl_put(r, type, &v, sizeof(v));
}

/* CTRL_ATTR_MCAST_GROUPS: the id of the group named "events". */
static void nl_parse_groups(struct nlattr *nest, struct nl_fam *fam)
{
	struct nlattr *g = (struct nlattr *)((uint8_t *)nest + NLA_HDRLEN);
	int left = nest->nla_len - NLA_HDRLEN;

	while (left >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN &&
	       g->nla_len <= left) {
		struct nlattr *a = (struct nlattr *)((uint8_t *)g + NLA_HDRLEN);
		int l = g->nla_len - NLA_HDRLEN;
		const char *name = NULL;
		uint32_t id = 0;

		while (l >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
		       a->nla_len <= l) {
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				name = (const char *)a + NLA_HDRLEN;
			else if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				memcpy(&id, (uint8_t *)a + NLA_HDRLEN, 4);
			l -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((uint8_t *)a + NLA_ALIGN(a->nla_len));
		}
		if (name && !strcmp(name, HSHM_GENL_MCGRP_EVENTS))
			fam->events_grp = id;
		left -= NLA_ALIGN(g->nla_len);
		g = (struct nlattr *)((uint8_t *)g + NLA_ALIGN(g->nla_len));
	}
}

static void nl_parse(struct nlmsghdr *n, struct nl_seen *seen)
{
	struct nlattr *a = (struct nlattr *)((uint8_t *)NLMSG_DATA(n) +
					      GENL_HDRLEN);
	int left = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	seen->msgs++;
	while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= left) {
		void *d = (uint8_t *)a + NLA_HDRLEN;

		if (seen->fam && a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(&seen->fam->id, d, 2);
		else if (seen->fam && a->nla_type == CTRL_ATTR_MCAST_GROUPS)
			nl_parse_groups(a, seen->fam);
		else if (!seen->fam && a->nla_type == HSHM_A_DEV_INDEX) {
			uint32_t dev;

			memcpy(&dev, d, 4);
			if (seen->want_dev >= 0 && dev != seen->want_dev)
				seen->other_dev++;
		}
		left -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((uint8_t *)a + NLA_ALIGN(a->nla_len));
	}
}

/*
 * Send @r and read until its ACK, error or the end of the dump: 0, or the
 * negative errno the kernel answered, or -EIO for a reply that makes no
 * sense.
 */
static int nl_talk(int fd, struct nl_req *r, struct nl_seen *seen)
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
			nl_parse(n, seen);
		}
	}
}

static int nl_family(int fd, struct nl_fam *fam)
{
	struct nl_seen seen = { .want_dev = -1, .fam = fam };
	struct nl_req r;

	memset(fam, 0, sizeof(*fam));
	nl_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	nl_put(&r, CTRL_ATTR_FAMILY_NAME, HSHM_GENL_NAME,
	       strlen(HSHM_GENL_NAME) + 1);
	return nl_talk(fd, &r, &seen) ?: fam->id ? 0 : -ENOENT;
}

/* The index of hshm0's device, as GET reports it. */
static uint32_t dev_index(void)
{
	const char *d = hs_dev();
	const char *p = strrchr(d, 'm');

	return p ? (uint32_t)strtoul(p + 1, NULL, 10) : 0;
}

FIXTURE(nl)
{
	int fd;
	struct nl_fam fam;
};

FIXTURE_SETUP(nl)
{
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, nl_family(self->fd, &self->fam))
		TH_LOG("no \"%s\" generic netlink family", HSHM_GENL_NAME);
}

FIXTURE_TEARDOWN(nl)
{
	close(self->fd);
}

/* A GET of one device, with a reserved header field of @reserved. */
static int get_one(int fd, const struct nl_fam *fam, uint16_t reserved,
		   uint32_t seq)
{
	struct nl_seen seen = { .want_dev = dev_index() };
	struct nl_req r;
	int ret;

	nl_init(&r, fam->id, 0, HSHM_CMD_GET, seq);
	r.g.reserved = reserved;
	nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	ret = nl_talk(fd, &r, &seen);
	return ret ?: seen.msgs == 1 && !seen.other_dev ? 0 : -EIO;
}

TEST_F(nl, reserved_header_field_rejected)
{
	EXPECT_EQ(0, get_one(self->fd, &self->fam, 0, 10));
	EXPECT_EQ(-EINVAL, get_one(self->fd, &self->fam, 1, 11));
}

/* Each command takes its own attributes only. */
TEST_F(nl, attributes_of_another_command_rejected)
{
	struct nl_seen seen = { .want_dev = -1 };
	struct nl_req r;

	/* GET takes no setting */
	nl_init(&r, self->fam.id, 0, HSHM_CMD_GET, 20);
	nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	nl_put_u32(&r, HSHM_A_BATCH_MAX, 4);
	EXPECT_EQ(-EINVAL, nl_talk(self->fd, &r, &seen));
	/* SET takes no counter */
	nl_init(&r, self->fam.id, 0, HSHM_CMD_SET, 21);
	nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	nl_put(&r, HSHM_A_BAD_REPLIES, &(uint64_t){ 0 }, 8);
	EXPECT_EQ(-EINVAL, nl_talk(self->fd, &r, &seen));
	/* nor an attribute past the last one */
	nl_init(&r, self->fam.id, 0, HSHM_CMD_GET, 22);
	nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	nl_put_u32(&r, HSHM_A_MAX + 1, 0);
	EXPECT_EQ(-EINVAL, nl_talk(self->fd, &r, &seen));
	/* EVENT is the driver's to send */
	nl_init(&r, self->fam.id, 0, HSHM_CMD_EVENT, 23);
	EXPECT_EQ(-EOPNOTSUPP, nl_talk(self->fd, &r, &seen));
}

/* A dump with HSHM_A_DEV_INDEX is about that device only. */
TEST_F(nl, dump_filter)
{
	struct nl_seen all = { .want_dev = -1 };
	struct nl_seen one = { .want_dev = dev_index() };
	struct nl_seen none = { .want_dev = -1 };
	struct nl_req r;

	nl_init(&r, self->fam.id, NLM_F_DUMP, HSHM_CMD_GET, 30);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &all));
	EXPECT_LT(0u, all.msgs);

	nl_init(&r, self->fam.id, NLM_F_DUMP, HSHM_CMD_GET, 31);
	nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
	ASSERT_EQ(0, nl_talk(self->fd, &r, &one));
	EXPECT_LT(0u, one.msgs);
	EXPECT_EQ(0u, one.other_dev);

	/* the last index: no device of the tests has it */
	nl_init(&r, self->fam.id, NLM_F_DUMP, HSHM_CMD_GET, 32);
	nl_put_u32(&r, HSHM_A_DEV_INDEX, 31);
	EXPECT_EQ(-ENODEV, nl_talk(self->fd, &r, &none));
	EXPECT_EQ(0u, none.msgs);
}

/* As someone without CAP_NET_ADMIN: SET and joining events fail. */
TEST_F(nl, unprivileged)
{
	uint32_t grp = self->fam.events_grp;
	int status, fd, ret;
	struct nl_req r;
	pid_t pid;

	ASSERT_NE(0u, grp) TH_LOG("no \"%s\" group", HSHM_GENL_MCGRP_EVENTS);
	/* root may listen */
	fd = nl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				sizeof(grp)));
	close(fd);
	if (geteuid())
		SKIP(return, "not root");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct nl_seen seen = { .want_dev = -1 };
		int bad = 0;

		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(0x80);
		fd = nl_open();
		if (fd < 0)
			_exit(0x40);
		ret = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				 sizeof(grp));
		if (!(ret < 0 && errno == EPERM))
			bad |= 1;
		nl_init(&r, self->fam.id, 0, HSHM_CMD_SET, 40);
		nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
		nl_put_u32(&r, HSHM_A_TIMEOUT_MS, 1000);
		if (nl_talk(fd, &r, &seen) != -EPERM)
			bad |= 2;
		/* reading is anyone's */
		if (get_one(fd, &self->fam, 0, 41))
			bad |= 4;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("as nobody: 0x%x (1 joined events, 2 SET, 4 GET failed)",
		       WEXITSTATUS(status));
}

/*
 * SET changes what it carries and nothing else, and sysfs writes take the
 * same lock: a class knob written through sysfs while SETs of another
 * setting run reads back as written (a SET that rewrote every class knob
 * from a copy taken before the write would undo it).
 */
TEST_F(nl, set_leaves_sysfs_writes_alone)
{
	const char *knob = "classes/best_effort/target_us";
	uint64_t timeout, v, old;
	unsigned int i, lost = 0;
	int status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "not root");
	ASSERT_EQ(0, hs_sysfs_read_u64("timeout_ms", &timeout));
	ASSERT_EQ(0, hs_sysfs_read_u64(knob, &old));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct nl_seen seen = { .want_dev = -1 };
		struct nl_req r;
		int fd = nl_open();

		if (fd < 0)
			_exit(1);
		for (i = 0; ; i++) {
			nl_init(&r, self->fam.id, 0, HSHM_CMD_SET, 100 + i);
			nl_put_u32(&r, HSHM_A_DEV_INDEX, dev_index());
			nl_put_u32(&r, HSHM_A_TIMEOUT_MS, (uint32_t)timeout);
			if (nl_talk(fd, &r, &seen))
				_exit(2);
		}
	}
	for (i = 1; i <= 3000; i++) {
		if (hs_sysfs_write_u64(knob, 1000 + i) ||
		    hs_sysfs_read_u64(knob, &v)) {
			lost = ~0u;
			break;
		}
		lost += v != 1000 + i;
	}
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status))
		TH_LOG("the SET loop stopped: status %d", WEXITSTATUS(status));
	EXPECT_EQ(0u, lost) TH_LOG("%u of 3000 sysfs writes undone by a SET",
				   lost);
	EXPECT_EQ(0, hs_sysfs_write_u64(knob, old));
}

HS_HARNESS_MAIN
