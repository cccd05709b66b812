#!/usr/bin/env bash
# scripts/dev-build.sh OUTDIR — an incremental build of the addon outside build/ (for working on
# kernels while node-gyp's build/ is in use): objects and OUTDIR/crossmodal_native.node. Use it with
# CROSSMODAL_NATIVE_ADDON=OUTDIR/crossmodal_native.node. Flags match binding.gyp's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:?usage: scripts/dev-build.sh OUTDIR}
mkdir -p "$out"
napi=$(node -p "require('node-addon-api').include_dir")
flags=(-O3 -std=c++17 -fPIC -fexceptions -ffp-contract=fast -fno-math-errno -Wall -Wno-unused-parameter
  -I/usr/include/node -I"$napi" -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED)
objs=()
for src in native/*.cc; do
  obj="$out/$(basename "${src%.cc}").o"
  objs+=("$obj")
  if [[ ! -f $obj || $src -nt $obj || native/common.h -nt $obj || -n $(find native -name '*.h' -newer "$obj") ]]; then
    g++ "${flags[@]}" -c "$src" -o "$obj" &
  fi
done
wait
g++ -shared -o "$out/crossmodal_native.node.tmp" "${objs[@]}" -lopenblas -lpthread
mv "$out/crossmodal_native.node.tmp" "$out/crossmodal_native.node"
echo "built $out/crossmodal_native.node"
