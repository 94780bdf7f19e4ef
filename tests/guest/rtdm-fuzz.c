// SPDX-License-Identifier: GPL-2.0
/*
 * rtdm-fuzz: bad input for every RTDM device of the running system.
 *
 *   rtdm-fuzz [-s seed] [-n iterations] [-t seconds] [-x path]... [-v]
 *
 * Targets: every character device below /dev/rtdm (walked recursively),
 * every /dev/rtpN, and sockets of every protocol device listed in
 * /proc/rtdm/devices (family:type column; protocols 0..3), minus the
 * paths given with -x. Each iteration picks a target (opening it again if
 * it was closed) and issues one call on it, chosen with the seed:
 *
 *   ioctl_known    an ioctl number of include/rtdm/uapi/ (all families,
 *                  generated from the headers) with a NULL, unmapped,
 *                  kernel, unaligned, read-only, small-integer or valid
 *                  argument of a random size, holding random bytes
 *   ioctl_size     the same numbers with their size or direction bits
 *                  changed
 *   ioctl_unknown  numbers of the known types with unknown command
 *                  numbers, and random numbers
 *   read, write    random lengths and buffers
 *   sendmsg, recvmsg  the _RTIOC_SENDMSG/_RTIOC_RECVMSG ioctls with random
 *                  message headers (names, iovecs, control data) and flags
 *   poll           random events, short timeouts
 *   mmap           random lengths, offsets, protections; the mapping's
 *                  first and last bytes are touched, faults are counted
 *   dup_close      dup() of the fd, one of the two closed
 *   close_blocked  a thread blocks in a call on the fd (no timeout),
 *                  this thread closes the fd: the call must return
 *   fork           a child makes calls on the inherited fds and closes
 *                  some; the parent goes on, and once the child is gone
 *                  checks that its own fds still answer RTIOC_DEVICE_INFO
 *
 * A third of the calls run with SCHED_FIFO, to reach the real-time
 * handlers. The seed fixes the choices and arguments of every iteration:
 * each draws from streams of its own (iter_rng()), so an outcome that
 * depends on timing (an open refused, a descriptor the watchdog closed)
 * skips a call at most and shifts nothing after it. -v traces, on stderr,
 * "<pid> #<iteration> <target> <kind>[ rt]" for each iteration of the
 * parent and "<pid> <call>" for each call.
 *
 * Short timeouts are set where the ABI has them (SO_RCVTIMEO/SO_SNDTIMEO
 * on sockets, rtser timeouts), and most socket calls carry MSG_DONTWAIT,
 * but random arguments may still ask for a long wait. A watchdog thread
 * therefore sends SIGUSR1 (no SA_RESTART) to a call still running after
 * 200 ms, repeats it every 500 ms, closes the call's fd after 1 s, and
 * declares the call hung after 12 s (the longest wait the test driver
 * accepts, rttst_sleep's busy 10 s, plus margin). The calls that needed
 * the signal are listed under "interrupted"; a hung call is printed under
 * "hung" and the program exits at once with status 3.
 *
 * Output: one JSON object on stdout (seed, iterations, calls per target,
 * per kind, errno names with counts overall and per kind, interrupted and
 * hung calls, fork checks). Exit status 0 when the run completed, 3 on a
 * hang, 2 on usage errors, 1 when no target could be found.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <rtdm/rtdm.h>
/* generated: includes every uapi header, defines RTDM_FUZZ_IOCTLS */
#include "rtdm-fuzz-ioctls.h"

#define MS			1000000LL
#define SIG_NS			(200 * MS)	/* first SIGUSR1 */
#define RESIG_NS		(500 * MS)	/* then every */
#define CLOSE_NS		(1000 * MS)	/* close the call's fd */
#define HANG_NS			(12000 * MS)	/* hung */
#define BLOCKER_SIG_NS		(1500 * MS)	/* close_blocked: close must do it */
#define CALM_TIMEOUT_NS		(20 * MS)

#define MAX_TARGETS		128
#define MAX_ERRNO		600	/* >= 512: kernel-internal codes */
#define MAX_RECORDS		32
#define DESC_LEN		200
#define CHILD_CALLS_MAX		24

struct ioctl_def {
	const char *name;
	const char *header;
	unsigned long cmd;
};

static const struct ioctl_def known[] = {
#define X(n, h) { #n, h, (unsigned long)(n) },
	RTDM_FUZZ_IOCTLS
#undef X
};
#define NKNOWN	(sizeof(known) / sizeof(known[0]))

enum kind {
	K_OPEN, K_IOCTL_KNOWN, K_IOCTL_SIZE, K_IOCTL_UNKNOWN, K_READ, K_WRITE,
	K_SENDMSG, K_RECVMSG, K_POLL, K_MMAP, K_DUP_CLOSE, K_CLOSE_BLOCKED,
	K_FORK, K_NR
};

static const char *const kind_names[K_NR] = {
	"open", "ioctl_known", "ioctl_size", "ioctl_unknown", "read", "write",
	"sendmsg", "recvmsg", "poll", "mmap", "dup_close", "close_blocked",
	"fork",
};

/* weights of the kinds drawn per iteration (K_OPEN is implicit) */
static const unsigned int kind_weight[K_NR] = {
	[K_IOCTL_KNOWN] = 30, [K_IOCTL_SIZE] = 8, [K_IOCTL_UNKNOWN] = 8,
	[K_READ] = 8, [K_WRITE] = 8, [K_SENDMSG] = 8, [K_RECVMSG] = 8,
	[K_POLL] = 5, [K_MMAP] = 5, [K_DUP_CLOSE] = 3, [K_CLOSE_BLOCKED] = 2,
	[K_FORK] = 1,
};

struct record {
	char desc[DESC_LEN];
	pid_t pid;
	int err;
	int64_t ns;
};

/* A call in progress, watched by the watchdog (shared with children). */
struct slot {
	pthread_mutex_t lock;
	pid_t pid, tid;
	int fd;
	int may_close;
	int64_t start_ns;	/* 0: idle */
	int64_t sig_ns;
	int sigs, closed, hung;
	char desc[DESC_LEN];
};

enum { SLOT_MAIN, SLOT_BLOCKER, SLOT_CHILD, NSLOTS };

/* Everything counted, in MAP_SHARED memory: children count here too. */
struct stats {
	uint64_t calls;
	uint64_t by_kind[K_NR];
	uint64_t by_target[MAX_TARGETS];
	uint64_t err[K_NR][MAX_ERRNO + 1];	/* [k][0]: success */
	uint64_t err_big[K_NR];			/* errno > MAX_ERRNO */
	uint64_t rt_calls;
	uint64_t mmap_ok, mmap_fault;
	uint64_t forks, fork_checks, fork_bad, children_failed;
	uint64_t blocked_unblocked_by_close;
	int nint, nhung, nbad, nodd;
	struct record interrupted[MAX_RECORDS];
	struct record hung[MAX_RECORDS];
	struct record fork_bad_rec[MAX_RECORDS];
	struct record odd[MAX_RECORDS];		/* errno >= 512 */
	struct slot slots[NSLOTS];
	pthread_mutex_t rec_lock;
};

