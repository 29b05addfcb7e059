#!/usr/bin/env bash
# Check a desktop build (make bundle-smoke): the bundled `annotator` starts offscreen with no
# project, so it makes the default project from the bundled sample articles; the window closes
# itself once it is ready (ANNOTATOR_START_CHECK=1, annotator.gui.start_check), and the process
# must end with status 0 and no traceback. Then the command line of the same build reads that
# project and suggests with the bundled English model. User folders go to a temporary folder.
# Usage: resources/bundle/smoke_check.sh [PATH/TO/annotator]
set -euo pipefail
app=${1:-dist/annotator/annotator}
home=$(mktemp -d /tmp/annotator-bundle-smoke.XXXXXX)
trap 'rm -rf "$home"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
       XDG_STATE_HOME="$home/state" ANNOTATOR_CONFIG_DIR="$home/annotator-config"

check() {  # check WHAT COMMAND...: run it, show its output, fail on a non-zero status or a traceback
  local what=$1; shift
  echo "== $what: $*"
  local status=0
  "$@" >"$home/out" 2>&1 || status=$?
  cat "$home/out"
  if [ "$status" != 0 ]; then echo "FAILED: $what ended with status $status"; exit 1; fi
  if grep -q Traceback "$home/out"; then echo "FAILED: $what printed a traceback"; exit 1; fi
}

check "version" "$app" --version
check "window" env ANNOTATOR_START_CHECK=1 timeout 300 "$app" --annotator smoke
grep -Eq "shows [1-9][0-9]* documents; spaCy tokenizer loaded" "$home/out" \
  || { echo "FAILED: the window did not show the sample project"; exit 1; }
project="$home/data/annotator/default.annotator.db"
check "documents" "$app" docs "$project"
check "suggestions with the bundled model" "$app" suggest "$project"
echo "bundle smoke check passed: $app"
