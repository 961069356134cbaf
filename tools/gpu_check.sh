#!/usr/bin/env bash
# The checks only a GPU can run, in one command: `make gpu-check DATA=DIR` (or `bash tools/gpu_check.sh DIR [OUT]`).
#   1. the device line, the GPU's compute capability and the numerics chosen for it
#   2. every notebook's tests, slow cells included, on the GPU (fastai's default device there)
#   3. a short `cifar-gradcam` run killed (SIGKILL) after its first checkpoint, then `--resume`d: optimizer state on the GPU
#   4. T4-style numerics on any GPU: float16 autocast with fastai's gradient scaler, its scale checkpointed and given back
#   5. Grad-CAM on the GPU against the CPU (TF32 off: the maps agree to float32 rounding)
#   6. the throughput benchmark (plain PyTorch, the DataBlock path, the fast path)
#   7. with two GPUs or more, a data-parallel run under torchrun (NCCL), each rank on its own GPU
# Each step's log goes to OUT/<step>.log, and OUT/summary.txt gets one line a step. Exit status: the number of failed steps.
# GPU_CHECK_ALLOW_CPU=1 runs steps 1 and 3-5 on a machine without a GPU, to check this script itself; GPU_CHECK_ONLY='a b' runs only
# the steps named (device, notebooks, kill-resume, fp16-scaler-resume, gradcam-cpu-gpu, bench, ddp-2-gpus).
set -u -o pipefail
cd "$(dirname "$0")/.."
data=${1:-${CIFAR_MINI:-../shared/data/cifar10_mini}}
out=${2:-${OUT:-runs/gpu-check}}
# The torch to check: the machine's own where it sees the GPU (the pinned CUDA 13 build sees none on a driver older than R580), in a
# venv of its own (.venv-gpu) that inherits it and gets the rest of the pins; else the project's pinned .venv (`make install`).
sys_py=$(command -v python3 || command -v python)
if [ "${GPU_CHECK_ALLOW_CPU:-}" != 1 ] && "$sys_py" -c "import sys, torch, torchvision; sys.exit(not torch.cuda.is_available())" 2>/dev/null; then
  if [ ! -x .venv-gpu/bin/cifar-gradcam ]; then
    echo "using this machine's torch ($("$sys_py" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda)')), which sees the GPU: installing the rest into .venv-gpu"
    "$sys_py" -m venv --system-site-packages .venv-gpu || exit 2
    grep -vE '^(torch|torchvision|triton|nvidia-|cuda-)' constraints.txt > .venv-gpu/constraints.txt
    .venv-gpu/bin/python -m pip install -q -c .venv-gpu/constraints.txt -e ".[dev]" || { echo "error: could not install cifar-gradcam beside this machine's torch" >&2; exit 2; }
  fi
  export PATH="$PWD/.venv-gpu/bin:$PATH"
else
  make -s install || exit 2
  export PATH="$PWD/.venv/bin:$PATH"
fi
py=$(command -v python)
make -s browser >/dev/null 2>&1 || echo "note: could not install Chromium (make browser needs root): the notebooks' browser cells will fail"
mkdir -p "$out"; out=$(cd "$out" && pwd); : >"$out/summary.txt"
[ -d "$data/train" ] || { echo "error: no CIFAR-10 folder at $data; pass one in fastai's layout: make gpu-check DATA=DIR" >&2; exit 2; }
data=$(cd "$data" && pwd); export CIFAR_MINI=$data PYTHONUNBUFFERED=1
ngpu=$($py -c "import torch; print(torch.cuda.device_count())") || { echo "error: python cannot import torch" >&2; exit 2; }
on_cpu=0
if [ "$ngpu" = 0 ]; then
  [ "${GPU_CHECK_ALLOW_CPU:-}" = 1 ] || { echo "error: torch sees no CUDA GPU ($(nvidia-smi -L 2>/dev/null | head -1 || echo 'no nvidia-smi')); run this on a GPU machine" >&2; exit 2; }
  on_cpu=1
fi
failed=0
step() {   # step NAME COMMAND...: run it, log it, say ok or FAIL
  local name=$1; shift
  [ -z "${GPU_CHECK_ONLY:-}" ] || [[ " $GPU_CHECK_ONLY " == *" $name "* ]] || return 0
  local start=$SECONDS
  if "$@" >"$out/$name.log" 2>&1; then echo "ok   $name ($((SECONDS-start)) s)" | tee -a "$out/summary.txt"
  else failed=$((failed+1)); echo "FAIL $name ($((SECONDS-start)) s): see $out/$name.log" | tee -a "$out/summary.txt"; tail -n 15 "$out/$name.log"; fi
}

device() {
  nvidia-smi -L 2>/dev/null || true
  $py - <<'PY'
import torch
from cifar_gradcam.core import *
from cifar_gradcam.train import rank_device
dev = rank_device()
print('torch', torch.__version__, 'CUDA', torch.version.cuda, '| capability', torch.cuda.get_device_capability(dev) if dev.type == 'cuda' else None)
announce_device(dev, numerics_name(*device_numerics(dev)))
PY
}
step device device

