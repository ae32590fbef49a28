// The points' labels on the screen, laid out again after every zoom, pan and redraw, at
// LABEL_PX CSS pixels whatever the zoom: each number beside its point where it covers no other
// label, point or word; where an area's numbers do not all fit, its rows and columns are named
// at its edges instead ("C7": row C, column 7), as on the printed sheet
// (planner/drawing/points_layer.py and labels.py do the same on paper).

const LABEL_PX = 12; // at least 11 CSS px (issue 17)
const RADIUS_PX = 6; // a point's dot: its printed size (1.6 mm) until it is 6 px, then 6 px
const DIGIT_EM = 0.64; // a digit's width in the widest of our fonts (DejaVu Sans)
const BOLD_DIGIT_EM = 0.7; // the grids' names are bold (DejaVu Sans Bold)
const BOLD_LETTER_EM = 0.8;
const WIDE_EM = 1.05; // M and W, bold
const ASCENT_EM = 0.8;
const PAD_EM = 0.12;
const OWN_MARGIN_EM = 0.1; // a label is this much nearer its own point than any other
const SVG_NS = "http://www.w3.org/2000/svg";

function textWidth(text, size, bold) {
  let w = 0;
  for (const ch of text) {
    const digit = ch >= "0" && ch <= "9";
    w += (digit ? (bold ? BOLD_DIGIT_EM : DIGIT_EM) : "MW".includes(ch) ? WIDE_EM :
      BOLD_LETTER_EM) * size;
  }
  return w;
}

function textBox(x, y, text, size, bold) {
  const pad = PAD_EM * size;
  return [x - pad, y - ASCENT_EM * size - pad, x + textWidth(text, size, bold) + pad,
    y + (1 - ASCENT_EM) * size + pad];
}

