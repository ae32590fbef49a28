// The body map on screen: the drawing (#map svg, replaced by the server on every redraw), a
// pointer's position in millimetres of the map, and the zoom and pan, which survive redraws
// (the map's own viewBox is kept in data-base-viewbox). The map opens on the plan's areas
// (data-plan-box); at every change the orientation words are laid out again in bands at the
// edges of the part shown (layoutWords), then its points' labels between them (labels.js).

import { layoutLabels } from "./labels.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const ASCENT_EM = 0.8;
const WORD_PX = 14; // the orientation words (lateral, medial, the site...), bold
const WORD_MARGIN_PX = 8; // between them and the shown part's edge
// The most the bands of orientation words take, in CSS px: two rows at the top (the sides and
// what the top faces, then the site), one at the bottom.
const WORD_BANDS_PX = [WORD_MARGIN_PX + 2 * 1.3 * WORD_PX, WORD_MARGIN_PX + 1.3 * WORD_PX];

let viewBox = null; // zoom: [x, y, w, h] in mm, or null for the whole view
let panFrom = null;

export function svg() {
  return document.querySelector("#map svg");
}

export function round2(v) {
  return Math.round(v * 100) / 100;
}

/** Where a pointer event is on the map, in mm to 0.01. */
export function toMm(evt) {
  const s = svg();
  const pt = s.createSVGPoint();
  pt.x = evt.clientX;
  pt.y = evt.clientY;
  const p = pt.matrixTransform(s.getScreenCTM().inverse());
  return [round2(p.x), round2(p.y)];
}

function baseBox() {
  const s = svg();
  return s.getAttribute("data-base-viewbox") || s.getAttribute("viewBox");
}

function shownBox() {
  return (viewBox || baseBox().split(/[\s,]+/).map(Number)).slice();
}

/** Show the zoomed part of the map (or all of it), on the map as it is now; the labels are
 * laid out again unless `layout` is false (during a pan: once it ends). */
export function applyViewBox(layout = true) {
  const s = svg();
  if (!s) return;
  if (!s.getAttribute("data-base-viewbox")) {
    s.setAttribute("data-base-viewbox", s.getAttribute("viewBox"));
  }
  s.removeAttribute("width");
  s.removeAttribute("height");
  s.setAttribute("viewBox", viewBox ? viewBox.join(" ") : baseBox());
  if (layout) layout_(s, 10);
}

/** Lay the labels out once the map has its size on the screen (right after a redraw it may
 * have none yet: then at the next frames). */
function layout_(s, tries) {
  const r = s.getBoundingClientRect();
  if (r.width > 0 && r.height > 0) layoutAll(s);
  else if (tries > 0) requestAnimationFrame(function () { layout_(s, tries - 1); });
}

/** The words in their bands, then the labels between them, on the part of the map shown. */
function layoutAll(s) {
  const box = shown(s);
  const r = s.getBoundingClientRect();
  const scale = Math.min(r.width / box[2], r.height / box[3]);
  if (!(scale > 0)) return;
  const bands = layoutWords(s, [box[0], box[1], box[0] + box[2], box[1] + box[3]], scale);
  layoutLabels(s, box, bands);
}

/** The part of the map on the screen (x, y, w, h in mm): the zoomed box, widened to the
 * shape of the map's pane (the drawing keeps its proportions, centred). */
function shown(s) {
  const box = shownBox();
  const r = s.getBoundingClientRect();
  if (!(r.width > 0 && r.height > 0)) return box;
  const scale = Math.min(r.width / box[2], r.height / box[3]);
  const w = r.width / scale;
  const h = r.height / scale;
  return [box[0] - (w - box[2]) / 2, box[1] - (h - box[3]) / 2, w, h];
}

/** Show the plan's areas and points as large as the pane allows (the whole map if the plan
 * has none yet). */
