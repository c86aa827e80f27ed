/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hshm: QoS-aware HyperAMP shared-memory channel, internal definitions.
 *
 * Layers (each in its own file): wire and services (common/), sched
 * (hshm_sched.c), pool (hshm_pool.c), stats (hshm_stats.c), core channel
 * and request lifecycle (hshm_chan.c), user interfaces (hshm_cdev.c,
 * hshm_sysfs.c) and transports (tr_*.c).
 */
#ifndef _HSHM_H
#define _HSHM_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/hrtimer.h>
#include <linux/device.h>
#include <linux/kfifo.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/sched/prio.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/hshm.h>

#include "hshm_compat.h"

#include "hshm_wire.h"
#include "hshm_qos.h"
#include "hshm_peer.h"

/* common/'s classes (HSHM_NR_CLASSES) are the ABI's */
static_assert(HSHM_NR_CLASSES == HSHM_CLASS_COUNT);

#define HSHM_BLOCK_SHIFT	8		/* 256-byte allocation granule */
#define HSHM_BLOCK_SIZE		BIT(HSHM_BLOCK_SHIFT)
#define HSHM_MAX_PAYLOAD	(256u * 1024)
#define HSHM_MAX_REQUESTS_LIMIT	16384
#define HSHM_MAX_EVENTS		1024
#define HSHM_TIMEOUT_MAX_MS	3600000u
/* how late a request timeout may fire, so that expiries can be batched */
#define HSHM_TIMEOUT_SLACK_NS	(100 * NSEC_PER_USEC)
#define HSHM_NR_SERVICES	65536

/**
 * enum hshm_knob - the u32 settings of a channel (hshm_knob_set())
 * @HSHM_KNOB_TIMEOUT_MS: default request timeout, 1 to HSHM_TIMEOUT_MAX_MS
 * @HSHM_KNOB_BATCH_MAX: most messages per batch, 1 to the queue's entries
 * @HSHM_KNOB_RT_BATCH_MAX: the same while REALTIME is active
 * @HSHM_KNOB_HANDOVER: most messages per hand-over, 0 (the profile's or
 *	learned) to the queue's entries
 * @HSHM_KNOB_PEER_WAIT_MS: how long to wait for the peer's queue, 0 to
 *	HSHM_TIMEOUT_MAX_MS
 * @HSHM_KNOB_DRR_QUANTUM: DRR's base quantum in bytes,
 *	HSHM_DRR_QUANTUM_MIN to HSHM_DRR_QUANTUM_MAX
 * @HSHM_KNOB_NR: number of knobs
 */
enum hshm_knob {
	HSHM_KNOB_TIMEOUT_MS,
	HSHM_KNOB_BATCH_MAX,
	HSHM_KNOB_RT_BATCH_MAX,
	HSHM_KNOB_HANDOVER,
	HSHM_KNOB_PEER_WAIT_MS,
	HSHM_KNOB_DRR_QUANTUM,
	HSHM_KNOB_NR
};

/**
 * enum hshm_cls_knob - the u32 settings of a class (hshm_cls_knob_set())
 * @HSHM_CLS_KNOB_SHED_US: struct hshm_cls.shed_us
 * @HSHM_CLS_KNOB_TARGET_US: struct hshm_cls.target_us
 * @HSHM_CLS_KNOB_SPIN_US: struct hshm_cls.spin_us
 * @HSHM_CLS_KNOB_NR: number of class knobs
 */
enum hshm_cls_knob {
	HSHM_CLS_KNOB_SHED_US,
	HSHM_CLS_KNOB_TARGET_US,
	HSHM_CLS_KNOB_SPIN_US,
	HSHM_CLS_KNOB_NR
};

/**
 * enum hshm_thread_policy - CPU scheduling policy of a channel's dispatcher
 * @HSHM_POLICY_OTHER: SCHED_NORMAL, with a nice value
 * @HSHM_POLICY_FIFO: SCHED_FIFO, with a real-time priority
 * @HSHM_POLICY_RR: SCHED_RR, with a real-time priority
 * @HSHM_POLICY_NR: number of policies
 *
 * The values are those of HSHM_NL_POLICY_* in the netlink uapi.
 */
enum hshm_thread_policy {
	HSHM_POLICY_OTHER,
	HSHM_POLICY_FIFO,
	HSHM_POLICY_RR,
	HSHM_POLICY_NR,
};

/* Real-time priority fifo and rr start from: the kernel's own choice. */
#define HSHM_THREAD_RT_PRIO_DEFAULT	(MAX_RT_PRIO / 2)

/**
 * struct hshm_thread_sched - CPU scheduling of a channel's dispatcher
 * @policy: enum hshm_thread_policy
 * @prio: under fifo and rr the real-time priority, 1 to 99; under other
 *	the nice value, -20 to 19
 */
struct hshm_thread_sched {
	int policy;
	int prio;
};

