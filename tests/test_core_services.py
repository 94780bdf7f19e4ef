# SPDX-License-Identifier: GPL-2.0
"""RTDM core services, observed through the test driver (rtdmtest.ko).

Each test runs `rtdm-core-test <subtest>` in the guest (tests/guest/
rtdm-core-test.c), which prints the raw observations as JSON; the
assertions are here. Tolerances suit TCG emulation: a wait of T must last
at least T and return within T + SLACK.
"""

import pytest

MS = 1_000_000
SLACK = 200 * MS          # scheduling slack under TCG

RT, NRT = 1, 2            # RTTST_HANDLER_RT / _NRT
SCHED_OTHER, SCHED_FIFO = 0, 1


def load_modules(guest):
    """insmod rtdm + rtdmtest unless already loaded (idempotent)."""
    guest.run_ok("grep -q '^rtdm ' /proc/modules || insmod /rtdm/modules/rtdm.ko; "
                 "grep -q '^rtdmtest ' /proc/modules || insmod /rtdm/modules/rtdmtest.ko")


@pytest.fixture
def core(guest):
    load_modules(guest)

    def run(args, timeout=120):
        return guest.run_json(f"rtdm-core-test {args}", timeout=timeout)
    return run


def assert_timed_out(w, timeout_ns):
    assert w["ret_name"] == "ETIMEDOUT", w
    assert w["waited_ns"] >= timeout_ns, w
    assert w["waited_ns"] < timeout_ns + SLACK, w
    assert w["user_ns"] >= timeout_ns, w


def assert_nonblocking(w, err="EAGAIN"):
    # EWOULDBLOCK == EAGAIN on Linux
    assert w["ret_name"] == err, w
    assert w["waited_ns"] < SLACK, w


# --------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------

def test_dispatch_which(core):
    r = core("which")
    rt, nrt = r["rt"], r["nrt"]
    # A SCHED_FIFO caller is served by the rt handler, in rt context.
    assert rt["which"]["ret"] == 0
    assert rt["which"]["handler"] == RT
    assert rt["which"]["in_rt"] == 1
    assert rt["which"]["rt_capable"] == 1
    assert (rt["which"]["policy"], rt["which"]["rt_priority"]) == (SCHED_FIFO, 80)
    # A SCHED_OTHER caller by the nrt handler.
    assert nrt["which"]["ret"] == 0
    assert nrt["which"]["handler"] == NRT
    assert nrt["which"]["in_rt"] == 0
    assert nrt["which"]["rt_capable"] == 0
    # read() follows the same rule.
    assert rt["read"]["bytes"] == 16 and rt["read"]["handler"] == RT
    assert nrt["read"]["bytes"] == 16 and nrt["read"]["handler"] == NRT
    assert rt["read"]["signal_ns"] > 0
    # RTIOC_DEVICE_INFO is answered by the core.
    info = r["device_info"]
    assert info["ret"] == 0
    assert (info["device_class"], info["device_sub_class"],
            info["profile_version"]) == (6, 3, 1)
    assert info["device_flags"] & 0x0010        # RTDM_NAMED_DEVICE


def test_dispatch_fallback(core):
    r = core("fallback")
    for ctx in ("rt", "nrt"):
        # ioctl_rt returns -ENOSYS: the nrt handler serves every caller.
        f = r[ctx]["fallback"]
        assert f["ret"] == 0 and f["handler"] == NRT, (ctx, f)
        # ioctl_nrt returns -ENOSYS: the rt handler serves every caller.
        o = r[ctx]["rtonly"]
        assert o["ret"] == 0 and o["handler"] == RT, (ctx, o)
        # write_nrt only: serves real-time callers too.
        w = r[ctx]["write"]
        assert w["bytes"] == len("fallback") + 1, (ctx, w)
        assert w["handler"] == NRT and w["stored_ok"] == 1, (ctx, w)
    assert r["rt"]["fallback"]["in_rt"] == 1
    assert r["nrt"]["rtonly"]["in_rt"] == 0


# --------------------------------------------------------------------------
# Events, semaphores, mutexes
# --------------------------------------------------------------------------

