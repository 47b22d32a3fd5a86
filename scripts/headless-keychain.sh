# Sourced by scripts/ct.sh: the headless server with a real Secret Service on Linux machines that
# have none reachable (a server, a container, an SSH session). It starts a private D-Bus session
# with gnome-keyring, unlocks a persistent keyring with a password typed at start or read from a
# file the user names, and runs the server inside it. Secrets are never stored in plain text: where
# no keychain can be had, a banner says exactly what to do and the app refuses to store passwords.
#
#   bash scripts/ct.sh app [--keyring-password-file FILE] [serve options…]
#   CT_KEYRING_PASSWORD_FILE=FILE bash scripts/ct.sh app
#
# The keyring is gnome-keyring's "login" keyring in ${XDG_DATA_HOME:-~/.local/share}/keyrings,
# encrypted with that password: the same file a desktop session of this user would open.

# Without a session bus there is no Secret Service to ask (and asking would wait for a time-out).
session_bus_present() {
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -S "${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/bus" ]
}

keyring_file() { echo "${XDG_DATA_HOME:-$HOME/.local/share}/keyrings/login.keyring"; }

keychain_banner() {
  # $1: what is wrong; $2: what to do. Also handed to the server, which shows it on every screen.
  local line="================================================================================"
  printf '\n%s\nKeychain unavailable: %s\n%s\n%s\n\n' "$line" "$1" "$2" "$line" >&2
  export CT_KEYCHAIN_ADVICE="$1 $2"
}

ensure_keyring_packages() {
  command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing gnome-keyring and dbus for the keychain with apt-get …" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnome-keyring dbus dbus-user-session >/dev/null
  fi
  command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1
}

# Sets KEYRING_PASSWORD from --keyring-password-file/CT_KEYRING_PASSWORD_FILE or a prompt; returns 1
# with a banner when there is no way to get one. SERVE_ARGS gets the arguments meant for the server.
read_keyring_password() {
  local file="${CT_KEYRING_PASSWORD_FILE:-}"
  SERVE_ARGS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --keyring-password-file) file="${2:-}"; shift 2 || shift ;;
      --keyring-password-file=*) file="${1#*=}"; shift ;;
      *) SERVE_ARGS+=("$1"); shift ;;
    esac
  done
  KEYRING_PASSWORD=""
  if [ -n "$file" ]; then
    if [ ! -r "$file" ]; then
      keychain_banner "the keyring password file $file cannot be read." \
        "Create it (one line, readable only by you: chmod 600 $file) or name another with --keyring-password-file."
      return 1
    fi
    IFS= read -r KEYRING_PASSWORD <"$file" || true
  elif [ -t 0 ]; then
    local again=""
    if [ -f "$(keyring_file)" ]; then
      read -rsp "Keyring password (unlocks $(keyring_file)): " KEYRING_PASSWORD; echo >&2
    else
      echo "No keyring yet: choose a password for the new keyring at $(keyring_file)." >&2
      read -rsp "New keyring password: " KEYRING_PASSWORD; echo >&2
      read -rsp "Repeat it: " again; echo >&2
      if [ "$again" != "$KEYRING_PASSWORD" ]; then
        keychain_banner "the two passwords differ." "Run the command again and type the same password twice."
        return 1
      fi
    fi
  else
    keychain_banner "no Secret Service is running and there is no terminal to ask for the keyring password." \
      "Run 'bash scripts/ct.sh app' in a terminal, or pass --keyring-password-file FILE (or set CT_KEYRING_PASSWORD_FILE) naming a file that holds the keyring password."
    return 1
  fi
  if [ -z "$KEYRING_PASSWORD" ]; then
    # gnome-keyring stores a keyring with an empty password unencrypted: never.
    keychain_banner "the keyring password is empty, and an empty password would store secrets in plain text." \
      "Use a non-empty password (typed at start, or in the file named by --keyring-password-file)."
    return 1
  fi
}

run_headless() {
  local serve=(npm run serve --)
  # A build that is newer than every source needs no rebuild before the server starts.
  if [ -f dist/main/serve.js ] && [ -f dist/renderer/index.html ] &&
    [ -z "$(find main shared renderer package-lock.json -newer dist/main/serve.js -print -quit 2>/dev/null)" ]; then
    serve=(node dist/main/serve.js)
  fi
  if [ "$(uname -s)" != Linux ] || { session_bus_present && node scripts/keychain-probe.mjs; }; then
    exec "${serve[@]}" "$@"
  fi
  if ! ensure_keyring_packages; then
    keychain_banner "no Secret Service is running and gnome-keyring or dbus is not installed." \
      "Install them (sudo apt-get install gnome-keyring dbus-user-session), then run 'bash scripts/ct.sh app' again."
    local passthrough=()
    while [ $# -gt 0 ]; do
      case "$1" in --keyring-password-file) shift 2 || shift ;; --keyring-password-file=*) shift ;; *) passthrough+=("$1"); shift ;; esac
    done
    exec "${serve[@]}" "${passthrough[@]}"
  fi
  if ! read_keyring_password "$@"; then
    exec "${serve[@]}" "${SERVE_ARGS[@]}"
  fi
  mkdir -p "$(dirname "$(keyring_file)")" && chmod 700 "$(dirname "$(keyring_file)")"
  # The password reaches gnome-keyring on a file descriptor, never in an argument or the environment.
  local inner='
    gnome-keyring-daemon --unlock --components=secrets <&3 >/dev/null || exit 70
    exec 3<&-
    if ! node scripts/keychain-probe.mjs; then
      echo "The password does not unlock $0. Run again with the right password, or move that file away to start a new keyring (the passwords saved in it are then lost)." >&2
      exit 71
    fi
    echo "Keychain: gnome-keyring, keyring $0 (encrypted with your password)." >&2
    shift
    exec "$@"'
  unset -v CT_KEYCHAIN_ADVICE
  exec env -u DBUS_SESSION_BUS_ADDRESS dbus-run-session -- bash -c "$inner" "$(keyring_file)" _ "${serve[@]}" "${SERVE_ARGS[@]}" \
    3< <(printf '%s' "$KEYRING_PASSWORD")
}