[ $on_cpu = 1 ] || step notebooks "$(command -v nbdev-test)" --flags slow --n-workers 0 --do-print --timing

kill_resume() {
  local run=$out/run args=(--path "$data" --epochs 3 --bs 128 --lr 0.002 --datablock --workers 2 --cam-images 64)
  [ $on_cpu = 0 ] || args+=(--limit 256)   # the script's own check on a CPU: small
  rm -rf "$run"
  cifar-gradcam "${args[@]}" --out "$run" & local pid=$!
  while [ ! -e "$run/checkpoint.pth" ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done
  kill -9 $pid 2>/dev/null; wait $pid; echo "killed: exit $?"
  [ ! -e "$run/metrics.json" ] || { echo "the run ended before the kill; nothing was tested"; return 1; }
  cifar-gradcam --out "$run" --resume || return 1
  $py - "$run" <<'PY'
import json, sys
m = json.load(open(f"{sys.argv[1]}/metrics.json"))
print({k: m[k] for k in ('device', 'numerics', 'resumed_after_epoch', 'test_acc')}, [h['epoch'] for h in m['history']])
assert [h['epoch'] for h in m['history']] == [1, 2, 3] and m['resumed_after_epoch'] >= 1, m['history']
PY
}
step kill-resume kill_resume

fp16() {
  LIMIT=$([ $on_cpu = 1 ] && echo 256 || echo 1024) $py - <<'PY'
import os, tempfile, torch
from cifar_gradcam.core import *
from cifar_gradcam.fast import fast_cifar_dls
from cifar_gradcam.precision import DeviceMixedPrecision, numerics
from cifar_gradcam.train import *
from fastai.vision.all import *
dev = rank_device(); tmp = Path(tempfile.mkdtemp())
def learner():
    set_seed(0)
    learn = cifar_learner(fast_cifar_dls(mini_path(), bs=128, limit=int(os.environ['LIMIT']), device=dev), path=tmp, mixed_precision=False)
    if dev.type == 'cuda': learn.add_cbs([ChannelsLast(), DeviceMixedPrecision(AMPMode.FP16)])   # what a T4 gets
    else: learn.add_cb(type('FakeScaler', (Callback,), dict(order=10, before_fit=lambda self: setattr(self.learn, 'scaler', torch.amp.GradScaler('cpu', init_scale=1024.)))))
    return learn
class StopAfterFirst(Callback):
    order = Checkpoint.order + 1
    def after_epoch(self): raise CancelFitException
first = learner()
train(first, 3, 2e-3, show_progress=False, cbs=[Checkpoint(tmp/'ck.pth'), StopOnNaN(), StopAfterFirst()])
state = load_checkpoint(tmp/'ck.pth')
print('numerics', numerics(first), '| scaler saved:', state['scaler'])
assert state['scaler'].get('scale'), 'the fp16 scale is checkpointed'
again = learner()
fit_with_checkpoints(again, 3, 2e-3, tmp/'ck.pth', state=state, show_progress=False)
moments = {v.device for s in again.opt.state.values() for v in s.values() if isinstance(v, Tensor)}
print('history', [round(h['test_acc'], 4) for h in history(again.recorder)], '| optimizer state on', moments)
assert moments == {one_param(again.model).device} and all(map(math.isfinite, [h['train_loss'] for h in history(again.recorder)]))
PY
}
step fp16-scaler-resume fp16

cams() {
  $py - <<'PY'
import torch
from cifar_gradcam.core import *
from cifar_gradcam.model import resnet18_cifar
from cifar_gradcam.gradcam import grad_cam
from cifar_gradcam.train import rank_device
torch.manual_seed(0)
model, x = resnet18_cifar().eval(), torch.randn(64, 3, 32, 32)
cpu = grad_cam(model, x, 'layer4', scale=False)
dev = rank_device()
gpu = grad_cam(model.to(dev), x.to(dev), 'layer4', scale=False).cpu()
err = ((gpu - cpu).abs().max() / cpu.abs().max()).item()
print(f"Grad-CAM on {dev} against the CPU: largest difference {err:.1e} of the largest map value (TF32 would give about 1e-3)")
assert err < 1e-4, err
PY
}
step gradcam-cpu-gpu cams

[ $on_cpu = 1 ] || step bench $py bench/bench.py --path "$data" --bs 512 --only plain_fp32,plain,datablock,fast --out "$out/bench.json"   # not into bench/: the repository's results stay as measured

ddp() {
  torchrun --standalone --nproc_per_node 2 "$(command -v cifar-gradcam)" --path "$data" --epochs 2 --bs 256 --lr 0.004 --cam-images 64 --out "$out/ddp" --force || return 1
  $py -c "import json; m = json.load(open('$out/ddp/metrics.json')); print(m['world_size'], m['device'], m['test_acc']); assert m['world_size'] == 2"
}
[ "$ngpu" -lt 2 ] || step ddp-2-gpus ddp

echo "$failed failed; logs in $out" | tee -a "$out/summary.txt"
exit $failed
