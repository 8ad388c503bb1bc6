#!/bin/sh
# "make demo": record the bundled demo workload (tests/workloads/demo-phases.c: a moving hot
# window, two hot stripes, a slow sweep, a hot and a cold global) for a few seconds, then draw its
# heat map and print its working-set sizes. Works with kernel DAMON or the userspace sampler
# (--backend auto says which it took and why).
set -e
cd "$(dirname "$0")/.."
mkdir -p demo
SECONDS_TO_RUN=${DEMO_SECONDS:-8}
echo "== daprof record -- demo-phases $SECONDS_TO_RUN   (about $SECONDS_TO_RUN s)"
./daprof record -q -a 50ms -o demo/demo.data -- build/plain/tests/workloads/demo-phases "$SECONDS_TO_RUN"
echo
echo "== daprof info"
./daprof info -i demo/demo.data
echo
echo "== daprof report heatmap -o demo/heatmap.png"
./daprof report heatmap -i demo/demo.data -o demo/heatmap.png
echo
echo "== daprof report wss"
./daprof report wss -i demo/demo.data
echo
echo "Look at demo/heatmap.png (time left to right, address bottom to top, colour = access rate);"
echo "'./daprof report heatmap -i demo/demo.data --ascii' draws it in the terminal."
