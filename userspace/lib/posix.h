/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librtdm internals: the tables of file descriptors known to be RTDM
 * sockets and RTDM files (fdtable.c).
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

/* The same for the table of RTDM files (sockets and named devices). */
int rtdm_fdfile_set(int fd);
void rtdm_fdfile_clear(int fd);
int rtdm_fdfile_test(int fd);

#endif /* _RTDM_LIB_POSIX_H */
