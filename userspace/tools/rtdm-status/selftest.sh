#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Host self-test of rtdm-status against a fake /proc/rtdm:
#   selftest.sh <rtdm-status binary> <scratch dir>
set -e
bin=$1
dir=$2/fake-proc-rtdm
rm -rf "$dir"
mkdir -p "$dir"
cat > "$dir/devices" <<'END'
# name type class:sub ver flags fds driver proto
rtdmtest0 named 6:3 1 0x0010 0 rtdmtest -
rtdmtest-proto protocol 6:3 1 0x0020 1 rtdmtest 112:2
END
cat > "$dir/fds" <<'END'
# device minor pid comm refs oflags
rtdmtest0 0 123 rtdm-test 1 0x2
END
cat > "$dir/irq" <<'END'
# irq hits device
23 1042 rtdmtest-irq
END
printf '# pid prio period_ns periods overruns max_late_ns name\n' \
	> "$dir/tasks"
printf '77 80 1000000 5 0 1234 rtdm task "x"\n' >> "$dir/tasks"
echo "inband PREEMPT_RT" > "$dir/backend"

"$bin" -r "$dir"
"$bin" -r "$dir" -j > "$dir/out.json"
"$bin" -r "$dir" -d -j > "$dir/dev.json"
python3 - "$dir" <<'END'
import json, sys
d = sys.argv[1]
j = json.load(open(d + "/out.json"))
assert j["backend"] == "inband PREEMPT_RT", j
assert j["devices"][1] == {"name": "rtdmtest-proto", "type": "protocol",
    "class:sub": "6:3", "class": 6, "subclass": 3, "ver": 1,
    "flags": "0x0020", "fds": 1, "driver": "rtdmtest", "proto": "112:2"}, j
assert j["devices"][0]["proto"] is None
assert j["fds"] == [{"device": "rtdmtest0", "minor": 0, "pid": 123,
    "comm": "rtdm-test", "refs": 1, "oflags": "0x2"}], j
assert j["irqs"] == [{"irq": 23, "hits": 1042, "device": "rtdmtest-irq"}]
assert j["tasks"][0]["name"] == 'rtdm task "x"' and \
    j["tasks"][0]["max_late_ns"] == 1234, j
j = json.load(open(d + "/dev.json"))
assert sorted(j) == ["backend", "devices"], j
print("selftest: rtdm-status OK")
END
