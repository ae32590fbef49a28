// The plan editor, loaded by its page (plans/editor.html) after planner.js: it records what the
// clinician draws, in millimetres on the body map, into the plan file held in #plan-json, and
// asks the server (htmx) to compute and redraw; it never computes injection points itself.
// This module wires the parts together: the buttons (data-tool, data-action), the fields, the
// keyboard, and the redraws from the server, which keep the zoom and any shape being drawn.

import { areaActions, onFieldInput, onFieldKeydown } from "./areas.js";
import { cancelDraft, drawDraft, finishDraft, hasDraft } from "./drafting.js";
import { redo, startHistory, undo, updateButtons } from "./history.js";
import { nameLandmarks } from "./landmarks.js";
import { applyViewBox, relayout, resetZoom, svg, zoom, zoomToPlan } from "./map.js";
import { mixtureActions, onMixtureChosen } from "./mixtures.js";
import { closePopover, pointActions } from "./points.js";
import { listenOnMap, setTool } from "./tools.js";

const ACTIONS = new Map(Object.entries({
  "zoom-in": function () { zoom(0.8); },
  "zoom-out": function () { zoom(1.25); },
  "zoom-reset": resetZoom,
  "zoom-plan": zoomToPlan,
  "undo": undo,
  "redo": redo,
  ...areaActions,
  ...mixtureActions,
  ...pointActions,
}));

function onClick(evt) {
  const t = evt.target.closest("[data-tool], [data-action]");
  if (!t) return;
  if (t.dataset.tool) { setTool(t.dataset.tool); return; }
  const action = ACTIONS.get(t.dataset.action);
  if (action) action(t);
}

function onKeydown(evt) {
  if (evt.key === "Escape") { cancelDraft(); closePopover(); }
  if (evt.key === "Enter" && hasDraft() && !evt.target.closest("input, textarea, select")) {
    evt.preventDefault();
    finishDraft();
  }
  if ((evt.ctrlKey || evt.metaKey) && evt.key === "z" && !evt.target.closest("input")) {
    evt.preventDefault();
    document.querySelector(evt.shiftKey ? "[data-action=redo]" : "[data-action=undo]").click();
  }
}

/** Start the editor on its form (#plan-form, holding #plan-json and #workspace). */
function startEditor(form) {
  startHistory(form);
  document.addEventListener("click", onClick);
  document.addEventListener("change", onMixtureChosen);
  form.addEventListener("input", function (evt) { onFieldInput(form, evt); });
  form.addEventListener("keydown", onFieldKeydown);
  document.addEventListener("keydown", onKeydown);
  const workspace = document.getElementById("workspace");
  listenOnMap(workspace);
  nameLandmarks(workspace);

  // After every redraw from the server: keep the zoom and any shape being drawn.
  new MutationObserver(function () {
    const s = svg();
    if (!s || s.getAttribute("data-base-viewbox")) return; // not a new drawing (or our own draft)
    applyViewBox();
    if (hasDraft()) drawDraft();
  }).observe(workspace, { childList: true, subtree: true });

  fitMapToScreen();
  zoomToPlan();
  window.addEventListener("resize", function () { fitMapToScreen(); relayout(); });
  // The tool the page starts with (region on a body map; polygon on a photo, which has none).
  const first = document.querySelector(".tool[aria-pressed=true]");
  setTool(first ? first.dataset.tool : "region");
  updateButtons();
  form.dataset.ready = "1"; // the handlers are set: what a browser test waits for
}

/** The map's pane as tall as the screen leaves below its top (the toolbar wraps onto two
 * lines on a tablet, and a saved plan's banner takes a line: a fixed height ran the map's
 * bottom off the screen), never under MAP_LEAST_PX. Kept on the root element, which the
 * server's redraws of the workspace leave in place. */
const MAP_LEAST_PX = 360;
function fitMapToScreen() {
  const map = document.getElementById("map");
  if (!map) return;
  const top = map.getBoundingClientRect().top + window.scrollY;
  const room = Math.max(MAP_LEAST_PX, Math.floor(window.innerHeight - top - 12));
  document.documentElement.style.setProperty("--map-height", room + "px");
}

const planForm = document.getElementById("plan-form");
if (planForm) startEditor(planForm);