export function zoomToPlan() {
  const s = svg();
  if (!s) return;
  const plan = s.getAttribute("data-plan-box");
  viewBox = plan ? plan.split(/[\s,]+/).map(Number) : null;
  const r = s.getBoundingClientRect();
  if (viewBox && r.height > WORD_BANDS_PX[0] + WORD_BANDS_PX[1] + 40) {
    // Room above and below the plan for the orientation words' bands (labels.js): the plan
    // lies wholly between them.
    const [x, y, w, h] = viewBox;
    const scale = Math.min(r.width / w, (r.height - WORD_BANDS_PX[0] - WORD_BANDS_PX[1]) / h);
    const top = WORD_BANDS_PX[0] / scale;
    viewBox = [x, y - top, w, h + top + WORD_BANDS_PX[1] / scale];
  }
  applyViewBox();
}

/** Lay the labels out again (after the pane changed size). */
export function relayout() {
  const s = svg();
  if (s) layoutAll(s);
}

/** Zoom by factor (below 1: closer) around centre in mm, or around the middle of the view. */
export function zoom(factor, centre) {
  const box = shownBox();
  const cx = centre ? centre[0] : box[0] + box[2] / 2;
  const cy = centre ? centre[1] : box[1] + box[3] / 2;
  const w = box[2] * factor;
  const h = box[3] * factor;
  viewBox = [cx - (cx - box[0]) * factor, cy - (cy - box[1]) * factor, w, h];
  applyViewBox();
}

export function resetZoom() {
  viewBox = null;
  applyViewBox();
}

/** A drag of the pan tool starts: the element capturing the pointer follows it. */
export function startPan(evt, capturer) {
  panFrom = { x: evt.clientX, y: evt.clientY, box: shownBox() };
  capturer.setPointerCapture(evt.pointerId);
}

/** The view follows a pan drag; false when no pan is going on. */
export function panTo(evt) {
  if (!panFrom) return false;
  const s = svg();
  const scale = panFrom.box[2] / s.getBoundingClientRect().width;
  viewBox = [panFrom.box[0] - (evt.clientX - panFrom.x) * scale,
             panFrom.box[1] - (evt.clientY - panFrom.y) * scale, panFrom.box[2], panFrom.box[3]];
  applyViewBox(false);
  return true;
}

/** A pan drag ends; false when no pan was going on. */
export function endPan() {
  if (!panFrom) return false;
  panFrom = null;
  relayout();
  return true;
}

/** The orientation words at the edges of the part of the map shown, WORD_PX whatever the zoom:
 * the drawing's sides (lateral, medial; the patient's right and left) at the top's two ends, what
 * its top faces between them, the site below, what its bottom faces at the bottom; each inset's
 * own words (the elbow's PROXIMAL and DISTAL: data-pin "part", planner/drawing/part_words.py)
 * over the part of that inset shown, on its line. A word goes on the first row of its band
 * where it keeps clear of the others. An inset's caption keeps its place, at the same size.
 * Returns the bands' heights (mm). */
