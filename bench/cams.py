"""Speed of the CAM methods: cifar_gradcam's `cam_maps` against pytorch-grad-cam on the same model, images and machine (a benchmark).

    python bench/cams.py --out bench/results-cams-cpu.json            # or: make bench-cams

The CIFAR ResNet18 in eval mode, `--images` random 32x32 inputs in batches of `--bs` (Score-CAM, a forward pass per channel and
image: `--score-images`), the maps of each image's predicted class at `--layer`. Both sides make the same maps (checked in
nbs/06_gradcam.ipynb to 1e-4) and are timed on the same batches, interleaved (ours, theirs, ours, ...), median of `--repeats`.
Prints a table of maps/s and the ratio; writes JSON.

    python bench/cams.py --before /tmp/main-before --methods gradcam   # a change's cost: this checkout against another, in one run

`--before DIR` times the `cam_maps` of the cifar_gradcam package in DIR (a `git worktree` of the commit before a change) on the
same batches, interleaved with this checkout's, and prints this checkout's maps/s against it."""
import argparse, importlib, importlib.util, json, os, platform, statistics, sys, time
import torch
from pathlib import Path
from pytorch_grad_cam import GradCAM, HiResCAM, GradCAMPlusPlus, XGradCAM, LayerCAM, ScoreCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from cifar_gradcam.core import native_bf16, cpu_name
from cifar_gradcam.model import resnet18_cifar
from cifar_gradcam.gradcam import cam_maps, find_layer, CAMS

THEIRS = {'gradcam': GradCAM, 'hirescam': HiResCAM, 'gradcam++': GradCAMPlusPlus, 'xgradcam': XGradCAM, 'layercam': LayerCAM, 'scorecam': ScoreCAM}

def device_desc(dev):
    if dev.type == 'cuda': return f"{torch.cuda.get_device_name(dev)} (CUDA {torch.version.cuda})"
    return f"CPU: {cpu_name()}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}, bf16 instructions: {native_bf16()}"

def ours(model, x, layer, targets, method, bs):
    cam_maps(model, x, layer, targets, [method], bs=bs)

def package_from(folder, name='cifar_gradcam_before'):
    "The `gradcam` module of the cifar_gradcam package in `folder`, imported under another name beside this checkout's."
    spec = importlib.util.spec_from_file_location(name, Path(folder)/'cifar_gradcam'/'__init__.py', submodule_search_locations=[str(Path(folder)/'cifar_gradcam')])
    sys.modules[name] = importlib.util.module_from_spec(spec); spec.loader.exec_module(sys.modules[name])
    return importlib.import_module(f'{name}.gradcam')

def before(gc):
    def run(model, x, layer, targets, method, bs): gc.cam_maps(model, x, layer, targets, [method], bs=bs)
    return run

def theirs(model, x, layer, targets, method, bs):
    with THEIRS[method](model=model, target_layers=[find_layer(model, layer)[1]]) as cam:
        if method == 'scorecam': cam.batch_size = bs
        for i in range(0, len(x), bs): cam(x[i:i+bs], targets=[ClassifierOutputTarget(int(t)) for t in targets[i:i+bs]])

def timed(f, *args):
    if torch.cuda.is_available(): torch.cuda.synchronize()
    start = time.perf_counter(); f(*args)
    if torch.cuda.is_available(): torch.cuda.synchronize()
    return time.perf_counter() - start

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--images', type=int, default=256); p.add_argument('--score-images', type=int, default=4)
    p.add_argument('--bs', type=int, default=128); p.add_argument('--layer', default='layer4')
    p.add_argument('--methods', default=','.join(CAMS)); p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--before', default=None, help="a cifar_gradcam checkout to time beside this one (a git worktree of the commit before a change)")
    p.add_argument('--out', default='bench/results-cams.json')
    a = p.parse_args()
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.manual_seed(0)
    model = resnet18_cifar().to(dev).eval()
    rows, sides = [], {'cifar_gradcam': ours, 'pytorch-grad-cam': theirs}
    if a.before: sides['before'] = before(package_from(a.before))
    for method in a.methods.split(','):
        n = a.score_images if method == 'scorecam' else a.images
        x = torch.randn(n, 3, 32, 32, device=dev)
        with torch.no_grad(): targets = model(x).argmax(1)
        for f in sides.values(): f(model, x[:2], a.layer, targets[:2], method, a.bs)   # warm-up
        t = {k: [] for k in sides}
        for _ in range(a.repeats):
            for k, f in sides.items(): t[k].append(timed(f, model, x, a.layer, targets, method, a.bs))
        med = {k: statistics.median(v) for k, v in t.items()}
        rows.append(dict(method=method, images=n, ours_maps_per_s=n / med['cifar_gradcam'], theirs_maps_per_s=n / med['pytorch-grad-cam'],
                         speedup=med['pytorch-grad-cam'] / med['cifar_gradcam'], seconds=t))
        r = rows[-1]
        if a.before: r.update(before_maps_per_s=n / med['before'], vs_before=med['before'] / med['cifar_gradcam'])
        extra = f"; before {r['before_maps_per_s']:8.1f}, this checkout {r['vs_before']:.3f}x of its speed" if a.before else ''
        print(f"{method:>10}: {r['ours_maps_per_s']:8.1f} maps/s ours, {r['theirs_maps_per_s']:8.1f} pytorch-grad-cam, {r['speedup']:.2f}x{extra}", flush=True)
    print(f"\n{device_desc(dev)}; ResNet18, {a.layer}, batches of {a.bs}, median of {a.repeats} interleaved runs")
    print("| method | images | cifar_gradcam maps/s | pytorch-grad-cam maps/s | ours vs theirs |\n|---|---|---|---|---|")
    for r in rows: print(f"| {r['method']} | {r['images']} | {r['ours_maps_per_s']:.1f} | {r['theirs_maps_per_s']:.1f} | {r['speedup']:.2f}x |")
    res = dict(device=device_desc(dev), layer=a.layer, bs=a.bs, repeats=a.repeats, torch=torch.__version__, before=a.before, results=rows)
    os.makedirs(os.path.dirname(a.out) or '.', exist_ok=True)
    with open(a.out + '.tmp', 'w') as f: json.dump(res, f, indent=2)
    os.replace(a.out + '.tmp', a.out)
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
