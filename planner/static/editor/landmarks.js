// Landmarks named on tap: a bony landmark of the body map (patella, olecranon, C7...) shows its
// name in a small label beside the finger or the pointer. A mouse hover already shows the
// SVG <title>; a touch screen has no hover, so a tap does it. The listener sits on the
// workspace, which outlives the map that the server redraws inside it; the label closes on the
// next tap elsewhere, on Escape, or after a few seconds. The drawing tools keep their taps:
// while one of them is chosen a tap on a landmark draws, as anywhere else.

const DRAWING_TOOLS = new Set(["polygon", "freehand", "circle", "line", "exclude", "point"]);
const SHOWN_MS = 4000;

let label = null;
let timer = null;

function hideName() {
  if (timer) { clearTimeout(timer); timer = null; }
  if (label) label.hidden = true;
}

function nameLabel() {
  if (!label) {
    label = document.createElement("div");
    label.className = "landmark-name";
    label.setAttribute("role", "status");
    label.hidden = true;
    document.body.appendChild(label);
  }
  return label;
}

/** The landmark under an event's target (an element of #map with class region-landmark). */
export function landmarkAt(target) {
  if (!target || !target.closest) return null;
  const mark = target.closest(".region-landmark");
  return mark && mark.closest("#map") ? mark : null;
}

/** Show a landmark's name (its <title>) near the screen point (x, y), in CSS pixels. */
export function showName(mark, x, y) {
  const title = mark.querySelector("title");
  const text = title ? title.textContent : mark.dataset.region;
  const box = nameLabel();
  box.textContent = text;
  box.dataset.region = mark.dataset.region || "";
  box.hidden = false;
  const room = window.innerWidth - box.offsetWidth - 8;
  box.style.left = Math.max(8, Math.min(x + 12, room)) + "px";
  box.style.top = Math.max(8, y - box.offsetHeight - 12) + "px";
  if (timer) clearTimeout(timer);
  timer = setTimeout(hideName, SHOWN_MS);
}

function onPointerDown(evt) {
  const map = document.getElementById("map");
  const tool = map ? map.dataset.activeTool : "";
  const mark = landmarkAt(evt.target);
  if (mark && !DRAWING_TOOLS.has(tool)) {
    showName(mark, evt.clientX, evt.clientY);
  } else {
    hideName();
  }
}

/** Name the map's landmarks on tap, on this workspace (#workspace); calling it again on the
 *  same workspace does nothing more. */
export function nameLandmarks(workspace) {
  if (!workspace || workspace.dataset.landmarksNamed) return;
  workspace.dataset.landmarksNamed = "1";
  workspace.addEventListener("pointerdown", onPointerDown);
  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape") hideName();
  });
}
