"""Open the built docs site (_docs/) in headless Chromium, as a reader would, and check every page:
it renders with a title and section headings, the API pages show their parameter tables, every image has loaded,
every figure the notebook keeps is on the page (and the pages that must show figures show them), the browser console
has no error, and search finds `grad_cam`. Screenshots of the home page and of every page with figures go to
_docs_check/. Prints one line a check and ends with 'docs checks: N passed, N failed'; exits 1 on any failure."""
import ast, io, json, re, shutil, sys, tokenize
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from book import chapters
from cifar_gradcam.testing import serve_folder, headless_chrome
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

SITE, SHOTS = Path('_docs'), Path('_docs_check')
PAGES = {c['page']: c['title'] for c in chapters()}   # every notebook, with the title it gives itself
def documents_parameters(nb:Path)->bool:
    "Whether an exported function of the notebook `nb` comments its parameters (nbdev's docments), which `show_doc` draws as a table."
    for c in json.loads(nb.read_text())['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] != 'code' or not re.match(r'#\|\s*export', src): continue
        comments = {t.start[0] for t in tokenize.generate_tokens(io.StringIO(src).readline) if t.type == tokenize.COMMENT}
        for f in ast.walk(ast.parse(src)):
            if isinstance(f, ast.FunctionDef) and comments & set(range(f.lineno, f.body[0].lineno)): return True
    return False

API_PAGES = [c['page'] for c in chapters() if c['module'] and documents_parameters(Path('nbs')/c['file'])]   # each shows parameter tables

# The pages that must show figures whatever their notebooks hold (a notebook stripped of its outputs fails here).
MIN_IMAGES = {'01_data': 1, '02_model': 1, '04_train': 1, '05_interpret': 1, '06_gradcam': 3, '08a_learner': 3, 'tutorial': 3}

def stored_figures(nb:Path)->int:
    "How many images the notebook `nb` keeps as outputs of cells the docs show (not `#| hide`)."
    cells = [c for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code' and not re.search(r'^#\|\s*hide\s*$', ''.join(c['source']), re.M)]
    return sum(any(k.startswith('image/') for k in o.get('data', {})) for c in cells for o in c.get('outputs', []))

FIGURES = {c['page']: max(stored_figures(Path('nbs')/c['file']), MIN_IMAGES.get(c['stem'], 0)) for c in chapters()}

def screenshot(d, name):
    "The whole page, top to bottom, into _docs_check/."
    d.set_window_size(1280, min(16000, d.execute_script('return document.body.scrollHeight')))
    d.save_screenshot(str(SHOTS/name))
    d.set_window_size(1280, 1600)

def check_page(d, url, page):
    d.get(url + page)
    WebDriverWait(d, 20).until(lambda d: d.execute_script('return document.readyState') == 'complete')
    WebDriverWait(d, 20).until(lambda d: d.execute_script('return [...document.images].every(i => i.complete)'))
    h1 = [e.text for e in d.find_elements(By.CSS_SELECTOR, 'article h1')]
    assert h1 and h1[0].strip(), f'no title (h1)'
    assert PAGES[page].lower() in h1[0].lower(), f'title {h1[0]!r} is not {PAGES[page]!r}'
    h2 = d.find_elements(By.CSS_SELECTOR, 'article h2, article h3, article h4')
    toc_wrong = d.execute_script("""
        const heads = new Set([...document.querySelectorAll('article h2, article h3, article h4')].map(h => h.textContent.replace('\u00b6', '').trim()));
        return [...document.querySelectorAll('.md-sidebar--secondary .md-nav__link')].map(a => a.textContent.trim()).filter(t => !heads.has(t));""")
    assert not toc_wrong, f'table-of-contents entries that match no heading: {toc_wrong}'
    broken = d.execute_script('return [...document.images].filter(i => !i.naturalWidth).map(i => i.src)')
    assert not broken, f'broken images: {broken}'
    errors = [l['message'] for l in d.get_log('browser') if l['level'] == 'SEVERE']
    assert not errors, f'console errors: {errors}'
    n_img = d.execute_script("return [...document.querySelectorAll('article img')].length")
    assert n_img >= FIGURES[page], f'{n_img} images on the page, but its notebook has {FIGURES[page]} figures to show'
    if FIGURES[page] or page == 'index.html': screenshot(d, page.replace('.html', '.png'))
    n_tables = len(d.find_elements(By.CSS_SELECTOR, 'article table'))
    if page in API_PAGES:
        assert h2, 'no section headings'
        assert n_tables, 'no API parameter table'
    return f"{len(h2)} headings, {n_tables} tables, {n_img} images"

def check_search(d, url):
    d.get(url + 'index.html')
    WebDriverWait(d, 20).until(lambda d: d.execute_script('return document.readyState') == 'complete')
    box = WebDriverWait(d, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, 'input.md-search__input'))
    box.click()
    box.send_keys('grad_cam')
    hits = WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.md-search-result__item'))
    assert hits, 'search found nothing'
    return f"{len(hits)} results for grad_cam"

def main():
    if not (SITE/'index.html').exists(): sys.exit(f"no site in {SITE}: run `make docs` first")
    shutil.rmtree(SHOTS, ignore_errors=True); SHOTS.mkdir()
    with serve_folder(SITE) as site: passed, failed = check_site(site + '/')
    print(f"docs checks: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

def check_site(url)->tuple:
    d, passed, failed = headless_chrome(), 0, 0
    try:
        checks = [(p, lambda p=p: check_page(d, url, p)) for p in PAGES] + [('search', lambda: check_search(d, url))]
        for name, f in checks:
            try: print(f"ok   docs {name}: {f()}"); passed += 1
            except Exception as e: print(f"FAIL docs {name}: {str(e).splitlines()[0] if str(e) else type(e).__name__}"); failed += 1
        print(f"screenshots in {SHOTS}/: " + ', '.join(sorted(o.name for o in SHOTS.glob('*.png'))))
    finally: d.quit()
    return passed, failed

if __name__ == '__main__': main()
