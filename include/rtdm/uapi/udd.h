/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * RTDM UDD profile (user-space device drivers): the user ABI of the UDD
 * devices /dev/rtdm/<name> and their mappers /dev/rtdm/<name>,mapper<N>.
 *
 * Request numbers and the layout of struct udd_signotify are those of
 * Xenomai 3's UDD profile, so that programs written for it build
 * unchanged.
 *
 * On the device:
 *  - read() of 4 bytes blocks until an interrupt came that this file has
 *    not reported yet, and returns the count of interrupts the device has
 *    received since it was registered (a u32 that wraps); with O_NONBLOCK
 *    it fails with EAGAIN instead of blocking;
 *  - write() of a 4-byte value enables (non-zero) or disables (zero) the
 *    interrupt line, as UDD_RTIOC_IRQEN/UDD_RTIOC_IRQDIS do;
 *  - select()/poll() report the device readable when read() would not
 *    block;
 *  - UDD_RTIOC_IRQSIG asks for a real-time signal per interrupt, with the
 *    interrupt count in si_int (si_code SI_QUEUE).
 * Opening a mapper and mmap()ing it (offset 0, at most the region's
 * length) maps memory region N of the device.
 *
 * Two behaviours differ from Xenomai 3: a new file reports the interrupts
 * that come after its open() (Xenomai 3 reported the count at once if any
 * had come since the device was registered), and O_NONBLOCK is honoured.
 */
#ifndef _RTDM_UAPI_UDD_H
#define _RTDM_UAPI_UDD_H

#include <rtdm/uapi/rtdm.h>
#ifndef __KERNEL__
#include <sys/types.h>
#endif

/*
 * Signal notification: @pid, a thread of the caller's process, receives
 * @sig (SIGRTMIN..SIGRTMAX) on each interrupt; @pid <= 0 turns the
 * notification off.
 */
struct udd_signotify {
	pid_t pid;
	int sig;
};

/* Enable, disable the interrupt line (EIO if the core does not manage it). */
#define UDD_RTIOC_IRQEN		_IO(RTDM_CLASS_UDD, 0)
#define UDD_RTIOC_IRQDIS	_IO(RTDM_CLASS_UDD, 1)
/* Signal notification on each interrupt: struct udd_signotify. */
#define UDD_RTIOC_IRQSIG	_IOW(RTDM_CLASS_UDD, 2, struct udd_signotify)

#endif /* _RTDM_UAPI_UDD_H */
