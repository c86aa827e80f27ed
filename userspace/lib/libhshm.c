// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhshm: the /dev/hshmN ioctls behind a handle.  See
 * include/hshm/libhshm.h for the contract of every call.
 *
 * A handle has two descriptors of one device: "fd" for asynchronous
 * requests and "call_fd" for HSHM_CALL, opened on first use.  Keeping the
 * calls on their own file keeps HSHM_COMPLETE from ever reaping a call's
 * completion.  call_fd is published once with a compare-and-swap, so no
 * lock is needed and every entry point may run concurrently.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "hshm/libhshm.h"
#include "hshm_qos.h"

/* common/'s class names are those of enum hshm_class */
static_assert(HSHM_CLASS_COUNT == HSHM_NR_CLASSES,
	      "uapi and common/ count the classes alike");

struct hshm {
	int fd;
	int open_flags;		/* open(2) flags of both descriptors */
	_Atomic int call_fd;	/* -1 until the first hshm_request_call() */
	char path[];		/* the device, for call_fd */
};

/* ioctl() that never lets EINTR be mistaken for success: 0 or -errno. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* open() the device and check it speaks our ABI: fd or -errno. */
static int open_dev(const char *path, int flags)
{
	struct hshm_info info;
	int fd, ret;

	fd = open(path, flags);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	ret = xioctl(fd, HSHM_INFO, &info);
	if (!ret && info.abi_version != HSHM_ABI_VERSION)
		ret = -EPROTO;
	if (ret) {
		close(fd);
		/* a character device that does not know HSHM_INFO */
		return ret == -EINVAL ? -ENOTTY : ret;
	}
	return fd;
}

int hshm_open_path(struct hshm **out, const char *path, unsigned int flags)
{
	struct hshm *h;
	size_t len;
	int fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!path || !*path || (flags & ~HSHM_OPEN_NONBLOCK))
		return -EINVAL;
	len = strlen(path);
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	h = malloc(sizeof(*h) + len + 1);
	if (!h)
		return -ENOMEM;
	memcpy(h->path, path, len + 1);
	h->open_flags = O_RDWR | O_CLOEXEC |
			(flags & HSHM_OPEN_NONBLOCK ? O_NONBLOCK : 0);
	atomic_init(&h->call_fd, -1);
	fd = open_dev(path, h->open_flags);
	if (fd < 0) {
		free(h);
		return fd;
	}
	h->fd = fd;
	*out = h;
	return 0;
}

int hshm_open(struct hshm **out, unsigned int index, unsigned int flags)
{
	char path[32];

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (index > HSHM_MAX_INDEX)
		return -EINVAL;
	snprintf(path, sizeof(path), "/dev/hshm%u", index);
	return hshm_open_path(out, path, flags);
}

int hshm_close(struct hshm *h)
{
	int ret = 0, cfd;

	if (!h)
		return 0;
	cfd = atomic_load(&h->call_fd);
	if (cfd >= 0 && close(cfd))
		ret = -errno;
	if (close(h->fd) && !ret)
		ret = -errno;
	free(h);
	return ret;
}

int hshm_fd(const struct hshm *h)
{
	return h ? h->fd : -EINVAL;
}

