#!/usr/bin/env bash
# Build mediasoup's worker binary (mediasoup-worker) offline from the sources
# shipped in the mediasoup npm package, against Debian packages.
#
# Usage: build.sh <mediasoup package dir> <output binary path>
#   e.g. build.sh node_modules/mediasoup .cache/mediasoup-worker/x/mediasoup-worker
#
# WHY: mediasoup's postinstall downloads a prebuilt worker from GitHub and
# otherwise builds with pip-installed invoke/meson/ninja plus meson wraps that
# download every dependency. None of that works offline. Here we:
#   1. copy <pkg>/worker to a scratch dir (node_modules is never modified);
#   2. apply two small source changes (see apply_source_changes);
#   3. put shim subprojects (./subprojects/<wrap name>/) where meson expects
#      each wrap's sources, so meson uses Debian's libraries instead of
#      downloading (--wrap-mode=nodownload makes any miss a hard error);
#   4. meson setup + ninja with Debian's meson/ninja (no pip, no invoke).
#
# Build deps (Debian 12): build-essential pkg-config meson ninja-build
#   libuv1-dev libssl-dev libsrtp2-dev libflatbuffers-dev flatbuffers-compiler
#   libabsl-dev
#
# Env:
#   MEDIASOUP_WORKER_SCRATCH_DIR  scratch dir to use (default: mktemp -d,
#                                 removed on exit); must not exist or be empty.
#   MEDIASOUP_WORKER_JOBS         ninja -j (default: nproc).
set -euo pipefail

RECIPE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() {
	echo "[worker-build] ERROR: $*" >&2
	exit 1
}
log() {
	echo "[worker-build] $*"
}