enum tkind { T_NAMED, T_PIPE, T_PROTO };

struct target {
	char path[160];
	enum tkind kind;
	int family, type, proto;
	int fd;
	int gen;		/* bumped on every open */
	int dev_class;
	int disabled;
	uint64_t opens, open_fail;
};

static struct stats *st;
static struct target targets[MAX_TARGETS];
static int ntargets;
static uint64_t seed;
static int verbose;
static int in_child;
static int64_t t_start;
static unsigned long iterations_done;

/* ------------------------------------------------------------------ */
/* random numbers: splitmix64, one stream per process/thread           */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * The streams of iteration @i of the parent's loop (@stream 0: which
 * target, kind and policy; 1: how it is opened; 2: the call's arguments).
 * Each is a function of the seed and @i alone, so what one call returned
 * (an open refused while a child holds an exclusive device, a descriptor
 * the watchdog closed) changes nothing that a later iteration draws.
 */
static struct rng iter_rng(unsigned long i, unsigned int stream)
{
	struct rng h = { (uint64_t)i * 4 + stream };
	struct rng r = { seed ^ rnd(&h) };

	return r;
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static int chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

/* ------------------------------------------------------------------ */
/* memory the arguments point to                                      */

static long page;
static uint8_t *arena;		/* 4 RW pages + 1 PROT_NONE guard page */
static uint8_t *big;		/* 1 MiB RW */
static uint8_t *rdonly;		/* 1 page, PROT_READ */
static uint8_t *hole;		/* 16 pages PROT_NONE: "unmapped", never reused */
#define ARENA_PAGES	4
#define BIG_LEN		(1 << 20)
#define HOLE_PAGES	16

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uintptr_t kernel_addr(struct rng *r)
{
	if (sizeof(void *) == 8)
		return chance(r, 50) ? (uintptr_t)0xffff888000000000ULL :
			(uintptr_t)0xffffffff81000000ULL;
	return chance(r, 50) ? (uintptr_t)0xc0008000UL : (uintptr_t)0xbf000000UL;
}

static uintptr_t hole_addr(struct rng *r)
{
	return (uintptr_t)hole + below(r, HOLE_PAGES * page);
}

/*
 * Random words that fall in the user address range are replaced by
 * addresses in the hole: a driver writing through a pointer embedded in
 * an argument block must never scribble over the fuzzer itself.
 */
static void sanitize(void *buf, size_t len, struct rng *r)
{
	uintptr_t *w = buf;
	size_t i, n = len / sizeof(*w);
	uintptr_t top = sizeof(void *) == 8 ? (uintptr_t)0x800000000000ULL :
		(uintptr_t)0xc0000000UL;

	if ((uintptr_t)buf % sizeof(*w))
		return;
	for (i = 0; i < n; i++)
		if (w[i] >= 0x10000 && w[i] < top &&
		    !((uint8_t *)w[i] >= arena &&
		      (uint8_t *)w[i] < arena + ARENA_PAGES * page))
			w[i] = hole_addr(r);
}

static uint32_t interesting32(struct rng *r)
{
	static const uint32_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 64, 100, 255, 256, 1000,
		4096, 65535, 65536, 1000000, 10000000, 0x7fffffff, 0x80000000,
		0xffffffff, 0xfffffffe, 0x7ffffffe,
	};

	return v[below(r, sizeof(v) / sizeof(v[0]))];
}

static void fill(void *buf, size_t len, struct rng *r)
{
	uint8_t *b = buf;
	size_t i;

	switch (below(r, 10)) {
	case 0:
		memset(b, 0, len);
		break;
	case 1:
		memset(b, 0xff, len);
		break;
	case 2: case 3: case 4:
		for (i = 0; i + 4 <= len; i += 4) {
			uint32_t v = interesting32(r);

			memcpy(b + i, &v, 4);
		}
		for (; i < len; i++)
			b[i] = (uint8_t)rnd(r);
		/* now and then a valid pointer into the arena */
		if (len >= sizeof(void *) && chance(r, 50)) {
			uintptr_t p = (uintptr_t)arena + below(r, ARENA_PAGES * page);
			size_t at = below(r, len / sizeof(void *)) * sizeof(void *);

			memcpy(b + at, &p, sizeof(p));
		}
		break;
	default:
		for (i = 0; i < len; i++)
			b[i] = (uint8_t)rnd(r);
		break;
	}
	sanitize(b, len, r);
}

enum ptr_mode {
	P_NULL, P_HOLE, P_KERNEL, P_UNALIGNED, P_GUARDED, P_RDONLY, P_SMALL,
	P_BIG, P_TOP, P_NR, P_SOCK = P_NR
};

static const char *const ptr_names[P_NR + 1] = {
	"null", "unmapped", "kernel", "unaligned", "guarded", "rdonly",
	"small", "big", "top", "sockargs",
};

/*
 * An argument pointer for @len bytes, filled with random content where it
 * is writable. "guarded" places the @len bytes right before the guard page,
 * so a driver touching more than @len bytes faults.
 */
static void *arg_ptr(struct rng *r, size_t len, enum ptr_mode *mode)
{
	enum ptr_mode m;
	uint8_t *p;
	size_t room = ARENA_PAGES * page;

	m = chance(r, 50) ? P_GUARDED : (enum ptr_mode)below(r, P_NR);
	if ((m == P_GUARDED || m == P_UNALIGNED) && len > room - 8)
		m = P_BIG;
	if (m == P_BIG && len > BIG_LEN)
		m = P_HOLE;
	*mode = m;
	switch (m) {
	case P_NULL:
		return NULL;
	case P_HOLE:
		return (void *)hole_addr(r);
	case P_KERNEL:
		return (void *)kernel_addr(r);
	case P_UNALIGNED:
		p = arena + 1 + below(r, 7);
		fill(p, len, r);
		return p;
	case P_GUARDED:
		p = arena + room - len;
		fill(p, len, r);
		return p;
	case P_RDONLY:
		return rdonly + (chance(r, 50) ? 0 : below(r, page));
	case P_SMALL:
		return (void *)(uintptr_t)(1 + below(r, 4096));
	case P_BIG:
		fill(big, len, r);
		return big;
	case P_TOP:
	default:
		return (void *)(uintptr_t)((sizeof(void *) == 8 ?
					    0x7ffffffff000ULL : 0xbffff000ULL) -
					   below(r, 64));
	}
}

static size_t rand_len(struct rng *r)
{
	switch (below(r, 8)) {
	case 0:
		return 0;
	case 1:
		return 1 + below(r, 16);
	case 2:
		return 1 + below(r, 512);
	case 3:
		return page;
	case 4:
		return below(r, ARENA_PAGES * page);
	case 5:
		return below(r, BIG_LEN);
	case 6:
		return (size_t)interesting32(r);
	default:
		return (size_t)rnd(r) >> (below(r, 2) ? 1 : 0);
	}
}

/* ------------------------------------------------------------------ */
/* calls under the watchdog                                           */

