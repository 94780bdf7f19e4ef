// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM test driver: mutexes, timers, tasks, sleeps, nrt signals and the
 * kernel-side latency measurement.
 *
 * Every measurement runs on state allocated for the request alone and
 * released before the request returns, so that a close() of the fd in
 * the middle of it cannot pull anything from under it.
 */
#include <linux/preempt.h>
#include "rttst.h"

static bool rttst_period_ok(s64 period, u32 count)
{
	return period >= RTTST_PERIOD_MIN && period <= RTTST_PERIOD_MAX &&
		count >= 1 && count <= RTTST_COUNT_MAX &&
		period * count <= RTTST_RUN_MAX;
}

/* ------------------------------------------------------------------ */
/* Mutex                                                              */
/* ------------------------------------------------------------------ */

struct rttst_mutex_run;

struct rttst_mutex_waiter {
	struct rttst_mutex_run *run;
	rtdm_task_t task;
	rtdm_event_t started;
	int idx;
	int ret;
	u32 order;
	u64 waited_ns;
};

struct rttst_mutex_run {
	rtdm_mutex_t mutex;
	rtdm_event_t locked;		/* the holder has it */
	rtdm_event_t go;		/* the waiters are queued */
	rtdm_event_t done;		/* the holder is done */
	rtdm_lock_t lock;		/* @acquired, @nwaiting */
	rtdm_task_t holder;
	struct rttst_mutex_waiter w[RTTST_MUTEX_WAITERS];
	const struct rttst_mutex *m;
	u32 acquired;
	int lock_ret;
	int prio_before;
	int prio_during;
	int prio_after;
};

static void rttst_mutex_holder(void *arg)
{
	struct rttst_mutex_run *r = arg;

	r->lock_ret = rtdm_mutex_lock(&r->mutex);
	r->prio_before = rtdm_task_current_priority();
	rtdm_event_signal(&r->locked);
	if (r->lock_ret) {
		rtdm_event_signal(&r->done);
		return;
	}
	rtdm_event_timedwait(&r->go, RTTST_GRACE, NULL);
	rtdm_task_sleep(r->m->hold_ns);
	r->prio_during = rtdm_task_current_priority();
	rtdm_mutex_unlock(&r->mutex);
	r->prio_after = rtdm_task_current_priority();
	rtdm_event_signal(&r->done);
}

static void rttst_mutex_waiter(void *arg)
{
	struct rttst_mutex_waiter *w = arg;
	struct rttst_mutex_run *r = w->run;
	rtdm_lockctx_t c;
	u64 t0;

	rtdm_event_signal(&w->started);
	t0 = rtdm_clock_read();
	if (r->m->flags & RTTST_MUTEX_PI)
		w->ret = rtdm_mutex_lock(&r->mutex);
	else
		w->ret = rtdm_mutex_timedlock(&r->mutex, r->m->timeout_ns,
					      NULL);
	w->waited_ns = rtdm_clock_read() - t0;
	if (w->ret)
		return;

	rtdm_lock_get_irqsave(&r->lock, c);
	w->order = ++r->acquired;
	rtdm_lock_put_irqrestore(&r->lock, c);
	rtdm_task_sleep(RTTST_MS);
	rtdm_mutex_unlock(&r->mutex);
}

/* Lets a waiter that was just started reach its lock call. */
#define RTTST_MUTEX_SETTLE	(20 * RTTST_MS)

