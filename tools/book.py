"""The book's chapters, read from the notebooks in nbs/: the one list that the docs nav (tools/docs.py), the docs check
(tools/check_docs.py) and the table on the home page (nbs/index.ipynb, checked by tools/check_layout.py) are made from.

Order: the home page (index), the tutorial, then the numbered notebooks by number. A chapter's title and description are
the notebook's own (its first cell, `# Title` and `> description`), its module the notebook's `#| default_exp`. Notebooks
numbered 90 and up are the project's own machinery (the docs renderer): built, tested and checked like the rest, but not
chapters a reader is shown, so they stay out of the docs nav and the home page's table (`reading`)."""
import json, re
from pathlib import Path

NBS = Path(__file__).resolve().parent.parent/'nbs'
FIRST = ('index', 'tutorial')   # before the numbered notebooks

def _cells(nb:Path, kind:str)->list: return [''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == kind]

def chapter(nb:Path)->dict:
    "Stem, page, title, description and module (or None) of the notebook `nb`."
    head = _cells(nb, 'markdown')[0]
    title = re.search(r'^# (.+)$', head, re.M)
    desc = re.search(r'^> (.+)$', head, re.M)
    exp = next((m[1] for c in _cells(nb, 'code') if (m := re.search(r'^#\|\s*default_exp\s+(\S+)', c, re.M))), None)
    return dict(stem=nb.stem, file=nb.name, page=f'{nb.stem}.html', title=title[1].strip() if title else nb.stem,
                description=desc[1].strip() if desc else '', module=f'cifar_gradcam.{exp}' if exp else None,
                machinery=bool(re.match(r'9\d_', nb.stem)))

def chapters(nbs:Path=NBS)->list:
    "Every notebook of `nbs` as a chapter, in the book's order."
    files = sorted(Path(nbs).glob('*.ipynb'), key=lambda f: (FIRST.index(f.stem) if f.stem in FIRST else len(FIRST), f.stem))
    return [chapter(f) for f in files]

def reading(nbs:Path=NBS)->list:
    "The chapters a reader is shown: all but the project's machinery."
    return [c for c in chapters(nbs) if not c['machinery']]

def nav_title(ch:dict)->str: return 'Home' if ch['stem'] == 'index' else ch['title']

def chapters_table(nbs:Path=NBS)->str:
    "The Markdown table of the chapters after the home page: notebook, module, what it holds."
    cell = lambda s: s.replace('|', '\\|')
    rows = [f"| `{c['stem']}` | {'`'+c['module']+'`' if c['module'] else ''} | {cell(c['title'])}: {cell(c['description'])} |" for c in reading(nbs)[1:]]
    return '\n'.join(['| notebook | module | what it holds |', '|---|---|---|', *rows])

if __name__ == '__main__':
    for c in chapters(): print(f"{c['stem']:<14} {str(c['module']):<26} {c['title']}")
