# SPDX-License-Identifier: GPL-2.0
"""A QEMU guest driven through the agent on a dedicated UART.

    g = Guest(get_target("x86"))
    g.boot()                       # build (memoized) + initramfs + boot, waits for the agent
    rc, out = g.run("uname -r")
    g.shutdown()
"""

import atexit
import base64
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

from .targets import BUILD, Target
from . import build as _build
from . import kmemleak as _kmemleak

# A target whose guest failed to boot this many times in one session is
# not booted again: later tests fail at once with the first failure's
# message, so one broken target costs two boot timeouts, not one per module.
BOOT_FAILURES_MAX = int(os.environ.get("RTDM_BOOT_FAILURES_MAX", "2"))
# hard cap on the life of one QEMU process, whatever happens on the host side
QEMU_MAX_SECONDS = float(os.environ.get("RTDM_QEMU_MAX_SECONDS", "3600"))
CONSOLE_TAIL = 60

# ---------------------------------------------------------------------------
# kernel splats

# Only kernel log lines count: "[    1.234567] <message>" (console, dmesg)
# or "<4>[ ...]" style. The agent's output never reaches the console, and
# /init's own lines carry no timestamp.
_KLINE = re.compile(r"^(?:<\d+>)?\[\s*\d+\.\d+\]\s?(?:\[\s*[CT]\d+\]\s?)?(.*)$")
# What the debug kernel (x86-debug) adds is covered too: KASAN ("BUG:
# KASAN: ..."), lockdep ("WARNING: possible circular locking ...", "BUG:
# MAX_LOCKDEP_KEYS too low!", "INFO: trying to register non-static key"),
# sleep in atomic context ("BUG: sleeping function called from invalid
# context", "BUG: scheduling while atomic"), DEBUG_OBJECTS ("ODEBUG: ...",
# also its "Out of memory. ODEBUG disabled"), DEBUG_LIST ("list_add
# corruption") and kmemleak's own trouble (it stops watching: "kmemleak:
# Cannot allocate ...", "Memory pool empty", "... disabled"; its other
# lines, and kmemleak-test's, which share the prefix, are not splats).
# kmemleak's findings are not
# splats: "kmemleak: N new suspected memory leaks" follows every scan that
# finds the core kernel's boot-time leftovers; tests/rig/kmemleak.py
# decides which leaks are the project's.
_SPLAT = re.compile(
    r"^(?:"
    r"Oops\b|Internal error: Oops|BUG:|WARNING:|Kernel panic|general protection|"
    r"Unable to handle kernel|Call Trace:|INFO: possible|INFO: task .* blocked|"
    r".*possible circular locking|.*inconsistent lock state|"
    r"Modules linked in:|watchdog: BUG: soft lockup|rcu: INFO: .* stall|"
    r"kernel BUG at|ODEBUG:|INFO: trying to register non-static key|"
    r"list_(?:add|del) corruption|UBSAN:|"
    r"kmemleak: (?:Cannot |Memory pool empty|.*\bdisabled?\b)"
    r")")


def splats(text):
    """The kernel-splat lines found in console or dmesg text (list of str)."""
    found = []
    for line in text.splitlines():
        m = _KLINE.match(line.rstrip("\r"))
        if m and _SPLAT.match(m.group(1)):
            found.append(line.rstrip("\r"))
    return found


# a module-space address (x86_64) in a trace: a module unloaded since
# ([0xffffffffa0000000, 0xffffffffff000000): rig/kmemleak.py)
_MODADDR = re.compile(r"\b0xffffffff[a-f][0-9a-f]{7}\b")


def project_splats(text, modules, context=80):
    """The splats of `text` whose report (the splat line and the `context`
    lines after it) names one of `modules` ("[rtdm]" in a frame, or in
    "Modules linked in:") or a frame in module space that no longer
    resolves (a module unloaded since): a list of report excerpts."""
    lines = text.splitlines()
    found = set(splats(text))
    names = re.compile(r"[\[ ](?:%s)(?:\]|\s|$)" % "|".join(map(re.escape, sorted(modules)))) \
        if modules else None
    out = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip("\r") in found:
            block = lines[i:i + context]
            body = "\n".join(block)
            if (names and names.search(body)) or _MODADDR.search(body):
                out.append(body)
                i += context
                continue
        i += 1
    return out


# ---------------------------------------------------------------------------
# QEMU processes are always killed when the host process exits

_live = set()


FLASH_SIZE = 2 * 1024 * 1024     # sabrelite's SST25VF016B (-drive if=mtd)


def flash_image():
    """What the emulated SPI NOR flash holds at each boot: "FLASHIMG", then
    a fixed pseudo-random pattern the SPI tests read back."""
    import random
    return b"FLASHIMG" + random.Random(0x5a17).randbytes(FLASH_SIZE - 8)


