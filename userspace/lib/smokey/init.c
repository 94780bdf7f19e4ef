// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsmokey: test registration, the command line and the selection of
 * the tests to run.
 *
 * Test plugins register from constructors (__early_ctor). Then, still
 * before main() (a constructor of default priority), the command line is read from
 * /proc/self/cmdline and the options of Xenomai's base library and of
 * smokey are taken off it; main(), reached through __wrap_main() when
 * the program is linked with -Wl,--wrap=main (rtdm-config --skin=smokey
 * --ldflags), receives the arguments left. Without /proc, __wrap_main()
 * parses main()'s own arguments.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xeno_config.h>
#include <smokey/smokey.h>

#ifndef RTDM_VERSION
#define RTDM_VERSION "unknown"
#endif

DEFINE_PRIVATE_LIST(smokey_test_list);
int smokey_keep_going;
int smokey_verbose_mode = 1;
int smokey_on_vm;

/* Registered tests, by id. */
static struct smokey_test **tests;
static int ntests;

void smokey_register_plugin(struct smokey_test *t)
{
	struct smokey_test **n;

	n = realloc(tests, (ntests + 1) * sizeof(*tests));
	if (!n)
		panic("out of memory registering test %s", t->name);
	tests = n;
	t->__reserved.id = ntests;
	pvholder_init(&t->__reserved.next);
	tests[ntests++] = t;
}

/* ---------------------------------------------------------- selection */

/* Tests taken by a selection (picked or excluded), by id. */
static char *taken;

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* An end of a range: a number, or the first test a name or pattern matches. */
static int resolve(const char *s)
{
	int i;

	if (all_digits(s)) {
		i = atoi(s);
		return i < ntests ? i : -1;
	}
	for (i = 0; i < ntests; i++)
		if (!fnmatch(s, tests[i]->name, 0))
			return i;
	return -1;
}

static void take(int id, struct pvlistobj *to)
{
	if (taken[id])
		return;
	taken[id] = 1;
	if (to)
		pvlist_append(&tests[id]->__reserved.next, to);
}

/*
 * Applies a --run/--list/--exclude list: each test it names and not taken
 * yet is taken, in the order of the list (a range a-b with a > b goes
 * downwards) and appended to `to` if given. 0, or -EINVAL for an item
 * naming no test or out of range.
 */
