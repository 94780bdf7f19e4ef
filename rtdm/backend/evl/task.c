// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: RTDM tasks and sleeps.
 *
 * An RTDM task is an EVL kernel thread in the EVL FIFO class (priority 0
 * runs at EVL's lowest FIFO priority, 1). Periodic tasks sleep on
 * absolute release dates with evl_sleep_until(), computed as on the
 * inband backend. Sleeps work on both stages: EVL out-of-band, an
 * hrtimer in-band.
 */
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include "evl.h"

#define RTDM_EVL_TASK_MAGIC	0x5254544b

static LIST_HEAD(task_list);
static DEFINE_MUTEX(task_list_lock);
static atomic_t task_seq;

rtdm_task_t *rtdm_task_current(void)
{
	struct evl_kthread *kt;
	rtdm_task_t *task;

	if (running_inband() || !evl_current() ||
	    (evl_current()->state & EVL_T_USER))
		return NULL;

	kt = evl_current_kthread();
	if (!kt)
		return NULL;
	task = container_of(kt, rtdm_task_t, kthread);

	return task->magic == RTDM_EVL_TASK_MAGIC ? task : NULL;
}
EXPORT_SYMBOL_GPL(rtdm_task_current);

bool rtdm_wait_interrupted(void)
{
	return signal_pending(current);
}

static void task_trampoline(void *arg)
{
	rtdm_task_t *task = arg;

	task->proc(task->arg);
	/* out-of-band: an RTDM event, which in-band joiners can wait on */
	rtdm_event_signal(&task->exited);
}

static int evl_prio(int priority)
{
	return clamp(priority, 1, RTDM_TASK_HIGHEST_PRIORITY);
}

void rtdm_task_set_priority(rtdm_task_t *task, int priority)
{
	task->priority = clamp(priority, RTDM_TASK_LOWEST_PRIORITY,
			       RTDM_TASK_HIGHEST_PRIORITY);
	evl_set_kthread_priority(&task->kthread, evl_prio(priority));
}
EXPORT_SYMBOL_GPL(rtdm_task_set_priority);

int rtdm_task_init(rtdm_task_t *task, const char *name,
		   rtdm_task_proc_t task_proc, void *arg,
		   int priority, nanosecs_rel_t period)
{
	int ret;

	if (!task_proc || period < 0)
		return -EINVAL;

	task->magic = RTDM_EVL_TASK_MAGIC;
	task->proc = task_proc;
	task->arg = arg;
	task->stopping = false;
	task->periods = 0;
	task->overruns = 0;
	task->max_lateness_ns = 0;
	task->priority = clamp(priority, RTDM_TASK_LOWEST_PRIORITY,
			       RTDM_TASK_HIGHEST_PRIORITY);
	task->period = ns_to_ktime(period);
	task->next = ktime_add_ns(evl_read_clock(&evl_mono_clock), period);
	strscpy(task->name, name ?: "rtdm-task", sizeof(task->name));
	rtdm_event_init(&task->exited, 0);

	mutex_lock(&task_list_lock);
	list_add_tail(&task->link, &task_list);
	mutex_unlock(&task_list_lock);

	/* EVL thread names are unique */
	ret = evl_run_kthread(&task->kthread, task_trampoline, task,
			      evl_prio(priority), 0, "%s.%u", task->name,
			      (unsigned int)atomic_inc_return(&task_seq));
	if (ret) {
		mutex_lock(&task_list_lock);
		list_del(&task->link);
		mutex_unlock(&task_list_lock);
		rtdm_event_destroy(&task->exited);
		task->magic = 0;
		return ret;
	}
	task->running = true;

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_task_init);

void rtdm_task_destroy(rtdm_task_t *task)
{
	if (!task->running)
		return;

	WRITE_ONCE(task->stopping, true);
	evl_stop_kthread(&task->kthread);
	task->running = false;
	rtdm_event_destroy(&task->exited);

	mutex_lock(&task_list_lock);
	list_del(&task->link);
	mutex_unlock(&task_list_lock);
}
EXPORT_SYMBOL_GPL(rtdm_task_destroy);

void rtdm_task_join(rtdm_task_t *task)
{
	int ret;

	/* the event stays signalled once the procedure returned */
	do
		ret = rtdm_event_wait(&task->exited);
	while (ret == -EINTR);
	if (!ret)
		rtdm_event_signal(&task->exited);
}
EXPORT_SYMBOL_GPL(rtdm_task_join);

int rtdm_task_should_stop(void)
{
	rtdm_task_t *task = rtdm_task_current();

	return task && (READ_ONCE(task->stopping) ||
			evl_kthread_should_stop());
}
EXPORT_SYMBOL_GPL(rtdm_task_should_stop);

int rtdm_task_set_period(rtdm_task_t *task, nanosecs_abs_t start_date,
			 nanosecs_rel_t period)
{
	if (period < 0)
		return -EINVAL;

	task->period = ns_to_ktime(period);
	task->next = start_date ? ns_to_ktime(start_date) :
		ktime_add_ns(evl_read_clock(&evl_mono_clock), period);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_task_set_period);

/* Sleep until @deadline on @clock: 0, or -EINTR. Either stage. */
static int sleep_until(ktime_t deadline, struct evl_clock *clock)
{
	enum evl_tmode mode;
	ktime_t timeout;
	int ret;

	rtdm_might_wait();

	if (running_oob()) {
		timeout = evl_timeout(deadline, &mode);
		evl_delay(timeout, mode, clock);
		return evl_current()->info & (EVL_T_BREAK | EVL_T_KICKED) ?
			-EINTR : 0;
	}

	do {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current)) {
			__set_current_state(TASK_RUNNING);
			return -EINTR;
		}
		if (deadline == KTIME_MAX) {
			schedule();
			ret = -EINTR;
			continue;
		}
		ret = schedule_hrtimeout_range_clock(&deadline, 0,
						     HRTIMER_MODE_ABS,
						     clock == &evl_realtime_clock ?
						     CLOCK_REALTIME :
						     CLOCK_MONOTONIC);
	} while (ret);

	return 0;
}