extern const char *const hshm_policy_names[HSHM_POLICY_NR];

/**
 * enum hshm_peer_state - what the driver last saw of its peer
 * @HSHM_PEER_ABSENT: not seen yet: its queue shows no running owner and it
 *	has answered nothing
 * @HSHM_PEER_READY: its queue shows it running, or it answered
 * @HSHM_PEER_LOST: it was ready, then its queue stopped showing it, or a
 *	batch went unanswered past its deadline
 * @HSHM_PEER_NR: number of states
 *
 * The values are those of HSHM_NL_PEER_* in the netlink uapi.
 */
enum hshm_peer_state {
	HSHM_PEER_ABSENT,
	HSHM_PEER_READY,
	HSHM_PEER_LOST,
	HSHM_PEER_NR,
};

extern const char *const hshm_peer_state_names[HSHM_PEER_NR];

/* The longest hshm waits for the peer before it sends anyway (default). */
#define HSHM_PEER_WAIT_MS_DEFAULT	10000u

/* struct hshm_req.state */
enum hshm_req_state {
	HSHM_REQ_FREE,
	HSHM_REQ_QUEUED,	/* in a class kfifo */
	HSHM_REQ_PEER,		/* in a batch handed to the peer */
	HSHM_REQ_DONE,		/* status decided, completion posted */
};

/**
 * enum hshm_fault - kinds of bad data from the peer, counted per channel
 * @HSHM_FAULT_BAD_FLAG: an answer with reserved flag bits set
 * @HSHM_FAULT_BAD_LENGTH: a response length beyond the request's buffer
 * @HSHM_FAULT_BAD_RESULT: an answer with service_result "none"
 * @HSHM_FAULT_SKIPPED: an entry left unanswered by a peer that went idle;
 *	not a fault of the request, which is sent again (peers.md D-2)
 * @HSHM_FAULT_BAD_MARK: a working_mark observed that is unknown, or known
 *	but impossible at that point (anything but busy or idle while a
 *	batch is out, anything but idle between batches)
 * @HSHM_FAULT_SPURIOUS: an answer written into an entry that was not
 *	handed over (found on the free list)
 * @HSHM_FAULT_BAD_HEADER: a queue header field only the owner writes
 *	(buf_size, empty_h, wait_h) found changed at hand-over
 * @HSHM_FAULT_NR: number of kinds
 */
enum hshm_fault {
	HSHM_FAULT_BAD_FLAG,
	HSHM_FAULT_BAD_LENGTH,
	HSHM_FAULT_BAD_RESULT,
	HSHM_FAULT_SKIPPED,
	HSHM_FAULT_BAD_MARK,
	HSHM_FAULT_SPURIOUS,
	HSHM_FAULT_BAD_HEADER,
	HSHM_FAULT_NR,
};

struct hshm_chan;
struct hshm_file;

#define HSHM_EV_RING		16

/**
 * enum hshm_ev_type - what an event reports
 * @HSHM_EV_SLA_VIOLATION: a completion was slower than its class's target
 * @HSHM_EV_PEER_RESET: the peer went idle with messages of the batch
 *	untouched, which are sent again
 * @HSHM_EV_HEAL: the driver reset the queue with the peer
 * @HSHM_EV_SHED: requests of a class were shed
 * @HSHM_EV_PEER_STATE: the peer's state changed
 * @HSHM_EV_NR: end marker (types start at 1)
 *
 * The values are those of enum hshm_nl_event in the netlink uapi
 * (asserted in hshm_nl_event.c).
 */
enum hshm_ev_type {
	HSHM_EV_SLA_VIOLATION = 1,
	HSHM_EV_PEER_RESET,
	HSHM_EV_HEAL,
	HSHM_EV_SHED,
	HSHM_EV_PEER_STATE,
	HSHM_EV_NR,
};

/**
 * struct hshm_event - one event waiting to be multicast
 * @type: enum hshm_ev_type
 * @cls: class, %HSHM_NR_CLASSES for none
 * @suppressed: events of this type dropped by rate limiting before it
 * @latency_ns: latency (SLA violations)
 * @target_ns: the missed target (SLA violations)
 * @count: requests concerned
 * @time: when it happened
 */
struct hshm_event {
	u8 type;
	u8 cls;
	u32 suppressed;
	u64 latency_ns;
	u64 target_ns;
	u64 count;
	ktime_t time;
};

/**
 * struct hshm_event_rl - rate limit of one event type
 * @start: jiffies at the start of the current one-second window
 * @sent: events queued in that window
 * @suppressed: events dropped since the last one queued
 */
struct hshm_event_rl {
	unsigned long start;
	u32 sent;
	u32 suppressed;
};

/**
 * struct hshm_events - events of a channel on their way to netlink
 * @lock: protects everything below but @work
 * @ring: events to send
 * @head: oldest event in @ring
 * @n: events in @ring
 * @rl: rate limiting, per event type
 * @work: sends them
 */
