"""What the JPEG copy costs a model trained on it: its accuracy on the original pixels against the JPEG ones, on the same images.

    python bench/jpeg_cost.py --run runs/NAME --out bench/results-jpeg-cost.json

The mini set's test split is the first 1,017 images of CIFAR-10's test batch as the original PNGs; the even-numbered half
of them (numbered within their class, as the copy numbers its files) are also in the JPEG copy's test split. The run's
model (`model.pth`, read with `weights_only=True`) is scored in float32 on: the 1,017 PNGs; the same PNGs compressed by PIL
at quality 75; and, on the 510 images in both, the PNGs against the copy's own JPEG files (their mean absolute pixel
difference, about 6 of 255, shows the files are matched)."""
import argparse, io, json, numpy as np, torch
from pathlib import Path
from PIL import Image
from cifar_gradcam.model import resnet18_cifar
from cifar_gradcam.data import cifar_stats
p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
p.add_argument('--run', required=True, help='a cifar-gradcam run folder of the full set (its model.pth)')
p.add_argument('--mini', default='../shared/data/cifar10_mini'); p.add_argument('--full', default='../shared/data/cifar10')
p.add_argument('--out', required=True)
a = p.parse_args()
run, mini, full = Path(a.run), Path(a.mini), Path(a.full)
vocab = sorted(p.name for p in (full/'train').iterdir())
m = resnet18_cifar(); m.load_state_dict(torch.load(run/'model.pth', map_location='cpu', weights_only=True)); m.eval()
mean, std = (torch.tensor(s).view(1, 3, 1, 1) for s in cifar_stats)
def jpeg(im, q=75):
    b = io.BytesIO(); im.save(b, 'JPEG', quality=q); return Image.open(io.BytesIO(b.getvalue())).convert('RGB')
def acc(ims, ys):
    x = torch.tensor(np.stack([np.asarray(i) for i in ims])).permute(0, 3, 1, 2).float() / 255
    with torch.no_grad(): p = torch.cat([m((xb - mean) / std).argmax(1) for xb in x.split(256)])
    return (p == torch.tensor(ys)).float().mean().item()
files = sorted((mini/'test').glob('*/*.png'))
ys = [vocab.index(f.parent.name) for f in files]
png = [Image.open(f).convert('RGB') for f in files]
rank = {}   # the copy numbers each class's test images in test_batch order, and keeps the even numbers
for c in {f.parent.name for f in files}:
    for r, i in enumerate(sorted((i for i, f in enumerate(files) if f.parent.name == c), key=lambda i: int(files[i].stem.split('_')[0]))): rank[i] = r
even = [i for i in range(len(files)) if rank[i] % 2 == 0]
copy = [Image.open(full/'test'/files[i].parent.name/f"{rank[i]:04d}.jpg").convert('RGB') for i in even]
info = json.loads((run/'metrics.json').read_text())
res = dict(model=str(run), run=dict(lr=info['lr'], epochs=info['epochs'], test_acc_on_the_copy=info['test_acc'], n_test=5000), n=len(files), png=acc(png, ys), pil_jpeg75=acc([jpeg(i) for i in png], ys),
           n_even=len(even), png_even=acc([png[i] for i in even], [ys[i] for i in even]), copy_even=acc(copy, [ys[i] for i in even]),
           pixel_diff=float(np.mean([np.abs(np.asarray(png[i], dtype=float) - np.asarray(c, dtype=float)).mean() for i, c in zip(even, copy)])))
Path(a.out).write_text(json.dumps(res, indent=1) + '\n'); print(json.dumps(res, indent=1))
