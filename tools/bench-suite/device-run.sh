#!/usr/bin/env bash
# Runs on a lent GPU machine (see device-pack.sh), in the repository root, writing under $OUT:
#   bench                    device.ts: adapter, conformance + ViT parity on the GPU, speed → device-report.json
#   train <config> [args…]   `crossmodal train` with the data path set to the packed Fashion-MNIST;
#                            the run's directory is copied to $OUT/<name> (events.jsonl, summary)
set -euo pipefail
P=.device-pack
OUT=${OUT:-/tmp/out}
unxz() { xz -dc "$1" 2>/dev/null || python3 -c "import lzma,sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())" "$1"; }
W=/tmp/crossmodal-device # unpacked here, so the carried folder stays as packed
mkdir -p "$W/data"
cp -r "$P"/*.mjs "$P/node_modules" "$W/"
cp "$P"/data/*.gz "$W/data/"
[ -x "$W/node" ] || { unxz "$P/node.xz" > "$W/node"; chmod +x "$W/node"; }
[ -s "$W/node_modules/webgpu/dist/linux-x64/dawn.node" ] || unxz "$P/dawn.node.xz" > "$W/node_modules/webgpu/dist/linux-x64/dawn.node"
[ -s "$W/data/train-images-idx3-ubyte" ] || unxz "$P/data/train-images-idx3-ubyte.xz" > "$W/data/train-images-idx3-ubyte"
ldconfig -p | grep -q libGLX.so.0 && ldconfig -p | grep -q libvulkan.so.1 || { for f in "$P"/gl/*.deb; do dpkg -x "$f" /; done; ldconfig; }
nv=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json # where the lent machines mount the driver's ICD
if [ -e "$nv" ] && ! ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json >/dev/null 2>&1; then
  export VK_DRIVER_FILES=$nv
fi
nvidia-smi -L 2>/dev/null || true
case "${1:-bench}" in
  bench) "$W/node" "$W/device.mjs" --out "$OUT/device-report.json" --vit-fixture plugins/model-vit/fixtures/vit-tiny.golden.safetensors ;;
  train)
    shift; config=$1; shift
    name=$(basename "$config" .yaml)
    "$W/node" "$W/crossmodal.mjs" train "$config" --backend webgpu \
      --set "data.train.path=$W/data" --set "data.eval.path=$W/data" --set "output.dir=/tmp/runs/$name" "$@" | tee "$OUT/$name.log"
    cp "/tmp/runs/$name/events.jsonl" "$OUT/$name.events.jsonl" ;;
  *) echo "device-run.sh: unknown step '$1' (expected bench or train)" >&2; exit 2 ;;
esac
