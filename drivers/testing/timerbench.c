// SPDX-License-Identifier: GPL-2.0
/*
 * timerbench: the kernel-side sampler of Xenomai 3's `latency -t1/-t2`,
 * with Xenomai 3's testing-profile ABI (<rtdm/uapi/testing.h>).
 *
 * /dev/rtdm/timerbench measures how late a periodic release runs, in an
 * RTDM task woken by rtdm_task_wait_period() (RTTST_TMBENCH_TASK) or in
 * the handler of a one-shot RTDM timer re-armed from itself for the next
 * date (RTTST_TMBENCH_HANDLER). Every 1e9 / period samples make a second;
 * once the warm-up seconds are over, each second is published to the
 * waiters of RTTST_RTIOC_INTERM_BENCH_RES.
 *
 * Calling contexts: START and STOP are in-band requests (ioctl_nrt:
 * allocation, task and timer set-up and tear-down, serialised by a Linux
 * mutex); INTERM_BENCH_RES waits, so it is a real-time request (ioctl_rt;
 * ioctl_nrt returns -ENOSYS for it and the core runs it there). The
 * sampler runs in rt context and shares the published results with the
 * waiters under the wait queue's lock.
 */
#include <linux/math64.h>
#include <rtdm/driver.h>
#include <rtdm/uapi/testing.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RTDM timer latency sampler (Xenomai 3 timerbench ABI)");

#define TMB_PERIOD_MIN		10000ULL		/* 10 us */
#define TMB_PERIOD_MAX		1000000000ULL		/* 1 s */
#define TMB_HIST_MAX		100000			/* cells per histogram */
#define TMB_WARMUP_MAX		3600			/* seconds */
#define TMB_FIRST_DELAY		1000000			/* first release: 1 ms */
#define TMB_MIN_INIT		10000000		/* Xenomai's seeds */
#define TMB_MAX_INIT		(-10000000)

/* One second of samples being collected. */
struct tmb_second {
	s32 min;
	s32 max;
	s64 sum;
	s32 overruns;
	s32 samples;
};

struct tmb_ctx {
	struct mutex nrt_lock;		/* START/STOP/close */
	int mode;			/* RTTST_TMBENCH_*; INVALID: idle */

	/* sampler configuration, fixed while it runs */
	u64 period;
	u32 samples_per_sec;
	int warmup;			/* seconds of warm-up left */
	int hist_size;
	int bucket;
	s32 *hist;			/* avg, min, max: 3 * hist_size */

	rtdm_task_t task;
	rtdm_timer_t timer;
	u64 date;			/* release being waited for */

	/* sampler state */
	struct tmb_second cur;
	s64 overall_sum;		/* sum of the published averages */
	struct rttst_bench_res overall;	/* published seconds */
	s32 published;

	/* shared with the waiters, under the wait queue's lock */
	rtdm_waitqueue_t wq;
	bool running;
	u32 run;			/* bumped by each START */
	u32 seq;			/* bumped by each publication */
	struct rttst_interm_bench_res snap;
};

static inline s32 *tmb_hist_avg(struct tmb_ctx *ctx)
{
	return ctx->hist;
}

static inline s32 *tmb_hist_min(struct tmb_ctx *ctx)
{
	return ctx->hist + ctx->hist_size;
}

static inline s32 *tmb_hist_max(struct tmb_ctx *ctx)
{
	return ctx->hist + 2 * ctx->hist_size;
}

static void tmb_hist_add(struct tmb_ctx *ctx, s32 *hist, s32 value)
{
	u32 mag = value < 0 ? -(u32)value : (u32)value;
	u32 cell = mag / (u32)ctx->bucket;

	hist[min_t(u32, cell, ctx->hist_size - 1)]++;
}

static void tmb_second_reset(struct tmb_second *s)
{
	s->min = TMB_MIN_INIT;
	s->max = TMB_MAX_INIT;
	s->sum = 0;
	s->overruns = 0;
	s->samples = 0;
}

static s32 tmb_div(s64 sum, s64 n)
{
	return n > 0 ? (s32)div64_s64(sum, n) : 0;
}

