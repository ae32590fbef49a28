// The session record's drawing of the plan: the points given, skipped and added, tapped.
// On the form, a tap on a point marks it skipped (a second tap gives it back) and writes the
// "Skipped points" field ("3, 7-9"), which stays the alternative: typing there marks the
// drawing. With "a point added there", a tap on a place adds a point at it (the "Added points"
// count follows, and the places go to the hidden "added_at" field, in the plan's mm); a tap on
// an added point takes it away. A signed record's drawing shows the same marks, read-only.

const TAP_PX = 22; // a fingertip's reach, as the editor's (static/editor/points.js)
const SVG_NS = "http://www.w3.org/2000/svg";

function numbersOf(text) {
  const numbers = new Set();
  for (const piece of text.split(/[,;\s]+/).filter(Boolean)) {
    const found = /^(\d+)(?:-(\d+))?$/.exec(piece);
    if (!found) continue;
    const low = Number(found[1]);
    const high = Number(found[2] || found[1]);
    for (let n = low; n <= high && n - low < 10000; n++) numbers.add(n);
  }
  return numbers;
}

function written(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i + 1 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(", "));
    i = j;
  }
  return parts.join(", ");
}

function centreOf(point) {
  const circle = point.querySelector("circle");
  return [Number(circle.getAttribute("cx")), Number(circle.getAttribute("cy"))];
}

function setUp(box) {
  const svg = box.querySelector("svg");
  if (!svg) return;
  const form = box.closest("form");
  const radius = Number(svg.querySelector("#points")?.dataset.radiusMm || 1);
  const points = [...svg.querySelectorAll("g.point[data-number]")];
  const marks = document.createElementNS(SVG_NS, "g");
  marks.setAttribute("class", "given-marks");
  svg.appendChild(marks);
  const skippedField = form && form.querySelector("input[name=skipped]");
  const addedField = form && form.querySelector("input[name=added]");
  const placesField = form && form.querySelector("input[name=added_at]");
  let places = [];
  try {
    places = JSON.parse((placesField ? placesField.value : box.dataset.addedAt) || "[]");
  } catch (_error) {
    places = [];
  }
  let mode = "skip";

  function skipped() {
    return numbersOf(skippedField ? skippedField.value : box.dataset.skipped || "");
  }

  function draw() {
    const gone = skipped();
    marks.replaceChildren();
    for (const point of points) {
      const off = gone.has(Number(point.dataset.number));
      point.classList.toggle("skipped", off);
      if (!off) continue;
      const [x, y] = centreOf(point);
      const d = radius * 1.6;
      const cross = document.createElementNS(SVG_NS, "path");
      cross.setAttribute("d", `M${x - d} ${y - d}L${x + d} ${y + d}M${x - d} ${y + d}L${x + d} ${y - d}`);
      cross.setAttribute("class", "skip-cross");
      cross.setAttribute("stroke-width", radius * 0.5);
      cross.dataset.skipped = point.dataset.number;
      marks.appendChild(cross);
    }
    places.forEach(([x, y], i) => {
      const d = radius * 1.8;
      const plus = document.createElementNS(SVG_NS, "path");
      plus.setAttribute("d", `M${x - d} ${y}L${x + d} ${y}M${x} ${y - d}L${x} ${y + d}`);
      plus.setAttribute("class", "added-plus");
      plus.setAttribute("stroke-width", radius * 0.6);
      plus.dataset.added = String(i + 1);
      marks.appendChild(plus);
    });
  }

  function onScreen(x, y) {
    const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
    return [p.x, p.y];
  }

  function nearest(items, evt) {
    let best = null;
    let bestDistance = TAP_PX;
    items.forEach((at, i) => {
      const [sx, sy] = onScreen(at[0], at[1]);
      const distance = Math.hypot(sx - evt.clientX, sy - evt.clientY);
      if (distance <= bestDistance) {
        best = i;
        bestDistance = distance;
      }
    });
    return best;
  }

  function tap(evt) {
    if (mode === "skip") {
      const found = nearest(points.map(centreOf), evt);
      if (found === null) return;
      const gone = skipped();
      const number = Number(points[found].dataset.number);
      if (gone.has(number)) gone.delete(number); else gone.add(number);
      skippedField.value = written(gone);
    } else {
      const found = nearest(places, evt);
      if (found !== null) {
        places.splice(found, 1);
      } else {
        const p = new DOMPoint(evt.clientX, evt.clientY).matrixTransform(
          svg.getScreenCTM().inverse());
        places.push([Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10]);
      }
      placesField.value = places.length ? JSON.stringify(places) : "";
      // A place tapped is one more added point (unless more were typed than tapped); one
      // taken away is one less.
      const typed = Number(addedField.value) || 0;
      const count = found === null ? Math.max(typed, places.length) : Math.max(typed - 1, places.length);
      addedField.value = count ? String(count) : "";
    }
    draw();
  }

  if (form) {
    const modes = box.querySelector(".given-modes");
    modes.hidden = false;
    modes.querySelectorAll("[data-given-mode]").forEach((button) => {
      button.addEventListener("click", () => {
        mode = button.dataset.givenMode;
        modes.querySelectorAll("[data-given-mode]").forEach((b) => b.setAttribute(
          "aria-pressed", String(b === button)));
      });
    });
    svg.addEventListener("click", tap);
    skippedField.addEventListener("input", draw);
  }
  draw();
}

export function tapPointsGiven() {
  document.querySelectorAll("[data-points-given]").forEach(setUp);
}