int hshm_query(struct hshm *h, struct hshm_info *info)
{
	if (!h || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	return xioctl(h->fd, HSHM_INFO, info);
}

void hshm_request_prep(struct hshm_submit *req, uint16_t service_id,
		       unsigned int qos_class, const void *payload,
		       uint32_t length, void *response, uint32_t response_cap,
		       uint64_t user_data)
{
	memset(req, 0, sizeof(*req));
	req->payload = (uintptr_t)payload;
	req->length = length;
	req->response = (uintptr_t)response;
	req->response_cap = response_cap;
	req->service_id = service_id;
	req->qos_class = (uint8_t)qos_class;
	req->user_data = user_data;
}

int hshm_request_submit(struct hshm *h, struct hshm_submit *req)
{
	if (!h || !req)
		return -EINVAL;
	return xioctl(h->fd, HSHM_SUBMIT, req);
}

/* The most requests one HSHM_SUBMIT_BATCH takes. */
#define HSHM_SUBMIT_CHUNK	1024

/*
 * HSHM_SUBMIT_BATCH in chunks.  A chunk cut short stopped at a request the
 * driver refused: the next call starts with it and returns its error.  A
 * driver without the ioctl gets one HSHM_SUBMIT each.
 */
int hshm_request_submit_batch(struct hshm *h, struct hshm_submit *reqs,
			      size_t n, size_t *accepted)
{
	struct hshm_submit_batch b;
	size_t i = 0;
	int ret = 0;

	if (accepted)
		*accepted = 0;
	if (!h || (!reqs && n))
		return -EINVAL;
	while (i < n) {
		memset(&b, 0, sizeof(b));
		b.submits = (uintptr_t)&reqs[i];
		b.count = n - i < HSHM_SUBMIT_CHUNK ? n - i : HSHM_SUBMIT_CHUNK;
		ret = xioctl(h->fd, HSHM_SUBMIT_BATCH, &b);
		if (ret == -ENOTTY) {
			ret = xioctl(h->fd, HSHM_SUBMIT, &reqs[i]);
			b.submitted = !ret;
		}
		if (ret)
			break;
		i += b.submitted;
	}
	if (accepted)
		*accepted = i;
	return ret;
}

/*
 * One HSHM_COMPLETE: up to @max (<= HSHM_REAP_CHUNK) into @out, waiting
 * for @min.  Count or -errno.
 */
static int reap_once(int fd, struct hshm_completion *out, unsigned int max,
		     unsigned int min, uint32_t timeout_ms)
{
	struct hshm_complete c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.completions = (uintptr_t)out;
	c.max_events = max;
	c.min_events = min;
	c.timeout_ms = timeout_ms;
	ret = xioctl(fd, HSHM_COMPLETE, &c);
	return ret ? ret : (int)c.count;
}

/* The first chunk may wait; the rest take what is ready. */
static int reap(struct hshm *h, struct hshm_completion *out, unsigned int max,
		unsigned int min, uint32_t timeout_ms)
{
	unsigned int total = 0;
	int n;

	if (max > INT_MAX)
		max = INT_MAX;
	do {
		unsigned int chunk = max - total;

		if (chunk > HSHM_REAP_CHUNK)
			chunk = HSHM_REAP_CHUNK;
		n = reap_once(h->fd, out + total, chunk, total ? 0 : min,
			      timeout_ms);
		if (n < 0)
			return total ? (int)total : n;
		total += n;
		if ((unsigned int)n < chunk)
			break;
	} while (total < max);
	return (int)total;
}

int hshm_reap(struct hshm *h, struct hshm_completion *out, unsigned int max)
{
	if (!h || !out || !max)
		return -EINVAL;
	return reap(h, out, max, 0, 0);
}

int hshm_reap_wait(struct hshm *h, struct hshm_completion *out,
		   unsigned int max, unsigned int min, int timeout_ms)
{
	if (!h || !out || !max || min > max || min > HSHM_REAP_CHUNK)
		return -EINVAL;
	return reap(h, out, max, min,
		    timeout_ms < 0 ? HSHM_WAIT_FOREVER : (uint32_t)timeout_ms);
}

/* The call descriptor, opened once; -errno if it cannot be. */
static int call_fd(struct hshm *h)
{
	int fd = atomic_load(&h->call_fd), expected = -1, nfd;

	if (fd >= 0)
		return fd;
	nfd = open_dev(h->path, h->open_flags);
	if (nfd < 0)
		return nfd;
	if (atomic_compare_exchange_strong(&h->call_fd, &expected, nfd))
		return nfd;
	/* another thread won the race */
	close(nfd);
	return expected;
}

int hshm_request_call(struct hshm *h, struct hshm_submit *req,
		      struct hshm_completion *out)
{
	struct hshm_call c;
	int fd, ret;

	if (!h || !req || !out)
		return -EINVAL;
	fd = call_fd(h);
	if (fd < 0)
		return fd;
	memset(&c, 0, sizeof(c));
	c.submit = *req;
	ret = xioctl(fd, HSHM_CALL, &c);
	if (ret)
		return ret;
	req->id = c.submit.id;
	*out = c.completion;
	return 0;
}

int hshm_request_cancel(struct hshm *h, uint64_t id)
{
	struct hshm_cancel c;

	if (!h)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.id = id;
	return xioctl(h->fd, HSHM_CANCEL, &c);
}

const char *hshm_class_name(unsigned int qos_class)
{
	if (qos_class == HSHM_CLASS_AUTO)
		return "auto";
	return hshm_class_str(qos_class);
}

int hshm_class_id(const char *name)
{
	if (!name)
		return -EINVAL;
	if (!strcasecmp(name, "auto"))
		return HSHM_CLASS_AUTO;
	return hshm_class_lookup(name, strlen(name));
}

static const struct {
	int err;
	const char *text;
} hshm_errors[] = {
	{ EREMOTEIO,	"the peer reported that the service failed" },
	{ EOPNOTSUPP,	"the peer has no such service" },
	{ EPROTO,	"the peer's answer was invalid (or wrong ABI version)" },
	{ ETIMEDOUT,	"no answer within the request's timeout" },
	{ ECANCELED,	"the request was cancelled" },
	{ ETIME,	"shed: waited longer than its class's shed_us" },
	{ ECONNRESET,	"the driver reset the queue with a stuck or misbehaving peer (a heal)" },
	{ EMSGSIZE,	"the message or response does not fit (max_payload or response_cap)" },
	{ ENODEV,	"the hshm device has been removed" },
	{ EAGAIN,	"no request slot or buffer free for the class (non-blocking)" },
	{ EBUSY,	"no room, and the handle holds unreaped completions: reap them" },
	{ EALREADY,	"the request has already finished; reap its completion" },
	{ ENOENT,	"no such request on this handle, or no such device" },
	{ ENOTTY,	"not an hshm device" },
	{ EIO,		"internal error: no free queue entry (see the kernel log)" },
};

const char *hshm_strerror(int err)
{
	const char *s;
	size_t i;

	if (err == INT_MIN)
		return "unknown error";
	if (err < 0)
		err = -err;
	if (!err)
		return "success";
	for (i = 0; i < sizeof(hshm_errors) / sizeof(hshm_errors[0]); i++)
		if (hshm_errors[i].err == err)
			return hshm_errors[i].text;
	/* strerrordesc_np() returns static text: thread-safe, unlike strerror() */
	s = strerrordesc_np(err);
	return s ? s : "unknown error";
}
