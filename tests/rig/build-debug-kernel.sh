#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the x86-debug guest kernel (called by setup.sh; idempotent only
# through setup.sh's cache key):
#
#   build-debug-kernel.sh <linux-source-6.1_*.deb> <out dir>
#
# <out dir>/src     the kernel tree, built in place, reduced to the build
#                   tree out-of-tree modules are built against (make -C src
#                   M=...): .config, Module.symvers, System.map, the headers,
#                   arch/x86, scripts and tools/objtool (with their host
#                   programs), every Makefile/Kbuild/Kconfig
# <out dir>/bzImage the kernel QEMU boots (uncompressed payload)
# <out dir>/root    `make modules_install` root (lib/modules/<krel>)
# <out dir>/krel    uname -r of the kernel
# <out dir>/build.log, timings
#
# The configuration is `make tinyconfig` + tests/rig/x86-debug.config
# (scripts/kconfig/merge_config.sh) + `make olddefconfig`; the build fails
# if any line of the fragment did not survive. Any failure exits non-zero
# (setup.sh then fails: the target is never silently dropped).
#
# Environment: RTDM_KERNEL_JOBS (default: nproc), RTDM_KERNEL_NICE (10).

set -euo pipefail
export LC_ALL=C

deb=$1 out=$2
RIG=$(cd "$(dirname "$0")" && pwd)
FRAG=$RIG/x86-debug.config
JOBS=${RTDM_KERNEL_JOBS:-$(nproc)}
NICE=${RTDM_KERNEL_NICE:-10}

log() { echo "debug-kernel: $*" >&2; }
die() { echo "debug-kernel: ERROR: $*" >&2; [ -f "$out/build.log" ] && tail -40 "$out/build.log" >&2; exit 1; }
now() { date +%s.%N; }
lap() { printf '%s %.1f\n' "$1" "$(echo "$(now) - $2" | bc)" >>"$out/timings"; }

[ -f "$deb" ] || die "no $deb"
rm -rf "$out"
mkdir -p "$out"
src=$out/src
mkdir -p "$src"
: >"$out/timings"

# --- source -----------------------------------------------------------------
# The whole xz stream has to be decompressed anyway (~15 s); leaving out
# the documentation and perf/selftests saves ~100 MB of disk
# (Documentation/Kconfig is sourced by Kconfig and kept; so are the other
# architectures: crypto/Kconfig sources arch/*/crypto/Kconfig).
t=$(now)
log "extracting $(basename "$deb")"
excl=(--exclude='linux-source-6.1/Documentation/[!K]*'
      --exclude='linux-source-6.1/tools/perf' --exclude='linux-source-6.1/tools/testing')
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.1.tar.xz |
	tar -xJ -C "$src" --strip-components=1 "${excl[@]}" || die "cannot extract the kernel source"
[ -f "$src/Makefile" ] && [ -f "$src/arch/x86/Kconfig" ] || die "kernel source incomplete"
lap extract "$t"

mk() { nice -n "$NICE" make -C "$src" ARCH=x86 "$@" >>"$out/build.log" 2>&1; }

# --- configuration ---------------------------------------------------------------
t=$(now)
log "configuring (tinyconfig + $(basename "$FRAG"))"
mk ARCH=x86_64 tinyconfig || die "make tinyconfig failed"
(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$FRAG") >>"$out/build.log" 2>&1 ||
	die "merge_config.sh failed"
mk olddefconfig || die "make olddefconfig failed"
lost=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF -- "$line" "$src/.config" ||
			{ log "fragment line lost: '$line' (.config: '$(grep "^${line%%=*}=\|# ${line%%=*} is not set" "$src/.config" || echo absent)')"; lost=1; } ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		! grep -q "^$sym=" "$src/.config" ||
			{ log "fragment line lost: '$line' (.config: '$(grep "^$sym=" "$src/.config")')"; lost=1; } ;;
	esac
done <"$FRAG"
[ "$lost" = 0 ] || die "options of $FRAG did not survive olddefconfig (missing dependencies?)"
cp "$src/.config" "$out/config"
lap configure "$t"

# --- build ------------------------------------------------------------------------
t=$(now)
log "building bzImage + modules with $JOBS jobs (nice $NICE; log: $out/build.log)"
mk -j"$JOBS" bzImage modules || die "kernel build failed"
lap build "$t"
krel=$(make -s -C "$src" ARCH=x86 kernelrelease)
[ -n "$krel" ] || die "no kernelrelease"
echo "$krel" >"$out/krel"
mk INSTALL_MOD_PATH="$out/root" modules_install || die "modules_install failed"
[ -f "$out/root/lib/modules/$krel/modules.dep" ] || die "modules_install left no modules.dep"
rm -f "$out/root/lib/modules/$krel/build" "$out/root/lib/modules/$krel/source"
cp "$src/arch/x86/boot/bzImage" "$out/bzImage"

# --- keep what out-of-tree modules need -----------------------------------------------
# `make M=...` reads the top-level files (Makefile, .config,
# Module.symvers), the Makefiles, include/, arch/x86/ (its Makefile and
# headers, generated ones included), scripts/ (modpost, fixdep, ... and the
# Makefile.* rules) and runs tools/objtool/objtool. The rest of the tree
# (~1.3 GB: sources and objects of the kernel itself) goes.
t=$(now)
for d in "$src"/*/; do
	d=${d%/}
	case ${d##*/} in
	include|scripts|tools) ;;
	arch) find "$d" -mindepth 1 -maxdepth 1 -type d ! -name x86 -exec rm -rf {} + ;;
	*) find "$d" -type f ! -name 'Makefile*' ! -name 'Kbuild*' ! -name 'Kconfig*' -delete ;;
	esac
done
find "$src/arch/x86" "$src/include" -type f \( -name '*.c' -o -name '*.o' -o -name '*.a' -o -name '.*.cmd' \) -delete
find "$src" -type f -name '.*.cmd' -delete
find "$src/tools" -type f -name '*.o' -delete
rm -f "$src/vmlinux" "$src/vmlinux.o" "$src/arch/x86/boot/bzImage" "$src/arch/x86/boot/vmlinux.bin" \
	"$src/arch/x86/boot/compressed/vmlinux" "$src/arch/x86/boot/compressed/vmlinux.bin"*
find "$src" -type d -empty -delete
[ -x "$src/tools/objtool/objtool" ] && [ -x "$src/scripts/mod/modpost" ] && [ -f "$src/Module.symvers" ] ||
	die "the pruned build tree lacks objtool, modpost or Module.symvers"
lap prune "$t"
printf 'disk %s\n' "$(du -sh "$out" | cut -f1)" >>"$out/timings"
log "built $krel in $out ($(tr '\n' ' ' <"$out/timings"))"
