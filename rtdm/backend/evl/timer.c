// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: timers, EVL timers on the monotonic (or real-time) clock.
 * Their handlers run out-of-band from the EVL tick, hard interrupts off.
 * EVL lets a handler restart or stop its own timer.
 */
#include "evl.h"

static void timer_trampoline(struct evl_timer *et)
{
	rtdm_timer_t *timer = container_of(et, rtdm_timer_t, timer);

	timer->handler(timer);
}

static void setup_timer(rtdm_timer_t *timer, struct evl_clock *clock)
{
	evl_init_timer_on_rq(&timer->timer, clock, timer_trampoline, NULL,
			     EVL_TIMER_IGRAVITY);
	timer->clock = clock;
}

int rtdm_timer_init(rtdm_timer_t *timer, rtdm_timer_handler_t handler,
		    const char *name)
{
	if (!handler)
		return -EINVAL;

	timer->handler = handler;
	timer->name = name;
	setup_timer(timer, &evl_mono_clock);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_timer_init);

void rtdm_timer_destroy(rtdm_timer_t *timer)
{
	evl_destroy_timer(&timer->timer);
}
EXPORT_SYMBOL_GPL(rtdm_timer_destroy);

static struct evl_clock *mode_clock(enum rtdm_timer_mode mode)
{
	return mode == RTDM_TIMERMODE_REALTIME ? &evl_realtime_clock :
		&evl_mono_clock;
}

/* Absolute expiry date on the clock of @mode, or -ETIMEDOUT / -EINVAL. */
static int expiry_date(nanosecs_abs_t expiry, nanosecs_rel_t interval,
		       enum rtdm_timer_mode mode, ktime_t *date)
{
	ktime_t now;

	if (interval < 0 || mode > RTDM_TIMERMODE_REALTIME)
		return -EINVAL;

	now = evl_read_clock(mode_clock(mode));
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

	ret = expiry_date(expiry, interval, mode, &date);
	if (ret)
		return ret;

	if (timer->clock != mode_clock(mode)) {
		/* a timer moves to another clock only when idle */
		if (evl_timer_is_running(&timer->timer))
			evl_stop_timer(&timer->timer);
		evl_destroy_timer(&timer->timer);
		setup_timer(timer, mode_clock(mode));
	}

	evl_start_timer(&timer->timer, date,
			interval ? ns_to_ktime(interval) : EVL_INFINITE);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_timer_start);

void rtdm_timer_stop(rtdm_timer_t *timer)
{
	evl_stop_timer(&timer->timer);
}
EXPORT_SYMBOL_GPL(rtdm_timer_stop);

int rtdm_timer_start_in_handler(rtdm_timer_t *timer, nanosecs_abs_t expiry,
				nanosecs_rel_t interval,
				enum rtdm_timer_mode mode)
{
	if (mode_clock(mode) != timer->clock)
		return -EINVAL;

	return rtdm_timer_start(timer, expiry, interval, mode);
}
EXPORT_SYMBOL_GPL(rtdm_timer_start_in_handler);

void rtdm_timer_stop_in_handler(rtdm_timer_t *timer)
{
	evl_stop_timer(&timer->timer);
}
EXPORT_SYMBOL_GPL(rtdm_timer_stop_in_handler);
