#!/usr/bin/env bash
# The GPU check, on a machine with a GPU, PyTorch and CUDA but no Node and no network: unpacks what
# `npm run gpucheck` packed into gpucheck/, times DCGAN and BigGAN-32 training steps on webgpu (Dawn on Vulkan) and
# the same steps in PyTorch on the same GPU, and prints them as one JSON line (the last line of output).
# --try: on a machine without a GPU, webgpu on SwiftShader (small models) and PyTorch on the CPU, 2 steps each:
# the plumbing, not the speed (no ratios are printed).
set -euo pipefail
cd "$(dirname "$0")/../.."
pack=$PWD/gpucheck
[ -f "$pack/check.js" ] || { echo "no gpucheck/check.js: run npm run gpucheck first (and carry gpucheck/)" >&2; exit 2; }
work=$(mktemp -d)
# The unpacked Node and dawn.node take about 120 MB: removed however the script ends.
trap 'rm -rf "$work"' EXIT
python3 - "$pack" "$work" <<'PY'
import lzma, os, shutil, sys
pack, work = sys.argv[1], sys.argv[2]
with lzma.open(os.path.join(pack, "node.xz")) as f, open(os.path.join(work, "node"), "wb") as out:
    shutil.copyfileobj(f, out)
os.chmod(os.path.join(work, "node"), 0o755)
shutil.copytree(os.path.join(pack, "node_modules"), os.path.join(work, "node_modules"))
dawn = os.path.join(work, "node_modules", "webgpu", "dist", "linux-x64", "dawn.node")
with lzma.open(dawn + ".xz") as f, open(dawn, "wb") as out:
    shutil.copyfileobj(f, out)
os.remove(dawn + ".xz")
shutil.copy(os.path.join(pack, "check.js"), work)
PY

try=0
[ "${1:-}" = "--try" ] && try=1
if [ $try = 1 ]; then
  export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  export GPU_CHECK_STEPS=${GPU_CHECK_STEPS:-2} TORCH_DEVICE=cpu
  flag="--software --small"
else
  export LD_LIBRARY_PATH=$pack/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} TORCH_DEVICE=cuda
  # Containers often mount NVIDIA's Vulkan driver manifest outside the loader's search path.
  if ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
    for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/icd.d/nvidia_icd.json; do
      [ -f "$f" ] && export VK_DRIVER_FILES=$f && break
    done
  fi
  flag=
fi
steps=${GPU_CHECK_STEPS:-10}

webgpu=$( (timeout 900 "$work/node" "$work/check.js" $flag 2>"$work/webgpu.err" || true) | tail -1)
echo "webgpu: $webgpu" >&2
[ -n "$webgpu" ] || webgpu="{\"error\": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()[-600:]))' "$work/webgpu.err")}"
# The first python3 that has PyTorch (Debian's is /usr/bin/python3 where a pyenv shadows it).
py=python3
$py -c 'import torch' 2>/dev/null || py=/usr/bin/python3
# peer NAME SCRIPT ARGS...: the last line of a PyTorch peer's output; its stderr goes to $work/NAME.err.
peer() { local name=$1; shift; (cd test/bench && OPENBLAS_NUM_THREADS=1 timeout 900 $py "$@" 2>"$work/$name.err" | tail -1) || true; }
dcgan=$(peer dcgan dcgan_torch.py "$steps")
biggan=$(peer biggan biggan_torch.py 64 3 "$steps")
python3 - "$webgpu" "$dcgan" "$biggan" "$work/dcgan.err" "$work/biggan.err" <<'PY'
import json, sys
def parse(s, err=None):
    try:
        return json.loads(s)
    except Exception:
        return {"error": (open(err).read()[-600:] if err else s) or "no output"}
webgpu, dcgan, biggan = parse(sys.argv[1]), parse(sys.argv[2], sys.argv[4]), parse(sys.argv[3], sys.argv[5])
ratio = {}
for k, peer in (("dcgan", dcgan), ("biggan32", biggan)):
    ours = webgpu.get(k, {}) if isinstance(webgpu.get(k), dict) else {}
    if "ms_median" in ours and "ms_median" in peer and not webgpu.get("small"):
        ratio[k] = round(ours["ms_median"] / peer["ms_median"], 2)
print(json.dumps({"webgpu": webgpu, "pytorch": {"dcgan": dcgan, "biggan32": biggan}, "webgpu_over_pytorch": ratio}))
PY