/* The end of a second: publish it unless it was a warm-up one. rt context. */
static void tmb_end_of_second(struct tmb_ctx *ctx)
{
	struct rttst_bench_res last;
	rtdm_lockctx_t c;

	if (ctx->warmup > 0) {
		ctx->warmup--;
		tmb_second_reset(&ctx->cur);
		return;
	}

	if (ctx->hist) {
		tmb_hist_add(ctx, tmb_hist_min(ctx), ctx->cur.min);
		tmb_hist_add(ctx, tmb_hist_max(ctx), ctx->cur.max);
	}

	last.min = ctx->cur.min;
	last.max = ctx->cur.max;
	last.avg = tmb_div(ctx->cur.sum, ctx->cur.samples);
	last.overruns = ctx->cur.overruns;
	last.test_loops = ctx->cur.samples;

	if (last.min < ctx->overall.min)
		ctx->overall.min = last.min;
	if (last.max > ctx->overall.max)
		ctx->overall.max = last.max;
	ctx->overall.overruns += last.overruns;
	ctx->overall_sum += last.avg;
	ctx->published++;
	ctx->overall.test_loops = ctx->published;
	ctx->overall.avg = tmb_div(ctx->overall_sum, ctx->published);

	rtdm_waitqueue_lock(&ctx->wq, c);
	ctx->snap.last = last;
	ctx->snap.overall = ctx->overall;
	ctx->seq++;
	rtdm_waitqueue_broadcast(&ctx->wq);
	rtdm_waitqueue_unlock(&ctx->wq, c);

	tmb_second_reset(&ctx->cur);
}

/*
 * One sample: @now is when the release of ctx->date was served. Moves
 * ctx->date to the next release not yet due, counting the releases
 * skipped as overruns, as Xenomai's sampler does. rt context.
 */
static void tmb_sample(struct tmb_ctx *ctx, u64 now, u64 skipped)
{
	s64 late = (s64)(now - ctx->date);
	s32 dt = (s32)clamp_t(s64, late, S32_MIN, S32_MAX);

	if (dt < ctx->cur.min)
		ctx->cur.min = dt;
	if (dt > ctx->cur.max)
		ctx->cur.max = dt;
	ctx->cur.sum += dt;
	ctx->cur.samples++;
	if (ctx->hist && !ctx->warmup)
		tmb_hist_add(ctx, tmb_hist_avg(ctx), dt);

	ctx->cur.overruns += skipped;
	ctx->date += (skipped + 1) * ctx->period;

	if (ctx->cur.samples >= ctx->samples_per_sec)
		tmb_end_of_second(ctx);
}

static void tmb_task_proc(void *arg)
{
	struct tmb_ctx *ctx = arg;
	unsigned long ov;
	int ret;

	ctx->date = rtdm_clock_read_monotonic() + TMB_FIRST_DELAY;
	if (rtdm_task_set_period(&ctx->task, ctx->date, ctx->period))
		return;

	while (!rtdm_task_should_stop()) {
		ov = 0;
		ret = rtdm_task_wait_period(&ov);
		if (ret && ret != -ETIMEDOUT)
			break;
		tmb_sample(ctx, rtdm_clock_read_monotonic(), ov);
	}
}

static void tmb_timer_proc(rtdm_timer_t *timer)
{
	struct tmb_ctx *ctx = container_of(timer, struct tmb_ctx, timer);
	u64 now = rtdm_clock_read_monotonic();
	u64 skipped = 0;

	if (now >= ctx->date + ctx->period)
		skipped = div64_u64(now - ctx->date, ctx->period);
	tmb_sample(ctx, now, skipped);

	/* a date in the past by now: skip it too */
	while (rtdm_timer_start_in_handler(timer, ctx->date, 0,
					   RTDM_TIMERMODE_ABSOLUTE) == -ETIMEDOUT) {
		ctx->cur.overruns++;
		ctx->date += ctx->period;
	}
}

static int tmb_open(struct rtdm_fd *fd, int oflags)
{
	struct tmb_ctx *ctx = rtdm_fd_to_private(fd);

	mutex_init(&ctx->nrt_lock);
	rtdm_waitqueue_init(&ctx->wq);
	ctx->mode = RTTST_TMBENCH_INVALID;

	return 0;
}

static int tmb_check_config(const struct rttst_tmbench_config *cfg)
{
	if (cfg->mode != RTTST_TMBENCH_TASK && cfg->mode != RTTST_TMBENCH_HANDLER)
		return -EINVAL;
	if (cfg->mode == RTTST_TMBENCH_TASK &&
	    (cfg->priority < RTDM_TASK_LOWEST_PRIORITY ||
	     cfg->priority > RTDM_TASK_HIGHEST_PRIORITY))
		return -EINVAL;
	if (cfg->period < TMB_PERIOD_MIN || cfg->period > TMB_PERIOD_MAX)
		return -EINVAL;
	if (cfg->warmup_loops < 0 || cfg->warmup_loops > TMB_WARMUP_MAX)
		return -EINVAL;
	if (cfg->histogram_size < 0 || cfg->histogram_size > TMB_HIST_MAX)
		return -EINVAL;
	if (cfg->histogram_size && cfg->histogram_bucketsize <= 0)
		return -EINVAL;

	return 0;
}