struct hshm_events {
	spinlock_t lock;		/* see above */
	struct hshm_event ring[HSHM_EV_RING];
	u32 head;
	u32 n;
	struct hshm_event_rl rl[HSHM_EV_NR];
	struct work_struct work;
};

/**
 * struct hshm_transport_ops - how a channel reaches its peer
 * @name: transport name, shown in sysfs
 * @ring: ring the peer's doorbell after a batch was handed over; called
 *	from the dispatcher kthread
 * @stop: make sure the peer no longer reads or writes the region and no
 *	more interrupts arrive; called once, from hshm_chan_remove(), after
 *	the dispatcher has stopped and before in-flight buffers are reclaimed
 * @groups: the transport's own sysfs attributes of hshmN, or NULL
 *
 * @ring is called with the channel's @tx_lock held and interrupts off,
 * from the dispatcher, a submitting task, a task waiting for its answer
 * or the reply interrupt.  A transport's reply interrupt (or whatever
 * stands for it) calls hshm_chan_notify().
 */
struct hshm_transport_ops {
	const char *name;
	void (*ring)(struct hshm_chan *ch);
	void (*stop)(struct hshm_chan *ch);
	const struct attribute_group *groups;
};

/**
 * struct hshm_layout - where the parts of the region are
 * @region_size: bytes of the whole region
 * @data_off: offset of the data area in the region
 * @data_size: bytes of the data area (wire offsets are relative to it)
 * @alloc_off: offset in the data area of the part this side allocates from
 * @alloc_size: bytes of that part
 * @txq_off: offset of the queue this side owns
 * @txq_size: its bytes
 * @rxq_off: offset of the queue the peer owns, whose working_mark tells
 *	whether the peer is there (peers.md C-2, V1-4)
 * @rxq_size: its bytes, 0 when the region has no such queue
 */
struct hshm_layout {
	u64 region_size;
	u32 data_off;
	u32 data_size;
	u32 alloc_off;
	u32 alloc_size;
	u32 txq_off;
	u32 txq_size;
	u32 rxq_off;
	u32 rxq_size;
};

/**
 * struct hshm_req - one request, from submit to reap
 * @ch: owning channel
 * @file: submitting file; holds a reference on it until the request is
 *	freed
 * @file_node: on @file->live while the user still owns it (file lock)
 * @done_node: on @file->done once completed, until reaped (file lock)
 * @deadline: when the request times out, on CLOCK_MONOTONIC like
 *	@t_submit (ktime_get() ns), so that it never ends before the timeout
 *	measured in @latency_ns has passed; looked at by the channel's
 *	timeout scan (hshm_chan.c)
 * @ref: holders: the user (until reaped or closed), the wire (from submit
 *	until the dispatcher lets go of it), the timeout scan while it looks
 * @state: enum hshm_req_state, changed with cmpxchg
 * @id: id returned to user space
 * @gen: reuse generation of this slot, part of @id
 * @idx: slot index
 * @user_data: caller's cookie
 * @response: user pointer the response goes to
 * @resp_cap: bytes at @response
 * @length: payload bytes
 * @offset: buffer offset in the data area (wire offset)
 * @first_block: first pool block of the buffer
 * @nblocks: pool blocks of the buffer
 * @dirty: leading bytes of the buffer that may hold data: the payload,
 *	then what the peer said it answered, or all of the buffer when that
 *	is unknown; cleared when the buffer is freed (hshm_req_free())
 * @service_id: requested service
 * @cls: class
 * @result: wire service result
 * @entry: wire entry while at the peer
 * @status: completion status, set once with @state DONE
 * @resp_len: response length reported by the peer
 * @t_submit: when the submit began (before any wait for room)
 * @latency_ns: from @t_submit to the end, set with @status
 * @late: @latency_ns is past the class's target, set with @status
 * @call: submitted by HSHM_CALL: never on the file's lists, its caller
 *	waits for @posted
 * @resend_node: on its class's resend list, handed back by a peer that
 *	did not serve it, or on the channel's held list after a heal
 *	(@tx_lock of the channel)
 * @posted: the completion is decided and filled in (release/acquire)
 */
struct hshm_req {
	struct hshm_chan *ch;
	struct hshm_file *file;
	struct list_head file_node;
	struct list_head done_node;
	u64 deadline;
	refcount_t ref;
	atomic_t state;
	u64 id;
	u32 gen;
	u32 idx;
	u64 user_data;
	u64 response;
	u32 resp_cap;
	u32 length;
	u32 offset;
	u32 first_block;
	u32 nblocks;
	u32 dirty;
	u16 service_id;
	u8 cls;
	u8 result;
	u16 entry;
	s32 status;
	u32 resp_len;
	ktime_t t_submit;
	u64 latency_ns;
	bool late;
	bool call;
	bool posted;
	struct list_head resend_node;
};

