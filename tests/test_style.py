# SPDX-License-Identifier: GPL-2.0
"""Kernel coding style and static checks of the kernel sources.

- checkpatch.pl --strict (from Debian's linux-source) on every kernel
  source file, with the project's .checkpatch.conf (it lists the checks
  that RTDM's API makes moot, each with its reason);
- sparse (make C=2, findings fatal through CHECKFLAGS) against the x86
  generic kernel headers.

-Werror and W=1 apply to every module build of every target already.
"""

import subprocess

import pytest

from rig.targets import REPO, BUILD, get_target, load_env, target_names


def kernel_sources():
    out = subprocess.run(["git", "ls-files", "rtdm", "drivers", "include/rtdm"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    files = [f for f in out.split()
             if f.endswith((".c", ".h")) and "/user/" not in f]
    # files not committed yet (work in progress) are checked too
    out = subprocess.run(["git", "ls-files", "--others", "--exclude-standard",
                          "rtdm", "drivers", "include/rtdm"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    files += [f for f in out.split()
              if f.endswith((".c", ".h")) and "/user/" not in f]
    return sorted(set(files))


def test_checkpatch_strict():
    checkpatch = load_env()["checkpatch"]
    files = kernel_sources()
    assert files, "no kernel sources found"
    r = subprocess.run(["perl", checkpatch, "-f", *files], cwd=REPO,
                       capture_output=True, text=True)
    findings = [line for line in r.stdout.splitlines()
                if line and not line.startswith("total:")]
    assert not findings, "checkpatch --strict findings:\n" + "\n".join(findings)


def test_sparse(rig_targets):
    if "x86" not in rig_targets:
        pytest.skip("x86 target not selected")
    t = get_target("x86")
    builddir = BUILD / "sparse-x86"
    r = subprocess.run(["make", "-s", "-C", str(REPO), "sparse", f"KDIR={t.kdir}",
                        f"BUILDDIR={builddir}"], capture_output=True, text=True,
                       timeout=900)
    log = r.stdout + r.stderr
    findings = [line for line in log.splitlines()
                if ("warning:" in line or "error:" in line) and str(builddir) in line]
    assert r.returncode == 0 and not findings, "sparse findings:\n" + log[-6000:]
