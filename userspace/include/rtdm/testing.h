/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <rtdm/testing.h>: the user-side header of the testing profile (rtdmtest.ko), named and
 * composed as in Xenomai 3: librtdm's <rtdm/rtdm.h> plus the profile's
 * user ABI, <rtdm/uapi/testing.h>.
 */
#ifndef _RTDM_TESTING_H
#define _RTDM_TESTING_H

#include <rtdm/rtdm.h>
#include <rtdm/uapi/testing.h>

#endif /* _RTDM_TESTING_H */
