"""Time to accuracy: the plain-PyTorch loop against cifar_gradcam's default recipe and its variants, on the same machine (a benchmark).

    python bench/accuracy.py --path ../shared/data/cifar10_mini --out bench/results-accuracy-cpu.json        # or: make bench-accuracy DATA=DIR
    python bench/accuracy.py --path DIR --bs 512 --variants defaults --out bench/results-accuracy-gpu.json  # on a GPU

plain: the original's recipe in plain PyTorch: the CIFAR ResNet18, SGD (momentum 0.9, nesterov, weight
decay 5e-4), `OneCycleLR` with max LR `--plain-lr`, torchvision's reflect-padded random crop, flip, `RandomErasing(p=0.5)` of an
8x8 square and the CIFAR normalisation, `--plain-epochs` epochs. Its final test accuracy (mean over the seeds) is the target.

ours: what `cifar-gradcam --epochs E --bs B` does with the command line's defaults (`RunSettings`: the uint8 fast path,
`cifar_learner` with the optimiser `opt` and label smoothing, the LR finder over one epoch of batches, the optimiser's rule
`default_lr_rule` picking `lr_max` of `fit_one_cycle`), and each variant of it named in `--variants`, joined with `+` to
combine changes (e.g. `ls0+bs64`): another rule of the same sweep (`bottom`, `edge`, `valley`, `slide`, `steep`, `minimum`: any of
`LR_RULES`), `finderN` (a sweep of N batches, e.g. `finder30`), `lsX` (label smoothing X, e.g. `ls0`; `ls` alone: 0.1), `cutout`
(the original's per-image 8x8 cutout on half the images; the default has none), `adam` (fastai's Adam, decoupled wd 0.01, read
by its rule `bottom`; `adam+ls0` is the command line's recipe before issue 31), `nesterov` (PyTorch's SGD with nesterov momentum 0.9 and wd 5e-4, as the
plain loop: `nesterov_sgd`), `sgd` (fastai's SGD, momentum 0.9, wd 5e-4), `bs64` (batches of 64), `wdX` (weight decay X instead
of the optimiser's own, e.g. `adam+wd0.4`), `fixed` (no finder: lr_max `--fixed-lr`). Each run records its recipe. Measured after training, beside
the plain test accuracy and never instead of it: the flip-TTA accuracy (mean of an image's and its mirror's probabilities) and
the accuracy of exponential moving averages of the weights (decays 0.9, 0.97 and 0.99; `--no-ema` leaves them out of a timed run).

The clock counts what a user waits for before the model is trained: the LR finder and the training steps; the test pass after
each epoch is measurement and is left out for both sides alike. Runs are interleaved (plain, ours, variants; then the next seed)
so that a machine's drift hits all of them alike. Prints per-epoch accuracy and seconds, the epochs and seconds each run needs to
reach the target, the time ratio against the plain loop, and a table over the seeds (mean and spread); writes JSON.

A long study spans sessions: every epoch goes to OUT.partial as it comes, and each run keeps its state after every epoch in
OUT.runs/NAME-seedS.pth (weights, optimiser, schedule, the epochs so far), removed when the run ends; the LR finder's
sweep stays beside it as NAME-seedS.lr_find.png, the figure its pick came from. `--resume` keeps the
finished runs and continues a stopped one from its last finished epoch (its remaining epochs draw a fresh shuffle, seeded by the
seed and the epoch)."""
import argparse, json, os, platform, statistics, time
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F
from torch.utils.data import DataLoader
import torchvision, torchvision.transforms as T
import fastai
from fastai.vision.all import Callback, SGD, set_seed, cifar_stats, partial, ifnone
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
from cifar_gradcam.core import eval_mode, device_numerics
from cifar_gradcam.data import cifar_vocab
from cifar_gradcam.model import resnet18_cifar
from cifar_gradcam.train import cifar_learner, history, find_lr, restore, plot_race, LR_RULES, default_lr_rule, default_wd
from cifar_gradcam.cli import RunSettings
from cifar_gradcam.core import atomic_path, data_name, save_fig, plain_data
from cifar_gradcam.fast import fast_cifar_dls
from bench import device_desc   # bench/bench.py: the machine, named the same way in every benchmark

def state_file(a, name, seed): return Path(a.out + '.runs')/f"{name}-seed{seed}.pth"

