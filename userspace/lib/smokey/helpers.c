// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsmokey: the arguments of the tests, their output, and the helpers
 * Xenomai's tests call (barriers, external programs, modules).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <smokey/smokey.h>

/* The value of s if s is "<arg name>=<value>" with a value, else NULL. */
static const char *value_of(const char *s, const struct smokey_arg *arg)
{
	size_t n = strlen(arg->name);

	if (strncmp(s, arg->name, n) || s[n] != '=' || !s[n + 1])
		return NULL;
	return s + n + 1;
}

static int parse_int(const char *v, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < INT_MIN || n > INT_MAX)
		return 0;
	*out = (int)n;
	return 1;
}

int smokey_int(const char *s, struct smokey_arg *arg)
{
	const char *v = value_of(s, arg);

	return v && parse_int(v, &arg->u.n_val);
}

int smokey_bool(const char *s, struct smokey_arg *arg)
{
	const char *v;
	int n;

	if (!strcmp(s, arg->name)) {
		arg->u.n_val = 1;
		return 1;
	}
	v = value_of(s, arg);
	if (!v || !parse_int(v, &n))
		return 0;
	arg->u.n_val = !!n;
	return 1;
}

int smokey_string(const char *s, struct smokey_arg *arg)
{
	const char *v = value_of(s, arg);
	char *copy;

	if (!v)
		return 0;
	copy = strdup(v);
	if (!copy)
		return 0;
	arg->u.s_val = copy;
	return 1;
}

int smokey_size(const char *s, struct smokey_arg *arg)
{
	const char *v = value_of(s, arg);
	size_t n;

	if (!v)
		return 0;
	n = get_mem_size(v);
	if (!n)
		return 0;
	arg->u.l_val = n;
	return 1;
}

int smokey_parse_args(struct smokey_test *t, int argc, char *const argv[])
{
	struct smokey_arg *arg;
	int i, n, set = 0;

	for (i = 0; i < t->nargs && t->args[i].name; i++) {
		arg = &t->args[i];
		arg->matched = 0;
		for (n = 1; n < argc; n++) {
			if (arg->parser(argv[n], arg)) {
				arg->matched = 1;
				set++;
				break;
			}
		}
	}
	return set;
}

struct smokey_arg *smokey_lookup_arg(struct smokey_test *t, const char *name)
{
	int i;

	for (i = 0; i < t->nargs && t->args[i].name; i++)
		if (!strcmp(t->args[i].name, name))
			return &t->args[i];
	panic("test %s has no argument \"%s\"", t->name, name);
}

static void print_line(const char *fmt, va_list ap)
{
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
}

void smokey_note(const char *fmt, ...)
{
	va_list ap;

	if (smokey_verbose_mode < 1)
		return;
	va_start(ap, fmt);
	print_line(fmt, ap);
	va_end(ap);
}

void smokey_vatrace(const char *fmt, va_list ap)
{
	if (smokey_verbose_mode >= 2)
		print_line(fmt, ap);
}

void smokey_trace(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	smokey_vatrace(fmt, ap);
	va_end(ap);
}

