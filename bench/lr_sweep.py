"""Which lr_max trains best, and where the LR finder's rules land: the measurements behind 04_train's LR figure (a benchmark).

    python bench/lr_sweep.py --path ../shared/data/cifar10_mini --out bench/results-lr-sweep.json
    python bench/lr_sweep.py --path ../shared/data/cifar10 --opt sgd --label-smoothing 0.1 --sweeps 100 --seeds 42,0,1 --only sweep \
        --out bench/results-lr-sweep-full-sgd.json   # the command line's defaults: how far apart do the rules' picks land?

Two kinds of run, on the same data, batch size and seeds, appended to `--out` one run at a time (a killed sweep keeps what it
finished, and a rerun skips what is already there):

- `fixed`: our recipe (`bench/accuracy.py`'s `ours`, variant `fixed`) at each lr_max of `--lrs`, for `--epochs` epochs: the test
  accuracy after each epoch, and the flip-TTA accuracy after the last.
- `sweep`: fastai's `lr_find` over `--sweeps` batches (each length in turn), recording the learning rate, the raw loss and the
  smoothed loss (the curve fastai's rules read) of every batch, and fastai's own suggestions. Any rule can then be evaluated on
  the stored curves without training again; 04_train's test does exactly that."""
import argparse, json, os, time
from pathlib import Path
from types import SimpleNamespace
import torch
from fastai.vision.all import Callback, set_seed, minimum, steep, slide, valley
from cifar_gradcam.train import cifar_learner
from cifar_gradcam.fast import fast_cifar_dls
from bench import device_desc      # bench/bench.py
from accuracy import ours          # bench/accuracy.py

class RawLoss(Callback):
    "The unsmoothed training loss of every batch (the Recorder keeps only the smoothed one)."
    order = 60
    def before_fit(self): self.raw = []
    def after_loss(self):
        if self.training: self.raw.append(self.loss.item())

def sweep(a, dev, seed, num_it):
    set_seed(seed, reproducible=True)
    dls = fast_cifar_dls(a.path, bs=a.bs, seed=seed, device=dev)
    learn = cifar_learner(dls, path='/tmp', cbs=RawLoss(), opt=a.opt, label_smoothing=a.label_smoothing)
    start = time.perf_counter()
    with learn.no_bar(), learn.no_logging():
        s = learn.lr_find(num_it=num_it, show_plot=False, suggest_funcs=(valley, slide, steep, minimum))
    secs = time.perf_counter() - start
    r = learn.recorder
    n = len(r.losses)
    return dict(num_it=num_it, opt=a.opt, label_smoothing=a.label_smoothing, seconds=secs, lrs=[float(o) for o in r.lrs[:n]], losses=[float(o) for o in r.losses],
                raw=learn.raw_loss.raw[:n], suggestions={k: float(v) for k, v in s._asdict().items()})

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--path', required=True); p.add_argument('--bs', type=int, default=128)
    p.add_argument('--epochs', type=int, default=4)
    p.add_argument('--lrs', default='2.5e-4,5e-4,1e-3,2e-3,4e-3,8e-3')
    p.add_argument('--sweeps', default='100,40,25', help="lengths of the LR finder's sweeps, in batches")
    p.add_argument('--seeds', default='0,1'); p.add_argument('--only', default='sweep,fixed')
    p.add_argument('--opt', default='adam', help="the sweeps' optimiser (`cifar_learner`'s opt; the stored mini-set sweeps are adam)")
    p.add_argument('--label-smoothing', type=float, default=0., help="the sweeps' label smoothing (the command line's default: 0.1)")
    p.add_argument('--out', default='bench/results-lr-sweep.json')
    a = p.parse_args()
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    out = Path(a.out)
    res = json.loads(out.read_text()) if out.exists() else dict(device=device_desc(dev), data=a.path, bs=a.bs, epochs=a.epochs, runs=[])
    done = {(o['kind'], o['seed'], o.get('lr'), o.get('num_it')) for o in res['runs']}
    def save(run):
        res['runs'].append(run)
        out.with_suffix('.tmp').write_text(json.dumps(res, indent=1)); os.replace(out.with_suffix('.tmp'), out)
    fast_cifar_dls(a.path, bs=a.bs)   # the image cache is built once, before any clock starts
    kinds = a.only.split(',')
    for seed in map(int, a.seeds.split(',')):
        if 'sweep' in kinds:
            for n in map(int, a.sweeps.split(',')):
                if ('sweep', seed, None, n) in done: continue
                r = sweep(a, dev, seed, n)
                print(f"sweep {n} seed {seed}: " + ', '.join(f"{k} {v:.2e}" for k, v in r['suggestions'].items()) + f" ({r['seconds']:.0f} s)", flush=True)
                save(dict(kind='sweep', seed=seed, **r))
        if 'fixed' in kinds:
            for lr in map(float, a.lrs.split(',')):
                if ('fixed', seed, lr, None) in done: continue
                r = ours(SimpleNamespace(path=a.path, bs=a.bs, epochs=a.epochs, fixed_lr=lr, limit=None, no_ema=True), dev, seed, 'fixed')
                print(f"fixed lr {lr:.2e} seed {seed}: test accuracy per epoch " + ' '.join(f"{o['test_acc']:.1%}" for o in r['epochs'])
                      + f"; {r['epochs'][-1]['seconds']:.0f} s; flip-TTA {r['test_acc_tta']:.1%}", flush=True)
                save(dict(kind='fixed', seed=seed, lr=lr, test_acc=r['epochs'][-1]['test_acc'], test_acc_tta=r['test_acc_tta'],
                          epochs=r['epochs']))
    print(f"wrote {out}")

if __name__ == '__main__': main()