/* Stops the sampler and wakes the waiters (-EIDRM). In-band, nrt_lock held. */
static void tmb_halt(struct tmb_ctx *ctx)
{
	rtdm_lockctx_t c;

	if (ctx->mode == RTTST_TMBENCH_TASK)
		rtdm_task_destroy(&ctx->task);
	else
		rtdm_timer_destroy(&ctx->timer);
	ctx->mode = RTTST_TMBENCH_INVALID;

	rtdm_waitqueue_lock(&ctx->wq, c);
	ctx->running = false;
	rtdm_waitqueue_broadcast(&ctx->wq);
	rtdm_waitqueue_unlock(&ctx->wq, c);
}

static int tmb_start(struct rtdm_fd *fd, struct tmb_ctx *ctx,
		     const void __user *arg)
{
	struct rttst_tmbench_config cfg;
	rtdm_lockctx_t c;
	int ret;

	if (rtdm_safe_copy_from_user(fd, &cfg, arg, sizeof(cfg)))
		return -EFAULT;
	ret = tmb_check_config(&cfg);
	if (ret)
		return ret;

	mutex_lock(&ctx->nrt_lock);
	if (ctx->mode != RTTST_TMBENCH_INVALID) {
		ret = -EBUSY;
		goto out;
	}

	ctx->hist = NULL;
	ctx->hist_size = cfg.histogram_size;
	ctx->bucket = cfg.histogram_bucketsize;
	if (ctx->hist_size) {
		ctx->hist = kcalloc(3 * ctx->hist_size, sizeof(s32), GFP_KERNEL);
		if (!ctx->hist) {
			ret = -ENOMEM;
			goto out;
		}
	}

	ctx->period = cfg.period;
	ctx->samples_per_sec = div64_u64(NSEC_PER_SEC, cfg.period);
	ctx->warmup = cfg.warmup_loops;
	tmb_second_reset(&ctx->cur);
	ctx->overall.min = TMB_MIN_INIT;
	ctx->overall.max = TMB_MAX_INIT;
	ctx->overall.avg = 0;
	ctx->overall.overruns = 0;
	ctx->overall.test_loops = 0;
	ctx->overall_sum = 0;
	ctx->published = 0;

	rtdm_waitqueue_lock(&ctx->wq, c);
	ctx->running = true;
	ctx->run++;
	rtdm_waitqueue_unlock(&ctx->wq, c);

	if (cfg.mode == RTTST_TMBENCH_TASK) {
		ret = rtdm_task_init(&ctx->task, "timerbench", tmb_task_proc,
				     ctx, cfg.priority, cfg.period);
	} else {
		ret = rtdm_timer_init(&ctx->timer, tmb_timer_proc,
				      rtdm_fd_device(fd)->name);
		if (!ret) {
			ctx->date = rtdm_clock_read_monotonic() + TMB_FIRST_DELAY;
			ret = rtdm_timer_start(&ctx->timer, ctx->date, 0,
					       RTDM_TIMERMODE_ABSOLUTE);
			if (ret)
				rtdm_timer_destroy(&ctx->timer);
		}
	}
	if (ret) {
		rtdm_waitqueue_lock(&ctx->wq, c);
		ctx->running = false;
		rtdm_waitqueue_broadcast(&ctx->wq);
		rtdm_waitqueue_unlock(&ctx->wq, c);
		kfree(ctx->hist);
		ctx->hist = NULL;
		goto out;
	}
	ctx->mode = cfg.mode;
out:
	mutex_unlock(&ctx->nrt_lock);

	return ret;
}

static int tmb_copy_results(struct rtdm_fd *fd, struct tmb_ctx *ctx,
			    struct rttst_overall_bench_res __user *u_res)
{
	struct rttst_overall_bench_res res;
	size_t size = ctx->hist_size * sizeof(s32);

	if (rtdm_safe_copy_to_user(fd, &u_res->result, &ctx->overall,
				   sizeof(ctx->overall)))
		return -EFAULT;
	if (!ctx->hist)
		return 0;