def _kill_all():
    for p in list(_live):
        if p.poll() is None:
            try:
                p.kill()
                p.wait(5)
            except Exception:
                pass
    _live.clear()


atexit.register(_kill_all)


class GuestError(AssertionError):
    """A guest failed (boot, timeout, dead agent). Shows as a test failure."""


def _die_with_parent():
    """preexec_fn: QEMU gets SIGKILL if the Python process dies (even by SIGKILL)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except Exception:
        pass


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hmp(path, commands, timeout=3.0):
    """Run HMP monitor commands on a QEMU monitor socket; their output."""
    esc = re.compile(rb"\x1b\[[0-9;]*[A-Za-z]")

    def until_prompt(s, deadline, after=b""):
        buf = b""
        while time.monotonic() < deadline:
            text = esc.sub(b"", buf)
            if after in text and text.rstrip().endswith(b"(qemu)") and \
                    text.rfind(b"(qemu)") > text.find(after):
                return text
            try:
                data = s.recv(65536)
            except socket.timeout:
                continue
            if not data:
                break
            buf += data
        return esc.sub(b"", buf)

    out = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        s.connect(path)
        until_prompt(s, time.monotonic() + timeout)      # banner
        for cmd in commands:
            s.sendall(cmd.encode() + b"\n")
            text = until_prompt(s, time.monotonic() + timeout, after=cmd.encode() + b"\r\n")
            body = text.split(cmd.encode() + b"\r\n", 1)[-1]
            out.append(body.rsplit(b"(qemu)", 1)[0].decode("utf-8", "replace").replace("\r", ""))
    return "".join(out)


# the program counter in HMP's register dump: x86 RIP, arm R15, arm64 PC
_PC = {"x86": re.compile(r"\bRIP=([0-9a-f]+)"), "arm": re.compile(r"\bR15=([0-9a-f]+)"),
       "arm64": re.compile(r"\bPC=([0-9a-f]+)")}


class Guest:
    _boot_failures = {}    # target name -> [count, first message]

    def __init__(self, target: Target, name=None):
        self.target = target
        self.name = name or target.name
        self.proc = None
        self.sock = None
        self.dead = True
        self.boots = 0
        self.boot_seconds = None     # last boot, QEMU start to agent ready
        self.boot_times = []
        self.build = None
        self.initrd = None
        self.rundir = None
        self.console_path = None
        self._tmp = None
        self._buf = b""
        self._seq = 0

    # -- lifecycle ----------------------------------------------------------
    def boot(self, timeout=None):
        """Build (once per session), pack the initramfs, start QEMU and wait
        until the agent answers (at most target.boot_timeout seconds).
        Returns self."""
        if self.proc is not None:
            self.kill()
        t = self.target
        failed = Guest._boot_failures.get(t.name)
        if failed and failed[0] >= BOOT_FAILURES_MAX:
            raise GuestError(f"{t.name}: not booted again, it failed to boot {failed[0]} times "
                             f"in this session; first failure:\n{failed[1]}")
        timeout = timeout or t.boot_timeout
        if self.initrd is None:
            self.build, self.initrd = _build.guest_image(t)
        self.boots += 1
        self.rundir = BUILD / f"guest-{self.name}"
        shutil.rmtree(self.rundir, ignore_errors=True)
        self.rundir.mkdir(parents=True)
        self.console_path = self.rundir / "console.log"
        self.console_path.touch()
        self._tmp = tempfile.mkdtemp(prefix="rtdm-rig-")
        agent_sock = os.path.join(self._tmp, "agent.sock")
        self._monitor = os.path.join(self._tmp, "monitor.sock")
        flash = None
        if t.arch == "arm":
            flash = self.rundir / "flash.bin"
            with open(flash, "wb") as f:
                f.write(flash_image())
        cmd = t.qemu_cmd(self.initrd, self.console_path, agent_sock, self._monitor,
                         flash=flash, wire_port=_free_port())
        (self.rundir / "qemu.cmd").write_text(" ".join(cmd) + "\n")
        self._qemu_log = open(self.rundir / "qemu.log", "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._qemu_log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        _live.add(self.proc)
        self._reaper = threading.Timer(QEMU_MAX_SECONDS, self._expire, args=(self.proc,))
        self._reaper.daemon = True
        self._reaper.start()
        self._buf = b""
        try:
            self.sock = self._connect(agent_sock, t0 + timeout)
            self._read_until(re.compile(rb"@@READY\n"), t0 + timeout,
                             f"boot (agent ready, {timeout:.0f}s)")
        except GuestError as e:
            msg = str(e)
            self.kill()
            count = Guest._boot_failures.setdefault(t.name, [0, msg])
            count[0] += 1
            raise GuestError(msg) from None
        self.dead = False
        self.boot_seconds = time.monotonic() - t0
        self.boot_times.append(self.boot_seconds)
        msg = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {self.name} boot={self.boot_seconds:.2f}s kernel={t.krel}"
        if t.debug:
            msg += " " + self._kmemleak_baseline()
        print(f"\n[rig] {msg}")
        try:
            with open(BUILD / "rig-timings.txt", "a") as f:
                f.write(msg + "\n")
        except OSError:
            pass
        return self

    def _kmemleak_baseline(self):
        """Debug kernels: what the core kernel leaked while booting is not
        the project's. Scan, and clear what was found, so that later scans
        report only what leaked after boot."""
        t0 = time.monotonic()
        try:
            boot_leaks = len(_kmemleak.parse(_kmemleak.baseline(self)))
        except AssertionError as e:
            self.kill()
            raise GuestError(f"{self.name}: kmemleak baseline failed: {e}{self.console_tail_msg()}") from None
        self.kmemleak_boot_leaks = boot_leaks
        return f"kmemleak-baseline={time.monotonic() - t0:.1f}s ({boot_leaks} boot objects cleared)"

    def _connect(self, path, deadline):
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise GuestError(f"{self.name}: QEMU exited rc={self.proc.returncode} before the "
                                 f"agent connected:\n{self._qemu_output()}")
            if os.path.exists(path):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(path)
                    s.setblocking(False)
                    return s
                except OSError:
                    s.close()
            time.sleep(0.02)
        raise GuestError(f"{self.name}: agent socket never appeared")

    def shutdown(self, timeout=20):
        """Clean power-off (x86: poweroff -f; sabrelite: watchdog reset),
        hard kill if QEMU does not exit in time."""
        if self.proc is None:
            return
        if self.proc.poll() is None and not self.dead and self.sock is not None:
            try:
                self._send(self.target.shutdown_cmd())
                self.proc.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()

    def vcpu_state(self, samples=5):
        """Where the vCPUs of a guest that stopped answering are: a few
        program-counter samples (guest addresses; compare with the guest's
        /proc/kallsyms or the kernel's System.map) and one register dump."""
        if not self.proc or self.proc.poll() is not None or not getattr(self, "_monitor", None):
            return ""
        try:
            pcs = []
            for _ in range(samples):
                out = _hmp(self._monitor, ["info registers -a"])
                pcs.append(" ".join(_PC[self.target.arch].findall(out)))
                time.sleep(0.2)
            regs = _hmp(self._monitor, ["info registers"])
        except OSError as e:
            return f"\n---- vCPU state: monitor unavailable ({e}) ----"
        # the integer registers: the lines before the FPU/vector ones
        keep = []
        for line in regs.splitlines():
            if re.match(r"\s*(FCW|FPR|XMM|s\d\d|d\d\d|FPSCR|V\d)", line):
                break
            if line.strip():
                keep.append(line)
        regs = "\n".join(keep)
        return (f"\n---- {self.name} vCPU program counters, {samples} samples 0.2 s apart "
                f"(one column per vCPU) ----\n" + "\n".join(pcs) +
                f"\n---- vCPU 0 registers ----\n{regs[:2000]}\n---- end of vCPU state ----")

    def _expire(self, proc):
        if proc.poll() is None:
            print(f"\n[rig] {self.name}: QEMU ran longer than {QEMU_MAX_SECONDS}s, killing it")
            proc.kill()

    def kill(self):
        """Kill QEMU (own child only) and release resources."""
        if getattr(self, "_reaper", None):
            self._reaper.cancel()
            self._reaper = None
        p, self.proc = self.proc, None
        self.dead = True
        if p is not None:
            if p.poll() is None:
                try:
                    p.kill()
                    p.wait(10)
                except Exception:
                    pass
            _live.discard(p)
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if getattr(self, "_qemu_log", None):
            self._qemu_log.close()
            self._qemu_log = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def ensure_alive(self):
        """Reboot if a previous command timed out or the guest died."""
        if self.dead or self.proc is None or self.proc.poll() is not None:
            print(f"\n[rig] {self.name}: guest dead, rebooting")
            self.boot()

    # -- commands -----------------------------------------------------------
    def _send(self, cmd):
        self._seq += 1
        ident = f"{self._seq}-{secrets.token_hex(4)}"
        line = f"{ident} {base64.b64encode(cmd.encode()).decode()}\n".encode()
        self.sock.setblocking(True)
        self.sock.settimeout(30)
        try:
            self.sock.sendall(line)
        finally:
            self.sock.setblocking(False)
        return ident

    def _read_until(self, pattern, deadline, what):
        __tracebackhide__ = True
        while True:
            m = pattern.search(self._buf)
            if m:
                return m
            if self.proc.poll() is not None:
                self.dead = True
                raise GuestError(f"{self.name}: QEMU exited (rc={self.proc.returncode}) "
                                 f"during {what}\n{self._qemu_output()}{self.console_tail_msg()}")
            left = deadline - time.monotonic()
            if left <= 0:
                self.dead = True
                raise GuestError(f"{self.name}: timeout during {what}{self.console_tail_msg()}"
                                 f"{self.vcpu_state()}")
            r, _, _ = select.select([self.sock], [], [], min(left, 0.5))
            if r:
                try:
                    data = self.sock.recv(65536)
                except BlockingIOError:
                    continue
                if not data:
                    self.dead = True
                    raise GuestError(f"{self.name}: agent connection closed during {what}"
                                     f"{self.console_tail_msg()}")
                self._buf += data

    def run(self, cmd, timeout=60):
        """Run `cmd` with sh -c in the guest; returns (rc, stdout+stderr text).
        On timeout the guest is marked dead (rebooted on next use) and
        GuestError carries the console tail."""
        __tracebackhide__ = True
        self.ensure_alive()
        ident = self._send(cmd).encode()
        deadline = time.monotonic() + timeout
        what = f"command {cmd!r} (timeout {timeout}s)"
        begin = self._read_until(re.compile(rb"@@BEGIN " + re.escape(ident) + rb"\n"), deadline, what)
        self._buf = self._buf[begin.end():]
        try:
            end = self._read_until(re.compile(rb"\n@@END " + re.escape(ident) + rb" (-?\d+) (\d+)\n"),
                                   deadline, what)
        except GuestError as e:
            partial = self._buf[-3000:].decode("utf-8", "replace")
            raise GuestError(f"{e}\n---- partial output of the command ----\n{partial}") from None
        out = self._buf[:end.start()]
        rc, n = int(end.group(1)), int(end.group(2))
        self._buf = self._buf[end.end():]
        if len(out) != n:
            self.dead = True
            raise GuestError(f"{self.name}: agent framing error for {cmd!r}: got {len(out)} bytes, "
                             f"expected {n}")
        return rc, out.decode("utf-8", "replace")

    def run_ok(self, cmd, timeout=60):
        """run() asserting rc == 0; returns the output."""
        __tracebackhide__ = True
        rc, out = self.run(cmd, timeout)
        if rc != 0:
            raise GuestError(f"{self.name}: {cmd!r} failed with rc={rc}:\n{out}")
        return out

    def run_json(self, cmd, timeout=60):
        """run_ok() and parse the output as one JSON object (the last line that
        parses, so that stray diagnostics before it are tolerated)."""
        __tracebackhide__ = True
        out = self.run_ok(cmd, timeout)
        try:
            return json.loads(out)
        except ValueError:
            for line in reversed(out.strip().splitlines()):
                try:
                    return json.loads(line)
                except ValueError:
                    continue
        raise GuestError(f"{self.name}: {cmd!r} printed no JSON:\n{out}")

    # -- console -------------------------------------------------------------
    def console(self):
        """The whole console text of the current boot."""
        if not self.console_path:
            return ""
        return self.console_path.read_bytes().decode("utf-8", "replace").replace("\r", "")

    def console_mark(self):
        """An opaque position in the console (for console_since)."""
        size = self.console_path.stat().st_size if self.console_path else 0
        return (self.boots, size)

    def console_since(self, mark):
        """Console text written since `mark` (all of the current boot if the
        guest rebooted since)."""
        if not self.console_path:
            return ""
        boots, off = mark if isinstance(mark, tuple) else (self.boots, mark)
        if boots != self.boots:
            off = 0
        with open(self.console_path, "rb") as f:
            f.seek(off)
            return f.read().decode("utf-8", "replace").replace("\r", "")

    def console_tail(self, lines=CONSOLE_TAIL):
        return "\n".join(self.console().splitlines()[-lines:])

    def console_tail_msg(self, lines=CONSOLE_TAIL):
        return f"\n---- {self.name} console tail ({self.console_path}) ----\n" \
               f"{self.console_tail(lines)}\n---- end of console ----"

    def splats(self, text=None):
        """Splat lines in `text` (default: the whole console of this boot)."""
        return splats(self.console() if text is None else text)

    def _qemu_output(self):
        try:
            return (self.rundir / "qemu.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def __repr__(self):
        return f"<Guest {self.name} {'dead' if self.dead else 'alive'} boots={self.boots}>"
