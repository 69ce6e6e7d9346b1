# Sourced by scripts/run. load_dotenv FILE exports the variables of FILE that the
# environment does not set already, read exactly as settings.py reads it (django-environ's
# read_env, which never overrides), so `ZAPIER_TOKEN=... make run` beats .env in every
# process. Needs the virtualenv's python on PATH.
load_dotenv() {
  local exports
  exports=$(python - "$1" <<'PY'
import os
import shlex
import sys

import environ

already_set = set(os.environ)
environ.Env.read_env(sys.argv[1])
for name in sorted(set(os.environ) - already_set):
    print(f"export {name}={shlex.quote(os.environ[name])}")
PY
  ) || return 1
  eval "$exports"
}