static void record(struct record *tab, int *n, const char *desc, int err,
		   int64_t ns)
{
	struct record *rec;

	pthread_mutex_lock(&st->rec_lock);
	if (*n < MAX_RECORDS) {
		rec = &tab[(*n)++];
		snprintf(rec->desc, sizeof(rec->desc), "%s", desc);
		rec->pid = getpid();
		rec->err = err;
		rec->ns = ns;
	}
	pthread_mutex_unlock(&st->rec_lock);
}

static struct slot *my_slot(int which)
{
	return &st->slots[in_child ? SLOT_CHILD : which];
}

static void begin(struct slot *s, int fd, int may_close, int64_t sig_ns,
		  const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&s->lock);
	va_start(ap, fmt);
	vsnprintf(s->desc, sizeof(s->desc), fmt, ap);
	va_end(ap);
	s->pid = getpid();
	s->tid = (pid_t)syscall(SYS_gettid);
	s->fd = fd;
	s->may_close = may_close;
	s->sig_ns = sig_ns;
	s->sigs = 0;
	s->closed = 0;
	s->hung = 0;
	__atomic_store_n(&s->start_ns, now_ns(), __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->lock);
	if (verbose)
		fprintf(stderr, "%d %s\n", (int)getpid(), s->desc);
}

/*
 * End of the call begun on @s: counts it. Returns 1 when the watchdog
 * closed the fd (the caller forgets it).
 */
static int end(struct slot *s, struct target *t, enum kind k, long ret, int err)
{
	int64_t ns;
	int closed;

	pthread_mutex_lock(&s->lock);
	ns = now_ns() - s->start_ns;
	__atomic_store_n(&s->start_ns, 0, __ATOMIC_RELEASE);
	closed = s->closed;
	if (s->sigs)
		record(st->interrupted, &st->nint, s->desc, ret < 0 ? err : 0, ns);
	pthread_mutex_unlock(&s->lock);

	__atomic_fetch_add(&st->calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&st->by_kind[k], 1, __ATOMIC_RELAXED);
	if (t)
		__atomic_fetch_add(&st->by_target[t - targets], 1, __ATOMIC_RELAXED);
	if (ret >= 0)
		__atomic_fetch_add(&st->err[k][0], 1, __ATOMIC_RELAXED);
	else if (err > 0 && err <= MAX_ERRNO)
		__atomic_fetch_add(&st->err[k][err], 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&st->err_big[k], 1, __ATOMIC_RELAXED);
	if (ret < 0 && err >= 512)
		record(st->odd, &st->nodd, s->desc, err, ns);
	return closed;
}

static void print_json(void);

