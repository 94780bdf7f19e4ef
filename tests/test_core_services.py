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
def evl(guest):
    """True on the evl backend: rt handlers run out-of-band there, which
    Linux does not count as hard interrupt context."""
    return guest.target.backend == "evl"


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
            info["profile_version"]) == (6, 3, 2)
    assert info["device_flags"] & 0x0010        # RTDM_NAMED_DEVICE


def test_dispatch_fallback(core, evl):
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
    # the nrt handler runs in the rt caller's context on the inband
    # backend, in-band on evl (the library repeats the call there)
    assert r["rt"]["fallback"]["in_rt"] == (0 if evl else 1)
    # an in-band caller runs the rt handler in its own context on the
    # inband backend; on evl librtdm attaches it to EVL, out-of-band
    assert r["nrt"]["rtonly"]["in_rt"] == (1 if evl else 0)


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


@pytest.fixture(scope="module")
def mutex_runs(guest):
    load_modules(guest)
    return guest.run_json("rtdm-core-test mutex 100", timeout=120)


def waiter(run, i=0):
    return run["waiters"][i]


def test_mutex(mutex_runs):
    r = mutex_runs
    hold = 100 * MS
    s = waiter(r["short_timeout"])          # timeout < hold
    assert s["ret_name"] == "ETIMEDOUT", s
    assert hold / 2 <= s["waited_ns"] < hold / 2 + SLACK, s
    # The holder keeps the mutex 20 ms (the waiter's start) + hold.
    lng = waiter(r["long_timeout"])         # timeout > hold: got it on unlock
    assert lng["ret"] == 0 and lng["order"] == 1, lng
    assert hold <= lng["waited_ns"] < 4 * hold, lng
    nb = waiter(r["nonblock"])
    assert nb["ret_name"] == "EAGAIN" and nb["waited_ns"] < SLACK, nb
    inf = waiter(r["infinite"])
    assert inf["ret"] == 0 and inf["waited_ns"] >= hold, inf


def test_mutex_priority_inheritance(mutex_runs):
    # The holder (priority 10) runs at the waiter's priority (80) while the
    # waiter is queued in rtdm_mutex_lock(), and drops back after unlocking.
    pi = mutex_runs["pi"]
    assert waiter(pi)["ret"] == 0, pi
    assert pi["holder_prio_before"] == 10, pi
    assert pi["holder_prio_during"] == 80, pi
    assert pi["holder_prio_after"] == 10, pi


def test_mutex_timed_waiters_boost_the_owner(mutex_runs):
    """A timed rtdm_mutex_timedlock() waiter boosts the owner like an
    infinite one, and the boost goes when it gives up."""
    lng = mutex_runs["long_timeout"]
    assert lng["holder_prio_during"] == 80, lng
    assert lng["holder_prio_after"] == 10, lng
    s = mutex_runs["short_timeout"]         # timed out before the hold ended
    assert waiter(s)["ret_name"] == "ETIMEDOUT", s
    assert s["holder_prio_during"] == 10, s


@pytest.mark.parametrize("run", ["order", "order_pi"])
def test_mutex_waiters_served_by_priority(mutex_runs, run):
    """Waiters queued in the order 20, 40, 60 get the mutex 60, 40, 20, and
    the owner runs at the top waiter's priority meanwhile."""
    r = mutex_runs[run]
    assert r["ioctl"] == 0, r
    got = {w["prio"]: (w["ret"], w["order"]) for w in r["waiters"]}
    assert got == {60: (0, 1), 40: (0, 2), 20: (0, 3)}, r
    assert r["holder_prio_during"] == 60, r