static int select_tests(const char *spec, struct pvlistobj *to)
{
	char *s = strdup(spec), *item, *save = NULL, *dash;
	int lo, hi, i, matches, ret = 0;

	if (!s)
		return -ENOMEM;
	for (item = strtok_r(s, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		dash = strchr(item, '-');
		if (!dash) {
			/* a name or a pattern: every match, else a number */
			for (i = matches = 0; i < ntests; i++) {
				if (!fnmatch(item, tests[i]->name, 0)) {
					matches++;
					take(i, to);
				}
			}
			if (matches)
				continue;
			lo = hi = resolve(item);
		} else {
			*dash = '\0';
			lo = *item ? resolve(item) : 0;
			hi = dash[1] ? resolve(dash + 1) : ntests - 1;
			if (strchr(dash + 1, '-'))
				lo = -1;
		}
		if (lo < 0 || hi < 0) {
			ret = -EINVAL;
			break;
		}
		if (lo <= hi)
			for (i = lo; i <= hi; i++)
				take(i, to);
		else
			for (i = lo; i >= hi; i--)
				take(i, to);
	}
	free(s);
	if (ret)
		warning("invalid test range in %s", spec);
	return ret;
}

/* ---------------------------------------------------------- options */

enum {
	OPT_KEEP_GOING, OPT_RUN, OPT_LIST, OPT_VM, OPT_EXCLUDE,
	OPT_HELP, OPT_AFFINITY, OPT_VERBOSE, OPT_SILENT, OPT_QUIET,
	OPT_VERSION, OPT_DUMP_CONFIG, OPT_NO_SANITY, OPT_SANITY, OPT_TRACE,
};

static const struct option options[] = {
	[OPT_KEEP_GOING] = { "keep-going", no_argument, NULL, 0 },
	[OPT_RUN] = { "run", optional_argument, NULL, 0 },
	[OPT_LIST] = { "list", optional_argument, NULL, 0 },
	[OPT_VM] = { "vm", no_argument, NULL, 0 },
	[OPT_EXCLUDE] = { "exclude", required_argument, NULL, 0 },
	[OPT_HELP] = { "help", no_argument, NULL, 0 },
	[OPT_AFFINITY] = { "cpu-affinity", required_argument, NULL, 0 },
	[OPT_VERBOSE] = { "verbose", optional_argument, NULL, 0 },
	[OPT_SILENT] = { "silent", no_argument, NULL, 0 },
	[OPT_QUIET] = { "quiet", no_argument, NULL, 0 },
	[OPT_VERSION] = { "version", no_argument, NULL, 0 },
	[OPT_DUMP_CONFIG] = { "dump-config", no_argument, NULL, 0 },
	[OPT_NO_SANITY] = { "no-sanity", no_argument, NULL, 0 },
	[OPT_SANITY] = { "sanity", no_argument, NULL, 0 },
	[OPT_TRACE] = { "trace", optional_argument, NULL, 0 },
	{ NULL, 0, NULL, 0 }
};

static void print_version(void)
{
	fprintf(stderr, "based on RTDM for Dovetail %s (smokey)\n", RTDM_VERSION);
}

static void usage(void)
{
	print_version();
	if (application_usage)
		application_usage();
	else
		fprintf(stderr, "usage: %s <options>:\n", get_program_name());
	fputs("--keep-going\t\t\tdon't stop upon test error\n"
	      "--list[=<id[,id...]>]\t\tlist [matching] tests\n"
	      "--run[=<id[,id...]>]\t\trun [portion of] the test list\n"
	      "--exclude=<id[,id...]>\t\texclude test(s) from the run list\n"
	      "--vm\t\t\t\thint about running in a virtual environment\n"
	      "--cpu-affinity=<cpu[,cpu]...>\tset CPU affinity of threads\n"
	      "--[no-]sanity\t\t\tdisable/enable sanity checks (no effect)\n"
	      "--verbose[=level]\t\tset verbosity to desired level [=1]\n"
	      "--silent, --quiet\t\tsame as --verbose=0\n"
	      "--trace[=level]\t\t\tset tracing to desired level (no effect)\n"
	      "--version\t\t\tget version information\n"
	      "--dump-config\t\t\tdump configuration settings\n"
	      "--help\t\t\t\tdisplay help\n", stderr);
}

/* --cpu-affinity=0,2-3: the calling thread's (threads inherit it) */
static int set_affinity(const char *list)
{
	char *s = strdup(list), *item, *save = NULL, *end;
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);
	long lo, hi, c;
	cpu_set_t set;
	int ret = 0;

	if (!s)
		return -ENOMEM;
	CPU_ZERO(&set);
	for (item = strtok_r(s, ",", &save); item && !ret;
	     item = strtok_r(NULL, ",", &save)) {
		lo = strtol(item, &end, 10);
		hi = lo;
		if (*end == '-')
			hi = end[1] ? strtol(end + 1, &end, 10) : ncpus - 1;
		else if (end == item)
			ret = -EINVAL;
		if (*end || lo < 0 || hi < lo || hi >= ncpus || hi >= CPU_SETSIZE)
			ret = -EINVAL;
		for (c = lo; !ret && c <= hi; c++)
			CPU_SET(c, &set);
	}
	free(s);
	if (ret) {
		warning("invalid CPU number/range in '%s'", list);
		return ret;
	}
	if (sched_setaffinity(0, sizeof(set), &set)) {
		ret = -errno;
		warning("invalid CPU in '%s'", list);
	}
	return ret;
}

static char *run_arg, *list_arg, *exclude_arg;
static int do_run, do_list, verbosity = 1;

static void set_arg(char **where, const char *value)
{
	free(*where);
	*where = value ? strdup(value) : NULL;
}

static int parse_option(int opt, const char *arg)
{
	switch (opt) {
	case OPT_KEEP_GOING:
		smokey_keep_going = 1;
		break;
	case OPT_RUN:
		do_run = 1;
		set_arg(&run_arg, arg);
		break;
	case OPT_LIST:
		do_list = 1;
		set_arg(&list_arg, arg);
		break;
	case OPT_VM:
		smokey_on_vm = 1;
		break;
	case OPT_EXCLUDE:
		set_arg(&exclude_arg, arg);
		break;
	case OPT_HELP:
		usage();
		exit(0);
	case OPT_AFFINITY:
		return set_affinity(arg);
	case OPT_VERBOSE:
		verbosity = arg ? atoi(arg) : 1;
		break;
	case OPT_SILENT:
	case OPT_QUIET:
		verbosity = 0;
		break;
	case OPT_VERSION:
		print_version();
		exit(0);
	case OPT_DUMP_CONFIG:
		print_version();
		printf("CONFIG_XENO_DEFAULT_PERIOD=%d\n", CONFIG_XENO_DEFAULT_PERIOD);
		printf("AUTOMATIC_BOOTSTRAP=1\n");
		exit(0);
	default:	/* --[no-]sanity, --trace */
		break;
	}
	return 0;
}