/**
 * struct hshm_pool - request slots and data-area buffers of a channel
 * @lock: protects every field below but @wq
 * @bitmap: one bit per block of the allocatable data area
 * @nblocks: blocks in all
 * @blocks: reserved + shared accounting of blocks
 * @slots: reserved + shared accounting of request slots
 * @percent: reservations in percent, per class
 * @free: stack of free slot indices
 * @nfree: entries on @free
 * @wq: submitters waiting for room
 */
struct hshm_pool {
	spinlock_t lock;		/* see above */
	unsigned long *bitmap;
	u32 nblocks;
	struct hshm_quota blocks;
	struct hshm_quota slots;
	u8 percent[HSHM_NR_CLASSES];
	u32 *free;
	u32 nfree;
	wait_queue_head_t wq;
};

/**
 * struct hshm_class_pcpu - per-cpu counters and latency histogram of a class
 * @submitted: accepted submits
 * @completed: completions with status 0
 * @failed: completions with an error other than cancel and shed
 * @cancelled: completions with -ECANCELED
 * @dropped: requests shed under overload (-ETIME)
 * @late: requests that ended later than the class's latency target
 * @max_ns: largest latency seen on this cpu
 * @hist: log-linear latency histogram (hshm_qos.h) of every request that
 *	ended, whatever its status, from submit entry to its end
 *
 * Written by the cpu they belong to only, from any context but a hard
 * interrupt, with interrupts off, inside struct hshm_stats_pcpu.syncp.
 */
struct hshm_class_pcpu {
	u64_stats_t submitted;
	u64_stats_t completed;
	u64_stats_t failed;
	u64_stats_t cancelled;
	u64_stats_t dropped;
	u64_stats_t late;
	u64_stats_t max_ns;
	u64_stats_t hist[HSHM_HIST_BUCKETS];
};

/**
 * struct hshm_stats_pcpu - per-cpu statistics of a channel
 * @syncp: readers of another cpu's counters retry while it writes them
 *	(32-bit kernels; nothing on 64-bit ones)
 * @cls: one block per class
 */
struct hshm_stats_pcpu {
	struct u64_stats_sync syncp;
	struct hshm_class_pcpu cls[HSHM_NR_CLASSES];
};

/**
 * struct hshm_class_snap - a class's statistics summed over cpus
 * @submitted: see struct hshm_class_pcpu
 * @completed: see struct hshm_class_pcpu
 * @failed: see struct hshm_class_pcpu
 * @cancelled: see struct hshm_class_pcpu
 * @dropped: see struct hshm_class_pcpu
 * @in_flight: messages at the peer now
 * @backlog: requests queued now
 * @late: see struct hshm_class_pcpu
 * @p50: median latency (ns)
 * @p95: 95th percentile latency (ns)
 * @p99: 99th percentile latency (ns)
 * @max: largest latency (ns)
 */
struct hshm_class_snap {
	u64 submitted;
	u64 completed;
	u64 failed;
	u64 cancelled;
	u64 dropped;
	u64 in_flight;
	u64 backlog;
	u64 late;
	u64 p50;
	u64 p95;
	u64 p99;
	u64 max;
};

/**
 * struct hshm_cls - per-class state of a channel
 * @lock: serialises producers of @fifo (the dispatcher is the only consumer)
 * @fifo: queued requests, in submit order
 * @queued: requests queued whose completion is not decided yet
 * @at_peer: requests at the peer whose completion is not decided yet;
 *	a request moving between the two is counted in its new place before
 *	the state change and taken from the old one after it, so neither
 *	count is ever below the truth (a reader may see one request twice)
 * @shed_us: queueing time after which a request is shed, 0 = never
 * @target_us: latency target, 0 = none; slower completions count as SLA
 *	violations and raise an event
 * @spin_us: how long an HSHM_CALL caller polls for its answer before it
 *	sleeps, 0 = never (hshm_chan_spin())
 * @nbatch: messages of the class in the batch being built or at the peer
 *	and not reaped yet (the channel's tx_lock)
 * @resend: requests a peer left unserved, sent again before @fifo, oldest
 *	first (the channel's tx_lock)
 * @kobj: classes/<name>/ in sysfs
 */
struct hshm_cls {
	spinlock_t lock;		/* producers of @fifo */
	DECLARE_KFIFO_PTR(fifo, struct hshm_req *);
	atomic_t queued;
	atomic_t at_peer;
	u32 shed_us;
	u32 target_us;
	u32 spin_us;
	u32 nbatch;
	struct list_head resend;
	struct kobject *kobj;
};

