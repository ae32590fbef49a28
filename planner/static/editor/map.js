// The body map on screen: the drawing (#map svg, replaced by the server on every redraw), a
// pointer's position in millimetres of the map, and the zoom and pan, which survive redraws
// (the map's own viewBox is kept in data-base-viewbox). The map opens on the plan's areas
// (data-plan-box); its points' labels are laid out again at every change (labels.js).

import { WORD_BANDS_PX, layoutLabels } from "./labels.js";

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
  if (r.width > 0 && r.height > 0) layoutLabels(s, shown(s));
  else if (tries > 0) requestAnimationFrame(function () { layout_(s, tries - 1); });
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
  if (s) layoutLabels(s, shown(s));
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
