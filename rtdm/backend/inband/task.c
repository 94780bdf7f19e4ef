// SPDX-License-Identifier: GPL-2.0
/*
 * Inband backend: RTDM tasks and sleeps.
 *
 * An RTDM task is a kernel thread; priorities 1..99 map to SCHED_FIFO
 * 1..99, priority 0 to SCHED_NORMAL. Periodic tasks sleep on absolute
 * release dates with hard hrtimers.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/sched/signal.h>
#include <uapi/linux/sched/types.h>
#include "inband.h"

static LIST_HEAD(task_list);
static DEFINE_MUTEX(task_list_lock);

static int task_trampoline(void *data);

rtdm_task_t *rtdm_task_current(void)
{
	if (!(current->flags & PF_KTHREAD) ||
	    kthread_func(current) != task_trampoline)
		return NULL;

	return kthread_data(current);
}
EXPORT_SYMBOL_GPL(rtdm_task_current);

bool rtdm_in_rt_task(void)
{
	return rt_task(current) || rtdm_task_current();
}

bool rtdm_wait_interrupted(void)
{
	rtdm_task_t *task = rtdm_task_current();

	if (!task)
		return signal_pending(current);

	/*
	 * An RTDM task never returns to user space, where the kernel would
	 * clear the TIF_NOTIFY_SIGNAL that rtdm_task_unblock() set: take it
	 * back with the unblock request.
	 */
	if (READ_ONCE(task->unblocked)) {
		WRITE_ONCE(task->unblocked, false);
		clear_thread_flag(TIF_NOTIFY_SIGNAL);
		return true;
	}

	return READ_ONCE(task->stopping) || kthread_should_stop() ||
		signal_pending(current);
}

int rtdm_sleep_until(ktime_t deadline, clockid_t clock)
{
	if (deadline == KTIME_MAX) {
		schedule();
		return -EINTR;
	}

	return schedule_hrtimeout_range_clock(&deadline, 0, HRTIMER_MODE_ABS,
					      clock);
}

/* Sleep until @deadline unless interrupted: 0 or -EINTR. */
static int sleep_until(ktime_t deadline, clockid_t clock)
{
	int ret;

	do {
		set_current_state(TASK_INTERRUPTIBLE);
		if (rtdm_wait_interrupted()) {
			__set_current_state(TASK_RUNNING);
			return -EINTR;
		}
		ret = rtdm_sleep_until(deadline, clock);
	} while (ret);

	return 0;
}

static int task_trampoline(void *data)
{
	rtdm_task_t *task = data;

	task->proc(task->arg);
	complete(&task->exited);

	/* Stay until rtdm_task_destroy() stops us. */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);

	return 0;
}

void rtdm_task_set_priority(rtdm_task_t *task, int priority)
{
	struct sched_attr attr = { .size = sizeof(attr) };

	priority = clamp(priority, RTDM_TASK_LOWEST_PRIORITY,
			 RTDM_TASK_HIGHEST_PRIORITY);
	if (priority > 0) {
		attr.sched_policy = SCHED_FIFO;
		attr.sched_priority = priority;
	} else {
		attr.sched_policy = SCHED_NORMAL;
	}

	task->priority = priority;
	WARN_ON(sched_setattr_nocheck(task->kthread, &attr));
}
EXPORT_SYMBOL_GPL(rtdm_task_set_priority);

int rtdm_task_init(rtdm_task_t *task, const char *name,
		   rtdm_task_proc_t task_proc, void *arg,
		   int priority, nanosecs_rel_t period)
{
	struct task_struct *k;

	if (!task_proc || period < 0)
		return -EINVAL;

	task->proc = task_proc;
	task->arg = arg;
	task->unblocked = false;
	task->stopping = false;
	task->periods = 0;
	task->overruns = 0;
	task->max_lateness_ns = 0;
	task->period = ns_to_ktime(period);
	task->next = ktime_add_ns(ktime_get(), period);
	strscpy(task->name, name ?: "rtdm-task", sizeof(task->name));
	init_completion(&task->exited);

	k = kthread_create(task_trampoline, task, "%s", task->name);
	if (IS_ERR(k))
		return PTR_ERR(k);

	get_task_struct(k);
	task->kthread = k;
	rtdm_task_set_priority(task, priority);

	mutex_lock(&task_list_lock);
	list_add_tail(&task->link, &task_list);
	mutex_unlock(&task_list_lock);

	wake_up_process(k);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_task_init);

