// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm-peer: the remote zone of an hshm channel, on the host.
 *
 * It is the ivshmem server QEMU's ivshmem-doorbell connects to (Debian
 * ships none): it owns the shared memory and the eventfds and hands them
 * out over a unix socket.  It also plays the peer partition: it waits on
 * its own eventfd, serves each batch the guest hands over with the same
 * wire and service code as the in-kernel loopback peer, and rings the
 * guest's vector when the batch is done.
 *
 * The memory is a file (by default under /dev/shm) that outlives the
 * process, so a killed hshm-peer can be started again while the guest
 * keeps running: it finds the queue where the guest left it.
 *
 * --profile chooses which peer it plays (common/hshm_peer.h): hshm's own
 * (the default, as above), or one of the public v1 servers of peers.md,
 * quirks included: they take no doorbell and ring nothing, look at the
 * queue on their own schedule and serve one message per look
 * (Documentation/hshm/peers.rst).  The profile's start-up runs when
 * hshm-peer starts, before or after the guest's driver, or while it runs;
 * --start-after-linux MS holds it (and all serving) until the guest's
 * driver has initialised its queue and MS more milliseconds have passed,
 * for the order "Linux first" while hshm-peer still comes up first as the
 * ivshmem server.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hshm_peer.h"
#include "hostile.h"

#define PEER_SELF_ID		0	/* the server's own ivshmem id */
#define PEER_MAX_CLIENTS	16
#define PEER_MAX_VECTORS	8
#define PEER_SLEEP_MIN_NS	50000ull
/* --start-after-linux: how often to look for the driver's queue */
#define PEER_WAIT_LINUX_NS	1000000ull

/* Test hooks (--test-hooks): service ids outside the reference set. */
#define PEER_SVC_DIE		0xfff0	/* SIGKILL ourselves mid-batch */
#define PEER_SVC_SET_COST	0xfff1	/* payload: u32 msg_ns, u32 kib_ns (LE) */
#define PEER_SVC_HOSTILE	0xfff2	/* payload: "MODES DURATION_MS [RATE]" */
#define PEER_SVC_HOSTILE_STATS	0xfff3	/* response: "mode count" lines */
#define PEER_SVC_CLAIM		0xfff4	/* payload: "N"; answers N bytes, writes none */
#define PEER_SVC_LATE		0xfff5	/* echo, written after the driver gave up */
/* 0xfff5 waits at most this long for the driver to give up... */
#define PEER_LATE_WAIT_NS	30000000000ull
/* ...and this long after it did, before it writes the answer. */
#define PEER_LATE_AFTER_NS	300000000ull

struct client {
	int sock;		/* -1: slot free */
	int id;
	int efd[PEER_MAX_VECTORS];	/* its vectors: we write to ring it */
};

struct peer {
	const struct hshm_peer_profile *prof;
	const char *sock_path;
	const char *shm_path;
	size_t size;
	unsigned int vectors;
	unsigned long long msg_ns, kib_ns;
	unsigned int poll_us;
	bool test_hooks, stats, quiet;
	bool cost_set;			/* --msg-ns or --pace-us given */
	unsigned long long flag_delay_ns;	/* v1: between the two flag writes */
	unsigned long long look_ns;	/* v1: from one look to the next */
	long long exit_after;		/* v1: -1: the profile's */
	long long start_after_ms;	/* -1: start at once */

	struct hshm_peer_region region;
	bool reused;			/* the memory file was there (a restart) */
	bool started;			/* the profile's start-up is done */
	unsigned long long start_ns;	/* when to start, 0: not known yet */

	u8 *mem;
	int shm_fd;
	int listen_fd;
	int self_efd[PEER_MAX_VECTORS];
	struct client clients[PEER_MAX_CLIENTS];
	int next_id;

	struct hshm_wire_rx rx;
	bool attached;
	struct hshm_wire_tx own;	/* the queue this zone owns */
	unsigned long long due_ns;

	struct hshm_peer_v1 v1;		/* v1 profiles: the server's loop */
	unsigned long long next_look_ns;
	unsigned long long prints;

	unsigned long long batches, messages, doorbells, rings;

