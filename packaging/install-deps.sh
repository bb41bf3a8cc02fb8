#!/usr/bin/env bash
# Installs the Debian 12 packages SLMQuant Workbench needs to build, test and run.
# Idempotent: packages already present are skipped; apt is only called for missing ones.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  # core
  libeigen3-dev libsqlite3-dev sqlite3 nlohmann-json3-dev libpcre2-dev libcli11-dev
  libspdlog-dev libfmt-dev libopenblas-dev libicu-dev libyaml-cpp-dev
  # ui
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev
  libqcustomplot-dev libgl-dev qt6-qpa-plugins
  # tests
  libgtest-dev libgmock-dev libbenchmark-dev xvfb xauth clang-format
  # packaging
  dpkg-dev file appstream desktop-file-utils lintian ccache
  # fuzzing (optional build, SLMQ_FUZZ=ON)
  clang libclang-rt-14-dev libomp-14-dev python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
