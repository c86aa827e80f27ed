// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm_busypoll: the baseline hshm replaces, for `make bench`.
 *
 * A user-space HyperAMP client as the public ones are written: no driver,
 * the shared memory mapped into the process, one request at a time, and
 * deal_state busy-polled with no sleep.  It talks to an ivshmem device
 * through its PCI resource files (BAR2 the memory, BAR0 the registers, for
 * the Doorbell), initialises the Linux-owned queue as a v1 client does, and
 * uses hshm's own wire code (common/hshm_wire.c) for the queue, so that
 * what differs from hshm_rtt is the driver and not the protocol.
 *
 *  1. N sequential 64-byte echo requests (service 1): write the payload
 *     into the data area, take an entry, append it to the wait list, wait
 *     for the peer to be idle, hand over, ring the doorbell, spin on
 *     deal_state, check the echo, return the entry.  P50 and P99.
 *  2. M echo requests in batches of W (one batch with the peer at a time,
 *     as the protocol has it): requests per second, and the guest's busy
 *     CPU time per request.
 *
 * The device must not be bound to a driver (unbind it from hshm-ivshmem
 * first).  The last lines are machine-readable:
 *   CPU load <us_per_request> <window>
 *   RESULT <p50_us> <p99_us> <req_per_s>
 *
 * usage: hshm_busypoll [-d PCI_ADDR | -f FILE] [-n CALLS] [-m REQUESTS]
 *                      [-w WINDOW] [-p PEER_ID] [-t TIMEOUT_MS]
 *
 * Without -d, the one ivshmem device (1af4:1110) in /sys/bus/pci/devices.
 * -f maps FILE as the shared memory instead and rings nothing: for a
 * polling hshm-peer on the same machine (hshm-peer --shm FILE --socket
 * none), to try the client out of a guest.
 * -p is the ivshmem id of the peer the doorbell rings (0: hshm-peer).
 * -t bounds every wait for the peer (default 3000 ms).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "hshm_wire.h"
#include "bench_util.h"

#define PCI_DEVICES		"/sys/bus/pci/devices"
#define IVS_VENDOR		0x1af4
#define IVS_DEVICE		0x1110
#define IVS_DOORBELL		0x0c
#define PAYLOAD			64
/* Where the payloads go: Linux's half of the data area, past the boot strings. */
#define DATA_OFF		0x1000u
/* Each request's buffer (what a response may fill). */
#define SLOT			4096u
#define MAX_WINDOW		64

static struct hshm_wire_tx tx;
static u8 *mem;
static u32 *regs;
static u32 bell;
static uint64_t timeout_ns = 3000000000ull;
/* We enabled the device: disable it again at the end. */
static bool enabled_it;

static int read_hex(const char *dir, const char *file, unsigned long *v)
{
	char path[PATH_MAX], buf[32];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = !!fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!ok)
		return -1;
	*v = strtoul(buf, NULL, 0);
	return 0;
}

/* The only ivshmem device, into @addr; -1 (and a message) if not one. */
static int find_device(char *addr, size_t len)
{
	struct dirent *d;
	DIR *dir = opendir(PCI_DEVICES);
	int found = 0;

	if (!dir) {
		fprintf(stderr, "hshm_busypoll: %s: %s\n", PCI_DEVICES,
			strerror(errno));
		return -1;
	}
	while ((d = readdir(dir))) {
		char path[PATH_MAX];
		unsigned long vendor, device;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", PCI_DEVICES, d->d_name);
		if (read_hex(path, "vendor", &vendor) ||
		    read_hex(path, "device", &device) ||
		    vendor != IVS_VENDOR || device != IVS_DEVICE)
			continue;
		if (!found++)
			snprintf(addr, len, "%s", d->d_name);
	}
	closedir(dir);
	if (found == 1)
		return 0;
	if (!found)
		fprintf(stderr, "hshm_busypoll: no ivshmem device (%04x:%04x) in %s\n",
			IVS_VENDOR, IVS_DEVICE, PCI_DEVICES);
	else
		fprintf(stderr, "hshm_busypoll: %d ivshmem devices: say which with -d\n",
			found);
	return -1;
}

/* Map file @res of directory @dir (or @res alone); its size into @size. */
static void *map_resource(const char *dir, const char *res, size_t *size)
{
	char path[PATH_MAX];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s%s%s", dir ? dir : "", dir ? "/" : "",
		 res);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "hshm_busypoll: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || st.st_size <= 0) {
		fprintf(stderr, "hshm_busypoll: %s: no size\n", path);
		close(fd);
		return NULL;
	}
	*size = (size_t)st.st_size;
	p = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "hshm_busypoll: mmap %s (%zu bytes): %s\n", path,
			*size, strerror(errno));
		return NULL;
	}
	return p;
}

