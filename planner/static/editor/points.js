// The points popover: a tap on a point shows its number (and grid name), volume and depth; Apply sets its volume, Move
// puts it where the next tap on the map lands, Delete takes it away. A point of an area's grid
// changed this way becomes an override of that area (skipped, or a new volume at its place); a
// trigger point (the plan's own points) is changed in place. A finger finds a point within
// TAP_RADIUS_PX of it (the dots are a few pixels wide), and the popover opens beside the area
// being edited, never over it (placeBeside).

import { commit } from "./history.js";

export const TAP_RADIUS_PX = 22; // a fingertip: 44 CSS px across
const NEAR_PX = 40; // around a trigger point (no area): the finger and what it hides
const MARGIN_PX = 8; // from the screen's edges
const GAP_PX = 10; // between the popover and what it stays beside

let selected = null; // the point in the popover
let moving = false;

function popover() {
  return document.getElementById("point-popover");
}

/** What the map says of a point (its <g class="point">): number, volume, depth, area or
 * trigger point. */
export function pointInfo(group) {
  const c = group.querySelector("circle");
  return {
    number: Number(group.dataset.number),
    name: group.dataset.name || "",
    volume: group.dataset.volumeMl,
    depth: group.dataset.depthMm,
    area: group.dataset.area === "" ? null : Number(group.dataset.area),
    manual: group.dataset.manual === undefined ? null : Number(group.dataset.manual),
    x: Number(c.getAttribute("cx")),
    y: Number(c.getAttribute("cy")),
  };
}

/** The map's point nearest to a tap, no farther than `radius` CSS px on the screen: its
 * <g class="point">, or null. */
export function pointNear(evt, radius = TAP_RADIUS_PX) {
  const s = document.querySelector("#map svg");
  const m = s && s.getScreenCTM();
  if (!m) return null;
  let best = null;
  let bestPx = radius;
  s.querySelectorAll("#points g.point").forEach(function (g) {
    const c = g.querySelector("circle");
    const x = Number(c.getAttribute("cx"));
    const y = Number(c.getAttribute("cy"));
    const px = Math.hypot(m.a * x + m.c * y + m.e - evt.clientX,
                          m.b * x + m.d * y + m.f - evt.clientY);
    if (px <= bestPx) { best = g; bestPx = px; }
  });
  return best;
}

function square(x, y, half) {
  return { left: x - half, top: y - half, right: x + half, bottom: y + half };
}

function union(a, b) {
  return { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top),
           right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
}

/** What the popover must not cover, most wanted first: the point's area as the map's pane
 * shows it, with the point and the finger that tapped it (at); then the point and the finger
 * alone (and so for a trigger point, which has no area). */
function keepClear(info, at) {
  const s = document.querySelector("#map svg");
  const m = s && s.getScreenCTM();
  let near = square(at[0], at[1], NEAR_PX);
  if (m) {
    near = union(near, square(m.a * info.x + m.c * info.y + m.e,
                              m.b * info.x + m.d * info.y + m.f, NEAR_PX));
  }
  const outline = info.area === null ? null :
    document.querySelector('#map .area[data-area="' + info.area + '"]');
  const pane = document.getElementById("map");
  if (!(outline && pane)) return [near];
  const a = outline.getBoundingClientRect();
  const p = pane.getBoundingClientRect();
  const shown = { left: Math.max(a.left, p.left), top: Math.max(a.top, p.top),
                  right: Math.min(a.right, p.right), bottom: Math.min(a.bottom, p.bottom) };
  return [union(shown, near), near];
}

/** Where a box of w x h goes beside `avoid` (a screen rectangle), near the point `at`, wholly
 * on the screen: right, left, below or above it, the first that fits; or null. */
