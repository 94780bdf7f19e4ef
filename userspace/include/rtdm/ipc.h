/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <rtdm/ipc.h>: the user-side header of RTIPC sockets: XDDP, IDDP, BUFP (rtipc.ko), named and
 * composed as in Xenomai 3: librtdm's <rtdm/rtdm.h> plus the profile's
 * user ABI, <rtdm/uapi/ipc.h>.
 */
#ifndef _RTDM_IPC_H
#define _RTDM_IPC_H

#include <rtdm/rtdm.h>
#include <rtdm/uapi/ipc.h>

#endif /* _RTDM_IPC_H */
