"""A finished `cifar-gradcam` run as a results JSON for `bench/`: its numbers (`metrics.json`), the minutes of each step (the
run's own printed lines), its peak memory (`/usr/bin/time -v` around it) and how fast its `report.html` opens in Chromium.

    /usr/bin/time -v cifar-gradcam --path DIR --out runs/NAME 2>&1 | tee runs/NAME.log
    python bench/run_record.py --run runs/NAME --log runs/NAME.log --what "..." --out bench/results-NAME.json

Run it on the machine that ran the training: it names that machine. The page is opened `--loads` times from disk
(navigationStart to loadEventEnd), with its console errors and the hosts it asks for, which must be none."""
import argparse, json, re
from pathlib import Path
import torch, fastai
from cifar_gradcam.core import cpu_name, native_bf16
from cifar_gradcam.testing import headless_chrome, page_log

def page_load(page:Path, loads:int=3)->dict:
    "Bytes of `page`, the milliseconds each of `loads` openings took, the mistakes its explorer carries, and what it asked of the network."
    d = headless_chrome()
    try:
        ms, asked, errors = [], set(), []
        for _ in range(loads):
            d.get(page.resolve().as_uri())
            ms.append(d.execute_script("const t = performance.timing; return t.loadEventEnd - t.navigationStart"))
            e, urls = page_log(d, page.resolve().as_uri())
            errors += e; asked |= {u.split(':')[0] for u in urls}
        mistakes = d.execute_script("return JSON.parse(document.getElementById('mistakes').textContent).mistakes.length")
    finally: d.quit()
    return dict(bytes=page.stat().st_size, load_ms=ms, mistakes=mistakes, console_errors=errors, schemes_asked=sorted(asked),
                note="Debian Chromium headless, file:// URL, navigationStart to loadEventEnd")

def log_numbers(log:str)->dict:
    "From a run's printed lines: each epoch's minutes, the LR finder's seconds, each output step's seconds, the peak memory."
    mins = [sum(int(p) * 60 ** i for i, p in enumerate(reversed(t.split(':')))) / 60 for t in re.findall(r"epoch \d+ .* time (\S+)$", log, re.M)]
    steps = {k: int(v) for k, v in re.findall(r"^(?:\d\d:\d\d:\d\d )?(.+): (\d+) s$", log, re.M)}
    rss = [int(k) / 2**20 for k in re.findall(r"Maximum resident set size \(kbytes\): (\d+)", log)]
    return dict(epoch_minutes=[round(m, 2) for m in mins], steps=steps, peak_rss_gb=[round(r, 2) for r in rss])

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--run', required=True); p.add_argument('--log', required=True)
    p.add_argument('--what', required=True, help="what the run was, in a sentence"); p.add_argument('--command', default='')
    p.add_argument('--loads', type=int, default=3); p.add_argument('--out', required=True)
    a = p.parse_args()
    run, m = Path(a.run), json.loads((Path(a.run)/'metrics.json').read_text())
    nums = log_numbers(Path(a.log).read_text(errors='replace').replace('\r', '\n'))
    res = dict(what=a.what, command=a.command, data=f"{m['data']}: {m['train_size']:,} training and {m['test_size']:,} test images",
               machine=f"{cpu_name()}, {torch.get_num_threads()} threads, bf16 instructions: {native_bf16()}; no GPU" if m['device'] == 'cpu' else m['device'],
               numerics=m['numerics'], seed=m['seed'], bs=m['bs'], epochs=m['epochs'], opt=m['opt'], wd=m['wd'], label_smoothing=m['label_smoothing'],
               lr=m['lr'], lr_rule=m['lr_rule'], lr_picks=m['lr_picks'], lr_find_iters=m['lr_find_iters'], lr_find_images=m['lr_find_images'],
               history=m['history'], test_acc=m['test_acc'], train_acc=m['train_acc'], test_acc_tta=m['test_acc_tta'],
               train_images=m['train_images'], train_seconds=m['train_seconds'], resumed_after_epoch=m['resumed_after_epoch'], **nums,
               report_html=page_load(run/'report.html', a.loads), gradcam_faithfulness=m['gradcam_faithfulness'],
               cam_history=m['cam_history'], cam_scores=m['cam_scores'], versions=dict(m['versions'], fastai_here=fastai.__version__))
    Path(a.out).write_text(json.dumps(res, indent=1) + '\n')
    print(f"wrote {a.out}: test accuracy {m['test_acc']:.2%}, report.html {res['report_html']['bytes'] / 1e6:.2f} MB in {res['report_html']['load_ms']} ms")

if __name__ == '__main__': main()
