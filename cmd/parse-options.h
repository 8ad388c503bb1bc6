/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One option table per command (git's parse-options, perf's util/parse-options): the table drives
 * the parsing, the usage line and the option list of -h, so that they cannot drift apart. The
 * options every command shares (-i, -o, --format and the report filters) are defined here once,
 * so that they mean the same everywhere.
 */
#ifndef DP_PARSE_OPTIONS_H
#define DP_PARSE_OPTIONS_H

#include <stdint.h>

enum parse_opt_type {
	PARSE_OPT_END,
	PARSE_OPT_BOOL,		/* int *value = 1 */
	PARSE_OPT_STRING,	/* const char **value = the argument */
	PARSE_OPT_CALLBACK,	/* callback(opt, arg, ctx); arg is NULL when argh is NULL */
};

/* parse_opt.flags */
enum {
	PARSE_OPT_HIDDEN = 1,		/* parsed, but not in -h (and so need not be documented) */
	PARSE_OPT_NO_USAGE_LINE = 2,	/* not in the usage line (an alias; or in its operands) */
};

/* parse_options() flags */
enum {
	PARSE_OPT_STOP_AT_OPERAND = 1,	/* options end at the first operand (record -- CMD) */
	PARSE_OPT_KEEP_UNKNOWN = 2,	/* unknown options are operands (commands not built yet) */
};

/* parse_options() returns these instead of an operand count; parse_opt_exit() maps them. */
#define PARSE_OPT_HELP	(-1)	/* -h was given and the usage printed: exit 0 */
#define PARSE_OPT_ERROR	(-2)	/* a bad command line, one line printed: exit 2 */

struct parse_opt;

/* What a callback may need besides its argument: the command's name and the arguments after. */
struct parse_ctx {
	const char *cmd;	/* "report heatmap", for messages */
	const char *name;	/* the option as typed, "--time-range" or "-o" */
	int argc;
	char **argv;
	int next;		/* argv[next] is the first argument not yet parsed */
};

/* A callback returns 0, or 2 after it printed the one-line error (dp_bad_usage()). */
typedef int (*parse_opt_cb)(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);

struct parse_opt {
	enum parse_opt_type type;
	int short_name;		/* 'i', or 0 */
	const char *long_name;	/* "input", or NULL */
	void *value;		/* the typed destination */
	const char *argh;	/* the value's name in the usage ("file", or "<a> <b>" as is); NULL: none */
	const char *help;	/* one line for -h */
	int flags;
	parse_opt_cb callback;
	const void *data;	/* for the callback (e.g. the names --format accepts) */
};

/* Typed destinations: a pointer of another type is a compile error (-Werror). */
#define PARSE_OPT_PTR(type, v)	(1 ? (v) : (type *)0)

#define OPT_END()	{ .type = PARSE_OPT_END }
#define OPT_BOOL(s, l, v, h) \
	{ .type = PARSE_OPT_BOOL, .short_name = (s), .long_name = (l), \
	  .value = PARSE_OPT_PTR(int, v), .help = (h) }
#define OPT_STRING(s, l, v, a, h) \
	{ .type = PARSE_OPT_STRING, .short_name = (s), .long_name = (l), \
	  .value = PARSE_OPT_PTR(const char *, v), .argh = (a), .help = (h) }
#define OPT_CALLBACK(s, l, v, a, h, cb) \
	{ .type = PARSE_OPT_CALLBACK, .short_name = (s), .long_name = (l), .value = (v), \
	  .argh = (a), .help = (h), .callback = (cb) }
#define OPT_CALLBACK_NOARG(s, l, v, h, cb)	OPT_CALLBACK(s, l, v, NULL, h, cb)

/* ---- the shared options, defined once ---- */

/* A time or address range: [lo, hi), set when given. */
struct opt_range {
	uint64_t lo, hi;
	int set;
};

