"""Training throughput of three data paths on the same machine, images and model (a benchmark, not a test).

    python bench/bench.py --path ../shared/data/cifar10_mini --epochs 2 --bs 128 --repeats 2 --out bench/results-cpu.json
    python bench/bench.py --path DIR --epochs 2 --bs 512 --only plain_fp32,plain,datablock,fast --compile --out bench/results-gpu.json   # on a GPU

1. plain: a plain-PyTorch loop in the style of the original notebook: torchvision ImageFolder and transforms
   (pad-4 reflect random crop, flip, 8x8 random erasing, normalisation), a DataLoader with worker processes,
   AdamW + OneCycleLR, evaluation on the test split after each epoch;
2. datablock: cifar_dls + cifar_learner + fit_one_cycle (fastai's default per-image pipeline);
3. fast: fast_cifar_dls (uint8 image cache, whole-batch indexing) + the same Learner.
All three use resnet18_cifar, the same batch size, epochs, LR (fixed: no finder), seed and numerics: with
`--precision auto` (the default) the plain loop gets what `cifar_learner` picks for the device (channels-last weights,
bf16/fp16 autocast where the hardware has it), with `--precision fp32` all three run in float32, contiguous.
`--only plain_fp32,...` runs the plain loop in float32 whatever `--precision` says (the original notebook's
numerics); `--compile` adds a run of the fast path with `cifar_learner(compile=True)`.
Throughput is training images / wall time of the whole fit (loading, augmentation and the test pass included); the
first epoch's one-off costs (the image cache is built before the clock starts; cuDNN autotuning, compilation) count.
With `--repeats N` the runs are interleaved (plain, datablock, fast, plain, ...) so that a machine's drift hits all
of them alike, and the median of each is reported. Prints a table; writes JSON."""
import argparse, json, platform, statistics, time, os, sys
from pathlib import Path
import torch, torch.nn.functional as F
from torch.utils.data import DataLoader
import torchvision, torchvision.transforms as T
import fastai
from fastai.vision.all import set_seed, cifar_stats
from cifar_gradcam.core import device_numerics, native_bf16, cpu_name
from cifar_gradcam.data import cifar_dls, cifar_vocab
from cifar_gradcam.model import resnet18_cifar
from cifar_gradcam.train import cifar_learner, train, history
from cifar_gradcam.fast import fast_cifar_dls

def device_desc(dev):
    if dev.type == 'cuda': return f"{torch.cuda.get_device_name(dev)} (CUDA {torch.version.cuda}), host {os.cpu_count()} cores"
    return f"CPU: {cpu_name()}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}, bf16 instructions: {native_bf16()}"

def plain(a, dev, precision=None):
    set_seed(a.seed, reproducible=True)
    mean, std = cifar_stats
    tr = T.Compose([T.RandomCrop(32, padding=4, padding_mode='reflect'), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(mean, std),
                    T.RandomErasing(p=0.5, scale=(64/1024, 64/1024), ratio=(1., 1.), value='random')])
    te = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
    ds_tr, ds_te = torchvision.datasets.ImageFolder(f"{a.path}/train", tr), torchvision.datasets.ImageFolder(f"{a.path}/test", te)
    order = cifar_vocab(Path(a.path))   # CIFAR-10's label order, as cifar_dls uses
    remap = torch.tensor([order.index(c) for c in ds_tr.classes])
    kw = dict(num_workers=a.workers, pin_memory=dev.type == 'cuda', persistent_workers=a.workers > 0)
    dl_tr, dl_te = DataLoader(ds_tr, a.bs, shuffle=True, drop_last=True, **kw), DataLoader(ds_te, a.bs, **kw)
    dt, cl = device_numerics(dev, (precision or a.precision) != 'fp32')   # as `cifar_learner` chooses them
    model = resnet18_cifar(len(order)).to(dev)
    if cl: model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.99), weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.epochs*len(dl_tr), pct_start=0.25)
    scaler = torch.amp.GradScaler(dev.type, enabled=dt == torch.float16)
    n_img, start = 0, time.perf_counter()
    for ep in range(a.epochs):
        model.train()
        for x, y in dl_tr:
            x, y = x.to(dev, non_blocking=True), remap[y].to(dev, non_blocking=True)
            with torch.autocast(dev.type, dtype=dt, enabled=dt is not None): loss = F.cross_entropy(model(x).float(), y)
            opt.zero_grad(set_to_none=True); scaler.scale(loss).backward(); scaler.step(opt); scaler.update(); sched.step()
            n_img += len(x)
        model.eval(); correct = 0
        with torch.no_grad(), torch.autocast(dev.type, dtype=dt, enabled=dt is not None):
            for x, y in dl_te: correct += (model(x.to(dev)).argmax(1).cpu() == remap[y]).sum().item()
    if dev.type == 'cuda': torch.cuda.synchronize()
    return n_img, time.perf_counter() - start, correct / len(ds_te)

