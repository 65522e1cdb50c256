#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs the whole test suite: unit tests and the
# end-to-end tests, which start their own OpenSSH sshd on 127.0.0.1 with the simulator behind it.
# Arguments, if any, go to `swift test` (e.g. --filter DoctorTests) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
MCP_PROXMOX_BIN_DIR="$(swift build --show-bin-path)"
export MCP_PROXMOX_BIN_DIR
if [ "$#" -gt 0 ]; then
  exec swift test --skip-build "$@"
fi
# Every part runs, whatever an earlier one did; the script fails at the end, naming what failed.
failed=()
# Everything but the reliability suites, in parallel.
swift test --skip-build --skip Reliability || failed+=("parallel suite")
# The reliability suites keep both cores busy for minutes (8 sshd hosts, 10,000 calls): they run
# afterwards, one at a time, so that neither they nor the timing-sensitive tests skew each other.
for suite in ReliabilityInjectionTests ReliabilityFaultTests ReliabilityBadInputTests ReliabilityLeakTests \
             ReliabilityParserFuzzTests; do
  swift test --skip-build --filter "$suite" || failed+=("$suite")
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all suites passed"
