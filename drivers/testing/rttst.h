/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RTDM test driver: internal definitions shared by its files.
 */
#ifndef _RTDMTEST_RTTST_H
#define _RTDMTEST_RTTST_H

#include <linux/kref.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/testing.h>

/* Bounds of the user supplied parameters. */
#define RTTST_PERIOD_MIN	10000LL			/* 10 us */
#define RTTST_PERIOD_MAX	1000000000LL		/* 1 s */
#define RTTST_COUNT_MAX		100000U
#define RTTST_RUN_MAX		(60LL * NSEC_PER_SEC)	/* one measurement */
#define RTTST_MS		(1000LL * 1000)
#define RTTST_DELAY_MAX		(10LL * NSEC_PER_SEC)
#define RTTST_LAT_SAMPLES_MAX	10000000U
#define RTTST_LAT_RUN_MAX	(3600LL * NSEC_PER_SEC)
#define RTTST_GRACE		(5LL * NSEC_PER_SEC)	/* extra wait margin */

/* min/avg/max accumulator */
struct rttst_stats {
	s64 min;
	s64 max;
	s64 sum;
	u32 n;
};

static inline void rttst_stats_init(struct rttst_stats *s)
{
	s->min = S64_MAX;
	s->max = S64_MIN;
	s->sum = 0;
	s->n = 0;
}

static inline void rttst_stats_add(struct rttst_stats *s, s64 v)
{
	if (v < s->min)
		s->min = v;
	if (v > s->max)
		s->max = v;
	s->sum += v;
	s->n++;
}

/* Stores min/avg/max, all 0 when nothing was sampled. */
static inline void rttst_stats_put(const struct rttst_stats *s,
				   __s64 *min, __s64 *avg, __s64 *max)
{
	if (!s->n) {
		*min = 0;
		*avg = 0;
		*max = 0;
		return;
	}
	*min = s->min;
	*max = s->max;
	*avg = div_s64(s->sum, s->n);
}

/* A buffer mapped into user space, freed with its last user. */
struct rttst_mapbuf {
	struct kref ref;
	void *mem;
	size_t len;
	u32 kind;
};

/* The buffer of the fd's own mmap() handler. */
struct rttst_fdmap {
	void *mem;
	size_t len;
};

struct rttst_irqst;

/* Per-fd context of the named devices. */
struct rttst_ctx {
	rtdm_event_t event;
	rtdm_sem_t sem;
	rtdm_lock_t lock;		/* protects the fields below */
	nanosecs_rel_t read_timeout;
	u64 signal_ns;
	u32 last_read_handler;
	s32 last_read_ret;
	u32 last_write_handler;
	u32 last_write_in_rt;
	u32 wlen;
	u8 wbuf[RTTST_WBUF_SIZE];
	/*
	 * Setup state below: in-band handlers only, under @setup_lock (a
	 * Linux mutex: RTDM mutexes are for real-time context).
	 */
	struct mutex setup_lock;
	struct rttst_irqst *irq;	/* RTTST_RTIOC_IRQ_ATTACH */
	struct rttst_mapbuf *map;	/* RTTST_RTIOC_MMAP */
	void __user *map_addr;
	struct rttst_fdmap *fdmap;	/* buffer of the fd's mmap() */
};

/* timing.c */
int rttst_mutex_test(struct rttst_ctx *ctx, struct rttst_mutex *m);
int rttst_timer_oneshot(struct rttst_timer_oneshot *t);
int rttst_timer_periodic(struct rttst_timer_periodic *t);
int rttst_task_periodic(struct rttst_task_periodic *t);
int rttst_task_sleep(struct rttst_sleep *s);
int rttst_nrtsig(struct rttst_nrtsig *n);
int rttst_timer_self(struct rttst_timer_self *t);
int rttst_latency(struct rttst_latency *l);

/* irq.c */
int rttst_irq_init(void);
void rttst_irq_cleanup(void);
int rttst_irq_test(struct rttst_irq *r);
int rttst_irq_attach(struct rttst_ctx *ctx, struct rttst_irq_attach *a);
int rttst_irq_trigger(struct rttst_ctx *ctx, struct rttst_irq_trigger *t);
int rttst_irq_detach(struct rttst_ctx *ctx);

/* mem.c */
int rttst_mmap_ioctl(struct rtdm_fd *fd, struct rttst_ctx *ctx,
		     struct rttst_mmap *m);
int rttst_mmap_check(struct rttst_ctx *ctx, struct rttst_mmap_check *c);
int rttst_munmap_ioctl(struct rttst_ctx *ctx);
int rttst_mmap_handler(struct rtdm_fd *fd, struct vm_area_struct *vma);
void rttst_mem_release(struct rttst_ctx *ctx);

/* xeno.c: Xenomai's rtdm0, rtdm1 and rtdmx test devices */
int rttst_xeno_register(void);
void rttst_xeno_unregister(void);

/* proto.c */
int rttst_proto_register(void);
void rttst_proto_unregister(void);

#endif /* _RTDMTEST_RTTST_H */
