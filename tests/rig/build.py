# SPDX-License-Identifier: GPL-2.0
"""Build the project's modules and guest programs for a target, and pack
them with busybox into an initramfs. Each target is built once per process
(= once per pytest session)."""

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .targets import REPO, BUILD, CACHE, Target

RIG = Path(__file__).resolve().parent
BUILD_TIMEOUT = int(os.environ.get("RTDM_BUILD_TIMEOUT", "900"))
JOBS = os.environ.get("RTDM_JOBS", str(os.cpu_count() or 2))


@dataclass
class BuildResult:
    target: str
    ok: bool = True
    log: str = ""                 # make output (both steps)
    modules: list = field(default_factory=list)    # built .ko paths
    programs: list = field(default_factory=list)   # static guest programs
    seconds: float = 0.0

    def has_module(self, name):
        return any(Path(k).name == name for k in self.modules)

    def failure(self, lines=150):
        tail = "\n".join(self.log.splitlines()[-lines:])
        return f"build for target {self.target} FAILED:\n{tail}"


def _make(args, timeout=BUILD_TIMEOUT):
    cmd = ["make", f"-j{JOBS}", *args]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        out = p.stdout.decode("utf-8", "replace")
        rc = p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace") + f"\n*** make timed out after {timeout}s"
        rc = -1
    # drop the BTF noise of out-of-tree builds against headers-only trees
    out = "\n".join(l for l in out.splitlines() if not l.startswith("Skipping BTF generation"))
    return rc, "$ " + " ".join(cmd) + "\n" + out + "\n"


def _built_modules(builddir):
    """The .ko files of the last build (modules.order), not stale leftovers."""
    order = builddir / "modules.order"
    kos = []
    if order.exists():
        for line in order.read_text().split():
            ko = builddir / (line[:-2] + ".ko" if line.endswith(".o") else line)
            if ko.exists():
                kos.append(str(ko))
    else:
        kos = sorted(str(p) for p in builddir.rglob("*.ko"))
    return kos


def build_modules(t: Target, builddir=None, extra=()):
    """make modules for one target; returns (rc, log, [ko...])."""
    builddir = Path(builddir or t.builddir)
    rc, log = _make(["-C", str(REPO), "modules", f"KDIR={t.kdir}", f"ARCH={t.arch}",
                     f"CROSS_COMPILE={t.cross_compile}", f"BUILDDIR={builddir}", *extra])
    return rc, log, (_built_modules(builddir) if rc == 0 else [])


_user_cache = {}


def _evl_uapi(t: Target):
    """make userspace arguments for the EVL core's uapi headers, which
    libevl's headers include: none if the libevl prefix has them
    (include/uapi/evl), else the target kernel's exported headers: its
    `make headers` output, usr/include of its build tree (evl/ and
    asm/evl/ among them), made if missing."""
    libevl = next((a[4:] for a in t.user_make if a.startswith("EVL=")), "")
    if not libevl or (Path(libevl) / "include/uapi/evl").is_dir():
        return [], 0, ""
    rc, log = 0, ""
    headers = Path(t.kdir) / "usr/include"
    if not (headers / "evl").is_dir():
        rc, log = _make(["-C", t.kdir, f"ARCH={t.arch}", "headers"])
    return [f"EVL_UAPI={headers}"], rc, log


def build_userspace(t: Target):
    key = str(t.userdir)
    if key not in _user_cache:
        uapi, rc, log = _evl_uapi(t)
        if rc:
            _user_cache[key] = (rc, log, [])
            return _user_cache[key]
        rc, ulog = _make(["-C", str(REPO), "userspace", f"CROSS_COMPILE={t.cross_compile}",
                          f"USERDIR={t.userdir}", *t.user_make, *uapi])
        log += ulog
        bindir = t.userdir / "bin"
        progs = sorted(str(p) for p in bindir.iterdir()
                       if p.is_file() and os.access(p, os.X_OK)) if rc == 0 and bindir.is_dir() else []
        _user_cache[key] = (rc, log, progs)
    return _user_cache[key]


_cache = {}


def build_target(t: Target) -> BuildResult:
    """Modules + guest programs for a target (memoized per process)."""
    if t.name in _cache:
        return _cache[t.name]
    t0 = time.monotonic()
    r = BuildResult(t.name)
    rc, log, r.modules = build_modules(t)
    r.log += log
    r.ok = rc == 0
    urc, ulog, r.programs = build_userspace(t)
    r.log += ulog
    r.ok = r.ok and urc == 0
    r.seconds = time.monotonic() - t0
    _cache[t.name] = r
    return r