function placeBeside(w, h, avoid, at) {
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  const x = Math.max(MARGIN_PX, Math.min(at[0] - w / 2, vw - w - MARGIN_PX));
  const y = Math.max(MARGIN_PX, Math.min(at[1] - h / 2, vh - h - MARGIN_PX));
  const tries = [[avoid.right + GAP_PX, y], [avoid.left - GAP_PX - w, y],
                 [x, avoid.bottom + GAP_PX], [x, avoid.top - GAP_PX - h]];
  return tries.find(function ([left, top]) {
    return left >= MARGIN_PX && top >= MARGIN_PX && left + w <= vw - MARGIN_PX &&
      top + h <= vh - MARGIN_PX;
  }) || null;
}

/** Show the popover for a point, beside its area (or, with no room there, beside the point;
 * with none either, docked in the screen's bottom right corner). */
export function openPopover(info, evt) {
  const box = popover();
  selected = info;
  box.hidden = false;
  box.querySelector(".popover-title").textContent =
    "#" + info.number + (info.name ? " · " + info.name : "") + " · " + info.volume + " mL · " +
    info.depth + " mm";
  const input = document.getElementById("point-volume");
  input.value = info.volume;
  const at = [evt.clientX, evt.clientY];
  const w = box.offsetWidth;
  const h = box.offsetHeight;
  let place = null;
  for (const avoid of keepClear(info, at)) {
    place = placeBeside(w, h, avoid, at);
    if (place) break;
  }
  place = place || [document.documentElement.clientWidth - w - MARGIN_PX,
                    document.documentElement.clientHeight - h - MARGIN_PX];
  box.style.left = place[0] + "px";
  box.style.top = place[1] + "px";
  // A finger's tap does not bring up the on-screen keyboard over the map: the field is a tap
  // away. A mouse's click puts the cursor in it.
  if (evt.pointerType !== "touch") input.focus();
}

export function closePopover() {
  selected = null;
  moving = false;
  const box = popover();
  if (box) box.hidden = true;
}

function setPointVolume(info, volume) {
  commit(function (p) {
    if (info.manual !== null) {
      p.points[info.manual].volume_ml = volume;
    } else {
      const a = p.areas[info.area];
      a.overrides = (a.overrides || []).filter(function (o) {
        return Math.hypot(o.x - info.x, o.y - info.y) > 0.5;
      });
      a.overrides.push({ x: info.x, y: info.y, volume_ml: volume });
    }
  });
}

export function deletePoint(info) {
  commit(function (p) {
    if (info.manual !== null) {
      p.points.splice(info.manual, 1);
    } else {
      const a = p.areas[info.area];
      a.overrides = (a.overrides || []).concat([{ x: info.x, y: info.y, skip: true }]);
    }
  });
}

function movePoint(info, to) {
  commit(function (p) {
    if (info.manual !== null) {
      p.points[info.manual].x = to[0];
      p.points[info.manual].y = to[1];
    } else {
      const a = p.areas[info.area];
      a.overrides = (a.overrides || []).concat([{ x: info.x, y: info.y, skip: true }]);
      p.points.push({ x: to[0], y: to[1], volume_ml: info.volume, label: "#" + info.number });
    }
  });
}

/** After Move: a tap on the map at `at` (mm) puts the point there. False when no point is
 * waiting to be moved. */
export function dropMovingPoint(at) {
  if (!(moving && selected)) return false;
  const info = selected;
  closePopover();
  movePoint(info, at);
  return true;
}

/** The popover's buttons, by their data-action. */
export const pointActions = {
  "point-apply": function () {
    if (!selected) return;
    const v = document.getElementById("point-volume").value.replace(",", ".");
    const info = selected;
    closePopover();
    if (v) setPointVolume(info, Number(v).toFixed(2));
  },
  "point-delete": function () {
    if (!selected) return;
    const info = selected;
    closePopover();
    deletePoint(info);
  },
  "point-move": function () {
    if (!selected) return;
    moving = true;
    popover().hidden = true;
    const hint = document.getElementById("tool-hint");
    if (hint) hint.textContent = document.getElementById("plan-form").dataset.messageMove || "";
  },
  "point-close": closePopover,
};
