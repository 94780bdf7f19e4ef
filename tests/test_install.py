# SPDX-License-Identifier: GPL-2.0
"""Installing RTDM like any Linux driver package (README "Installing"):

- `make install DESTDIR=` gives the expected tree (modules in extra/ with
  depmod's index, programs, libraries, headers, rtdm-config, pkg-config
  files, udev rule, examples, man pages) and `make uninstall` removes it;
- every installed program has a man page that documents each option its
  usage message lists;
- a program built with nothing but `pkg-config --cflags --libs rtdm` (or
  rtdm-posix) against the installed tree runs in the x86 guest;
- the three Debian packages build with dpkg-buildpackage and lintian
  reports no error (its other tags go to build/lintian.txt and the
  warnings summary);
- `dkms build` of the rtdm-dkms package's sources against Debian's amd64
  headers succeeds, and those modules load in the x86 guest.

What is expected is read from the tree (userspace/Makefile's program list,
the headers, a real build's modules.order), never from a list here, so
that new drivers and tools are covered as they come.
"""

import os
import re
import shutil
import subprocess
import time
import warnings
from pathlib import Path

import pytest

from rig import REPO, BUILD, Guest, GuestError, get_target, build_target
from rig.build import BuildResult, make_initramfs

VERSION = (REPO / "VERSION").read_text().strip()
PREFIX = "/usr/local"
HELLO = REPO / "tests/install/rtdm-hello.c"
TIMES = {}


@pytest.fixture(scope="module", autouse=True)
def _report_times():
    """Wall times of the steps this file adds to make check, written to
    build/test_install-times.txt."""
    yield
    if TIMES:
        BUILD.mkdir(parents=True, exist_ok=True)
        (BUILD / "test_install-times.txt").write_text(
            "".join(f"{k}: {v:.1f}s\n" for k, v in TIMES.items()))


def sh(cmd, timeout=900, env=None, cwd=None):
    """Runs cmd (list); returns its output, failing the test with it on error."""
    __tracebackhide__ = True
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout, cwd=cwd,
                       env=dict(os.environ, **(env or {})))
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        pytest.fail(f"$ {' '.join(map(str, cmd))}\nexit {p.returncode} after "
                    f"{time.monotonic() - t0:.1f}s:\n{out[-6000:]}", pytrace=False)
    return out


def timed(name, fn):
    t0 = time.monotonic()
    r = fn()
    TIMES[name] = time.monotonic() - t0
    return r


def built_modules(builddir):
    """'dir/name' of every module of a real build (modules.order)."""
    builddir = Path(builddir)
    mods = []
    for line in (builddir / "modules.order").read_text().split():
        p = Path(line)
        p = p.relative_to(builddir) if p.is_absolute() else p
        mods.append(str(p.with_suffix("")))
    return sorted(mods)


def programs():
    out = sh(["make", "-s", "--no-print-directory", "-C", str(REPO / "userspace"),
              "OUT=/nonexistent", "list-programs"])
    return sorted(out.split())


def headers():
    """Installed header path (relative to includedir) -> source file."""
    h = {}
    for base in (REPO / "include", REPO / "userspace/include"):
        for f in sorted(base.rglob("*.h")):
            rel = f.relative_to(base)
            if base.name == "include" and base.parent == REPO and rel.parts[:2] != ("rtdm", "uapi"):
                continue    # the kernel-side API goes to the DKMS sources only
            h[str(rel)] = f
    return h


@pytest.fixture(scope="module")
def x86(rig_targets):
    if "x86" not in rig_targets:
        pytest.skip("the x86 target is not selected (RTDM_TARGETS)")
    t = get_target("x86")
    b = build_target(t)
    if not b.ok:
        pytest.fail(b.failure(), pytrace=False)
    return t, b


@pytest.fixture(scope="module")
def installed(x86, tmp_path_factory):
    """make install DESTDIR=<tmp> with the x86 build (modules and programs)."""
    t, _ = x86
    dest = tmp_path_factory.mktemp("destdir")
    log = timed("make install", lambda: sh(
        ["make", "-C", str(REPO), "install", f"DESTDIR={dest}", f"KDIR={t.kdir}",
         f"ARCH={t.arch}", f"BUILDDIR={t.builddir}", f"USERDIR={t.userdir}"]))
    return dest, t, log


