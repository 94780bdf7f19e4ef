#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host setup for the QEMU test rig (run as root; idempotent).
#
#  - installs the host tools from Debian's archive (QEMU, cross compilers,
#    amd64 kernel headers, busybox, pytest, sparse, ...);
#  - fetches the guest kernels and the foreign-arch kernel headers into a
#    cache (${RTDM_CACHE:-/var/cache/rtdm-rig}) with `apt-get download` +
#    `dpkg-deb -x` (installing foreign-arch headers with apt would remove the
#    host compiler);
#  - writes $CACHE/env.json (and env.sh) describing every target, for
#    tests/rig/*.py.
#
# Everything is keyed by the Debian kernel ABI, resolved per architecture
# (the ABIs can differ between architectures on the same day). A re-run with
# everything in place takes a few seconds.
#
# The x86-debug guest kernel is built here from Debian's linux-source-6.1,
# at the version of the x86 guests' kernel, with tests/rig/x86-debug.config
# (tests/rig/build-debug-kernel.sh). Cold: 13.0 min of CPU (11.6 user +
# 1.4 sys, i.e. ~7-9 min on 2 idle cores with -j2); measured 57 min wall on
# the shared 2-core build machine at load 15-21 with the build at nice 10.
# 140 MB download, 173 MB kept. It is keyed by that version and a hash of
# the fragment and the build script.
# A failed build fails the setup.
#
# Environment: RTDM_CACHE (cache dir), RTDM_APT_UPDATE=1 (force apt-get update),
# RTDM_TARGETS (comma list, as for make check: without x86-debug (or all)
# in it, the debug kernel is not built if it is not cached yet),
# RTDM_BENCH=1 (make bench: also gnuplot-nox on the host, and cyclictest +
# stress-ng for the amd64 and armhf guests, staged by bench_tools.py in
# $CACHE/bench-<arch>/stage; make check's setup does neither).

set -euo pipefail
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

CACHE=${RTDM_CACHE:-/var/cache/rtdm-rig}
mkdir -p "$CACHE/debs"
CACHE=$(cd "$CACHE" && pwd)
RIG=$(cd "$(dirname "$0")" && pwd)
T0=$(date +%s.%N)