/* Write @on to the device's enable file (pci_enable/disable_device). */
static int set_enable(const char *dir, int on)
{
	char path[PATH_MAX];
	int bad;
	FILE *f;

	snprintf(path, sizeof(path), "%s/enable", dir);
	f = fopen(path, "w");
	bad = !f || fprintf(f, "%d\n", on) < 0;
	if (f && fclose(f))
		bad = 1;
	if (bad) {
		fprintf(stderr, "hshm_busypoll: cannot write %d to %s: %s\n", on,
			path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Refuse a bound device; enable a disabled one (memory decoding). */
static int check_device(const char *dir)
{
	char path[PATH_MAX], link[PATH_MAX];
	unsigned long enabled;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		fprintf(stderr, "hshm_busypoll: %s is bound to %s: unbind it first (echo ADDR > %s/unbind)\n",
			dir, strrchr(link, '/') ? strrchr(link, '/') + 1 : link,
			path);
		return -1;
	}
	if (read_hex(dir, "enable", &enabled) || enabled)
		return 0;
	if (set_enable(dir, 1))
		return -1;
	enabled_it = true;
	printf("# %s was disabled: enabled it for the run\n", dir);
	return 0;
}

static void ring(void)
{
	/* Queue and mark are visible before the peer is told. */
	virt_mb();
	if (regs)
		WRITE_ONCE(regs[IVS_DOORBELL / 4], bell);
}

/* Spin until the peer's mark is idle; -1 after the timeout. */
static int wait_idle(void)
{
	uint64_t until = 0;
	unsigned int spins = 0;

	while (!hshm_wire_tx_peer_idle(&tx)) {
		if (++spins % 1024)
			continue;
		if (!until) {
			until = bench_now_ns() + timeout_ns;
		} else if (bench_now_ns() > until) {
			fprintf(stderr, "hshm_busypoll: the peer did not go idle within %llu ms (working_mark 0x%08x)\n",
				(unsigned long long)(timeout_ns / 1000000),
				hshm_wire_tx_mark(&tx));
			return -1;
		}
	}
	return 0;
}

/* Spin on deal_state of @idx, then check the echo of @want; -1 if bad. */
static int wait_answer(u16 idx, u32 off, const u8 *want, unsigned int req)
{
	struct hshm_wire_reply reply;
	enum hshm_wire_status st;
	uint64_t until = 0;
	unsigned int spins = 0;

	while ((st = hshm_wire_tx_poll(&tx, idx, SLOT, &reply)) ==
	       HSHM_WIRE_PENDING) {
		if (++spins % 1024)
			continue;
		if (!until) {
			until = bench_now_ns() + timeout_ns;
		} else if (bench_now_ns() > until) {
			fprintf(stderr, "hshm_busypoll: request %u: no answer within %llu ms (working_mark 0x%08x): is hshm-peer running?\n",
				req, (unsigned long long)(timeout_ns / 1000000),
				hshm_wire_tx_mark(&tx));
			return -1;
		}
	}
	if (st != HSHM_WIRE_DONE || reply.result != HSHM_WIRE_RESULT_SUCCESS ||
	    reply.length != PAYLOAD || memcmp(mem + off, want, PAYLOAD)) {
		fprintf(stderr, "hshm_busypoll: request %u: bad answer (status %d, result %u, length %u)\n",
			req, st, st == HSHM_WIRE_DONE ? reply.result : 0,
			st == HSHM_WIRE_DONE ? reply.length : 0);
		return -1;
	}
	return 0;
}

/*
 * Send @nreq requests numbered from @first as one batch, wait for every
 * answer and return the entries.
 */
static int batch(unsigned int first, unsigned int nreq)
{
	u8 want[MAX_WINDOW][PAYLOAD];
	u16 idx[MAX_WINDOW];
	unsigned int i;

	for (i = 0; i < nreq; i++) {
		u32 off = DATA_OFF + i * SLOT;
		int e = hshm_wire_tx_get(&tx);

		if (e < 0) {
			fprintf(stderr, "hshm_busypoll: no free entry\n");
			return -1;
		}
		idx[i] = (u16)e;
		memset(want[i], 'a' + (first + i) % 26, PAYLOAD);
		want[i][0] = (u8)(first + i);
		memcpy(mem + off, want[i], PAYLOAD);
		hshm_wire_tx_append(&tx, idx[i], HSHM_SVC_ECHO, off, PAYLOAD);
	}
	if (wait_idle())
		return -1;
	hshm_wire_tx_handover(&tx);
	ring();
	for (i = 0; i < nreq; i++) {
		if (wait_answer(idx[i], DATA_OFF + i * SLOT, want[i], first + i))
			return -1;
		hshm_wire_tx_put(&tx, idx[i]);
	}
	return 0;
}

static void print_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-d PCI_ADDR | -f FILE] [-n CALLS] [-m REQUESTS] [-w WINDOW 1-%d] [-p PEER_ID] [-t TIMEOUT_MS]\n",
		prog, MAX_WINDOW);
}

