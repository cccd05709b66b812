#!/usr/bin/env bash
# tools/bootstrap.sh — makes a fresh Debian bookworm machine (as root) or a CI runner ready for `npm test` and `npm run demo`; idempotent, non-interactive.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DEBIAN_FRONTEND=noninteractive
export npm_config_update_notifier=false

# One line per step, so a CI log shows what was done and what was skipped.
step() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

# --- apt ----------------------------------------------------------------------------------------
APT_UPDATED=0

# apt_install_if_missing pkg... — installs the packages that are not installed yet; runs
# `apt-get update` at most once per bootstrap, and only when something is missing.
apt_install_if_missing() {
  local pkg missing=()
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    step "apt: already installed: $*"
    return 0
  fi
  ((EUID == 0)) || die "apt packages missing (${missing[*]}) and not running as root; rerun as root"
  if ((APT_UPDATED == 0)); then
    step "apt-get update"
    apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  step "apt-get install ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ==== apt packages: later issues add their `apt_install_if_missing …` lines here ==================
# NOTE: python3-torch is only for regenerating golden fixtures by hand (`npm run golden`); CI never
# needs it, so it is deliberately not installed here.

# WebGPU on the CPU (plugins/backend-webgpu's *.gpu.spec.ts): Mesa's lavapipe Vulkan driver. Plain
# bookworm's Mesa 22 gives Dawn no adapter; Mesa 25 from bookworm-backports does.
BACKPORTS=/etc/apt/sources.list.d/bookworm-backports.sources
if [[ -r /etc/os-release ]] && grep -q 'VERSION_CODENAME=bookworm' /etc/os-release; then
  if [[ ! -f $BACKPORTS ]] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    ((EUID == 0)) || die "bookworm-backports is not in apt's sources and not running as root; rerun as root"
    step "apt: adding bookworm-backports (for Mesa 25's lavapipe)"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$BACKPORTS"
    APT_UPDATED=0
  fi
  if ! dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q 'bpo12'; then
    ((EUID == 0)) || die "mesa-vulkan-drivers from bookworm-backports is missing and not running as root; rerun as root"
    step "apt-get update"
    apt-get update -qq >/dev/null
    APT_UPDATED=1
    step "apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1"
    apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
  else
    step "apt: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) (lavapipe) already installed"
  fi
else
  step "apt: not Debian bookworm; install a Vulkan driver (Mesa >= 25 lavapipe or a GPU's) for the WebGPU tests yourself"
fi

# The native CPU backend (plugins/backend-native): a Node-API addon built by node-gyp against the
# installed Node's headers and linked with Debian's OpenBLAS.
apt_install_if_missing g++ make python3 libopenblas-dev
# Real data for the ViT (plugins/dataset-fashion-mnist): gzipped IDX files in /usr/share/datasets/fashion-mnist.
apt_install_if_missing dataset-fashion-mnist
# ==== end of apt packages =========================================================================

# --- node ---------------------------------------------------------------------------------------
# Vite 7 and Vitest 4 need Node >= 20.19 (package.json "engines"); bookworm's own nodejs is 18.
command -v node >/dev/null 2>&1 || die "node not found; install Node >= 20.19 first"
command -v npm >/dev/null 2>&1 || die "npm not found; install Node >= 20.19 (with npm) first"
node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1);
' || die "node $(node --version) is too old; crossmodal needs Node >= 20.19"
step "node $(node --version), npm $(npm --version 2>/dev/null)"

# --- npm dependencies ---------------------------------------------------------------------------
# npm_ci_or_fallback — `npm ci`, except for one known refusal: a registry mirror without other
# platforms' optional binaries (@swc/core-darwin-arm64, @nx/nx-win32-x64-msvc…) yields a lockfile
# without them, and npm ci then reports each as "Missing: <name>@ from lock file" (no version: it
# could not be resolved at all). Only then, install from the same lockfile with `npm install
# --no-save`, which leaves package-lock.json untouched. Any other refusal (a real version mismatch,
# a new workspace not in the lockfile) fails: run `npm install` and commit the lockfile.
npm_ci_or_fallback() {
  local log status=0
  log=$(mktemp)
  npm ci --no-audit --no-fund >"$log" 2>&1 || status=$?
  if ((status == 0)); then
    cat "$log"
    rm -f "$log"
    return 0
  fi
  local problems unresolvable
  problems=$(grep -cE '^npm error (Missing|Invalid): ' "$log" || true)
  unresolvable=$(grep -cE '^npm error Missing: [^ ]+@ from lock file$' "$log" || true)
  if grep -q 'can only install packages when your package.json and package-lock.json' "$log" &&
    ((problems > 0 && problems == unresolvable)); then
    step "npm ci refused the lockfile: $unresolvable optional platform package(s) this registry lacks; npm install --no-save from the same lockfile"
    rm -f "$log"
    npm install --no-save --no-audit --no-fund
    return 0
  fi
  cat "$log" >&2
  rm -f "$log"
  die "npm ci failed (exit $status); if package-lock.json is out of sync, run \`npm install\` and commit it"
}

# npm writes node_modules/.package-lock.json on every install, so a lockfile newer than it means
# the tree on disk is stale (a pull changed dependencies).
reason=""
if [[ ! -d node_modules ]]; then
  reason="node_modules is missing"
elif [[ ! -f node_modules/.package-lock.json ]]; then
  reason="node_modules/.package-lock.json is missing"
elif [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  reason="package-lock.json is newer than node_modules"
fi
if [[ -n "$reason" ]]; then
  step "npm ci ($reason)"
  npm_ci_or_fallback
else
  step "npm ci: skipped, node_modules matches package-lock.json"
fi

# --- native addon -------------------------------------------------------------------------------
# npm ci builds it through the package's install script; build it here too when it is missing or
# older than its sources (a pull changed them, or npm ci was skipped). On Debian the toolchain was
# installed above, so a failure is a real error; elsewhere the runtime reports it and moves on.
NATIVE=plugins/backend-native
if [[ ! -f $NATIVE/build/Release/crossmodal_native.node ]] ||
  [[ -n $(find "$NATIVE/native" "$NATIVE/binding.gyp" -newer "$NATIVE/build/Release/crossmodal_native.node" 2>/dev/null) ]]; then
  step "native addon: building ($NATIVE/build/Release/crossmodal_native.node)"
  if grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
    (cd "$NATIVE" && node scripts/build-addon.mjs --strict) || die "the native addon failed to build (log above)"
  else
    (cd "$NATIVE" && node scripts/build-addon.mjs)
  fi
else
  step "native addon: up to date"
fi

step "done"
