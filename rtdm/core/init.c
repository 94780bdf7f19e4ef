// SPDX-License-Identifier: GPL-2.0
/*
 * RTDM core module: device registry, fd layer, status files and the
 * backend picked at build time.
 */
#include <linux/module.h>
#include "internal.h"

static bool rtdm_up;

bool rtdm_available(void)
{
	return READ_ONCE(rtdm_up);
}
EXPORT_SYMBOL_GPL(rtdm_available);

static int __init rtdm_init(void)
{
	int ret;

	ret = rtdm_backend_init();
	if (ret)
		return ret;

	ret = rtdm_fd_init();
	if (ret)
		goto fail_fd;

	ret = rtdm_device_init();
	if (ret)
		goto fail_device;

	ret = rtdm_control_init();
	if (ret)
		goto fail_control;

	ret = rtdm_proc_init();
	if (ret)
		goto fail_proc;

	WRITE_ONCE(rtdm_up, true);
	pr_info("rtdm: RTDM API %d, %s backend\n", RTDM_API_VER,
		rtdm_backend_describe());

	return 0;

fail_proc:
	rtdm_control_cleanup();
fail_control:
	rtdm_device_cleanup();
fail_device:
	rtdm_fd_cleanup();
fail_fd:
	rtdm_backend_cleanup();

	return ret;
}

static void __exit rtdm_exit(void)
{
	WRITE_ONCE(rtdm_up, false);
	rtdm_proc_cleanup();
	rtdm_control_cleanup();
	rtdm_device_cleanup();
	rtdm_fd_cleanup();
	rtdm_backend_cleanup();
}

module_init(rtdm_init);
module_exit(rtdm_exit);

MODULE_DESCRIPTION("RTDM real-time driver model core");
MODULE_LICENSE("GPL");
