/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <rtdm/udd.h>: the user-side header of the UDD profile (user-space device drivers), named and
 * composed as in Xenomai 3: librtdm's <rtdm/rtdm.h> plus the profile's
 * user ABI, <rtdm/uapi/udd.h>.
 */
#ifndef _RTDM_UDD_H
#define _RTDM_UDD_H

#include <rtdm/rtdm.h>
#include <rtdm/uapi/udd.h>

#endif /* _RTDM_UDD_H */