@pytest.mark.parametrize("other", [False, True], ids=["fifo", "other"])
def test_event_timeout(core, other):
    r = core(("-o " if other else "") + "event-timeout 20")
    handler = NRT if other else RT
    assert_timed_out(r["timed"], 20 * MS)
    assert r["timed"]["handler"] == handler
    assert_nonblocking(r["nonblock"])
    # A pending event is consumed by exactly one wait.
    assert r["pending"]["ret"] == 0
    assert r["pending"]["waited_ns"] < SLACK
    assert_nonblocking(r["consumed"])
    # A pulse without waiters and a cleared event leave nothing pending.
    assert_nonblocking(r["after_pulse"])
    assert_nonblocking(r["after_clear"])


def test_event_signal(core):
    r = core("event-signal 50")
    for kind in ("signal", "pulse"):
        w = r[kind]["wait"]
        assert w["ret"] == 0, (kind, w)
        # Woken by the other thread's request, not before it.
        assert w["end_ns"] >= w["signal_ns"] > w["start_ns"], (kind, w)
        assert w["waited_ns"] >= 50 * MS, (kind, w)
        assert w["end_ns"] - w["signal_ns"] < SLACK, (kind, w)
    # A pulse wakes the waiter but leaves nothing pending.
    assert_nonblocking(r["pulse"]["after"])
    rd = r["read"]
    assert rd["ret"] == 0 and rd["bytes"] == 16 and rd["handler"] == RT
    # read() returns the date of the signal that released it.
    assert rd["signal_ns"] >= rd["signal_issued_ns"]
    assert rd["user_ns"] >= 50 * MS


def test_semaphore(core):
    r = core("sem 20")
    assert_nonblocking(r["empty_nonblock"])
    assert_timed_out(r["timed"], 20 * MS)
    # Three ups, three downs succeed, the fourth would block.
    counted = [x["w"] for x in r["counted"]]
    assert [c["ret"] for c in counted[:3]] == [0, 0, 0], counted
    assert_nonblocking(counted[3])
    w = r["woken"]["wait"]
    assert w["ret"] == 0, w
    assert w["waited_ns"] >= 20 * MS
    assert w["end_ns"] - w["signal_ns"] < SLACK


def test_mutex(core):
    r = core("mutex 50")
    hold = 50 * MS
    s = r["short_timeout"]              # timeout < hold
    assert s["ret_name"] == "ETIMEDOUT", s
    assert s["timeout_ns"] <= s["waited_ns"] < s["timeout_ns"] + SLACK, s
    lng = r["long_timeout"]             # timeout > hold: got it on unlock
    assert lng["ret"] == 0, lng
    assert hold * 0.9 <= lng["waited_ns"] < lng["timeout_ns"], lng
    nb = r["nonblock"]
    assert nb["ret_name"] == "EAGAIN" and nb["waited_ns"] < SLACK, nb
    inf = r["infinite"]
    assert inf["ret"] == 0 and inf["waited_ns"] >= hold * 0.9, inf


def test_mutex_priority_inheritance(core):
    r = core("mutex 50")
    pi = r["pi"]
    assert pi["ret"] == 0, pi
    assert pi["caller_prio"] == 80
    # The holder (priority 10) runs at the waiter's priority while the
    # SCHED_FIFO 80 caller waits in rtdm_mutex_lock(), and drops back.
    assert pi["holder_prio_before"] == 10, pi
    assert pi["holder_prio_during"] == 80, pi
    assert pi["holder_prio_after"] == 10, pi


# --------------------------------------------------------------------------
# Timers, tasks, sleeps
# --------------------------------------------------------------------------

def test_timer_oneshot(core):
    r = core("timer-oneshot 10")
    for mode in ("relative", "absolute"):
        t = r[mode]
        assert t["ret"] == 0 and t["fired"] == 1, (mode, t)
        assert 0 <= t["late_ns"] < SLACK, (mode, t)
        assert t["fired_ns"] - t["armed_ns"] >= 10 * MS, (mode, t)
        # Timer handlers run in hard interrupt context, real-time.
        assert t["hardirq"] == 1 and t["rt_context"] == 1, (mode, t)
    past = r["absolute_past"]
    assert past["ret_name"] == "ETIMEDOUT" and past["fired"] == 0, past
    assert r["relative_zero"]["ioctl_name"] == "EINVAL"


