// SPDX-License-Identifier: GPL-2.0
/*
 * smokey-selftest: a smokey test program written the way Xenomai 3's
 * testsuite programs are (smokey_test_plugin(), SMOKEY_ARGLIST(),
 * smokey_parse_args(), __T() & co, a main() walking
 * for_each_smokey_test()), built with `rtdm-config --skin=posix
 * --skin=smokey` flags only. tests/test_smokey.py drives it:
 *
 *   args      prints the arguments it parsed: "args: <name>=<set>:<value> ..."
 *   argv      prints what main() received and libsmokey's settings
 *   pass      checks that pass with __T, __F, __Terrno, __Tassert, __Fassert
 *   fail_t    __T on a call returning EDEADLK: fails with -EDEADLK
 *   fail_terrno  __Terrno on close(-1): fails with -EBADF
 *   fail_tassert __Tassert on a false comparison: fails with -EINVAL
 *   fail_f    __F on a call returning 0: fails with -EPROTO
 *   skipped   no kernel support: -ENOSYS
 *   iddp      an IDDP datagram to itself through RTDM, checked with
 *             __Terrno/__Tassert (skipped without rtipc.ko)
 *   bufp_wait a BUFP socket connected to a port not bound yet, as
 *             Xenomai's bufp plugin's client may be: select() for
 *             writing returns once a server binds the port (within 2 s)
 */
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <smokey/smokey.h>
#include <rtdm/ipc.h>

smokey_test_plugin(args,
		   SMOKEY_ARGLIST(
			   SMOKEY_INT(count),
			   SMOKEY_BOOL(flag),
			   SMOKEY_STRING(label),
			   SMOKEY_SIZE(bytes),
		   ),
		   "Parse arguments.\n"
		   "\tcount=<n>, flag[=<n>], label=<text>, bytes=<size>"
);

smokey_test_plugin(argv, SMOKEY_NOARGS, "Print main()'s arguments.");
smokey_test_plugin(pass, SMOKEY_NOARGS, "Checks that pass.");
smokey_test_plugin(fail_t, SMOKEY_NOARGS, "__T() failing.");
smokey_test_plugin(fail_terrno, SMOKEY_NOARGS, "__Terrno() failing.");
smokey_test_plugin(fail_tassert, SMOKEY_NOARGS, "__Tassert() failing.");
smokey_test_plugin(fail_f, SMOKEY_NOARGS, "__F() failing.");
smokey_test_plugin(skipped, SMOKEY_NOARGS, "Needs what is not there.");
smokey_test_plugin(iddp, SMOKEY_NOARGS, "An IDDP datagram to itself.");
smokey_test_plugin(bufp_wait, SMOKEY_NOARGS, "Writable once the peer binds.");

static int run_args(struct smokey_test *t, int argc, char *const argv[])
{
	int n = smokey_parse_args(t, argc, argv);

	printf("args: matched=%d count=%d:%d flag=%d:%d label=%d:%s bytes=%d:%zu\n",
	       n,
	       SMOKEY_ARG_ISSET(args, count),
	       SMOKEY_ARG_ISSET(args, count) ? SMOKEY_ARG_INT(args, count) : 0,
	       SMOKEY_ARG_ISSET(args, flag),
	       SMOKEY_ARG_ISSET(args, flag) ? SMOKEY_ARG_BOOL(args, flag) : 0,
	       smokey_arg_isset(t, "label"),
	       smokey_arg_isset(t, "label") ? smokey_arg_string(t, "label") : "-",
	       SMOKEY_ARG_ISSET(args, bytes),
	       SMOKEY_ARG_ISSET(args, bytes) ? SMOKEY_ARG_SIZE(args, bytes) : 0);
	return 0;
}

static int run_argv(struct smokey_test *t, int argc, char *const argv[])
{
	int n;

	printf("argv: %s: argc=%d", t->name, argc);
	for (n = 1; n < argc; n++)
		printf(" [%s]", argv[n]);
	printf(" verbose=%d keep_going=%d vm=%d\n", smokey_verbose_mode,
	       smokey_keep_going, smokey_on_vm);
	smokey_trace("argv: a trace");
	return 0;
}

static int returns(int v)
{
	return v;
}

static int run_pass(struct smokey_test *t, int argc, char *const argv[])
{
	int ret, fd;

	(void)t;
	(void)argc;
	(void)argv;
	fd = dup(1);
	if (!__Tassert(fd >= 0))
		return -EBADF;
	if (!__Terrno(ret, close(fd)))
		return ret;
	if (!__T(ret, returns(0)))
		return ret;
	if (!__F(ret, returns(EAGAIN)) || !__Tassert(ret == -EAGAIN))
		return -EINVAL;
	if (!__Fassert(fd < 0))
		return -EINVAL;
	return 0;
}

static int run_fail_t(struct smokey_test *t, int argc, char *const argv[])
{
	int ret;

	(void)t;
	(void)argc;
	(void)argv;
	if (!__T(ret, pthread_join(pthread_self(), NULL)))
		return ret;
	return 0;
}

static int run_fail_terrno(struct smokey_test *t, int argc, char *const argv[])
{
	int ret;

	(void)t;
	(void)argc;
	(void)argv;
	if (!__Terrno(ret, close(-1)))
		return ret;
	return 0;
}