/**
 * struct hshm_chan - one channel: /dev/hshmN and its queue pair
 * @dev: the device; its release frees the channel
 * @cdev: the character device
 * @id: N of hshmN
 * @ops: transport
 * @priv: transport's private data
 * @base: the mapped shared region
 * @layout: where its parts are
 * @data: the data area (@base + @layout.data_off)
 * @features: HSHM_FEAT_* of the transport
 * @dead: set once the channel is being removed; no new requests
 * @srcu: ioctls run inside it; removal waits for them after setting @dead
 * @cfg_lock: serialises configuration writes (sysfs, netlink), which all
 *	go through the setters of hshm_sched.c (hshm_knob_set()...)
 * @weights: the four weights packed 16 bits each, read by the dispatcher
 * @sched_mode: enum hshm_sched_kind
 * @drr_quantum: DRR's base quantum in bytes
 * @batch_max: most messages per batch
 * @rt_batch_max: most messages per batch while REALTIME is active (wrr)
 * @timeout_ms: default request timeout
 * @svc_map: class per service id; bytes read locklessly, written under
 *	@cfg_lock
 * @thread_sched: CPU scheduling policy and priority of the dispatcher
 *	thread, applied to it whenever it is started or changed (@cfg_lock)
 * @profile: the peer played on the other side (common/hshm_peer.h): what
 *	its services mean for tools, how many messages it serves per
 *	hand-over, whether it rings; written under @cfg_lock, read once
 * @handover: most messages per hand-over, 0: the profile's, else learned
 *	(@cfg_lock)
 * @peer_wait_ms: how long the queue stays closed waiting for the peer
 *	before batches go anyway (@cfg_lock)
 * @cls: per-class queues and knobs
 * @pool: request slots and buffers
 * @reqs: the request slots
 * @max_requests: number of @reqs
 * @stats: per-cpu statistics
 * @task: dispatcher thread; a reference is held until the channel is freed;
 *	set under @cfg_lock
 * @stopped: the dispatcher thread was stopped
 * @flags: HSHM_CHAN_* bits: kick (look now), irq (the reply interrupt
 *	came), wdog (@watchdog found a batch out too long)
 * @tx_lock: the sending side of the wire queue and the state of the
 *	batches: whoever holds it does the dispatcher's work (hshm_sched.c):
 *	the dispatcher thread, or while the channel is quiet a submitting
 *	task, a task waiting for its answer or the reply interrupt; taken
 *	with interrupts off, and only tried from an interrupt
 * @busy: requests waited behind a batch: the dispatcher alone hands
 *	batches over until nothing is queued or at the peer (written under
 *	@tx_lock, read anywhere)
 * @watchdog: looks at a batch handed over outside the dispatcher that is
 *	still out after HSHM_IRQ_FALLBACK, in case its interrupt never comes
 * @handed_at: jiffies of the last hand-over (@tx_lock, read by @watchdog)
 * @batch_out: a batch is at the peer (written under @tx_lock, read
 *	anywhere)
 * @tx: sender state of the Linux-owned queue (@tx_lock)
 * @ready: bit c set while class c may have a request waiting, in its
 *	kfifo (set by submitters after queueing) or handed back (@tx_lock);
 *	cleared under @tx_lock by whoever finds both empty
 * @wrr: the WRR picker (@tx_lock)
 * @drr: the DRR picker (@tx_lock)
 * @drr_base: the base quantum @drr was set up with (@tx_lock)
 * @batch: requests of the batch at the peer, NULL once reaped (@tx_lock)
 * @nbatch: size of @batch in use (@tx_lock)
 * @npending: requests of @batch not yet reaped (@tx_lock)
 * @poll_ns: current adaptive polling interval (@tx_lock)
 * @rt_seen: last time a REALTIME request was submitted
 * @polling: an interrupt transport whose interrupts stopped arriving is
 *	polled until one arrives again (@tx_lock)
 * @batch_deadline: jiffies after which the batch at the peer is given up
 *	and the queue healed (@tx_lock)
 * @stall_since: jiffies since which the peer has not been idle with no
 *	batch out and requests waiting (@tx_lock)
 * @stalled: @stall_since is valid (@tx_lock)
 * @bad_run: invalid observations in a row (bad answers, skipped entries,
 *	bad marks) since the last valid answer; %HSHM_WIRE_HEAL_RUN of them
 *	heal (@tx_lock)
 * @heal_last: entries of the batch given up by the last heal, reused
 *	last (@tx_lock)
 * @held: requests of batches given up by heals, with their slot and
 *	buffer, until the peer is known to be done with them: it answered a
 *	later batch, it restarted, or the channel goes away
 *	(hshm_sched_release_held(); on resend_node; @tx_lock)
 * @nheld: number of @held, at most half of @max_requests (@tx_lock)
 * @peer_state: enum hshm_peer_state (written under @tx_lock)
 * @peer_present: the peer's queue showed a running owner at the last look
 *	(@tx_lock)
 * @open: the Linux-owned queue was opened (marked idle) for the peer
 *	(@tx_lock)
 * @open_timing: @open_by is set (@tx_lock)
 * @open_by: jiffies after which it is opened whether the peer showed or
 *	not, counted from the first request that waited (@tx_lock)
 * @nserved: entries of the batch at the peer it answered (@tx_lock)
 * @learned: messages per hand-over learned from what the peer serves
 *	(@tx_lock)
 * @full_runs: hand-overs in a row of @learned messages all served
 *	(@tx_lock)
 * @resent: messages a peer left unserved and hshm sent again
 * @direct_handovers: hand-overs made outside the dispatcher thread
 * @lost_irqs: batches found done with no interrupt
 * @bad_replies: peer answers rejected by validation (the requests failed
 *	with -EPROTO): the sum of the bad_flag, bad_length, bad_result and
 *	skipped faults
 * @faults: bad data from the peer, per enum hshm_fault
 * @heals: queue resets with the peer (hshm_sched_heal())
 * @tmo: the timeouts of all requests: one timer set to the earliest
 *	deadline that may be pending, which scans the slots when it fires
 * @tmo_lock: protects @tmo_next and the arming of @tmo
 * @tmo_next: expiry @tmo is set to, KTIME_MAX when not set (@tmo_lock;
 *	read without it by submitters, who arm only for an earlier one)
 * @events: events waiting for netlink
 * @classes_kobj: classes/ in sysfs
 * @groups: sysfs attribute groups of the device
 */