function layoutWords(s, frame, scale) {
  const layer = s.querySelector("#orientation");
  if (!layer) return [0, 0];
  const size = WORD_PX / scale;
  const pad = WORD_MARGIN_PX / scale;
  const line = 1.3 * size;
  const gap = size;
  const pins = {};
  const parts = [];
  for (const t of layer.querySelectorAll("text[data-pin]")) {
    t.setAttribute("font-size", size.toFixed(3));
    if (t.dataset.pin === "part") parts.push(t); else pins[t.dataset.pin] = t;
  }
  // On the screen the bands are white: the paper's light box under a low word is not needed.
  for (const r of layer.querySelectorAll("rect[data-pin=part]")) r.setAttribute("display", "none");
  const wide = (t) => (t ? t.getComputedTextLength() : 0);
  // Each band's rows, each the spans [x0, x1] its words take: rows[0] at the top, rows[1] the
  // bottom's (counted from the bottom up).
  const rows = [[], []];
  const clear = (band, k, a, b) => !(rows[band][k] || []).some(([c, d]) => a < d + gap &&
    c < b + gap);
  const put = (t, band, from, x, anchor) => {
    const w = wide(t);
    const a = x - (anchor === "end" ? w : anchor === "middle" ? w / 2 : 0);
    let k = from;
    while (!clear(band, k, a, a + w)) k++;
    while (rows[band].length <= k) rows[band].push([]);
    rows[band][k].push([a, a + w]);
    const y = band === 0 ? frame[1] + pad + ASCENT_EM * size + k * line :
      frame[3] - pad - (1 - ASCENT_EM) * size - k * line;
    t.setAttribute("x", x.toFixed(3));
    t.setAttribute("y", y.toFixed(3));
    t.setAttribute("text-anchor", anchor);
    return k;
  };
  const middle = (frame[0] + frame[2]) / 2;
  if (pins.left) put(pins.left, 0, 0, frame[0] + pad, "start");
  if (pins.right) put(pins.right, 0, 0, frame[2] - pad, "end");
  const below = pins.top ? put(pins.top, 0, 0, middle, "middle") + 1 : 0;
  for (const t of parts) {
    const [x0, y0, x1, y1, at] = ["x0", "y0", "x1", "y1", "at"].map((k) => Number(t.dataset[k]));
    if (x1 < frame[0] || x0 > frame[2] || y1 < frame[1] || y0 > frame[3]) {
      t.setAttribute("display", "none");
      continue;
    }
    t.removeAttribute("display");
    // Over the inset's span shown, at its end for a side's word, over the bone's end for the
    // top's; inside the part shown always (as part_words.spot on paper).
    const w = wide(t);
    const low = frame[0] + pad;
    const high = frame[2] - pad;
    const left = Math.max(low, x0);
    const right = Math.min(high, x1);
    const edge = t.dataset.edge;
    let x = edge === "left" ? left : edge === "right" ? right - w :
      Math.min(Math.max(at - w / 2, left), right - w);
    x = Math.min(Math.max(x, low), high - w);
    put(t, t.dataset.line === "bottom" ? 1 : 0, 0, x, "start");
  }
  if (pins.site) put(pins.site, 0, below, middle, "middle");
  const bottom = pins.bottom;
  if (bottom) {
    put(bottom, 1, 0, middle, "middle");
    const y = Number(bottom.getAttribute("y"));
    const backing = layer.querySelector("rect[data-pin=bottom]");
    if (backing) {
      const w = wide(bottom) + 0.6 * size;
      backing.setAttribute("x", (middle - w / 2).toFixed(3));
      backing.setAttribute("y", (y - ASCENT_EM * size - 0.2 * size).toFixed(3));
      backing.setAttribute("width", w.toFixed(3));
      backing.setAttribute("height", (1.2 * size).toFixed(3));
    }
  }
  const bands = rows.map((r) => (r.length ? pad + r.length * line : 0));
  // An inset's caption stays where it is drawn, shown only where it lies wholly in the part
  // shown (on paper: where it fits in the frame), never cut at its edge nor on a band's word.
  const placed = [...layer.querySelectorAll("text[data-pin]:not([data-pin=caption])")]
    .filter((t) => t.getAttribute("display") !== "none").map((t) => t.getBBox());
  for (const t of layer.querySelectorAll("text[data-pin=caption]")) {
    t.removeAttribute("display");
    const b = t.getBBox();
    if (b.x < frame[0] || b.x + b.width > frame[2] || b.y < frame[1] ||
      b.y + b.height > frame[3] || placed.some((o) => b.x < o.x + o.width &&
        o.x < b.x + b.width && b.y < o.y + o.height && o.y < b.y + b.height)) {
      t.setAttribute("display", "none");
    }
  }
  // The bands, white under the words, from edge to edge of the part shown.
  for (const [k, y, h] of [[0, frame[1], bands[0]], [1, frame[3] - bands[1], bands[1]]]) {
    let band = layer.querySelector(`rect[data-band="${k}"]`);
    if (!band) {
      band = document.createElementNS(SVG_NS, "rect");
      band.dataset.band = String(k);
      band.setAttribute("fill", "#ffffff");
      band.setAttribute("fill-opacity", "0.92");
      layer.insertBefore(band, layer.firstChild);
    }
    band.setAttribute("x", frame[0].toFixed(3));
    band.setAttribute("y", y.toFixed(3));
    band.setAttribute("width", (frame[2] - frame[0]).toFixed(3));
    band.setAttribute("height", Math.max(h, 0).toFixed(3));
  }
  return bands;
}
