# SPDX-License-Identifier: GPL-2.0
"""Xenomai 3's smokey test framework (issue 11): <smokey/smokey.h> and
libsmokey, for Xenomai's gpiotest, spitest and smokey plugins.

tests/guest/xeno/smokey-selftest.c is a smokey program of the project's,
written as Xenomai's are and built with nothing but `rtdm-config
--skin=posix --cflags` and `rtdm-config --skin=posix --skin=smokey
--ldflags` (userspace/Makefile). In the guests it shows:

- plugin registration (ids in definition order) and --list[=<list>];
- --run= selection by name, number, range (both directions), shell
  pattern and comma lists, --exclude=, and the errors of a bad list;
- that the options libsmokey handles are taken off main()'s arguments,
  and --verbose/--silent/--keep-going/--vm reach the program;
- SMOKEY_INT/BOOL/STRING/SIZE parsing, bad values left unset;
- __T/__F/__Terrno/__Tassert failures: the "FAILED: ..." warning, the
  failed test's error code, and the program's exit status (1), with and
  without --keep-going;
- a plugin reaching RTDM (IDDP through librtdm_posix), skipped with
  ENOSYS without rtipc.ko, as Xenomai's plugins are.
"""

import errno
import re
import shlex
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "userspace" / "rtdm-config"
SRC = REPO / "tests" / "guest" / "xeno" / "smokey-selftest.c"
PROG = "smokey-selftest"


