/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Real-time IPC protocol family (RTIPC) user ABI, binary compatible with
 * Xenomai 3's RTIPC profile.
 *
 * Sockets are created with socket(AF_RTIPC, SOCK_DGRAM, protocol):
 *
 *   IPCPROTO_XDDP  cross-domain datagrams: a real-time socket bound to
 *                  port N exchanges datagrams with the Linux character
 *                  device /dev/rtpN
 *   IPCPROTO_IDDP  intra-domain datagrams between real-time threads
 *   IPCPROTO_BUFP  byte-stream buffer between real-time threads
 *   IPCPROTO_IPC   default protocol (IDDP)
 *
 * Ports run from 0 to RTIPC_NRPORT - 1 for each protocol; binding to port
 * -1 picks a free one. A label set before bind() names the port, so that
 * peers can connect(port -1) by label. Labels are also published to Linux
 * processes under RTIPC_REGISTRY_ROOT (this project's counterpart of
 * Xenomai's /proc/xenomai/registry/rtipc):
 *
 *   /proc/rtdm/ipc/xddp/<label>  symbolic link to /dev/rtpN: open() it
 *   /proc/rtdm/ipc/iddp/<label>  file holding the port number
 *   /proc/rtdm/ipc/bufp/<label>  file holding the port number
 */
#ifndef _RTDM_UAPI_IPC_H
#define _RTDM_UAPI_IPC_H

#include <linux/types.h>
#include <linux/socket.h>

/* Address family / protocol family. */
#define AF_RTIPC		111
#define PF_RTIPC		AF_RTIPC

/* Protocols. */
enum {
	IPCPROTO_IPC = 0,	/* default: IDDP */
	IPCPROTO_XDDP = 1,
	IPCPROTO_IDDP = 2,
	IPCPROTO_BUFP = 3,
	IPCPROTO_MAX
};

/* Port number; -1 in bind() picks a free port, in connect() a label. */
typedef __s16 rtipc_port_t;

struct sockaddr_ipc {
	__kernel_sa_family_t sipc_family;	/* AF_RTIPC */
	rtipc_port_t sipc_port;
};

/* Ports per protocol (Xenomai's default CONFIG_XENO_OPT_*_NRPORT). */
#define RTIPC_NRPORT		32

#ifndef XNOBJECT_NAME_LEN
#define XNOBJECT_NAME_LEN	32
#endif

/* Label option argument: a NUL-terminated name, without '/'. */
struct rtipc_port_label {
	char label[XNOBJECT_NAME_LEN];
};

/* XDDP socket options (level SOL_XDDP). */
#define SOL_XDDP		311
#define XDDP_LABEL		1	/* struct rtipc_port_label, before bind */
#define XDDP_POOLSZ		2	/* size_t, before bind */
#define XDDP_BUFSZ		3	/* size_t: MSG_MORE streaming buffer */
#define XDDP_MONITOR		4	/* kernel callers only (-EPERM) */

/* Events of an XDDP monitor callback. */
#define XDDP_EVTIN		1
#define XDDP_EVTOUT		2
#define XDDP_EVTDOWN		3
#define XDDP_EVTNOBUF		4

/* IDDP socket options (level SOL_IDDP). */
#define SOL_IDDP		312
#define IDDP_LABEL		1	/* struct rtipc_port_label, before bind */
#define IDDP_POOLSZ		2	/* size_t, before bind */

/* BUFP socket options (level SOL_BUFP). */
#define SOL_BUFP		313
#define BUFP_LABEL		1	/* struct rtipc_port_label, before bind */
#define BUFP_BUFSZ		2	/* size_t, mandatory before bind */

/*
 * ioctls of the XDDP Linux endpoints /dev/rtpN (Xenomai's message pipe
 * ABI, <cobalt/uapi/kernel/pipe.h>).
 */
#define XNPIPE_IOCTL_BASE	'p'
#define XNPIPEIOC_GET_NRDEV	_IOW(XNPIPE_IOCTL_BASE, 0, int)
#define XNPIPEIOC_IFLUSH	_IO(XNPIPE_IOCTL_BASE, 1)
#define XNPIPEIOC_OFLUSH	_IO(XNPIPE_IOCTL_BASE, 2)
#define XNPIPEIOC_FLUSH		XNPIPEIOC_OFLUSH
#define XNPIPEIOC_SETSIG	_IO(XNPIPE_IOCTL_BASE, 3)

/* Where labels are published (see above). */
#define RTIPC_REGISTRY_ROOT	"/proc/rtdm/ipc"
#define RTIPC_XDDP_REGISTRY	RTIPC_REGISTRY_ROOT "/xddp/"
#define RTIPC_IDDP_REGISTRY	RTIPC_REGISTRY_ROOT "/iddp/"
#define RTIPC_BUFP_REGISTRY	RTIPC_REGISTRY_ROOT "/bufp/"

#endif /* _RTDM_UAPI_IPC_H */
