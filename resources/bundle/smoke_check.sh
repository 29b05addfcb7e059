#!/usr/bin/env bash
# Check a desktop build (make bundle-smoke, .ci/run): the bundled `annotator` starts offscreen
# with no project, so it makes the default project from the bundled sample articles; the window
# closes itself once it is ready (ANNOTATOR_START_CHECK=1, annotator.gui.start_check), and the
# process must end with status 0 and no traceback. Then the command line of the same build
# imports a saved web page (resources/bundle/smoke/page.html: trafilatura's reader), lists the
# documents with their identified languages (the sample holds English and Russian articles) and
# suggests, which must run both the bundled English model and the Russian pipeline (natasha,
# pymorphy3). What PyInstaller misses shows here: a module found by name, a data file read at
# run time. User folders (and HOME, which macOS's user folders are under) go to a temporary
# folder, where the default project is then looked for.
# Usage: resources/bundle/smoke_check.sh [PATH/TO/annotator]
set -euo pipefail
app=${1:-dist/annotator/annotator}
fixtures="$(cd "$(dirname "$0")" && pwd)/smoke"
home=$(mktemp -d /tmp/annotator-bundle-smoke.XXXXXX)
trap 'rm -rf "$home"' EXIT
export QT_QPA_PLATFORM=offscreen HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
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
expect() {  # expect PATTERN WHY: the last command's output must match PATTERN (grep -E)
  grep -Eq "$1" "$home/out" || { echo "FAILED: $2"; exit 1; }
}

check "version" "$app" --version
check "window" env ANNOTATOR_START_CHECK=1 timeout 300 "$app" --annotator smoke
expect "shows [1-9][0-9]* documents; spaCy tokenizer loaded" "the window did not show the sample project"
project=$(find "$home" -name default.annotator.db -print -quit)
[ -n "$project" ] || { echo "FAILED: the window made no default project under $home"; exit 1; }
check "import" "$app" import "$project" "$fixtures/page.html"
expect "Imported 1 document" "the web page was not imported"
check "documents" "$app" docs "$project"
expect "Border talks resume in Vilnius +en " "the web page's title or language was not read"
expect " ru +[0-9]+ " "no sample article was identified as Russian"
check "suggestions with the bundled model and the Russian pipeline" "$app" suggest "$project"
expect "Pipelines: en_core_web_sm[a-z_]* on [1-9][0-9]* documents?, natasha-ru on [1-9][0-9]* Russian documents?" \
  "the suggestions did not run both the English model and the Russian pipeline"
echo "bundle smoke check passed: $app"
