"""The full-set study as one `bench/accuracy.py`-shaped result: test accuracy after every epoch of each recipe run on the
full CIFAR-10 (JPEG copy, 5,000 test images), seed 42, batch size 128 unless named, drawn against the original's 91.24%.

    python bench/full_study.py --out bench/results-full-study-cpu-bf16.json

Its sources are the runs' stored results, each kept in the JSON with the machine it ran on:
- the command line's SGD runs, each turned into a results JSON by `bench/run_record.py` from its run folder and log: the
  defaults (`slide`'s pick, `bench/results-full-10ep-sgd-cpu-bf16.json`), lr_max 0.1 (`...-sgd-lr0.1-cpu-bf16.json`) and the
  defaults over 15 epochs (`bench/results-full-15ep-sgd-cpu-bf16.json`: how many epochs the recipe needs) and the
  defaults of now, 20 epochs at `edge`'s pick (`bench/results-full-20ep-edge-cpu-bf16.json`), and 10 epochs at that
  pick with four times the weight decay, 2e-3 (`bench/results-full-10ep-wd2e-3-cpu-bf16.json`);
- `bench/accuracy.py`'s runs: the 15-epoch defaults with cutout, at the same lr_max (`bench/results-full-15ep-cutout-cpu-bf16.json`),
  and the plain-PyTorch loop over 10 epochs in our numerics interleaved with the defaults of now over 10 epochs
  (`bench/results-full-10ep-plain-cpu-bf16.json`);
- the earlier 10-epoch runs of the command line with Adam (`bench/results-full-10ep-*.json`, `cifar-gradcam`'s results then);
- runs stopped before their end (`--partial`, a JSON in `bench/accuracy.py`'s shape: the Adam defaults of then, 5 epochs;
  the SGD defaults at batches of 64, 6 epochs).
A 10-epoch run takes 1.5 to 4 hours on the project's 2-core CPUs, so the runs are sequential, on the machines a session got;
the accuracy per epoch does not depend on the machine (the default run's first epoch gave 45.90% to the last digit on an
Intel Xeon and on an AMD EPYC), the minutes do, so only runs on the same machine are compared by time."""
import argparse, json, re
import numpy as np
from pathlib import Path
from cifar_gradcam.core import save_fig
from cifar_gradcam.train import ORIGINAL_TEST_ACC, plot_race

def old_run(fn:Path)->dict:
    "An earlier full-set run of the command line, stored by its session (`bench/results-full-10ep-*.json`)."
    r = json.loads(fn.read_text())
    return dict(seed=r['seed'], lr=r['lr'], suggestions=r['lr_picks'], test_acc_tta=r['test_acc_tta'], train_images=r['train_images'],
                epochs=[dict(epoch=h['epoch'], test_acc=h['test_acc'], train_acc=h['train_acc']) for h in r['history']],
                machine=r['machine'], recipe=dict(opt='adam', wd=0.4 if 'wd04' in fn.name else 0.01, label_smoothing=0., lr_rule='bottom', bs=r['bs']), source=fn.name)

def recorded_run(fn:Path)->dict:
    "An earlier run of the command line stored by `bench/run_record.py`: the epochs with their test accuracy and the seconds so far (finder included)."
    r = json.loads(fn.read_text())
    finder = r['steps'].get(f"LR finder: {r['lr_find_iters']} batches of {r['bs']}", 0.)
    secs = finder + 60 * np.cumsum(r['epoch_minutes'])
    return dict(seed=r['seed'], lr=r['lr'], suggestions=r['lr_picks'], finder_seconds=finder, finder_images=r['lr_find_images'], train_images=r['train_images'],
                test_acc_tta=r['test_acc_tta'], epochs=[dict(epoch=h['epoch'], test_acc=h['test_acc'], train_acc=h['train_acc'], seconds=float(t)) for h, t in zip(r['history'], secs)],
                machine=r['machine'], recipe=dict(opt=r['opt'], wd=r['wd'], label_smoothing=r['label_smoothing'], lr_rule=r['lr_rule'], bs=r['bs']), source=fn.name)