def test_timer_periodic(core):
    r = core("timer-periodic 1000 200")
    period, count = 1 * MS, 200
    assert r["ret"] == 0, r
    assert r["ticks"] == count, r
    # rtdm_timer_stop_in_handler() really stops it.
    assert r["extra_ticks"] == 0, r
    assert r["hardirq"] == count, r
    assert r["lat_min_ns"] >= 0, r
    assert r["lat_max_ns"] < SLACK, r
    assert r["first_ns"] >= r["start_ns"]
    # count ticks (and the skipped periods) span the right time.
    span = r["last_ns"] - r["first_ns"]
    assert span >= (count - 1 + r["overruns"]) * period - r["lat_max_ns"], r
    assert span < (count - 1 + r["overruns"]) * period + SLACK, r


def test_task_periodic(core):
    r = core("task-periodic 1000 200 50")
    period, count = 1 * MS, 200
    assert r["ret"] == 0, r
    assert r["cycles"] == count, r
    assert r["is_current"] == 1 and r["in_rt"] == 1, r
    assert r["rt_priority"] == 50, r
    # rtdm_task_destroy() made it leave its loop through
    # rtdm_task_should_stop(), and waited for that.
    assert r["stopped"] == 1, r
    # Wake-ups never precede their release dates.
    assert r["lat_min_ns"] >= 0, r
    assert r["lat_max_ns"] < SLACK, r
    assert r["first_ns"] >= r["start_ns"], r
    span = r["last_ns"] - r["first_ns"]
    assert span >= (count - 1) * period - r["lat_max_ns"], r
    assert span < (count - 1 + r["overruns"]) * period + SLACK, r


def test_task_sleep(core):
    r = core("sleep 10")
    for mode in ("rel", "abs", "until", "busy", "nrt_rel"):
        s = r[mode]
        assert s["ret"] == 0, (mode, s)
        assert s["delay_ns"] <= s["slept_ns"] < s["delay_ns"] + SLACK, (mode, s)
    assert r["rel"]["handler"] == RT and r["rel"]["in_rt"] == 1
    assert r["nrt_rel"]["handler"] == NRT and r["nrt_rel"]["in_rt"] == 0


def test_nrtsig(core):
    r = core("nrtsig 20")
    assert r["ret"] == 0, r
    # Pended from the hard timer handler, each pend ran exactly once.
    assert r["pends"] == 20 and r["pend_hardirq"] == 20, r
    assert r["runs"] == 20, r
    # ... in-band: never in hard interrupt context.
    assert r["run_hardirq"] == 0, r
    assert 0 <= r["lat_min_ns"] <= r["lat_max_ns"] < SLACK, r


# --------------------------------------------------------------------------
# Interrupts
# --------------------------------------------------------------------------

def test_irq(core):
    r = core("irq 10")
    assert r["ret"] == 0, r
    assert r["virq"] > 0
    # Each trigger ran the handler once, in hard irq context.
    assert r["hits"] == 10, r
    assert r["hardirq"] == 10 and r["rt_context"] == 10, r
    assert 0 <= r["lat_min_ns"] <= r["lat_max_ns"] < SLACK, r
    # rtdm_irq_disable() masks the line, rtdm_irq_enable() unmasks it.
    assert r["hits_disabled"] == 0, r
    assert r["hits_replayed"] == 0, r
    assert r["hits_enabled"] == 10, r
    # RTDM_IRQ_DISABLE from the handler leaves the line disabled until
    # rtdm_irq_enable().
    assert r["hits_disable_ret"] == 1, r
    assert r["hits_reenabled"] == 10, r
    # rtdm_irq_free() detaches the handler.
    assert r["hits_freed"] == 0, r