def with_fastai(make_dls, a, **kwargs):
    set_seed(a.seed, reproducible=True)
    dls = make_dls(a.path, bs=a.bs, seed=a.seed)
    learn = cifar_learner(dls, path='/tmp', mixed_precision=a.precision == 'auto', **kwargs)
    secs = train(learn, a.epochs, a.lr, show_progress=False)
    return a.epochs * len(dls.train) * a.bs, secs, history(learn.recorder)[-1]['test_acc']

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--path', required=True); p.add_argument('--epochs', type=int, default=2); p.add_argument('--bs', type=int, default=128)
    p.add_argument('--lr', type=float, default=2e-3); p.add_argument('--seed', type=int, default=42)
    p.add_argument('--workers', type=int, default=min(8, os.cpu_count())); p.add_argument('--out', default='bench/results.json')
    p.add_argument('--only', default='plain,datablock,fast'); p.add_argument('--repeats', type=int, default=1)
    p.add_argument('--precision', choices=('auto', 'fp32'), default='auto'); p.add_argument('--compile', action='store_true')
    a = p.parse_args()
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    runs = dict(plain=lambda: plain(a, dev), plain_fp32=lambda: plain(a, dev, 'fp32'),
                datablock=lambda: with_fastai(lambda *x, **k: cifar_dls(*x, num_workers=a.workers, **k), a),
                fast=lambda: with_fastai(fast_cifar_dls, a),
                fast_compiled=lambda: (torch._dynamo.reset(), with_fastai(fast_cifar_dls, a, compile=True))[1])   # each run compiles afresh
    names = a.only.split(',') + (['fast_compiled'] if a.compile else [])
    fast_cifar_dls(a.path, bs=a.bs)   # build the image cache before any clock starts
    done = {n: [] for n in names}
    for rep in range(a.repeats):
        for name in names:
            n, secs, acc = runs[name]()
            done[name].append(dict(images=n, seconds=secs, images_per_s=n/secs, test_acc=acc))
            print(f"{name:>13} (run {rep+1}/{a.repeats}): {n/secs:8.0f} images/s, {secs/a.epochs:7.1f} s an epoch, test accuracy {acc:.2%}", flush=True)
    rows = []
    for name, rs in done.items():
        ips = statistics.median(r['images_per_s'] for r in rs)
        rows.append(dict(path=name, images=rs[0]['images'], images_per_s=ips, epoch_s=rs[0]['images']/ips/a.epochs,
                         epoch_50k_s=50_000/ips, test_acc=rs[0]['test_acc'], runs=rs))
    base = next((r['images_per_s'] for r in rows if r['path'] == 'plain'), None)
    print(f"\n{device_desc(dev)}; {a.epochs} epochs, batch size {a.bs}, lr {a.lr}, precision {a.precision}, "
          f"median of {a.repeats} interleaved run(s), data {a.path}")
    print("| path | images/s | s / epoch | 50,000 images at this rate (s) | test accuracy | vs plain PyTorch |\n|---|---|---|---|---|---|")
    for r in rows:
        rel = f"{r['images_per_s']/base:.2f}x" if base else "n/a"
        print(f"| {r['path']} | {r['images_per_s']:.0f} | {r['epoch_s']:.1f} | {r['epoch_50k_s']:.1f} | {r['test_acc']:.2%} | {rel} |")
    res = dict(device=device_desc(dev), epochs=a.epochs, bs=a.bs, lr=a.lr, seed=a.seed, data=a.path, workers=a.workers,
               precision=a.precision, repeats=a.repeats,
               versions=dict(python=platform.python_version(), torch=torch.__version__, torchvision=torchvision.__version__, fastai=fastai.__version__),
               results=rows)
    os.makedirs(os.path.dirname(a.out) or '.', exist_ok=True)
    tmp = f"{a.out}.tmp"
    with open(tmp, 'w') as f: json.dump(res, f, indent=2)
    os.replace(tmp, a.out)
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
