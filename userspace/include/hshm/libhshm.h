/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libhshm: a small C library over the /dev/hshmN ioctls.
 *
 * The request and completion structures are those of the kernel ABI,
 * <linux/hshm.h> (struct hshm_submit, struct hshm_completion, struct
 * hshm_info, enum hshm_class); the library adds a handle, argument checks,
 * batches, and helpers for class names and error codes.  The semantics of
 * every field are in Documentation/hshm/uapi.rst.
 *
 * Errors.  Every call that can fail returns a negative errno value (-EINVAL,
 * -ENODEV, ...) and leaves errno alone; 0 or a count means success.
 * hshm_strerror() says what an errno means for hshm.
 *
 * Threads.  The library has no global state.  A handle (struct hshm) owns
 * two file descriptors of the same device: one for asynchronous requests
 * (hshm_request_submit*, hshm_reap*, hshm_request_cancel, hshm_fd) and
 * one, opened on the first hshm_request_call(), for synchronous calls, so
 * that a call never competes with a reap for its completion (see the
 * warning under HSHM_CALL in uapi.rst).  Consequently every call below may
 * run concurrently with any other on the same handle, from any number of
 * threads, except hshm_close(), which must be the last call on a handle.
 * Notes:
 *   - completions are per handle: whichever thread reaps gets them, so
 *     threads sharing a handle must route them (struct hshm_submit's
 *     user_data is returned unchanged for that), or use one handle each;
 *   - a response buffer must stay valid until its completion is reaped.
 *
 * Link with -lhshm (pkg-config --cflags --libs hshm), plus -pthread.
 *
 * The kernel-doc below is the contract.  The manual pages of section 3
 * (libhshm(3), one per function) say the same; make check-install checks
 * their prototypes and errno values against this file.
 */
#ifndef _HSHM_LIBHSHM_H
#define _HSHM_LIBHSHM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/hshm.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Marks the functions libhshm.so exports.  Each one is also listed, with
 * its symbol version, in lib/libhshm.map; make check-install compares the
 * two.
 */
#if defined(__GNUC__) && defined(HSHM_BUILDING_LIB)
#define HSHM_API __attribute__((visibility("default")))
#else
#define HSHM_API
#endif

/* Version of the library (not of the kernel ABI, see HSHM_ABI_VERSION). */
#define LIBHSHM_VERSION_MAJOR	1
#define LIBHSHM_VERSION_MINOR	0

/* Most completions one HSHM_COMPLETE ioctl returns (the kernel's limit). */
#define HSHM_REAP_CHUNK		1024u

/*
 * Largest device index hshm_open() accepts: the driver's limit (uapi's
 * HSHM_MAX_DEVICES), so /dev/hshm0../dev/hshm31.
 */
#define HSHM_MAX_INDEX		(HSHM_MAX_DEVICES - 1u)

/* The flags hshm_open() and hshm_open_path() accept. */
#define HSHM_OPEN_NONBLOCK	0x1u	/* submit fails with -EAGAIN when full */

/* An open device.  Opaque. */
struct hshm;

/**
 * hshm_open() - open /dev/hshm<index>
 * @out: where the new handle goes (set to NULL on failure)
 * @index: device number, 0..HSHM_MAX_INDEX
 * @flags: 0 or HSHM_OPEN_NONBLOCK
 *
 * Opens the device and checks with HSHM_INFO that it is an hshm device of a
 * known ABI version.  The descriptors are close-on-exec.
 *
 * Return: 0; -EINVAL (@out NULL, @index too large, unknown @flags),
 * -ENOENT (no such device), -EACCES, -ENOTTY (not an hshm device),
 * -EPROTO (another ABI version), -ENOMEM, or another open(2) error.
 */
HSHM_API int hshm_open(struct hshm **out, unsigned int index, unsigned int flags);

/**
 * hshm_open_path() - open the hshm device at @path
 * @out: where the new handle goes (set to NULL on failure)
 * @path: e.g. "/dev/hshm0"
 * @flags: 0 or HSHM_OPEN_NONBLOCK
 *
 * As hshm_open().  Return: as hshm_open(); -EINVAL also for a NULL or
 * empty @path, -ENAMETOOLONG for a path longer than PATH_MAX.
 */