@pytest.mark.parametrize("run", ["destroy_timed", "destroy_infinite"])
def test_mutex_destroy_wakes_waiters(mutex_runs, run):
    """rtdm_mutex_destroy() fails every waiter with EIDRM at once, timed or
    not, instead of leaving them parked."""
    r = mutex_runs[run]
    assert r["ioctl"] == 0, r
    for w in r["waiters"]:
        assert w["ret_name"] == "EIDRM" and w["order"] == 0, r
        assert w["waited_ns"] < 100 * MS, r
    assert r["holder_prio_during"] == 10, r


# --------------------------------------------------------------------------
# Timers, tasks, sleeps
# --------------------------------------------------------------------------

def test_timer_oneshot(core, evl):
    r = core("timer-oneshot 10")
    for mode in ("relative", "absolute"):
        t = r[mode]
        assert t["ret"] == 0 and t["fired"] == 1, (mode, t)
        assert 0 <= t["late_ns"] < SLACK, (mode, t)
        assert t["fired_ns"] - t["armed_ns"] >= 10 * MS, (mode, t)
        # Timer handlers run in rt context: hard interrupt context on
        # the inband backend, out-of-band on evl.
        assert t["rt_context"] == 1 and t["hardirq"] == (0 if evl else 1), (mode, t)
    past = r["absolute_past"]
    assert past["ret_name"] == "ETIMEDOUT" and past["fired"] == 0, past
    assert r["relative_zero"]["ioctl_name"] == "EINVAL"


def test_timer_restarted_and_stopped_from_its_handler(core):
    """rtdm_timer_start() and rtdm_timer_stop() called from the timer's own
    handler restart and stop it (they deadlocked in hrtimer_cancel())."""
    r = core("timer-self 2000 20", timeout=60)
    for mode in ("oneshot", "periodic"):
        t = r[mode]
        assert t["ioctl"] == 0 and t["ret"] == 0 and t["start_ret"] == 0, (mode, t)
        assert t["fired"] == 20 and t["fired_after"] == 0, (mode, t)


def test_timer_periodic(core, evl):
    r = core("timer-periodic 1000 200")
    period, count = 1 * MS, 200
    assert r["ret"] == 0, r
    assert r["ticks"] == count, r
    # rtdm_timer_stop_in_handler() really stops it.
    assert r["extra_ticks"] == 0, r
    if evl:
        # Out-of-band ticks (test_timer_oneshot checks the stage). A tick
        # that preempted an in-band interrupt handler sees that handler's
        # hard-irq count (the interrupted context's preempt count): seen
        # once in 200 on arm64-evl.
        assert r["hardirq"] <= count // 20, r
    else:
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


def test_nrtsig(core, evl):
    r = core("nrtsig 20")
    assert r["ret"] == 0, r
    # Pended from the timer handler (rt context), each pend ran once.
    assert r["pends"] == 20 and r["pend_rt"] == 20, r
    assert r["pend_hardirq"] == (0 if evl else 20), r
    assert r["runs"] == 20, r
    # ... in-band: never in hard interrupt context.
    assert r["run_hardirq"] == 0, r
    assert 0 <= r["lat_min_ns"] <= r["lat_max_ns"] < SLACK, r


# --------------------------------------------------------------------------
# Interrupts
# --------------------------------------------------------------------------

def test_irq(core, evl):
    r = core("irq 10")
    assert r["ret"] == 0, r
    assert r["virq"] > 0
    # Each trigger ran the handler once, in rt context (hard irq context
    # on the inband backend, out-of-band on evl).
    assert r["hits"] == 10, r
    assert r["rt_context"] == 10 and r["hardirq"] == (0 if evl else 10), r
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