[[ $# -eq 2 ]] || die "usage: $0 <mediasoup package dir> <output binary path>"

PKG_DIR="$(cd "$1" 2>/dev/null && pwd)" || die "mediasoup package dir not found: $1"
OUT_BIN="$2"
[[ -f "$PKG_DIR/worker/meson.build" ]] ||
	die "$PKG_DIR/worker/meson.build not found: is '$1' the mediasoup package dir?"

PKG_VERSION="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG_DIR/package.json" | head -n1)"
log "mediasoup ${PKG_VERSION:-?} from $PKG_DIR"

for tool in meson ninja flatc pkg-config c++ cc perl python3; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "'$tool' not found. On Debian: apt-get install build-essential pkg-config meson ninja-build libuv1-dev libssl-dev libsrtp2-dev libflatbuffers-dev flatbuffers-compiler libabsl-dev"
done

# --- scratch copy of the worker sources ------------------------------------
if [[ -n "${MEDIASOUP_WORKER_SCRATCH_DIR:-}" ]]; then
	SCRATCH="$MEDIASOUP_WORKER_SCRATCH_DIR"
	mkdir -p "$SCRATCH"
	[[ -z "$(ls -A "$SCRATCH")" ]] || die "scratch dir $SCRATCH is not empty"
	KEEP_SCRATCH=1
else
	SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")"
	KEEP_SCRATCH=0
fi
tmp_out=""
cleanup() {
	if [[ -n "$tmp_out" ]]; then rm -f "$tmp_out"; fi
	if [[ "$KEEP_SCRATCH" == 0 ]]; then rm -rf "$SCRATCH"; fi
}
trap cleanup EXIT
# Make INT/TERM go through the EXIT trap too (scratch dir removal).
trap 'exit 130' INT
trap 'exit 143' TERM

SRC="$SCRATCH/worker"
BUILD="$SCRATCH/build"
cp -R "$PKG_DIR/worker" "$SRC"
# Leftovers of mediasoup's own (pip/prebuilt) flow, if any: not sources.
rm -rf "$SRC/out" "$SRC/prebuild" "$SRC/pip_invoke" "$SRC/subprojects/packagecache"

# --- source changes -----------------------------------------------------------
# replace_once FILE OLD NEW: literal replacement that must match exactly once.
replace_once() {
	local file="$1" old="$2" new="$3" count
	[[ -f "$file" ]] || die "source change: $file not found (mediasoup $PKG_VERSION moved code?)"
	count="$(OLD="$old" perl -0777 -ne 'my $n = () = /\Q$ENV{OLD}\E/g; print $n' "$file")"
	[[ "$count" == 1 ]] ||
		die "source change does not apply to ${file#"$SRC"/}: expected exactly 1 occurrence of
    $old
  found $count. mediasoup $PKG_VERSION changed this code: review the change in
  scripts/mediasoup-worker/build.sh before building."
	OLD="$old" NEW="$new" perl -0777 -pi -e 's/\Q$ENV{OLD}\E/$ENV{NEW}/' "$file"
}

apply_source_changes() {
	# (1) Debian 12 ships meson 1.0.1; the worker's build files need nothing
	#     newer, but declare >= 1.1.0.
	replace_once "$SRC/meson.build" \
		"meson_version: '>= 1.1.0'" \
		"meson_version: '>= 1.0.0'"

	# (2) Crash fix. onSslBioOut() is a BIO callback that returns the real result
	#     only when operationType == BIO_CB_RETURN exactly, and 1 for every other
	#     call. Post-operation calls come as BIO_CB_RETURN | <op>, so e.g. the
	#     BIO_ctrl(BIO_CTRL_GET_KTLS_SEND) query made by Debian's libssl (built
	#     with kTLS) gets 1 = "kTLS send enabled"; libssl then writes through a
	#     NULL kTLS path => SIGSEGV on the first DTLS handshake. Test the bit.
	replace_once "$SRC/src/RTC/DtlsTransport.cpp" \
		"(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1" \
		"((operationType & BIO_CB_RETURN) != 0) ? static_cast<long>(ret) : 1"
}
apply_source_changes
log "source changes applied"

# --- shim subprojects ---------------------------------------------------------
# Each ./subprojects/<name>/ replaces worker/subprojects/<name>.wrap. Meson uses
# subprojects/<directory named in the .wrap>/ as-is when it has a meson.build,
# so the shim goes there.
for shim in "$RECIPE_DIR"/subprojects/*/; do
	name="$(basename "$shim")"
	wrap="$SRC/subprojects/$name.wrap"
	[[ -f "$wrap" ]] ||
		die "worker/subprojects/$name.wrap not found: mediasoup $PKG_VERSION changed its dependencies; update scripts/mediasoup-worker/subprojects/"
	dir="$(sed -n 's/^[[:space:]]*directory[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' "$wrap" | head -n1)"
	[[ -n "$dir" ]] || die "no 'directory =' in $wrap"
	rm -rf "${SRC:?}/subprojects/$dir"
	cp -R "$shim" "$SRC/subprojects/$dir"
	log "shim $name -> subprojects/$dir"
done

# --- configure + build --------------------------------------------------------
JOBS="${MEDIASOUP_WORKER_JOBS:-$(nproc 2>/dev/null || echo 2)}"
log "meson setup ($(meson --version)), ninja -j$JOBS"

# Same release options mediasoup's tasks.py uses. nodownload: never fetch a
# wrap; a dependency without a shim fails here instead of reaching the network.
meson setup "$BUILD" "$SRC" \
	--wrap-mode=nodownload \
	--buildtype=release \
	-Db_ndebug=true

# Generate the FlatBuffers headers (every custom target) before compiling
# anything. WHY: in mediasoup 3.27.1 deps/libwebrtc includes the generated
# fbs/FBS/*.h headers (via Logger.hpp) but its library target does not depend
# on the generator, so with -j>1 ninja may compile it first and fail with
# "FBS/...h: No such file or directory" (seen here, intermittently).
mapfile -t generated < <(
	meson introspect --targets "$BUILD" | python3 -c '
import json, os, sys
for t in json.load(sys.stdin):
    if t["type"] == "custom":
        for f in t["filename"]:
            print(os.path.relpath(f, sys.argv[1]))
' "$BUILD"
)
if [[ ${#generated[@]} -gt 0 ]]; then
	ninja -C "$BUILD" -j "$JOBS" "${generated[@]}"
fi

ninja -C "$BUILD" -j "$JOBS" mediasoup-worker

BIN="$BUILD/mediasoup-worker"
[[ -x "$BIN" ]] || die "build finished but $BIN is missing"

# Sanity check: run without MEDIASOUP_VERSION; the worker exits with 41 on
# purpose (mediasoup's own prebuilt check does the same). Catches missing
# shared libraries.
set +e
env -i "$BIN" >/dev/null 2>&1
rc=$?
set -e
[[ "$rc" == 41 ]] || die "built binary failed its self-check (exit $rc, expected 41)"

# --- atomic install of the output ---------------------------------------------
mkdir -p "$(dirname "$OUT_BIN")"
tmp_out="$(mktemp "$(dirname "$OUT_BIN")/.mediasoup-worker.XXXXXX")"
cp "$BIN" "$tmp_out"
chmod 755 "$tmp_out"
mv -f "$tmp_out" "$OUT_BIN"
tmp_out=""
log "done: $OUT_BIN ($(du -h "$OUT_BIN" | cut -f1))"