# --------------------------------------------------------------------------
# initramfs

def _run(cmd, **kw):
    subprocess.run(cmd, check=True, timeout=300, **kw)


def _stock_modules(t: Target, names):
    """Paths (relative to modroot) of `names` and their dependencies, in load order."""
    rels = []
    for m in names:
        p = subprocess.run(["/sbin/modprobe", "-d", t.modroot, "-S", t.krel, "--show-depends", m],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        out = p.stdout.decode()
        if p.returncode != 0:
            raise RuntimeError(f"stock module {m} for {t.krel}: {out}")
        for line in out.splitlines():
            w = line.split()
            if len(w) >= 2 and w[0] == "insmod":
                rel = os.path.relpath(w[1], t.modroot)
                if rel not in rels:
                    rels.append(rel)
    return rels


def make_initramfs(t: Target, build: BuildResult, out: Path) -> Path:
    """busybox + /init + agent + built modules/programs + stock modules."""
    stage = out.with_suffix(".d")
    shutil.rmtree(stage, ignore_errors=True)
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "root",
              "rtdm/modules", "rtdm/bin", f"lib/modules/{t.krel}"):
        (stage / d).mkdir(parents=True, exist_ok=True)
    shutil.copy2(t.busybox, stage / "bin/busybox")
    os.symlink("busybox", stage / "bin/sh")

    # stock modules + the project's modules (also under extra/ so that
    # modprobe resolves dependencies between them)
    mdir = stage / "lib/modules" / t.krel
    for rel in _stock_modules(t, t.stock_modules) if t.stock_modules else ():
        dst = stage / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(t.modroot) / rel, dst)
    src = Path(t.modroot or "/nonexistent") / "lib/modules" / t.krel
    for f in ("modules.order", "modules.builtin", "modules.builtin.modinfo"):
        if (src / f).exists():
            shutil.copy2(src / f, mdir / f)
    for ko in build.modules:
        shutil.copy2(ko, stage / "rtdm/modules" / Path(ko).name)
        (mdir / "extra").mkdir(exist_ok=True)
        shutil.copy2(ko, mdir / "extra" / Path(ko).name)
    _run(["/sbin/depmod", "-b", str(stage), t.krel])

    for prog in build.programs:
        shutil.copy2(prog, stage / "rtdm/bin" / Path(prog).name)

    # make bench (RTDM_BENCH=1): cyclictest, stress-ng and their shared
    # libraries, as setup.sh staged them (bench_tools.py)
    if bench_image():
        tools = bench_tools_dir(t)
        if tools.is_dir():
            shutil.copytree(tools, stage, symlinks=True, dirs_exist_ok=True)

    shutil.copy2(RIG / "init.sh", stage / "init")
    shutil.copy2(RIG / "agent.sh", stage / "rtdm/agent.sh")
    (stage / "rtdm/target.sh").write_text(
        f"RIG_TARGET={t.name}\nAGENT_DEV=/dev/{t.agent_dev}\nPRELOAD='{' '.join(t.preload)}'\n")
    for f in ("init", "rtdm/agent.sh"):
        os.chmod(stage / f, 0o755)

    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as fo:
        _run(["sh", "-c", "find . -print0 | LC_ALL=C sort -z | "
              "cpio --null -o -H newc --owner=0:0 --quiet | gzip -1"], cwd=stage, stdout=fo)
    os.replace(tmp, out)
    shutil.rmtree(stage, ignore_errors=True)
    return out


def bench_image():
    """Is this a make bench run (RTDM_BENCH=1): the initramfs gets the
    comparison programs."""
    return os.environ.get("RTDM_BENCH") == "1"


def bench_tools_dir(t: Target):
    """Where setup.sh staged cyclictest and stress-ng for t's architecture."""
    return CACHE / f"bench-{'amd64' if t.arch == 'x86' else 'armhf'}" / "stage"


def guest_image(t: Target):
    """(BuildResult, initramfs path) for a bootable target."""
    build = build_target(t)
    BUILD.mkdir(parents=True, exist_ok=True)
    initrd = BUILD / f"initramfs-{t.name}{'-bench' if bench_image() else ''}.cpio.gz"
    if not getattr(build, "_initrd", None):
        make_initramfs(t, build, initrd)
        build._initrd = initrd
    return build, initrd
