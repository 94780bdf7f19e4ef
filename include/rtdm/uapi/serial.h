/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * RTDM serial profile ("rtser"): the user ABI of the real-time UART
 * drivers (devices /dev/rtdm/rtser<N>).
 *
 * Request numbers, structure layouts and constant values are those of
 * Xenomai 3's serial profile (profile version 3), so that programs written
 * for it build unchanged. Two behaviours of this project differ from
 * Xenomai 3 and are part of the ABI:
 *  - every timestamp (struct rtser_event) is read on CLOCK_MONOTONIC, the
 *    clock of rtdm_clock_read(); compare with clock_gettime(CLOCK_MONOTONIC);
 *  - RTSER_RTIOC_SET_CONFIG rejects values the hardware cannot do with
 *    EINVAL and changes nothing then (Xenomai 3 masked them silently).
 *
 * Two requests pass an int by value although their macro says otherwise:
 * RTSER_RTIOC_SET_CONTROL (declared _IOW) and RTSER_RTIOC_BREAK_CTL
 * (declared _IOR). The numbers are kept for compatibility.
 */
#ifndef _RTDM_UAPI_SERIAL_H
#define _RTDM_UAPI_SERIAL_H

#include <linux/types.h>
#include <rtdm/uapi/rtdm.h>

#define RTSER_PROFILE_VER		3

/* Subclass reported by RTIOC_DEVICE_INFO (Xenomai 3 used it for i.MX too). */
#define RTDM_SUBCLASS_16550A		0

#define RTIOC_TYPE_SERIAL		RTDM_CLASS_SERIAL

/* Baud rate */
#define RTSER_DEF_BAUD			9600

/* Parity */
#define RTSER_NO_PARITY			0x00
#define RTSER_ODD_PARITY		0x01
#define RTSER_EVEN_PARITY		0x03
#define RTSER_DEF_PARITY		RTSER_NO_PARITY

/* Data bits */
#define RTSER_5_BITS			0x00
#define RTSER_6_BITS			0x01
#define RTSER_7_BITS			0x02
#define RTSER_8_BITS			0x03
#define RTSER_DEF_BITS			RTSER_8_BITS

/* Stop bits (1.5 and 2 share a value: the UART picks by word size) */
#define RTSER_1_STOPB			0x00
#define RTSER_1_5_STOPB			0x01
#define RTSER_2_STOPB			0x01
#define RTSER_DEF_STOPB			RTSER_1_STOPB

/* Handshake */
#define RTSER_NO_HAND			0x00
#define RTSER_RTSCTS_HAND		0x01
#define RTSER_DEF_HAND			RTSER_NO_HAND

/* RS485 */
#define RTSER_RS485_DISABLE		0x00
#define RTSER_RS485_ENABLE		0x01
#define RTSER_DEF_RS485			RTSER_RS485_DISABLE

/* Receive FIFO trigger level */
#define RTSER_FIFO_DEPTH_1		0x00
#define RTSER_FIFO_DEPTH_4		0x40
#define RTSER_FIFO_DEPTH_8		0x80
#define RTSER_FIFO_DEPTH_14		0xC0
#define RTSER_DEF_FIFO_DEPTH		RTSER_FIFO_DEPTH_1

/* Timeouts (nanoseconds): 0 waits forever, negative never blocks */
#define RTSER_TIMEOUT_INFINITE		RTDM_TIMEOUT_INFINITE
#define RTSER_TIMEOUT_NONE		RTDM_TIMEOUT_NONE
#define RTSER_DEF_TIMEOUT		RTDM_TIMEOUT_INFINITE

/* Timestamp history of received bytes */
#define RTSER_RX_TIMESTAMP_HISTORY	0x01
#define RTSER_DEF_TIMESTAMP_HISTORY	0x00

/* Events */
#define RTSER_EVENT_RXPEND		0x01
#define RTSER_EVENT_ERRPEND		0x02
#define RTSER_EVENT_MODEMHI		0x04
#define RTSER_EVENT_MODEMLO		0x08
#define RTSER_EVENT_TXEMPTY		0x10
#define RTSER_DEF_EVENT_MASK		0x00

/* Fields of struct rtser_config to apply (config_mask) */
#define RTSER_SET_BAUD			0x0001
#define RTSER_SET_PARITY		0x0002
#define RTSER_SET_DATA_BITS		0x0004
#define RTSER_SET_STOP_BITS		0x0008
#define RTSER_SET_HANDSHAKE		0x0010
#define RTSER_SET_FIFO_DEPTH		0x0020
#define RTSER_SET_TIMEOUT_RX		0x0100
#define RTSER_SET_TIMEOUT_TX		0x0200
#define RTSER_SET_TIMEOUT_EVENT		0x0400
#define RTSER_SET_TIMESTAMP_HISTORY	0x0800
#define RTSER_SET_EVENT_MASK		0x1000
#define RTSER_SET_RS485			0x2000

