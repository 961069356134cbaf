// report.html's explorer (08_report): reads the mistakes from the page's JSON block and shows those of a clicked cell, a class, or all;
// then, where the run recorded a Grad-CAM history, the epoch slider over it.
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
function tile(src, alt, map, label) {
  const t = document.createElement('div'); t.className = 'tile';
  const img = document.createElement('img'); img.src = src; img.alt = alt; t.append(img);
  if (map) t.append(heat(map));
  const s = document.createElement('span'); s.textContent = label; t.append(s); return t;
}
function figure(e) {
  const f = document.createElement('figure'); f.className = 'example';
  f.dataset.true = C[e.true]; f.dataset.pred = C[e.pred]; f.dataset.loss = e.loss;
  const tiles = document.createElement('div'); tiles.className = 'tiles';
  const alt = C[e.true];
  tiles.append(tile(e.img, alt, null, 'image'), tile(e.img, alt, e.map_pred, 'Grad-CAM: ' + C[e.pred]), tile(e.img, alt, e.map_true, 'Grad-CAM: ' + C[e.true]));
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

// The epoch slider: the history's images with the predicted class's map after the chosen epoch, and that epoch's numbers.
const H = document.getElementById('history');
if (H) {
  const h = JSON.parse(H.textContent), slider = document.getElementById('epoch'), grid = document.getElementById('history-grid'), said = document.getElementById('epoch-numbers');
  const last = h.epochs[h.epochs.length - 1].epoch;
  function epoch(k) {
    const o = h.epochs[k], right = o.right.filter(r => r).length;   // multi-label: right when the image's class is given
    said.textContent = `epoch ${o.epoch} of ${last}: ${right} of ${h.true.length} of these images right` +
      (o.test_acc == null ? '' : `, test accuracy ${(100 * o.test_acc).toFixed(2)}%`) + `, deletion score of the maps ${o.deletion.toFixed(3)}`;
    grid.replaceChildren(...h.images.map((src, i) => {
      const ok = o.right[i], f = document.createElement('figure'), cap = document.createElement('figcaption');
      f.className = 'history ' + (ok ? 'right' : 'wrong'); f.dataset.true = C[h.true[i]]; f.dataset.pred = C[o.pred[i]];
      cap.textContent = `${ok ? '✓' : '✗'} ${C[o.pred[i]]} ${o.prob[i].toFixed(2)}`;
      f.append(tile(src, C[h.true[i]], o.maps[i], 'true ' + C[h.true[i]]), cap); return f;
    }));
  }
  slider.addEventListener('input', () => epoch(+slider.value)); epoch(+slider.value);
}
