/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <xenomai/init.h>: what Xenomai 3 programs take from it, for programs
 * built with rtdm-config. There is no Xenomai library to bootstrap:
 * xenomai_init() does nothing and the program's own options are all
 * there is, so xenomai_usage() prints the program's application_usage()
 * only (no --cpu-affinity & co).
 */
#ifndef _RTDM_XENOMAI_INIT_H
#define _RTDM_XENOMAI_INIT_H

#include <stdio.h>
#include <errno.h>
#include <boilerplate/ancillaries.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Defined by the program, if it has options of its own. */
void application_usage(void) __attribute__((weak));

static inline void xenomai_init(int *argcp, char *const **argvp)
{
	(void)argcp;
	(void)argvp;
}

static inline void xenomai_usage(void)
{
	if (application_usage)
		application_usage();
	else
		fprintf(stderr, "usage: %s\n", get_program_name());
}

#ifdef __cplusplus
}
#endif

#endif /* _RTDM_XENOMAI_INIT_H */
