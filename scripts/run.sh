#!/usr/bin/env bash
# Entry point behind `npm start`, `npm test` and `npm run bench`: prepares the toolchain
# (see scripts/lib/toolchain.sh), then runs the command under Node >= 22.
set -euo pipefail
. "$(dirname "$0")/lib/toolchain.sh"
cmd="${1:-start}"; shift || true

ensure_node
case "$cmd" in
  start)
    ensure_apt build-essential pkg-config meson ninja-build libuv1-dev libssl-dev libsrtp2-dev \
      libflatbuffers-dev flatbuffers-compiler libabsl-dev
    ensure_deps; ensure_worker
    (cd "$ROOT" && npm run --silent build -w client >&2)
    # --max-semi-space-size=4 (MiB; V8's default is 16): the young generation is collected in
    # stop-the-world scavenges whose pause grows with what survives. With a thousand sockets the
    # default 48 MiB young generation paused the event loop 30-75 ms a few times a minute (every
    # socket's acknowledgements wait on it); 12 MiB pauses 1-5 ms, more often, for about 1 % more
    # CPU. Measured with the socket.io ack benchmark (bench/README.md).
    cd "$ROOT" && exec node --max-semi-space-size=4 --import tsx server/src/main.ts "$@" ;;
  test|bench)
    ensure_apt build-essential pkg-config meson ninja-build libuv1-dev libssl-dev libsrtp2-dev \
      libflatbuffers-dev flatbuffers-compiler libabsl-dev chromium fonts-dejavu-core openssl \
      coturn nftables iproute2 postgresql redis-server
    ensure_deps; ensure_worker
    cd "$ROOT" && exec node "scripts/$cmd.mjs" "$@" ;;
  verify)
    # `npm run verify -- agreement.html [--server URL | --key KEY]`: checks an exported agreement.
    ensure_deps
    exec node --import tsx "$ROOT/server/src/signoff/verify-cli.ts" "$@" ;;
  env)
    # For developers: `bash scripts/run.sh env` prints exports to use the same toolchain by hand.
    ensure_deps; ensure_worker
    echo "export PATH=\"$(dirname "$PARLEY_NODE_BIN"):\$PATH\" MEDIASOUP_WORKER_BIN=\"$MEDIASOUP_WORKER_BIN\"" ;;
  *) echo "usage: scripts/run.sh start|test|bench|verify|env" >&2; exit 2 ;;
esac