/** Boxes taken, in cells of a grid for a quick look-up. */
class Taken {
  constructor(cell) { this.cell = cell; this.cells = new Map(); }
  *keys(b) {
    const c = this.cell;
    for (let i = Math.floor(b[0] / c); i <= Math.floor(b[2] / c); i++) {
      for (let j = Math.floor(b[1] / c); j <= Math.floor(b[3] / c); j++) yield i + "," + j;
    }
  }
  add(b) {
    for (const k of this.keys(b)) {
      if (!this.cells.has(k)) this.cells.set(k, []);
      this.cells.get(k).push(b);
    }
  }
  hits(b, ignore) {
    for (const k of this.keys(b)) {
      for (const o of this.cells.get(k) || []) {
        if (o !== ignore && b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return true;
      }
    }
    return false;
  }
}

/** The points' centres, in cells of a grid, to find a label's neighbours. */
class Centres {
  constructor(cell, points) {
    this.cell = cell;
    this.cells = new Map();
    for (const p of points) {
      const k = Math.floor(p.x / cell) + "," + Math.floor(p.y / cell);
      if (!this.cells.has(k)) this.cells.set(k, []);
      this.cells.get(k).push(p);
    }
  }
  *near(b) {
    const c = this.cell;
    for (let i = Math.floor(b[0] / c); i <= Math.floor(b[2] / c); i++) {
      for (let j = Math.floor(b[1] / c); j <= Math.floor(b[3] / c); j++) {
        yield* this.cells.get(i + "," + j) || [];
      }
    }
  }
}

function gapTo(b, x, y) {
  return Math.hypot(Math.max(b[0] - x, 0, x - b[2]), Math.max(b[1] - y, 0, y - b[3]));
}

/** A label at box b reads as point p's: no other point is as near it (a reader takes a number
 * for the nearest point's), as planner/drawing/labels.py reads_as_own. */
function readsAsOwn(b, p, centres, margin) {
  const mine = gapTo(b, p.x, p.y) + margin;
  for (const q of centres.near([b[0] - mine, b[1] - mine, b[2] + mine, b[3] + mine])) {
    if (q !== p && gapTo(b, q.x, q.y) < mine) return false;
  }
  return true;
}

function inside(b, f) {
  return b[0] >= f[0] && b[1] >= f[1] && b[2] <= f[2] && b[3] <= f[3];
}

/** Where a point's label may go, best first (the left end of its baseline). */
function places(x, y, r, text, size) {
  const w = textWidth(text, size);
  const gap = 0.15 * size + 0.2;
  const d = r * 0.7 + gap * 0.5;
  const above = y - d - (1 - ASCENT_EM) * size;
  const below = y + d + ASCENT_EM * size;
  const middle = y + (ASCENT_EM - 0.5) * size;
  return [[x + d, above], [x + r + gap, middle], [x + d, below], [x - d - w, above],
    [x - r - gap - w, middle], [x - d - w, below],
    [x - w / 2, y - r - gap - (1 - ASCENT_EM) * size], [x - w / 2, y + r + gap + ASCENT_EM * size]];
}

/** A marker's circle at radius r (style.py marker_svg's proportions). */
function sizeMarker(mark, r) {
  const ring = ["ring", "target", "dashed"].includes(mark.dataset.marker);
  const shape = {
    eye: [0.4, null], centre: [mark.closest("g").querySelector("[data-marker=halo]") ? 0.55 : 0.3,
      null],
  }[mark.getAttribute("class")] || (ring ? [0.8, 0.4] : mark.dataset.marker === "halo" ?
    [1, 0.2] : [1, 0.16]);
  mark.setAttribute("r", (r * shape[0]).toFixed(3));
  if (shape[1] !== null) mark.setAttribute("stroke-width", (r * shape[1]).toFixed(3));
  if (mark.dataset.marker === "dashed") {
    mark.setAttribute("stroke-dasharray", (r * 0.5).toFixed(3) + "," + (r * 0.3).toFixed(3));
  }
}

function nearEdge(p, frame, r, size) {
  const m = r + 0.6 * size + textWidth(p.g.dataset.number, size);
  return p.x < frame[0] + m || p.x > frame[2] - m || p.y < frame[1] + m + size ||
    p.y > frame[3] - m;
}

function child(group, tag) {
  let el = group.querySelector(tag);
  if (!el) {
    el = document.createElementNS(SVG_NS, tag);
    if (tag === "rect") {
      el.setAttribute("rx", "0.4");
      el.setAttribute("fill", "#ffffff");
      el.setAttribute("fill-opacity", "0.85");
    } else {
      el.setAttribute("fill", "#111111");
      el.textContent = group.dataset.number;
    }
    group.appendChild(el);
  }
  return el;
}

function show(group, box, x, y, fontSize) {
  const rect = child(group, "rect");
  const text = child(group, "text");
  text.setAttribute("font-size", fontSize);
  rect.setAttribute("x", box[0]);
  rect.setAttribute("y", box[1]);
  rect.setAttribute("width", box[2] - box[0]);
  rect.setAttribute("height", box[3] - box[1]);
  text.setAttribute("x", x);
  text.setAttribute("y", y);
  rect.removeAttribute("display");
  text.removeAttribute("display");
}

function hide(group) {
  for (const el of group.querySelectorAll("rect, text")) el.setAttribute("display", "none");
}

/** The map's scale on the screen: CSS px per mm (the drawing fits its box, keeping its shape). */
function pxPerMm(s, box) {
  const r = s.getBoundingClientRect();
  return Math.min(r.width / box[2], r.height / box[3]);
}

/** Lay the labels out for the part of the map shown (`box`: x, y, w, h in mm), between the
 * bands of orientation words at its top and bottom (`bands`: their heights in mm, map.js). */
export function layoutLabels(s, box, bands) {
  const layer = s && s.querySelector("#points");
  if (!layer || !box) return;
  const scale = pxPerMm(s, box);
  if (!(scale > 0)) return;
  const size = LABEL_PX / scale;
  const r = Math.min(Number(layer.dataset.radiusMm) || 1.6, RADIUS_PX / scale);
  // The size goes on each text, not on the groups: htmx settles a redrawn element that has an
  // id (#points, #grid-names) by putting its attributes back as the server sent them.
  const fontSize = size.toFixed(3);
  const names = s.querySelector("#grid-names");
  // The orientation words lie in bands at the top and the bottom of the part shown, on white:
  // the labels and the points' numbers are laid out between them, as if the bands were off
  // the screen.
  const frame = [box[0], box[1] + bands[0], box[0] + box[2], box[1] + box[3] - bands[1]];
  const points = [];
  for (const g of layer.querySelectorAll("g.point")) {
    const c = g.querySelector("circle");
    for (const mark of g.querySelectorAll("circle")) sizeMarker(mark, r);
    const x = Number(c.getAttribute("cx"));
    const y = Number(c.getAttribute("cy"));
    const seen = x >= frame[0] && x <= frame[2] && y >= frame[1] && y <= frame[3];
    points.push({ g, x, y, seen, area: g.dataset.area, named: Boolean(g.dataset.name),
      circle: [x - r, y - r, x + r, y + r] });
  }
  // Trigger points first: each is its own place on the skin.
  points.sort(function (a, b) { return (a.area === "" ? 0 : 1) - (b.area === "" ? 0 : 1); });
  const words = [];
  for (const t of s.querySelectorAll("#orientation text")) {
    if (t.getAttribute("display") === "none") continue; // an inset's word, the inset not shown
    const b = t.getBBox();
    words.push([b.x, b.y, b.x + b.width, b.y + b.height]);
  }
  const centres = new Centres(size * 2, points);
  const place = function (skip) {
    const taken = new Taken(size * 2);
    for (const p of points) taken.add(p.circle);
    for (const w of words) taken.add(w);
    const result = new Map();
    for (const p of points) {
      if (!p.seen || skip.has(p.area)) continue;
      const text = p.g.dataset.number;
      let found = null;
      for (const [tx, ty] of places(p.x, p.y, r, text, size)) {
        const b = textBox(tx, ty, text, size);
        if (inside(b, frame) && !taken.hits(b, p.circle) &&
            readsAsOwn(b, p, centres, OWN_MARGIN_EM * size)) { found = [b, tx, ty]; break; }
      }
      if (found) taken.add(found[0]);
      result.set(p, found);
    }
    return [result, taken];
  };
  let [placed, taken] = place(new Set());
  // An area's grid is named at its edges when one of its numbers finds no place, unless the
  // point is at the screen's edge (its number may be off the screen: pan to see it).
  const schemed = new Set();
  for (const p of points) {
    if (p.seen && p.named && !placed.get(p) && !nearEdge(p, frame, r, size)) schemed.add(p.area);
  }
  if (schemed.size) [placed, taken] = place(schemed);
  for (const p of points) {
    const at = placed.get(p);
    if (at) show(p.g, at[0], at[1], at[2], fontSize); else hide(p.g);
  }
  // What a grid's pinned header may not cover: the words and the numbers shown (it may lie
  // over the dots at the screen's edge, on a white halo, as a spreadsheet's frozen headers).
  const header = new Taken(size * 2);
  for (const w of words) header.add(w);
  for (const at of placed.values()) if (at) header.add(at[0]);
  if (names) layoutEdges(names, schemed, taken, header, r, size, frame, fontSize);
  s.dataset.labelPx = String(LABEL_PX);
}

/** The row letters and column numbers of the areas whose numbers do not all fit. */
function layoutEdges(names, schemed, taken, header, r, size, frame, fontSize) {
  for (const group of names.querySelectorAll("g.grid-names")) {
    const on = schemed.has(group.dataset.area);
    if (on) group.dataset.shown = "1"; else delete group.dataset.shown;
    for (const t of group.querySelectorAll("text")) {
      if (!on) { t.setAttribute("display", "none"); continue; }
      const ux = Number(t.dataset.ux);
      const uy = Number(t.dataset.uy);
      const w = textWidth(t.textContent, size, true);
      const reach = r + 0.3 * size + Math.abs(ux) * w / 2 + Math.abs(uy) * size / 2;
      const lane = Math.abs(ux) * w + Math.abs(uy) * size + 0.3 * size;
      let found = null;
      // Beside the grid's left (top) edge, else its right (bottom) edge, else a lane further
      // out at each (planner/drawing/labels.py edge_places).
      const anchors = [[Number(t.dataset.x), Number(t.dataset.y), ux, uy],
        [Number(t.dataset.x2), Number(t.dataset.y2), -ux, -uy]];
      for (const extra of [0, lane]) {
        for (const [x, y, dx, dy] of anchors) {
          if (found) break;
          const tx = x + dx * (reach + extra) - w / 2;
          const ty = y + dy * (reach + extra) + (ASCENT_EM - 0.5) * size;
          const b = textBox(tx, ty, t.textContent, size, true);
          if (inside(b, frame) && !taken.hits(b)) found = [b, tx, ty];
        }
      }
      if (!found) {
        // No room beside the grid on the screen (zoomed in past its edges): the row's letter
        // pinned at the screen's left (the column's number at the top), on its row's line, as a
        // spreadsheet keeps its headers.
        const row = Math.abs(ux) >= Math.abs(uy);
        const [x, y] = anchors[0];
        for (let k = 0; k < 4 && !found && (row ? y >= frame[1] && y <= frame[3] :
          x >= frame[0] && x <= frame[2]); k++) {
          const tx = row ? frame[0] + 0.3 * size + k * lane : x - w / 2;
          const ty = row ? y + (ASCENT_EM - 0.5) * size :
            frame[1] + (ASCENT_EM + 0.3) * size + k * lane;
          const b = textBox(tx, ty, t.textContent, size, true);
          if (inside(b, frame) && !header.hits(b)) found = [b, tx, ty, true];
        }
      }
      if (found && found[3]) {
        t.setAttribute("stroke", "#ffffff");
        t.setAttribute("stroke-width", (0.3 * size).toFixed(3));
        t.setAttribute("paint-order", "stroke");
      } else {
        for (const a of ["stroke", "stroke-width", "paint-order"]) t.removeAttribute(a);
      }
      if (found) {
        header.add(found[0]);
        taken.add(found[0]);
        t.setAttribute("font-size", fontSize);
        t.setAttribute("x", found[1]);
        t.setAttribute("y", found[2]);
        t.removeAttribute("display");
      } else {
        t.setAttribute("display", "none");
      }
    }
  }
}