void rtdm_task_destroy(rtdm_task_t *task)
{
	if (!task->kthread)
		return;

	/* rtdm_task_should_stop() is true once its wait is interrupted */
	WRITE_ONCE(task->stopping, true);
	rtdm_task_unblock(task);
	kthread_stop(task->kthread);
	put_task_struct(task->kthread);
	task->kthread = NULL;

	mutex_lock(&task_list_lock);
	list_del(&task->link);
	mutex_unlock(&task_list_lock);
}
EXPORT_SYMBOL_GPL(rtdm_task_destroy);

void rtdm_task_join(rtdm_task_t *task)
{
	wait_for_completion(&task->exited);
}
EXPORT_SYMBOL_GPL(rtdm_task_join);

int rtdm_task_should_stop(void)
{
	rtdm_task_t *task = rtdm_task_current();

	return task && (READ_ONCE(task->stopping) || kthread_should_stop());
}
EXPORT_SYMBOL_GPL(rtdm_task_should_stop);

int rtdm_task_set_period(rtdm_task_t *task, nanosecs_abs_t start_date,
			 nanosecs_rel_t period)
{
	if (period < 0)
		return -EINVAL;

	task->period = ns_to_ktime(period);
	task->next = start_date ? ns_to_ktime(start_date) :
		ktime_add_ns(ktime_get(), period);

	return 0;
}
EXPORT_SYMBOL_GPL(rtdm_task_set_period);

/*
 * Wait for the next release point. A wake-up later than the release point
 * by less than a period still serves it (0); one or more whole periods
 * late, the missed release points are skipped, counted in *overruns_r, and
 * -ETIMEDOUT is returned.
 */
int rtdm_task_wait_period(unsigned long *overruns_r)
{
	rtdm_task_t *task = rtdm_task_current();
	ktime_t now, delta;
	u64 overruns = 0;
	int ret;

	if (!task || !task->period)
		return -EWOULDBLOCK;

	now = ktime_get();
	if (ktime_before(now, task->next)) {
		ret = sleep_until(task->next, CLOCK_MONOTONIC);
		if (ret)
			return ret;
		now = ktime_get();
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
	if (!task->kthread)
		return 0;

	/* interrupts rt_mutex waits too (rtdm_mutex_lock()) */
	WRITE_ONCE(task->unblocked, true);
	set_tsk_thread_flag(task->kthread, TIF_NOTIFY_SIGNAL);

	return wake_up_process(task->kthread);
}
EXPORT_SYMBOL_GPL(rtdm_task_unblock);

int rtdm_task_sleep(nanosecs_rel_t delay)
{
	if (delay < 0)
		return -EINVAL;

	return sleep_until(delay ? ktime_add_ns(ktime_get(), delay) :
			   KTIME_MAX, CLOCK_MONOTONIC);
}
EXPORT_SYMBOL_GPL(rtdm_task_sleep);

int rtdm_task_sleep_abs(nanosecs_abs_t wakeup, enum rtdm_timer_mode mode)
{
	switch (mode) {
	case RTDM_TIMERMODE_ABSOLUTE:
		return sleep_until(ns_to_ktime(wakeup), CLOCK_MONOTONIC);
	case RTDM_TIMERMODE_REALTIME:
		return sleep_until(ns_to_ktime(wakeup), CLOCK_REALTIME);
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

int rtdm_task_current_priority(void)
{
	return current->prio < MAX_RT_PRIO ? MAX_RT_PRIO - 1 - current->prio :
		-1;
}
EXPORT_SYMBOL_GPL(rtdm_task_current_priority);

void rtdm_task_busy_sleep(nanosecs_rel_t delay)
{
	u64 end = ktime_get_ns() + delay;

	while (ktime_get_ns() < end)
		cpu_relax();
}
EXPORT_SYMBOL_GPL(rtdm_task_busy_sleep);

void rtdm_backend_show_tasks(struct seq_file *m)
{
	rtdm_task_t *task;

	mutex_lock(&task_list_lock);
	list_for_each_entry(task, &task_list, link)
		seq_printf(m, "%d %d %lld %lu %lu %llu %s\n",
			   task_pid_nr(task->kthread), task->priority,
			   ktime_to_ns(task->period), task->periods,
			   task->overruns, task->max_lateness_ns, task->name);
	mutex_unlock(&task_list_lock);
}