def test_fd_life_cycle(core):
    """Closing a descriptor shuts the file only when no other descriptor of
    it is left: fork, exec with O_CLOEXEC, dup, dup2 and driver-held
    references (rtdm_fd_lock) do not close it under its other users."""
    r = core("fd-life", timeout=60)
    for case in ("fork_child_closes", "fork_child_execs_cloexec"):
        c = r[case]
        # the single-threaded parent's read times out (400 ms) instead of
        # being cut short with EBADF when the child drops its copy
        assert c["read_name"] == "ETIMEDOUT", (case, c)
        assert c["read_ns"] >= 390 * MS, (case, c)
        assert c["ioctl_after"] == 0 and c["child_status"] == 0, (case, c)
    assert r["fork_parent_closes"]["close"] == 0, r
    assert r["fork_parent_closes"]["child_status"] == 0, r
    for case, first, last in (("dup_close", "close_first", "close_last"),
                              ("dup2_over", "dup2_first", "dup2_last")):
        c = r[case]
        assert c[first] >= 0 and c["blocked_after_first"] == 1, (case, c)
        assert c["ioctl_on_dup"] == 0, (case, c)
        # the last descriptor gone, the blocked reader returns EBADF
        assert c[last] >= 0 and c["read_name"] == "EBADF", (case, c)
        assert 0 <= c["return_after_last_ns"] < SLACK, (case, c)
    lk = r["lock_dup"]
    for k in ("hold", "close_first", "ioctl_on_dup", "release", "close_last"):
        assert lk[k] == 0, lk


def test_fd_outlived_by_a_driver_reference(core, guest):
    """A context kept by rtdm_fd_lock() after its file was released is still
    listed, with the flags the file had, and goes with the reference."""
    r = core("hold-close")
    flags = r["open"].split()[-1]
    assert int(flags, 16) & r["oflags"] == r["oflags"], r    # O_RDWR|O_NONBLOCK
    assert r["hold"] == 0 and r["close"] == 0, r
    assert r["closed_held"] and r["closed_held"].split()[-1] == flags, r
    assert r["release"] == 0 and r["released"] == "", r


def test_unbind_revokes_open_fds(core, guest):
    """Unbinding the device of an open fd (sysfs) does not wait for the fd:
    the blocked reader fails with ENODEV, later calls too, close works,
    and the device comes back on bind."""
    drv = "/sys/bus/platform/drivers/rtdmtest"
    out = guest.run_ok(
        "rm -f /tmp/br-ready; rtdm-core-test block-read /dev/rtdm/rtdmplat0 "
        "/tmp/br-ready 10000 > /tmp/br.json & pid=$!; "
        "i=0; while [ ! -e /tmp/br-ready ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
        f"echo rtdmtest > {drv}/unbind; echo unbind=$?; "
        "ls /dev/rtdm | grep -c rtdmplat; wait $pid; echo reader=$?; cat /tmp/br.json; "
        f"echo rtdmtest > {drv}/bind; echo bind=$?; ls /dev/rtdm/rtdmplat0", timeout=60)
    lines = out.splitlines()
    assert "unbind=0" in lines and "reader=0" in lines and "bind=0" in lines, out
    assert lines[lines.index("unbind=0") + 1] == "0", out      # node gone
    import json
    r = json.loads(next(l for l in lines if l.startswith("{")))
    assert r["returned"] == 1 and r["read_name"] == "ENODEV", r
    assert r["blocked_ns"] < SLACK, r
    assert r["ioctl_after_name"] == "ENODEV" and r["read_after_name"] == "ENODEV", r
    assert r["close"] == 0, r
    assert lines[-1] == "/dev/rtdm/rtdmplat0", out


def test_poll(core, evl):
    """poll() reports a named device readable once its event is signalled;
    on evl, evl_poll() from a thread attached to EVL too (oob_poll)."""
    r = core("poll 50")
    runs = ["poll"] + (["evl_poll"] if evl else [])
    assert r["built_with_evl"] == (1 if evl else 0), r
    for k in runs:
        p = r[k]
        assert p["idle"] == 0, (k, p)
        assert p["ready"] == 1 and p["pollin"] == 1, (k, p)
        assert 0 <= p["wake_ns"] < SLACK, (k, p)               # after the signal
    assert r["closed_revents"] == 0x20, r                     # POLLNVAL


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
