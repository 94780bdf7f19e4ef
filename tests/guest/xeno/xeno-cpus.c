// SPDX-License-Identifier: GPL-2.0
/*
 * xeno-cpus: the CPU-set helpers of <boilerplate/ancillaries.h> that
 * Xenomai 3's smokey programs use (get_online_cpu_set(),
 * get_realtime_cpu_set(), get_current_cpu()), built like a Xenomai
 * program with `rtdm-config --skin=posix --cflags/--ldflags` only.
 * Prints one JSON object: the CPU lists the parser gives for sample sysfs
 * contents (in the order of samples[]), the two sets, the CPU each
 * pinned run reports.
 */
#include <stdio.h>
#include <unistd.h>
#include <boilerplate/ancillaries.h>

static void print_set(const cpu_set_t *set)
{
	int cpu, first = 1;

	putchar('[');
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, set))
			continue;
		printf("%s%d", first ? "" : ", ", cpu);
		first = 0;
	}
	putchar(']');
}

/* The parser on a file holding @text: {"ret": r, "cpus": [...]} */
static void parse_sample(const char *text)
{
	const char *path = "/tmp/xeno-cpus.sample";
	cpu_set_t set;
	FILE *f;
	int ret;

	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
	ret = __rtdm_read_cpu_list(path, &set);
	printf("{\"ret\": %d, \"cpus\": ", ret);
	print_set(&set);
	putchar('}');
	unlink(path);
}

int main(void)
{
	static const char *const samples[] = {
		"0-3\n", "0,2-3\n", "1\n", "\n", "", "5-7,9,11-12\n",
		"x\n", "3-1\n", "0,,1\n", "0-\n", "-1\n",
	};
	cpu_set_t online, rt, one;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int i;
	int cpu, first = 1;

	/* in this order in the output (tests/test_xeno_compat.py) */
	printf("{\"samples\": [");
	for (i = 0; i < ARRAY_SIZE(samples); i++) {
		printf("%s", i ? ", " : "");
		parse_sample(samples[i]);
	}
	printf("], \"missing\": %d", __rtdm_read_cpu_list("/nonexistent", &one));
	printf(", \"nprocs_onln\": %ld", ncpu);
	printf(", \"online_ret\": %d, \"online\": ", get_online_cpu_set(&online));
	print_set(&online);
	printf(", \"realtime_ret\": %d, \"realtime\": ", get_realtime_cpu_set(&rt));
	print_set(&rt);
	/* pinned to each online CPU in turn, get_current_cpu() names it */
	printf(", \"pinned\": {");
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &online))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one)) {
			perror("sched_setaffinity");
			return 1;
		}
		printf("%s\"%d\": %d", first ? "" : ", ", cpu, get_current_cpu());
		first = 0;
	}
	printf("}}\n");
	return 0;
}
