// report.html's explorer (08_report): reads the mistakes from the page's JSON block and shows those of a clicked cell, a class, or all.
const D = JSON.parse(document.getElementById('mistakes').textContent), C = D.classes;
const gallery = document.getElementById('gallery'), showing = document.getElementById('showing'), more = document.getElementById('more');
let shown = [], upto = 0;
function jet(v) { const c = x => Math.round(255 * Math.max(0, Math.min(1, x))); return [c(1.5 - Math.abs(4*v - 3)), c(1.5 - Math.abs(4*v - 2)), c(1.5 - Math.abs(4*v - 1))]; }
function heat(map) {
  const cv = document.createElement('canvas'); cv.width = map[0].length; cv.height = map.length;
  const ctx = cv.getContext('2d'), im = ctx.createImageData(cv.width, cv.height);
  map.flat().forEach((v, i) => im.data.set([...jet(v), 255], 4 * i));
  ctx.putImageData(im, 0, 0); return cv;
}
function tile(e, map, label) {
  const t = document.createElement('div'); t.className = 'tile';
  const img = document.createElement('img'); img.src = e.img; img.alt = C[e.true]; t.append(img);
  if (map) t.append(heat(map));
  const s = document.createElement('span'); s.textContent = label; t.append(s); return t;
}
function figure(e) {
  const f = document.createElement('figure'); f.className = 'example';
  f.dataset.true = C[e.true]; f.dataset.pred = C[e.pred]; f.dataset.loss = e.loss;
  const tiles = document.createElement('div'); tiles.className = 'tiles';
  tiles.append(tile(e, null, 'image'), tile(e, e.map_pred, 'Grad-CAM: ' + C[e.pred]), tile(e, e.map_true, 'Grad-CAM: ' + C[e.true]));
  const cap = document.createElement('figcaption');
  cap.innerHTML = `<span class="pred">predicted ${C[e.pred]} ${e.p_pred.toFixed(2)}</span> &middot; <span class="true">true ${C[e.true]} ${e.p_true.toFixed(2)}</span> &middot; loss ${e.loss.toFixed(2)} &middot; test image ${e.index}`;
  f.append(tiles, cap); return f;
}
function page() { shown.slice(upto, upto + 100).forEach(e => gallery.append(figure(e))); upto += 100; more.hidden = upto >= shown.length; }
function show(keep, what) {
  shown = D.mistakes.filter(keep); upto = 0; gallery.replaceChildren();
  showing.textContent = `${what}: ${shown.length} image${shown.length == 1 ? '' : 's'}, highest loss first`; page();
}
document.querySelectorAll('#confusion td[data-true]').forEach(td => td.addEventListener('click',
  () => show(e => C[e.true] == td.dataset.true && C[e.pred] == td.dataset.pred, `true ${td.dataset.true}, predicted ${td.dataset.pred}`)));
document.getElementById('all').addEventListener('click', () => show(e => true, 'all mistakes'));
document.getElementById('cls').addEventListener('change', ev => { const c = ev.target.value;
  if (c) show(e => C[e.true] == c || C[e.pred] == c, `mistakes on ${c} (true or predicted)`); });
more.addEventListener('click', page);