static void *watchdog(void *arg)
{
	struct timespec tick = { 0, 10 * MS };
	int i;

	(void)arg;
	for (;;) {
		nanosleep(&tick, NULL);
		for (i = 0; i < NSLOTS; i++) {
			struct slot *s = &st->slots[i];
			int64_t start = __atomic_load_n(&s->start_ns, __ATOMIC_ACQUIRE);
			int64_t el;

			if (!start)
				continue;
			pthread_mutex_lock(&s->lock);
			el = s->start_ns ? now_ns() - s->start_ns : 0;
			if (el && el > s->sig_ns + (int64_t)s->sigs * RESIG_NS) {
				syscall(SYS_tgkill, s->pid, s->tid, SIGUSR1);
				s->sigs++;
			}
			if (el > CLOSE_NS && !s->closed && s->may_close &&
			    s->fd >= 0 && s->pid == getpid()) {
				s->closed = 1;
				rtdm_close(s->fd);
			}
			if (el > HANG_NS && !s->hung) {
				s->hung = 1;
				record(st->hung, &st->nhung, s->desc, 0, el);
				pthread_mutex_unlock(&s->lock);
				print_json();
				fflush(stdout);
				_exit(3);
			}
			pthread_mutex_unlock(&s->lock);
		}
	}
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static __thread sigjmp_buf fault_jmp;
static __thread volatile int fault_armed;

static void on_fault(int sig)
{
	if (fault_armed) {
		fault_armed = 0;
		siglongjmp(fault_jmp, 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ------------------------------------------------------------------ */
/* targets                                                            */

static char *excluded[32];
static int nexcluded;

static int is_excluded(const char *path)
{
	int i;

	for (i = 0; i < nexcluded; i++)
		if (!strcmp(excluded[i], path))
			return 1;
	return 0;
}

static struct target *add_target(const char *path, enum tkind kind)
{
	struct target *t;

	if (ntargets >= MAX_TARGETS || is_excluded(path))
		return NULL;
	t = &targets[ntargets++];
	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->kind = kind;
	t->fd = -1;
	t->dev_class = -1;
	return t;
}

static void walk(const char *dir)
{
	struct dirent **ents;
	char path[160];
	struct stat sb;
	int i, n;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] == '.') {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%.80s/%.70s", dir, ents[i]->d_name);
		free(ents[i]);
		if (lstat(path, &sb))
			continue;
		if (S_ISDIR(sb.st_mode))
			walk(path);
		else if (S_ISCHR(sb.st_mode))
			add_target(path, T_NAMED);
	}
	free(ents);
}

static void find_targets(void)
{
	char line[512], name[64], proto[32];
	glob_t g;
	size_t i;
	FILE *f;
	int p;

	walk("/dev/rtdm");
	if (!glob("/dev/rtp[0-9]*", 0, NULL, &g)) {
		for (i = 0; i < g.gl_pathc; i++)
			add_target(g.gl_pathv[i], T_PIPE);
		globfree(&g);
	}
	f = fopen("/proc/rtdm/devices", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int fam, type;
		char *last;

		if (line[0] == '#' || sscanf(line, "%63s", name) != 1)
			continue;
		line[strcspn(line, "\n")] = 0;
		last = strrchr(line, ' ');
		if (!last || sscanf(last + 1, "%d:%d", &fam, &type) != 2)
			continue;
		for (p = 0; p < 4; p++) {
			struct target *t;

			snprintf(proto, sizeof(proto), "%d:%d:%d", fam, type, p);
			snprintf(line, sizeof(line), "socket:%s/%s", name, proto);
			t = add_target(line, T_PROTO);
			if (t) {
				t->family = fam;
				t->type = type;
				t->proto = p;
			}
		}
	}
	fclose(f);
}

static long sys_ioctl(int fd, unsigned long cmd, void *arg)
{
	return syscall(SYS_ioctl, fd, cmd, arg);
}

/* Short timeouts where the ABI has them. */
static void calm(struct target *t)
{
	if (t->kind == T_PROTO) {
		/*
		 * RTIPC takes a struct timeval, as Xenomai's does; the test
		 * protocol an RTDM nanosecs_rel_t (it refuses a timeval with
		 * EINVAL, and its receives then block without a limit).
		 */
		struct timeval tv = { 0, CALM_TIMEOUT_NS / 1000 };
		nanosecs_rel_t ns = CALM_TIMEOUT_NS;
		struct _rtdm_setsockopt_args a = {
			.level = SOL_SOCKET, .optval = &tv, .optlen = sizeof(tv),
		};

		if (t->family != AF_RTIPC) {
			a.optval = &ns;
			a.optlen = sizeof(ns);
		}

		a.optname = SO_RCVTIMEO;
		sys_ioctl(t->fd, _RTIOC_SETSOCKOPT, &a);
		a.optname = SO_SNDTIMEO;
		sys_ioctl(t->fd, _RTIOC_SETSOCKOPT, &a);
	} else if (t->dev_class == RTDM_CLASS_SERIAL) {
		struct rtser_config c;

		memset(&c, 0, sizeof(c));
		c.config_mask = RTSER_SET_TIMEOUT_RX | RTSER_SET_TIMEOUT_TX |
			RTSER_SET_TIMEOUT_EVENT;
		c.rx_timeout = c.tx_timeout = c.event_timeout = CALM_TIMEOUT_NS;
		sys_ioctl(t->fd, RTSER_RTIOC_SET_CONFIG, &c);
	} else if (t->dev_class == RTDM_CLASS_TESTING) {
		struct rttst_rw_info rw;

		memset(&rw, 0, sizeof(rw));
		rw.read_timeout_ns = CALM_TIMEOUT_NS;
		sys_ioctl(t->fd, RTTST_RTIOC_RW_CONFIG, &rw);
	}
}

static void open_target(struct target *t, struct rng *r)
{
	struct slot *s = my_slot(SLOT_MAIN);
	struct rtdm_device_info info;
	int fd, flags, err;

	t->opens++;
	if (t->kind == T_PROTO) {
		flags = chance(r, 30) ? SOCK_NONBLOCK : 0;
		begin(s, -1, 0, SIG_NS, "rtdm_socket(%d, %d|%#x, %d) [%s]",
		      t->family, t->type, flags, t->proto, t->path);
		fd = rtdm_socket(t->family, t->type | flags, t->proto);
	} else {
		/* an unbound /dev/rtpN open waits for its socket unless O_NONBLOCK */
		flags = O_RDWR;
		if (t->kind == T_PIPE || chance(r, 30))
			flags |= O_NONBLOCK;
		begin(s, -1, 0, SIG_NS, "open(%s, %#x)", t->path, flags);
		fd = rtdm_open(t->path, flags);
	}
	err = errno;
	end(s, t, K_OPEN, fd, err);
	if (fd < 0) {
		t->open_fail++;
		/* a protocol the device does not have: not tried again */
		if (err == EPROTONOSUPPORT && !t->gen)
			t->disabled = 1;
		return;
	}
	t->fd = fd;
	t->gen++;
	if (t->dev_class < 0 && t->kind == T_NAMED &&
	    !sys_ioctl(fd, RTIOC_DEVICE_INFO, &info))
		t->dev_class = info.device_class;
	calm(t);
}

static void close_target(struct target *t)
{
	if (t->fd >= 0)
		rtdm_close(t->fd);
	t->fd = -1;
}

/* ------------------------------------------------------------------ */
/* the calls                                                          */

static void set_rt(int on)
{
	struct sched_param sp = { .sched_priority = on ? 10 : 0 };

	pthread_setschedparam(pthread_self(), on ? SCHED_FIFO : SCHED_OTHER, &sp);
}

static void done(struct slot *s, struct target *t, enum kind k, long ret, int err)
{
	if (end(s, t, k, ret, err))
		t->fd = -1;
}

/* A socket address for @t: its family, a small port, random bytes after. */
static socklen_t sock_addr(struct target *t, struct rng *r, void *buf)
{
	struct sockaddr_ipc *sa = buf;
	socklen_t len;

	fill(buf, 64, r);
	if (t->family == AF_RTIPC) {
		sa->sipc_family = AF_RTIPC;
		sa->sipc_port = chance(r, 80) ? (int)below(r, RTIPC_NRPORT + 2) - 1 :
			(int)interesting32(r);
		len = sizeof(*sa);
	} else {
		((struct sockaddr *)buf)->sa_family = (sa_family_t)t->family;
		len = sizeof(struct sockaddr);
	}
	if (chance(r, 20))
		len = chance(r, 50) ? (socklen_t)below(r, len + 8) : interesting32(r);
	return len;
}

/*
 * Argument blocks of the RTDM socket ioctls that make sense to the
 * driver, with random values inside: NULL when @cmd is none of them.
 */
static void *sock_args(struct target *t, struct rng *r, unsigned long cmd, size_t *len)
{
	static union {
		struct _rtdm_setsockaddr_args sa;
		struct _rtdm_getsockaddr_args ga;
		struct _rtdm_setsockopt_args so;
		struct _rtdm_getsockopt_args go;
	} u;
	static const int levels[] = { SOL_SOCKET, SOL_XDDP, SOL_IDDP, SOL_BUFP };
	static const uint32_t optlens[] = { 0, 1, 4, 8, 16, 32, 64 };
	uint8_t *addr = arena + 1024, *val = arena + 2048;
	__u32 *lenp = (__u32 *)(arena + 3072);

	memset(&u, 0, sizeof(u));
	switch (cmd) {
	case _RTIOC_BIND: case _RTIOC_CONNECT:
		u.sa.addrlen = sock_addr(t, r, addr);
		u.sa.addr = chance(r, 90) ? (void *)addr : (void *)hole_addr(r);
		*len = sizeof(u.sa);
		break;
	case _RTIOC_GETSOCKNAME: case _RTIOC_GETPEERNAME: case _RTIOC_ACCEPT:
		*lenp = chance(r, 70) ? (__u32)below(r, 64) : interesting32(r);
		u.ga.addr = chance(r, 80) ? (void *)addr : (void *)kernel_addr(r);
		u.ga.addrlen = chance(r, 90) ? lenp : (__u32 *)hole_addr(r);
		*len = sizeof(u.ga);
		break;
	case _RTIOC_SETSOCKOPT: case _RTIOC_GETSOCKOPT:
		fill(val, 256, r);
		if (chance(r, 30))	/* a label */
			snprintf((char *)val, 32, "fuzz-%u", (unsigned int)below(r, 4));
		if (cmd == _RTIOC_SETSOCKOPT) {
			u.so.level = chance(r, 90) ? levels[below(r, 4)] : (int)rnd(r);
			u.so.optname = chance(r, 80) ? (int)below(r, 6) :
				(chance(r, 50) ? SO_RCVTIMEO : SO_SNDTIMEO);
			u.so.optval = chance(r, 90) ? (void *)val : (void *)hole_addr(r);
			u.so.optlen = chance(r, 80) ? optlens[below(r, 7)] : interesting32(r);
			*len = sizeof(u.so);
		} else {
			u.go.level = chance(r, 90) ? levels[below(r, 4)] : (int)rnd(r);
			u.go.optname = (int)below(r, 6);
			*lenp = chance(r, 80) ? optlens[below(r, 7)] : interesting32(r);
			u.go.optval = chance(r, 90) ? (void *)val : (void *)kernel_addr(r);
			u.go.optlen = chance(r, 90) ? lenp : (__u32 *)hole_addr(r);
			*len = sizeof(u.go);
		}
		break;
	default:
		return NULL;
	}
	return &u;
}

static void do_ioctl(struct target *t, struct rng *r, enum kind k)
{
	struct slot *s = my_slot(SLOT_MAIN);
	const struct ioctl_def *d = NULL;
	unsigned long cmd;
	enum ptr_mode m;
	size_t len;
	void *arg;
	long ret;
	int err;

	if (k == K_IOCTL_UNKNOWN) {
		unsigned int type = _IOC_TYPE(known[below(r, NKNOWN)].cmd);
		size_t i;

		switch (below(r, 3)) {
		case 0:	/* a known type, an unused number */
			do {
				cmd = _IOC(below(r, 4), type, below(r, 256),
					   below(r, 1 << 10));
				for (i = 0; i < NKNOWN && known[i].cmd != cmd; i++)
					;
			} while (i < NKNOWN);
			break;
		case 1:
			cmd = (uint32_t)rnd(r);
			break;
		default:	/* the size bits beyond _IOC_SIZEBITS' usual range */
			cmd = (unsigned long)rnd(r);
			break;
		}
	} else {
		d = &known[below(r, NKNOWN)];
		cmd = d->cmd;
		if (k == K_IOCTL_SIZE) {
			if (chance(r, 70))
				cmd = _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd),
					   _IOC_NR(cmd), below(r, 1 << _IOC_SIZEBITS));
			else
				cmd = _IOC(below(r, 4), _IOC_TYPE(cmd),
					   _IOC_NR(cmd), _IOC_SIZE(cmd));
		}
	}

	switch (below(r, 4)) {
	case 0: case 1:
		len = _IOC_SIZE(cmd);
		break;
	case 2:
		len = below(r, _IOC_SIZE(cmd) + 1);
		break;
	default:
		len = rand_len(r);
		if (len > BIG_LEN)
			len = below(r, BIG_LEN);
		break;
	}
	if (chance(r, 5)) {	/* the argument passed by value */
		arg = (void *)(uintptr_t)interesting32(r);
		m = P_SMALL;
		len = 0;
	} else if (k == K_IOCTL_KNOWN && t->kind == T_PROTO && chance(r, 60) &&
		   (arg = sock_args(t, r, cmd, &len))) {
		m = P_SOCK;
	} else {
		arg = arg_ptr(r, len, &m);
	}
	begin(s, t->fd, 1, SIG_NS, "ioctl(%s, %s%s0x%lx, %s:%p+%zu)",
	      t->path, d ? d->name : "", d ? "=" : "", cmd, ptr_names[m], arg, len);
	ret = sys_ioctl(t->fd, cmd, arg);
	err = errno;
	done(s, t, k, ret, err);
	/* a socket the control device made: not a target, close it */
	if (cmd == RTDM_CTL_SOCKET && ret >= 0)
		rtdm_close((int)ret);
	/* the call may have changed the timeouts */
	if (ret >= 0 && t->fd >= 0)
		calm(t);
}

