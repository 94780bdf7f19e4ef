// SPDX-License-Identifier: GPL-2.0
/*
 * evl backend: RTDM services on a Dovetail kernel running the EVL core.
 *
 * Real-time callers are EVL threads calling oob_read(), oob_write() and
 * oob_ioctl(): their calls reach the drivers' _rt handlers on the
 * out-of-band stage. Regular read(), write() and ioctl() calls, from any
 * task, reach the _nrt handlers in-band.
 */
#include <uapi/evl/control-abi.h>
#include "evl.h"

int rtdm_backend_init(void)
{
	return 0;
}

void rtdm_backend_cleanup(void)
{
}

const char *rtdm_backend_describe(void)
{
	return RTDM_BACKEND_NAME " EVL_ABI " __stringify(EVL_ABI_LEVEL);
}

/* The caller is an EVL thread: it can reach the _rt handlers. */
int rtdm_rt_capable(struct rtdm_fd *fd)
{
	return !!evl_current();
}
EXPORT_SYMBOL_GPL(rtdm_rt_capable);
