// SPDX-License-Identifier: GPL-2.0
/*
 * The option parser every command uses (see parse-options.h): getopt_long's syntax (-x VALUE,
 * -xVALUE, clustered flags, --long VALUE, --long=VALUE, unique prefixes of long names) from one
 * table per command, with operands allowed between options, and -h generated from the same table.
 * Also the callbacks of the options the commands share, so that -i or --time-range is parsed and
 * refused the same way in every command.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"

const char *const parse_opt_text_json_csv[] = { "text", "json", "csv", NULL };

static const struct parse_opt help_opt = OPT_BOOL('h', "help", (int *)NULL, "print this usage");

#define USAGE_WIDTH	100	/* wrap the usage line here */
#define HELP_COLUMN	30	/* the help texts of -h start here */

/* ---- matching ---- */

static const struct parse_opt *find_short(const struct parse_opt *opts, int c)
{
	for (const struct parse_opt *o = opts; o->type != PARSE_OPT_END; o++)
		if (o->short_name == c)
			return o;
	return c == 'h' ? &help_opt : NULL;
}

/*
 * The option named @name (@len bytes): exact, else the only one that @name begins (getopt_long
 * accepted such abbreviations, so scripts may use them). Return: it, or NULL; *@nr_match is the
 * number of options @name begins.
 */
static const struct parse_opt *find_long(const struct parse_opt *opts, const char *name,
					 size_t len, int *nr_match)
{
	const struct parse_opt *found = NULL;
	const struct parse_opt *o = opts;

	*nr_match = 0;
	for (int last = 0; !last; o++) {
		if (o->type == PARSE_OPT_END) {
			o = &help_opt;
			last = 1;
		}
		if (!o->long_name || strncmp(o->long_name, name, len))
			continue;
		if (strlen(o->long_name) == len) {
			*nr_match = 1;
			return o;
		}
		found = o;
		++*nr_match;
	}
	return *nr_match == 1 ? found : NULL;
}

/* "--time-range, --target" (the long names that begin with @name) into @buf. */
static void list_matches(const struct parse_opt *opts, const char *name, size_t len, char *buf,
			 size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct parse_opt *o = opts; o->type != PARSE_OPT_END; o++)
		if (o->long_name && !strncmp(o->long_name, name, len) && used < size)
			used += snprintf(buf + used, size - used, "%s--%s", used ? ", " : "",
					 o->long_name);
	if (!strncmp(help_opt.long_name, name, len) && used < size)
		snprintf(buf + used, size - used, "%s--help", used ? ", " : "");
}

/* ---- one option ---- */

/* Apply @o with @arg (NULL when it takes none). Return: 0, PARSE_OPT_HELP or PARSE_OPT_ERROR. */
static int apply(const struct parse_opt *o, const char *arg, struct parse_ctx *ctx,
		 const struct parse_opt *opts, const char *operands)
{
	if (o == &help_opt) {
		parse_options_usage(opts, ctx->cmd, operands);
		return PARSE_OPT_HELP;
	}
	switch (o->type) {
	case PARSE_OPT_BOOL:
		*(int *)o->value = 1;
		return 0;
	case PARSE_OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case PARSE_OPT_CALLBACK:
		return o->callback(o, arg, ctx) ? PARSE_OPT_ERROR : 0;
	default:
		DP_BUG("option of an unknown type");
	}
}

/* "--name[=value]" at argv[ctx->next - 1]. */
static int parse_long(const struct parse_opt *opts, const char *a, struct parse_ctx *ctx,
		      const char *operands, int flags)
{
	const char *name = a + 2, *eq = strchr(name, '='), *arg = NULL;
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int nr_match;
	const struct parse_opt *o = find_long(opts, name, len, &nr_match);
	char typed[80], list[256];

	if (nr_match > 1) {
		list_matches(opts, name, len, list, sizeof(list));
		dp_bad_usage(ctx->cmd, "ambiguous option '%.*s' (%s)", (int)(len + 2), a, list);
		return PARSE_OPT_ERROR;
	}
	if (!o) {
		if (flags & PARSE_OPT_KEEP_UNKNOWN)
			return 1;
		dp_bad_usage(ctx->cmd, "unknown option '%s'", a);
		return PARSE_OPT_ERROR;
	}
	snprintf(typed, sizeof(typed), "--%s", o->long_name);
	ctx->name = typed;
	if (o->type == PARSE_OPT_BOOL || (o->type == PARSE_OPT_CALLBACK && !o->argh) ||
	    o == &help_opt) {
		if (eq) {
			dp_bad_usage(ctx->cmd, "option '%s' takes no value", typed);
			return PARSE_OPT_ERROR;
		}
	} else if (eq) {
		arg = eq + 1;
	} else if (ctx->next < ctx->argc) {
		arg = ctx->argv[ctx->next++];
	} else {
		dp_bad_usage(ctx->cmd, "option '%s' needs a value", typed);
		return PARSE_OPT_ERROR;
	}
	return apply(o, arg, ctx, opts, operands);
}