int main(int argc, char **argv)
{
	struct bench_run br = BENCH_RUN_DEFAULT;
	unsigned int calls, reqs, window, peer = 0, i;
	unsigned long tmo_ms = 3000;
	char addr[256] = "", dir[512];
	const char *file = NULL;
	size_t mem_size, regs_size = 0;
	uint64_t *lat, t0, cpu0;
	double p50, p99, secs;
	int opt;

	while ((opt = getopt(argc, argv, BENCH_RUN_OPTS "d:f:p:t:")) != -1) {
		if (bench_run_opt(&br, opt, optarg))
			continue;
		switch (opt) {
		case 'd':
			snprintf(addr, sizeof(addr), "%s", optarg);
			break;
		case 'f':
			file = optarg;
			break;
		case 'p':
			peer = strtoul(optarg, NULL, 0);
			break;
		case 't':
			tmo_ms = strtoul(optarg, NULL, 0);
			break;
		default:
			print_usage(argv[0]);
			return 2;
		}
	}
	if (optind != argc || !bench_run_ok(&br, MAX_WINDOW) || !tmo_ms ||
	    peer > 0xffff || (file && addr[0])) {
		print_usage(argv[0]);
		return 2;
	}
	calls = br.calls;
	reqs = br.reqs;
	window = br.window;
	timeout_ns = tmo_ms * 1000000ull;
	bell = peer << 16;	/* vector 0 */
	if (file) {
		snprintf(addr, sizeof(addr), "%s", file);
		mem = map_resource(NULL, file, &mem_size);
		if (!mem)
			return 1;
	} else {
		if (!addr[0] && find_device(addr, sizeof(addr)))
			return 1;
		snprintf(dir, sizeof(dir), "%s/%s", PCI_DEVICES, addr);
		if (access(dir, F_OK)) {
			fprintf(stderr, "hshm_busypoll: no PCI device %s\n", dir);
			return 1;
		}
		if (check_device(dir))
			return 1;
		regs = map_resource(dir, "resource0", &regs_size);
		if (!regs)
			return 1;
		if (regs_size < IVS_DOORBELL + 4) {
			fprintf(stderr, "hshm_busypoll: %s: BAR0 of %zu bytes: no Doorbell\n",
				addr, regs_size);
			return 1;
		}
		mem = map_resource(dir, "resource2", &mem_size);
		if (!mem)
			return 1;
	}
	if (mem_size < HSHM_WIRE_REGION_SIZE) {
		fprintf(stderr, "hshm_busypoll: %s: %zu bytes of shared memory: too small (the layout needs 0x%x)\n",
			addr, mem_size, HSHM_WIRE_REGION_SIZE);
		return 1;
	}

	/* A peer that runs marks the queue it owns (peers.md C-2). */
	t0 = bench_now_ns();
	while (!hshm_wire_mark_ready(hshm_wire_queue_mark(mem + HSHM_WIRE_RXQ_OFFSET))) {
		if (bench_now_ns() - t0 > timeout_ns) {
			fprintf(stderr, "hshm_busypoll: no peer: its queue at 0x%x is not initialised (working_mark 0x%08x) after %lu ms\n",
				HSHM_WIRE_RXQ_OFFSET,
				hshm_wire_queue_mark(mem + HSHM_WIRE_RXQ_OFFSET),
				tmo_ms);
			return 1;
		}
		usleep(10000);
	}
	/* As a v1 client starts: the whole queue written, then idle. */
	if (hshm_wire_tx_init(&tx, mem + HSHM_WIRE_TXQ_OFFSET,
			      HSHM_WIRE_QUEUE_SIZE)) {
		fprintf(stderr, "hshm_busypoll: cannot initialise the queue\n");
		return 1;
	}
	if (regs)
		printf("# %s: BAR2 %zu bytes, own id %u, ringing peer %u\n",
		       addr, mem_size, READ_ONCE(regs[2]), peer);
	else
		printf("# %s: %zu bytes, ringing nothing\n", addr, mem_size);

	lat = calloc(calls, sizeof(*lat));
	if (!lat)
		return 1;
	for (i = 0; i < calls; i++) {
		t0 = bench_now_ns();
		if (batch(i, 1))
			return 1;
		lat[i] = bench_now_ns() - t0;
	}
	bench_percentiles(lat, calls, &p50, &p99);

	cpu0 = bench_cpu_busy_ns();
	t0 = bench_now_ns();
	for (i = 0; i < reqs; i += window)
		if (batch(i, reqs - i < window ? reqs - i : window))
			return 1;
	secs = (bench_now_ns() - t0) / 1e9;

	printf("%u requests: P50 %.1f us, P99 %.1f us; %u requests in batches of %u: %.0f req/s\n",
	       calls, p50, p99, reqs, window, reqs / secs);
	printf("CPU load %.1f %u\n",
	       (bench_cpu_busy_ns() - cpu0) / 1e3 / reqs, window);
	printf("RESULT %.1f %.1f %.0f\n", p50, p99, reqs / secs);
	hshm_wire_tx_destroy(&tx);
	free(lat);
	munmap(mem, mem_size);
	if (regs)
		munmap(regs, regs_size);
	if (enabled_it && set_enable(dir, 0))
		return 1;
	return 0;
}
