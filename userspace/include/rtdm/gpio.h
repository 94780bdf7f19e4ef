/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <rtdm/gpio.h>: the user-side header of the GPIO profile, named and
 * composed as in Xenomai 3: librtdm's <rtdm/rtdm.h> plus the profile's
 * user ABI, <rtdm/uapi/gpio.h>.
 */
#ifndef _RTDM_GPIO_H
#define _RTDM_GPIO_H

#include <rtdm/rtdm.h>
#include <rtdm/uapi/gpio.h>

#endif /* _RTDM_GPIO_H */
