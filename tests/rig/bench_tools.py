#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Stage the comparison programs of `make bench` for the guests.

    bench_tools.py CACHE DEBARCH...      (setup.sh runs it, as root, when RTDM_BENCH=1)

For each Debian architecture (amd64, armhf) it fetches `rt-tests`
(cyclictest) and `stress-ng` with `apt-get download` into CACHE/debs,
unpacks them with `dpkg-deb -x`, and then only the shared libraries the
two programs really load (their ELF NEEDED entries, followed
recursively; each missing one looked for in the packages the package that
needs it depends on), plus libc6's dynamic loader. The result is a small
tree, CACHE/bench-DEBARCH/stage (usr/bin/cyclictest, usr/bin/stress-ng,
lib/..., lib64/...), that tests/rig/build.py copies into the bench
initramfs only (RTDM_BENCH=1), so that make check's guests do not grow.

Nothing is installed on the host. Idempotent: a tree whose .done holds the
same package versions is kept.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

PROGRAMS = {"rt-tests": ["usr/bin/cyclictest"], "stress-ng": ["usr/bin/stress-ng"]}
LOADER = {"amd64": "lib64/ld-linux-x86-64.so.2", "armhf": "lib/ld-linux-armhf.so.3"}


def log(msg):
    print(f"bench-tools: {msg}", file=sys.stderr, flush=True)


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout


def candidate(pkg):
    out = subprocess.run(["apt-cache", "show", "--no-all-versions", pkg], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    m = re.search(r"^Version: (\S+)", out, re.M)
    return m.group(1) if m else None


def lib_depends(pkg, arch):
    """The lib* packages `pkg` depends on (first alternative), for arch."""
    out = subprocess.run(["apt-cache", "depends", "--no-recommends", "--no-suggests",
                          "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", pkg],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    deps = []
    for line in out.splitlines():
        m = re.match(r"\s*\|?(?:Pre)?Depends: (\S+)", line)
        if m and m.group(1).startswith(("lib", "zlib")) and not m.group(1).startswith("<"):
            name = m.group(1).split(":")[0]
            deps.append(f"{name}:{arch}")
    return deps


def fetch(cache, pkg):
    """Path of the .deb of pkg (name:arch) in cache/debs, downloaded if needed."""
    name, arch = pkg.split(":")
    ver = candidate(pkg)
    if not ver:
        raise SystemExit(f"bench-tools: no {pkg} in the archive (apt-get update?)")
    fver = ver.replace(":", "%3a")
    debs = cache / "debs"
    for a in (arch, "all"):
        f = debs / f"{name}_{fver}_{a}.deb"
        if f.exists():
            return f, ver
    log(f"downloading {pkg}={ver}")
    subprocess.run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", f"{pkg}={ver}"],
                   cwd=debs, check=True, stdout=subprocess.DEVNULL)
    for a in (arch, "all"):
        f = debs / f"{name}_{fver}_{a}.deb"
        if f.exists():
            return f, ver
    raise SystemExit(f"bench-tools: {pkg}={ver} downloaded but not found in {debs}")


def needed(path):
    out = subprocess.run(["readelf", "-dW", str(path)], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


_index = {}


def find_soname(root, soname):
    """The path (relative) of soname under an unpacked package root."""
    if root not in _index:
        names = {}
        for d in ("lib", "usr/lib"):
            for dirpath, _, fnames in os.walk(root / d):
                for f in fnames:
                    names.setdefault(f, Path(dirpath, f).relative_to(root))
        _index[root] = names
    return _index[root].get(soname)


def stage_arch(cache, arch):
    out = cache / f"bench-{arch}"
    versions = {p: candidate(f"{p}:{arch}") for p in PROGRAMS}
    done = out / ".done"
    if done.exists():
        try:
            if json.loads(done.read_text()).get("programs") == versions:
                return
        except ValueError:
            pass
    log(f"staging cyclictest and stress-ng for {arch}")
    shutil.rmtree(out, ignore_errors=True)
    unpacked = out / "unpacked"
    stage = out / "stage"
    unpacked.mkdir(parents=True)
    pkgs = {}                     # name:arch -> unpacked root

    def unpack(pkg):
        if pkg not in pkgs:
            deb, ver = fetch(cache, pkg)
            root = unpacked / pkg.split(":")[0]
            sh("dpkg-deb", "-x", str(deb), str(root))
            pkgs[pkg] = root
        return pkgs[pkg]

    libc = unpack(f"libc6:{arch}")
    files = {}                    # relative path in the guest -> source path
    owner = {}                    # relative path -> package
    todo = []
    for p, progs in PROGRAMS.items():
        root = unpack(f"{p}:{arch}")
        for rel in progs:
            files[rel] = root / rel
            owner[rel] = f"{p}:{arch}"
            todo.append(rel)
    loader = LOADER[arch]
    files[loader] = libc / loader
    if (libc / loader).is_symlink():
        files[loader] = libc / os.path.normpath(
            os.path.join(os.path.dirname(loader), os.readlink(libc / loader))).lstrip("/")
    provided = {}                 # soname -> relative path
    while todo:
        rel = todo.pop()
        for so in needed(files[rel]):
            if so in provided:
                continue
            hit = None
            # the packages already unpacked, then the lib* dependencies of
            # the package whose file needs the library, one level at a time
            for pkg, root in list(pkgs.items()):
                r = find_soname(root, so)
                if r:
                    hit = (pkg, root, r)
                    break
            if not hit:
                for dep in lib_depends(owner[rel], arch):
                    root = unpack(dep)
                    r = find_soname(root, so)
                    if r:
                        hit = (dep, root, r)
                        break
            if not hit:
                raise SystemExit(f"bench-tools: {arch}: no package provides {so} (needed by {rel})")
            pkg, root, r = hit
            provided[so] = r
            files[str(r)] = (root / r).resolve()
            owner[str(r)] = pkg
            todo.append(str(r))
    for rel, src in files.items():
        dst = stage / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        os.chmod(dst, 0o755)
    shutil.rmtree(unpacked)
    size = sum(f.stat().st_size for f in stage.rglob("*") if f.is_file())
    log(f"{arch}: {len(files)} files, {size / 1e6:.1f} MB from {len(pkgs)} packages")
    done.write_text(json.dumps({"programs": versions, "packages": sorted(pkgs),
                                "files": sorted(files)}) + "\n")


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cache = Path(sys.argv[1]).resolve()
    (cache / "debs").mkdir(parents=True, exist_ok=True)
    for arch in sys.argv[2:]:
        stage_arch(cache, arch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