def _files(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*")
                  if p.is_file() or p.is_symlink())


def test_install_tree(installed):
    dest, t, log = installed
    pre = dest / PREFIX.lstrip("/")
    # modules: every module of the build, below extra/, in depmod's index
    mods = built_modules(t.builddir)
    assert "rtdm/rtdm" in mods
    mdir = dest / "lib/modules" / t.krel
    for m in mods:
        assert (mdir / "extra" / f"{m}.ko").is_file(), (m, log[-3000:])
    dep = (mdir / "modules.dep").read_text()
    by_name = {m.split("/")[-1]: m for m in mods}
    on_core = 0
    for m in mods:
        line = next(l for l in dep.splitlines() if l.startswith(f"extra/{m}.ko:"))
        # each dependency the module declares is resolved to its extra/ copy
        # (a test chip such as gpio_loopback uses no RTDM service)
        declared = sh(["/sbin/modinfo", "-F", "depends", str(mdir / "extra" / f"{m}.ko")])
        for d in filter(None, declared.strip().split(",")):
            if d in by_name:
                assert f"extra/{by_name[d]}.ko" in line, (m, d, line)
        on_core += "extra/rtdm/rtdm.ko" in line
    assert on_core >= len(mods) // 2, dep    # drivers depend on the core
    # programs: every one userspace/Makefile builds for users, and rtdm-config
    progs = programs()
    assert {"rtdm-status", "latency", "xddp-echo"} <= set(progs)
    assert not [p for p in progs if p.endswith(("-test", "-check"))]
    for p in progs + ["rtdm-config"]:
        f = pre / "bin" / p
        assert f.is_file() and os.access(f, os.X_OK), p
    assert sorted(os.listdir(pre / "bin")) == sorted(progs + ["rtdm-config"])
    # libraries: static and shared
    lib = pre / "lib"
    for name in ("librtdm", "librtdm_posix"):
        assert (lib / f"{name}.a").is_file()
        so = lib / f"{name}.so.0"
        assert os.readlink(lib / f"{name}.so") == so.name
        dyn = sh(["readelf", "-d", str(so)])
        assert f"Library soname: [{name}.so.0]" in dyn, dyn
    # headers: identical to the tree's
    for rel, src in headers().items():
        assert (pre / "include" / rel).read_bytes() == src.read_bytes(), rel
    assert (pre / "include/rtdm/rtdm.h").is_file() and (pre / "include/rtdm/uapi/rtdm.h").is_file()
    assert not (pre / "include/rtdm/driver.h").exists()
    # rtdm-config and the pkg-config files point at the installed tree
    cfg = pre / "bin/rtdm-config"
    cflags = sh([str(cfg), "--cflags"]).split()
    assert [f for f in cflags if f.startswith("-I")] == [f"-I{PREFIX}/include"], cflags
    assert "-pthread" in cflags, cflags
    ld = sh([str(cfg), "--ldflags"]).split()
    assert ld[-5:] == [f"-L{PREFIX}/lib", "-lrtdm_posix", "-pthread", "-lrt", "-lm"]
    assert sh([str(cfg), "--libs"]).split() == [f"-L{PREFIX}/lib", "-lrtdm", "-pthread"]
    env = {"PKG_CONFIG_LIBDIR": str(lib / "pkgconfig")}
    assert sh(["pkg-config", "--modversion", "rtdm"], env=env).strip() == VERSION
    assert sh(["pkg-config", "--libs", "rtdm-posix"], env=env).split() == ld
    assert sh(["pkg-config", "--cflags", "rtdm"], env=env).split() == [f"-I{PREFIX}/include", "-pthread"]
    # udev rule: group rtdm, 0660, never world-writable
    rule = (dest / "etc/udev/rules.d/60-rtdm.rules").read_text()
    active = [l for l in rule.splitlines() if l and not l.startswith("#")]
    for key in ('SUBSYSTEM=="rtdm"', 'ENV{DEVNAME}=="/dev/rtdm/*"', 'KERNEL=="rtp[0-9]*"'):
        line = next(l for l in active if key in l)
        assert 'GROUP="rtdm"' in line and 'MODE="0660"' in line, line
    assert not re.search(r'MODE="0?\d\d[2367]"', rule)
    doc = pre / "share/doc/rtdm/examples"
    assert "rtdm" in (doc / "modules-load.d/rtdm.conf").read_text().split()
    assert (doc / "modprobe.d/rtdm.conf").is_file()