static int run_fail_tassert(struct smokey_test *t, int argc, char *const argv[])
{
	(void)t;
	(void)argc;
	(void)argv;
	if (!__Tassert(returns(1) == 2))
		return -EINVAL;
	return 0;
}

static int run_fail_f(struct smokey_test *t, int argc, char *const argv[])
{
	int ret;

	(void)t;
	(void)argc;
	(void)argv;
	if (!__F(ret, returns(0)))
		return -EPROTO;
	return 0;
}

static int run_skipped(struct smokey_test *t, int argc, char *const argv[])
{
	(void)t;
	(void)argc;
	(void)argv;
	return -ENOSYS;
}

static int run_iddp(struct smokey_test *t, int argc, char *const argv[])
{
	struct sockaddr_ipc addr = { .sipc_family = AF_RTIPC, .sipc_port = -1 };
	socklen_t len = sizeof(addr);
	long out = 0x5a5a, in = 0;
	int s, ret;

	(void)t;
	(void)argc;
	(void)argv;
	s = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_IDDP);
	if (s < 0)
		return errno == EAFNOSUPPORT ? -ENOSYS : -errno;
	if (!__Terrno(ret, bind(s, (struct sockaddr *)&addr, sizeof(addr))) ||
	    !__Terrno(ret, getsockname(s, (struct sockaddr *)&addr, &len)))
		goto out;
	smokey_trace("iddp: bound to port %d", addr.sipc_port);
	ret = sendto(s, &out, sizeof(out), 0, (struct sockaddr *)&addr, sizeof(addr));
	if (!__Tassert(ret == sizeof(out))) {
		ret = -EPROTO;
		goto out;
	}
	ret = recvfrom(s, &in, sizeof(in), MSG_DONTWAIT, NULL, NULL);
	if (!__Tassert(ret == sizeof(in)) || !__Tassert(in == out)) {
		ret = -EPROTO;
		goto out;
	}
	ret = 0;
out:
	close(s);
	return ret;
}

#define BUFP_WAIT_PORT 21

static void *bind_later(void *arg)
{
	struct sockaddr_ipc addr = {
		.sipc_family = AF_RTIPC, .sipc_port = BUFP_WAIT_PORT
	};
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 300000000 };

	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	if (bind(*(int *)arg, (struct sockaddr *)&addr, sizeof(addr)))
		return (void *)(long)-errno;
	return NULL;
}

static int run_bufp_wait(struct smokey_test *t, int argc, char *const argv[])
{
	struct sockaddr_ipc addr = {
		.sipc_family = AF_RTIPC, .sipc_port = BUFP_WAIT_PORT
	};
	struct timeval tv = { .tv_sec = 3 };
	struct timespec t0, t1;
	size_t bufsz = 4096;
	long data = 42, in = 0;
	int sv, cl, ret, n;
	pthread_t tid;
	void *status;
	fd_set set;

	(void)t;
	(void)argc;
	(void)argv;
	sv = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_BUFP);
	if (sv < 0)
		return errno == EAFNOSUPPORT ? -ENOSYS : -errno;
	cl = socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_BUFP);
	if (!__Tassert(cl >= 0)) {
		close(sv);
		return -errno;
	}
	if (!__Terrno(ret, setsockopt(sv, SOL_BUFP, BUFP_BUFSZ, &bufsz, sizeof(bufsz))) ||
	    !__Terrno(ret, connect(cl, (struct sockaddr *)&addr, sizeof(addr))) ||
	    !__T(ret, pthread_create(&tid, NULL, bind_later, &sv)))
		goto out;
	FD_ZERO(&set);
	FD_SET(cl, &set);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = select(cl + 1, NULL, &set, NULL, &tv);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	smokey_trace("bufp_wait: select() = %d after %lld ms", n,
		     (timespec_scalar(&t1) - timespec_scalar(&t0)) / 1000000);
	pthread_join(tid, &status);
	/* not at the timeout (select() then polls once more) */
	if (!__Tassert(status == NULL) || !__Tassert(n == 1) ||
	    !__Tassert(timespec_scalar(&t1) - timespec_scalar(&t0) < 2000000000LL)) {
		ret = status ? (int)(long)status : -ETIMEDOUT;
		goto out;
	}
	n = write(cl, &data, sizeof(data));
	if (!__Tassert(n == sizeof(data)) ||
	    !__Tassert(read(sv, &in, sizeof(in)) == sizeof(in)) ||
	    !__Tassert(in == data))
		ret = -EPROTO;
out:
	close(cl);
	close(sv);
	return ret;
}

int main(int argc, char *const argv[])
{
	struct smokey_test *t;
	int ret, fails = 0;

	if (pvlist_empty(&smokey_test_list))
		return 0;

	for_each_smokey_test(t) {
		smokey_trace("\n===  running %s ===\n", t->name);
		ret = t->run(t, argc, argv);
		if (ret) {
			if (ret == -ENOSYS) {
				smokey_note("%s skipped (no kernel support)", t->name);
				continue;
			}
			fails++;
			if (smokey_verbose_mode)
				smokey_note("test %s failed: %d", t->name, -ret);
			if (smokey_keep_going)
				continue;
			return 1;
		}
		smokey_note("%s OK", t->name);
	}

	return fails != 0;
}
