#!/usr/bin/env bash
# The planes-check hook of .pre-commit-hooks.yaml. pre-commit runs it from the root of the checked
# repository, with the hook's `args` only (pass_filenames: false): planes check reads the whole
# project as Compose does, so a list of changed files would be the wrong input.
# It runs the planes that repository installs, else the one on PATH, and installs nothing itself:
# a commit hook that fetches packages would fail offline and run code nobody reviewed.
set -euo pipefail
if [[ -x node_modules/.bin/planes ]]; then
  exec node_modules/.bin/planes check "$@"
fi
if command -v planes >/dev/null 2>&1; then
  exec planes check "$@"
fi
echo "planes-check: planes is not installed in this repository nor on PATH; run npm install --save-dev planes (or npm install --global planes)" >&2
exit 2