def save_state(a, name, seed, state):
    "The run's state after an epoch, written whole or not at all."
    f = state_file(a, name, seed); f.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(f) as tmp: torch.save(plain_data(state), tmp)

def load_state(a, name, seed):
    "The state a stopped run left (None if none, or without --resume); tensors, numbers and strings only."
    f = state_file(a, name, seed)
    if not (a.resume and f.exists()): return None
    state = torch.load(f, map_location='cpu', weights_only=True)
    print(f"{name:>16} seed {seed}: continuing after epoch {len(state['epochs'])} ({f})", flush=True)
    return state

def plain(a, dev, seed, on_epoch=lambda epochs: None):
    "The plain loop; per epoch: test accuracy and the training seconds so far, each handed to `on_epoch` as it comes."
    set_seed(seed, reproducible=True)
    mean, std = cifar_stats
    tr = T.Compose([T.RandomCrop(32, padding=4, padding_mode='reflect'), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(mean, std),
                    T.RandomErasing(p=0.5, scale=(64/1024, 64/1024), ratio=(1., 1.), value=0)])
    te = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
    ds_tr, ds_te = torchvision.datasets.ImageFolder(f"{a.path}/train", tr), torchvision.datasets.ImageFolder(f"{a.path}/test", te)
    remap = torch.tensor([cifar_vocab(Path(a.path)).index(c) for c in ds_tr.classes])   # CIFAR-10's label order, as cifar_dls uses
    if a.limit:   # a quick check of this script: a seeded sample of each split
        g = torch.Generator().manual_seed(seed)
        ds_tr, ds_te = [torch.utils.data.Subset(d, torch.randperm(len(d), generator=g)[:a.limit].tolist()) for d in (ds_tr, ds_te)]
    kw = dict(num_workers=a.workers, pin_memory=dev.type == 'cuda', persistent_workers=a.workers > 0)
    dl_tr, dl_te = DataLoader(ds_tr, a.bs, shuffle=True, drop_last=len(ds_tr) % a.bs == 1, **kw), DataLoader(ds_te, 512, **kw)
    model = resnet18_cifar(len(remap)).to(dev)
    dtype, channels_last = device_numerics(dev) if a.plain_numerics == 'ours' else (None, False)   # 'ours': what cifar_learner computes in
    if channels_last: model = model.to(memory_format=torch.channels_last)
    scaler = torch.amp.GradScaler(dev.type, enabled=dtype == torch.float16)
    opt = torch.optim.SGD(model.parameters(), lr=a.plain_lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.plain_lr, total_steps=a.plain_epochs * len(dl_tr))
    secs, epochs = 0., []
    if state := load_state(a, 'plain', seed):
        for o, k in [(model, 'model'), (opt, 'opt'), (sched, 'sched'), (scaler, 'scaler')]: o.load_state_dict(state[k])
        epochs = state['epochs']; secs = epochs[-1]['seconds']
        set_seed(seed * 1000 + len(epochs), reproducible=True)   # the remaining epochs' shuffle and augmentation
    for ep in range(len(epochs), a.plain_epochs):
        model.train(); start = time.perf_counter()
        for x, y in dl_tr:
            with torch.autocast(dev.type, dtype=dtype or torch.float32, enabled=dtype is not None):
                loss = F.cross_entropy(model(x.to(dev, non_blocking=True)).float(), remap[y].to(dev, non_blocking=True))
            opt.zero_grad(set_to_none=True); scaler.scale(loss).backward(); scaler.step(opt); scaler.update(); sched.step()
        if dev.type == 'cuda': torch.cuda.synchronize()
        secs += time.perf_counter() - start
        model.eval(); correct = 0
        with torch.no_grad():
            for x, y in dl_te:
                with torch.autocast(dev.type, dtype=dtype or torch.float32, enabled=dtype is not None): correct += (model(x.to(dev)).argmax(1).cpu() == remap[y]).sum().item()
        epochs.append(dict(epoch=ep + 1, test_acc=correct / len(ds_te), seconds=secs))
        save_state(a, 'plain', seed, dict(model=model.state_dict(), opt=opt.state_dict(), sched=sched.state_dict(), scaler=scaler.state_dict(), epochs=epochs))
        on_epoch(epochs)
    return dict(finder_seconds=0., finder_images=0, train_images=a.plain_epochs * min(len(dl_tr) * a.bs, len(ds_tr)), epochs=epochs)