def _man_source(mandir, name):
    """Text of man1/<name>.1, following .so links."""
    f = mandir / "man1" / f"{name}.1"
    assert f.is_file(), f"no man page for {name} ({f})"
    text = f.read_text()
    m = re.match(r"\.so\s+(\S+)\s*$", text)
    if m:
        target = mandir / m.group(1)
        assert target.is_file(), f"{f}: .so to a missing page {m.group(1)}"
        text = target.read_text()
    return text


_OPT = re.compile(r"(?<![\w/\\-])(--?[A-Za-z][A-Za-z0-9-]*)")


def test_man_pages(installed):
    """Every installed program has a man page, whose NAME line names it and
    which documents every option the program's usage message lists."""
    dest, _, _ = installed
    pre = dest / PREFIX.lstrip("/")
    mandir = pre / "share/man"
    missing, undocumented = [], {}
    for p in sorted(os.listdir(pre / "bin")):
        if not (mandir / "man1" / f"{p}.1").is_file():
            missing.append(p)
            continue
        text = _man_source(mandir, p)
        name = re.search(r"^\.SH NAME\n(.*)$", text, re.M)
        names = name and re.split(r"[\s,]+", name.group(1).replace("\\-", "-").split(" - ")[0])
        assert names and p in names, f"{p}: NAME line {name and name.group(1)!r}"
        # the usage the program prints for an unknown option / --help (the
        # host is x86_64 like the build; without RTDM the demos exit at once)
        r = subprocess.run([str(pre / "bin" / p), "--help"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
        usage = r.stdout.decode("utf-8", "replace")
        flat = text.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "")
        opts = sorted(set(_OPT.findall(usage)) - {"--help"} if p != "rtdm-config"
                      else set(_OPT.findall(usage)))
        lost = [o for o in opts if not re.search(r"(?<![\w-])" + re.escape(o.split("=")[0]) + r"(?![\w-])", flat)]
        if lost:
            undocumented[p] = (lost, usage)
    assert not missing, f"installed programs without a man page: {missing} " \
                        "(add <prog>.1 next to the program's source)"
    assert not undocumented, f"options in --help but not in the man page: {undocumented}"


def test_uninstall(installed, tmp_path):
    dest, t, _ = installed
    copy = tmp_path / "d"
    shutil.copytree(dest, copy, symlinks=True)
    sh(["make", "-C", str(REPO), "uninstall", f"DESTDIR={copy}", f"KDIR={t.kdir}",
        f"ARCH={t.arch}", f"BUILDDIR={t.builddir}", f"USERDIR={t.userdir}"])
    left = [f for f in _files(copy) if not re.match(r"lib/modules/[^/]+/modules\.[\w.]+$", f)]
    assert not left, left
    assert "extra/" not in (copy / "lib/modules" / t.krel / "modules.dep").read_text()


def test_dkms_conf_lists_the_built_modules(x86):
    """dkms.conf's module list (packaging/modules-list, from the Kbuild files)
    is exactly what a real build produces."""
    t, _ = x86
    listed = sorted("/".join(l.split()[:2]) for l in
                    sh(["sh", str(REPO / "packaging/modules-list"), str(REPO)]).splitlines())
    assert listed == built_modules(t.builddir)


# ---------------------------------------------------------------- Debian packages

@pytest.fixture(scope="module")
def debs(tmp_path_factory):
    out = tmp_path_factory.mktemp("deb")
    timed("make deb", lambda: sh(["make", "-C", str(REPO), "deb", f"DEBDIR={out}"]))
    found = {f.name.split("_")[0]: f for f in out.glob("*.deb")}
    return out, found


def _deb_files(deb):
    lst = sh(["sh", "-c", f"dpkg-deb --fsys-tarfile '{deb}' | tar t"])
    return {l[2:] if l.startswith("./") else l for l in lst.split()}


def test_deb_packages(debs):
    out, found = debs
    assert {"rtdm-dkms", "rtdm-tools", "librtdm-dev"} <= set(found), sorted(found)
    dkms = _deb_files(found["rtdm-dkms"])
    src = f"usr/src/rtdm-{VERSION}/"
    assert src + "dkms.conf" in dkms and src + "Kbuild" in dkms
    for line in sh(["sh", str(REPO / "packaging/modules-list"), str(REPO)]).splitlines():
        assert src + line.split()[0] + "/Kbuild" in dkms, line
    assert not [f for f in dkms if "/user/" in f]
    tools = _deb_files(found["rtdm-tools"])
    for p in programs():
        assert f"usr/bin/{p}" in tools and f"usr/share/man/man1/{p}.1.gz" in tools, p
    assert "lib/udev/rules.d/60-rtdm.rules" in tools and "usr/bin/rtdm-config" not in tools
    ctl = out / "ctl"
    sh(["dpkg-deb", "-e", str(found["rtdm-tools"]), str(ctl)])
    assert "addgroup --system rtdm" in (ctl / "postinst").read_text()
    dev = _deb_files(found["librtdm-dev"])
    for rel in headers():
        assert f"usr/include/{rel}" in dev, rel
    for f in ("usr/bin/rtdm-config", "usr/share/man/man1/rtdm-config.1.gz"):
        assert f in dev, f
    assert [f for f in dev if re.match(r"usr/lib/[^/]+/librtdm\.a$", f)]
    assert [f for f in dev if re.match(r"usr/lib/[^/]+/pkgconfig/rtdm-posix\.pc$", f)]


def test_lintian(debs):
    out, _ = debs
    changes = sorted(out.glob("*.changes"))
    assert changes
    p = timed("lintian", lambda: subprocess.run(
        ["lintian", "--tag-display-limit", "0", "-I", "--pedantic", str(changes[0])],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600))
    text = p.stdout.decode("utf-8", "replace")
    tags = [l for l in text.splitlines() if re.match(r"^[EWIPX]: ", l)]
    BUILD.mkdir(parents=True, exist_ok=True)
    (BUILD / "lintian.txt").write_text(text)
    errors = [l for l in tags if l.startswith("E: ")]
    assert not errors, text
    assert p.returncode == 0, text
    warns = [l for l in tags if l.startswith("W: ")]
    if warns:
        warnings.warn("lintian warnings:\n" + "\n".join(warns))


# ---------------------------------------------------------------- DKMS + guest

@pytest.fixture(scope="module")
def dkms_modules(x86, debs, tmp_path_factory):
    """dkms add + build of the rtdm-dkms package's sources against Debian's
    amd64 headers, in a private DKMS tree (nothing on the host changes; no
    signing key is made)."""
    t, _ = x86
    _, found = debs
    root = tmp_path_factory.mktemp("dkms")
    sh(["dpkg-deb", "-x", str(found["rtdm-dkms"]), str(root / "pkg")])
    srct, tree = root / "pkg/usr/src", root / "tree"
    tree.mkdir()
    common = ["-m", "rtdm", "-v", VERSION, "--sourcetree", str(srct), "--dkmstree", str(tree)]
    env = {"sign_file": "/nonexistent"}
    sh(["dkms", "add", *common], env=env)
    log = timed("dkms build", lambda: sh(
        ["nice", "-n", "10", "dkms", "build", *common, "-k", t.krel,
         "--kernelsourcedir", t.kdir], env=env, timeout=1800))
    kos = sorted((tree / "rtdm" / VERSION / t.krel).rglob("*.ko"))
    return kos, log


def test_dkms_build_without_the_optional_kernel_options(rig_targets, debs, tmp_path_factory):
    """Against a kernel without CONFIG_SPI and CONFIG_GPIOLIB_IRQCHIP (the
    x86-debug tree, a tinyconfig) DKMS builds and installs what Kbuild
    builds there: dkms.conf lists the SPI modules and the loopback gpiochip
    only where the kernel's .config has the option (a module listed but not
    built fails the whole DKMS build)."""
    if "x86-debug" not in rig_targets:
        pytest.skip("the x86-debug target is not selected (RTDM_TARGETS)")
    t = get_target("x86-debug")
    config = (Path(t.kdir) / ".config").read_text()
    assert "CONFIG_SPI=" not in config and "CONFIG_GPIOLIB_IRQCHIP=" not in config
    _, found = debs
    root = tmp_path_factory.mktemp("dkms-debug")
    sh(["dpkg-deb", "-x", str(found["rtdm-dkms"]), str(root / "pkg")])
    tree = root / "tree"
    tree.mkdir()
    common = ["-m", "rtdm", "-v", VERSION, "--sourcetree", str(root / "pkg/usr/src"),
              "--dkmstree", str(tree)]
    env = {"sign_file": "/nonexistent"}
    sh(["dkms", "add", *common], env=env)
    log = timed("dkms build (x86-debug)", lambda: sh(
        ["nice", "-n", "10", "dkms", "build", *common, "-k", t.krel,
         "--kernelsourcedir", t.kdir], env=env, timeout=1800))
    kos = {k.stem for k in (tree / "rtdm" / VERSION / t.krel).rglob("*.ko")}
    assert kos and not kos & {"rtdm_spi", "rtdm_spi_imx", "gpio_loopback"}, (kos, log)
    listed = {l.split()[1] for l in
              sh(["sh", str(REPO / "packaging/modules-list"), str(REPO)]).splitlines()
              if len(l.split()) == 2}
    assert kos == listed, (kos, listed, log)


def test_dkms_build(x86, dkms_modules):
    t, _ = x86
    kos, log = dkms_modules
    assert sorted(k.stem for k in kos) == sorted(m.split("/")[-1] for m in built_modules(t.builddir)), log
    for k in kos:
        assert sh(["/sbin/modinfo", "-F", "vermagic", str(k)]).split()[0] == t.krel, k


@pytest.fixture(scope="module")
def hello(installed, tmp_path_factory):
    """rtdm-hello built with pkg-config's flags alone against the installed
    tree (static: the guest has no shared C library)."""
    dest, _, _ = installed
    out = tmp_path_factory.mktemp("hello")
    env = {"PKG_CONFIG_SYSROOT_DIR": str(dest),
           "PKG_CONFIG_LIBDIR": str(dest / PREFIX.lstrip("/") / "lib/pkgconfig")}
    progs = []
    for pc, name, extra in (("rtdm", "rtdm-hello", []), ("rtdm-posix", "rtdm-hello-posix", ["-DHELLO_POSIX"])):
        flags = sh(["pkg-config", "--cflags", "--libs", pc], env=env).split()
        sh(["gcc", "-Wall", "-Wextra", "-Werror", "-static", *extra, "-o", str(out / name),
            str(HELLO), *flags])
        progs.append(out / name)
        # and dynamically against the shared libraries, on the host
        sh(["gcc", "-Wall", "-Wextra", "-Werror", *extra, "-o", str(out / f"{name}.dyn"),
            str(HELLO), *flags])
    return progs, out, env


def test_shared_libraries_link(hello, installed):
    """The shared librtdm / librtdm_posix link and load (on the host, where
    RTDM is not loaded: the calls fail with ENOENT / EAFNOSUPPORT)."""
    _, out, _ = hello
    dest, _, _ = installed
    libdir = dest / PREFIX.lstrip("/") / "lib"
    for name, lib in (("rtdm-hello", "librtdm.so.0"), ("rtdm-hello-posix", "librtdm_posix.so.0")):
        dyn = out / f"{name}.dyn"
        env = dict(os.environ, LD_LIBRARY_PATH=str(libdir))
        ldd = subprocess.run(["ldd", str(dyn)], stdout=subprocess.PIPE, env=env).stdout.decode()
        assert f"{lib} => {libdir}/{lib}" in ldd, ldd
        r = subprocess.run([str(dyn)], stdout=subprocess.PIPE, env=env, timeout=20)
        out_s = r.stdout.decode()
        assert r.returncode == 1 and '"open": -1' in out_s and '"errno": 97' in out_s, out_s


GUEST_USERS = {"rtuser": 1000, "other": 1001}


def _package_overlay(found, stage):
    """A gzip'd cpio of: the rtdm-tools package's files; the shared
    libraries its programs and udevadm need (from the host, an x86_64
    Debian 12 like the guest kernel's); udevadm as systemd-udevd; an
    /etc/group where "rtuser" is in the group rtdm (made by the package's
    postinst on a real system) and "other" is not."""
    shutil.rmtree(stage, ignore_errors=True)
    sh(["dpkg-deb", "-x", str(found["rtdm-tools"]), str(stage)])
    udev = stage / "usr/lib/rtdm-udev"
    udev.mkdir(parents=True)
    shutil.copy2(Path("/bin/udevadm").resolve(), udev / "udevadm")
    os.symlink("udevadm", udev / "systemd-udevd")
    bins = [udev / "udevadm"] + sorted((stage / "usr/bin").iterdir())
    for b in bins:
        for m in re.finditer(r"(/\S+) \(0x", sh(["ldd", str(b)])):
            dst = stage / m.group(1).lstrip("/")
            if not dst.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(m.group(1)).resolve(), dst)
    etc = stage / "etc"
    etc.mkdir(exist_ok=True)
    (etc / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n" + "".join(
        f"{u}:x:{i}:{i}::/tmp:/bin/sh\n" for u, i in GUEST_USERS.items()))
    (etc / "group").write_text("root:x:0:\nrtdm:x:990:rtuser\n" + "".join(
        f"{u}:x:{i}:\n" for u, i in GUEST_USERS.items()))
    p = subprocess.run(["sh", "-c", "find . -print0 | LC_ALL=C sort -z | "
                        "cpio --null -o -H newc --owner=0:0 --quiet | gzip -1"],
                       cwd=stage, stdout=subprocess.PIPE, check=True, timeout=300)
    return p.stdout