int rttst_mutex_test(struct rttst_ctx *ctx, struct rttst_mutex *m)
{
	struct rttst_mutex_run *r;
	int ret, n, started = 0;

	if (!m->nwaiters)
		m->nwaiters = 1;
	if (m->hold_ns <= 0 || m->hold_ns > RTTST_DELAY_MAX ||
	    m->timeout_ns > RTTST_DELAY_MAX ||
	    m->nwaiters > RTTST_MUTEX_WAITERS ||
	    m->holder_prio < 1 || m->holder_prio > RTDM_TASK_HIGHEST_PRIORITY ||
	    (m->flags & ~(RTTST_MUTEX_PI | RTTST_MUTEX_DESTROY)))
		return -EINVAL;
	for (n = 0; n < m->nwaiters; n++)
		if (m->waiter_prio[n] < 1 ||
		    m->waiter_prio[n] > RTDM_TASK_HIGHEST_PRIORITY)
			return -EINVAL;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;

	r->m = m;
	rtdm_mutex_init(&r->mutex);
	rtdm_event_init(&r->locked, 0);
	rtdm_event_init(&r->go, 0);
	rtdm_event_init(&r->done, 0);
	rtdm_lock_init(&r->lock);

	ret = rtdm_task_init(&r->holder, "rttst-mutex", rttst_mutex_holder, r,
			     m->holder_prio, 0);
	if (ret)
		goto out;

	ret = rtdm_event_timedwait(&r->locked, RTTST_GRACE, NULL);
	if (!ret)
		ret = r->lock_ret;
	if (ret)
		goto stop;

	for (n = 0; n < m->nwaiters; n++, started++) {
		struct rttst_mutex_waiter *w = &r->w[n];

		w->run = r;
		w->idx = n;
		rtdm_event_init(&w->started, 0);
		ret = rtdm_task_init(&w->task, "rttst-mwait",
				     rttst_mutex_waiter, w, m->waiter_prio[n],
				     0);
		if (ret) {
			rtdm_event_destroy(&w->started);
			goto stop;
		}
		rtdm_event_timedwait(&w->started, RTTST_GRACE, NULL);
		rtdm_task_sleep(RTTST_MUTEX_SETTLE);
	}

	if (m->flags & RTTST_MUTEX_DESTROY)
		rtdm_mutex_destroy(&r->mutex);
	rtdm_event_signal(&r->go);

	ret = rtdm_event_timedwait(&r->done, m->hold_ns + RTTST_GRACE, NULL);
	for (n = 0; n < started; n++)
		rtdm_task_join(&r->w[n].task);
	m->holder_prio_before = r->prio_before;
	m->holder_prio_during = r->prio_during;
	m->holder_prio_after = r->prio_after;
	for (n = 0; n < started; n++) {
		m->ret[n] = r->w[n].ret;
		m->order[n] = r->w[n].order;
		m->waited_ns[n] = r->w[n].waited_ns;
	}
stop:
	for (n = 0; n < started; n++) {
		rtdm_task_destroy(&r->w[n].task);
		rtdm_event_destroy(&r->w[n].started);
	}
	rtdm_task_destroy(&r->holder);
out:
	rtdm_event_destroy(&r->done);
	rtdm_event_destroy(&r->go);
	rtdm_event_destroy(&r->locked);
	rtdm_mutex_destroy(&r->mutex);
	kfree(r);

	return ret;
}

/* ------------------------------------------------------------------ */
/* Timer restarted and stopped from its own handler                   */
/* ------------------------------------------------------------------ */

struct rttst_tself_run {
	rtdm_timer_t timer;
	rtdm_event_t done;
	const struct rttst_timer_self *t;
	u32 fired;
	u32 fired_after;
	int start_ret;
	bool stopped;
};

static void rttst_tself_handler(rtdm_timer_t *timer)
{
	struct rttst_tself_run *r =
		container_of(timer, struct rttst_tself_run, timer);
	int ret;

	if (r->stopped) {
		r->fired_after++;
		return;
	}
	if (++r->fired >= r->t->count) {
		rtdm_timer_stop(timer);
		r->stopped = true;
		rtdm_event_signal(&r->done);
		return;
	}
	if (r->t->mode == RTTST_TSELF_ONESHOT) {
		ret = rtdm_timer_start(timer, r->t->period_ns, 0,
				       RTDM_TIMERMODE_RELATIVE);
		if (ret && !r->start_ret)
			r->start_ret = ret;
	}
}

