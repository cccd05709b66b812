#!/usr/bin/env bash
# Packs into .device-pack/ (gitignored) what a lent GPU machine needs to run device-run.sh, since it
# has no Node, no node_modules and no network: esbuild bundles of the CLI and of device.ts, Node's
# binary and Dawn's linux-x64 binding (xz), the Vulkan loader's .deb, and Fashion-MNIST (the train
# images as xz, which keeps the whole under the tool's 64 MiB). Re-running reuses what is packed.
#   bash tools/bench-suite/device-pack.sh    then the device tool: carry [".device-pack"],
#   command "bash tools/bench-suite/device-run.sh [bench] [train <config> [--set k=v]...]"
set -euo pipefail
cd "$(dirname "$0")/../.."
P=.device-pack
mkdir -p "$P/node_modules/webgpu/dist/linux-x64" "$P/data" "$P/gl"
banner="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
bundle() { # entry, output
  node_modules/esbuild/bin/esbuild "$1" --bundle --platform=node --format=esm --target=node20 \
    --external:webgpu --tsconfig=tsconfig.base.json --banner:js="$banner" --log-level=warning --outfile="$P/$2"
}
bundle tools/bench-suite/device-cli.ts crossmodal.mjs
bundle tools/bench-suite/device.ts device.mjs
packxz() { # source, target
  [ -s "$2" ] || { xz -T2 -6 -c "$1" > "$2.tmp" && mv "$2.tmp" "$2"; }
}
packxz "$(readlink -f "$(command -v node)")" "$P/node.xz"
packxz node_modules/webgpu/dist/linux-x64/dawn.node "$P/dawn.node.xz"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$P/node_modules/webgpu/"
FM=/usr/share/datasets/fashion-mnist
[ -s "$P/data/train-images-idx3-ubyte.xz" ] || { gunzip -c "$FM/train-images-idx3-ubyte.gz" | xz -T2 -9 > "$P/data/train-images-idx3-ubyte.xz.tmp" && mv "$P/data/train-images-idx3-ubyte.xz.tmp" "$P/data/train-images-idx3-ubyte.xz"; }
cp "$FM/train-labels-idx1-ubyte.gz" "$FM/t10k-images-idx3-ubyte.gz" "$FM/t10k-labels-idx1-ubyte.gz" "$P/data/"
if ! ls "$P"/gl/libvulkan1_*.deb "$P"/gl/libglx0_*.deb >/dev/null 2>&1; then
  mkdir -p /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update -qq && (cd "$P/gl" && apt-get "${o[@]}" download libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libopengl0 libgles2 2>/dev/null)
fi
du -sh "$P"
