# SPDX-License-Identifier: GPL-2.0
"""QEMU test rig: targets, builds, initramfs and the Guest driver."""

from .targets import Target, get_target, target_names, load_env, REPO, BUILD
from .build import BuildResult, build_target, build_modules
from .guest import Guest, GuestError, splats

__all__ = ["Target", "get_target", "target_names", "load_env", "REPO", "BUILD",
           "BuildResult", "build_target", "build_modules",
           "Guest", "GuestError", "splats"]
