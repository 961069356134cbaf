"""Re-execute notebooks in place and keep their outputs (`make outputs`):

    python tools/outputs.py                 every notebook of the book (tools/book.py), in order
    python tools/outputs.py 04_train ...    only these (reusing the cached example model, `mini_learner`)

Each notebook runs as a reader runs it in Jupyter, from nbs/, with the figures as PNG; not under test (IN_TEST is unset),
so a notebook that sizes its examples by `IN_TEST` uses its full sizes on the mini set; `$CIFAR_MINI` is set, so the
tutorial reads the mini set too instead of downloading CIFAR-10. The book's example model (`mini_learner`) is trained
afresh once, then read from the cache by the notebooks after; with `$CIFAR_GRADCAM_BOOK_RUN` naming a `cifar-gradcam` run
folder of the full CIFAR-10, the figures of what a trained model shows (`05_interpret`, `06_gradcam`, `08_report`) come from that
run's model instead (`book_learner`, `04_train`):

    CIFAR_GRADCAM_BOOK_RUN=$PWD/runs/full-10ep-sgd python tools/outputs.py 05_interpret 06_gradcam 08_report   # absolute: the notebooks run in nbs/

Cells marked `#| eval: false` and nbdev's `slow` test cells are skipped, as a plain `nbdev-test` skips them. Logs that only repeat a test stay out (`tidy`: warnings and other stderr,
progress bars, the tables of the tests' tiny fits); then nbdev-clean, which keeps outputs. Prints the seconds and the size of each
notebook. `python tools/outputs.py --tidy` only tidies the stored outputs, without running anything."""
import json, os, re, sys, time
from pathlib import Path
os.environ.pop('IN_TEST', None)
from fastcore.nbio import write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.clean import nbdev_clean
from nbdev.process import NBProcessor
from nbdev.test import _skip_cell
from cifar_gradcam.core import default_cache_dir, mini_path
sys.path.insert(0, str(Path(__file__).parent))
from book import NBS, chapters

def run_notebook(fn:Path):
    "Execute the notebook `fn` top to bottom and write it back with its outputs; raise on the first failing cell."
    nb = NBProcessor(fn, rm_directives=False, process=True).nb
    shell = CaptureShell(fn, mpl_format='png')
    env = dict(os.environ)   # the notebooks share this process: what one sets (09_cli's cache folder) must not reach the next
    try:
        with working_directory(fn.parent):
            shell.run_all(nb, exc_stop=True, preproc=_skip_cell(nb, skip_flags=['slow']))
    finally: os.environ.clear(); os.environ.update(env)
    write_nb(nb, fn)

NOISE = [r'^\s*█[█\s]*$',                                   # what a finished progress bar leaves
         r'\|[█-]*\|\s*[\d.]+% \[',                         # a fastprogress bar in a console
         r'^epoch\s{2,}train_loss', r'^\d+\s+[\d.]+\s.*\d\d:\d\d\s*$',   # fastprogress's console table of a fit
         r'^epoch \d+ .*\b00:00\s*$']                                # an epoch of a test's tiny fit (under a second)

def tidy_text(text:str)->str:
    "`text` as a terminal ends up showing it (each line after its last carriage return), without the lines that match `NOISE`."
    lines = [l.rsplit('\r', 1)[-1] for l in text.replace('\r\n', '\n').split('\n')]
    return re.sub(r'\n\s*\n(\s*\n)+', '\n\n', '\n'.join(l for l in lines if not any(re.search(p, l) for p in NOISE)))

def tidy(fn:Path):
    "Drop the outputs of `fn` that only repeat a test: every stderr stream, and the noise of stdout streams."
    nb = json.loads(fn.read_text())
    for c in nb['cells']:
        outs = []
        for o in c.get('outputs', []):
            if o['output_type'] == 'stream':
                if o['name'] == 'stderr': continue
                text = tidy_text(''.join(o['text']))
                if not text.strip(): continue
                o['text'] = text.strip('\n').splitlines(keepends=True)
                o['text'][-1] += '\n'
            outs.append(o)
        if 'outputs' in c: c['outputs'] = outs
    fn.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    nbdev_clean(str(fn))

def main(names):
    os.environ.setdefault('CIFAR_MINI', str(mini_path()))
    if not names:   # the whole book: the example model of this code, trained afresh; some notebooks only: the cached one
        for f in default_cache_dir().glob('mini-learner-*.pth'): f.unlink()
    files = [NBS/f'{n}.ipynb' for n in names] if names else [NBS/c['file'] for c in chapters()]
    for fn in files:
        start = time.time()
        run_notebook(fn)
        tidy(fn)
        print(f"{fn.name}: {time.time()-start:.0f} s, {fn.stat().st_size/1e6:.2f} MB", flush=True)

if __name__ == '__main__':
    if '--tidy' in sys.argv:
        for c in chapters(): tidy(NBS/c['file'])
    else: main([Path(a).stem for a in sys.argv[1:]])