HSHM_API int hshm_open_path(struct hshm **out, const char *path,
			    unsigned int flags);

/**
 * hshm_close() - close a handle and free it
 * @h: the handle, or NULL (nothing is done)
 *
 * Requests still outstanding are cancelled by the driver and their
 * completions dropped.  Must not run concurrently with any other call on
 * @h, and @h must not be used afterwards.
 *
 * Return: 0, or the negative errno of close(2) (the handle is freed anyway).
 */
HSHM_API int hshm_close(struct hshm *h);

/**
 * hshm_fd() - the descriptor to poll for completions
 * @h: the handle
 *
 * poll()/epoll report POLLIN while the handle has completions to reap, and
 * POLLHUP | POLLERR once the device is gone.  The descriptor belongs to the
 * handle: do not close it, read it or change its flags.
 *
 * Return: the descriptor (>= 0), or -EINVAL if @h is NULL.
 */
HSHM_API int hshm_fd(const struct hshm *h);

/**
 * hshm_query() - query the device (HSHM_INFO)
 * @h: the handle
 * @info: filled in
 *
 * default_timeout_ms and batch_max are read at the time of the call.
 *
 * Return: 0; -EINVAL (NULL argument), -ENODEV (device removed).
 */
HSHM_API int hshm_query(struct hshm *h, struct hshm_info *info);

/**
 * hshm_request_prep() - fill in a request
 * @req: the request; every field is set (reserved fields and flags to 0)
 * @service_id: the service the peer runs (HSHM_SVC_* of <linux/hshm_wire.h>)
 * @qos_class: an enum hshm_class value or HSHM_CLASS_AUTO
 * @payload: @length bytes, read during submission only
 * @length: 1..max_payload
 * @response: where the response goes; valid until the completion is reaped
 * @response_cap: bytes at @response (0: no response wanted)
 * @user_data: returned unchanged in the completion
 *
 * The timeout is the device's default; set @req->timeout_ms afterwards for
 * another one.  Nothing is checked here: hshm_request_submit() does it.
 */
HSHM_API void hshm_request_prep(struct hshm_submit *req, uint16_t service_id,
				unsigned int qos_class, const void *payload,
				uint32_t length, void *response,
				uint32_t response_cap, uint64_t user_data);

/**
 * hshm_request_submit() - queue one request (HSHM_SUBMIT)
 * @h: the handle
 * @req: the request; on success @req->id is the request's id
 *
 * Returns at once once the request is queued; its completion is collected
 * with hshm_reap() or hshm_reap_wait().  Without HSHM_OPEN_NONBLOCK it may
 * wait for room (a request slot and a buffer of its class).
 *
 * Return: 0; -EINVAL (NULL argument, or a field the driver refuses: flags
 * or reserved not zero, length 0, unknown class, timeout above 3600000 ms),
 * -EMSGSIZE (length or response_cap above max_payload), -EFAULT (a bad
 * pointer), -EAGAIN (no room and HSHM_OPEN_NONBLOCK), -EBUSY (no room and
 * the handle holds unreaped completions: reap them first), -EINTR (a
 * signal while waiting for room), -ENODEV (device removed).
 */
HSHM_API int hshm_request_submit(struct hshm *h, struct hshm_submit *req);

/**
 * hshm_request_submit_batch() - queue several requests, in order
 * @h: the handle
 * @reqs: @n requests; the ids of the accepted ones are written back
 * @n: number of requests (0 is allowed: nothing happens)
 * @accepted: out: how many were queued (may be NULL)
 *
 * Submits @reqs[0], @reqs[1], ... and stops at the first one the driver
 * refuses; the ones after it are not submitted.  On return @reqs[0] to
 * @reqs[*accepted - 1] are queued and each has its id.  One
 * HSHM_SUBMIT_BATCH ioctl takes up to 1024 of them, which a quiet
 * channel sends to the peer together, as one batch.
 *
 * Return: 0 if all @n were queued, else the negative errno of the first
 * failure (the errors of hshm_request_submit()); -EINVAL without anything
 * submitted if @h is NULL, or @reqs is NULL while @n is not 0.
 */
HSHM_API int hshm_request_submit_batch(struct hshm *h,
				       struct hshm_submit *reqs, size_t n,
				       size_t *accepted);