/* Line status (struct rtser_status.line_status) */
#define RTSER_LSR_DATA			0x01
#define RTSER_LSR_OVERRUN_ERR		0x02
#define RTSER_LSR_PARITY_ERR		0x04
#define RTSER_LSR_FRAMING_ERR		0x08
#define RTSER_LSR_BREAK_IND		0x10
#define RTSER_LSR_THR_EMTPY		0x20	/* sic, as in Xenomai 3 */
#define RTSER_LSR_TRANSM_EMPTY		0x40
#define RTSER_LSR_FIFO_ERR		0x80
#define RTSER_SOFT_OVERRUN_ERR		0x0100	/* receive ring overflowed */

/* Modem status (struct rtser_status.modem_status) */
#define RTSER_MSR_DCTS			0x01
#define RTSER_MSR_DDSR			0x02
#define RTSER_MSR_TERI			0x04
#define RTSER_MSR_DDCD			0x08
#define RTSER_MSR_CTS			0x10
#define RTSER_MSR_DSR			0x20
#define RTSER_MSR_RI			0x40
#define RTSER_MSR_DCD			0x80

/* Modem control (RTSER_RTIOC_GET_CONTROL / SET_CONTROL) */
#define RTSER_MCR_DTR			0x01
#define RTSER_MCR_RTS			0x02
#define RTSER_MCR_OUT1			0x04
#define RTSER_MCR_OUT2			0x08
#define RTSER_MCR_LOOP			0x10

/* RTSER_RTIOC_BREAK_CTL argument */
#define RTSER_BREAK_CLR			0x00
#define RTSER_BREAK_SET			0x01

/* 72 bytes on every ABI: the trailing field pads 32-bit ones. */
typedef struct rtser_config {
	__s32 config_mask;		/* RTSER_SET_*: fields to apply */
	__s32 baud_rate;
	__s32 parity;			/* RTSER_*_PARITY */
	__s32 data_bits;		/* RTSER_*_BITS */
	__s32 stop_bits;		/* RTSER_*_STOPB */
	__s32 handshake;		/* RTSER_*_HAND */
	__s32 fifo_depth;		/* RTSER_FIFO_DEPTH_*: rx trigger */
	__s32 reserved;
	nanosecs_rel_t rx_timeout;	/* read() */
	nanosecs_rel_t tx_timeout;	/* write() */
	nanosecs_rel_t event_timeout;	/* RTSER_RTIOC_WAIT_EVENT */
	__s32 timestamp_history;	/* RTSER_RX_TIMESTAMP_HISTORY */
	__s32 event_mask;		/* RTSER_EVENT_* to report */
	__s32 rs485;			/* RTSER_RS485_* */
	__s32 __pad;
} rtser_config_t;

typedef struct rtser_status {
	__s32 line_status;		/* RTSER_LSR_*, RTSER_SOFT_OVERRUN_ERR */
	__s32 modem_status;		/* RTSER_MSR_* */
} rtser_status_t;

typedef struct rtser_event {
	__s32 events;			/* RTSER_EVENT_* that occurred */
	__s32 rx_pending;		/* bytes waiting in the receive ring */
	nanosecs_abs_t last_timestamp;	/* time of the last event */
	/* arrival of the oldest unread byte (with the timestamp history) */
	nanosecs_abs_t rxpend_timestamp;
} rtser_event_t;

#define RTSER_RTIOC_GET_CONFIG	_IOR(RTIOC_TYPE_SERIAL, 0x00, struct rtser_config)
#define RTSER_RTIOC_SET_CONFIG	_IOW(RTIOC_TYPE_SERIAL, 0x01, struct rtser_config)
#define RTSER_RTIOC_GET_STATUS	_IOR(RTIOC_TYPE_SERIAL, 0x02, struct rtser_status)
#define RTSER_RTIOC_GET_CONTROL	_IOR(RTIOC_TYPE_SERIAL, 0x03, int)
#define RTSER_RTIOC_SET_CONTROL	_IOW(RTIOC_TYPE_SERIAL, 0x04, int)
#define RTSER_RTIOC_WAIT_EVENT	_IOR(RTIOC_TYPE_SERIAL, 0x05, struct rtser_event)
#define RTSER_RTIOC_BREAK_CTL	_IOR(RTIOC_TYPE_SERIAL, 0x06, int)

#endif /* _RTDM_UAPI_SERIAL_H */
