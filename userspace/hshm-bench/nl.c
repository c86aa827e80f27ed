// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshm-bench: the device's configuration and counters over the "hshm"
 * generic netlink family, on the plumbing hshmctl uses (../nl).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "hshm_nl.h"
#include "bench.h"

static struct {
	int state;		/* 0: not open yet, 1: open, -1: unusable */
	struct hshm_nl nl;
	struct hshm_nl_devs devs;
} bnl;

int bench_dev_index(const char *device)
{
	char real[PATH_MAX];
	const char *base, *p;
	unsigned long n;

	if (!realpath(device, real))
		snprintf(real, sizeof(real), "%s", device);
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	if (strncmp(base, "hshm", 4) || !isdigit((unsigned char)base[4]))
		return -1;
	for (p = base + 4; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	n = strtoul(base + 4, NULL, 10);
	return n < HSHM_MAX_DEVICES ? (int)n : -1;
}

static bool bench_nl_open(void)
{
	if (!bnl.state) {
		hshm_nl_set_prog("hshm-bench");
		bnl.state = hshm_nl_open(&bnl.nl) ? -1 : 1;
	}
	return bnl.state > 0;
}

const struct hshm_nl_dev *bench_nl_dev(const struct bench_cfg *cfg)
{
	if (cfg->index < 0 || !bench_nl_open() ||
	    hshm_nl_get_devs(&bnl.nl, cfg->index, &bnl.devs))
		return NULL;
	return &bnl.devs.d[cfg->index];
}

static int put_scheduler(struct nl_msg *m, const void *arg)
{
	return nla_put_u8(m, HSHM_A_SCHEDULER, *(const uint8_t *)arg);
}

int bench_nl_set_scheduler(const struct bench_cfg *cfg, const char *name)
{
	/* checked when parsed (hshm_sched_lookup()) */
	uint8_t s = (uint8_t)hshm_sched_lookup(name, strlen(name));

	if (cfg->index < 0 || !bench_nl_open())
		return HSHM_NL_EXIT_NODEV;
	return hshm_nl_set(&bnl.nl, cfg->index, put_scheduler, &s);
}