class TrainClock(Callback):
    "The seconds of training steps only: the clock stops for the test pass after each epoch; the epochs so far (`epochs`, each with its test accuracy and seconds from `offset`) go to `on_epoch`."
    order = 100   # after fastai's `SkipToEpoch`: an epoch a resume skips never starts this clock
    def __init__(self, on_epoch=lambda epochs: None): self.on_epoch, self.offset, self.epochs = on_epoch, 0., []
    def before_fit(self): self.secs = 0.
    def before_epoch(self): self.start = time.perf_counter()
    def before_validate(self):
        if self.dls.device.type == 'cuda': torch.cuda.synchronize()
        self.secs += time.perf_counter() - self.start
    def after_epoch(self):
        if hasattr(self.learn, 'lr_finder') or self.epoch < len(self.epochs): return   # the finder's sweep, or an epoch done before a resume
        self.epochs.append(dict(epoch=self.epoch + 1, test_acc=history(self.recorder)[-1]['test_acc'], seconds=self.offset + self.secs))
        self.on_epoch(self.epochs)

class WeightEMA(Callback):
    "Exponential moving averages of the weights (and BatchNorm statistics), one per decay, for a test accuracy of their own."
    order = 5   # copies the model before mixed precision's before_fit hangs its autocast hooks on it
    def __init__(self, decays=(0.9, 0.97, 0.99)): self.decays = decays
    def before_fit(self):
        if hasattr(self.learn, 'lr_finder'): self.avgs = {}; return   # not while the LR finder sweeps
        self.avgs = {d: AveragedModel(self.model, multi_avg_fn=get_ema_multi_avg_fn(d), use_buffers=True) for d in self.decays}
    def after_step(self):
        for m in self.avgs.values(): m.update_parameters(self.model)

def accuracy_of(model, dl):
    correct = n = 0
    with torch.no_grad(), eval_mode(model):
        for x, y in dl: correct += (model(x).argmax(1) == y).sum().item(); n += len(y)
    return correct / n

def ours(a, dev, seed, variant, on_epoch=lambda epochs: None):
    "Our recipe with the changes in `variant` (e.g. 'defaults', 'minimum+ls'); per epoch: test accuracy and seconds so far, finder included."
    ch = set(variant.split('+')) - {'defaults'}
    set_seed(seed, reproducible=True)
    bs = 64 if 'bs64' in ch else a.bs
    dls = fast_cifar_dls(a.path, bs=bs, seed=seed, device=dev, limit=a.limit, **(dict(erase=0.5) if 'cutout' in ch else {}))
    name = 'adam' if 'adam' in ch else 'sgd' if 'nesterov' in ch else RunSettings.opt   # `nesterov_sgd` is the command line's --opt sgd
    opt = dict(opt_func=partial(SGD, mom=0.9, wd=5e-4)) if 'sgd' in ch else dict(opt=name)   # sgd: fastai's own SGD, without Nesterov
    ls = next((float(c[2:]) for c in ch if c.startswith('ls') and len(c) > 2), 0.1 if 'ls' in ch else RunSettings.label_smoothing)
    state = load_state(a, variant, seed)
    if state and not a.no_ema: raise SystemExit("error: a run stopped midway continues only with --no-ema (the weight averages are not kept); add --no-ema")
    ema = WeightEMA(() if a.no_ema else (0.9, 0.97, 0.99))
    def save_and_report(epochs):
        save_state(a, variant, seed, dict(model=learn.model.state_dict(), opt=learn.opt.state_dict(), epochs_done=len(epochs), epochs=epochs,
                                          lr=lr, suggestions=sugg, finder_seconds=finder_secs, finder_images=finder_images))
        on_epoch(epochs)
    if wd := next((float(c[2:]) for c in ch if c.startswith('wd')), None): opt['wd'] = wd   # wdX: the optimiser's weight decay X
    learn = cifar_learner(dls, label_smoothing=ls, path='/tmp', cbs=[clock := TrainClock(save_and_report), ema], **opt)
    pick = next((p for p in LR_RULES if p in ch), default_lr_rule('adam' if 'sgd' in ch else name))
    recipe = dict(opt='fastai-sgd' if 'sgd' in ch else name, wd=ifnone(wd, 5e-4 if 'sgd' in ch else default_wd(name)), label_smoothing=ls, lr_rule='fixed' if 'fixed' in ch else pick,
                  cutout='cutout' in ch, bs=bs)
    finder_secs, finder_images, sugg = 0., 0, {}
    if state:
        lr, sugg, finder_secs, finder_images = state['lr'], state['suggestions'], state['finder_seconds'], state['finder_images']
        clock.epochs = state['epochs']
        restore(learn, state)
    elif 'fixed' in ch: lr = a.fixed_lr
    else:
        iters = next((int(c[6:]) for c in ch if c.startswith('finder')), a.finder_iters)   # finderN: N batches; None: the library's `sweep_len`
        start = time.perf_counter()
        lr, sugg, fig = find_lr(learn, iters, pick, show_progress=False)
        finder_secs, finder_images = time.perf_counter() - start, len(learn.recorder.lrs) * bs
        (sweep := state_file(a, variant, seed).with_suffix('.lr_find.png')).parent.mkdir(parents=True, exist_ok=True)
        save_fig(fig, sweep)   # to read the sweep the pick came from
        print(f"{variant:>16} seed {seed}: the LR finder picked {lr:.2e} ({pick}; {len(learn.recorder.lrs)} batches, {finder_secs:.0f} s)", flush=True)
    clock.offset = clock.epochs[-1]['seconds'] if clock.epochs else finder_secs
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(a.epochs, lr, start_epoch=len(clock.epochs))
    epochs = clock.epochs
    return dict(recipe=recipe, lr=lr, suggestions=sugg, finder_seconds=finder_secs, finder_images=finder_images,
                train_images=a.epochs * min(len(dls.train) * bs, len(dls.train_ds)), test_acc_tta=flip_tta(learn), epochs=epochs,
                test_acc_ema={str(d): accuracy_of(m, dls.valid) for d, m in ema.avgs.items()})