struct hshm_chan {
	struct device dev;
	struct cdev cdev;
	int id;
	const struct hshm_transport_ops *ops;
	void *priv;
	void *base;
	struct hshm_layout layout;
	u8 *data;
	u32 features;
	bool dead;
	struct srcu_struct srcu;

	struct mutex cfg_lock;		/* configuration writers */
	atomic64_t weights;
	int sched_mode;
	u32 drr_quantum;
	u32 batch_max;
	u32 rt_batch_max;
	u32 timeout_ms;
	u8 *svc_map;
	struct hshm_thread_sched thread_sched;
	const struct hshm_peer_profile *profile;
	u32 handover;
	u32 peer_wait_ms;

	struct hshm_cls cls[HSHM_NR_CLASSES];
	struct hshm_pool pool;
	struct hshm_req *reqs;
	u32 max_requests;
	struct hshm_stats_pcpu __percpu *stats;

	struct task_struct *task;
	bool stopped;
	unsigned long flags;
	spinlock_t tx_lock;		/* the batches: see above */
	bool busy;
	struct timer_list watchdog;
	unsigned long handed_at;
	bool batch_out;
	struct hshm_wire_tx *tx;
	unsigned long ready;
	struct hshm_wrr wrr;
	struct hshm_drr drr;
	u32 drr_base;
	struct hshm_req **batch;
	u32 nbatch;
	u32 npending;
	u32 poll_ns;
	ktime_t rt_seen;
	bool polling;
	unsigned long batch_deadline;
	unsigned long stall_since;
	bool stalled;
	u32 bad_run;
	u16 *heal_last;
	struct list_head held;
	u32 nheld;
	int peer_state;
	bool peer_present;
	bool open;
	bool open_timing;
	unsigned long open_by;
	u32 nserved;
	u32 learned;
	u32 full_runs;
	atomic64_t resent;
	atomic64_t direct_handovers;
	atomic64_t lost_irqs;
	atomic64_t bad_replies;
	atomic64_t faults[HSHM_FAULT_NR];
	atomic64_t heals;
	struct hrtimer tmo;
	spinlock_t tmo_lock;		/* @tmo_next, arming @tmo */
	ktime_t tmo_next;
	struct hshm_events events;

	struct kobject *classes_kobj;
	const struct attribute_group *groups[4];
};

#define HSHM_CHAN_KICK		0
#define HSHM_CHAN_IRQ		1
#define HSHM_CHAN_WDOG		2

/**
 * struct hshm_file - an open /dev/hshmN
 * @ch: the channel (a device reference is held)
 * @ref: the open file and every request not yet freed
 * @lock: protects @live, @done, @ndone, @nlive and @closed
 * @live: requests owned by the user: submitted and not reaped
 * @done: completed requests waiting to be reaped, in completion order
 * @nlive: entries on @live
 * @ndone: entries on @done
 * @closed: the file was released; completions are dropped
 * @wq: COMPLETE waiters and poll()
 * @mm: the address space that opened the file, the only one whose
 *	requests it carries (held by mmgrab() until release)
 */
struct hshm_file {
	struct hshm_chan *ch;
	struct mm_struct *mm;
	struct kref ref;
	spinlock_t lock;		/* lists and counts below */
	struct list_head live;
	struct list_head done;
	u32 nlive;
	u32 ndone;
	bool closed;
	wait_queue_head_t wq;
};

extern struct class hshm_class;
extern dev_t hshm_devt;
extern unsigned int hshm_max_requests;