def bench_run(fn:Path, variant:str)->dict:
    "A run of `bench/accuracy.py` (its results JSON), with the machine it ran on."
    r = json.loads(fn.read_text())
    return dict(r['runs'][variant][0], machine=r['device'], source=fn.name)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--partial', default='bench/results-full-partial-cpu-bf16.json', help="the stopped runs' epochs: runs['adam'] and runs['bs64']")
    p.add_argument('--out', default='bench/results-full-study-cpu-bf16.json')
    a = p.parse_args()
    ours = recorded_run(Path('bench/results-full-10ep-sgd-cpu-bf16.json'))
    partial = json.loads(Path(a.partial).read_text())
    runs = {'SGD, label smoothing 0.1, slide (the defaults then)': [ours],
            'SGD, label smoothing 0.1, lr_max 0.1': [recorded_run(Path('bench/results-full-10ep-sgd-lr0.1-cpu-bf16.json'))],
            'SGD, label smoothing 0.1, slide, 15 epochs': [recorded_run(Path('bench/results-full-15ep-sgd-cpu-bf16.json'))],
            'SGD, label smoothing 0.1, edge, 20 epochs (the defaults)': [recorded_run(Path('bench/results-full-20ep-edge-cpu-bf16.json'))],
            'SGD, label smoothing 0.1, edge, wd 2e-3': [recorded_run(Path('bench/results-full-10ep-wd2e-3-cpu-bf16.json'))],
            'SGD, label smoothing 0.1, lr_max 3.31e-2, cutout, 15 epochs': [bench_run(Path('bench/results-full-15ep-cutout-cpu-bf16.json'), 'cutout+fixed')],
            'SGD, label smoothing 0.1, slide, bs 64 (stopped)': partial['runs']['bs64'],
            'SGD, label smoothing 0.1, edge, 10 epochs (the defaults at 10)': [bench_run(Path('bench/results-full-10ep-plain-cpu-bf16.json'), 'defaults')],
            'plain loop (SGD at 0.02, erasing)': [bench_run(Path('bench/results-full-10ep-plain-cpu-bf16.json'), 'plain')],
            'Adam, wd 0.01 (the defaults before; paused)': partial['runs']['adam'],
            'Adam, wd 0.4': [old_run(Path('bench/results-full-10ep-wd04-cpu-bf16.json'))],
            'Adam, wd 0.01, bs 512 (the first defaults)': [old_run(Path('bench/results-full-10ep-cpu-bf16.json'))]}
    others = sorted({re.split(r' with | \(|,', rs[0]['machine'])[0].removeprefix('CPU: ') for k, rs in runs.items() if rs[0] is not ours})   # bench/accuracy.py names the device 'CPU: ...'
    res = dict(what=__doc__.split('\n')[0], data='../shared/data/cifar10', data_name='CIFAR-10 (JPEG copy, 5,000 test images)', bs=128, seed=42,
               machine=f"{ours['machine']} for the defaults then, {' and '.join(others)} for the others; all in bf16 autocast", partial_note=partial['note'], runs=runs,
               to_target={k: next((o['epoch'] for o in rs[0]['epochs'] if o['test_acc'] >= ORIGINAL_TEST_ACC), None) for k, rs in runs.items()},
               to_target_minutes={k: next((round(o['seconds'] / 60, 1) for o in rs[0]['epochs'] if o['test_acc'] >= ORIGINAL_TEST_ACC and 'seconds' in o), None) for k, rs in runs.items()})
    Path(a.out).write_text(json.dumps(res, indent=1) + '\n')
    save_fig(plot_race(res, title="Test accuracy per epoch on the full CIFAR-10, seed 42"), Path(a.out).with_suffix('.png'))
    print(f"wrote {a.out} and {Path(a.out).with_suffix('.png')}")

if __name__ == '__main__': main()
