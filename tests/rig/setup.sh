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
# Environment: RTDM_CACHE (cache dir), RTDM_APT_UPDATE=1 (force apt-get update).

set -euo pipefail
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

CACHE=${RTDM_CACHE:-/var/cache/rtdm-rig}
mkdir -p "$CACHE/debs"
CACHE=$(cd "$CACHE" && pwd)
T0=$(date +%s.%N)

log() { echo "rig-setup: $*" >&2; }
die() { echo "rig-setup: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

HOST_PKGS="qemu-system-x86 qemu-system-arm gcc-arm-linux-gnueabihf gcc-aarch64-linux-gnu
 libc6-dev-armhf-cross cpio kmod device-tree-compiler bc libelf-dev busybox-static
 python3-pytest sparse xz-utils file make gcc libc6-dev"

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
	 gcc make cpio depmod fdtput fdtget xz file; do
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
	f=$(ls "$CACHE/debs/${name}_${fver}_"*.deb 2>/dev/null | { if [ -n "$arch" ]; then grep "_$arch.deb\$\|_all.deb\$"; else cat; fi; } | head -1 || true)
	if [ -z "$f" ]; then
		log "downloading $pkg=$ver"
		(cd "$CACHE/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2) ||
			die "apt-get download $pkg=$ver failed"
		f=$(ls "$CACHE/debs/${name}_${fver}_"*.deb | head -1)
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
		dpkg-deb -x "$(fetch_deb "linux-image-$ABI_X86-$fl")" "$d/root"
		depmod -b "$d/root" "$ABI_X86-$fl"
		extract_vmlinux "$d/root/boot/vmlinuz-$ABI_X86-$fl" "$d/vmlinux" ||
			die "cannot extract vmlinux from $d/root/boot/vmlinuz-$ABI_X86-$fl"
		touch "$d/.done"
	fi
}
x86_image amd64
x86_image rt-amd64

# --- 4. armhf (sabrelite) guest kernel, headers, busybox, DTB ---------------
armhf_dir="$CACHE/armhf-$ABI_ARMHF"
if [ ! -f "$armhf_dir/.done" ]; then
	d=$armhf_dir; rm -rf "$d"; mkdir -p "$d"
	V=$(pkgver "linux-image-$ABI_ARMHF-armmp:armhf")
	dpkg-deb -x "$(fetch_deb "linux-image-$ABI_ARMHF-armmp:armhf" "$V")" "$d/root"
	depmod -b "$d/root" "$ABI_ARMHF-armmp"
	dpkg-deb -x "$(fetch_deb busybox-static:armhf)" "$d/busybox"
	for p in "linux-headers-$ABI_ARMHF-armmp:armhf" "linux-headers-$ABI_ARMHF-common" \
		 "linux-kbuild-6.1:amd64"; do
		dpkg-deb -x "$(fetch_deb "$p" "$V")" "$d/hdr"
	done
	sed -i "s|^include /usr/src/|include $d/hdr/usr/src/|" "$d/hdr/usr/src/linux-headers-$ABI_ARMHF-armmp/Makefile"

	# DTB: QEMU has no SDMA model -> no dmas on UART1-4 and ECSPI1;
	# UART3 (wire to UART1) and UART4 (agent channel) enabled.
	dtb="$d/sabrelite.dtb"
	cp "$d/root/usr/lib/linux-image-$ABI_ARMHF-armmp/imx6q-sabrelite.dtb" "$dtb"
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
	touch "$d/.done"
fi

# --- 4b. armhf PREEMPT_RT (sabrelite) guest kernel and headers ---------------
# same board, DTB and busybox as armhf
armhf_rt_dir="$CACHE/armhf-rt-$ABI_ARMHF"
if [ ! -f "$armhf_rt_dir/.done" ]; then
	d=$armhf_rt_dir; rm -rf "$d"; mkdir -p "$d"
	V=$(pkgver "linux-image-$ABI_ARMHF-rt-armmp:armhf")
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
	for p in "linux-headers-$ABI_ARM64-arm64:arm64" "linux-headers-$ABI_ARM64-common" \
		 "linux-kbuild-6.1:amd64"; do
		dpkg-deb -x "$(fetch_deb "$p" "$V")" "$d/hdr"
	done
	sed -i "s|^include /usr/src/|include $d/hdr/usr/src/|" "$d/hdr/usr/src/linux-headers-$ABI_ARM64-arm64/Makefile"
	touch "$d/.done"
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

# --- 6. env file --------------------------------------------------------------
X86_IMG="$CACHE/img-$ABI_X86-amd64"
RT_IMG="$CACHE/img-$ABI_X86-rt-amd64"
tmp=$(mktemp "$CACHE/env.json.XXXXXX")
cat >"$tmp" <<EOF
{
  "cache": "$CACHE",
  "checkpatch": "$cp_dir/scripts/checkpatch.pl",
  "imx8mm_evk_dtb": "$evk_dtb",
  "targets": {
    "x86": {
      "abi": "$ABI_X86", "krel": "$ABI_X86-amd64", "arch": "x86", "cross_compile": "",
      "kdir": "/usr/src/linux-headers-$ABI_X86-amd64",
      "kernel": "$X86_IMG/vmlinux", "modroot": "$X86_IMG/root",
      "busybox": "/bin/busybox"
    },
    "x86-rt": {
      "abi": "$ABI_X86", "krel": "$ABI_X86-rt-amd64", "arch": "x86", "cross_compile": "",
      "kdir": "/usr/src/linux-headers-$ABI_X86-rt-amd64",
      "kernel": "$RT_IMG/vmlinux", "modroot": "$RT_IMG/root",
      "busybox": "/bin/busybox"
    },
    "armhf": {
      "abi": "$ABI_ARMHF", "krel": "$ABI_ARMHF-armmp", "arch": "arm", "cross_compile": "arm-linux-gnueabihf-",
      "kdir": "$armhf_dir/hdr/usr/src/linux-headers-$ABI_ARMHF-armmp",
      "kernel": "$armhf_dir/root/boot/vmlinuz-$ABI_ARMHF-armmp", "modroot": "$armhf_dir/root",
      "dtb": "$armhf_dir/sabrelite.dtb",
      "busybox": "$armhf_dir/busybox/bin/busybox"
    },
    "armhf-rt": {
      "abi": "$ABI_ARMHF", "krel": "$ABI_ARMHF-rt-armmp", "arch": "arm", "cross_compile": "arm-linux-gnueabihf-",
      "kdir": "$armhf_rt_dir/hdr/usr/src/linux-headers-$ABI_ARMHF-rt-armmp",
      "kernel": "$armhf_rt_dir/root/boot/vmlinuz-$ABI_ARMHF-rt-armmp", "modroot": "$armhf_rt_dir/root",
      "dtb": "$armhf_dir/sabrelite.dtb",
      "busybox": "$armhf_dir/busybox/bin/busybox"
    },
    "arm64": {
      "abi": "$ABI_ARM64", "krel": "$ABI_ARM64-arm64", "arch": "arm64", "cross_compile": "aarch64-linux-gnu-",
      "kdir": "$arm64_dir/hdr/usr/src/linux-headers-$ABI_ARM64-arm64"
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