int rttst_timer_self(struct rttst_timer_self *t)
{
	struct rttst_tself_run *r;
	int ret;

	if (!rttst_period_ok(t->period_ns, t->count) ||
	    t->mode > RTTST_TSELF_PERIODIC)
		return -EINVAL;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->t = t;
	rtdm_event_init(&r->done, 0);
	ret = rtdm_timer_init(&r->timer, rttst_tself_handler, "rttst-self");
	if (ret)
		goto out;

	ret = rtdm_timer_start(&r->timer, t->period_ns,
			       t->mode == RTTST_TSELF_PERIODIC ?
			       t->period_ns : 0, RTDM_TIMERMODE_RELATIVE);
	if (!ret) {
		t->ret = rtdm_event_timedwait(&r->done, t->period_ns *
					      t->count + RTTST_GRACE, NULL);
		rtdm_task_sleep(3 * t->period_ns);
	}
	rtdm_timer_destroy(&r->timer);
	t->fired = r->fired;
	t->fired_after = r->fired_after;
	t->start_ret = r->start_ret;
out:
	rtdm_event_destroy(&r->done);
	kfree(r);

	return ret;
}

/* ------------------------------------------------------------------ */
/* One-shot timer                                                     */
/* ------------------------------------------------------------------ */

struct rttst_oneshot_run {
	rtdm_timer_t timer;
	rtdm_event_t done;
	u64 fired_ns;
	u32 fired;
	u32 hardirq;
	u32 rt_context;
};

static void rttst_oneshot_handler(rtdm_timer_t *timer)
{
	struct rttst_oneshot_run *r =
		container_of(timer, struct rttst_oneshot_run, timer);

	r->fired_ns = rtdm_clock_read();
	r->fired++;
	r->hardirq = !!in_hardirq();
	r->rt_context = !!rtdm_in_rt_context();
	rtdm_event_signal(&r->done);
}

int rttst_timer_oneshot(struct rttst_timer_oneshot *t)
{
	struct rttst_oneshot_run *r;
	nanosecs_abs_t expiry;
	int ret;

	if (t->delay_ns > RTTST_DELAY_MAX || t->delay_ns < -RTTST_DELAY_MAX)
		return -EINVAL;
	if (t->mode == RTTST_TIMER_RELATIVE) {
		if (t->delay_ns <= 0)
			return -EINVAL;
	} else if (t->mode != RTTST_TIMER_ABSOLUTE) {
		return -EINVAL;
	}

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;

	rtdm_event_init(&r->done, 0);
	ret = rtdm_timer_init(&r->timer, rttst_oneshot_handler, "rttst-oneshot");
	if (ret)
		goto out;

	t->armed_ns = rtdm_clock_read();
	t->expiry_ns = t->armed_ns + t->delay_ns;
	if (t->mode == RTTST_TIMER_RELATIVE) {
		expiry = t->delay_ns;
		t->ret = rtdm_timer_start(&r->timer, expiry, 0,
					  RTDM_TIMERMODE_RELATIVE);
	} else {
		expiry = t->expiry_ns;
		t->ret = rtdm_timer_start(&r->timer, expiry, 0,
					  RTDM_TIMERMODE_ABSOLUTE);
	}
	if (!t->ret)
		t->ret = rtdm_event_timedwait(&r->done,
					      abs(t->delay_ns) + RTTST_GRACE,
					      NULL);
	rtdm_timer_destroy(&r->timer);

	t->fired_ns = r->fired_ns;
	t->fired = r->fired;
	t->hardirq = r->hardirq;
	t->rt_context = r->rt_context;
out:
	rtdm_event_destroy(&r->done);
	kfree(r);

	return ret;
}

/* ------------------------------------------------------------------ */
/* Periodic timer                                                     */
/* ------------------------------------------------------------------ */

struct rttst_periodic_run {
	rtdm_timer_t timer;
	rtdm_event_t done;
	s64 period;
	u32 count;
	u64 next;		/* ideal date of the next tick */
	u32 ticks;
	u32 extra;
	u32 overruns;
	u32 hardirq;
	bool stopped;
	u64 first_ns;
	u64 last_ns;
	struct rttst_stats lat;
};

/* Accounts for the periods a late tick skipped, as hrtimers do. */
static void rttst_advance(u64 *next, s64 period, u64 now, u32 *overruns)
{
	*next += period;
	while (*next <= now) {
		*next += period;
		(*overruns)++;
	}
}

