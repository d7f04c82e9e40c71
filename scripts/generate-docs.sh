#!/bin/sh
# Regenerate the generated sections of the documentation from the code (tests fail on a
# difference): the schema diagram and the configuration reference.
set -eu
cd "$(dirname "$0")/.."
uv run jinlotto db diagram --write docs/DATABASE.md
uv run jinlotto config reference --write docs/CONFIGURATION.md --write README.md
