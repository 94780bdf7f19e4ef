/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RTDM core internals, shared by the core and its backend.
 */
#ifndef _RTDM_CORE_INTERNAL_H
#define _RTDM_CORE_INTERNAL_H

#include <linux/seq_file.h>
#include <rtdm/driver.h>

#define RTDM_DEVICE_MAGIC	0x82846877

/* Registry (device.c) */
extern struct class *rtdm_class;
extern struct mutex rtdm_dev_lock;
extern struct list_head rtdm_device_list;
extern spinlock_t rtdm_fd_list_lock;

int rtdm_device_init(void);
void rtdm_device_cleanup(void);
struct rtdm_device *rtdm_get_protocol_device(int family, int type);
struct rtdm_device *rtdm_get_named_device(struct rtdm_driver *drv, int minor);
/* Drop the device reference of an fd (the module reference is the fd's). */
void rtdm_put_device(struct rtdm_device *dev);

/* fd layer (fd.c) */
extern const struct file_operations rtdm_fops;

int rtdm_control_init(void);
void rtdm_control_cleanup(void);

ssize_t rtdm_fd_dispatch_read(struct rtdm_fd *fd, void __user *buf,
			      size_t size, bool rt);
ssize_t rtdm_fd_dispatch_write(struct rtdm_fd *fd, const void __user *buf,
			       size_t size, bool rt);
int rtdm_fd_dispatch_ioctl(struct rtdm_fd *fd, unsigned int request,
			   void __user *arg, bool rt);
/*
 * A call in progress on an fd, on the caller's stack between
 * rtdm_fd_enter() and rtdm_fd_leave().
 */
struct rtdm_fd_call {
	struct list_head link;		/* on fd->calls */
	struct task_struct *task;
	struct files_struct *files;	/* the caller's descriptor table */
	int revoked;			/* 0, or the error the call returns */
};

/*
 * Enter a call on the RTDM file @filp: the fd, or ERR_PTR(-EBADF) once
 * closed, ERR_PTR(-ENODEV) once its device is gone. Any context a file
 * operation runs in, oob included.
 */
struct rtdm_fd *rtdm_fd_enter(struct file *filp, struct rtdm_fd_call *call);
/* Leave the call; returns @ret, or the revocation error for a failed call. */
long rtdm_fd_leave(struct rtdm_fd *fd, struct rtdm_fd_call *call, long ret);
/*
 * What a backend deferred out-of-band (rtdm_backend_fd_defer()) and runs
 * in-band later, in task context.
 */
#define RTDM_FD_FINISH_DRAINED	0	/* wake the closer waiting for calls */
#define RTDM_FD_FINISH_FREE	1	/* free the context */
void rtdm_fd_finish_inband(struct rtdm_fd *fd, unsigned int what);
/* Unregistration: shut @fd down and run its close handler (in-band). */
void rtdm_fd_revoke(struct rtdm_fd *fd);
int rtdm_fd_init(void);
void rtdm_fd_cleanup(void);
/* Run the select handler of the RTDM file @filp for all types: the mask. */
__poll_t rtdm_fd_poll(struct file *filp, rtdm_selector_t *sel);
/* poll() mask bits of an RTDM_SELECTTYPE_* */
__poll_t rtdm_selector_mask(unsigned int type);
void rtdm_fd_put(struct rtdm_fd *fd);

/* mmap requests from rtdm_mmap_to_user() (drvlib.c) */
int rtdm_mmap_request(struct rtdm_fd *fd, struct vm_area_struct *vma);

/* Status files (proc.c) */
int rtdm_proc_init(void);
void rtdm_proc_cleanup(void);

/* Backend hooks, implemented by every backend. */
int rtdm_backend_init(void);
void rtdm_backend_cleanup(void);
void rtdm_backend_show_irqs(struct seq_file *m);
void rtdm_backend_show_tasks(struct seq_file *m);
const char *rtdm_backend_describe(void);

#endif /* _RTDM_CORE_INTERNAL_H */