static void rttst_periodic_handler(rtdm_timer_t *timer)
{
	struct rttst_periodic_run *r =
		container_of(timer, struct rttst_periodic_run, timer);
	u64 now = rtdm_clock_read();

	if (r->stopped) {
		r->extra++;
		return;
	}

	if (!r->ticks)
		r->first_ns = now;
	r->last_ns = now;
	r->ticks++;
	if (in_hardirq())
		r->hardirq++;
	rttst_stats_add(&r->lat, (s64)(now - r->next));
	rttst_advance(&r->next, r->period, now, &r->overruns);

	if (r->ticks >= r->count) {
		r->stopped = true;
		rtdm_timer_stop_in_handler(timer);
		rtdm_event_signal(&r->done);
	}
}

int rttst_timer_periodic(struct rttst_timer_periodic *t)
{
	struct rttst_periodic_run *r;
	s64 linger;
	int ret;

	if (!rttst_period_ok(t->period_ns, t->count))
		return -EINVAL;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;

	rtdm_event_init(&r->done, 0);
	rttst_stats_init(&r->lat);
	r->period = t->period_ns;
	r->count = t->count;
	ret = rtdm_timer_init(&r->timer, rttst_periodic_handler,
			      "rttst-periodic");
	if (ret)
		goto out;

	/* Absolute first expiry: the ideal dates are known exactly. */
	r->next = rtdm_clock_read() + t->period_ns;
	t->start_ns = r->next;
	t->ret = rtdm_timer_start(&r->timer, r->next, t->period_ns,
				  RTDM_TIMERMODE_ABSOLUTE);
	if (!t->ret) {
		t->ret = rtdm_event_timedwait(&r->done,
					      t->period_ns * t->count +
					      RTTST_GRACE, NULL);
		/* Give a stopped timer the chance to fire again. */
		linger = max_t(s64, 3 * t->period_ns, 2 * NSEC_PER_MSEC);
		if (!t->ret)
			rtdm_task_sleep(linger);
	}
	rtdm_timer_destroy(&r->timer);

	t->ticks = r->ticks;
	t->extra_ticks = r->extra;
	t->overruns = r->overruns;
	t->hardirq = r->hardirq;
	t->first_ns = r->first_ns;
	t->last_ns = r->last_ns;
	rttst_stats_put(&r->lat, &t->lat_min_ns, &t->lat_avg_ns,
			&t->lat_max_ns);
out:
	rtdm_event_destroy(&r->done);
	kfree(r);

	return ret;
}

/* ------------------------------------------------------------------ */
/* Periodic task                                                      */
/* ------------------------------------------------------------------ */

struct rttst_task_run {
	rtdm_task_t task;
	rtdm_event_t done;
	s64 period;
	u32 count;
	u64 start;
	u64 idx;		/* index of the release being served */
	int ret;
	u32 cycles;
	u32 overruns;
	u32 timedout;
	u32 extra;
	u32 in_rt;
	u32 rt_priority;
	u32 is_current;
	u32 stopped;
	u64 first_ns;
	u64 last_ns;
	struct rttst_stats lat;
	u32 *hist;		/* latency: histogram, NULL otherwise */
	u32 buckets;
	u32 bucket_ns;
	u32 hist_overflow;
};

static void rttst_hist_add(struct rttst_task_run *r, s64 lat)
{
	u64 b;

	if (!r->hist)
		return;

	b = lat < 0 ? 0 : div_u64((u64)lat, r->bucket_ns);
	if (b >= r->buckets)
		r->hist_overflow++;
	else
		r->hist[b]++;
}

static void rttst_periodic_task(void *arg)
{
	struct rttst_task_run *r = arg;
	unsigned long ov;
	u64 now;
	int ret;

	r->is_current = rtdm_task_current() == &r->task;
	r->in_rt = !!rtdm_in_rt_context();
	r->rt_priority = current->rt_priority;

	/* Re-base the period on a release date the caller knows. */
	ret = rtdm_task_set_period(&r->task, r->start, r->period);
	if (ret) {
		r->ret = ret;
		goto out;
	}

	while (!rtdm_task_should_stop()) {
		ov = 0;
		ret = rtdm_task_wait_period(&ov);
		now = rtdm_clock_read();
		if (ret == -ETIMEDOUT) {
			r->timedout++;
			r->overruns += ov;
			r->idx += ov;
		} else if (ret) {
			if (!rtdm_task_should_stop())
				r->ret = ret;
			break;
		}

		if (r->cycles >= r->count) {
			r->extra++;
			continue;
		}

		if (!r->cycles)
			r->first_ns = now;
		r->last_ns = now;
		r->cycles++;
		rttst_stats_add(&r->lat, (s64)(now - (r->start +
						      r->idx * r->period)));
		rttst_hist_add(r, (s64)(now - (r->start + r->idx * r->period)));
		r->idx++;
		if (r->cycles == r->count)
			rtdm_event_signal(&r->done);
	}
out:
	r->stopped = 1;
	rtdm_event_signal(&r->done);
}