def rtdm_config(*args):
    p = subprocess.run(["sh", str(CONFIG), *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def plugins():
    """(name, description) of the program's plugins, in source order."""
    text = SRC.read_text()
    out = []
    for m in re.finditer(r"^smokey_test_plugin\((\w+),(.*?)\n?\);", text, re.S | re.M):
        strings = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
        desc = "".join(strings).encode().decode("unicode_escape")
        out.append((m.group(1), desc))
    assert len(out) >= 8, out
    return out


def check_line(name):
    """Source line of the check in run_<name>() (for the warning's
    <file>:<line>)."""
    lines = SRC.read_text().splitlines()
    start = lines.index(next(l for l in lines if l.startswith(f"static int run_{name}(")))
    for n in range(start, len(lines)):
        if re.search(r"__(T|F|Terrno|Tassert|Fassert)\(", lines[n]):
            return n + 1
    raise AssertionError(name)


# ---------------------------------------------------------------- host

def test_rtdm_config_smokey():
    """--skin=smokey (as with xeno-config) adds main()'s wrapper and
    libsmokey to the link, before the RTDM library, with either skin."""
    rc, posix, _ = rtdm_config("--skin=posix", "--ldflags")
    assert rc == 0
    for args in (("--skin=posix", "--skin=smokey"), ("--skin=smokey", "--skin=posix"),
                 ("--skin=smokey",), ("--smokey",)):
        rc, ld, _ = rtdm_config(*args, "--ldflags")
        assert rc == 0, args
        w = ld.split()
        assert "-Wl,--wrap=main" in w and "-lsmokey" in w, (args, ld)
        assert w.index("-lsmokey") < w.index("-lrtdm_posix"), ld
        # the posix flags are all still there
        assert set(posix.split()) <= set(w), ld
    rc, ld, _ = rtdm_config("--cobalt", "--smokey", "--ldflags")
    w = ld.split()
    assert rc == 0 and "--wrap=socket" not in ld and "-Wl,--wrap=main" in w, ld
    assert w.index("-lsmokey") < w.index("-lrtdm"), ld
    # the headers are in the include path already
    assert rtdm_config("--skin=smokey", "--cflags")[1] == rtdm_config("--cflags")[1]
    assert (REPO / "userspace/include/smokey/smokey.h").is_file()
    rc, ld, _ = rtdm_config("--skin=smokey", "--libdir=/opt/l", "--ldflags")
    assert "-L/opt/l" in ld.split() and "-lsmokey" in ld.split(), ld
    assert "--skin=smokey" in rtdm_config("--help")[1]


# ---------------------------------------------------------------- guests

@pytest.fixture(scope="module")
def g(guest):
    """The guest with rtdm.ko and rtipc.ko loaded."""
    for m in ("rtdm", "rtipc"):
        if not guest.build.has_module(f"{m}.ko"):
            pytest.fail(f"{m}.ko was not built", pytrace=False)
        guest.run_ok(f"grep -q '^{m} ' /proc/modules || insmod /rtdm/modules/{m}.ko")
    return guest


def smokey(g, *args):
    """(exit status, stdout, stderr) of smokey-selftest <args>."""
    cmd = " ".join([PROG] + [shlex.quote(a) for a in args])
    rc, out = g.run(f"{cmd} >/tmp/sk.out 2>/tmp/sk.err; echo \"@@RC $?\"; "
                    "cat /tmp/sk.out; echo @@ERR; cat /tmp/sk.err", timeout=60)
    assert rc == 0, out
    m = re.match(r"@@RC (\d+)\n", out)
    assert m, out
    body = out[m.end():]
    stdout, _, stderr = body.partition("@@ERR\n")
    return int(m.group(1)), stdout, stderr


def ran(stdout):
    """The tests that ran, in order, from main()'s notes."""
    names = []
    for line in stdout.splitlines():
        m = (re.fullmatch(r"(\w+) OK", line) or re.fullmatch(r"test (\w+) failed: -?\d+", line)
             or re.fullmatch(r"(\w+) skipped \(no kernel support\)", line))
        if m:
            names.append(m.group(1))
    return names


def listed(stdout):
    """[(id, name, description)] of a --list output."""
    return [(int(i), n, d) for i, n, d in
            re.findall(r"^#(\d+) +(\w+)\n((?:\t.*\n?)+)", stdout, re.M)]


def test_list(g):
    """Plugins register in definition order, numbered from 0; --list prints
    "#<id> <name>" and the tab-indented description, runs nothing."""
    pl = plugins()
    rc, out, err = smokey(g, "--list")
    assert rc == 0 and err == "", (out, err)
    got = listed(out)
    assert [(i, n) for i, n, _ in got] == [(i, n) for i, (n, _) in enumerate(pl)], out
    for (_, n, d), (_, desc) in zip(got, pl):
        # each line of the description, after a tab
        assert d.rstrip("\n") == "\t" + desc, (n, d, desc)
    assert re.match(r"#0   args\n\tParse arguments\.\n", out), out
    assert ran(out) == []
    # a selection, in its own order
    rc, out, _ = smokey(g, "--list=fail_*")
    assert [n for _, n, _ in listed(out)] == [n for n, _ in pl if n.startswith("fail_")]
    rc, out, _ = smokey(g, "--list=3-1,0")
    assert rc == 0 and [i for i, _, _ in listed(out)] == [3, 2, 1, 0], out
    rc, out, err = smokey(g, f"--list={len(pl)}")
    assert rc == 1 and "invalid test range" in err and listed(out) == [], (out, err)


def test_no_run_option_runs_nothing(g):
    rc, out, err = smokey(g)
    assert (rc, out, err) == (0, "", "")
    rc, out, err = smokey(g, "args", "count=1")
    assert (rc, out, err) == (0, "", "")


@pytest.mark.parametrize("sel,expect", [
    ("--run=pass", ["pass"]),
    ("--run=2", ["pass"]),
    ("--run=args,pass", ["args", "pass"]),
    ("--run=pass,args", ["pass", "args"]),     # the order of the list
    ("--run=0-2", ["args", "argv", "pass"]),
    ("--run=2-0", ["pass", "argv", "args"]),   # downwards
    ("--run=-1", ["args", "argv"]),
    ("--run=ar*", ["args", "argv"]),           # shell pattern
    ("--run=args-pass", ["args", "argv", "pass"]),   # names as range ends
    ("--run=pass,2,pas?", ["pass"]),           # once each
    ("--run=0-2 --exclude=argv", ["args", "pass"]),
    ("--run=args,skipped", ["args", "skipped"]),
])
def test_run_selection(g, sel, expect):
    rc, out, err = smokey(g, *sel.split())
    assert rc == 0 and err == "", (sel, out, err)
    assert ran(out) == expect, (sel, out)


def test_run_all_and_tail(g):
    """--run alone and --run=<n>- : every test from there on, in order."""
    pl = [n for n, _ in plugins()]
    rc, out, _ = smokey(g, "--run", "--keep-going")
    assert ran(out) == pl and rc == 1, out
    rc, out, _ = smokey(g, f"--run={len(pl) - 2}-", "--keep-going")
    assert ran(out) == pl[-2:], out
    rc, out, _ = smokey(g, "--run", "--exclude=fail_*")
    assert rc == 0 and ran(out) == [n for n in pl if not n.startswith("fail_")], out


@pytest.mark.parametrize("sel,warn", [
    ("--run=99", "invalid test range in 99"),
    ("--run=nosuch", "invalid test range in nosuch"),
    ("--run=1-99", "invalid test range in 1-99"),
    ("--run=1-2-3", "invalid test range in 1-2-3"),
    ("--run=", "no test selected"),
    ("--run=args --exclude=args", "no test selected"),
])
def test_run_bad_selection(g, sel, warn):
    """A bad list stops the program before main() (status 1), as
    Xenomai's init failure does; nothing runs."""
    rc, out, err = smokey(g, *sel.split())
    assert rc == 1 and out == "", (sel, out, err)
    assert f"{PROG}: WARNING: {warn}" in err, err
    assert "initialization failed, EINVAL" in err, err


def args_of(out):
    m = re.search(r"^args: (.*)$", out, re.M)
    assert m, out
    return dict(kv.split("=", 1) for kv in m.group(1).split())


@pytest.mark.parametrize("argv,expect", [
    ([], dict(matched="0", count="0:0", flag="0:0", label="0:-", bytes="0:0")),
    (["count=42", "flag", "label=hello", "bytes=4096"],
     dict(matched="4", count="1:42", flag="1:1", label="1:hello", bytes="1:4096")),
    (["count=-7", "flag=0", "bytes=64k"],
     dict(matched="3", count="1:-7", flag="1:0", bytes="1:65536", label="0:-")),
    (["flag=5", "bytes=2M", "label=a=b"], dict(flag="1:1", bytes="1:2097152", label="1:a=b")),
    (["bytes=1g"], dict(bytes="1:1073741824")),
    (["bytes=0x10"], dict(bytes="1:16")),
    # the first argument that sets a name wins
    (["count=1", "count=2"], dict(count="1:1")),
    # bad values: the argument stays unset
    (["count=abc", "count=", "flag=yes", "bytes=12q", "bytes=0", "label="],
     dict(matched="0", count="0:0", flag="0:0", bytes="0:0", label="0:-")),
    (["counts=3", "Count=3", "xcount=3", "--count=3"], dict(matched="0", count="0:0")),
])
def test_args(g, argv, expect):
    rc, out, err = smokey(g, "--run=args", *argv)
    assert rc == 0 and err == "", (out, err)
    got = args_of(out)
    for k, v in expect.items():
        assert got[k] == v, (argv, k, got)


def argv_of(out):
    m = re.search(r"^argv: argv: argc=(\d+)((?: \[[^]]*\])*) verbose=(\d+) keep_going=(\d) vm=(\d)$",
                  out, re.M)
    assert m, out
    args = re.findall(r"\[([^]]*)\]", m.group(2))
    assert int(m.group(1)) == len(args) + 1
    return args, int(m.group(3)), int(m.group(4)), int(m.group(5))


def test_options_leave_main_arguments(g):
    """libsmokey's options are taken off main()'s arguments before main();
    the others (short options, name=value, after "--") are left in order."""
    rc, out, err = smokey(g, "-x", "--run=argv", "one", "--keep-going", "-t1", "--vm",
                          "name=v", "--verbose", "--", "--run=3")
    assert rc == 0, (out, err)
    args, verbose, keep, vm = argv_of(out)
    assert args == ["-x", "one", "-t1", "name=v", "--", "--run=3"], out
    assert (verbose, keep, vm) == (1, 1, 1), out
    # an option with its value in the next argument
    rc, out, _ = smokey(g, "--run=argv", "--exclude", "pass", "x")
    assert argv_of(out)[0] == ["x"], out
    rc, out, _ = smokey(g, "--run=argv", "--cpu-affinity=0", "y")
    assert rc == 0 and argv_of(out)[0] == ["y"], out
    rc, out, err = smokey(g, "--run=argv", "--cpu-affinity=999")
    assert rc == 1 and "invalid CPU" in err, (out, err)
    # unknown long options are the program's
    rc, out, _ = smokey(g, "--run=argv", "--frobnicate")
    assert argv_of(out)[0] == ["--frobnicate"], out


def test_verbosity(g):
    """--verbose=2 shows smokey_trace() (main()'s "running" banner
    included); --silent and --quiet hide notes and warnings."""
    rc, out, _ = smokey(g, "--run=argv")
    assert argv_of(out)[1] == 1 and "a trace" not in out and "running" not in out, out
    rc, out, _ = smokey(g, "--run=argv", "--verbose=2")
    assert argv_of(out)[1] == 2, out
    assert "\n===  running argv ===\n" in out and "argv: a trace\n" in out, out
    for quiet in ("--silent", "--quiet", "--verbose=0"):
        rc, out, err = smokey(g, "--run=argv,fail_terrno", quiet)
        assert rc == 1 and err == "", (quiet, out, err)
        assert argv_of(out)[1] == 0 and ran(out) == [], (quiet, out)


FAILS = [
    # plugin, check text, symbol, error code of the failed test
    ("fail_t", "pthread_join(pthread_self(), ((void *)0))", "EDEADLK", errno.EDEADLK),
    ("fail_terrno", "close(-1)", "EBADF", errno.EBADF),
    ("fail_tassert", "returns(1) == 2", "false", errno.EINVAL),
    ("fail_f", "returns(0)", "0", errno.EPROTO),
]


@pytest.mark.parametrize("name,check,sym,code", FAILS, ids=[f[0] for f in FAILS])
def test_failed_check_fails_the_program(g, name, check, sym, code):
    """A failing check warns "<file>:<line>, FAILED: <check> (=<result>)",
    its test fails with its error code and the program exits with 1; the
    tests after it do not run."""
    rc, out, err = smokey(g, f"--run=pass,{name},argv")
    assert rc == 1, (out, err)
    assert err == f"{SRC.name}:{check_line(name)}, FAILED: {check} (={sym})\n", err
    assert f"test {name} failed: {code}\n" in out, out
    assert ran(out) == ["pass", name], out


def test_keep_going(g):
    """--keep-going runs the tests after a failure; the status is still 1."""
    rc, out, err = smokey(g, "--run=fail_terrno,pass,fail_t,argv", "--keep-going")
    assert rc == 1, (out, err)
    assert ran(out) == ["fail_terrno", "pass", "fail_t", "argv"], out
    assert err.count("FAILED:") == 2, err
    assert argv_of(out)[2] == 1
    rc, out, _ = smokey(g, "--run=pass,argv", "--keep-going")
    assert rc == 0 and ran(out) == ["pass", "argv"], out


def test_pass_and_skip(g):
    """Passing checks print nothing; -ENOSYS is a skip, not a failure."""
    rc, out, err = smokey(g, "--run=pass,skipped")
    assert rc == 0 and err == "", (out, err)
    assert out == "pass OK\nskipped skipped (no kernel support)\n", out


def test_help_and_version(g):
    rc, out, err = smokey(g, "--help", "--run=fail_t")
    assert rc == 0 and ran(out) == [], (out, err)
    for opt in ("--keep-going", "--list", "--run", "--exclude", "--verbose", "--silent"):
        assert opt in err, err
    rc, out, err = smokey(g, "--version")
    assert rc == 0 and re.match(r"based on RTDM for Dovetail \d+\.\d+", err), err


def test_iddp_plugin(g):
    """A plugin using RTDM through the POSIX calls (socket, bind, sendto,
    recvfrom on AF_RTIPC): OK with rtipc.ko, skipped without."""
    rc, out, err = smokey(g, "--run=iddp", "--verbose=2")
    assert rc == 0 and "iddp OK\n" in out, (out, err)
    assert re.search(r"^iddp: bound to port \d+$", out, re.M), out
    g.run_ok("rmmod rtipc")
    try:
        rc, out, err = smokey(g, "--run=iddp")
        assert rc == 0 and out == "iddp skipped (no kernel support)\n", (out, err)
    finally:
        g.run_ok("insmod /rtdm/modules/rtipc.ko")


def test_bufp_writable_once_peer_binds(g):
    """Xenomai's bufp plugin connects its client to the server's port,
    possibly before the server bound it, and waits in select() for
    writability: that select() returns when the port gets bound."""
    rc, out, err = smokey(g, "--run=bufp_wait")
    assert rc == 0 and out == "bufp_wait OK\n", (out, err)