static void do_rw(struct target *t, struct rng *r, enum kind k)
{
	struct slot *s = my_slot(SLOT_MAIN);
	size_t len = rand_len(r);
	enum ptr_mode m;
	void *buf;
	long ret;
	int err;

	buf = arg_ptr(r, len > BIG_LEN ? 0 : len, &m);
	begin(s, t->fd, 1, SIG_NS, "%s(%s, %s:%p, %zu)", kind_names[k], t->path,
	      ptr_names[m], buf, len);
	ret = syscall(k == K_READ ? SYS_read : SYS_write, t->fd, buf, len);
	err = errno;
	done(s, t, k, ret, err);
}

static void do_msg(struct target *t, struct rng *r, enum kind k)
{
	struct slot *s = my_slot(SLOT_MAIN);
	struct _rtdm_msg_args a;
	struct msghdr *msg;
	struct iovec *iov;
	size_t i, niov;
	enum ptr_mode m;
	void *argp;
	long ret;
	int err;

	/* the header and its iovecs live at the start of the arena */
	msg = (struct msghdr *)arena;
	iov = (struct iovec *)(arena + 256);
	memset(msg, 0, sizeof(*msg));
	niov = below(r, 5) ? below(r, 8) : (size_t)interesting32(r);
	for (i = 0; i < 8; i++) {
		size_t len = rand_len(r);

		if (len > BIG_LEN && chance(r, 70))
			len = below(r, 4096);
		iov[i].iov_len = len;
		iov[i].iov_base = len <= BIG_LEN && chance(r, 60) ?
			big + below(r, BIG_LEN - len + 1) :
			(void *)(chance(r, 50) ? hole_addr(r) :
				 (chance(r, 50) ? kernel_addr(r) : 0));
		if (k == K_SENDMSG && len <= BIG_LEN &&
		    iov[i].iov_base == big)
			fill(big, len, r);
	}
	msg->msg_iov = chance(r, 85) ? iov : (struct iovec *)hole_addr(r);
	msg->msg_iovlen = niov;
	if (chance(r, 50)) {
		size_t nl = below(r, 4) ? below(r, 64) : (size_t)interesting32(r);

		msg->msg_name = chance(r, 70) ? arena + 1024 : (void *)hole_addr(r);
		msg->msg_namelen = (socklen_t)nl;
		if (nl <= 1024)
			fill(arena + 1024, nl, r);
		if (chance(r, 60))
			msg->msg_namelen = sock_addr(t, r, arena + 1024);
	}
	if (chance(r, 20)) {
		msg->msg_control = chance(r, 50) ? arena + 2048 : (void *)kernel_addr(r);
		msg->msg_controllen = below(r, 2) ? below(r, 256) : interesting32(r);
	}
	msg->msg_flags = (int)rnd(r);
	if (chance(r, 40)) {	/* a sane message: it gets through */
		niov = 1 + below(r, 2);
		for (i = 0; i < niov; i++) {
			iov[i].iov_len = below(r, 2) ? below(r, 64) : below(r, 8192);
			iov[i].iov_base = big + below(r, BIG_LEN - iov[i].iov_len);
		}
		msg->msg_iov = iov;
		msg->msg_iovlen = niov;
		msg->msg_name = chance(r, 70) ? arena + 1024 : NULL;
		msg->msg_namelen = msg->msg_name ? sock_addr(t, r, arena + 1024) : 0;
		msg->msg_control = NULL;
		msg->msg_controllen = 0;
		msg->msg_flags = 0;
	}

	memset(&a, 0, sizeof(a));
	a.msg = below(r, 8) ? (void *)msg : arg_ptr(r, sizeof(*msg), &m);
	a.flags = chance(r, 85) ? MSG_DONTWAIT : 0;
	if (chance(r, 30))
		a.flags |= (int)rnd(r) & ~MSG_WAITALL;
	a.reserved = chance(r, 90) ? 0 : (int)rnd(r);
	argp = chance(r, 90) ? (void *)&a : arg_ptr(r, sizeof(a), &m);
	begin(s, t->fd, 1, SIG_NS, "%s(%s, msg=%p iov=%p/%zu name=%p/%u ctl=%p/%zu, flags=%#x)",
	      kind_names[k], t->path, a.msg, (void *)msg->msg_iov, niov,
	      msg->msg_name, msg->msg_namelen, msg->msg_control,
	      (size_t)msg->msg_controllen, a.flags);
	ret = sys_ioctl(t->fd, k == K_SENDMSG ? _RTIOC_SENDMSG : _RTIOC_RECVMSG, argp);
	err = errno;
	done(s, t, k, ret, err);
}