	struct hostile hostile;
	unsigned int active;	/* hostile modes on for this batch */
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void say(const struct peer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->quiet)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "hshm-peer: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "hshm-peer: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	exit(1);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* One protocol message: a little-endian int64, optionally with an fd. */
static int send_msg(int sock, int64_t value, int fd)
{
	int64_t le = (int64_t)htole64((uint64_t)value);
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == sizeof(le) ? 0 : -1;
}

static void close_client(struct peer *p, struct client *c, bool announce)
{
	unsigned int v;
	int i;

	say(p, "guest %d left\n", c->id);
	close(c->sock);
	c->sock = -1;
	for (v = 0; v < p->vectors; v++) {
		close(c->efd[v]);
		c->efd[v] = -1;
	}
	if (!announce)
		return;
	for (i = 0; i < PEER_MAX_CLIENTS; i++)
		if (p->clients[i].sock >= 0)
			send_msg(p->clients[i].sock, c->id, -1);
}

/* The connection protocol of QEMU's ivshmem-doorbell (architecture.md). */
static void accept_client(struct peer *p)
{
	struct client *c = NULL;
	unsigned int v;
	int i, sock, bad = 0;

	sock = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (sock < 0)
		return;
	for (i = 0; i < PEER_MAX_CLIENTS && !c; i++)
		if (p->clients[i].sock < 0)
			c = &p->clients[i];
	if (!c) {
		say(p, "too many guests, refusing one\n");
		close(sock);
		return;
	}
	c->sock = sock;
	c->id = p->next_id++;
	for (v = 0; v < p->vectors; v++) {
		c->efd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (c->efd[v] < 0)
			bad = 1;
	}
	bad |= send_msg(sock, 0, -1);			/* protocol version */
	bad |= send_msg(sock, c->id, -1);		/* its own id */
	bad |= send_msg(sock, -1, p->shm_fd);		/* the memory */
	for (v = 0; v < p->vectors; v++)		/* us, the peer zone */
		bad |= send_msg(sock, PEER_SELF_ID, p->self_efd[v]);
	for (i = 0; i < PEER_MAX_CLIENTS; i++) {	/* the other guests */
		struct client *o = &p->clients[i];

		if (o == c || o->sock < 0)
			continue;
		for (v = 0; v < p->vectors; v++) {
			bad |= send_msg(sock, o->id, o->efd[v]);
			send_msg(o->sock, c->id, c->efd[v]);
		}
	}
	for (v = 0; v < p->vectors; v++)		/* its own vectors */
		bad |= send_msg(sock, c->id, c->efd[v]);
	if (bad) {
		say(p, "guest %d: setup failed: %s\n", c->id, strerror(errno));
		close_client(p, c, true);
		return;
	}
	say(p, "guest %d joined\n", c->id);
}

static void ring_guests(struct peer *p)
{
	uint64_t one = 1;
	int i;

	for (i = 0; i < PEER_MAX_CLIENTS; i++) {
		if (p->clients[i].sock < 0)
			continue;
		if (write(p->clients[i].efd[0], &one, sizeof(one)) == sizeof(one))
			p->rings++;
	}
}

static bool pace(void *ctx, const struct hshm_wire_rx_msg *m)
{
	struct peer *p = ctx;
	unsigned long long now;

	if (p->active && !hostile_before(&p->hostile, &p->rx, m, p->active))
		return false;
	if (p->test_hooks && m->service_id == PEER_SVC_DIE) {
		/* Answered first, so a restarted peer does not die on it too. */
		hshm_wire_rx_reply(&p->rx, m, HSHM_WIRE_RESULT_FAIL, 0);
		fprintf(stderr, "hshm-peer: test hook: killed mid-batch\n");
		raise(SIGKILL);
	}
	p->due_ns += p->msg_ns + p->kib_ns * m->length / 1024;
	now = now_ns();
	if (p->due_ns > now + PEER_SLEEP_MIN_NS) {
		unsigned long long d = p->due_ns - now;
		struct timespec ts = {
			.tv_sec = d / 1000000000ull,
			.tv_nsec = d % 1000000000ull,
		};

		nanosleep(&ts, NULL);
	}
	p->messages++;
	return !stopping;
}

static u32 get_le32(const u8 *b)
{
	return b[0] | b[1] << 8 | b[2] << 16 | (u32)b[3] << 24;
}

static void sleep_ns(unsigned long long d)
{
	struct timespec ts = {
		.tv_sec = d / 1000000000ull,
		.tv_nsec = d % 1000000000ull,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR && !stopping)
		;
}

/*
 * Has the driver given up the batch @m is in?  A heal writes the whole
 * queue again: its entries are cleared (and those of the abandoned batch
 * reused last), then the mark is idle until the next hand-over.  The mark
 * alone is not enough: the next batch may make it busy again before a
 * look sees it idle.
 */
static bool late_given_up(const struct peer *p, const struct hshm_wire_rx_msg *m)
{
	const struct hshm_wire_entry *e = &p->rx.q->entries[m->idx];

	return hshm_wire_queue_mark(p->rx.q) != HSHM_WIRE_MARK_BUSY ||
	       le32_to_cpu(READ_ONCE(e->msg.length)) != m->length ||
	       le32_to_cpu(READ_ONCE(e->msg.offset)) != m->offset;
}

/*
 * Hook 0xfff5: a peer slower than the driver's patience.  The answer (the
 * echo of the payload) is made at once, then held until the driver has
 * given the batch up (late_given_up()) and PEER_LATE_AFTER_NS more, and
 * written into the message's buffer anyway, as a slow peer would.
 */
static int late_answer(struct peer *p, const struct hshm_wire_rx_msg *m,
		       u8 *buf, u32 *out_len)
{
	unsigned long long until = now_ns() + PEER_LATE_WAIT_NS;
	u8 *answer = malloc(m->length ? m->length : 1);

	if (!answer)
		return HSHM_WIRE_RESULT_FAIL;
	memcpy(answer, buf, m->length);
	while (!stopping && now_ns() < until && !late_given_up(p, m))
		sleep_ns(1000000);
	sleep_ns(PEER_LATE_AFTER_NS);
	say(p, "test hook: answering %u bytes late\n", m->length);
	memcpy(buf, answer, m->length);
	free(answer);
	*out_len = m->length;
	return HSHM_WIRE_RESULT_SUCCESS;
}

static int test_service(void *ctx, const struct hshm_wire_rx_msg *m, u8 *buf,
			u32 room, u32 *out_len)
{
	struct peer *p = ctx;

	if (p->test_hooks && m->service_id == PEER_SVC_SET_COST) {
		if (m->length < 8)
			return HSHM_WIRE_RESULT_FAIL;
		p->msg_ns = get_le32(buf);
		p->kib_ns = get_le32(buf + 4);
		*out_len = 0;
		return HSHM_WIRE_RESULT_SUCCESS;
	}
	if (p->test_hooks && m->service_id == PEER_SVC_HOSTILE) {
		if (hostile_control(&p->hostile, (const char *)buf, m->length,
				    now_ns()))
			return HSHM_WIRE_RESULT_FAIL;
		say(p, "hostile: '%.*s'\n", (int)m->length, (const char *)buf);
		*out_len = 0;
		return HSHM_WIRE_RESULT_SUCCESS;
	}
	if (p->test_hooks && m->service_id == PEER_SVC_CLAIM) {
		char num[16];
		size_t n = m->length < sizeof(num) ? m->length : sizeof(num) - 1;

		/* A peer that reports more than it wrote: nothing is written. */
		memcpy(num, buf, n);
		num[n] = '\0';
		*out_len = (u32)strtoul(num, NULL, 10);
		if (*out_len > room)
			*out_len = room;
		return HSHM_WIRE_RESULT_SUCCESS;
	}
	if (p->test_hooks && m->service_id == PEER_SVC_LATE)
		return late_answer(p, m, buf, out_len);
	if (p->test_hooks && m->service_id == PEER_SVC_HOSTILE_STATS) {
		char text[512];
		size_t n = hostile_report(&p->hostile, text, sizeof(text));

		if (n > room)
			return HSHM_WIRE_RESULT_FAIL;
		memcpy(buf, text, n);
		*out_len = n;
		return HSHM_WIRE_RESULT_SUCCESS;
	}
	if (p->active)
		return hostile_service(&p->hostile, &p->rx, m, buf, room,
				       p->active);
	return -1;
}

static bool batch_end(void *ctx, struct hshm_wire_rx *rx)
{
	struct peer *p = ctx;

	return !p->active || hostile_end(&p->hostile, rx, p->active);
}

static void serve(struct peer *p)
{
	const struct hshm_peer_hooks hooks = {
		.before = pace,
		.service = test_service,
		.end = batch_end,
		.ctx = p,
	};

	if (!p->attached) {
		if (hshm_wire_rx_attach(&p->rx, p->mem + HSHM_WIRE_TXQ_OFFSET,
					HSHM_WIRE_QUEUE_SIZE,
					HSHM_WIRE_DATA_SIZE))
			return;		/* the guest has not set its queue up */
		p->attached = true;
		say(p, "attached to the guest's queue (%u entries)\n", p->rx.n);
	}
	while (!stopping && hshm_wire_rx_pending(&p->rx)) {
		p->due_ns = now_ns();
		p->active = hostile_active(&p->hostile, p->due_ns);
		if (hostile_hold(&p->hostile, &p->rx, p->active))
			return;
		if (p->active)
			hostile_begin(&p->hostile, &p->rx, p->active);
		if (hshm_peer_serve_batch(&p->rx, p->mem + HSHM_WIRE_DATA_OFFSET,
					  &hooks) < 0) {
			/* A hostile end of the batch: tell the guest anyway. */
			if (p->active && !stopping)
				ring_guests(p);
			return;
		}
		p->batches++;
		ring_guests(p);
	}
}

/* v1: the pace of one message (V1-11: the real servers print for ~17 ms). */
static bool v1_pace(void *ctx, const struct hshm_wire_rx_msg *m)
{
	struct peer *p = ctx;
	struct hshm_wire_entry *e;

	if (p->test_hooks && m->service_id == PEER_SVC_DIE) {
		/* Answered first, so a restarted peer does not die on it too. */
		e = &p->v1.q->entries[m->idx];
		WRITE_ONCE(e->msg.flag, cpu_to_le16(HSHM_WIRE_FLAG_DEALT |
			   HSHM_WIRE_RESULT_FAIL << HSHM_WIRE_FLAG_RESULT_SHIFT));
		fprintf(stderr, "hshm-peer: test hook: killed mid-message\n");
		raise(SIGKILL);
	}
	if (p->msg_ns || p->kib_ns)
		sleep_ns(p->msg_ns + p->kib_ns * m->length / 1024);
	p->messages++;
	return !stopping;
}

static int v1_test_service(void *ctx, const struct hshm_wire_rx_msg *m,
			   u8 *buf, u32 room, u32 *out_len)
{
	struct peer *p = ctx;

	if (!p->test_hooks || m->service_id != PEER_SVC_SET_COST)
		return -1;
	if (m->length < 8)
		return HSHM_WIRE_RESULT_FAIL;
	p->msg_ns = get_le32(buf);
	p->kib_ns = get_le32(buf + 4);
	*out_len = m->length;
	return HSHM_WIRE_RESULT_SUCCESS;
}

/* V1-8: the delay between deal_state and service_result. */
static void v1_between(void *ctx, const struct hshm_wire_rx_msg *m)
{
	struct peer *p = ctx;

	if (p->flag_delay_ns)
		sleep_ns(p->flag_delay_ns);
}

/* V1-10: what the hex-print services print. */
static void v1_print(void *ctx, const struct hshm_wire_rx_msg *m,
		     const u8 *buf, u32 len)
{
	struct peer *p = ctx;
	int n = hshm_svc_hex_len(buf, len), i;

	p->prints++;
	if (p->quiet || n < 0)
		return;
	fprintf(stderr, "hshm-peer: service %u prints %d bytes: \"",
		m->service_id, n);
	for (i = 0; i < n && i < 64; i++) {
		u8 c = hshm_svc_hex_byte(buf, i);

		fprintf(stderr, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c);
	}
	fprintf(stderr, "\"%s\n", n > 64 ? "..." : "");
}

/* v1: one look when it is time for one; nothing rings anyone (V1-11). */
static void serve_v1(struct peer *p)
{
	const struct hshm_peer_hooks hooks = {
		.before = v1_pace,
		.service = v1_test_service,
		.between = v1_between,
		.print = v1_print,
		.ctx = p,
	};
	unsigned long long now = now_ns();

	if (now < p->next_look_ns)
		return;
	p->next_look_ns = now + p->look_ns;
	if (hshm_peer_v1_look(&p->v1, &hooks) == HSHM_PEER_LOOK_EXITED ||
	    p->v1.exited) {
		say(p, "%s: served %llu messages, exiting\n", p->prof->name,
		    (unsigned long long)p->v1.served);
		stopping = 1;
	}
}

static void setup_memory(struct peer *p)
{
	struct stat st;

	p->shm_fd = open(p->shm_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (p->shm_fd < 0)
		die("%s: %s\n", p->shm_path, strerror(errno));
	if (fstat(p->shm_fd, &st))
		die("%s: %s\n", p->shm_path, strerror(errno));
	/* An existing file of the right size is reused as it is (restart). */
	p->reused = (size_t)st.st_size == p->size;
	if (!p->reused && ftruncate(p->shm_fd, p->size))
		die("%s: cannot size to %zu: %s\n", p->shm_path, p->size,
		    strerror(errno));
	p->mem = mmap(NULL, p->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      p->shm_fd, 0);
	if (p->mem == MAP_FAILED)
		die("mmap %s: %s\n", p->shm_path, strerror(errno));
	p->region = (struct hshm_peer_region){
		.data = p->mem + HSHM_WIRE_DATA_OFFSET,
		.data_size = HSHM_WIRE_DATA_SIZE,
		.txq = p->mem + HSHM_WIRE_TXQ_OFFSET,
		.txq_size = HSHM_WIRE_QUEUE_SIZE,
		.rxq = p->mem + HSHM_WIRE_RXQ_OFFSET,
		.rxq_size = HSHM_WIRE_QUEUE_SIZE,
	};
}

/* The profile's start-up: the zone boots, from here on it serves. */
static void start_profile(struct peer *p)
{
	/* This zone owns the second queue: peer-to-Linux requests. */
	if ((p->prof->start & HSHM_PEER_START_OWN_QUEUE) &&
	    hshm_wire_tx_init(&p->own, p->mem + HSHM_WIRE_RXQ_OFFSET,
			      HSHM_WIRE_QUEUE_SIZE))
		die("cannot initialise the peer-owned queue\n");
	/* The rest of the profile's start-up (V1-2 to V1-4). */
	hshm_peer_profile_start(p->prof, &p->region);
	if (p->prof->walk == HSHM_PEER_WALK_V1 &&
	    hshm_peer_v1_init(&p->v1, p->prof, &p->region))
		die("cannot set up the %s loop\n", p->prof->name);
	if (p->exit_after >= 0)
		p->v1.exit_after = p->exit_after;
	p->started = true;
}

/*
 * --start-after-linux: the driver is seen when its queue is initialised
 * (hshm_peer_owner_ready()), and the start-up follows MS later.  A memory
 * file that was there already, with a queue a driver marked (idle, busy,
 * initialised; buf_size may be a v1 clobber's), is a restart while Linux
 * runs: a rebooted zone that starts at once.
 */
static void place_start(struct peer *p)
{
	u32 mark = le32_to_cpu(READ_ONCE(((struct hshm_wire_queue *)
					  p->region.txq)->working_mark));

	if (p->start_after_ms < 0) {
		start_profile(p);
		return;
	}
	if (p->reused && (mark == HSHM_WIRE_MARK_IDLE ||
			  mark == HSHM_WIRE_MARK_BUSY ||
			  mark == HSHM_WIRE_MARK_INITED)) {
		say(p, "Linux is there already: starting at once (a zone reboot)\n");
		start_profile(p);
		return;
	}
	say(p, "waiting for Linux's driver, then %lld ms\n", p->start_after_ms);
}

/* Until started: is it time?  Returns ns to wait before asking again. */
static unsigned long long start_when_due(struct peer *p)
{
	unsigned long long now = now_ns();

	if (!p->start_ns) {
		if (!hshm_peer_owner_ready(&p->region))
			return PEER_WAIT_LINUX_NS;
		p->start_ns = now + p->start_after_ms * 1000000ull;
		say(p, "Linux's driver is there: starting in %lld ms\n",
		    p->start_after_ms);
	}
	if (now < p->start_ns)
		return p->start_ns - now;
	say(p, "starting after Linux\n");
	start_profile(p);
	return 0;
}

static void setup_server(struct peer *p)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	unsigned int v;

	for (v = 0; v < p->vectors; v++) {
		p->self_efd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (p->self_efd[v] < 0)
			die("eventfd: %s\n", strerror(errno));
	}
	if (strlen(p->sock_path) >= sizeof(addr.sun_path))
		die("socket path too long: %s\n", p->sock_path);
	strcpy(addr.sun_path, p->sock_path);
	p->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->listen_fd < 0)
		die("socket: %s\n", strerror(errno));
	unlink(p->sock_path);
	if (bind(p->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(p->listen_fd, 4))
		die("%s: %s\n", p->sock_path, strerror(errno));
}

static bool have_guests(const struct peer *p)
{
	int i;

	for (i = 0; i < PEER_MAX_CLIENTS; i++)
		if (p->clients[i].sock >= 0)
			return true;
	return false;
}

/*
 * With a guest connected its doorbell wakes us and a slow look once a
 * second is only a safety net.  Without one (ivshmem-plain, or after a
 * restart: QEMU never reconnects, so the guest's doorbells go to the
 * eventfd of the previous instance) the queue is polled every --poll-us.
 */
static void loop(struct peer *p)
{
	struct pollfd fds[1 + PEER_MAX_VECTORS + PEER_MAX_CLIENTS];

	while (!stopping) {
		int n = 0, i, self_lo, self_hi;
		unsigned int v;
		unsigned long long ns = have_guests(p) ? 1000000000ull :
				       p->poll_us * 1000ull;
		struct timespec ts;

		/* Not started: nothing is served, the driver is waited for. */
		if (!p->started) {
			unsigned long long w = start_when_due(p);

			if (w && w < ns)
				ns = w;
		}
		/* v1 profiles look on their own schedule, rung or not. */
		if (p->started && p->prof->walk == HSHM_PEER_WALK_V1) {
			unsigned long long now = now_ns();

			ns = p->next_look_ns > now ? p->next_look_ns - now : 0;
		}
		ts.tv_sec = ns / 1000000000ull;
		ts.tv_nsec = ns % 1000000000ull;

		if (p->listen_fd >= 0)
			fds[n++] = (struct pollfd){ .fd = p->listen_fd, .events = POLLIN };
		self_lo = n;
		for (v = 0; p->listen_fd >= 0 && v < p->vectors; v++)
			fds[n++] = (struct pollfd){ .fd = p->self_efd[v], .events = POLLIN };
		self_hi = n;
		for (i = 0; i < PEER_MAX_CLIENTS; i++)
			if (p->clients[i].sock >= 0)
				fds[n++] = (struct pollfd){ .fd = p->clients[i].sock,
							    .events = POLLIN };
		if (ppoll(fds, n, &ts, NULL) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s\n", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			uint64_t cnt;
			int k;

			if (!fds[i].revents)
				continue;
			if (fds[i].fd == p->listen_fd) {
				accept_client(p);
			} else if (i >= self_lo && i < self_hi) {
				if (read(fds[i].fd, &cnt, sizeof(cnt)) == sizeof(cnt))
					p->doorbells++;
			} else {
				char b;

				for (k = 0; k < PEER_MAX_CLIENTS; k++)
					if (p->clients[k].sock == fds[i].fd &&
					    recv(fds[i].fd, &b, 1, MSG_DONTWAIT) <= 0)
						close_client(p, &p->clients[k], true);
			}
		}
		/* Doorbell or not, a busy queue is served (polling fallback). */
		if (!p->started)
			continue;
		if (p->prof->walk == HSHM_PEER_WALK_V1)
			serve_v1(p);
		else
			serve(p);
	}
}

static void usage(FILE *f)
{
	const struct hshm_peer_profile *pr;
	unsigned int i;

	fprintf(f,
		"usage: hshm-peer [options]\n"
		"Serve an hshm guest's requests through QEMU ivshmem, as its peer zone.\n\n"
		"  -P, --profile NAME  the peer to play (default hshm; list below)\n"
		"  -S, --socket PATH   ivshmem server socket (default /tmp/hshm-ivshmem.sock);\n"
		"                      'none': no server, for ivshmem-plain (polls)\n"
		"  -m, --shm PATH      shared memory file, kept across restarts\n"
		"                      (default /dev/shm/hshm-ivshmem)\n"
		"  -s, --size BYTES    its size, a power of two >= 0x420000 (default 8M)\n"
		"  -v, --vectors N     interrupt vectors per peer, 1-%d (default 1)\n"
		"      --msg-ns NS     service cost per message (default: the profile's\n"
		"                      pace, 0 for hshm)\n"
		"      --pace-us US    the same in microseconds (v1 profiles: default 100;\n"
		"                      17000 is the real seL4 server's, V1-11)\n"
		"      --kib-ns NS     service cost per KiB of payload (default 0)\n"
		"      --flag-delay-us US  v1 profiles: pause between the two writes of\n"
		"                      the flag, deal_state then service_result (V1-8;\n"
		"                      default 0)\n"
		"      --look-us US    v1 profiles: from one look at the queue to the next\n"
		"                      (default: the profile's, 100000 for hvisor-tool-v1;\n"
		"                      seL4 and FreeRTOS spin, here every --poll-us)\n"
		"      --exit-after N  v1 profiles: exit after serving N messages, 0: never\n"
		"                      (default: the profile's, 10 for hvisor-tool-v1)\n"
		"      --start-after-linux MS  come up (memory, ivshmem server) at once\n"
		"                      but do the profile's start-up and serve only\n"
		"                      once the guest's driver has initialised its\n"
		"                      queue and MS more milliseconds have passed;\n"
		"                      a restart while the guest runs (the memory\n"
		"                      file kept, its queue a driver's) starts at once\n"
		"      --poll-us US    with no guest connected (ivshmem-plain, or after a\n"
		"                      restart), look at the queue every US microseconds\n"
		"                      (default 200)\n"
		"      --test-hooks    honour the test services 0xfff0 (SIGKILL itself\n"
		"                      mid-batch) and 0xfff1 (set the service cost), and\n"
		"                      with the hshm profile 0xfff2 (hostile modes for a\n"
		"                      while: payload \"MODES DURATION_MS [RATE]\"),\n"
		"                      0xfff3 (the hostile faults injected, as \"mode\n"
		"                      count\" lines), 0xfff4 (payload \"N\": answer\n"
		"                      N bytes, write none) and 0xfff5 (echo, written\n"
		"                      only once the driver gave the batch up)\n"
		"      --hostile MODES hshm profile: break the protocol on purpose, MODES\n"
		"                      a comma-separated list of corrupt-header,\n"
		"                      corrupt-entries, corrupt-flags, corrupt-lengths,\n"
		"                      corrupt-offsets, loop, answer-twice, answer-unsent,\n"
		"                      never-answer, flip-mark, vanish, or all\n"
		"      --hostile-rate P  percent of batches or messages a mode acts on\n"
		"                      (default 20)\n"
		"      --hostile-seed N  seed of the hostile choices (default: the time)\n"
		"      --stats         print statistics on exit\n"
		"  -q, --quiet         no progress messages\n"
		"  -h, --help          this text\n\n"
		"Profiles (Documentation/hshm/peers.rst):\n", PEER_MAX_VECTORS);
	for (i = 0; (pr = hshm_peer_profile_get(i)); i++)
		fprintf(f, "  %-18s  %s\n", pr->name, pr->about);
}

static unsigned long long parse_num(const char *opt, const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		die("%s: not a number: '%s'\n", opt, s);
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end)
		die("%s: not a number: '%s'\n", opt, s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "shm", required_argument, NULL, 'm' },
		{ "size", required_argument, NULL, 's' },
		{ "vectors", required_argument, NULL, 'v' },
		{ "msg-ns", required_argument, NULL, 1 },
		{ "kib-ns", required_argument, NULL, 2 },
		{ "poll-us", required_argument, NULL, 3 },
		{ "test-hooks", no_argument, NULL, 4 },
		{ "stats", no_argument, NULL, 5 },
		{ "hostile", required_argument, NULL, 6 },
		{ "hostile-rate", required_argument, NULL, 7 },
		{ "hostile-seed", required_argument, NULL, 8 },
		{ "profile", required_argument, NULL, 'P' },
		{ "pace-us", required_argument, NULL, 9 },
		{ "flag-delay-us", required_argument, NULL, 10 },
		{ "look-us", required_argument, NULL, 11 },
		{ "exit-after", required_argument, NULL, 12 },
		{ "start-after-linux", required_argument, NULL, 13 },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct peer p = {
		.prof = hshm_peer_profile_find(NULL),
		.exit_after = -1,
		.start_after_ms = -1,
		.sock_path = "/tmp/hshm-ivshmem.sock",
		.shm_path = "/dev/shm/hshm-ivshmem",
		.size = 8 << 20,
		.vectors = 1,
		.poll_us = 200,
		.listen_fd = -1,
		.next_id = PEER_SELF_ID + 1,
		.hostile = { .rate = 20 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long look_us = 0;
	bool look_set = false;
	int c, i;

	while ((c = getopt_long(argc, argv, "S:m:s:v:P:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'S': p.sock_path = optarg; break;
		case 'm': p.shm_path = optarg; break;
		case 's': p.size = parse_num("--size", optarg); break;
		case 'v': p.vectors = parse_num("--vectors", optarg); break;
		case 1:
			p.msg_ns = parse_num("--msg-ns", optarg);
			p.cost_set = true;
			break;
		case 2: p.kib_ns = parse_num("--kib-ns", optarg); break;
		case 3: p.poll_us = parse_num("--poll-us", optarg); break;
		case 4: p.test_hooks = true; break;
		case 5: p.stats = true; break;
		case 6:
			if (hostile_parse_modes(optarg, &p.hostile.modes))
				die("--hostile: unknown mode in '%s'\n", optarg);
			break;
		case 7:
			p.hostile.rate = parse_num("--hostile-rate", optarg);
			if (p.hostile.rate > 100)
				die("--hostile-rate: 0-100\n");
			break;
		case 8: p.hostile.rng = parse_num("--hostile-seed", optarg); break;
		case 'P':
			p.prof = hshm_peer_profile_find(optarg);
			if (!p.prof)
				die("--profile: no profile '%s' (--help lists them)\n",
				    optarg);
			break;
		case 9:
			p.msg_ns = parse_num("--pace-us", optarg) * 1000;
			p.cost_set = true;
			break;
		case 10:
			p.flag_delay_ns = parse_num("--flag-delay-us", optarg) * 1000;
			break;
		case 11:
			look_us = parse_num("--look-us", optarg);
			look_set = true;
			break;
		case 12: p.exit_after = parse_num("--exit-after", optarg); break;
		case 13:
			p.start_after_ms = parse_num("--start-after-linux", optarg);
			break;
		case 'q': p.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (p.size < HSHM_WIRE_REGION_SIZE || (p.size & (p.size - 1)))
		die("--size must be a power of two of at least %#x\n",
		    HSHM_WIRE_REGION_SIZE);
	if (!p.vectors || p.vectors > PEER_MAX_VECTORS)
		die("--vectors must be 1-%d\n", PEER_MAX_VECTORS);
	if (!p.poll_us)
		p.poll_us = 1;
	if (p.prof->walk != HSHM_PEER_WALK_BATCH && p.hostile.modes)
		die("--hostile: only with --profile hshm\n");
	if (!p.cost_set)
		p.msg_ns = p.prof->pace_us * 1000ull;
	if (!look_set)
		look_us = p.prof->look_us ? p.prof->look_us : p.poll_us;
	p.look_ns = (look_us ? look_us : 1) * 1000ull;
	for (i = 0; i < PEER_MAX_CLIENTS; i++)
		p.clients[i].sock = -1;
	if (!p.hostile.rng)
		p.hostile.rng = now_ns() ^ ((unsigned long long)getpid() << 32);
	if (p.hostile.modes)
		say(&p, "hostile, rate %u%%, seed %llu\n", p.hostile.rate,
		    p.hostile.rng);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setup_memory(&p);
	place_start(&p);
	if (strcmp(p.sock_path, "none"))
		setup_server(&p);
	say(&p, "serving %s (%zu bytes)%s%s, profile %s\n", p.shm_path, p.size,
	    p.listen_fd >= 0 ? " on " : ", polling",
	    p.listen_fd >= 0 ? p.sock_path : "", p.prof->name);
	loop(&p);

	for (i = 0; i < PEER_MAX_CLIENTS; i++)
		if (p.clients[i].sock >= 0)
			close_client(&p, &p.clients[i], false);
	if (p.listen_fd >= 0) {
		close(p.listen_fd);
		unlink(p.sock_path);
	}
	if (p.stats && p.prof->walk == HSHM_PEER_WALK_V1)
		fprintf(stderr,
			"hshm-peer: %s: %" PRIu64 " looks, %" PRIu64 " served, %" PRIu64 " invalid, %" PRIu64 " heals, %llu prints, %llu doorbells\n",
			p.prof->name, p.v1.looks, p.v1.served, p.v1.invalid,
			p.v1.heals, p.prints, p.doorbells);
	else if (p.stats)
		fprintf(stderr,
			"hshm-peer: %llu batches, %llu messages, %" PRIu64 " invalid, %" PRIu64 " heals, %llu doorbells, %llu rings\n",
			p.batches, p.messages, p.rx.invalid, p.rx.heals,
			p.doorbells, p.rings);
	if (p.prof->walk == HSHM_PEER_WALK_BATCH && (p.stats || p.hostile.modes))
		hostile_print(&p.hostile, stderr);
	munmap(p.mem, p.size);
	close(p.shm_fd);
	return 0;
}