/* "-abc" or "-oVALUE" at argv[ctx->next - 1]. */
static int parse_shorts(const struct parse_opt *opts, const char *a, struct parse_ctx *ctx,
			const char *operands, int flags)
{
	char typed[3] = "-?";

	for (const char *p = a + 1; *p; p++) {
		const struct parse_opt *o = find_short(opts, (unsigned char)*p);
		const char *arg = NULL;
		int ret;

		if (!o) {
			if ((flags & PARSE_OPT_KEEP_UNKNOWN) && p == a + 1)
				return 1;
			dp_bad_usage(ctx->cmd, "unknown option '-%c'", *p);
			return PARSE_OPT_ERROR;
		}
		typed[1] = *p;
		ctx->name = typed;
		if (o->type == PARSE_OPT_STRING || (o->type == PARSE_OPT_CALLBACK && o->argh)) {
			if (p[1])
				arg = p + 1;
			else if (ctx->next < ctx->argc)
				arg = ctx->argv[ctx->next++];
			else {
				dp_bad_usage(ctx->cmd, "option '%s' needs a value", typed);
				return PARSE_OPT_ERROR;
			}
		}
		ret = apply(o, arg, ctx, opts, operands);
		if (ret || arg)
			return ret;
	}
	return 0;
}

int parse_options(int argc, char **argv, const struct parse_opt *opts, const char *cmd,
		  const char *operands, int flags)
{
	struct parse_ctx ctx = { .cmd = cmd, .argc = argc, .argv = argv, .next = 1 };
	int n = 0;

	while (ctx.next < argc) {
		char *a = argv[ctx.next++];
		int ret;

		if (!strcmp(a, "--")) {
			while (ctx.next < argc)
				argv[n++] = argv[ctx.next++];
			break;
		}
		if (a[0] != '-' || !a[1]) {
			argv[n++] = a;	/* an operand ("-" is one too) */
			if (flags & PARSE_OPT_STOP_AT_OPERAND) {
				while (ctx.next < argc)
					argv[n++] = argv[ctx.next++];
				break;
			}
			continue;
		}
		if (a[1] == '-')
			ret = parse_long(opts, a, &ctx, operands, flags);
		else
			ret = parse_shorts(opts, a, &ctx, operands, flags);
		if (ret == 1)
			argv[n++] = a;	/* unknown, kept (PARSE_OPT_KEEP_UNKNOWN) */
		else if (ret)
			return ret;
	}
	argv[n] = NULL;
	return n;
}

/* ---- -h ---- */

/* "[-i <file>]" or "--format <fmt>" (@brackets 0) into @buf. */
static void opt_words(const struct parse_opt *o, int brackets, int prefer_short, char *buf,
		      size_t size)
{
	char name[64], value[64] = "";

	if (o->short_name && (prefer_short || !o->long_name))
		snprintf(name, sizeof(name), "-%c", o->short_name);
	else
		snprintf(name, sizeof(name), "--%s", o->long_name);
	if (o->argh)
		snprintf(value, sizeof(value), o->argh[0] == '<' ? " %s" : " <%s>", o->argh);
	snprintf(buf, size, "%s%s%s%s", brackets ? "[" : "", name, value, brackets ? "]" : "");
}

static void usage_line(const struct parse_opt *opts, const char *cmd, const char *operands)
{
	int indent = (int)strlen("usage: daprof ") + (int)strlen(cmd) + 1;
	int col = printf("usage: daprof %s", cmd);
	char word[160];

	for (const struct parse_opt *o = opts; o->type != PARSE_OPT_END; o++) {
		if (o->flags & (PARSE_OPT_HIDDEN | PARSE_OPT_NO_USAGE_LINE))
			continue;
		opt_words(o, 1, 1, word, sizeof(word));
		if (col + 1 + (int)strlen(word) > USAGE_WIDTH)
			col = printf("\n%*s", indent - 1, "") - 1;
		col += printf(" %s", word);
	}
	if (operands && *operands) {
		if (col > indent && col + 1 + (int)strlen(operands) > USAGE_WIDTH)
			printf("\n%*s", indent - 1, "");
		printf(" %s", operands);
	}
	putchar('\n');
}

