// The plan being edited and its history. The plan file lives in the form's hidden #plan-json;
// every change goes through commit(), which keeps the undo and redo stacks and asks the server
// (htmx) for a new preview. This module is the only one that writes #plan-json.

let form = null;
let field = null;
let plan = null;
const undoStack = [];
const redoStack = [];
let lastCoalesce = null;
let lastCoalesceAt = 0;
let timer = null;

/** Read the plan file of the editor's form. */
export function startHistory(planForm) {
  form = planForm;
  field = document.getElementById("plan-json");
  plan = JSON.parse(field.value);
}

/** The plan as it stands: read it here, change it only through commit(). */
export function currentPlan() {
  return plan;
}

// A change of structure (areas, shapes, mixtures) redraws the whole workspace; a change of
// one parameter (typing, the slider) redraws only the map and the results ("tuned").
const PREVIEW_MS = 150;
let lastSent = 0;

function send(immediate, tuned) {
  field.value = JSON.stringify(plan);
  updateButtons();
  clearTimeout(timer);
  // A tuned change (a slider being dragged, a number being typed) redraws at most every
  // PREVIEW_MS while it goes on, and once more when it stops: the map follows the drag (it
  // waited for the pointer to rest).
  const wait = immediate ? 0 : tuned ? Math.max(0, PREVIEW_MS - (Date.now() - lastSent)) :
    PREVIEW_MS;
  timer = setTimeout(function () {
    lastSent = Date.now();
    const source = tuned ? document.getElementById("tuner") : form;
    htmx.ajax("POST", source.getAttribute("hx-post"), {
      source: source,
      target: source.getAttribute("hx-target"),
      swap: source.getAttribute("hx-swap"),
    });
  }, wait);
}

/** Change the plan: mutate(plan) does it. Changes with the same coalesce key within 1.5 s
 * (typing in one field) make one undo step and a tuned redraw. */
export function commit(mutate, coalesce) {
  const now = Date.now();
  if (!(coalesce && coalesce === lastCoalesce && now - lastCoalesceAt < 1500)) {
    undoStack.push(JSON.stringify(plan));
    if (undoStack.length > 200) undoStack.shift();
  }
  lastCoalesce = coalesce || null;
  lastCoalesceAt = now;
  redoStack.length = 0;
  const areas = (plan.areas || []).length;
  mutate(plan);
  mixNewAreas(plan, areas);
  send(!coalesce, Boolean(coalesce));
}

// A new area (taken from a region or drawn) takes the plan's mixture when the plan has one
// only: a new plan starts with the clinic's default mixture for its treatment, and each area
// tapped is ready with it. The area's Mixture field changes it.
function mixNewAreas(p, before) {
  const names = Object.keys(p.mixtures || {});
  if (names.length !== 1) return;
  (p.areas || []).slice(before).forEach(function (a) { if (!a.mixture) a.mixture = names[0]; });
}

export function undo() {
  if (!undoStack.length) return;
  redoStack.push(JSON.stringify(plan));
  plan = JSON.parse(undoStack.pop());
  lastCoalesce = null;
  send(true);
}

export function redo() {
  if (!redoStack.length) return;
  undoStack.push(JSON.stringify(plan));
  plan = JSON.parse(redoStack.pop());
  send(true);
}

/** The Undo and Redo buttons are enabled when there is something to undo or redo. */
export function updateButtons() {
  const u = document.querySelector("[data-action=undo]");
  const r = document.querySelector("[data-action=redo]");
  if (u) u.disabled = undoStack.length === 0;
  if (r) r.disabled = redoStack.length === 0;
}
