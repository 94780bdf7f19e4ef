/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <rtdm/spi.h>: the user-side header of the SPI profile, named and
 * composed as in Xenomai 3: librtdm's <rtdm/rtdm.h> plus the profile's
 * user ABI, <rtdm/uapi/spi.h>.
 */
#ifndef _RTDM_SPI_H
#define _RTDM_SPI_H

#include <rtdm/rtdm.h>
#include <rtdm/uapi/spi.h>

#endif /* _RTDM_SPI_H */
