/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <smokey/smokey.h>: Xenomai 3's smokey test framework for programs
 * built with rtdm-config (link with `rtdm-config --skin=smokey
 * --ldflags`, which adds libsmokey).
 *
 * A program declares its tests with smokey_test_plugin(); each one
 * registers itself before main(). libsmokey reads the command line
 * before main() too, as Xenomai's auto-init does, and takes its options
 * off the argument vector main() receives:
 *
 *   --run[=<list>]      run the tests of <list> (default: all of them)
 *   --list[=<list>]     print them instead ("#<id> <name>\n\t<description>")
 *   --exclude=<list>    leave those out of the run
 *   --keep-going        sets smokey_keep_going
 *   --verbose[=<n>], --silent, --quiet   smokey_verbose_mode (1 by default)
 *   --vm, --cpu-affinity=<cpus>, --[no-]sanity, --trace[=<n>], --help,
 *   --version, --dump-config
 *
 * <list> is a comma-separated list of test numbers, number ranges (a-b,
 * a-, -b), names and shell patterns on names. main() then walks the
 * selected tests with for_each_smokey_test() and calls their run()
 * handler, which reads its "name=value" arguments with
 * smokey_parse_args() and SMOKEY_ARG_*().
 */
#ifndef _RTDM_SMOKEY_SMOKEY_H
#define _RTDM_SMOKEY_SMOKEY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <sys/types.h>
#include <sys/select.h>
#include <boilerplate/compiler.h>
#include <boilerplate/list.h>
#include <boilerplate/ancillaries.h>
#include <boilerplate/time.h>
#include <xenomai/init.h>

#define do_fork fork

struct smokey_arg {
	const char *name;
	/* 1 if s sets this argument (its value is then in u), else 0 */
	int (*parser)(const char *s, struct smokey_arg *arg);
	union {
		int n_val;
		char *s_val;
		size_t l_val;
	} u;
	int matched;
};

struct smokey_test {
	const char *name;
	struct smokey_arg *args;
	int nargs;
	const char *description;
	int (*run)(struct smokey_test *t, int argc, char *const argv[]);
	struct {
		int id;			/* registration order, from 0 */
		struct pvholder next;	/* in smokey_test_list when selected */
	} __reserved;
};

/* Argument descriptors, for SMOKEY_ARGLIST(). */
#define __SMOKEY_ARG(__name, __parser) \
	{ .name = #__name, .parser = (__parser), .matched = 0 }
/* name=<n> (decimal, may be negative) */
#define SMOKEY_INT(__name)	__SMOKEY_ARG(__name, smokey_int)
/* name, or name=<n> (true if n != 0) */
#define SMOKEY_BOOL(__name)	__SMOKEY_ARG(__name, smokey_bool)
/* name=<text> */
#define SMOKEY_STRING(__name)	__SMOKEY_ARG(__name, smokey_string)
/* name=<n>[k|m|g] (a size; 0 and malformed values do not count) */
#define SMOKEY_SIZE(__name)	__SMOKEY_ARG(__name, smokey_size)

#define SMOKEY_ARGLIST(__args...)	((struct smokey_arg[]){ __args })
#define SMOKEY_NOARGS			(((struct smokey_arg[]){ { .name = NULL } }))

/*
 * smokey_test_plugin(name, args, description) defines the test `name`:
 * the program provides
 *   static int run_<name>(struct smokey_test *t, int argc, char *const argv[])
 * returning 0 (passed), -ENOSYS (skipped) or a negative error code.
 */
#define smokey_test_plugin(__plugin, __args, __desc)			\
	static int run_ ## __plugin(struct smokey_test *t,		\
				    int argc, char *const argv[]);	\
	static struct smokey_test __plugin = {				\
		.name = #__plugin,					\
		.args = (__args),					\
		.nargs = sizeof(__args) / sizeof(struct smokey_arg),	\
		.description = (__desc),				\
		.run = run_ ## __plugin,				\
	};								\
	void smokey_plugin_ ## __plugin(void) __early_ctor;		\
	void smokey_plugin_ ## __plugin(void)				\
	{								\
		smokey_register_plugin(&(__plugin));			\
	}