static void do_poll(struct target *t, struct rng *r)
{
	struct slot *s = my_slot(SLOT_MAIN);
	struct pollfd p[4];
	int i, n = 1 + (int)below(r, 4), tmo = (int)below(r, 20);
	long ret;
	int err;

	for (i = 0; i < n; i++) {
		struct target *o = i ? &targets[below(r, ntargets)] : t;

		p[i].fd = o->fd;
		p[i].events = (short)(chance(r, 50) ? POLLIN | POLLOUT : rnd(r));
		p[i].revents = 0;
	}
	begin(s, t->fd, 1, SIG_NS, "poll(%s +%d fds, events=%#x, %d ms)", t->path,
	      n - 1, p[0].events, tmo);
	ret = poll(p, n, tmo);
	err = errno;
	done(s, t, K_POLL, ret, err);
}

static void do_mmap(struct target *t, struct rng *r)
{
	struct slot *s = my_slot(SLOT_MAIN);
	size_t len;
	off_t off;
	int prot, flags, err;
	void *p;

	switch (below(r, 4)) {
	case 0:
		len = page * (1 + below(r, 4));
		break;
	case 1:
		len = rand_len(r);
		break;
	case 2:
		len = page * (1 + below(r, 512));
		break;
	default:
		len = below(r, 2 * page);
		break;
	}
	switch (below(r, 4)) {
	case 0: case 1:
		off = 0;
		break;
	case 2:
		off = (off_t)(page * below(r, 1024));
		break;
	default:
		off = (off_t)(rnd(r) & 0x7fffffff);
		break;
	}
	prot = chance(r, 80) ? PROT_READ | PROT_WRITE : (int)below(r, 8);
	flags = chance(r, 80) ? MAP_SHARED : MAP_PRIVATE;
	begin(s, t->fd, 1, SIG_NS, "mmap(%s, len=%zu, prot=%#x, flags=%#x, off=%#llx)",
	      t->path, len, prot, flags, (unsigned long long)off);
	p = mmap(NULL, len, prot, flags, t->fd, off);
	err = errno;
	done(s, t, K_MMAP, p == MAP_FAILED ? -1 : 0, err);
	if (p == MAP_FAILED)
		return;
	__atomic_fetch_add(&st->mmap_ok, 1, __ATOMIC_RELAXED);
	if (prot & PROT_READ) {
		volatile uint8_t *b = p;

		if (sigsetjmp(fault_jmp, 1)) {
			__atomic_fetch_add(&st->mmap_fault, 1, __ATOMIC_RELAXED);
		} else {
			fault_armed = 1;
			(void)b[0];
			(void)b[len - 1];
			if (prot & PROT_WRITE) {
				b[0] = 0x5a;
				b[len - 1] = 0xa5;
			}
			fault_armed = 0;
		}
	}
	munmap(p, len);
}

static void do_dup_close(struct target *t, struct rng *r)
{
	struct slot *s = my_slot(SLOT_MAIN);
	long ret;
	int err;

	begin(s, t->fd, 0, SIG_NS, "dup(%s)", t->path);
	ret = dup(t->fd);
	err = errno;
	done(s, t, K_DUP_CLOSE, ret, err);
	if (ret < 0)
		return;
	if (chance(r, 50)) {
		rtdm_close((int)ret);
	} else {	/* keep the copy, close the original */
		rtdm_close(t->fd);
		t->fd = (int)ret;
	}
}

struct blocker {
	struct target *t;
	int fd;
	int how;
	long ret;
	int err;
};

static void *blocker_fn(void *arg)
{
	struct blocker *b = arg;
	struct slot *s = &st->slots[SLOT_BLOCKER];
	static const char *const hows[] = { "read", "recvmsg", "ioctl" };
	uint8_t buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct _rtdm_msg_args a = { .msg = &msg };
	const struct ioctl_def *d = &known[b->how >> 2];
	int how = b->how & 3;

	if (how > 2)
		how = 0;
	memset(big, 0, 4096);
	begin(s, b->fd, 0, BLOCKER_SIG_NS, "close_blocked:%s(%s%s%s)", hows[how],
	      b->t->path, how == 2 ? ", " : "", how == 2 ? d->name : "");
	if (how == 0)
		b->ret = syscall(SYS_read, b->fd, buf, sizeof(buf));
	else if (how == 1)
		b->ret = sys_ioctl(b->fd, _RTIOC_RECVMSG, &a);
	else
		b->ret = sys_ioctl(b->fd, d->cmd, big);
	b->err = errno;
	if (!s->sigs)
		__atomic_fetch_add(&st->blocked_unblocked_by_close, 1, __ATOMIC_RELAXED);
	end(s, b->t, K_CLOSE_BLOCKED, b->ret, b->err);
	return NULL;
}

