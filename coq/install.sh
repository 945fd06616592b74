#!/usr/bin/env bash
# Installs Coq 8.16 and its standard library from Debian (bookworm).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends coq libcoq-stdlib make
coqc --version
