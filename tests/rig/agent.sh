#!/bin/sh
# Guest agent (busybox sh). Protocol on the agent UART, one request a line:
#   host -> guest:  <id> <base64 of the command>\n
#   guest -> host:  @@BEGIN <id>\n<stdout+stderr bytes>\n@@END <id> <rc> <nbytes>\n
# The command runs with `sh -c` from /, stdin from /dev/null.
dev=${1:-/dev/ttyS1}
# open first, then set the line up: a tty whose driver resets its
# termios at the last close (hvc, the virtio console of arm64-evl) would
# forget settings made before
exec <"$dev" >"$dev" 2>&1
stty -F "$dev" raw -echo -echoe -echok -echoctl -echoke clocal 2>/dev/null ||
	stty -F "$dev" raw -echo
out=/tmp/.agent.out
printf '@@READY\n'
while IFS= read -r line; do
	id=${line%% *}
	[ -n "$id" ] || continue
	if [ "$id" = "$line" ]; then
		cmd=
	else
		cmd=$(printf '%s' "${line#* }" | base64 -d)
	fi
	(cd / && sh -c "$cmd") </dev/null >"$out" 2>&1
	rc=$?
	n=$(wc -c <"$out")
	printf '@@BEGIN %s\n' "$id"
	cat "$out"
	printf '\n@@END %s %s %s\n' "$id" "$rc" "$n"
	rm -f "$out"
done