void __smokey_warning(const char *file, int lineno, const char *fmt, ...)
{
	const char *base = strrchr(file, '/');
	va_list ap;

	if (smokey_verbose_mode < 1)
		return;
	fprintf(stderr, "%s:%d, ", base ? base + 1 : file, lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int smokey_barrier_init(struct smokey_barrier *b)
{
	int ret;

	b->signaled = 0;
	ret = pthread_mutex_init(&b->lock, NULL);
	if (ret)
		return ret;
	ret = pthread_cond_init(&b->barrier, NULL);
	if (ret)
		pthread_mutex_destroy(&b->lock);
	return ret;
}

void smokey_barrier_destroy(struct smokey_barrier *b)
{
	pthread_cond_destroy(&b->barrier);
	pthread_mutex_destroy(&b->lock);
}

static int barrier_wait(struct smokey_barrier *b, const struct timespec *ts)
{
	int ret = 0;

	pthread_mutex_lock(&b->lock);
	while (!b->signaled && !ret)
		ret = ts ? pthread_cond_timedwait(&b->barrier, &b->lock, ts) :
			   pthread_cond_wait(&b->barrier, &b->lock);
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int smokey_barrier_wait(struct smokey_barrier *b)
{
	return barrier_wait(b, NULL);
}

/* ts: an absolute CLOCK_REALTIME date; ETIMEDOUT past it */
int smokey_barrier_timedwait(struct smokey_barrier *b, struct timespec *ts)
{
	return barrier_wait(b, ts);
}

void smokey_barrier_release(struct smokey_barrier *b)
{
	pthread_mutex_lock(&b->lock);
	b->signaled = 1;
	pthread_cond_broadcast(&b->barrier);
	pthread_mutex_unlock(&b->lock);
}

int smokey_fork_exec(const char *path, const char *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		execlp(path, arg, (char *)NULL);
		fprintf(stderr, "%s: cannot run %s: %s\n", get_program_name(),
			path, strerror(errno));
		_exit(1);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		fprintf(stderr, "%s%s\n", strsignal(WTERMSIG(status)),
			WCOREDUMP(status) ? " (core dumped)" : "");
	return 1;
}

/* The names in /proc/modules, newest first, NUL-separated; NULL if none. */
static char *module_list(size_t *len)
{
	char line[256], *list = NULL, *p;
	size_t n = 0, l;
	FILE *f;

	*len = 0;
	f = fopen("/proc/modules", "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		l = strcspn(line, " \n");
		p = realloc(list, n + l + 1);
		if (!p) {
			free(list);
			fclose(f);
			return NULL;
		}
		list = p;
		memcpy(list + n, line, l);
		list[n + l] = '\0';
		n += l + 1;
	}
	fclose(f);
	*len = n;
	return list;
}

static bool in_list(const char *list, size_t len, const char *name)
{
	size_t off;

	for (off = 0; off < len; off += strlen(list + off) + 1)
		if (!strcmp(list + off, name))
			return true;
	return false;
}

static bool module_loaded(const char *name)
{
	size_t len;
	char *list = module_list(&len);
	bool found = list && in_list(list, len, name);

	free(list);
	return found;
}

/*
 * What smokey_modprobe() loaded, which smokey_rmmod() may unload: under the
 * name asked for, the modules that appeared in /proc/modules (a name may be
 * an alias, e.g. xeno_rtdmtest for rtdmtest, and bring dependencies),
 * newest first.
 */
#define SMOKEY_MODULES 32
static struct {
	char *name;
	char *mods;	/* NUL-separated */
	size_t len;
} loaded[SMOKEY_MODULES];

/* Runs a shell command: 0, -EINVAL if it failed, -errno if it could not run. */
static int run_command(const char *cmd, bool quiet)
{
	int status = system(cmd);

	if (status < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (!quiet)
			smokey_warning("%s: abnormal exit", cmd);
		return -EINVAL;
	}
	return 0;
}

static void remember(int i, const char *name, const char *before,
		     size_t blen, const char *after, size_t alen)
{
	char *mods = NULL, *p;
	size_t n = 0, off, l;

	for (off = 0; off < alen; off += l + 1) {
		l = strlen(after + off);
		if (in_list(before, blen, after + off))
			continue;
		p = realloc(mods, n + l + 1);
		if (!p)
			break;
		mods = p;
		memcpy(mods + n, after + off, l + 1);
		n += l + 1;
	}
	if (!n) {	/* there already, under another name */
		free(mods);
		return;
	}
	loaded[i].name = strdup(name);
	loaded[i].mods = mods;
	loaded[i].len = n;
}

int smokey_modprobe(const char *name, bool silent)
{
	char *cmd, *before, *after;
	size_t blen, alen;
	int i, ret;

	if (!name)
		return -EINVAL;
	if (module_loaded(name)) {
		smokey_trace("%s module already loaded", name);
		return 0;
	}
	for (i = 0; i < SMOKEY_MODULES && loaded[i].name; i++)
		;
	if (i == SMOKEY_MODULES)
		return -ENOSPC;
	smokey_trace("%s module not there: modprobing", name);
	if (asprintf(&cmd, "modprobe %s%s", name, silent ? " 2>/dev/null" : "") < 0)
		return -ENOMEM;
	before = module_list(&blen);
	ret = run_command(cmd, silent);
	free(cmd);
	if (!ret) {
		after = module_list(&alen);
		if (after)
			remember(i, name, before, blen, after, alen);
		free(after);
	}
	free(before);
	return ret;
}

/*
 * rmmod is refused while a module is in use (an fd still open, or a close
 * deferred by the driver), where Xenomai's module removal waits for its
 * devices to be released: retry for up to SMOKEY_RMMOD_WAIT_MS.
 */
#define SMOKEY_RMMOD_WAIT_MS	2000
#define SMOKEY_RMMOD_STEP_MS	20

static int rmmod_one(const char *mod)
{
	int ret, waited = 0;
	char *cmd;

	if (asprintf(&cmd, "rmmod %s 2>/dev/null", mod) < 0)
		return -ENOMEM;
	while ((ret = run_command(cmd, true)) == -EINVAL &&
	       waited < SMOKEY_RMMOD_WAIT_MS) {
		usleep(SMOKEY_RMMOD_STEP_MS * 1000);
		waited += SMOKEY_RMMOD_STEP_MS;
	}
	free(cmd);
	if (ret)
		smokey_warning("rmmod %s: still in use after %d ms", mod, waited);
	return ret;
}

int smokey_rmmod(const char *name)
{
	size_t off;
	int i, ret = 0;

	if (!name)
		return -EINVAL;
	for (i = 0; i < SMOKEY_MODULES; i++)
		if (loaded[i].name && !strcmp(loaded[i].name, name))
			break;
	if (i == SMOKEY_MODULES) {
		smokey_trace("%s module was there on entry, keeping it", name);
		return 0;
	}
	smokey_trace("unloading %s module", name);
	for (off = 0; !ret && off < loaded[i].len;
	     off += strlen(loaded[i].mods + off) + 1)
		ret = rmmod_one(loaded[i].mods + off);
	if (!ret) {
		free(loaded[i].name);
		free(loaded[i].mods);
		loaded[i].name = NULL;
		loaded[i].mods = NULL;
		loaded[i].len = 0;
	}
	return ret;
}

int smokey_run_extprog(const char *dir, const char *name, const char *args,
		       int *test_ret)
{
	char *cmd;
	int ret;

	if (asprintf(&cmd, "%s/%s %s", dir, name, args ? args : "") < 0)
		return -ENOMEM;
	fflush(NULL);
	ret = system(cmd);
	free(cmd);
	*test_ret = ret;
	if (ret)
		smokey_note("test %s failed: %d", name, ret);
	else
		smokey_note("%s OK", name);
	return smokey_keep_going ? 0 : ret;
}