def test_irq_in_proc(guest, core):
    ready = "/tmp/irq-ready"
    out = guest.run_ok(
        f"rm -f {ready}; rtdm-core-test hold 4000 irq 7 ready {ready} > /tmp/hold.json & "
        f"i=0; while [ ! -e {ready} ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
        "echo '--proc'; cat /proc/rtdm/irq; echo '--end'; wait; echo '--after'; "
        "cat /proc/rtdm/irq; echo '--json'; cat /tmp/hold.json", timeout=60)
    during = out.split("--proc\n")[1].split("--end")[0]
    after = out.split("--after\n")[1].split("--json")[0]
    held = [l for l in out.split("--json\n")[1].splitlines() if l.startswith("{")]
    import json
    h = json.loads(held[-1])
    assert h["irq"]["attach"] == 0 and h["irq"]["ret"] == 0, h
    assert h["irq"]["hits"] == 7, h
    virq = h["irq"]["virq"]
    lines = [l.split() for l in during.splitlines() if "rtdmtest-irq" in l]
    assert len(lines) == 1, during
    # "irq hits device"
    assert lines[0][0] == str(virq), during
    assert lines[0][1] == "7", during
    # Detached on close.
    assert "rtdmtest-irq" not in after, after


# --------------------------------------------------------------------------
# Memory mapping
# --------------------------------------------------------------------------

def test_mmap_to_user(core):
    r = core("mmap 16")
    for kind in ("kmalloc", "vmalloc"):
        m = r[kind]
        assert m["ret"] == 0, (kind, m)
        # The user sees the kernel's bytes, the kernel the user's.
        assert m["user_mismatches"] == 0, (kind, m)
        assert m["kernel_sees_user"]["mismatches"] == 0, (kind, m)
        assert m["kernel_sees_user"]["len"] == m["len"]
        assert m["kernel_old_pattern"]["mismatches"] > 0, (kind, m)
        assert m["second_map_name"] == "EBUSY", (kind, m)
        # rtdm_munmap() removed the mapping.
        assert m["munmap"] == 0 and m["unmapped"] == 1, (kind, m)
        assert m["munmap_again_name"] == "ENXIO", (kind, m)


def test_mmap_fd_handler(core):
    r = core("mmap-fd 16")
    assert r["ret"] == 0, r
    assert r["user_mismatches"] == 0, r
    assert r["kernel_sees_user"]["ret"] == 0, r
    assert r["kernel_sees_user"]["mismatches"] == 0, r
    assert r["second_ret"] == 0 and r["second_mismatches"] == 0, r
    assert r["too_long_name"] == "EINVAL", r


# --------------------------------------------------------------------------
# Latency measurement
# --------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["timer", "task"])
def test_latency(core, mode):
    r = core(f"latency 1000 1000 {mode}", timeout=120)
    assert r["ret"] == 0, r
    assert r["collected"] == 1000, r
    assert 0 <= r["min_ns"] <= r["avg_ns"] <= r["max_ns"], r
    assert r["avg_ns"] < SLACK, r
    # The histogram accounts for every sample.
    total = sum(n for _, n in r["hist"]) + r["hist_overflow"]
    assert total == r["collected"], r
    assert r["bucket_ns"] == 1000


# --------------------------------------------------------------------------
# Protocol device
# --------------------------------------------------------------------------