/* --list: the tests of the list (all of them by default), printed. */
static int list_tests(void)
{
	DEFINE_PRIVATE_LIST(list);
	struct smokey_test *t;
	int ret = 0, i;

	if (list_arg)
		ret = select_tests(list_arg, &list);
	else
		for (i = 0; i < ntests; i++)
			take(i, &list);
	pvlist_for_each_entry(t, &list, __reserved.next)
		printf("#%-3d %s\n\t%s\n", t->__reserved.id, t->name,
		       t->description);
	fflush(stdout);
	return ret;
}

static int select_run(void)
{
	int ret, i;

	if (!ntests) {
		warning("no test registered");
		return -EINVAL;
	}
	if (exclude_arg) {
		ret = select_tests(exclude_arg, NULL);
		if (ret)
			return ret;
	}
	if (run_arg) {
		ret = select_tests(run_arg, &smokey_test_list);
		if (ret)
			return ret;
	} else {
		for (i = 0; i < ntests; i++)
			take(i, &smokey_test_list);
	}
	if (pvlist_empty(&smokey_test_list)) {
		warning("no test selected");
		return -EINVAL;
	}
	return 0;
}

static int setup_done;
static int setup_argc;
static char **setup_argv;

/*
 * Takes the options above off argv (a copy of main()'s arguments), acts
 * on them and selects the tests. Other arguments, short options and
 * everything after "--" are left, in their order.
 */
static void smokey_setup(int argc, char **argv)
{
	char **v = calloc(argc + 1, sizeof(*v));
	char *drop = calloc(argc + 1, 1);
	int i, n, c, idx, before, ret = 0;

	if (!v || !drop)
		panic("out of memory");
	memcpy(v, argv, argc * sizeof(*v));
	taken = calloc(ntests + 1, 1);
	if (!taken)
		panic("out of memory");

	opterr = 0;
	optind = 1;
	for (;;) {
		before = optind;
		idx = -1;
		/* "-": no permutation, other arguments come back as 1 */
		c = getopt_long(argc, v, "-", options, &idx);
		if (c == -1)
			break;
		if (idx < 0 || c != 0)
			continue;
		ret = parse_option(idx, optarg);
		if (ret)
			break;
		for (i = before; i < optind; i++)
			drop[i] = 1;
	}
	/* the program's own getopt() starts afresh */
	optind = 0;
	opterr = 1;

	if (!ret) {
		if (do_list)
			ret = list_tests();
		else if (do_run)
			ret = select_run();
	}
	if (ret) {
		warning("setup call smokey failed");
		panic("initialization failed, %s", symerror(ret));
	}
	smokey_verbose_mode = pvlist_empty(&smokey_test_list) ? 0 : verbosity;

	for (i = n = 0; i < argc; i++)
		if (!drop[i])
			v[n++] = v[i];
	v[n] = NULL;
	free(drop);
	setup_argc = n;
	setup_argv = v;
	setup_done = 1;
}

/*
 * Before main(): the command line, from /proc/self/cmdline. A plain
 * constructor: it runs after the plugins' (__early_ctor) and after the C
 * runtime's own, so that exit() (--help, a bad --run=) is safe from it.
 */
static void __attribute__((constructor)) smokey_bootstrap(void)
{
	size_t len = 0, size = 4096, got;
	char *buf = NULL, *p, **argv;
	int argc, i;
	FILE *f;

	f = fopen("/proc/self/cmdline", "re");
	if (!f)
		return;	/* __wrap_main() does it with main()'s arguments */
	for (;;) {
		p = realloc(buf, size + 1);
		if (!p)
			goto out;
		buf = p;
		got = fread(buf + len, 1, size - len, f);
		len += got;
		if (len < size)
			break;
		size *= 2;
	}
	if (ferror(f) || !len)
		goto out;
	buf[len] = '\0';
	for (argc = 0, p = buf; p < buf + len; p += strlen(p) + 1)
		argc++;
	argv = calloc(argc + 1, sizeof(*argv));
	if (!argv)
		goto out;
	for (i = 0, p = buf; p < buf + len; p += strlen(p) + 1)
		argv[i++] = p;
	fclose(f);
	smokey_setup(argc, argv);
	free(argv);
	return;	/* buf: the strings of setup_argv */
out:
	free(buf);
	fclose(f);
}

int __real_main(int argc, char *const argv[]);
int __wrap_main(int argc, char *const argv[]);

/* main() is linked as __real_main() with -Wl,--wrap=main. */
int __wrap_main(int argc, char *const argv[])
{
	if (!setup_done)
		smokey_setup(argc, (char **)argv);
	return __real_main(setup_argc, setup_argv);
}
