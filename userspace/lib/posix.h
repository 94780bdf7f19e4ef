/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librtdm_posix internals: the table of file descriptors known to be RTDM
 * sockets.
 */
#ifndef _RTDM_LIB_POSIX_H
#define _RTDM_LIB_POSIX_H

/*
 * Marks @fd as an RTDM socket. Returns 0, or -1 with errno EMFILE (fd beyond
 * what the table covers) or ENOMEM.
 */
int rtdm_fdtab_set(int fd);

/* Forgets @fd; any fd value is accepted. */
void rtdm_fdtab_clear(int fd);

/* Whether @fd is marked. Lock-free; any fd value is accepted. */
int rtdm_fdtab_test(int fd);

#endif /* _RTDM_LIB_POSIX_H */