/* The selected tests, in the order of the selection. */
#define for_each_smokey_test(__pos) \
	pvlist_for_each_entry((__pos), &smokey_test_list, __reserved.next)

/* The arguments of a test, by the test's variable and the argument's name. */
#define SMOKEY_ARG(__plugin, __arg)	  (smokey_lookup_arg(&(__plugin), #__arg))
#define SMOKEY_ARG_ISSET(__plugin, __arg)  (SMOKEY_ARG(__plugin, __arg)->matched)
#define SMOKEY_ARG_INT(__plugin, __arg)	  (SMOKEY_ARG(__plugin, __arg)->u.n_val)
#define SMOKEY_ARG_BOOL(__plugin, __arg)   (!!SMOKEY_ARG_INT(__plugin, __arg))
#define SMOKEY_ARG_STRING(__plugin, __arg) (SMOKEY_ARG(__plugin, __arg)->u.s_val)
#define SMOKEY_ARG_SIZE(__plugin, __arg)   (SMOKEY_ARG(__plugin, __arg)->u.l_val)

/* The same, by test pointer and name string. */
#define smokey_arg_isset(__t, __name)	(smokey_lookup_arg((__t), (__name))->matched)
#define smokey_arg_int(__t, __name)	(smokey_lookup_arg((__t), (__name))->u.n_val)
#define smokey_arg_bool(__t, __name)	(!!smokey_arg_int((__t), (__name)))
#define smokey_arg_string(__t, __name)	(smokey_lookup_arg((__t), (__name))->u.s_val)
#define smokey_arg_size(__t, __name)	(smokey_lookup_arg((__t), (__name))->u.l_val)