log() { echo "rig-setup: $*" >&2; }
die() { echo "rig-setup: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

# libgpiod-dev: the static libgpiod of gpiobench's comparison mode (-g);
# libc6-dev-arm64-cross: the arm64 programs of make install (a board rootfs)
HOST_PKGS="qemu-system-x86 qemu-system-arm gcc-arm-linux-gnueabihf gcc-aarch64-linux-gnu
 libc6-dev-armhf-cross libc6-dev-arm64-cross cpio kmod device-tree-compiler bc libelf-dev busybox-static
 python3-pytest sparse xz-utils file make gcc libc6-dev libgpiod-dev
 bison flex perl lz4"   # + bc libelf-dev cpio kmod: the x86-debug kernel build

# --- 1. foreign architectures + package lists -------------------------------
foreign=$(dpkg --print-foreign-architectures)
for a in armhf arm64; do
	grep -qx "$a" <<<"$foreign" || { log "adding architecture $a"; dpkg --add-architecture "$a"; RTDM_APT_UPDATE=1; }
done

resolve_abis() {   # one apt-cache call (each costs ~2 s here) for all three
	local out
	out=$(apt-cache depends linux-image-amd64 linux-image-armmp:armhf linux-image-arm64:arm64 2>/dev/null || true)
	ABI_X86=$(sed -n 's/.*Depends: linux-image-\([0-9.]*-[0-9]*\)-amd64$/\1/p' <<<"$out" | head -1)
	ABI_ARMHF=$(sed -n 's/.*Depends: linux-image-\([0-9.]*-[0-9]*\)-armmp:armhf$/\1/p' <<<"$out" | head -1)
	ABI_ARM64=$(sed -n 's/.*Depends: linux-image-\([0-9.]*-[0-9]*\)-arm64:arm64$/\1/p' <<<"$out" | head -1)
	[ -n "$ABI_X86" ] && [ -n "$ABI_ARMHF" ] && [ -n "$ABI_ARM64" ]
}

missing_pkgs() {   # prints the packages of "$@" that are not installed
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || echo "$p"
	done
}

apt_update() {
	log "apt-get update"
	# one index may fail transiently (mirror sync); carry on with what we have
	apt-get update -q >&2 || log "WARNING: apt-get update returned $? (continuing)"
	touch "$CACHE/.apt-updated"
}

# refresh the lists once a day, when forced, or when they lack what we need
if [ "${RTDM_APT_UPDATE:-0}" = 1 ] || [ -z "$(find "$CACHE/.apt-updated" -mmin -1440 2>/dev/null)" ] ||
   ! resolve_abis; then
	apt_update
	resolve_abis || die "cannot resolve kernel ABIs (amd64='$ABI_X86' armhf='$ABI_ARMHF' arm64='$ABI_ARM64')"
fi
log "ABI amd64=$ABI_X86 armhf=$ABI_ARMHF arm64=$ABI_ARM64"

# --- 2. host packages -------------------------------------------------------
# tests/test_install.py: make install, DKMS, Debian packages (~140 packages,
# 20 MB), and udev (copied into a guest to apply the packaged rule)
HOST_PKGS="$HOST_PKGS pkgconf dkms build-essential debhelper dh-dkms lintian udev"
# make bench: the histograms are drawn with gnuplot (bench.py)
[ "${RTDM_BENCH:-0}" = 1 ] && HOST_PKGS="$HOST_PKGS gnuplot-nox"
# shellcheck disable=SC2086
want=$(missing_pkgs $HOST_PKGS linux-headers-$ABI_X86-amd64 linux-headers-$ABI_X86-rt-amd64)
if [ -n "$want" ]; then
	log "installing:" $want
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $want >&2 || {
		apt_update
		apt-get install -y -q --no-install-recommends $want >&2
	}
fi
for t in qemu-system-x86_64 qemu-system-arm arm-linux-gnueabihf-gcc aarch64-linux-gnu-gcc \
	 gcc make cpio depmod fdtput fdtget xz file bison flex lz4; do
	command -v "$t" >/dev/null || die "$t missing after install"
done
[ -x /bin/busybox ] || die "/bin/busybox missing"
[ -f /usr/share/qemu/qboot.rom ] || die "/usr/share/qemu/qboot.rom missing"

# --- helpers -----------------------------------------------------------------
pkgver() {   # candidate version of a package (name[:arch])
	apt-cache show "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -1
}

fetch_deb() {   # fetch_deb <pkg[:arch]> [version]  -> prints path of the .deb in $CACHE/debs
	local pkg=$1 ver=${2:-} name arch f fver
	name=${pkg%%:*}; arch=${pkg#*:}; [ "$arch" = "$pkg" ] && arch=
	[ -n "$ver" ] || ver=$(pkgver "$pkg")
	[ -n "$ver" ] || die "no version of $pkg in the archive"
	fver=${ver//:/%3a}   # apt-get download encodes the epoch colon
	local pick='ls "$CACHE/debs/${name}_${fver}_"*.deb 2>/dev/null | { if [ -n "$arch" ]; then grep "_$arch.deb\$\|_all.deb\$"; else cat; fi; } | head -1 || true'
	f=$(eval "$pick")
	if [ -z "$f" ]; then
		log "downloading $pkg=$ver"
		(cd "$CACHE/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2) ||
			die "apt-get download $pkg=$ver failed"
		f=$(eval "$pick")	# of its architecture, not another's (busybox-static:armhf, :arm64)
	fi
	echo "$f"
}

extract_vmlinux() {   # extract_vmlinux <bzImage> <out>
	local in=$1 out=$2 off
	for off in $(grep -obUaP '\xfd7zXZ\x00' "$in" | cut -d: -f1); do
		tail -c +$((off + 1)) "$in" | xz -dcq >"$out.tmp" 2>/dev/null || true
		if file "$out.tmp" | grep -q 'ELF 64-bit'; then mv "$out.tmp" "$out"; return 0; fi
	done
	rm -f "$out.tmp"
	return 1
}

# --- 3. x86 guest kernels (generic + PREEMPT_RT) ------------------------------
x86_image() {   # x86_image <flavour> -> $CACHE/x86-<flavour>-<abi>
	local fl=$1 d="$CACHE/img-$ABI_X86-$1"
	if [ ! -f "$d/.done" ]; then
		rm -rf "$d"; mkdir -p "$d"
		pkgver "linux-image-$ABI_X86-$fl" >"$d/.version"
		dpkg-deb -x "$(fetch_deb "linux-image-$ABI_X86-$fl" "$(cat "$d/.version")")" "$d/root"
		depmod -b "$d/root" "$ABI_X86-$fl"
		extract_vmlinux "$d/root/boot/vmlinuz-$ABI_X86-$fl" "$d/vmlinux" ||
			die "cannot extract vmlinux from $d/root/boot/vmlinuz-$ABI_X86-$fl"
		touch "$d/.done"
	fi
}
x86_image amd64
x86_image rt-amd64

# --- 3b. x86-debug guest kernel: Debian's source, debug configuration -------
# Same Debian version as the x86 guests' kernel (the package version cached
# with it), so that a finding on x86-debug is about the kernel the other x86
# targets run. Keyed by that version and the configuration + build script.
want_debug() {   # is x86-debug among the selected targets (RTDM_TARGETS)?
	local t
	[ -z "${RTDM_TARGETS:-}" ] && return 0
	for t in ${RTDM_TARGETS//,/ }; do
		case $t in all|x86-debug) return 0 ;; esac
	done
	return 1
}
V_DEBUG=$(cat "$CACHE/img-$ABI_X86-amd64/.version")
[ -n "$V_DEBUG" ] || die "no package version recorded for linux-image-$ABI_X86-amd64"
DEBUG_KEY=$(cat "$RIG/x86-debug.config" "$RIG/build-debug-kernel.sh" | sha256sum | cut -c1-12)
debug_dir="$CACHE/x86-debug-$V_DEBUG-$DEBUG_KEY"
if [ ! -f "$debug_dir/.done" ] && want_debug; then
	log "building the x86-debug kernel (linux-source-6.1 $V_DEBUG, config $DEBUG_KEY)"
	deb=$(fetch_deb linux-source-6.1 "$V_DEBUG")
	"$RIG/build-debug-kernel.sh" "$deb" "$debug_dir" ||
		die "x86-debug kernel build failed (log: $debug_dir/build.log)"
	echo "$V_DEBUG" >"$debug_dir/.version"
	touch "$debug_dir/.done"
	rm -f "$deb"
	# older builds (previous version or configuration)
	for d in "$CACHE"/x86-debug-*; do
		[ "$d" = "$debug_dir" ] || rm -rf "$d"
	done
fi
[ -f "$debug_dir/.done" ] || log "x86-debug kernel not built (not in RTDM_TARGETS=${RTDM_TARGETS:-})"

# --- 4. armhf (sabrelite) guest kernel, headers, busybox, DTB ---------------
armhf_dir="$CACHE/armhf-$ABI_ARMHF"
if [ ! -f "$armhf_dir/.done" ]; then
	d=$armhf_dir; rm -rf "$d"; mkdir -p "$d"
	V=$(pkgver "linux-image-$ABI_ARMHF-armmp:armhf")
	echo "$V" >"$d/.version"
	dpkg-deb -x "$(fetch_deb "linux-image-$ABI_ARMHF-armmp:armhf" "$V")" "$d/root"
	depmod -b "$d/root" "$ABI_ARMHF-armmp"
	dpkg-deb -x "$(fetch_deb busybox-static:armhf)" "$d/busybox"
	for p in "linux-headers-$ABI_ARMHF-armmp:armhf" "linux-headers-$ABI_ARMHF-common" \
		 "linux-kbuild-6.1:amd64"; do
		dpkg-deb -x "$(fetch_deb "$p" "$V")" "$d/hdr"
	done
	sed -i "s|^include /usr/src/|include $d/hdr/usr/src/|" "$d/hdr/usr/src/linux-headers-$ABI_ARMHF-armmp/Makefile"
	touch "$d/.done"
fi

# The sabrelite DTB, made from the image's stock one. The text of this
# function is its cache key: a changed recipe is rebuilt on the next run,
# also in a cache filled by an older setup.sh.
sabrelite_dtb() {   # sabrelite_dtb <stock dtb> <out>
	local dtb=$2.tmp n clks
	cp "$1" "$dtb"
	# QEMU has no SDMA model -> no dmas on UART1-4 and ECSPI1;
	# UART3 (wire to UART1) and UART4 (agent channel) enabled.
	for n in /soc/bus@2000000/spba-bus@2000000/serial@2020000 \
		 /soc/bus@2100000/serial@21e8000 \
		 /soc/bus@2100000/serial@21ec000 \
		 /soc/bus@2100000/serial@21f0000 \
		 /soc/bus@2000000/spba-bus@2000000/spi@2008000; do
		fdtget "$dtb" "$n" compatible >/dev/null || die "DTB node $n not found"
		fdtput -d "$dtb" "$n" dmas 2>/dev/null || true
		fdtput -d "$dtb" "$n" dma-names 2>/dev/null || true
	done
	for n in /soc/bus@2100000/serial@21ec000 /soc/bus@2100000/serial@21f0000; do
		fdtput -t s "$dtb" "$n" status okay
	done
	# The EPITs have no Linux driver (nor a compatible). EPIT1 goes to the
	# generic UDD mini-driver, with its clock gate (IMX6QDL_CLK_EPIT1 =
	# 261); EPIT2 gets a compatible nothing matches, so that it becomes a
	# platform device the tests hand over at run time (driver_override).
	clks=$(fdtget "$dtb" /soc/bus@2000000/clock-controller@20c4000 phandle) ||
		die "DTB: no phandle on the i.MX6 clock controller"
	for n in /soc/bus@2000000/epit@20d0000 /soc/bus@2000000/epit@20d4000; do
		fdtget "$dtb" "$n" reg >/dev/null || die "DTB node $n not found"
	done
	fdtput -t s "$dtb" /soc/bus@2000000/epit@20d0000 compatible rtdm,udd
	fdtput -t u "$dtb" /soc/bus@2000000/epit@20d0000 clocks "$clks" 261
	fdtput -t s "$dtb" /soc/bus@2000000/epit@20d4000 compatible fsl,imx6q-epit
	fdtput -t u "$dtb" /soc/bus@2000000/epit@20d4000 clocks "$clks" 262
	mv "$dtb" "$2"
}
dtb_key=$(declare -f sabrelite_dtb | sha256sum | cut -c1-16)
if [ "$(cat "$armhf_dir/sabrelite.dtb.key" 2>/dev/null)" != "$dtb_key" ]; then
	log "building the sabrelite DTB (recipe $dtb_key)"
	sabrelite_dtb "$armhf_dir/root/usr/lib/linux-image-$ABI_ARMHF-armmp/imx6q-sabrelite.dtb" \
		"$armhf_dir/sabrelite.dtb"
	echo "$dtb_key" >"$armhf_dir/sabrelite.dtb.key"
fi

# --- 4b. armhf PREEMPT_RT (sabrelite) guest kernel and headers ---------------
# same board, DTB and busybox as armhf
armhf_rt_dir="$CACHE/armhf-rt-$ABI_ARMHF"
if [ ! -f "$armhf_rt_dir/.done" ]; then
	d=$armhf_rt_dir; rm -rf "$d"; mkdir -p "$d"
	V=$(pkgver "linux-image-$ABI_ARMHF-rt-armmp:armhf")
	echo "$V" >"$d/.version"
	dpkg-deb -x "$(fetch_deb "linux-image-$ABI_ARMHF-rt-armmp:armhf" "$V")" "$d/root"
	depmod -b "$d/root" "$ABI_ARMHF-rt-armmp"
	for p in "linux-headers-$ABI_ARMHF-rt-armmp:armhf" "linux-headers-$ABI_ARMHF-common-rt" \
		 "linux-kbuild-6.1:amd64"; do
		dpkg-deb -x "$(fetch_deb "$p" "$V")" "$d/hdr"
	done
	sed -i "s|^include /usr/src/|include $d/hdr/usr/src/|" "$d/hdr/usr/src/linux-headers-$ABI_ARMHF-rt-armmp/Makefile"
	touch "$d/.done"
fi

# --- 5. arm64 headers (cross-build only) ------------------------------------
arm64_dir="$CACHE/arm64-$ABI_ARM64"
if [ ! -f "$arm64_dir/.done" ]; then
	d=$arm64_dir; rm -rf "$d"; mkdir -p "$d"
	V=$(pkgver "linux-headers-$ABI_ARM64-arm64:arm64")
	echo "$V" >"$d/.version"
	for p in "linux-headers-$ABI_ARM64-arm64:arm64" "linux-headers-$ABI_ARM64-common" \
		 "linux-kbuild-6.1:amd64"; do
		dpkg-deb -x "$(fetch_deb "$p" "$V")" "$d/hdr"
	done
	sed -i "s|^include /usr/src/|include $d/hdr/usr/src/|" "$d/hdr/usr/src/linux-headers-$ABI_ARM64-arm64/Makefile"
	touch "$d/.done"
fi
# Debian's static arm64 busybox, for the arm64-evl guest (a Dovetail+EVL
# kernel the user brings, booted on QEMU virt; CI has none): 1 MB
if [ ! -x "$arm64_dir/busybox/bin/busybox" ]; then
	rm -rf "$arm64_dir/busybox"
	dpkg-deb -x "$(fetch_deb busybox-static:arm64)" "$arm64_dir/busybox"
fi

# the i.MX8M Mini EVK device tree, for the overlays (from the arm64 image)
evk_dtb="$arm64_dir/dtbs/freescale/imx8mm-evk.dtb"
if [ ! -f "$evk_dtb" ]; then
	deb=$(fetch_deb "linux-image-$ABI_ARM64-arm64-unsigned:arm64")
	mkdir -p "$arm64_dir/dtbs/freescale"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards '*/freescale/imx8mm-evk.dtb' >"$evk_dtb.tmp"
	[ -s "$evk_dtb.tmp" ] || die "imx8mm-evk.dtb not found in $deb"
	mv "$evk_dtb.tmp" "$evk_dtb"
	rm -f "$deb"
fi

# --- 5b. checkpatch.pl (from Debian's linux-source) -------------------------
cp_dir="$CACHE/checkpatch"
if [ ! -f "$cp_dir/.done" ]; then
	rm -rf "$cp_dir"; mkdir -p "$cp_dir"
	deb=$(fetch_deb linux-source-6.1)
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/linux-source-6.1.tar.xz' |
		tar -xJ -C "$cp_dir" --strip-components=1 --wildcards \
			'linux-source-6.1/scripts/checkpatch.pl' 'linux-source-6.1/scripts/spelling.txt' \
			'linux-source-6.1/scripts/const_structs.checkpatch'
	rm -f "$deb"
	touch "$cp_dir/.done"
fi

# --- 5c. make bench: the comparison programs for the guests ----------------
# cyclictest (rt-tests) and stress-ng for amd64 and armhf, with only the
# shared libraries they load: copied into the bench initramfs only
if [ "${RTDM_BENCH:-0}" = 1 ]; then
	command -v gnuplot >/dev/null || die "gnuplot missing after install"
	python3 "$RIG/bench_tools.py" "$CACHE" amd64 armhf || die "staging the bench programs failed"
fi

# --- 6. env file --------------------------------------------------------------
X86_IMG="$CACHE/img-$ABI_X86-amd64"
RT_IMG="$CACHE/img-$ABI_X86-rt-amd64"
# Debian package versions, recorded in the summary line of every run
ver() { cat "$1/.version" 2>/dev/null || echo unknown; }
V_X86=$(ver "$X86_IMG"); V_X86_RT=$(ver "$RT_IMG")
V_ARMHF=$(ver "$armhf_dir"); V_ARMHF_RT=$(ver "$armhf_rt_dir"); V_ARM64=$(ver "$arm64_dir")
DEBUG_JSON=
if [ -f "$debug_dir/.done" ]; then
	DEBUG_JSON=$(cat <<EOF
    "x86-debug": {
      "version": "$(ver "$debug_dir")", "abi": "$ABI_X86", "krel": "$(cat "$debug_dir/krel")", "arch": "x86", "cross_compile": "",
      "kdir": "$debug_dir/src",
      "kernel": "$debug_dir/bzImage", "modroot": "$debug_dir/root",
      "busybox": "/bin/busybox", "config": "$debug_dir/config"
    },
EOF
)
fi
tmp=$(mktemp "$CACHE/env.json.XXXXXX")
cat >"$tmp" <<EOF
{
  "cache": "$CACHE",
  "checkpatch": "$cp_dir/scripts/checkpatch.pl",
  "imx8mm_evk_dtb": "$evk_dtb",
  "targets": {
    "x86": {
      "version": "$V_X86", "abi": "$ABI_X86", "krel": "$ABI_X86-amd64", "arch": "x86", "cross_compile": "",
      "kdir": "/usr/src/linux-headers-$ABI_X86-amd64",
      "kernel": "$X86_IMG/vmlinux", "modroot": "$X86_IMG/root",
      "busybox": "/bin/busybox"
    },
    "x86-rt": {
      "version": "$V_X86_RT", "abi": "$ABI_X86", "krel": "$ABI_X86-rt-amd64", "arch": "x86", "cross_compile": "",
      "kdir": "/usr/src/linux-headers-$ABI_X86-rt-amd64",
      "kernel": "$RT_IMG/vmlinux", "modroot": "$RT_IMG/root",
      "busybox": "/bin/busybox"
    },
$DEBUG_JSON
    "armhf": {
      "version": "$V_ARMHF", "abi": "$ABI_ARMHF", "krel": "$ABI_ARMHF-armmp", "arch": "arm", "cross_compile": "arm-linux-gnueabihf-",
      "kdir": "$armhf_dir/hdr/usr/src/linux-headers-$ABI_ARMHF-armmp",
      "kernel": "$armhf_dir/root/boot/vmlinuz-$ABI_ARMHF-armmp", "modroot": "$armhf_dir/root",
      "dtb": "$armhf_dir/sabrelite.dtb",
      "busybox": "$armhf_dir/busybox/bin/busybox"
    },
    "armhf-rt": {
      "version": "$V_ARMHF_RT", "abi": "$ABI_ARMHF", "krel": "$ABI_ARMHF-rt-armmp", "arch": "arm", "cross_compile": "arm-linux-gnueabihf-",
      "kdir": "$armhf_rt_dir/hdr/usr/src/linux-headers-$ABI_ARMHF-rt-armmp",
      "kernel": "$armhf_rt_dir/root/boot/vmlinuz-$ABI_ARMHF-rt-armmp", "modroot": "$armhf_rt_dir/root",
      "dtb": "$armhf_dir/sabrelite.dtb",
      "busybox": "$armhf_dir/busybox/bin/busybox"
    },
    "arm64": {
      "version": "$V_ARM64", "abi": "$ABI_ARM64", "krel": "$ABI_ARM64-arm64", "arch": "arm64", "cross_compile": "aarch64-linux-gnu-",
      "kdir": "$arm64_dir/hdr/usr/src/linux-headers-$ABI_ARM64-arm64",
      "busybox": "$arm64_dir/busybox/bin/busybox"
    }
  }
}
EOF
mv "$tmp" "$CACHE/env.json"; chmod 644 "$CACHE/env.json"
cat >"$CACHE/env.sh" <<EOF
RTDM_CACHE=$CACHE
ABI_X86=$ABI_X86
ABI_ARMHF=$ABI_ARMHF
ABI_ARM64=$ABI_ARM64
KDIR_X86=/usr/src/linux-headers-$ABI_X86-amd64
KDIR_X86_RT=/usr/src/linux-headers-$ABI_X86-rt-amd64
KDIR_ARMHF=$armhf_dir/hdr/usr/src/linux-headers-$ABI_ARMHF-armmp
KDIR_ARMHF_RT=$armhf_rt_dir/hdr/usr/src/linux-headers-$ABI_ARMHF-rt-armmp
KDIR_ARM64=$arm64_dir/hdr/usr/src/linux-headers-$ABI_ARM64-arm64
EOF
if [ -f "$debug_dir/.done" ]; then
	echo "KDIR_X86_DEBUG=$debug_dir/src" >>"$CACHE/env.sh"
	for p in "$debug_dir/bzImage" "$debug_dir/src/Makefile" "$debug_dir/src/Module.symvers" \
		 "$debug_dir/root/lib/modules/$(cat "$debug_dir/krel")/modules.dep"; do
		[ -e "$p" ] || die "missing $p (remove $debug_dir to rebuild the x86-debug kernel)"
	done
fi

# sanity: every path in env.json exists
for p in "$X86_IMG/vmlinux" "$RT_IMG/vmlinux" "$armhf_dir/sabrelite.dtb" "$armhf_dir/busybox/bin/busybox" \
	 "$armhf_dir/root/boot/vmlinuz-$ABI_ARMHF-armmp" \
	 "/usr/src/linux-headers-$ABI_X86-amd64/Makefile" "/usr/src/linux-headers-$ABI_X86-rt-amd64/Makefile" \
	 "$armhf_dir/hdr/usr/src/linux-headers-$ABI_ARMHF-armmp/Makefile" \
	 "$armhf_rt_dir/root/boot/vmlinuz-$ABI_ARMHF-rt-armmp" \
	 "$armhf_rt_dir/hdr/usr/src/linux-headers-$ABI_ARMHF-rt-armmp/Makefile" \
	 "$arm64_dir/hdr/usr/src/linux-headers-$ABI_ARM64-arm64/Makefile" "$cp_dir/scripts/checkpatch.pl" "$evk_dtb"; do
	[ -e "$p" ] || die "missing $p (remove $CACHE to rebuild the cache)"
done

log "ready: $CACHE/env.json ($(printf '%.1f' "$(echo "$(date +%s.%N) - $T0" | bc)")s)"
