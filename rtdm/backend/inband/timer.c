// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: timers.
 *
 * RTDM timers are hrtimers in hard mode: their handlers run in hard
 * interrupt context on PREEMPT_RT too. rtdm_timer_start() and
 * rtdm_timer_stop() called from the timer's own handler act on the
 * running handler instead of cancelling it (hrtimer_cancel() would wait
 * for the handler to return: a deadlock).
 */
#include "inband.h"
#include <linux/timekeeping.h>

/*
 * True when called from @timer's own handler: it runs in hard interrupt
 * context on this CPU, and no other timer handler can run here meanwhile.
 */
static bool in_own_handler(rtdm_timer_t *timer)
{
	return in_hardirq() && READ_ONCE(timer->in_handler) &&
		READ_ONCE(timer->handler_cpu) == raw_smp_processor_id();
}

static enum hrtimer_restart timer_trampoline(struct hrtimer *hrt)
{
	rtdm_timer_t *timer = container_of(hrt, rtdm_timer_t, hrt);

	timer->stop_in_handler = false;
	timer->restart_in_handler = false;
	WRITE_ONCE(timer->handler_cpu, raw_smp_processor_id());
	WRITE_ONCE(timer->in_handler, true);
	timer->handler(timer);
	WRITE_ONCE(timer->in_handler, false);

	if (timer->stop_in_handler)
		return HRTIMER_NORESTART;
	if (timer->restart_in_handler)
		return HRTIMER_RESTART;
	if (timer->interval) {
		hrtimer_forward_now(hrt, timer->interval);
		return HRTIMER_RESTART;
	}

	return HRTIMER_NORESTART;
}

static void setup_hrtimer(rtdm_timer_t *timer, clockid_t clock)
{
	hrtimer_init(&timer->hrt, clock, HRTIMER_MODE_ABS_HARD);
	timer->hrt.function = timer_trampoline;
	timer->clock = clock;
}

int rtdm_timer_init(rtdm_timer_t *timer, rtdm_timer_handler_t handler,
		    const char *name)
{
	if (!handler)
		return -EINVAL;

	timer->handler = handler;
	timer->name = name;
	timer->interval = 0;
	timer->in_handler = false;
	setup_hrtimer(timer, CLOCK_MONOTONIC);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_timer_init);

void rtdm_timer_destroy(rtdm_timer_t *timer)
{
	if (WARN_ON_ONCE(in_own_handler(timer)))
		return;
	hrtimer_cancel(&timer->hrt);
}
EXPORT_SYMBOL_GPL(rtdm_timer_destroy);

static clockid_t mode_clock(enum rtdm_timer_mode mode)
{
	return mode == RTDM_TIMERMODE_REALTIME ? CLOCK_REALTIME :
		CLOCK_MONOTONIC;
}

/* Absolute expiry date on @clock, or -ETIMEDOUT / -EINVAL. */
static int expiry_date(nanosecs_abs_t expiry, nanosecs_rel_t interval,
		       enum rtdm_timer_mode mode, ktime_t *date)
{
	clockid_t clock = mode_clock(mode);
	ktime_t now = clock == CLOCK_REALTIME ? ktime_get_real() : ktime_get();

	if (interval < 0 || mode > RTDM_TIMERMODE_REALTIME)
		return -EINVAL;

	if (mode == RTDM_TIMERMODE_RELATIVE) {
		if ((s64)expiry < 0)
			return -EINVAL;
		*date = ktime_add_ns(now, expiry);
		return 0;
	}

	if (!interval && (s64)expiry < ktime_to_ns(now))
		return -ETIMEDOUT;

	*date = ns_to_ktime(expiry);

	return 0;
}

int rtdm_timer_start(rtdm_timer_t *timer, nanosecs_abs_t expiry,
		     nanosecs_rel_t interval, enum rtdm_timer_mode mode)
{
	ktime_t date;
	int ret;

	if (in_own_handler(timer))
		return rtdm_timer_start_in_handler(timer, expiry, interval,
						   mode);

	ret = expiry_date(expiry, interval, mode, &date);
	if (ret)
		return ret;

	hrtimer_cancel(&timer->hrt);
	if (timer->clock != mode_clock(mode))
		setup_hrtimer(timer, mode_clock(mode));

	timer->interval = ns_to_ktime(interval);
	hrtimer_start(&timer->hrt, date, HRTIMER_MODE_ABS_HARD);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_timer_start);

void rtdm_timer_stop(rtdm_timer_t *timer)
{
	if (in_own_handler(timer))
		rtdm_timer_stop_in_handler(timer);
	else
		hrtimer_cancel(&timer->hrt);
}
EXPORT_SYMBOL_GPL(rtdm_timer_stop);

int rtdm_timer_start_in_handler(rtdm_timer_t *timer, nanosecs_abs_t expiry,
				nanosecs_rel_t interval,
				enum rtdm_timer_mode mode)
{
	ktime_t date;
	int ret;

	if (!timer->in_handler || mode_clock(mode) != timer->clock)
		return -EINVAL;

	ret = expiry_date(expiry, interval, mode, &date);
	if (ret)
		return ret;

	timer->interval = ns_to_ktime(interval);
	hrtimer_set_expires(&timer->hrt, date);
	timer->restart_in_handler = true;
	timer->stop_in_handler = false;

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_timer_start_in_handler);

void rtdm_timer_stop_in_handler(rtdm_timer_t *timer)
{
	timer->stop_in_handler = true;
	timer->restart_in_handler = false;
}
EXPORT_SYMBOL_GPL(rtdm_timer_stop_in_handler);
