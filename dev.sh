#!/usr/bin/env bash
# One small script behind the README's two commands.
#   ./dev.sh run    install what is missing, build, open the workbench on its default workspace
#   ./dev.sh test   install what is missing, build (optimised), run the whole test suite
# Extra arguments after `run` go to slmq-workbench (e.g. --demo).
set -euo pipefail
cd "$(dirname "$0")"
BUILD=${SLMQ_BUILD_DIR:-build/release}
JOBS=${SLMQ_JOBS:-$(nproc)}

build() {
  bash packaging/install-deps.sh
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$BUILD" -j "$JOBS"
}

cmd=${1:-}
shift || true
case "$cmd" in
  run)
    build
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "dev.sh: no display found; starting the workbench under xvfb-run" >&2
      exec xvfb-run -a "$BUILD/app/slmq-workbench" "$@"
    fi
    exec "$BUILD/app/slmq-workbench" "$@"
    ;;
  test)
    build
    cd "$BUILD"
    # Tests run two at a time on small machines: OpenMP workers must sleep, not spin, while they
    # wait, or two spinning teams starve each other.
    export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
    exec ctest --output-on-failure -j "$JOBS" --timeout 1200 "$@"
    ;;
  *)
    echo "usage: ./dev.sh run|test" >&2
    exit 2
    ;;
esac
