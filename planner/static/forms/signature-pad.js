// The signature pad of the consent page: a finger, a pen or a mouse draws on the SVG box
// (pointer events, so one code path for all three); every stroke is kept as vector data, its
// pointer type and its points [x, y, ms] in the box's own units (viewBox) and milliseconds
// since the first touch, and written as JSON into the form's hidden "strokes" field, which the
// server checks (planner/core/signature.py). "Clear the signature" starts again.

const round1 = (value) => Math.round(value * 10) / 10;

function setUp(svg) {
  const form = svg.closest("form");
  const field = form.querySelector("input[name=strokes]");
  const ink = svg.querySelector("path.ink");
  const box = svg.viewBox.baseVal;
  let strokes = [];
  let current = null;
  let started = null;

  function where(evt) {
    const matrix = svg.getScreenCTM().inverse();
    const point = new DOMPoint(evt.clientX, evt.clientY).matrixTransform(matrix);
    const x = Math.min(Math.max(point.x, 0), box.width);
    const y = Math.min(Math.max(point.y, 0), box.height);
    const last = current && current.points.length ? current.points.at(-1)[2] : 0;
    return [round1(x), round1(y), Math.max(last, Math.round(evt.timeStamp - started))];
  }

  function draw() {
    ink.setAttribute("d", strokes.map((s) => s.points.map(
      (p, i) => `${i ? "L" : "M"}${p[0]} ${p[1]}`).join("")).join(""));
    field.value = strokes.length ? JSON.stringify({ strokes }) : "";
  }

  svg.addEventListener("pointerdown", (evt) => {
    evt.preventDefault();
    if (started === null) started = evt.timeStamp;
    svg.setPointerCapture(evt.pointerId);
    const pointer = ["pen", "touch", "mouse"].includes(evt.pointerType) ? evt.pointerType : "mouse";
    current = { pointer, points: [] };
    current.points.push(where(evt));
    strokes.push(current);
    draw();
  });
  svg.addEventListener("pointermove", (evt) => {
    if (!current) return;
    const events = evt.getCoalescedEvents ? evt.getCoalescedEvents() : [evt];
    for (const one of events.length ? events : [evt]) {
      // A point less than a unit from the last adds nothing to the line: a fast pen's
      // hundreds of events a second would fill the signature's limit (core/signature.py).
      const next = where(one);
      const last = current.points.at(-1);
      if (Math.hypot(next[0] - last[0], next[1] - last[1]) >= 1) current.points.push(next);
    }
    draw();
  });
  const end = () => { current = null; };
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointercancel", end);
  form.querySelector("[data-clear-signature]").addEventListener("click", () => {
    strokes = [];
    current = null;
    started = null;
    draw();
  });
}

document.querySelectorAll("svg[data-signature-pad]").forEach(setUp);
