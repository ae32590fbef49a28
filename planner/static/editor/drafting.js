// Shapes being drawn, before they become areas: polygon, line and exclusion take a click per
// vertex (a click on the first vertex, a double click or Enter finishes); freehand and circle
// take a drag. The draft is drawn on the map in its own layer (#draft), in mm, and becomes an
// area, or an exclusion of an area, through commit() when finished.

import { commit, currentPlan } from "./history.js";
import { round2, svg, toMm } from "./map.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const BY_CLICKS = ["polygon", "line", "exclude"];
let draft = null; // {kind, points, area, start}

export function hasDraft() {
  return draft !== null;
}

function draftLayer() {
  const s = svg();
  let g = s.querySelector("#draft");
  if (!g) {
    g = document.createElementNS(SVG_NS, "g");
    g.setAttribute("id", "draft");
    s.appendChild(g);
  }
  return g;
}

/** Draw the draft on the map as it is now (after a redraw from the server, again). */
export function drawDraft() {
  if (!draft || !svg()) return;
  const g = draftLayer();
  while (g.firstChild) g.removeChild(g.firstChild);
  const line = document.createElementNS(SVG_NS, "polyline");
  line.setAttribute("points", draft.points.map(function (p) { return p.join(","); }).join(" "));
  line.setAttribute("class", "draft-line" + (draft.kind === "exclude" ? " draft-exclude" : ""));
  g.appendChild(line);
  draft.points.forEach(function (p) {
    const c = document.createElementNS(SVG_NS, "circle");
    c.setAttribute("cx", p[0]);
    c.setAttribute("cy", p[1]);
    c.setAttribute("r", "1");
    c.setAttribute("class", "draft-vertex");
    g.appendChild(c);
  });
}

export function cancelDraft() {
  draft = null;
  const g = svg() && svg().querySelector("#draft");
  if (g) g.remove();
}

// The area an exclusion cuts: the one clicked on, else the last one.
function areaAt(evt) {
  const plan = currentPlan();
  const hit = evt.target.closest && evt.target.closest("[data-area]");
  if (hit && hit.dataset.area !== "") return Number(hit.dataset.area);
  return plan.areas.length ? plan.areas.length - 1 : null;
}

function labelFor(kind) {
  const button = document.querySelector('.tool[data-tool="' + kind + '"]');
  return (button ? button.textContent.trim() : kind) + " " + (currentPlan().areas.length + 1);
}

function circlePoints(centre, edge) {
  const r = Math.hypot(edge[0] - centre[0], edge[1] - centre[1]);
  const pts = [];
  for (let k = 0; k < 48; k++) {
    const t = (2 * Math.PI * k) / 48;
    pts.push([round2(centre[0] + r * Math.cos(t)), round2(centre[1] + r * Math.sin(t))]);
  }
  return pts;
}

/** The draft becomes an area or an exclusion, if it has enough points. */
export function finishDraft() {
  if (!draft) return;
  const d = draft;
  cancelDraft();
  if (d.kind === "line" && d.points.length >= 2) {
    commit(function (p) { p.areas.push({ label: labelFor("line"), pattern: "line", line: d.points }); });
  } else if (d.kind === "exclude" && d.points.length >= 3 && d.area !== null) {
    commit(function (p) {
      const a = p.areas[d.area];
      a.exclude = (a.exclude || []).concat([d.points]);
    });
  } else if (d.points.length >= 3) {
    commit(function (p) { p.areas.push({ label: labelFor(d.kind), polygon: d.points }); });
  }
}

/** A click of a polygon, line or exclusion tool at `at` (mm): a vertex, or the closing one. */
export function addVertex(kind, at, evt) {
  if (!draft) draft = { kind: kind, points: [], area: kind === "exclude" ? areaAt(evt) : null };
  const first = draft.points[0];
  if (kind !== "line" && draft.points.length >= 3 &&
      Math.hypot(at[0] - first[0], at[1] - first[1]) < 3) {
    finishDraft(); // a click on the first vertex closes the shape
    return;
  }
  draft.points.push(at);
  drawDraft();
}

/** A drag of the freehand or circle tool starts at `at` (mm). */
export function startStroke(kind, at) {
  draft = { kind: kind, points: [at], area: null, start: at };
  drawDraft();
}

/** The pointer moves during a drag: freehand adds a point every mm, the circle grows. */
export function moveStroke(evt) {
  if (!draft || !svg()) return;
  const at = toMm(evt);
  if (draft.kind === "freehand") {
    const last = draft.points[draft.points.length - 1];
    if (Math.hypot(at[0] - last[0], at[1] - last[1]) >= 1) {
      draft.points.push(at);
      drawDraft();
    }
  } else if (draft.kind === "circle") {
    draft.points = circlePoints(draft.start, at).concat([circlePoints(draft.start, at)[0]]);
    drawDraft();
  }
}

/** The drag ends: the stroke is finished (a circle under 1 mm is dropped). */
export function endStroke(evt) {
  if (!(draft && (draft.kind === "freehand" || draft.kind === "circle"))) return;
  if (draft.kind === "circle") {
    draft.points = circlePoints(draft.start, toMm(evt));
    if (Math.hypot(draft.points[0][0] - draft.start[0], draft.points[0][1] - draft.start[1]) < 1) {
      cancelDraft();
      return;
    }
  }
  finishDraft();
}

/** A double click finishes a shape drawn by clicks. */
export function finishByDoubleClick(evt) {
  if (!(draft && BY_CLICKS.indexOf(draft.kind) >= 0)) return;
  evt.preventDefault();
  // The double click added its own vertex twice: drop the repeat.
  const pts = draft.points;
  if (pts.length > 1) {
    const a = pts[pts.length - 1];
    const b = pts[pts.length - 2];
    if (Math.hypot(a[0] - b[0], a[1] - b[1]) < 0.5) pts.pop();
  }
  finishDraft();
}
