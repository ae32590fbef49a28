// Marks on a photo (templates/photos/marks.html): a tap on the photo adds a numbered mark at
// that place (x and y as fractions of the photo), with a row for its words; Remove takes a mark
// away and the others are numbered again. The form sends the rows in their order.

const SVG = "http://www.w3.org/2000/svg";

function setUp() {
  const frame = document.getElementById("marks-frame");
  const list = document.getElementById("marks-list");
  const form = document.getElementById("marks-form");
  if (!frame || !list || !form) return;
  const overlay = frame.querySelector("svg.photo-marks");
  const width = Number(overlay.dataset.width);
  const height = Number(overlay.dataset.height);
  const radius = Math.max(width, height) / 90;

  function redraw() {
    overlay.replaceChildren();
    list.querySelectorAll(".mark-row").forEach(function (row, k) {
      const x = Number(row.querySelector("input[name=mark-x]").value) * width;
      const y = Number(row.querySelector("input[name=mark-y]").value) * height;
      const g = document.createElementNS(SVG, "g");
      g.setAttribute("class", "mark");
      g.dataset.number = String(k + 1);
      const dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("cx", x.toFixed(1));
      dot.setAttribute("cy", y.toFixed(1));
      dot.setAttribute("r", radius.toFixed(1));
      const label = document.createElementNS(SVG, "text");
      label.setAttribute("x", x.toFixed(1));
      label.setAttribute("y", (y + radius * 0.45).toFixed(1));
      label.setAttribute("font-size", (radius * 1.3).toFixed(1));
      label.setAttribute("text-anchor", "middle");
      label.textContent = String(k + 1);
      g.append(dot, label);
      overlay.append(g);
    });
  }

  if (frame.hasAttribute("data-editable")) {
    frame.addEventListener("click", function (evt) {
      if (list.querySelectorAll(".mark-row").length >= Number(form.dataset.most)) return;
      // Where the photo is drawn inside its frame (contained: the overlay's viewBox "meets").
      const box = overlay.getBoundingClientRect();
      const scale = Math.min(box.width / width, box.height / height);
      const left = box.left + (box.width - width * scale) / 2;
      const top = box.top + (box.height - height * scale) / 2;
      const x = (evt.clientX - left) / (width * scale);
      const y = (evt.clientY - top) / (height * scale);
      if (x < 0 || x > 1 || y < 0 || y > 1) return;
      const row = document.getElementById("mark-row").content.firstElementChild.cloneNode(true);
      row.querySelector("input[name=mark-x]").value = x.toFixed(5);
      row.querySelector("input[name=mark-y]").value = y.toFixed(5);
      list.append(row);
      redraw();
      row.querySelector("input[name=mark-text]").focus({ preventScroll: true });
    });
  }
  list.addEventListener("click", function (evt) {
    const remove = evt.target.closest("[data-remove-mark]");
    if (!remove) return;
    remove.closest(".mark-row").remove();
    redraw();
  });
  form.dataset.ready = "1";
}

setUp();
