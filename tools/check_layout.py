"""Check that the book reads front to back and its lists agree (run by `make test`; exits 1 on a failure).

    python tools/check_layout.py

1. Every module exported from nbs/ imports only the modules of its own or earlier notebooks, in the book's order
   (tools/book.py), and so does the code of every module notebook: no chapter leans on a later one.
2. No library module imports `unittest` (test tools belong in the notebooks' test cells).
3. The chapter table stored in nbs/index.ipynb (the README's table) is the one tools/book.py derives from nbs/ now.
4. The tutorial stays the original in a dozen lines: at most `TUTORIAL_LINES` lines of code outside its `#| eval: false`
   install cell (directives, comments and blank lines not counted), and it exports nothing.
A self-test runs first: a made-up book whose first module imports its second must fail check 1."""
import ast, json, sys, tempfile
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from book import chapters, chapters_table

def imported_modules(code:str, pkg:str='cifar_gradcam')->set:
    "The modules of `pkg` that `code` imports (`from pkg.x import`, `from .x import`, `import pkg.x`)."
    lines = [l for l in code.splitlines() if not l.lstrip().startswith(('!', '%'))]   # notebook shell and magic lines
    mods = set()
    for node in ast.walk(ast.parse('\n'.join(lines))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level == 1: mods.add(node.module.split('.')[0])
            elif node.module.startswith(pkg + '.'): mods.add(node.module.split('.')[1])
        elif isinstance(node, ast.Import):
            mods |= {a.name.split('.')[1] for a in node.names if a.name.startswith(pkg + '.')}
    return mods

def order_problems(nbs:Path, lib:Path, pkg:str='cifar_gradcam')->list:
    "Each import, by a library module or a module notebook, of a module from a later notebook."
    order = [c for c in chapters(nbs) if c['module']]
    rank = {c['module'].split('.', 1)[1]: i for i, c in enumerate(order)}
    problems = []
    def check(where, own, code):
        for m in sorted(imported_modules(code, pkg)):
            if m in rank and rank[m] > rank[own]: problems.append(f"{where} imports {pkg}.{m}, from a later notebook ({order[rank[m]]['stem']})")
    for c in order:
        own = c['module'].split('.', 1)[1]
        if (lib/f'{own}.py').exists(): check(f"{lib.name}/{own}.py", own, (lib/f'{own}.py').read_text())
        cells = json.loads((nbs/c['file']).read_text())['cells']
        check(f"nbs/{c['file']}", own, '\n'.join(''.join(x['source']) for x in cells if x['cell_type'] == 'code'))
    return problems

def unittest_problems(lib:Path)->list:
    return [f"{f.parent.name}/{f.name} imports unittest" for f in sorted(lib.glob('*.py')) if 'unittest' in imported_any(f.read_text())]

def imported_any(code:str)->set:
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import): names |= {a.name.split('.')[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level: names.add(node.module.split('.')[0])
    return names

def table_problems(nbs:Path)->list:
    "The stored table output of nbs/index.ipynb against the table derived now."
    outs = [''.join(o.get('data', {}).get('text/markdown', '')) for c in json.loads((nbs/'index.ipynb').read_text())['cells']
            if c['cell_type'] == 'code' for o in c.get('outputs', [])]
    table = chapters_table(nbs)
    if table in outs: return []
    return ["nbs/index.ipynb's chapter table is not the one the notebooks give now: re-run index.ipynb (make outputs) and commit it"]

TUTORIAL_LINES = 20

def tutorial_problems(nbs:Path)->list:
    "The tutorial's code beyond `TUTORIAL_LINES` lines, or an export from it."
    cells = [''.join(c['source']) for c in json.loads((nbs/'tutorial.ipynb').read_text())['cells'] if c['cell_type'] == 'code']
    code = [l for c in cells if '#| eval: false' not in c for l in c.splitlines() if l.strip() and not l.lstrip().startswith('#')]
    problems = [f"nbs/tutorial.ipynb has {len(code)} lines of code outside its install cell, more than {TUTORIAL_LINES}"] if len(code) > TUTORIAL_LINES else []
    return problems + (["nbs/tutorial.ipynb exports code; it only uses the library"] if any('#| export' in c or '#| default_exp' in c for c in cells) else [])

def self_test():
    "A book whose first module imports its second must be caught; the same book in the right order must pass."
    with tempfile.TemporaryDirectory() as d:
        nbs, lib = Path(d)/'nbs', Path(d)/'pkg'
        nbs.mkdir(); lib.mkdir()
        for i, m in enumerate('ab'):
            cell = dict(cell_type='code', source=[f'#| default_exp {m}'], outputs=[], metadata={})
            (nbs/f'0{i}_{m}.ipynb').write_text(json.dumps(dict(cells=[dict(cell_type='markdown', source=[f'# {m}'], metadata={}), cell])))
        (lib/'a.py').write_text('from .b import *\n'); (lib/'b.py').write_text('import os\n')
        caught = order_problems(nbs, lib, 'pkg')
        assert caught == ["pkg/a.py imports pkg.b, from a later notebook (01_b)"], caught
        (lib/'a.py').write_text('import os\n'); (lib/'b.py').write_text('from pkg.a import *\n')
        assert order_problems(nbs, lib, 'pkg') == [], 'a module importing an earlier one was reported'

def main():
    self_test()
    root = Path(__file__).resolve().parent.parent
    nbs, lib = root/'nbs', root/'cifar_gradcam'
    problems = order_problems(nbs, lib) + unittest_problems(lib) + table_problems(nbs) + tutorial_problems(nbs)
    for p in problems: print(f"FAIL layout: {p}")
    if problems: sys.exit(1)
    print("ok   layout: " + ' -> '.join(c['stem'] for c in chapters(nbs)) + "; no upward import, no unittest in the library, the index table is current, "
          f"the tutorial's code is {TUTORIAL_LINES} lines or fewer")

if __name__ == '__main__': main()