@pytest.fixture(scope="module")
def install_guest(x86, dkms_modules, hello, debs, request):
    """An x86 guest whose initramfs carries the DKMS-built modules (in
    extra/, with depmod's index), the pkg-config-built programs and the
    files of the rtdm-tools package (with the C library its programs
    need, and the host's udevd to apply its rule), and none of the rig's
    own builds."""
    t, _ = x86
    kos, _ = dkms_modules
    progs, out, _ = hello
    br = BuildResult("x86-install", modules=[str(k) for k in kos], programs=[str(p) for p in progs])
    BUILD.mkdir(parents=True, exist_ok=True)
    initrd = make_initramfs(t, br, BUILD / "initramfs-x86-install.cpio.gz")
    # the kernel unpacks concatenated archives: add the packages' files
    with open(initrd, "ab") as f:
        f.write(_package_overlay(debs[1], out / "overlay"))
    g = Guest(t, name="x86-install")
    g.build, g.initrd = br, initrd
    request.addfinalizer(g.shutdown)
    try:
        timed("guest boot", g.boot)
    except GuestError as e:
        pytest.fail(str(e), pytrace=False)
    return g


def test_dkms_modules_load_in_guest(install_guest, dkms_modules):
    g = install_guest
    kos, _ = dkms_modules
    # modprobe resolves the drivers' dependency on the core from depmod's index
    g.run_ok("modprobe rtdmtest && modprobe rtipc")
    loaded = {l.split()[0] for l in g.run_ok("cat /proc/modules").splitlines()}
    assert {"rtdm", "rtdmtest", "rtipc"} <= loaded
    assert g.run_ok("cat /proc/rtdm/backend").split()[0] == "inband"
    # GPIO bindings: the i.MX one exports the banks it finds (none on x86:
    # ENODEV, as designed), the by-label one takes the loopback chip
    g.run_ok("modprobe gpio_loopback && modprobe rtdm_gpio_generic labels=gpio-loopback")
    rc, out = g.run("modprobe rtdm_gpio_mxc")
    assert rc != 0 and "No such device" in out, out
    loaded = {l.split()[0] for l in g.run_ok("cat /proc/modules").splitlines()}
    for k in kos:
        if k.stem not in loaded and k.stem != "rtdm_gpio_mxc":
            g.run_ok(f"modprobe {k.stem}")
    assert not g.splats(g.console())