/* Runs a periodic kernel task for @r->count periods. */
static int rttst_run_task(struct rttst_task_run *r, int prio, s64 timeout)
{
	int ret;

	rtdm_event_init(&r->done, 0);
	rttst_stats_init(&r->lat);
	r->start = rtdm_clock_read() + r->period + 5 * NSEC_PER_MSEC;

	ret = rtdm_task_init(&r->task, "rttst-periodic", rttst_periodic_task,
			     r, prio, r->period);
	if (ret) {
		r->ret = ret;
		goto out;
	}

	ret = rtdm_event_timedwait(&r->done, timeout, NULL);
	if (ret && !r->ret)
		r->ret = ret;

	rtdm_task_destroy(&r->task);
out:
	rtdm_event_destroy(&r->done);

	return 0;
}

int rttst_task_periodic(struct rttst_task_periodic *t)
{
	struct rttst_task_run *r;

	if (!rttst_period_ok(t->period_ns, t->count) ||
	    t->prio < 1 || t->prio > RTDM_TASK_HIGHEST_PRIORITY)
		return -EINVAL;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;

	r->period = t->period_ns;
	r->count = t->count;
	rttst_run_task(r, t->prio, t->period_ns * (t->count + 5) + RTTST_GRACE);

	t->ret = r->ret;
	t->cycles = r->cycles;
	t->overruns = r->overruns;
	t->timedout = r->timedout;
	rttst_stats_put(&r->lat, &t->lat_min_ns, &t->lat_avg_ns,
			&t->lat_max_ns);
	t->start_ns = r->start;
	t->first_ns = r->first_ns;
	t->last_ns = r->last_ns;
	t->in_rt = r->in_rt;
	t->rt_priority = r->rt_priority;
	t->is_current = r->is_current;
	t->stopped = r->stopped;
	t->extra_cycles = r->extra;
	kfree(r);

	return 0;
}

/* ------------------------------------------------------------------ */
/* Sleeps, from the caller's own thread                               */
/* ------------------------------------------------------------------ */

int rttst_task_sleep(struct rttst_sleep *s)
{
	if (s->delay_ns <= 0 || s->delay_ns > RTTST_DELAY_MAX)
		return -EINVAL;

	s->in_rt = !!rtdm_in_rt_context();
	s->start_ns = rtdm_clock_read();
	switch (s->mode) {
	case RTTST_SLEEP_REL:
		s->ret = rtdm_task_sleep(s->delay_ns);
		break;
	case RTTST_SLEEP_ABS:
		s->ret = rtdm_task_sleep_abs(s->start_ns + s->delay_ns,
					     RTDM_TIMERMODE_ABSOLUTE);
		break;
	case RTTST_SLEEP_UNTIL:
		s->ret = rtdm_task_sleep_until(s->start_ns + s->delay_ns);
		break;
	case RTTST_SLEEP_BUSY:
		/* Spins: keep it short. */
		if (s->delay_ns > 100 * NSEC_PER_MSEC)
			return -EINVAL;
		rtdm_task_busy_sleep(s->delay_ns);
		s->ret = 0;
		break;
	default:
		return -EINVAL;
	}
	s->end_ns = rtdm_clock_read();

	return 0;
}

/* ------------------------------------------------------------------ */
/* nrt signals, pended from a hard timer handler                      */
/* ------------------------------------------------------------------ */

