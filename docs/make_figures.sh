#!/usr/bin/env bash
# Rebuild docs/founding-article-map.png, the map README.md shows: the founding article of the
# Alliance of Sahel States ingested into a throw-away store, then drawn by `conflictmap render`.
#
#   bash docs/make_figures.sh [ARTICLE]      (default: ../shared/seeds/aes-liptako-gourma-charter.txt)
#
# The temporary CONFLICTMAP_HOME means the gazetteer index is built afresh (about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
conflictmap=${CONFLICTMAP:-.venv/bin/conflictmap}
python=${PYTHON:-.venv/bin/python}
article=${1:-../shared/seeds/aes-liptako-gourma-charter.txt}
out=docs/founding-article-map.png

CONFLICTMAP_HOME=$(mktemp -d)
export CONFLICTMAP_HOME
trap 'rm -rf "$CONFLICTMAP_HOME"' EXIT

"$conflictmap" ingest "$article" --date 2023-09-16
"$conflictmap" render --labels --on 2023-09-16 --bbox -18,4,24,24.5 \
    --title "The Alliance of Sahel States, founded 16 September 2023" \
    --subtitle "Places and incidents read from the article on the Liptako-Gourma Charter · alliances as on 16 September 2023" \
    -o "$out"
# a palette of 256 colours keeps the flat map colours and the file small (< 600 kB)
"$python" -c "import sys; from PIL import Image; Image.open(sys.argv[1]).convert('RGB').quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(sys.argv[1], optimize=True)" "$out"
ls -l "$out"
