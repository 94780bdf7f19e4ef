/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <boilerplate/wrappers.h>: the call markers of Xenomai 3 sources.
 *
 * Xenomai programs write __STD(call) for "the C library's call" and
 * __RT(call) for "the real-time library's call". With librtdm there is
 * one name for both: the POSIX wrappers (rtdm-config --ldflags) route
 * every call on an RTDM descriptor to RTDM and everything else to the C
 * library, so both markers leave the call as it is.
 */
#ifndef _RTDM_BOILERPLATE_WRAPPERS_H
#define _RTDM_BOILERPLATE_WRAPPERS_H

#define __STD(call)	call
#define __RT(call)	call

#endif /* _RTDM_BOILERPLATE_WRAPPERS_H */