	if (rtdm_safe_copy_from_user(fd, &res, u_res, sizeof(res)) ||
	    rtdm_safe_copy_to_user(fd, res.histogram_avg, tmb_hist_avg(ctx), size) ||
	    rtdm_safe_copy_to_user(fd, res.histogram_min, tmb_hist_min(ctx), size) ||
	    rtdm_safe_copy_to_user(fd, res.histogram_max, tmb_hist_max(ctx), size))
		return -EFAULT;

	return 0;
}

static int tmb_stop(struct rtdm_fd *fd, struct tmb_ctx *ctx, void __user *arg)
{
	int ret;

	mutex_lock(&ctx->nrt_lock);
	if (ctx->mode == RTTST_TMBENCH_INVALID) {
		mutex_unlock(&ctx->nrt_lock);
		return -EINVAL;
	}

	tmb_halt(ctx);
	ret = tmb_copy_results(fd, ctx, arg);
	kfree(ctx->hist);
	ctx->hist = NULL;
	mutex_unlock(&ctx->nrt_lock);

	return ret;
}

/* Waits for the next published second. rt context, may sleep. */
static int tmb_interm(struct rtdm_fd *fd, struct tmb_ctx *ctx,
		      void __user *arg)
{
	struct rttst_interm_bench_res res;
	rtdm_lockctx_t c;
	u32 run, seq;
	int ret;

	rtdm_waitqueue_lock(&ctx->wq, c);
	run = ctx->run;
	seq = ctx->seq;
	ret = rtdm_wait_condition_locked(&ctx->wq, !ctx->running ||
					 ctx->run != run || ctx->seq != seq);
	if (!ret && (!ctx->running || ctx->run != run))
		ret = -EIDRM;
	res = ctx->snap;
	rtdm_waitqueue_unlock(&ctx->wq, c);
	if (ret)
		return ret;

	return rtdm_safe_copy_to_user(fd, arg, &res, sizeof(res));
}

static int tmb_ioctl_nrt(struct rtdm_fd *fd, unsigned int request,
			 void __user *arg)
{
	struct tmb_ctx *ctx = rtdm_fd_to_private(fd);

	switch (request) {
	case RTTST_RTIOC_TMBENCH_START:
		return tmb_start(fd, ctx, arg);
	case RTTST_RTIOC_TMBENCH_STOP:
		return tmb_stop(fd, ctx, arg);
	case RTTST_RTIOC_INTERM_BENCH_RES:
		return -ENOSYS;		/* a wait: the rt handler's */
	default:
		return -ENOTTY;
	}
}

static int tmb_ioctl_rt(struct rtdm_fd *fd, unsigned int request,
			void __user *arg)
{
	struct tmb_ctx *ctx = rtdm_fd_to_private(fd);

	if (request == RTTST_RTIOC_INTERM_BENCH_RES)
		return tmb_interm(fd, ctx, arg);

	return -ENOSYS;
}

static void tmb_close(struct rtdm_fd *fd)
{
	struct tmb_ctx *ctx = rtdm_fd_to_private(fd);

	mutex_lock(&ctx->nrt_lock);
	if (ctx->mode != RTTST_TMBENCH_INVALID)
		tmb_halt(ctx);
	kfree(ctx->hist);
	ctx->hist = NULL;
	mutex_unlock(&ctx->nrt_lock);
	rtdm_waitqueue_destroy(&ctx->wq);
	mutex_destroy(&ctx->nrt_lock);
}

static struct rtdm_driver tmb_driver = {
	.profile_info = RTDM_PROFILE_INFO(timerbench, RTDM_CLASS_TESTING,
					  RTDM_SUBCLASS_TIMERBENCH,
					  RTTST_PROFILE_VER),
	.device_flags = RTDM_NAMED_DEVICE,
	.device_count = 1,
	.context_size = sizeof(struct tmb_ctx),
	.ops = {
		.open = tmb_open,
		.close = tmb_close,
		.ioctl_rt = tmb_ioctl_rt,
		.ioctl_nrt = tmb_ioctl_nrt,
	},
};

static struct rtdm_device tmb_device = {
	.driver = &tmb_driver,
	.label = "timerbench",
};

static int __init tmb_init(void)
{
	return rtdm_dev_register(&tmb_device);
}

static void __exit tmb_exit(void)
{
	rtdm_dev_unregister(&tmb_device);
}

module_init(tmb_init);
module_exit(tmb_exit);
