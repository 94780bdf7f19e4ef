// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtdm-status: show what the RTDM core reports in /proc/rtdm: the backend,
 * registered devices, open file descriptors, interrupt counts and
 * real-time tasks.
 *
 *   rtdm-status [-d] [-f] [-i] [-t] [-j] [-r DIR]
 *
 * Each /proc/rtdm file is a whitespace-separated table whose first line
 * is a header "# col col ...". The last column takes the rest of the line,
 * so it may contain blanks. The tables are printed aligned, or as one
 * JSON object with -j:
 *
 *   {"backend": "inband PREEMPT_RT",
 *    "devices": [{"name": "rtdmtest0", "type": "named", ...}], "fds": [...],
 *    "irqs": [...], "tasks": [...]}
 *
 * Keys are the header's column names. Decimal integers in counting
 * columns are JSON numbers, "-" is null, everything else is a string;
 * devices also get "class" and "subclass" numbers split from "class:sub".
 * A missing table gives an empty array, a missing backend file null.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_ROOT	"/proc/rtdm"

enum {
	SEC_DEVICES,
	SEC_FDS,
	SEC_IRQS,
	SEC_TASKS,
	NR_SECTIONS,
};

struct section {
	const char *file;	/* below the root directory */
	const char *json_key;
	const char *title;
	const char *default_header;	/* if the file has none */
};

static const struct section sections[NR_SECTIONS] = {
	[SEC_DEVICES] = {
		"devices", "devices", "Devices",
		"name type class:sub ver flags fds driver proto",
	},
	[SEC_FDS] = {
		"fds", "fds", "Open file descriptors",
		"device minor pid comm refs oflags",
	},
	[SEC_IRQS] = {
		"irq", "irqs", "Interrupts",
		"irq hits device",
	},
	[SEC_TASKS] = {
		"tasks", "tasks", "Tasks",
		"pid prio period_ns periods overruns max_late_ns name",
	},
};

/* Columns printed as JSON numbers when they hold a decimal integer. */
static const char *const numeric_columns[] = {
	"ver", "fds", "minor", "pid", "refs", "irq", "hits", "prio",
	"period_ns", "periods", "overruns", "max_late_ns", NULL,
};

struct table {
	int present;
	int ncols;
	char **cols;
	int nrows;
	char ***rows;	/* nrows x ncols */
};

static void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p) {
		fprintf(stderr, "rtdm-status: out of memory\n");
		exit(1);
	}
	return p;
}

static void *xrealloc(void *old, size_t size)
{
	void *p = realloc(old, size ? size : 1);

	if (!p) {
		fprintf(stderr, "rtdm-status: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *skip_blanks(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

static void chomp(char *s)
{
	size_t len = strlen(s);

	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
}

/*
 * Splits @line into at most @max fields (the last one takes the rest of
 * the line, @max <= 0: no limit). Returns the field count.
 */
static int split(char *line, int max, char ***fieldsp)
{
	char **fields = NULL;
	int n = 0;
	char *p, *end;

	chomp(line);
	p = skip_blanks(line);
	while (*p) {
		fields = xrealloc(fields, (n + 1) * sizeof(*fields));
		if (max > 0 && n == max - 1) {
			fields[n++] = xstrndup(p, strlen(p));
			break;
		}
		end = p;
		while (*end && !isspace((unsigned char)*end))
			end++;
		fields[n++] = xstrndup(p, end - p);
		p = skip_blanks(end);
	}

	*fieldsp = fields;
	return n;
}

static void set_header(struct table *t, const char *header)
{
	char *copy = xstrndup(header, strlen(header));

	t->ncols = split(copy, 0, &t->cols);
	free(copy);
}

static void read_table(const char *root, const struct section *sec,
		       struct table *t)
{
	char path[4096], *line = NULL, **fields;
	size_t cap = 0;
	FILE *fp;
	int n, i;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/%s", root, sec->file);
	fp = fopen(path, "r");
	if (!fp) {
		set_header(t, sec->default_header);
		return;
	}

	t->present = 1;
	while (getline(&line, &cap, fp) >= 0) {
		char *p = skip_blanks(line);

		if (*p == '#') {
			if (!t->cols)
				set_header(t, p + 1);
			continue;
		}
		if (!*p)
			continue;
		if (!t->cols)
			set_header(t, sec->default_header);

		n = split(p, t->ncols, &fields);
		fields = xrealloc(fields, t->ncols * sizeof(*fields));
		for (i = n; i < t->ncols; i++)
			fields[i] = xstrndup("", 0);
		t->rows = xrealloc(t->rows, (t->nrows + 1) * sizeof(*t->rows));
		t->rows[t->nrows++] = fields;
	}
	if (!t->cols)
		set_header(t, sec->default_header);

	free(line);
	fclose(fp);
}

static char *read_backend(const char *root)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/backend", root);
	fp = fopen(path, "r");
	if (!fp)
		return NULL;

	if (getline(&line, &cap, fp) < 0) {
		free(line);
		line = NULL;
	} else {
		chomp(line);
	}
	fclose(fp);

	return line;
}

static int is_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int is_numeric_column(const char *name)
{
	int i;

	for (i = 0; numeric_columns[i]; i++)
		if (!strcmp(name, numeric_columns[i]))
			return 1;
	return 0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (c < 0x20)
				printf("\\u%04x", c);
			else
				putchar(c);
		}
	}
	putchar('"');
}

