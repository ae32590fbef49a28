// The toolbar's tools and what a press on the map does with the chosen one: take a region of
// the atlas, draw a shape (drafting.js), place a trigger point, erase a point or an area, open a
// point's popover, pan; the wheel zooms. The listeners sit on #workspace, which outlives the map
// that the server redraws inside it.

import { removeArea } from "./areas.js";
import { addVertex, cancelDraft, finishByDoubleClick, moveStroke, startStroke, endStroke }
  from "./drafting.js";
import { commit, currentPlan } from "./history.js";
import { endPan, panTo, startPan, svg, toMm, zoom } from "./map.js";
import { closePopover, deletePoint, dropMovingPoint, openPopover, pointInfo, pointNear }
  from "./points.js";

let tool = "region";

/** Choose a tool: its button pressed, its hint shown, any draft and popover closed. */
export function setTool(name) {
  tool = name;
  cancelDraft();
  closePopover();
  const hint = document.getElementById("tool-hint");
  document.querySelectorAll(".tool").forEach(function (b) {
    b.setAttribute("aria-pressed", b.dataset.tool === name ? "true" : "false");
    if (b.dataset.tool === name && hint) hint.textContent = b.dataset.hint || "";
  });
  const map = document.getElementById("map");
  if (map) map.dataset.activeTool = name;
}

function onMap(evt) {
  return evt.target.closest && evt.target.closest("#map");
}

// A region of the atlas that can be treated becomes an area, named by its title.
function takeRegion(evt) {
  const region = evt.target.closest("[data-region]");
  if (region && /region-(treatment|warning)/.test(region.getAttribute("class"))) {
    const title = region.querySelector("title");
    commit(function (p) {
      p.areas.push({ label: title ? title.textContent : region.dataset.region,
                     region: region.dataset.region });
    });
  }
}

// A treatment region that no area of the plan has taken yet: with the region tool, a tap on it
// takes it even beside another area's point.
function untakenRegion(evt) {
  const region = evt.target.closest("[data-region]");
  return Boolean(region && /region-(treatment|warning)/.test(region.getAttribute("class")) &&
    !currentPlan().areas.some(function (a) { return a.region === region.dataset.region; }));
}

// The point a tap means: the one under it, or with the select and region tools the nearest
// within a fingertip (pointNear). Erase keeps to the dot itself: a tap beside a point there
// means its area.
function tappedPoint(evt) {
  const hit = evt.target.closest(".point");
  if (hit || !(tool === "select" || (tool === "region" && !untakenRegion(evt)))) return hit;
  return pointNear(evt);
}

function erase(evt, pointGroup) {
  if (pointGroup) {
    deletePoint(pointInfo(pointGroup));
  } else {
    const area = evt.target.closest(".area");
    if (area) removeArea(Number(area.dataset.area));
  }
}

function onPointerDown(workspace, evt) {
  if (!svg() || evt.button > 0 || !onMap(evt)) return;
  const at = toMm(evt);
  if (dropMovingPoint(at)) return;
  const pointGroup = tappedPoint(evt);
  if (tool === "pan") {
    startPan(evt, workspace);
  } else if ((tool === "select" || tool === "region") && pointGroup) {
    openPopover(pointInfo(pointGroup), evt); // a tap on a point shows its number and volume
  } else if (tool === "region") {
    takeRegion(evt);
  } else if (tool === "point") {
    commit(function (p) { p.points.push({ x: at[0], y: at[1] }); });
  } else if (tool === "erase") {
    erase(evt, pointGroup);
  } else if (tool === "polygon" || tool === "line" || tool === "exclude") {
    addVertex(tool, at, evt);
  } else if (tool === "freehand" || tool === "circle") {
    workspace.setPointerCapture(evt.pointerId);
    startStroke(tool, at);
  }
}

/** Listen to the pointer and the wheel on the workspace. */
export function listenOnMap(workspace) {
  workspace.addEventListener("pointerdown", function (evt) { onPointerDown(workspace, evt); });
  workspace.addEventListener("pointermove", function (evt) {
    if (!panTo(evt)) moveStroke(evt);
  });
  workspace.addEventListener("pointerup", function (evt) {
    if (!endPan()) endStroke(evt);
  });
  workspace.addEventListener("dblclick", function (evt) {
    if (onMap(evt)) finishByDoubleClick(evt);
  });
  workspace.addEventListener("wheel", function (evt) {
    if (!svg() || !onMap(evt)) return;
    evt.preventDefault();
    zoom(evt.deltaY > 0 ? 1.15 : 0.87, toMm(evt));
  }, { passive: false });
}
