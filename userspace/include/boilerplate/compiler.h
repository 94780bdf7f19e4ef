/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <boilerplate/compiler.h>: the compiler helpers Xenomai 3 sources use
 * (stringification, constructor priorities, attributes). Each is
 * defined only if the program has not defined it already.
 */
#ifndef _RTDM_BOILERPLATE_COMPILER_H
#define _RTDM_BOILERPLATE_COMPILER_H

#ifndef __stringify
#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)
#endif

/*
 * Constructor priorities: __early_ctor (smokey test plugins register
 * themselves) runs before __bootstrap_ctor (libsmokey reads the
 * command line), both before the program's plain constructors.
 */
#ifndef __early_ctor
#define __early_ctor		__attribute__((constructor(210)))
#endif
#ifndef __bootstrap_ctor
#define __bootstrap_ctor	__attribute__((constructor(220)))
#endif

#ifndef __weak
#define __weak			__attribute__((weak))
#endif
#ifndef __noreturn
#define __noreturn		__attribute__((noreturn))
#endif
#ifndef __maybe_unused
#define __maybe_unused		__attribute__((unused))
#endif
#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif

#endif /* _RTDM_BOILERPLATE_COMPILER_H */