struct rttst_nrtsig_run {
	rtdm_timer_t timer;
	rtdm_nrtsig_t sig;
	rtdm_event_t done;
	rtdm_lock_t lock;
	u32 count;
	bool busy;		/* pended, handler not run yet */
	u64 pend_ns;
	u32 pends;
	u32 pend_hardirq;
	u32 pend_rt;
	u32 runs;
	u32 run_hardirq;
	u32 run_task;
	u32 run_softirq;
	u32 run_rt;
	struct rttst_stats lat;
};

static void rttst_nrtsig_timer(rtdm_timer_t *timer)
{
	struct rttst_nrtsig_run *r =
		container_of(timer, struct rttst_nrtsig_run, timer);
	rtdm_lockctx_t c;
	bool pend = false;

	rtdm_lock_get_irqsave(&r->lock, c);
	if (r->pends >= r->count) {
		rtdm_timer_stop_in_handler(timer);
	} else if (!r->busy) {
		r->busy = true;
		r->pends++;
		if (in_hardirq())
			r->pend_hardirq++;
		if (rtdm_in_rt_context())
			r->pend_rt++;
		r->pend_ns = rtdm_clock_read();
		pend = true;
	}
	rtdm_lock_put_irqrestore(&r->lock, c);

	if (pend)
		rtdm_nrtsig_pend(&r->sig);
}

static void rttst_nrtsig_handler(rtdm_nrtsig_t *nrt_sig, void *arg)
{
	struct rttst_nrtsig_run *r = arg;
	u64 now = rtdm_clock_read();
	rtdm_lockctx_t c;
	bool done;

	rtdm_lock_get_irqsave(&r->lock, c);
	r->runs++;
	if (in_hardirq())
		r->run_hardirq++;
	if (in_task())
		r->run_task++;
	if (in_serving_softirq())
		r->run_softirq++;
	if (rtdm_in_rt_context())
		r->run_rt++;
	if (r->busy)
		rttst_stats_add(&r->lat, (s64)(now - r->pend_ns));
	r->busy = false;
	done = r->runs == r->count;
	rtdm_lock_put_irqrestore(&r->lock, c);

	if (done)
		rtdm_event_signal(&r->done);
}

int rttst_nrtsig(struct rttst_nrtsig *n)
{
	struct rttst_nrtsig_run *r;
	s64 period = n->period_ns ?: NSEC_PER_MSEC;
	int ret;

	if (!rttst_period_ok(period, n->count) || n->count > 10000)
		return -EINVAL;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;

	rtdm_lock_init(&r->lock);
	rtdm_event_init(&r->done, 0);
	rttst_stats_init(&r->lat);
	r->count = n->count;

	ret = rtdm_nrtsig_init(&r->sig, rttst_nrtsig_handler, r);
	if (ret)
		goto out_event;

	ret = rtdm_timer_init(&r->timer, rttst_nrtsig_timer, "rttst-nrtsig");
	if (ret)
		goto out_sig;

	n->ret = rtdm_timer_start(&r->timer, period, period,
				  RTDM_TIMERMODE_RELATIVE);
	if (!n->ret)
		/* Each pend waits for the previous run: allow for slack. */
		n->ret = rtdm_event_timedwait(&r->done,
					      2 * period * n->count +
					      RTTST_GRACE, NULL);
	rtdm_timer_destroy(&r->timer);
out_sig:
	/* Flushes a pending run. */
	rtdm_nrtsig_destroy(&r->sig);

	if (!ret) {
		n->pends = r->pends;
		n->pend_hardirq = r->pend_hardirq;
		n->pend_rt = r->pend_rt;
		n->runs = r->runs;
		n->run_hardirq = r->run_hardirq;
		n->run_task = r->run_task;
		n->run_softirq = r->run_softirq;
		n->run_rt = r->run_rt;
		rttst_stats_put(&r->lat, &n->lat_min_ns, &n->lat_avg_ns,
				&n->lat_max_ns);
	}
out_event:
	rtdm_event_destroy(&r->done);
	kfree(r);

	return ret;
}

/* ------------------------------------------------------------------ */
/* Latency measurement (like timerbench)                              */
/* ------------------------------------------------------------------ */