static void json_value(const char *col, const char *val)
{
	if (!strcmp(val, "-"))
		fputs("null", stdout);
	else if (is_numeric_column(col) && is_integer(val))
		fputs(val, stdout);
	else
		json_string(val);
}

static void json_table(int sec, const struct table *t)
{
	int r, c, cls, sub;
	char extra;

	printf(",\n  ");
	json_string(sections[sec].json_key);
	printf(": [");
	for (r = 0; r < t->nrows; r++) {
		printf("%s\n    {", r ? "," : "");
		for (c = 0; c < t->ncols; c++) {
			printf("%s", c ? ", " : "");
			json_string(t->cols[c]);
			printf(": ");
			json_value(t->cols[c], t->rows[r][c]);
			if (sec == SEC_DEVICES &&
			    !strcmp(t->cols[c], "class:sub") &&
			    sscanf(t->rows[r][c], "%d:%d%c",
				   &cls, &sub, &extra) == 2)
				printf(", \"class\": %d, \"subclass\": %d",
				       cls, sub);
		}
		printf("}");
	}
	printf("%s]", t->nrows ? "\n  " : "");
}

static void human_table(int sec, const struct table *t)
{
	int *width, r, c;
	size_t len;

	printf("\n%s (%d):\n", sections[sec].title, t->nrows);
	if (!t->present) {
		printf("  not available (%s missing)\n", sections[sec].file);
		return;
	}
	if (!t->nrows) {
		printf("  none\n");
		return;
	}

	width = xmalloc(t->ncols * sizeof(*width));
	for (c = 0; c < t->ncols; c++) {
		width[c] = strlen(t->cols[c]);
		for (r = 0; r < t->nrows; r++) {
			len = strlen(t->rows[r][c]);
			if ((int)len > width[c])
				width[c] = len;
		}
	}

	for (c = 0; c < t->ncols; c++) {
		const char *p;

		printf("  ");
		for (p = t->cols[c]; *p; p++)
			putchar(toupper((unsigned char)*p));
		if (c < t->ncols - 1)
			printf("%*s", width[c] - (int)strlen(t->cols[c]), "");
	}
	printf("\n");

	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c < t->ncols - 1)
				printf("  %-*s", width[c], t->rows[r][c]);
			else
				printf("  %s", t->rows[r][c]);
		}
		printf("\n");
	}

	free(width);
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: rtdm-status [-d] [-f] [-i] [-t] [-j] [-r DIR]\n"
		"Show the RTDM core's status (default: every section).\n"
		"  -d      registered devices\n"
		"  -f      open file descriptors\n"
		"  -i      interrupts\n"
		"  -t      real-time tasks\n"
		"  -j      one JSON object instead of tables\n"
		"  -r DIR  read DIR instead of " DEFAULT_ROOT "\n"
		"  -h      this help\n");
}

int main(int argc, char *argv[])
{
	const char *root = DEFAULT_ROOT;
	struct table tables[NR_SECTIONS];
	int want[NR_SECTIONS] = { 0 };
	int json = 0, any = 0, opt, i;
	struct stat st;
	char *backend;

	while ((opt = getopt(argc, argv, "dfitjr:h")) != -1) {
		switch (opt) {
		case 'd':
			want[SEC_DEVICES] = any = 1;
			break;
		case 'f':
			want[SEC_FDS] = any = 1;
			break;
		case 'i':
			want[SEC_IRQS] = any = 1;
			break;
		case 't':
			want[SEC_TASKS] = any = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'r':
			root = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (!any)
		for (i = 0; i < NR_SECTIONS; i++)
			want[i] = 1;

	if (stat(root, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "rtdm-status: %s not found: is rtdm.ko loaded?\n",
			root);
		return 1;
	}

	backend = read_backend(root);
	for (i = 0; i < NR_SECTIONS; i++)
		if (want[i])
			read_table(root, &sections[i], &tables[i]);

	if (json) {
		printf("{\n  \"backend\": ");
		if (backend)
			json_string(backend);
		else
			printf("null");
		for (i = 0; i < NR_SECTIONS; i++)
			if (want[i])
				json_table(i, &tables[i]);
		printf("\n}\n");
	} else {
		printf("RTDM backend: %s\n", backend ? backend : "unknown");
		for (i = 0; i < NR_SECTIONS; i++)
			if (want[i])
				human_table(i, &tables[i]);
	}

	if (fflush(stdout) == EOF) {
		perror("rtdm-status: stdout");
		return 1;
	}

	return 0;
}
