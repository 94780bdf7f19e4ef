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

static bool module_loaded(const char *name)
{
	size_t n = strlen(name);
	char line[256];
	bool found = false;
	FILE *f;

	f = fopen("/proc/modules", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, n) && line[n] == ' ';
	fclose(f);
	return found;
}

/* The modules smokey_modprobe() loaded, which smokey_rmmod() may unload. */
#define SMOKEY_MODULES 32
static char *loaded[SMOKEY_MODULES];

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

int smokey_modprobe(const char *name, bool silent)
{
	char *cmd;
	int i, ret;

	if (!name)
		return -EINVAL;
	if (module_loaded(name)) {
		smokey_trace("%s module already loaded", name);
		return 0;
	}
	for (i = 0; i < SMOKEY_MODULES && loaded[i]; i++)
		;
	if (i == SMOKEY_MODULES)
		return -ENOSPC;
	smokey_trace("%s module not there: modprobing", name);
	if (asprintf(&cmd, "modprobe %s%s", name, silent ? " 2>/dev/null" : "") < 0)
		return -ENOMEM;
	ret = run_command(cmd, silent);
	free(cmd);
	if (!ret && module_loaded(name))
		loaded[i] = strdup(name);
	return ret;
}

int smokey_rmmod(const char *name)
{
	char *cmd;
	int i, ret;

	if (!name)
		return -EINVAL;
	for (i = 0; i < SMOKEY_MODULES; i++)
		if (loaded[i] && !strcmp(loaded[i], name))
			break;
	if (i == SMOKEY_MODULES) {
		smokey_trace("%s module was there on entry, keeping it", name);
		return 0;
	}
	smokey_trace("unloading %s module", name);
	if (asprintf(&cmd, "rmmod %s", name) < 0)
		return -ENOMEM;
	ret = run_command(cmd, false);
	free(cmd);
	if (!ret) {
		free(loaded[i]);
		loaded[i] = NULL;
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
