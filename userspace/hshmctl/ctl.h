/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hshmctl: what the command files share.  Each command file (ctl_dev.c,
 * ctl_stats.c, ctl_svcmap.c, ctl_monitor.c, ctl_call.c) defines its entries of the
 * command table in hshmctl.c; the printers (ctl_print.c) serve text and
 * JSON through one call per field.
 */
#ifndef _HSHMCTL_CTL_H
#define _HSHMCTL_CTL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "hshm_nl.h"

#define EXIT_FAIL	HSHM_NL_EXIT_FAIL
#define EXIT_USAGE	HSHM_NL_EXIT_USAGE
#define EXIT_NODEV	HSHM_NL_EXIT_NODEV
#define EXIT_PERM	HSHM_NL_EXIT_PERM
#define EXIT_TIMEOUT	HSHM_NL_EXIT_TIMEOUT

#define NCLS		HSHM_NL_NCLS

/* The options, global to every command (each takes the ones it uses). */
struct ctl_opts {
	int dev;		/* -1: every device */
	bool json;
	bool hist;
	double watch;
	long count;
	double timeout;
	int qos_class;
	uint32_t call_timeout_ms;
};

/**
 * struct ctl_cmd - one command
 * @obj: the object ("dev", "stats"...)
 * @verb: what is done to it ("show", "set"...), NULL for a bare object
 * @alias: the short form (hshmctl status), NULL for none
 * @usage: its synopsis and help, printed by "help" and -h
 * @run: parse @argc/@argv (the arguments after the verb) and run; an exit
 *	status
 */
struct ctl_cmd {
	const char *obj;
	const char *verb;
	const char *alias;
	const char *usage;
	int (*run)(const struct ctl_opts *o, int argc, char **argv);
};

extern const char *ctl_prog;

#define ctl_msg hshm_nl_msg
__printf(1, 2) int ctl_usage_error(const char *fmt, ...);
bool ctl_parse_u32(const char *what, const char *s, uint32_t min,
		   uint32_t max, uint32_t *out);
bool ctl_parse_s32(const char *what, const char *s, int32_t *out);
/* No argument left for a command that takes none: 0, else EXIT_USAGE. */
int ctl_no_args(const char *cmd, int argc, char **argv);
/* Open a socket, run @fn on it, close it: @fn's exit status (or open's). */
int ctl_with_nl(int (*fn)(struct hshm_nl *nl, const struct ctl_opts *o,
			  void *arg), const struct ctl_opts *o, void *arg);
/*
 * For a command @cmd that takes no argument: @fn over a socket with @n
 * tables of devices (zeroed) and @arg; its exit status.
 */
int ctl_with_devs(const char *cmd, int argc, char **argv,
		  const struct ctl_opts *o, unsigned int n,
		  int (*fn)(struct hshm_nl *nl, const struct ctl_opts *o,
			    struct hshm_nl_devs *devs, const void *arg),
		  const void *arg);
bool ctl_selected(const struct hshm_nl_dev *d, const struct ctl_opts *o);
double ctl_now_s(void);
/* set by SIGINT and SIGTERM (ctl_catch_signals()) */
extern volatile sig_atomic_t ctl_stop;
void ctl_catch_signals(void);

/* ctl_print.c: one call per field, for either form */
void pr_init(bool json);
bool pr_json(void);
void pr_list_open(void);
void pr_list_close(void);
void pr_obj_open(const char *key);
void pr_obj_close(void);
void pr_arr_open(const char *key);
void pr_arr_close(void);
void pr_str(const char *key, const char *fmt, const char *s);
void pr_u64(const char *key, const char *fmt, uint64_t v);
void pr_s64(const char *key, const char *fmt, int64_t v);
void pr_bool(const char *key, bool v);
__printf(1, 2) void pr_text(const char *fmt, ...);

/* the printer of each object */
void print_dev_list_header(void);
void print_dev_list(const struct hshm_nl_dev *d);
void print_dev_status(const struct hshm_nl_dev *d);
void print_dev_stats(const struct hshm_nl_dev *d,
		     const struct hshm_nl_dev *prev, double dt, bool hist);
const char *ctl_peer_state_name(uint8_t st);
extern const char *const ctl_policy_names[];
extern const unsigned int ctl_npolicies;

/* the command files */
extern const struct ctl_cmd ctl_dev_list_cmd, ctl_dev_show_cmd;
extern const struct ctl_cmd ctl_dev_set_cmd, ctl_stats_cmd;
extern const struct ctl_cmd ctl_monitor_cmd, ctl_call_cmd;
extern const struct ctl_cmd ctl_svcmap_show_cmd, ctl_svcmap_set_cmd;

#endif /* _HSHMCTL_CTL_H */
