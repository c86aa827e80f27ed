// SPDX-License-Identifier: GPL-2.0-only
/*
 * hshmctl call SERVICE DATA: one synchronous request through libhshm.
 * SERVICE is a number (decimal or 0x...) or a service name; DATA is sent
 * as it is ("-": read standard input).  A printable response is printed as
 * text, anything else in hex.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hshm/libhshm.h>
#include <linux/hshm_wire.h>

#include "ctl.h"

static const struct {
	const char *name;
	uint16_t id;
} services[] = {
	{ "echo", HSHM_SVC_ECHO },
	{ "reverse", HSHM_SVC_REVERSE },
	{ "caesar-enc", HSHM_SVC_CAESAR_ENC },
	{ "caesar-dec", HSHM_SVC_CAESAR_DEC },
	{ "xor-enc", HSHM_SVC_XOR_ENC },
	{ "xor-dec", HSHM_SVC_XOR_DEC },
	{ "rot13-enc", HSHM_SVC_ROT13_ENC },
	{ "rot13-dec", HSHM_SVC_ROT13_DEC },
	{ "djb2", HSHM_SVC_DJB2 },
	{ "crc32", HSHM_SVC_CRC32 },
	{ "fnv1a", HSHM_SVC_FNV1A },
	{ "xorshift", HSHM_SVC_XORSHIFT },
	{ "lcg", HSHM_SVC_LCG },
	{ "random-string", HSHM_SVC_RANDOM_STRING },
	{ "random-char", HSHM_SVC_RANDOM_CHAR },
	{ "echo66", HSHM_SVC_ECHO66 },
};

static int service_parse(const char *s)
{
	unsigned long v;
	size_t i;
	char *end;

	for (i = 0; i < ARRAY_SIZE(services); i++)
		if (!strcmp(s, services[i].name))
			return services[i].id;
	errno = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > 0xffff)
		return -1;
	return (int)v;
}

/* All of standard input, at most @max bytes; NULL if more or on error. */
static char *read_stdin(size_t max, size_t *len)
{
	char *buf = malloc(max + 1);
	size_t n = 0, r;

	if (!buf)
		return NULL;
	while ((r = fread(buf + n, 1, max + 1 - n, stdin)) > 0)
		n += r;
	if (ferror(stdin) || n > max) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static bool printable(const unsigned char *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!isprint(p[i]) && p[i] != '\n' && p[i] != '\t')
			return false;
	return true;
}

static void print_hex(const unsigned char *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void print_json_string(const unsigned char *p, uint32_t n)
{
	uint32_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (p[i] < 0x20)
			printf("\\u%04x", p[i]);
		else
			putchar(p[i]);
	}
	putchar('"');
}

/**
 * ctl_call() - hshmctl call SERVICE DATA
 * @prog: program name for messages
 * @dev: N of /dev/hshmN
 * @qos_class: enum hshm_class or HSHM_CLASS_AUTO
 * @timeout_ms: request timeout, 0 for the device's default
 * @json: print JSON
 * @argc: arguments after "call"
 * @argv: SERVICE DATA
 *
 * Return: the exit status (see hshmctl --help).
 */
static int ctl_call(const char *prog, int dev, int qos_class,
		    uint32_t timeout_ms, bool json, int argc, char **argv)
{
	struct hshm_completion c;
	struct hshm_submit req;
	struct hshm_info info;
	unsigned char *resp = NULL;
	char *data = NULL;
	struct hshm *h;
	size_t len;
	int svc, ret, rc = 1;

	if (argc != 2) {
		fprintf(stderr, "%s: call: expected SERVICE DATA\nTry '%s --help'.\n",
			prog, prog);
		return 2;
	}
	svc = service_parse(argv[0]);
	if (svc < 0) {
		fprintf(stderr, "%s: call: unknown service '%s' (a number 0..65535 or a name such as echo, reverse, crc32)\n",
			prog, argv[0]);
		return 2;
	}
	ret = hshm_open(&h, dev, 0);
	if (ret) {
		fprintf(stderr, "%s: call: /dev/hshm%d: %s\n", prog, dev,
			hshm_strerror(ret));
		return ret == -ENOENT || ret == -ENODEV ? 3 :
		       ret == -EACCES || ret == -EPERM ? 4 : 1;
	}
	ret = hshm_query(h, &info);
	if (ret) {
		fprintf(stderr, "%s: call: info: %s\n", prog, hshm_strerror(ret));
		goto out;
	}
	if (!strcmp(argv[1], "-")) {
		data = read_stdin(info.max_payload, &len);
		if (!data) {
			fprintf(stderr, "%s: call: cannot read standard input, or more than %u bytes\n",
				prog, info.max_payload);
			rc = 2;
			goto out;
		}
	} else {
		len = strlen(argv[1]);
		data = strdup(argv[1]);
	}
	resp = malloc(info.max_payload);
	if (!data || !resp) {
		fprintf(stderr, "%s: call: out of memory\n", prog);
		goto out;
	}
	if (!len || len > info.max_payload) {
		fprintf(stderr, "%s: call: DATA must be 1..%u bytes, not %zu\n",
			prog, info.max_payload, len);
		rc = 2;
		goto out;
	}
	hshm_request_prep(&req, svc, qos_class, data, len, resp,
			  info.max_payload, 0);
	req.timeout_ms = timeout_ms;
	ret = hshm_request_call(h, &req, &c);
	if (ret) {
		fprintf(stderr, "%s: call: %s\n", prog, hshm_strerror(ret));
		rc = ret == -EINVAL || ret == -EMSGSIZE ? 2 : 1;
		goto out;
	}
	if (json) {
		printf("{\"status\": %d, \"error\": ", c.status);
		if (c.status)
			print_json_string((const unsigned char *)hshm_strerror(c.status),
					  strlen(hshm_strerror(c.status)));
		else
			fputs("null", stdout);
		printf(", \"service\": %u, \"class\": \"%s\", \"latency_ns\": %llu"
		       ", \"length\": %u, \"response_hex\": \"",
		       c.service_id, hshm_class_name(c.qos_class),
		       (unsigned long long)c.latency_ns,
		       c.status ? 0 : c.length);
		if (!c.status)
			print_hex(resp, c.length);
		puts("\"}");
	} else if (!c.status) {
		if (printable(resp, c.length))
			fwrite(resp, 1, c.length, stdout);
		else
			print_hex(resp, c.length);
		putchar('\n');
	}
	if (c.status) {
		fprintf(stderr, "%s: call: service %u failed: %s\n", prog,
			c.service_id, hshm_strerror(c.status));
		rc = c.status == -ETIMEDOUT ? 5 : 1;
		goto out;
	}
	rc = 0;
out:
	free(data);
	free(resp);
	hshm_close(h);
	return rc;
}

static int call_run(const struct ctl_opts *o, int argc, char **argv)
{
	return ctl_call(ctl_prog, o->dev < 0 ? 0 : o->dev, o->qos_class,
			o->call_timeout_ms, o->json, argc, argv);
}

const struct ctl_cmd ctl_call_cmd = {
	.obj = "call", .run = call_run,
	.usage =
	"call SERVICE DATA             run a service synchronously, print the\n"
	"                              response (SERVICE: a name, a number or\n"
	"                              0x...; DATA -: standard input; -d N: the\n"
	"                              device, default hshm0; -c C: the class;\n"
	"                              --call-timeout MS)\n",
};