int rtdm_task_wait_period(unsigned long *overruns_r)
{
	rtdm_task_t *task = rtdm_task_current();
	ktime_t now, delta;
	u64 overruns = 0;
	int ret;

	if (!task || !task->period)
		return -EWOULDBLOCK;

	now = evl_read_clock(&evl_mono_clock);
	if (ktime_before(now, task->next)) {
		ret = sleep_until(task->next, &evl_mono_clock);
		if (ret)
			return ret;
		now = evl_read_clock(&evl_mono_clock);
	}

	delta = ktime_sub(now, task->next);
	if (delta >= task->period)
		overruns = div64_u64(delta, task->period);
	else if (delta > task->max_lateness_ns)
		task->max_lateness_ns = delta;

	task->next = ktime_add(task->next, (overruns + 1) * task->period);
	task->periods++;
	task->overruns += overruns;
	if (overruns_r)
		*overruns_r = overruns;

	return overruns ? -ETIMEDOUT : 0;
}
EXPORT_SYMBOL_GPL(rtdm_task_wait_period);

int rtdm_task_unblock(rtdm_task_t *task)
{
	if (!task->running)
		return 0;

	evl_unblock_kthread(&task->kthread, EVL_T_BREAK);
	rtdm_evl_schedule();

	return 1;
}
EXPORT_SYMBOL_GPL(rtdm_task_unblock);

int rtdm_task_sleep(nanosecs_rel_t delay)
{
	if (delay < 0)
		return -EINVAL;

	return sleep_until(delay ? ktime_add_ns(evl_read_clock(&evl_mono_clock),
						delay) : KTIME_MAX,
			   &evl_mono_clock);
}
EXPORT_SYMBOL_GPL(rtdm_task_sleep);

int rtdm_task_sleep_abs(nanosecs_abs_t wakeup, enum rtdm_timer_mode mode)
{
	switch (mode) {
	case RTDM_TIMERMODE_ABSOLUTE:
		return sleep_until(ns_to_ktime(wakeup), &evl_mono_clock);
	case RTDM_TIMERMODE_REALTIME:
		return sleep_until(ns_to_ktime(wakeup), &evl_realtime_clock);
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_GPL(rtdm_task_sleep_abs);

int rtdm_task_sleep_until(nanosecs_abs_t wakeup_time)
{
	return rtdm_task_sleep_abs(wakeup_time, RTDM_TIMERMODE_ABSOLUTE);
}
EXPORT_SYMBOL_GPL(rtdm_task_sleep_until);

/* The EVL priority of an EVL thread, boosts included; else Linux's. */
int rtdm_task_current_priority(void)
{
	struct evl_thread *curr = evl_current();

	if (curr)
		return curr->cprio;

	return current->prio < MAX_RT_PRIO ? MAX_RT_PRIO - 1 - current->prio :
		-1;
}
EXPORT_SYMBOL_GPL(rtdm_task_current_priority);

void rtdm_task_busy_sleep(nanosecs_rel_t delay)
{
	ktime_t end = ktime_add_ns(evl_read_clock(&evl_mono_clock), delay);

	while (ktime_before(evl_read_clock(&evl_mono_clock), end))
		cpu_relax();
}
EXPORT_SYMBOL_GPL(rtdm_task_busy_sleep);

void rtdm_backend_show_tasks(struct seq_file *m)
{
	rtdm_task_t *task;

	mutex_lock(&task_list_lock);
	list_for_each_entry(task, &task_list, link)
		seq_printf(m, "%d %d %lld %lu %lu %llu %s\n",
			   task->kthread.thread.altsched.task ?
			   task_pid_nr(task->kthread.thread.altsched.task) : 0,
			   task->priority, ktime_to_ns(task->period),
			   task->periods, task->overruns,
			   task->max_lateness_ns, task->name);
	mutex_unlock(&task_list_lock);
}