static void option_line(const struct parse_opt *o)
{
	char left[160], value[64] = "";
	int n;

	if (o->argh)
		snprintf(value, sizeof(value), o->argh[0] == '<' ? " %s" : " <%s>", o->argh);
	if (o->short_name && o->long_name)
		n = snprintf(left, sizeof(left), "    -%c, --%s%s", o->short_name, o->long_name,
			     value);
	else if (o->short_name)
		n = snprintf(left, sizeof(left), "    -%c%s", o->short_name, value);
	else
		n = snprintf(left, sizeof(left), "        --%s%s", o->long_name, value);
	if (n + 2 > HELP_COLUMN)
		printf("%s\n%*s%s\n", left, HELP_COLUMN, "", o->help);
	else
		printf("%-*s%s\n", HELP_COLUMN, left, o->help);
}

void parse_options_usage(const struct parse_opt *opts, const char *cmd, const char *operands)
{
	usage_line(opts, cmd, operands);
	putchar('\n');
	for (const struct parse_opt *o = opts; o->type != PARSE_OPT_END; o++)
		if (!(o->flags & PARSE_OPT_HIDDEN))
			option_line(o);
	option_line(&help_opt);
}

/* ---- the shared options ---- */

int parse_opt_input(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	*(const char **)opt->value = cmd_input_path(arg);
	return 0;
}

int parse_opt_format(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	const char *const *names = opt->data;
	char list[128] = "";

	for (int i = 0; names[i]; i++) {
		if (!strcmp(arg, names[i])) {
			*(int *)opt->value = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 names[i]);
	}
	return dp_bad_usage(ctx->cmd, "unknown format '%s' (%s)", arg, list);
}

/* The two values of "--x-range A B" (or "A,B"); B is the next argument. */
static int two_values(const char *arg, struct parse_ctx *ctx, const char **a, const char **b,
		      char *buf, size_t size)
{
	const char *comma = strchr(arg, ',');

	if (comma) {
		snprintf(buf, size, "%.*s", (int)(comma - arg), arg);
		*a = buf;
		*b = comma + 1;
		return 0;
	}
	if (ctx->next >= ctx->argc)
		return -EINVAL;
	*a = arg;
	*b = ctx->argv[ctx->next++];
	return 0;
}

int parse_opt_time_range(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	struct opt_range *r = opt->value;
	const char *a, *b;
	char buf[128];

	if (two_values(arg, ctx, &a, &b, buf, sizeof(buf)))
		return dp_bad_usage(ctx->cmd, "option '--time-range' needs two times");
	if (dp_parse_time_ns(a, 1000000000ULL, &r->lo) || dp_parse_time_ns(b, 1000000000ULL, &r->hi))
		return dp_bad_usage(ctx->cmd, "bad time range '%s %s' (e.g. 2s 10s)", a, b);
	if (r->hi <= r->lo)
		return dp_bad_usage(ctx->cmd, "empty time range '%s %s'", a, b);
	r->set = 1;
	return 0;
}

int parse_opt_addr_range(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	struct opt_range *r = opt->value;
	const char *a, *b;
	char buf[128];

	if (two_values(arg, ctx, &a, &b, buf, sizeof(buf)))
		return dp_bad_usage(ctx->cmd, "option '--addr-range' needs two addresses");
	if (dp_parse_size(a, &r->lo) || dp_parse_size(b, &r->hi))
		return dp_bad_usage(ctx->cmd, "bad address range '%s %s' (e.g. 0x7f0000000000 "
				    "0x7f0040000000, or 0 64M)", a, b);
	if (r->hi <= r->lo)
		return dp_bad_usage(ctx->cmd, "empty address range '%s %s'", a, b);
	r->set = 1;
	return 0;
}

int parse_opt_target(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t v;

	if (dp_parse_u64(arg, &v) || v > INT32_MAX)
		return dp_bad_usage(ctx->cmd, "bad target id '%s'", arg);
	*(int *)opt->value = (int)v;
	return 0;
}

int parse_opt_skip_snapshots(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (dp_parse_u64(arg, opt->value))
		return dp_bad_usage(ctx->cmd, "bad --skip-snapshots '%s'", arg);
	return 0;
}