/* "<file>:<line>, <message>" on stderr (unless smokey_verbose_mode is 0) */
#define smokey_warning(__fmt, __args...) \
	__smokey_warning(__FILE__, __LINE__, __fmt, ##__args)

/* expr < 0: warns with strerror(errno), gives -errno; else gives expr */
#define smokey_check_errno(__expr)					\
	({								\
		int __sk_r = (__expr);					\
		if (__sk_r < 0) {					\
			__sk_r = -errno;				\
			smokey_warning("%s: %s", #__expr,		\
				       strerror(-__sk_r));		\
		}							\
		__sk_r;							\
	})

/* expr != 0 (a positive error code): warns, gives -expr; else 0 */
#define smokey_check_status(__expr)					\
	({								\
		int __sk_r = (__expr);					\
		if (__sk_r) {						\
			smokey_warning("%s: %s", #__expr,		\
				       strerror(__sk_r));		\
			__sk_r = -__sk_r;				\
		}							\
		__sk_r;							\
	})

/* expr false: warns; gives expr */
#define smokey_assert(__expr)						\
	({								\
		int __sk_r = (__expr);					\
		if (!__sk_r)						\
			smokey_warning("assertion failed: %s", #__expr); \
		__sk_r;							\
	})

/*
 * The checks of Xenomai's tests; each is true when the check passed and
 * warns "FAILED: <action> (=<result>)" when it did not.
 *
 * __T(ret, action): passes if action gives 0; a positive result (an
 *   error code) is stored negated in ret.
 * __F(ret, action): passes if action gives non-zero (stored negated if
 *   positive).
 * __Terrno(ret, action): passes if action gives 0; otherwise ret = -errno.
 * __Tassert(expr), __Fassert(expr): pass if expr is true, false.
 */
#define __T(__ret, __action)						\
	({								\
		(__ret) = (__action);					\
		if (__ret) {						\
			if ((__ret) > 0)				\
				(__ret) = -(__ret);			\
			smokey_warning("FAILED: %s (=%s)",		\
				       __stringify(__action),		\
				       symerror(__ret));		\
		}							\
		(__ret) == 0;						\
	})

#define __F(__ret, __action)						\
	({								\
		(__ret) = (__action);					\
		if ((__ret) == 0)					\
			smokey_warning("FAILED: %s (=0)",		\
				       __stringify(__action));		\
		else if ((__ret) > 0)					\
			(__ret) = -(__ret);				\
		(__ret) != 0;						\
	})

#define __Terrno(__ret, __action)					\
	({								\
		(__ret) = (__action);					\
		if (__ret) {						\
			(__ret) = -errno;				\
			smokey_warning("FAILED: %s (=%s)",		\
				       __stringify(__action),		\
				       symerror(__ret));		\
		}							\
		(__ret) == 0;						\
	})

#define __Tassert(__expr)						\
	({								\
		int __sk_r = !!(__expr);				\
		if (!__sk_r)						\
			smokey_warning("FAILED: %s (=false)",		\
				       __stringify(__expr));		\
		__sk_r;							\
	})

#define __Fassert(__expr)						\
	({								\
		int __sk_r = !!(__expr);				\
		if (__sk_r)						\
			smokey_warning("FAILED: %s (=true)",		\
				       __stringify(__expr));		\
		!__sk_r;						\
	})

/* A one-shot gate: waiters block until smokey_barrier_release(). */
struct smokey_barrier {
	pthread_mutex_t lock;
	pthread_cond_t barrier;
	int signaled;
};

#ifdef __cplusplus
extern "C" {
#endif

void smokey_register_plugin(struct smokey_test *t);

int smokey_int(const char *s, struct smokey_arg *arg);
int smokey_bool(const char *s, struct smokey_arg *arg);
int smokey_string(const char *s, struct smokey_arg *arg);
int smokey_size(const char *s, struct smokey_arg *arg);

/* The argument of t called name; a missing one is a bug: panic(). */
struct smokey_arg *smokey_lookup_arg(struct smokey_test *t, const char *name);

/*
 * Sets each argument of t from the first of argv[1..argc-1] that sets it
 * (arg->matched tells which did); returns how many were set.
 */
int smokey_parse_args(struct smokey_test *t, int argc, char *const argv[]);

/*
 * stdout, with a newline: smokey_note() if smokey_verbose_mode >= 1,
 * smokey_trace() and smokey_vatrace() if it is >= 2. No format
 * attribute, as in Xenomai: its spitest passes size_t to %u, and
 * programs built with -Wall -Werror there must build here.
 */
void smokey_vatrace(const char *fmt, va_list ap);
void smokey_trace(const char *fmt, ...);
void smokey_note(const char *fmt, ...);
void __smokey_warning(const char *file, int lineno, const char *fmt, ...);

int smokey_barrier_init(struct smokey_barrier *b);
void smokey_barrier_destroy(struct smokey_barrier *b);
int smokey_barrier_wait(struct smokey_barrier *b);
int smokey_barrier_timedwait(struct smokey_barrier *b, struct timespec *ts);
void smokey_barrier_release(struct smokey_barrier *b);

/* Runs path with argv[0] = arg; its exit status (1 if it was killed). */
int smokey_fork_exec(const char *path, const char *arg);
/* modprobe name unless loaded (silent: no modprobe messages); name may be
 * an alias (xeno_rtdmtest). smokey_rmmod() unloads what smokey_modprobe()
 * loaded under that name, waiting up to 2 s for a module still in use.
 * 0 or a negative error code. */
int smokey_modprobe(const char *name, bool silent);
int smokey_rmmod(const char *name);
/* Runs "<dir>/<name> <args>" through the shell, *test_ret = its status;
 * notes "<name> OK" or "test <name> failed: <status>"; returns 0 with
 * smokey_keep_going, else the status. */
int smokey_run_extprog(const char *dir, const char *name, const char *args,
		       int *test_ret);

#ifdef __cplusplus
}
#endif

extern struct pvlistobj smokey_test_list;
extern int smokey_keep_going;
extern int smokey_verbose_mode;
extern int smokey_on_vm;

#endif /* _RTDM_SMOKEY_SMOKEY_H */
