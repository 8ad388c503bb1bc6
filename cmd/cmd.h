/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands and the helpers they share for the command line: the command table type with
 * exact matching and "did you mean", and number parsing with units (options: parse-options.h).
 */
#ifndef DP_CMD_H
#define DP_CMD_H

#include <stddef.h>
#include <stdint.h>

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* returns the exit status: 0, 1 or 2 */
	const char *summary;
};

/*
 * cmd_select() - run the command of @table named argv[0] (exact match). @prefix ("daprof",
 * "daprof report") is used in messages. Return: the command's exit status, 2 for an unknown one.
 */
int cmd_select(const struct cmd *table, const char *prefix, int argc, char **argv);
/* cmd_list() - print "  name   summary" lines of @table to stdout. */
void cmd_list(const struct cmd *table);

/* Number parsing. Each returns 0 or -EINVAL (bad text) / -ERANGE (too big). */
int dp_parse_u64(const char *s, uint64_t *out);
/* "5ms", "100us", "1s", "2m", "1h", plain number = @default_unit_ns units */
int dp_parse_time_ns(const char *s, uint64_t default_unit_ns, uint64_t *out);
/* "64M", "4KiB", "1G", hex "0x7f00..." or decimal bytes */
int dp_parse_size(const char *s, uint64_t *out);

int cmd_help(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_report_raw(int argc, char **argv);
int cmd_report_heatmap(int argc, char **argv);
int cmd_report_wss(int argc, char **argv);
int cmd_report_hot(int argc, char **argv);
int cmd_report_hints(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_diff(int argc, char **argv);

struct dpf_reader;
struct dpf_damage;
/*
 * cmd_input_path() - the file named by -i: "-" is standard input, which works when it is
 * redirected from a file (a recording is read with random access, so not from a pipe).
 */
const char *cmd_input_path(const char *arg);
/* cmd_open_recording() - open @path; on failure print why (naming both versions for a newer
 * major). Return: 0 or -errno (already reported). */
int cmd_open_recording(const char *path, struct dpf_reader **r);
struct session;
struct session_filter;
/*
 * cmd_open_session() - open a reading session on @path with filter @f (NULL: none), damage
 * warned about on stderr as it is met; on failure print why. Return: 0 or -errno (reported).
 */
int cmd_open_session(const char *path, const struct session_filter *f, struct session **s);
struct opt_filters;
/*
 * cmd_open_filtered() - cmd_open_session() with the report filters given on the command line
 * (parse-options.h's OPT_FILTERS()). Return: 0 or -errno (reported).
 */
int cmd_open_filtered(const char *path, const struct opt_filters *o, struct session **s);
/* cmd_warn_damage() - one warning line for a damaged part of @path. */
void cmd_warn_damage(const char *path, const struct dpf_damage *d);
/* cmd_warn_damage_cb() - the same as a report/ damage callback; @arg is the path. */
void cmd_warn_damage_cb(void *arg, const struct dpf_damage *d);

/*
 * dp_text_escape() - @src for a line of text output into @dst (@size bytes, truncated if need
 * be): newline, tab and return as \n \t \r, other controls and bytes of bad UTF-8 as \xHH, so
 * that a stored value never breaks the one-fact-a-line layout. Return: @dst.
 */
char *dp_text_escape(char *dst, size_t size, const char *src);
/* dp_text_puts() - @s escaped as dp_text_escape() does, whole, on stdout (no newline added). */
void dp_text_puts(const char *s);

struct viz_canvas;
struct viz_png_text;
/*
 * cmd_write_png() - write the PNG image of @c to @path, whole (format/outfile.h: a temporary
 * file renamed into place, or a device such as /dev/null written in place), with SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT held back for its few milliseconds: an interrupt then ends the
 * command after the rename, leaving neither a partial image nor the temporary file.
 * Return: 0 or -errno.
 */
int cmd_write_png(const struct viz_canvas *c, const char *path, const struct viz_png_text *text,
		  int nr_text);

/* cmd_not_built() - for commands of a later release: one line, exit status 1. */
int cmd_not_built(const char *name);

extern const struct cmd dp_commands[];
extern const struct cmd dp_report_commands[];

#endif /* DP_CMD_H */
