"""Training throughput of three data paths on the same machine, images and model (a benchmark, not a test).

    python bench/bench.py --path ../shared/data/cifar10_mini --epochs 2 --bs 128 --out bench/results-cpu.json

1. plain: a plain-PyTorch loop in the style of the original notebook: torchvision ImageFolder and transforms
   (pad-4 reflect random crop, flip, 8x8 random erasing, normalisation), a DataLoader with worker processes,
   AdamW + OneCycleLR, evaluation on the test split after each epoch;
2. datablock: cifar_dls + cifar_learner + fit_one_cycle (fastai's default per-image pipeline);
3. fast: fast_cifar_dls (uint8 image cache, whole-batch indexing) + the same Learner.
All three use resnet18_cifar, the same batch size, epochs, LR (fixed: no finder) and seed, and on a GPU the same
mixed precision. Throughput is training images / wall time of the whole fit (loading, augmentation and the test pass
included); the first epoch's one-off costs (the image cache, cuDNN autotuning) count too. Prints a table; writes JSON."""
import argparse, json, platform, time, os, sys
import torch, torch.nn.functional as F
from torch.utils.data import DataLoader
import torchvision, torchvision.transforms as T
from fastai.vision.all import set_seed, cifar_stats
from cifar_gradcam.data import cifar_dls, cifar_vocab, CIFAR_CLASSES
from cifar_gradcam.model import resnet18_cifar
from cifar_gradcam.train import cifar_learner, train, history
from cifar_gradcam.fast import fast_cifar_dls

def device_desc(dev):
    return torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}"

def amp_dtype(dev):
    return (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16) if dev.type == 'cuda' else None

def plain(path, epochs, bs, lr, seed, workers, dev):
    set_seed(seed, reproducible=True)
    mean, std = cifar_stats
    tr = T.Compose([T.RandomCrop(32, padding=4, padding_mode='reflect'), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(mean, std),
                    T.RandomErasing(p=0.5, scale=(64/1024, 64/1024), ratio=(1., 1.), value='random')])
    te = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
    ds_tr, ds_te = torchvision.datasets.ImageFolder(f"{path}/train", tr), torchvision.datasets.ImageFolder(f"{path}/test", te)
    order = cifar_vocab(__import__('pathlib').Path(path))   # CIFAR-10's label order, as cifar_dls uses
    remap = torch.tensor([order.index(c) for c in ds_tr.classes])
    dl_tr = DataLoader(ds_tr, bs, shuffle=True, drop_last=True, num_workers=workers, pin_memory=dev.type == 'cuda', persistent_workers=workers > 0)
    dl_te = DataLoader(ds_te, bs, num_workers=workers, pin_memory=dev.type == 'cuda', persistent_workers=workers > 0)
    model = resnet18_cifar(len(order)).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.99), weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs*len(dl_tr), pct_start=0.25)
    dt = amp_dtype(dev)
    n_img, start = 0, time.perf_counter()
    for ep in range(epochs):
        model.train()
        for x, y in dl_tr:
            x, y = x.to(dev, non_blocking=True), remap[y].to(dev, non_blocking=True)
            with torch.autocast(dev.type, dtype=dt, enabled=dt is not None): loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); sched.step()
            n_img += len(x)
        model.eval(); correct = 0
        with torch.no_grad(), torch.autocast(dev.type, dtype=dt, enabled=dt is not None):
            for x, y in dl_te: correct += (model(x.to(dev)).argmax(1).cpu() == remap[y]).sum().item()
    if dev.type == 'cuda': torch.cuda.synchronize()
    return n_img, time.perf_counter() - start, correct / len(ds_te)

def with_fastai(make_dls, path, epochs, bs, lr, seed, dev):
    set_seed(seed, reproducible=True)
    dls = make_dls(path, bs=bs, seed=seed)
    learn = cifar_learner(dls, path='/tmp')
    secs = train(learn, epochs, lr, show_progress=False)
    return epochs * len(dls.train) * bs, secs, history(learn.recorder)[-1]['test_acc']

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--path', required=True); p.add_argument('--epochs', type=int, default=2); p.add_argument('--bs', type=int, default=128)
    p.add_argument('--lr', type=float, default=2e-3); p.add_argument('--seed', type=int, default=42)
    p.add_argument('--workers', type=int, default=min(8, os.cpu_count())); p.add_argument('--out', default='bench/results.json')
    p.add_argument('--only', default='plain,datablock,fast')
    a = p.parse_args()
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    runs = dict(plain=lambda: plain(a.path, a.epochs, a.bs, a.lr, a.seed, a.workers, dev),
                datablock=lambda: with_fastai(lambda *x, **k: cifar_dls(*x, num_workers=a.workers, **k), a.path, a.epochs, a.bs, a.lr, a.seed, dev),
                fast=lambda: with_fastai(fast_cifar_dls, a.path, a.epochs, a.bs, a.lr, a.seed, dev))
    rows = []
    for name in a.only.split(','):
        n, secs, acc = runs[name]()
        rows.append(dict(path=name, images=n, seconds=secs, images_per_s=n/secs, epoch_s=secs/a.epochs, test_acc=acc))
        print(f"{name:>10}: {n/secs:8.0f} images/s, {secs/a.epochs:7.1f} s an epoch, test accuracy {acc:.2%}", flush=True)
    base = next((r['images_per_s'] for r in rows if r['path'] == 'plain'), None)
    print(f"\n{device_desc(dev)}; {a.epochs} epochs, batch size {a.bs}, lr {a.lr}, data {a.path}")
    print(f"| path | images/s | s / epoch | test accuracy | vs plain PyTorch |\n|---|---|---|---|---|")
    for r in rows: print(f"| {r['path']} | {r['images_per_s']:.0f} | {r['epoch_s']:.1f} | {r['test_acc']:.2%} | {r['images_per_s']/base:.2f}x |" if base else r)
    res = dict(device=device_desc(dev), epochs=a.epochs, bs=a.bs, lr=a.lr, seed=a.seed, data=a.path, workers=a.workers,
               versions=dict(torch=torch.__version__, torchvision=torchvision.__version__), results=rows)
    os.makedirs(os.path.dirname(a.out) or '.', exist_ok=True)
    with open(a.out, 'w') as f: json.dump(res, f, indent=2)
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
