"""Re-execute notebooks in place and keep their outputs (`make outputs`):

    python tools/outputs.py                 every notebook of the book (tools/book.py), in order
    python tools/outputs.py 04_train ...    only these

Each notebook runs as a reader runs it in Jupyter, from nbs/, with the figures as PNG; not under test (IN_TEST is unset),
so a notebook that sizes its examples by `IN_TEST` uses its full sizes on the mini set; `$CIFAR_MINI` is set, so the
tutorial reads the mini set too instead of downloading CIFAR-10. The book's example model (`mini_learner`) is trained
afresh once, then read from the cache by the notebooks after. Cells marked `#| eval: false` and nbdev's `slow` test cells
are skipped, as a plain `nbdev-test` skips them. The notebooks are then cleaned with nbdev-clean, which keeps outputs.
Prints the seconds and the size of each notebook."""
import os, sys, time
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
    with working_directory(fn.parent):
        shell.run_all(nb, exc_stop=True, preproc=_skip_cell(nb, skip_flags=['slow']))
    write_nb(nb, fn)

def main(names):
    os.environ.setdefault('CIFAR_MINI', str(mini_path()))
    for f in default_cache_dir().glob('mini-learner-*.pth'): f.unlink()   # the example model of this code, not an older one
    files = [NBS/f'{n}.ipynb' for n in names] if names else [NBS/c['file'] for c in chapters()]
    for fn in files:
        start = time.time()
        run_notebook(fn)
        nbdev_clean(str(fn))
        print(f"{fn.name}: {time.time()-start:.0f} s, {fn.stat().st_size/1e6:.2f} MB", flush=True)

if __name__ == '__main__': main([Path(a).stem for a in sys.argv[1:]])
