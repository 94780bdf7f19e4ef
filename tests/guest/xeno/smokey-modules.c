// SPDX-License-Identifier: GPL-2.0
/*
 * smokey-modules: libsmokey's smokey_modprobe()/smokey_rmmod() as
 * Xenomai's RTDM core test uses them (tests/test_xeno_compat.py). One
 * plugin, built with `rtdm-config --skin=posix --skin=smokey` flags only:
 *
 *   alias  modprobes xeno_rtdmtest (an alias of rtdmtest.ko), defers the
 *          close of /dev/rtdm/rtdm0 and closes it, then smokey_rmmod()s
 *          the alias: it unloads rtdmtest once the deferred reference is
 *          dropped (300 ms). Prints "loaded=<0|1> rmmod=<ret>".
 */
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <smokey/smokey.h>
#include <rtdm/testing.h>

smokey_test_plugin(alias, SMOKEY_NOARGS, "modprobe/rmmod of an alias.");

static int loaded(void)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "rtdmtest ", 9);
	fclose(f);
	return found;
}

static int run_alias(struct smokey_test *t, int argc, char *const argv[])
{
	int fd, ret;

	if (smokey_modprobe("xeno_rtdmtest", true))
		return -ENOSYS;
	printf("loaded=%d ", loaded());
	fd = open("/dev/rtdm/rtdm0", O_RDWR);
	if (!__Fassert(fd < 0))
		return -errno;
	if (!__Terrno(ret, ioctl(fd, RTTST_RTIOC_RTDM_DEFER_CLOSE,
				 (unsigned long)RTTST_RTDM_DEFER_CLOSE_CONTEXT)))
		return ret;
	if (!__Terrno(ret, close(fd)))
		return ret;
	ret = smokey_rmmod("xeno_rtdmtest");
	printf("rmmod=%d after=%d\n", ret, loaded());
	return ret;
}

int main(int argc, char *const argv[])
{
	struct smokey_test *t;
	int ret;

	for_each_smokey_test(t) {
		ret = t->run(t, argc, argv);
		if (ret == -ENOSYS) {
			smokey_note("%s skipped (no kernel support)", t->name);
			continue;
		}
		if (ret)
			return 1;
		smokey_note("%s OK", t->name);
	}

	return 0;
}