int parse_opt_input(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int parse_opt_format(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int parse_opt_time_range(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int parse_opt_addr_range(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int parse_opt_target(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int parse_opt_skip_snapshots(const struct parse_opt *opt, const char *arg,
			     struct parse_ctx *ctx);

/* -i, --input FILE: the recording read; "-" is standard input (cmd_input_path()). */
#define OPT_INPUT(v) \
	OPT_CALLBACK('i', "input", PARSE_OPT_PTR(const char *, v), "file", \
		     "the recording (default daprof.data; - is standard input)", parse_opt_input)
/* -o, --output FILE: the file written. */
#define OPT_OUTPUT(v, a, h)	OPT_STRING('o', "output", v, a, h)
/*
 * --format NAME (no short form: -f is --force, as in git and perf): @names is a NULL-ended list,
 * and *v is set to the index of the one given, so an enum in the same order is the destination.
 */
#define OPT_FORMAT(v, names, h) \
	{ .type = PARSE_OPT_CALLBACK, .long_name = "format", .value = PARSE_OPT_PTR(int, v), \
	  .argh = "fmt", .help = (h), .callback = parse_opt_format, .data = (names) }
/* The report filters. --time-range and --addr-range take two values, "A B" or "A,B". */
#define OPT_TIME_RANGE(v) \
	OPT_CALLBACK(0, "time-range", PARSE_OPT_PTR(struct opt_range, v), "<a> <b>", \
		     "only the time from a to b after the first snapshot", parse_opt_time_range)
#define OPT_ADDR_RANGE(v) \
	OPT_CALLBACK(0, "addr-range", PARSE_OPT_PTR(struct opt_range, v), "<a> <b>", \
		     "only the addresses from a up to b", parse_opt_addr_range)
#define OPT_TARGET(v) \
	OPT_CALLBACK(0, "target", PARSE_OPT_PTR(int, v), "id", "only this target", \
		     parse_opt_target)
#define OPT_SKIP_SNAPSHOTS(v) \
	OPT_CALLBACK(0, "skip-snapshots", PARSE_OPT_PTR(uint64_t, v), "n", \
		     "leave out each target's first n snapshots", parse_opt_skip_snapshots)

/*
 * The four report filters together (every report takes them, each meaning the same):
 * --time-range, --addr-range, --target and --skip-snapshots. cmd_filters_session() in cmd.h
 * turns them into a reading session's filter.
 */
struct opt_filters {
	struct opt_range time, addr;
	int target;		/* -1: every target */
	uint64_t skip;
};
#define OPT_FILTERS_INIT { .target = -1 }
#define OPT_FILTERS(f) \
	OPT_TIME_RANGE(&(f)->time), \
	OPT_ADDR_RANGE(&(f)->addr), \
	OPT_TARGET(&(f)->target), \
	OPT_SKIP_SNAPSHOTS(&(f)->skip)

/* The names OPT_FORMAT() takes for the usual three. */
extern const char *const parse_opt_text_json_csv[];

/*
 * parse_options() - parse argv[1..argc) of command @cmd ("report raw") by the table @opts.
 * Options may come anywhere before "--" (operands are moved after them, as git and perf do)
 * unless PARSE_OPT_STOP_AT_OPERAND; -h and --help print the usage (@operands is the text after
 * the options in its first line, or NULL) on stdout. Long names may be abbreviated to a unique
 * prefix. Errors are one line on stderr (dp_bad_usage()).
 * Return: the number of operands, left in argv[0..n) with argv[n] = NULL, or PARSE_OPT_HELP or
 * PARSE_OPT_ERROR.
 */
int parse_options(int argc, char **argv, const struct parse_opt *opts, const char *cmd,
		  const char *operands, int flags);

/* parse_opt_exit() - the exit status for parse_options()'s PARSE_OPT_HELP (0) or ERROR (2). */
static inline int parse_opt_exit(int n)
{
	return n == PARSE_OPT_HELP ? 0 : 2;
}

/* parse_options_usage() - "usage: ..." and the option list, on stdout. */
void parse_options_usage(const struct parse_opt *opts, const char *cmd, const char *operands);

#endif /* DP_PARSE_OPTIONS_H */
