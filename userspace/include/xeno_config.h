/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <xeno_config.h>: the build configuration Xenomai 3 programs read, for
 * programs built with rtdm-config. librtdm is neither Cobalt nor Mercury:
 * CONFIG_XENO_COBALT and CONFIG_XENO_MERCURY stay undefined, so programs
 * take their plain POSIX paths (no pthread_setmode_np(), no SIGDEBUG) and
 * keep their RTDM features.
 */
#ifndef _RTDM_XENO_CONFIG_H
#define _RTDM_XENO_CONFIG_H

/* Default sampling period of the test programs (ns), Xenomai's for x86. */
#ifndef CONFIG_XENO_DEFAULT_PERIOD
#define CONFIG_XENO_DEFAULT_PERIOD	100000
#endif

/* Where programs look for xeno-config (latency -g); librtdm has none. */
#ifndef CONFIG_XENO_PREFIX
#define CONFIG_XENO_PREFIX		"/usr"
#endif

#endif /* _RTDM_XENO_CONFIG_H */
