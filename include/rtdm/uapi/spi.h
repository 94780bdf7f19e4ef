/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * RTDM SPI profile: the user ABI of the real-time SPI slave devices
 * (/dev/rtdm/spi<bus>/slave<bus>.<n>, n in the order the slaves of a bus
 * were registered).
 *
 * Request numbers and structure layouts are those of Xenomai 3's SPI
 * profile, so that programs written for it build unchanged. Two requests
 * declare a direction that does not match their use; the numbers are kept
 * for compatibility:
 *  - SPI_RTIOC_SET_IOBUFS (declared _IOR) reads io_len and writes back
 *    i_offset, o_offset and map_len;
 *  - SPI_RTIOC_TRANSFER_N (declared _IOR) takes the length by value.
 *
 * Use: SPI_RTIOC_SET_IOBUFS once per open file, mmap() map_len bytes at
 * offset 0 (MAP_SHARED), fill the output area (o_offset), then
 * SPI_RTIOC_TRANSFER clocks io_len bytes out of it while the received
 * bytes land in the input area (i_offset); SPI_RTIOC_TRANSFER_N does the
 * same for the first len bytes. read() and write() are half-duplex
 * transfers of their own buffer (read() clocks out zeros). Chip select is
 * asserted for the whole of each call.
 */
#ifndef _RTDM_UAPI_SPI_H
#define _RTDM_UAPI_SPI_H

#include <linux/types.h>
#include <rtdm/uapi/rtdm.h>

#define RTDM_SPI_PROFILE_VER		0

/* Subclasses (RTIOC_DEVICE_INFO): Xenomai 3 used 1-3 for its masters. */
#define RTDM_SUBCLASS_IMX_ECSPI		4

struct rtdm_spi_config {
	__u32 speed_hz;
	__u16 mode;		/* SPI_CPHA | SPI_CPOL | SPI_CS_HIGH ... */
	__u8 bits_per_word;
};

struct rtdm_spi_iobufs {
	__u32 io_len;		/* in: bytes per transfer */
	__u32 i_offset;		/* out: input area in the mapping */
	__u32 o_offset;		/* out: output area in the mapping */
	__u32 map_len;		/* out: bytes to mmap() */
};

#define SPI_RTIOC_SET_CONFIG		_IOW(RTDM_CLASS_SPI, 0, struct rtdm_spi_config)
#define SPI_RTIOC_GET_CONFIG		_IOR(RTDM_CLASS_SPI, 1, struct rtdm_spi_config)
#define SPI_RTIOC_SET_IOBUFS		_IOR(RTDM_CLASS_SPI, 2, struct rtdm_spi_iobufs)
#define SPI_RTIOC_TRANSFER		_IO(RTDM_CLASS_SPI, 3)
#define SPI_RTIOC_TRANSFER_N		_IOR(RTDM_CLASS_SPI, 4, int)

/* Largest io_len SPI_RTIOC_SET_IOBUFS accepts. */
#define RTDM_SPI_MAX_IOLEN		65536

/*
 * Mode bits (SPI_CPHA, SPI_CPOL, SPI_MODE_0..3, SPI_CS_HIGH, SPI_LOOP ...):
 * Linux's, from <linux/spi/spidev.h> in user space, so that programs may
 * include both headers in any order.
 */
#ifndef __KERNEL__
#include <linux/spi/spidev.h>
#endif

#endif /* _RTDM_UAPI_SPI_H */