def test_socket_loopback(core):
    r = core("socket 20")
    assert r["bind_a"] == 0 and r["bind_b"] == 0
    assert r["bind_inuse_name"] == "EADDRINUSE"
    assert r["bind_twice_name"] == "EINVAL"
    assert r["bind_badport_name"] == "EINVAL"
    assert r["bind_badlen_name"] == "EINVAL"
    assert r["bind_badfamily_name"] == "EINVAL"
    assert r["send"] == 5
    rc = r["recv"]
    assert rc["bytes"] == 5 and rc["data_ok"] == 1, rc
    assert (rc["from_family"], rc["from_port"], rc["fromlen"]) == (112, 2, 16), rc
    assert r["getsockname"]["port"] == 1 and r["getsockname"]["family"] == 112
    assert r["getpeername_unconnected_name"] == "ENOTCONN"
    assert r["connect"] == 0 and r["getpeername"]["port"] == 2
    assert r["send_connected"] == 9 and r["recv_connected_ok"] == 1
    assert r["send_unconnected_name"] == "EDESTADDRREQ"
    assert r["truncated"]["bytes"] == 4 and r["truncated"]["msg_trunc"] == 1
    assert r["scatter_ok"] == 1
    assert r["send_too_big_name"] == "EMSGSIZE"
    assert r["send_max"] == 256
    assert r["send_unbound_port_name"] == "ECONNREFUSED"
    assert r["send_badlen_name"] == "EINVAL"
    # 8 datagrams fit, the 9th does not.
    assert r["fill"] == [1] * 8 + [-11], r["fill"]
    assert r["send_queue_full_name"] == "EAGAIN"
    assert r["listen_name"] == "EOPNOTSUPP" and r["accept_name"] == "EOPNOTSUPP"
    assert r["shutdown_name"] == "ENOTCONN"
    assert r["dontwait"]["ret_name"] == "EAGAIN"
    assert r["dontwait"]["user_ns"] < SLACK
    assert r["setsockopt"] == 0
    assert r["setsockopt_badlen_name"] == "EINVAL"
    assert r["setsockopt_badopt_name"] == "ENOPROTOOPT"
    assert r["getsockopt"]["value"] == 20 * MS and r["getsockopt"]["len"] == 8
    t = r["rcvtimeo"]
    assert t["ret_name"] == "ETIMEDOUT", t
    assert 20 * MS <= t["user_ns"] < 20 * MS + SLACK, t
    nb = r["rcvtimeo_nonblock"]
    assert nb["ret_name"] == "EAGAIN" and nb["user_ns"] < SLACK, nb
    b = r["blocking"]
    assert b["ret"] == 0 and b["data_ok"] == 1, b
    assert b["user_ns"] >= 50 * MS and b["wake_ns"] < SLACK, b
    assert r["rebind_after_close"] == 0


# --------------------------------------------------------------------------
# fd life cycle and bad input
# --------------------------------------------------------------------------

@pytest.mark.parametrize("other", [False, True], ids=["fifo", "other"])
def test_close_while_blocked(core, other):
    r = core(("-o " if other else "") + "close-while-blocked 100")
    for kind in ("read", "recv"):
        c = r[kind]
        assert c["close"] == 0, (kind, c)
        # The blocked caller returns -1/EBADF promptly.
        assert c["ret_name"] == "EBADF", (kind, c)
        assert 0 <= c["return_after_close_ns"] < SLACK, (kind, c)


def test_exclusive_open(core):
    r = core("exclusive")
    assert r["first"] == 0
    assert r["second_name"] == "EBUSY"
    assert r["shared_second"] == 0
    assert r["after_close"] == 0


def test_bad_input(core):
    r = core("badinput")
    expect = {
        "EFAULT": ["which_null", "which_garbage", "wait_null", "periodic_null",
                   "latency_null", "write_null", "write_garbage", "read_null",
                   "bind_garbage", "send_garbage_buf", "setsockopt_null"],
        "ENOTTY": ["unknown", "unknown_type", "wrong_size", "sock_ioctl_unknown"],
        "EINVAL": ["period_zero", "count_zero", "count_huge", "period_negative",
                   "task_prio_zero", "task_prio_100", "latency_samples_zero",
                   "latency_period_zero", "latency_mode", "mmap_len_unaligned",
                   "mmap_len_huge", "mmap_len_zero", "mmap_kind", "irq_count_zero",
                   "nrtsig_count_zero", "mutex_hold_zero", "sleep_mode", "sleep_zero",
                   "oneshot_mode", "write_zero", "write_too_big", "read_short",
                   "bind_null"],
        "ENXIO": ["munmap_unmapped", "irq_trigger_unattached", "irq_detach_unattached"],
        "EAGAIN": ["read_nonblock"],
        "ENOENT": ["open_nonexistent"],
        "EAFNOSUPPORT": ["socket_no_family", "socket_no_type"],
        "EPROTONOSUPPORT": ["socket_bad_protocol"],
        "EDESTADDRREQ": ["send_no_dest"],
        "EBADF": ["ioctl_after_close"],
    }
    wrong = {k: r[k + "_name"] for err, keys in expect.items() for k in keys
             if r[k + "_name"] != err}
    assert not wrong, wrong