static void do_close_blocked(struct target *t, struct rng *r)
{
	struct timespec delay = { 0, (long)(below(r, 50) * MS) };
	struct blocker b = { .t = t, .fd = t->fd };
	pthread_attr_t attr;
	pthread_t thr;

	b.how = (int)(below(r, NKNOWN) << 2 | below(r, 3));
	/* no timeout: the close has to end the call */
	if (t->kind == T_PROTO) {
		struct timeval tv = { 0, 0 };
		struct _rtdm_setsockopt_args a = {
			.level = SOL_SOCKET, .optname = SO_RCVTIMEO,
			.optval = &tv, .optlen = sizeof(tv),
		};

		sys_ioctl(t->fd, _RTIOC_SETSOCKOPT, &a);
	} else if (t->dev_class == RTDM_CLASS_SERIAL) {
		struct rtser_config c;

		memset(&c, 0, sizeof(c));
		c.config_mask = RTSER_SET_TIMEOUT_RX | RTSER_SET_TIMEOUT_EVENT;
		c.rx_timeout = c.event_timeout = RTSER_TIMEOUT_INFINITE;
		sys_ioctl(t->fd, RTSER_RTIOC_SET_CONFIG, &c);
	} else if (t->dev_class == RTDM_CLASS_TESTING) {
		struct rttst_rw_info rw;

		memset(&rw, 0, sizeof(rw));
		rw.read_timeout_ns = RTDM_TIMEOUT_INFINITE;
		sys_ioctl(t->fd, RTTST_RTIOC_RW_CONFIG, &rw);
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	if (pthread_create(&thr, &attr, blocker_fn, &b)) {
		pthread_attr_destroy(&attr);
		return;
	}
	pthread_attr_destroy(&attr);
	nanosleep(&delay, NULL);
	close_target(t);
	pthread_join(thr, NULL);	/* the watchdog bounds it */
}

static void random_call(struct target *t, struct rng *r, enum kind k);

/*
 * A kind of target first (named devices 45 %, sockets 40 %, /dev/rtpN
 * 15 %: most of the 32 pipes have no socket bound), then one of that kind.
 */
static struct target *pick_target(struct rng *r)
{
	static const unsigned int weight[3] = { [T_NAMED] = 45, [T_PROTO] = 40, [T_PIPE] = 15 };
	unsigned int total = 0, x;
	int i, j, n[3] = { 0 };

	for (i = 0; i < ntargets; i++)
		n[targets[i].kind] += !targets[i].disabled;
	for (i = 0; i < 3; i++)
		total += n[i] ? weight[i] : 0;
	x = (unsigned int)below(r, total);
	for (i = 0; i < 2; i++) {
		if (n[i] && x < weight[i])
			break;
		x -= n[i] ? weight[i] : 0;
	}
	j = (int)below(r, n[i]);
	for (x = 0; x < (unsigned int)ntargets; x++)
		if (targets[x].kind == (enum tkind)i && !targets[x].disabled && !j--)
			return &targets[x];
	return &targets[0];
}

static pid_t child_pid;
static int child_gen[MAX_TARGETS];
static int child_fd[MAX_TARGETS];

static void child_run(uint64_t cseed)
{
	struct rng r = { cseed };
	int i, n = 4 + (int)below(&r, CHILD_CALLS_MAX - 4);

	in_child = 1;
	for (i = 0; i < n; i++) {
		struct target *t = pick_target(&r);
		enum kind k = (enum kind)(K_IOCTL_KNOWN + below(&r, K_MMAP - K_IOCTL_KNOWN + 1));

		if (chance(&r, 15)) {
			close_target(t);
			continue;
		}
		if (t->fd < 0)
			open_target(t, &r);
		if (t->fd >= 0)
			random_call(t, &r, k);
	}
	if (chance(&r, 50))
		for (i = 0; i < ntargets; i++)
			close_target(&targets[i]);
	_exit(0);
}

/* The parent's fds that were open at the fork must still work. */
static void fork_check(void)
{
	struct rtdm_device_info info;
	char desc[DESC_LEN];
	int i;

	for (i = 0; i < ntargets; i++) {
		struct target *t = &targets[i];

		if (t->kind == T_PIPE || t->fd < 0 || child_fd[i] != t->fd ||
		    child_gen[i] != t->gen)
			continue;
		st->fork_checks++;
		if (sys_ioctl(t->fd, RTIOC_DEVICE_INFO, &info) && errno == EBADF) {
			st->fork_bad++;
			snprintf(desc, sizeof(desc), "RTIOC_DEVICE_INFO(%.140s) after the child exited", t->path);
			record(st->fork_bad_rec, &st->nbad, desc, errno, 0);
		}
	}
}

static void reap_child(int wait)
{
	int status;

	if (!child_pid)
		return;
	if (waitpid(child_pid, &status, wait ? 0 : WNOHANG) != child_pid)
		return;
	child_pid = 0;
	/* a child killed in a call leaves its slot busy */
	__atomic_store_n(&st->slots[SLOT_CHILD].start_ns, 0, __ATOMIC_RELEASE);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		st->children_failed++;
	fork_check();
}

static void do_fork(struct rng *r)
{
	struct slot *s = my_slot(SLOT_MAIN);
	uint64_t cseed = rnd(r);
	long ret;
	int i, err;

	reap_child(1);
	for (i = 0; i < ntargets; i++) {
		child_fd[i] = targets[i].fd;
		child_gen[i] = targets[i].gen;
	}
	fflush(stdout);
	fflush(stderr);
	begin(s, -1, 0, SIG_NS, "fork()");
	ret = fork();
	if (ret == 0)
		child_run(cseed);
	err = errno;
	end(s, NULL, K_FORK, ret, err);
	if (ret > 0) {
		child_pid = (pid_t)ret;
		st->forks++;
	}
}

static void random_call(struct target *t, struct rng *r, enum kind k)
{
	switch (k) {
	case K_IOCTL_KNOWN: case K_IOCTL_SIZE: case K_IOCTL_UNKNOWN:
		do_ioctl(t, r, k);
		break;
	case K_READ: case K_WRITE:
		do_rw(t, r, k);
		break;
	case K_SENDMSG: case K_RECVMSG:
		do_msg(t, r, k);
		break;
	case K_POLL:
		do_poll(t, r);
		break;
	case K_MMAP:
		do_mmap(t, r);
		break;
	case K_DUP_CLOSE:
		do_dup_close(t, r);
		break;
	case K_CLOSE_BLOCKED:
		do_close_blocked(t, r);
		break;
	case K_FORK:
		do_fork(r);
		break;
	default:
		break;
	}
}

static enum kind pick_kind(struct rng *r)
{
	unsigned int total = 0, x;
	int k;

	for (k = 0; k < K_NR; k++)
		total += kind_weight[k];
	x = (unsigned int)below(r, total);
	for (k = 0; k < K_NR; k++) {
		if (x < kind_weight[k])
			return (enum kind)k;
		x -= kind_weight[k];
	}
	return K_IOCTL_KNOWN;
}

/*
 * With RTIPC present, XDDP sockets bound to ports 0..ANCHORS-1 for the
 * whole run (not fuzzed): their /dev/rtpN ends can be opened and fuzzed.
 */
#define ANCHORS	4
static int anchor_fd[ANCHORS];

static void bind_anchors(void)
{
	struct sockaddr_ipc sa;
	int i;

	for (i = 0; i < ANCHORS; i++) {
		anchor_fd[i] = rtdm_socket(AF_RTIPC, SOCK_DGRAM, IPCPROTO_XDDP);
		if (anchor_fd[i] < 0)
			return;
		memset(&sa, 0, sizeof(sa));
		sa.sipc_family = AF_RTIPC;
		sa.sipc_port = i;
		if (rtdm_bind(anchor_fd[i], (struct sockaddr *)&sa, sizeof(sa))) {
			rtdm_close(anchor_fd[i]);
			anchor_fd[i] = -1;
		}
	}
}

/*
 * RTTST_RTIOC_FD_HOLD parks an fd reference in the test driver beyond the
 * life of the process, by design, until RTTST_RTIOC_FD_RELEASE (from any
 * fd of the devices serving it) drops it: drop what the fuzzing parked.
 * Not every testing-class device serves it (Xenomai's rtdm0 answers
 * ENOTTY): the first one that says nothing is held (ENXIO) ends it.
 */
static void release_held(void)
{
	int i, fd, done;

	for (i = 0; i < ntargets; i++) {
		if (targets[i].dev_class != RTDM_CLASS_TESTING)
			continue;
		fd = rtdm_open(targets[i].path, O_RDWR | O_NONBLOCK);
		if (fd < 0)
			continue;
		while (!sys_ioctl(fd, RTTST_RTIOC_FD_RELEASE, NULL))
			;
		done = errno == ENXIO;
		rtdm_close(fd);
		if (done)
			return;
	}
}

/* ------------------------------------------------------------------ */
/* output                                                             */

static void jstr(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static const char *errname(int e, char *buf, size_t len)
{
	const char *n = e ? strerrorname_np(e) : "OK";

	if (n)
		return n;
	snprintf(buf, len, "E%d", e);
	return buf;
}

static void print_records(const char *key, struct record *tab, int n)
{
	char b[16];
	int i;

	printf(",\"%s\":[", key);
	for (i = 0; i < n && i < MAX_RECORDS; i++) {
		printf("%s{\"call\":", i ? "," : "");
		jstr(tab[i].desc);
		printf(",\"pid\":%d,\"errno\":", (int)tab[i].pid);
		jstr(errname(tab[i].err, b, sizeof(b)));
		printf(",\"ms\":%.1f}", tab[i].ns / 1e6);
	}
	printf("]");
}

static void print_errnos(int k0, int k1)
{
	char b[16];
	int e, k, first = 1;

	printf("{");
	for (e = 0; e <= MAX_ERRNO; e++) {
		uint64_t n = 0;

		for (k = k0; k < k1; k++)
			n += st->err[k][e];
		if (!n)
			continue;
		printf("%s\"%s\":%" PRIu64, first ? "" : ",", errname(e, b, sizeof(b)), n);
		first = 0;
	}
	for (k = k0, e = 0; k < k1; k++)
		e += (int)st->err_big[k];
	if (e)
		printf("%s\"other\":%d", first ? "" : ",", e);
	printf("}");
}

static void print_json(void)
{
	size_t i;
	int k;

	printf("{\"seed\":%" PRIu64 ",\"iterations\":%lu,\"calls\":%" PRIu64
	       ",\"seconds\":%.2f,\"known_ioctls\":[", seed, iterations_done,
	       st->calls, (now_ns() - t_start) / 1e9);
	for (i = 0; i < NKNOWN; i++)
		printf("%s\"%s\"", i ? "," : "", known[i].name);
	printf("],\"targets\":{");
	for (k = 0; k < ntargets; k++) {
		printf("%s", k ? "," : "");
		jstr(targets[k].path);
		printf(":{\"calls\":%" PRIu64 ",\"opens\":%" PRIu64
		       ",\"open_failures\":%" PRIu64 ",\"class\":%d,\"disabled\":%d}",
		       st->by_target[k], targets[k].opens, targets[k].open_fail,
		       targets[k].dev_class, targets[k].disabled);
	}
	printf("},\"kinds\":{");
	for (k = 0; k < K_NR; k++)
		printf("%s\"%s\":%" PRIu64, k ? "," : "", kind_names[k], st->by_kind[k]);
	printf("},\"errnos\":");
	print_errnos(0, K_NR);
	printf(",\"errnos_by_kind\":{");
	for (k = 0; k < K_NR; k++) {
		printf("%s\"%s\":", k ? "," : "", kind_names[k]);
		print_errnos(k, k + 1);
	}
	printf("},\"rt_calls\":%" PRIu64 ",\"mmap\":{\"mapped\":%" PRIu64
	       ",\"faults\":%" PRIu64 "},\"fork\":{\"children\":%" PRIu64
	       ",\"parent_fd_checks\":%" PRIu64 ",\"parent_fd_bad\":%" PRIu64
	       ",\"children_failed\":%" PRIu64
	       "},\"close_blocked_unblocked_by_close\":%" PRIu64,
	       st->rt_calls, st->mmap_ok, st->mmap_fault, st->forks,
	       st->fork_checks, st->fork_bad, st->children_failed,
	       st->blocked_unblocked_by_close);
	print_records("interrupted", st->interrupted, st->nint);
	print_records("hung", st->hung, st->nhung);
	print_records("fork_bad", st->fork_bad_rec, st->nbad);
	print_records("kernel_errnos", st->odd, st->nodd);
	printf("}\n");
	fflush(stdout);
}

/* ------------------------------------------------------------------ */

static void usage(void)
{
	fprintf(stderr, "usage: rtdm-fuzz [-s seed] [-n iterations] [-t seconds] "
		"[-x path]... [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long iterations = 2000;
	double max_seconds = 0;
	pthread_mutexattr_t ma;
	struct sigaction sa;
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = 50 };
	pthread_t wd;
	int opt, i;

	/* fixed addresses: the same seed gives the same arguments */
	if (!(personality(0xffffffff) & ADDR_NO_RANDOMIZE) &&
	    personality(ADDR_NO_RANDOMIZE) != -1)
		execv("/proc/self/exe", argv);
	prctl(PR_SET_NAME, "rtdm-fuzz");
	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((opt = getopt(argc, argv, "s:n:t:x:v")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			iterations = strtoul(optarg, NULL, 0);
			break;
		case 't':
			max_seconds = atof(optarg);
			break;
		case 'x':
			if (nexcluded < 32)
				excluded[nexcluded++] = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	fprintf(stderr, "rtdm-fuzz: seed %" PRIu64 "\n", seed);

	page = sysconf(_SC_PAGESIZE);
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	arena = mmap(NULL, (ARENA_PAGES + 1) * page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	big = mmap(NULL, BIG_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rdonly = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, HOLE_PAGES * page, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (st == MAP_FAILED || arena == MAP_FAILED || big == MAP_FAILED ||
	    rdonly == MAP_FAILED || hole == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	mprotect(arena + ARENA_PAGES * page, page, PROT_NONE);
	memset(st, 0, sizeof(*st));
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&st->rec_lock, &ma);
	for (i = 0; i < NSLOTS; i++)
		pthread_mutex_init(&st->slots[i].lock, &ma);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: waits return EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	find_targets();
	if (!ntargets) {
		fprintf(stderr, "rtdm-fuzz: no RTDM device found\n");
		return 1;
	}

	bind_anchors();

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	if (pthread_create(&wd, &attr, watchdog, NULL)) {
		perror("pthread_create");
		return 1;
	}
	pthread_attr_destroy(&attr);
	pthread_setschedparam(wd, SCHED_FIFO, &sp);

	t_start = now_ns();
	for (iterations_done = 0; iterations_done < iterations; iterations_done++) {
		struct rng pick = iter_rng(iterations_done, 0);
		struct rng ropen = iter_rng(iterations_done, 1);
		struct rng rcall = iter_rng(iterations_done, 2);
		struct target *t = pick_target(&pick);
		enum kind k = pick_kind(&pick);
		int rt = chance(&pick, 33);

		if (max_seconds > 0 && now_ns() - t_start > max_seconds * 1e9)
			break;
		if (verbose)
			fprintf(stderr, "%d #%lu %s %s%s\n", (int)getpid(),
				iterations_done, t->path, kind_names[k],
				rt ? " rt" : "");
		reap_child(0);
		if (t->fd < 0)
			open_target(t, &ropen);
		if (t->fd < 0 && k != K_FORK)
			continue;
		if (rt) {
			set_rt(1);
			st->rt_calls++;
		}
		random_call(t, &rcall, k);
		if (rt)
			set_rt(0);
	}
	reap_child(1);
	release_held();
	for (i = 0; i < ntargets; i++)
		close_target(&targets[i]);
	for (i = 0; i < ANCHORS; i++)
		if (anchor_fd[i] > 0)
			rtdm_close(anchor_fd[i]);
	print_json();
	return 0;
}
