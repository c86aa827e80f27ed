/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hshmctl call: run one service synchronously through libhshm.
 */
#ifndef _HSHMCTL_CALL_H
#define _HSHMCTL_CALL_H

#include <stdbool.h>
#include <stdint.h>

int ctl_call(const char *prog, int dev, int qos_class, uint32_t timeout_ms,
	     bool json, int argc, char **argv);

#endif /* _HSHMCTL_CALL_H */
