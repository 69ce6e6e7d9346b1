#!/usr/bin/env bash
# The system tools a command needs, found and installed in one place.
#
#   scripts/prereqs.sh TOOL...        (or source it and call: ensure TOOL...)
#   TOOL: postgresql redis chromium venv make
#
# Missing tools are named; then, if this user may install (root, or sudo without a
# password) and apt-get is there, they are installed with one apt-get call and checked
# again. Otherwise it prints the one line to run and fails. AUTO_INSTALL=false only prints.
#
# Every look-up goes through PATH and the variables below, so tests run it with a PATH
# of stub binaries: WHO (names the command in messages), PYTHON (the interpreter the venv
# is made with), CHROMIUM (the browser the browser tests launch), PG_LIB (where Debian
# puts PostgreSQL's server binaries, outside PATH).

WHO=${WHO:-make test}
PYTHON=${PYTHON:-python3}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PG_LIB=${PG_LIB:-/usr/lib/postgresql}
AUTO_INSTALL=${AUTO_INSTALL:-true}

# The directory holding initdb and pg_ctl: PATH's, else Debian's newest PostgreSQL.
pg_bin_dir() {
  local initdb dir version best="" best_major=-1
  if initdb=$(command -v initdb) && [ -x "${initdb%/*}/pg_ctl" ]; then
    echo "${initdb%/*}"
    return 0
  fi
  for dir in "$PG_LIB"/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] || continue
    version=${dir%/bin}
    version=${version##*/}
    [[ $version =~ ^[0-9]+ ]] || continue
    if ((${version%%.*} > best_major)); then
      best_major=${version%%.*}
      best=$dir
    fi
  done
  [ -n "$best" ] && echo "$best"
}

is_root() { [ "$(id -u)" = 0 ]; }

# has_TOOL: is it usable here?
has_postgresql() {
  pg_bin_dir >/dev/null || return 1
  # PostgreSQL refuses to run as root; as root its cluster belongs to the postgres user.
  ! is_root || id postgres >/dev/null 2>&1
}
has_redis() { command -v redis-server >/dev/null; }
has_chromium() { [ -x "$CHROMIUM" ]; }
has_venv() { "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; }
has_make() { command -v make >/dev/null; }

# describe_TOOL: what to call it in a message.
describe_postgresql() { echo "PostgreSQL (initdb, pg_ctl)"; }
describe_redis() { echo "Redis (redis-server)"; }
describe_chromium() { echo "Chromium ($CHROMIUM, for the browser tests)"; }
describe_venv() { echo "Python's venv module ($PYTHON -m venv)"; }
describe_make() { echo "make"; }

# package_TOOL: the Debian package(s) that provide it.
package_postgresql() { echo postgresql; }
package_redis() { echo redis-server; }
package_chromium() { echo chromium; }
package_venv() {
  # Debian splits venv (and ensurepip) out of the interpreter, one package per version.
  "$PYTHON" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])' 2>/dev/null \
    || echo "python3 python3-venv"
}
package_make() { echo make; }

# Whether this user can run a command as root without being asked anything.
can_install() {
  is_root || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }
}

as_root() {
  if is_root; then
    DEBIAN_FRONTEND=noninteractive "$@"
  else
    sudo -n DEBIAN_FRONTEND=noninteractive "$@"
  fi
}

# The one line a person runs to install the packages.
manual_line() {
  local packages=$*
  if is_root; then
    echo "apt-get update && apt-get install -y $packages"
  elif command -v sudo >/dev/null; then
    echo "sudo apt-get update && sudo apt-get install -y $packages"
  else
    echo "su -c 'apt-get update && apt-get install -y $packages'"
  fi
}

joined() {
  local out=$1
  shift
  for item in "$@"; do out+=", $item"; done
  echo "$out"
}

ensure() {
  local tool missing=() names=() packages=()
  for tool in "$@"; do
    declare -F "has_$tool" >/dev/null || { echo "prereqs: unknown tool '$tool'" >&2; return 2; }
    "has_$tool" && continue
    missing+=("$tool")
    names+=("$("describe_$tool")")
    # shellcheck disable=SC2207 # package_venv may name two packages
    packages+=($("package_$tool"))
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "$WHO needs $(joined "${names[@]}"), not installed here." >&2
  if ! command -v apt-get >/dev/null; then
    echo "Install them with your system's package manager (on Debian: ${packages[*]}), then run $WHO again." >&2
    return 1
  fi
  if [ "$AUTO_INSTALL" = false ] || ! can_install; then
    echo "Run this, then $WHO again:" >&2
    echo "  $(manual_line "${packages[@]}")" >&2
    return 1
  fi

  echo "Installing them: $(is_root || echo "sudo ")apt-get install -y ${packages[*]}" >&2
  if ! { as_root apt-get update -qq && as_root apt-get install -y -qq "${packages[@]}"; } >&2; then
    echo "apt-get failed; run this, then $WHO again:" >&2
    echo "  $(manual_line "${packages[@]}")" >&2
    return 1
  fi
  for tool in "${missing[@]}"; do
    "has_$tool" || { echo "$("describe_$tool") is still missing after installing ${packages[*]}." >&2; return 1; }
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ensure "$@"
fi
