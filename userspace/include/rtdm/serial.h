/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <rtdm/serial.h>: the user-side header of the rtser profile (i.MX UART: rtser_imx.ko), named and
 * composed as in Xenomai 3: librtdm's <rtdm/rtdm.h> plus the profile's
 * user ABI, <rtdm/uapi/serial.h>.
 */
#ifndef _RTDM_SERIAL_H
#define _RTDM_SERIAL_H

#include <rtdm/rtdm.h>
#include <rtdm/uapi/serial.h>

#endif /* _RTDM_SERIAL_H */
