#!/usr/bin/env bash
# Installs what the pipeline tests need: gitlab-ci-local 4.70.1 from npm (newer versions need
# Node 22) and Debian's rsync, which it uses. Idempotent.
set -euo pipefail
missing=()
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ "$(gitlab-ci-local --version 2>/dev/null || true)" != "4.70.1" ]]; then
  npm install -g --no-audit --no-fund gitlab-ci-local@4.70.1 >/dev/null
fi
echo "gitlab-ci-local $(gitlab-ci-local --version), $(rsync --version | head -1)"