/**
 * hshm_reap() - collect the completions that are ready, without waiting
 * @h: the handle
 * @out: room for @max completions
 * @max: at least 1; any number (reaped HSHM_REAP_CHUNK per ioctl)
 *
 * Completions come oldest first.  Each one's response has been copied to
 * its request's response buffer.
 *
 * Return: the number written to @out (0 if none was ready), or -EINVAL
 * (NULL argument, @max 0), -EFAULT.
 */
HSHM_API int hshm_reap(struct hshm *h, struct hshm_completion *out,
		       unsigned int max);

/**
 * hshm_reap_wait() - wait for completions, then collect them
 * @h: the handle
 * @out: room for @max completions
 * @max: at least 1; any number (reaped HSHM_REAP_CHUNK per ioctl)
 * @min: wait until this many are ready (0: do not wait); at most @max, and
 *	at most HSHM_REAP_CHUNK
 * @timeout_ms: longest wait in milliseconds; negative: no limit
 *
 * The wait also ends when every request of the handle is ready, so asking
 * for more than is outstanding does not hang; running out of time is not
 * an error.  Use poll() on hshm_fd() to wait with finer resolution or for
 * several handles at once.
 *
 * Return: the number written to @out (possibly fewer than @min, or 0), or
 * -EINVAL (NULL argument, @max 0, @min above @max or HSHM_REAP_CHUNK),
 * -EINTR (a signal arrived and nothing was ready), -EFAULT.
 */
HSHM_API int hshm_reap_wait(struct hshm *h, struct hshm_completion *out,
			    unsigned int max, unsigned int min, int timeout_ms);

/**
 * hshm_request_call() - submit a request, wait for its completion (HSHM_CALL)
 * @h: the handle
 * @req: the request; on success @req->id is set
 * @out: its completion
 *
 * Runs on the handle's second descriptor (opened on first use), so it may
 * run at the same time as reaps and other calls on @h.  The wait is bounded
 * by the request's timeout.  A request that the peer failed is a success
 * of this call: look at @out->status.
 *
 * Return: 0 (@out filled in); the errors of hshm_request_submit() but -EBUSY;
 * -EINTR (a signal arrived while waiting: the request was cancelled and its
 * completion thrown away); errors of opening the second descriptor.
 */
HSHM_API int hshm_request_call(struct hshm *h, struct hshm_submit *req,
			       struct hshm_completion *out);

/**
 * hshm_request_cancel() - cancel a submitted request (HSHM_CANCEL)
 * @h: the handle
 * @id: an id hshm_request_submit() returned on this handle
 *
 * The request completes with status -ECANCELED unless it has finished
 * already; its completion must still be reaped.
 *
 * Return: 0; -EINVAL (@h NULL), -ENOENT (no such request on this handle,
 * or already reaped), -EALREADY (finished, completion waiting to be
 * reaped), -ENODEV (device removed).
 */
HSHM_API int hshm_request_cancel(struct hshm *h, uint64_t id);

/**
 * hshm_class_name() - name of a QoS class
 * @qos_class: an enum hshm_class value, or HSHM_CLASS_AUTO
 *
 * Return: "realtime", "throughput", "reliable", "best_effort" or "auto"
 * (the names sysfs uses); NULL for anything else.
 */
HSHM_API const char *hshm_class_name(unsigned int qos_class);

/**
 * hshm_class_id() - QoS class of a name
 * @name: a name hshm_class_name() returns, in any case and with '-' taken
 *	for '_' ("Best-Effort"), or a class number "0".."3": the spellings
 *	sysfs and every hshm tool accept
 *
 * Return: the enum hshm_class value (HSHM_CLASS_AUTO for "auto"), or
 * -EINVAL (unknown or NULL).
 */
HSHM_API int hshm_class_id(const char *name);

/**
 * hshm_strerror() - what an error means for hshm
 * @err: a negative errno from this library or a completion's status
 *	(positive values are taken as their negation)
 *
 * Return: a static string; for the codes with an hshm meaning (e.g.
 * -ETIME: "shed: waited longer than its class's shed_us") that meaning,
 * else strerror()'s text.  "success" for 0.  Thread-safe.
 */
HSHM_API const char *hshm_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* _HSHM_LIBHSHM_H */