@pytest.mark.parametrize("prog,api", [("rtdm-hello", "rtdm"), ("rtdm-hello-posix", "posix")])
def test_pkg_config_program_runs_in_guest(install_guest, prog, api):
    g = install_guest
    g.run("modprobe rtdmtest; modprobe rtipc")
    r = g.run_json(f"/rtdm/bin/{prog}")
    assert r == {"api": api, "open": 0, "info": 0, "class": 6, "received": "hello", "errno": 0}, r
    assert not g.splats(g.console())


def test_board_rootfs_cross_install(rig_targets, tmp_path):
    """The i.MX8MM way: one command cross-builds and installs into a board's
    root file system (arm64, Debian's arm64 headers)."""
    if "arm64" not in rig_targets:
        pytest.skip("the arm64 target is not selected (RTDM_TARGETS)")
    t = get_target("arm64")
    rootfs = tmp_path / "rootfs"
    log = timed("arm64 rootfs install", lambda: sh(
        ["nice", "-n", "10", "make", "-C", str(REPO), f"-j{os.cpu_count() or 2}", "install",
         f"DESTDIR={rootfs}", "PREFIX=/usr", f"KDIR={t.kdir}", f"ARCH={t.arch}",
         f"CROSS_COMPILE={t.cross_compile}", f"BUILDDIR={t.builddir}-install",
         f"USERDIR={BUILD}/user-arm64-install"], timeout=1800))
    mdir = rootfs / "lib/modules" / t.krel
    kos = sorted(mdir.rglob("*.ko"))
    assert sorted(str(k.relative_to(mdir / "extra").with_suffix("")) for k in kos) == \
        sorted(built_modules(f"{t.builddir}-install")), log[-3000:]
    for k in kos:
        assert sh(["/sbin/modinfo", "-F", "vermagic", str(k)]).split()[0] == t.krel
        assert "ARM aarch64" in sh(["file", str(k)])
    assert "extra/rtdm/rtdm.ko" in (mdir / "modules.dep").read_text()
    for p in programs():
        assert "ARM aarch64" in sh(["file", "-L", str(rootfs / "usr/bin" / p)]), p
    assert (rootfs / "etc/udev/rules.d/60-rtdm.rules").is_file()
    assert (rootfs / "usr/lib/pkgconfig/rtdm.pc").is_file()