/* hshm_chan.c */
struct hshm_chan *hshm_chan_alloc(struct device *parent,
				  const struct hshm_transport_ops *ops,
				  void *priv, void *base,
				  const struct hshm_layout *layout,
				  u32 features, u32 max_requests);
void hshm_chan_free(struct hshm_chan *ch);
int hshm_chan_add(struct hshm_chan *ch);
void hshm_chan_remove(struct hshm_chan *ch);
void hshm_chan_notify(struct hshm_chan *ch);
void hshm_chan_set_profile(struct hshm_chan *ch,
			   const struct hshm_peer_profile *prof);
void hshm_svc_map_set(struct hshm_chan *ch, u32 first, u32 last, u8 cls);
u8 hshm_svc_map_run(struct hshm_chan *ch, u32 id, u32 *first, u32 *last);
int hshm_chan_copy(struct hshm_chan *ch, int *idx, void *kbuf,
		   void __user *ubuf, size_t len, bool to_user);
int hshm_chan_submit(struct hshm_file *f, struct hshm_submit *s,
		     bool nonblock, bool call, bool more, struct hshm_req **out,
		     int *idx);
bool hshm_req_finish(struct hshm_req *req, int status);
bool hshm_req_answer(struct hshm_req *req, int status, u32 resp_len, u8 result);
void hshm_chan_spin(struct hshm_chan *ch, struct hshm_req *req);
void hshm_req_get(struct hshm_req *req);
void hshm_req_put(struct hshm_req *req);
void hshm_file_put(struct hshm_file *f);

/* hshm_sched.c */
int hshm_sched_init(struct hshm_chan *ch);
int hshm_sched_start(struct hshm_chan *ch);
void hshm_sched_stop(struct hshm_chan *ch);
void hshm_sched_drain(struct hshm_chan *ch);
void hshm_sched_free(struct hshm_chan *ch);
void hshm_sched_enqueue(struct hshm_chan *ch, struct hshm_req *req, bool more);
void hshm_sched_flush(struct hshm_chan *ch);
void hshm_sched_kick(struct hshm_chan *ch);
void hshm_sched_notify(struct hshm_chan *ch);
bool hshm_sched_poll(struct hshm_chan *ch, struct hshm_req *req);
void hshm_sched_heal(struct hshm_chan *ch, const char *reason);

/* hshm_cfg.c: the setters of sysfs and netlink, under ch->cfg_lock */
void hshm_sched_set_weights(struct hshm_chan *ch, const u16 *w);
void hshm_sched_get_weights(struct hshm_chan *ch, u16 *w);
int hshm_knob_check(struct hshm_chan *ch, enum hshm_knob k, u32 v);
u32 hshm_knob_get(struct hshm_chan *ch, enum hshm_knob k);
int hshm_knob_set(struct hshm_chan *ch, enum hshm_knob k, u32 v);
void hshm_sched_set_mode(struct hshm_chan *ch, enum hshm_sched_kind mode);
int hshm_cls_knob_check(unsigned int cls, enum hshm_cls_knob k, u32 v);
u32 hshm_cls_knob_get(struct hshm_chan *ch, unsigned int cls,
		      enum hshm_cls_knob k);
int hshm_cls_knob_set(struct hshm_chan *ch, unsigned int cls,
		      enum hshm_cls_knob k, u32 v);
u32 hshm_sched_handover(struct hshm_chan *ch);
int hshm_sched_set_profile(struct hshm_chan *ch,
			   const struct hshm_peer_profile *prof);
int hshm_sched_thread_resolve(struct hshm_chan *ch, const int *policy,
			      const int *prio, struct hshm_thread_sched *ts);
int hshm_sched_apply(struct task_struct *t, const struct hshm_thread_sched *ts);
int hshm_sched_set_thread(struct hshm_chan *ch, const int *policy,
			  const int *prio);
void hshm_sched_get_thread(struct hshm_chan *ch, struct hshm_thread_sched *ts);

/* hshm_pool.c */
void hshm_pool_skip_boot(struct hshm_layout *l);
int hshm_pool_init(struct hshm_chan *ch);
u32 hshm_pool_data_offset(const struct hshm_chan *ch,
			  const struct hshm_req *req);
void hshm_pool_free(struct hshm_chan *ch);
struct hshm_req *hshm_pool_alloc(struct hshm_chan *ch, unsigned int cls,
				 u32 bytes, long timeout, int *err);
void hshm_pool_release(struct hshm_chan *ch, struct hshm_req *req);
int hshm_pool_set_reservations(struct hshm_chan *ch, const u8 *percent);
void hshm_pool_get_reservations(struct hshm_chan *ch, u8 *percent);

/* hshm_stats.c */
int hshm_stats_init(struct hshm_chan *ch);
void hshm_stats_free(struct hshm_chan *ch);
void hshm_stats_submitted(struct hshm_chan *ch, unsigned int cls);
bool hshm_stats_end(struct hshm_chan *ch, unsigned int cls, int status,
		    u64 ns);