def flip_tta(learn):
    "Test accuracy of the mean of each image's and its mirror's probabilities (a separate number, never the headline)."
    correct = n = 0
    with torch.no_grad(), eval_mode(learn.model):
        for x, y in learn.dls.valid:
            p = learn.model(x).float().softmax(1) + learn.model(x.flip(3)).float().softmax(1)
            correct += (p.argmax(1) == y).sum().item(); n += len(y)
    return correct / n

def to_target(run, target):
    "The first epoch whose test accuracy reaches `target`, and the seconds spent until then (None, None if never)."
    return next(((o['epoch'], o['seconds']) for o in run['epochs'] if o['test_acc'] >= target), (None, None))

def spread(xs):
    xs = [x for x in xs if x is not None]
    if not xs: return 'never'
    return f"{statistics.mean(xs):.4g} ± {statistics.stdev(xs):.2g}" if len(xs) > 1 else f"{xs[0]:.4g}"

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--path', required=True); p.add_argument('--bs', type=int, default=128)
    p.add_argument('--epochs', type=int, default=4, help="epochs of our recipe"); p.add_argument('--plain-epochs', type=int, default=8, help="0: no plain loop")
    p.add_argument('--plain-lr', type=float, default=0.02); p.add_argument('--fixed-lr', type=float, default=2e-3)
    p.add_argument('--finder-iters', type=int, default=None, help="the CLI's --lr-find-iters (default: its default, one epoch)")
    p.add_argument('--variants', default='defaults', help="comma-separated, e.g. defaults,adam,ls0,bottom,adam+wd0.4")
    p.add_argument('--seeds', default='0,1,2'); p.add_argument('--workers', type=int, default=min(8, os.cpu_count()))
    p.add_argument('--no-ema', action='store_true', help="no weight averages (they cost a little time each step)")
    p.add_argument('--limit', type=int, default=None, help="images a split, for both recipes (a quick check of this script)")
    p.add_argument('--plain-numerics', choices=('fp32', 'ours'), default='fp32', help="the plain loop in float32 as the original, or in the numerics cifar_learner picks for the device")
    p.add_argument('--resume', action='store_true', help="skip the runs that OUT.partial holds as finished (a long study, stopped and started again)")
    p.add_argument('--out', default='bench/results-accuracy.json')
    a = p.parse_args()
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    fast_cifar_dls(a.path, bs=a.bs)   # the image cache is built once, before any clock starts
    names, runs, partial_out = (['plain'] if a.plain_epochs else []) + a.variants.split(','), {}, Path(a.out + '.partial')
    if a.resume and partial_out.exists():
        runs = {k: [r for r in v if 'epochs' in r and not r.get('running')] for k, v in json.loads(partial_out.read_text()).items()}
        print(f"resuming: {sum(map(len, runs.values()))} finished run(s) in {partial_out} are kept", flush=True)
    def write_partial(name, seed, epochs):   # every epoch as it comes: a stopped study keeps what it measured
        now = {k: list(v) for k, v in runs.items()}
        now.setdefault(name, []).append(dict(seed=seed, running=True, epochs=epochs))
        partial_out.write_text(json.dumps(now))
        print(f"{name:>16} seed {seed}: epoch {epochs[-1]['epoch']}, test accuracy {epochs[-1]['test_acc']:.2%}, {epochs[-1]['seconds']:.0f} s", flush=True)
    for seed in map(int, a.seeds.split(',')):
        for name in names:
            if any(r['seed'] == seed for r in runs.get(name, [])): continue   # finished before a --resume
            on_epoch = partial(write_partial, name, seed)
            r = plain(a, dev, seed, on_epoch) if name == 'plain' else ours(a, dev, seed, name, on_epoch)
            runs.setdefault(name, []).append(dict(seed=seed, **r))
            state_file(a, name, seed).unlink(missing_ok=True)   # finished: OUT.partial holds it now
            accs = ' '.join(f"{o['test_acc']:.1%}" for o in r['epochs'])
            extra = '' if name == 'plain' else (f" (finder {r['finder_seconds']:.0f} s, lr {r['lr']:.2e}), flip-TTA {r['test_acc_tta']:.1%}, EMA "
                                                + ' '.join(f"{d}: {v:.1%}" for d, v in r['test_acc_ema'].items()))
            partial_out.write_text(json.dumps(runs))   # what a stopped benchmark had finished
            print(f"{name:>16} seed {seed}: test accuracy per epoch {accs}; {r['epochs'][-1]['seconds']:.0f} s{extra}", flush=True)
    base = runs['plain' if 'plain' in runs else names[0]]   # without the plain loop (--plain-epochs 0): the first variant is the reference
    target = statistics.mean(r['epochs'][-1]['test_acc'] for r in base)
    plain_secs = statistics.mean(r['epochs'][-1]['seconds'] for r in base)
    rows = []
    for name, rs in runs.items():
        hits = [to_target(r, target) for r in rs]
        secs = [s for _, s in hits]
        rows.append(dict(name=name, test_acc=[r['epochs'][-1]['test_acc'] for r in rs], test_acc_tta=[r.get('test_acc_tta') for r in rs],
                         epochs_to_target=[e for e, _ in hits], seconds_to_target=secs,
                         ratio=[s / plain_secs if s is not None else None for s in secs],
                         epoch_seconds=[(r['epochs'][-1]['seconds'] - r['finder_seconds']) / len(r['epochs']) for r in rs]))
    print(f"\n{device_desc(dev)}; bs {a.bs}; data {a.path}; target: the plain loop's {a.plain_epochs}-epoch test accuracy, {target:.2%} "
          f"(mean of seeds {a.seeds}), reached in {plain_secs:.0f} s; clock: LR finder + training steps, test passes left out")
    print("| run | test accuracy | flip-TTA | s / epoch | epochs to target | s to target | time vs plain |\n|---|---|---|---|---|---|---|")
    for r in rows:
        tta = spread([x * 100 for x in r['test_acc_tta'] if x is not None]) if r['name'] != 'plain' else '-'
        print(f"| {r['name']} | {spread([x * 100 for x in r['test_acc']])}% | {tta} | {spread(r['epoch_seconds'])} | "
              f"{spread(r['epochs_to_target'])} | {spread(r['seconds_to_target'])} | {spread(r['ratio'])} |")
    res = dict(device=device_desc(dev), data_name=data_name(a.path, a.limit), bs=a.bs, epochs=a.epochs, plain_epochs=a.plain_epochs, plain_numerics=a.plain_numerics, data=a.path, seeds=a.seeds, target=target,
               versions=dict(python=platform.python_version(), torch=torch.__version__, fastai=fastai.__version__), rows=rows, runs=runs)
    os.makedirs(os.path.dirname(a.out) or '.', exist_ok=True)
    with open(a.out + '.tmp', 'w') as f: json.dump(res, f, indent=2)
    os.replace(a.out + '.tmp', a.out)
    save_fig(plot_race(res), Path(a.out).with_suffix('.png'))   # test accuracy per epoch, the original's 91.24% drawn across
    print(f"wrote {a.out} and {Path(a.out).with_suffix('.png')}")

if __name__ == '__main__': main()