def test_udev_rule_permissions_in_guest(install_guest):
    """The packaged rule (lib/udev/rules.d/60-rtdm.rules, applied by udevd
    as on an installed system) leaves /dev/rtdm/* and /dev/rtp* at 0660
    root:rtdm; a member of rtdm opens them, another user cannot."""
    g = install_guest
    g.run_ok("modprobe rtdmtest && modprobe rtipc")
    before = g.run_ok("stat -c '%n %a %U:%G' /dev/rtdm/control /dev/rtp0")
    assert "rtdm" not in before.replace("/dev/rtdm/", ""), before   # udevd has not run yet
    g.run_ok("mkdir -p /run && U=/usr/lib/rtdm-udev; $U/systemd-udevd --daemon && "
             "$U/udevadm trigger --action=add && $U/udevadm settle -t 30", timeout=90)
    nodes = g.run_ok("ls /dev/rtdm/ && ls -d /dev/rtp*").split()
    assert "control" in nodes and "rtdmtest0" in nodes and "/dev/rtp0" in nodes, nodes
    # every device node, those of a GPIO chip's directory too (an earlier
    # test of this guest loaded the GPIO bindings: /dev/rtdm/<chip>/gpioN);
    # the directories themselves are devtmpfs's (0755 root:root)
    modes = g.run_ok("stat -c '%n %a %U:%G' $(find /dev/rtdm -type c) /dev/rtp*").splitlines()
    bad = [m for m in modes if not m.endswith(" 660 root:rtdm")]
    assert not bad, modes
    for user, ok in (("rtuser", True), ("other", False)):
        for node in ("/dev/rtdm/rtdmtest0", "/dev/rtdm/control", "/dev/rtp0"):
            # access(2) for all; a real open too where it cannot block (an
            # open of /dev/rtpN by a permitted user waits for its socket)
            rc, out = g.run(f"su -s /bin/sh {user} -c 'test -r {node} && test -w {node}'")
            assert (rc == 0) == ok, (user, node, "access", rc, out)
            if ok and "rtp" in node:
                continue
            rc, out = g.run(f"su -s /bin/sh {user} -c 'exec 3<>{node}'")
            assert (rc == 0) == ok, (user, node, "open", rc, out)
            if not ok:
                assert "Permission denied" in out, out
    # the packaged programs run (shared C library) and see the devices
    st = g.run_json("/usr/bin/rtdm-status -j")
    assert {"rtdmtest0", "rtdm_control"} & {d["name"] for d in st["devices"]}, st
    assert not g.splats(g.console())
