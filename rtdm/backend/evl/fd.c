// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: the out-of-band file operations of RTDM files.
 *
 * Every RTDM file is bound to EVL at open time (evl_open_file()), so that
 * EVL threads reach it with oob_read(), oob_write(), oob_ioctl() and
 * evl_poll(): these calls run the _rt handlers out-of-band through the
 * core's dispatcher. An -ENOSYS from an _rt handler goes back to the
 * caller, whose library repeats the call in-band (the _nrt handler).
 *
 * What an out-of-band call cannot finish itself (waking the closer that
 * waits for the last call, freeing a context whose last reference it
 * dropped) is relayed in-band: irq_work, then a work item.
 */
#include "evl.h"

static void fd_work(struct work_struct *work)
{
	struct rtdm_backend_fd *b =
		container_of(work, struct rtdm_backend_fd, work);
	struct rtdm_fd *fd = container_of(b, struct rtdm_fd, backend);

	if (test_and_clear_bit(RTDM_FD_FINISH_DRAINED, &b->pending))
		rtdm_fd_finish_inband(fd, RTDM_FD_FINISH_DRAINED);
	if (test_and_clear_bit(RTDM_FD_FINISH_FREE, &b->pending)) {
		/* the relay may still be leaving irq_work_run() */
		irq_work_sync(&b->relay);
		rtdm_fd_finish_inband(fd, RTDM_FD_FINISH_FREE);
	}
}

static void fd_relay(struct irq_work *iwork)
{
	struct rtdm_backend_fd *b =
		container_of(iwork, struct rtdm_backend_fd, relay);

	queue_work(system_highpri_wq, &b->work);
}

int rtdm_backend_fd_open(struct rtdm_fd *fd)
{
	init_irq_work(&fd->backend.relay, fd_relay);
	INIT_WORK(&fd->backend.work, fd_work);
	fd->backend.pending = 0;

	return evl_open_file(&fd->backend.efile, fd->file);
}

void rtdm_backend_fd_release(struct rtdm_fd *fd)
{
	evl_release_file(&fd->backend.efile);
}

bool rtdm_backend_fd_defer(struct rtdm_fd *fd, unsigned int what)
{
	if (running_inband())
		return false;

	set_bit(what, &fd->backend.pending);
	irq_work_queue(&fd->backend.relay);

	return true;
}

void rtdm_backend_kick(struct task_struct *task)
{
	struct evl_thread *thread = evl_thread_from_task(task);

	/* out-of-band waits: EVL breaks them (-EINTR) */
	if (thread)
		evl_unblock_thread(thread, EVL_T_BREAK);
	/* in-band ones, as a signal would; the core wakes the task */
	set_tsk_thread_flag(task, TIF_NOTIFY_SIGNAL);
}

ssize_t rtdm_evl_oob_read(struct file *filp, char __user *buf, size_t size)
{
	struct rtdm_fd_call call;
	struct rtdm_fd *fd = rtdm_fd_enter(filp, &call);

	if (IS_ERR(fd))
		return PTR_ERR(fd);

	return rtdm_fd_leave(fd, &call,
			     rtdm_fd_dispatch_read(fd, buf, size, true));
}

ssize_t rtdm_evl_oob_write(struct file *filp, const char __user *buf,
			   size_t size)
{
	struct rtdm_fd_call call;
	struct rtdm_fd *fd = rtdm_fd_enter(filp, &call);

	if (IS_ERR(fd))
		return PTR_ERR(fd);

	return rtdm_fd_leave(fd, &call,
			     rtdm_fd_dispatch_write(fd, buf, size, true));
}

long rtdm_evl_oob_ioctl(struct file *filp, unsigned int request,
			unsigned long arg)
{
	struct rtdm_fd_call call;
	struct rtdm_fd *fd = rtdm_fd_enter(filp, &call);

	if (IS_ERR(fd))
		return PTR_ERR(fd);

	return rtdm_fd_leave(fd, &call,
			     rtdm_fd_dispatch_ioctl(fd, request,
						    (void __user *)arg, true));
}

__poll_t rtdm_evl_oob_poll(struct file *filp, struct oob_poll_wait *wait)
{
	struct rtdm_selector sel = { .file = filp, .oob_wait = wait };

	return rtdm_fd_poll(filp, &sel);
}