void hshm_stats_snapshot(struct hshm_chan *ch, unsigned int cls,
			 struct hshm_class_snap *snap);
void hshm_stats_hist(struct hshm_chan *ch, unsigned int cls, u64 *hist);
void hshm_stats_reset(struct hshm_chan *ch);

/* hshm_cdev.c */
extern const struct file_operations hshm_fops;

/* hshm_sysfs.c */
extern const struct attribute_group hshm_chan_group;
extern const struct attribute_group hshm_fault_group;
int hshm_sysfs_add_classes(struct hshm_chan *ch);
void hshm_sysfs_remove_classes(struct hshm_chan *ch);

/*
 * The largest device, class and service numbers netlink accepts: the spec
 * (Documentation/netlink/specs/hshm.yaml) names them in its policies.
 */
#define HSHM_DEV_INDEX_MAX	(HSHM_MAX_DEVICES - 1)
#define HSHM_CLASS_ID_MAX	(HSHM_NR_CLASSES - 1)
#define HSHM_SERVICE_ID_MAX	(HSHM_NR_SERVICES - 1)
/* The longest a caller may poll for its answer, in microseconds. */
#define HSHM_SPIN_US_MAX	10000

/*
 * hshm_netlink.c and hshm_nl_event.c; without CONFIG_NET there is no
 * netlink and no events
 */
#if IS_ENABLED(CONFIG_NET)
int hshm_nl_init(void);
void hshm_nl_exit(void);
void hshm_nl_add(struct hshm_chan *ch);
void hshm_nl_del(struct hshm_chan *ch);
void hshm_events_init(struct hshm_chan *ch);
void hshm_events_stop(struct hshm_chan *ch);
void hshm_event_post(struct hshm_chan *ch, enum hshm_ev_type type,
		     unsigned int cls, u64 latency_ns, u64 target_ns, u64 count);
#else
static inline int hshm_nl_init(void) { return 0; }
static inline void hshm_nl_exit(void) { }
static inline void hshm_nl_add(struct hshm_chan *ch) { }
static inline void hshm_nl_del(struct hshm_chan *ch) { }
static inline void hshm_events_init(struct hshm_chan *ch) { }
static inline void hshm_events_stop(struct hshm_chan *ch) { }
static inline void hshm_event_post(struct hshm_chan *ch,
				   enum hshm_ev_type type, unsigned int cls, u64 latency_ns,
				   u64 target_ns, u64 count) { }
#endif

/**
 * enum hshm_race - windows between two steps that a test can widen
 * @HSHM_RACE_DISPATCH: the dispatcher has claimed a request for the peer
 *	(QUEUED -> PEER); its class counts are about to move
 * @HSHM_RACE_CREATE: a new channel's character device is added; its
 *	classes/ directory and netlink are not there yet
 * @HSHM_NR_RACES: number of windows
 */
enum hshm_race {
	HSHM_RACE_DISPATCH,
	HSHM_RACE_CREATE,
	HSHM_NR_RACES,
};

/*
 * hshm_race.c: on a kernel built for fault injection (the debug kernel),
 * /sys/kernel/debug/hshm/race_*_us hold each window open that long, so
 * that a test makes a race happen every time; elsewhere nothing.
 */
#if IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS)
void hshm_race_window(enum hshm_race site);
void hshm_race_init(void);
void hshm_race_exit(void);
#else
static inline void hshm_race_window(enum hshm_race site) { }
static inline void hshm_race_init(void) { }
static inline void hshm_race_exit(void) { }
#endif

/**
 * hshm_shed_allowed() - may a class be shed after @shed_us?
 * @cls: class
 * @shed_us: proposed queueing limit, 0 = never shed
 *
 * REALTIME and RELIABLE requests are never shed.
 *
 * Return: true if the setting is allowed.
 */
static inline bool hshm_shed_allowed(unsigned int cls, u32 shed_us)
{
	return !shed_us || (cls != HSHM_CLASS_REALTIME &&
			    cls != HSHM_CLASS_RELIABLE);
}

/* tr_loopback.c */
struct hshm_lb_peer;
int hshm_loopback_init(void);
void hshm_loopback_exit(void);
struct hshm_lb_peer *hshm_lb_peer_create(void *region,
					 const struct hshm_layout *layout,
					 bool irq_on, u32 poll_us);
void hshm_lb_peer_start(struct hshm_lb_peer *p, struct hshm_chan *ch);
void hshm_lb_peer_ring(struct hshm_lb_peer *p);
void hshm_lb_peer_destroy(struct hshm_lb_peer *p);

/* tr_ivshmem.c */
int hshm_ivshmem_init(void);
void hshm_ivshmem_exit(void);

/* tr_hvisor.c */
int hshm_hvisor_init(void);
void hshm_hvisor_exit(void);

#endif /* _HSHM_H */