struct rttst_lat_run {
	rtdm_timer_t timer;
	rtdm_event_t done;
	s64 period;
	u32 samples;
	u64 next;
	bool stopped;
	u32 overruns;
	struct rttst_stats lat;
	u32 *hist;
	u32 bucket_ns;
	u32 hist_overflow;
};

static void rttst_lat_handler(rtdm_timer_t *timer)
{
	struct rttst_lat_run *r = container_of(timer, struct rttst_lat_run,
					       timer);
	u64 now = rtdm_clock_read();
	s64 lat;
	u64 b;

	if (r->stopped)
		return;

	lat = (s64)(now - r->next);
	rttst_stats_add(&r->lat, lat);
	b = lat < 0 ? 0 : div_u64((u64)lat, r->bucket_ns);
	if (b >= RTTST_LAT_BUCKETS)
		r->hist_overflow++;
	else
		r->hist[b]++;
	rttst_advance(&r->next, r->period, now, &r->overruns);

	if (r->lat.n >= r->samples) {
		r->stopped = true;
		rtdm_timer_stop_in_handler(timer);
		rtdm_event_signal(&r->done);
	}
}

static int rttst_latency_timer(struct rttst_latency *l, s64 timeout)
{
	struct rttst_lat_run *r;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;

	rtdm_event_init(&r->done, 0);
	rttst_stats_init(&r->lat);
	r->period = l->period_ns;
	r->samples = l->samples;
	r->hist = l->hist;
	r->bucket_ns = l->bucket_ns;

	ret = rtdm_timer_init(&r->timer, rttst_lat_handler, "rttst-latency");
	if (ret)
		goto out;

	r->next = rtdm_clock_read() + r->period;
	l->ret = rtdm_timer_start(&r->timer, r->next, r->period,
				  RTDM_TIMERMODE_ABSOLUTE);
	if (!l->ret)
		l->ret = rtdm_event_timedwait(&r->done, timeout, NULL);
	rtdm_timer_destroy(&r->timer);

	l->overruns = r->overruns;
	l->collected = r->lat.n;
	l->hist_overflow = r->hist_overflow;
	rttst_stats_put(&r->lat, &l->min_ns, &l->avg_ns, &l->max_ns);
out:
	rtdm_event_destroy(&r->done);
	kfree(r);

	return ret;
}

static int rttst_latency_task(struct rttst_latency *l, s64 timeout)
{
	struct rttst_task_run *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;

	r->period = l->period_ns;
	r->count = l->samples;
	r->hist = l->hist;
	r->buckets = RTTST_LAT_BUCKETS;
	r->bucket_ns = l->bucket_ns;
	rttst_run_task(r, l->prio, timeout);

	l->ret = r->ret;
	l->overruns = r->overruns;
	l->collected = r->cycles;
	l->hist_overflow = r->hist_overflow;
	rttst_stats_put(&r->lat, &l->min_ns, &l->avg_ns, &l->max_ns);
	kfree(r);

	return 0;
}

int rttst_latency(struct rttst_latency *l)
{
	s64 timeout;

	if (l->period_ns < RTTST_PERIOD_MIN || l->period_ns > RTTST_PERIOD_MAX ||
	    !l->samples || l->samples > RTTST_LAT_SAMPLES_MAX ||
	    l->period_ns * l->samples > RTTST_LAT_RUN_MAX ||
	    l->prio > RTDM_TASK_HIGHEST_PRIORITY ||
	    l->bucket_ns > NSEC_PER_SEC)
		return -EINVAL;

	if (!l->prio)
		l->prio = RTDM_TASK_HIGHEST_PRIORITY;
	if (!l->bucket_ns)
		l->bucket_ns = RTTST_LAT_BUCKET_NS;

	l->ret = 0;
	l->overruns = 0;
	l->collected = 0;
	l->hist_overflow = 0;
	memset(l->hist, 0, sizeof(l->hist));
	timeout = l->period_ns * (l->samples + 5) + RTTST_GRACE;

	switch (l->mode) {
	case RTTST_LAT_TIMER:
		return rttst_latency_timer(l, timeout);
	case RTTST_LAT_TASK:
		return rttst_latency_task(l, timeout);
	default:
		return -EINVAL;
	}
}
