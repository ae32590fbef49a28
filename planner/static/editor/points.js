// The points popover: a tap on a point shows its number (and grid name), volume and depth; Apply sets its volume, Move
// puts it where the next tap on the map lands, Delete takes it away. A point of an area's grid
// changed this way becomes an override of that area (skipped, or a new volume at its place); a
// trigger point (the plan's own points) is changed in place.

import { commit } from "./history.js";

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

/** Show the popover for a point, beside the pointer. */
export function openPopover(info, evt) {
  const box = popover();
  selected = info;
  box.hidden = false;
  box.querySelector(".popover-title").textContent =
    "#" + info.number + (info.name ? " · " + info.name : "") + " · " + info.volume + " mL · " +
    info.depth + " mm";
  const input = document.getElementById("point-volume");
  input.value = info.volume;
  // Beside the pointer, wholly on the screen (a point low on a tablet's screen: above it).
  const room = [window.innerWidth - box.offsetWidth - 8, window.innerHeight - box.offsetHeight - 8];
  box.style.left = Math.max(8, Math.min(evt.clientX + 12, room[0])) + "px";
  box.style.top = Math.max(8, Math.min(evt.clientY - 20, room[1])) + "px";
  input.focus();
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
