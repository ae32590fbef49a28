// Mesoplanner's one script. On every page: the language menu submits itself. In the plan
// editor: it records what the clinician draws, in millimetres on the body map, into the plan
// file held in #plan-json, and asks the server (htmx, "plan-changed") to compute and redraw.
// It never computes injection points itself.
(function () {
  "use strict";

  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("select[data-autosubmit]")) {
      evt.target.form.submit();
    }
  });

  // Every date field says its date in words, in the page's language, beside it ("3 apr 1961"):
  // the field itself shows the browser's format, which may not be the clinic's (a browser set
  // to US English shows 04/03/1961 for the 3rd of April).
  function sayDate(input) {
    let words = input.nextElementSibling;
    if (!words || !words.classList.contains("date-words")) {
      words = document.createElement("span");
      words.className = "date-words";
      words.dataset.testid = "date-words";
      input.after(words);
    }
    // A date, or a date and time (a session's): "5 ott 2026, 10:00".
    const ymd = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$/
      .exec(input.value);
    const time = ymd && ymd[4] !== undefined ? { hour: "2-digit", minute: "2-digit" } : {};
    words.textContent = ymd ? new Intl.DateTimeFormat(document.documentElement.lang, {
      day: "numeric", month: "short", year: "numeric", timeZone: "UTC", ...time,
    }).format(Date.UTC(Number(ymd[1]), Number(ymd[2]) - 1, Number(ymd[3]),
                       Number(ymd[4] || 0), Number(ymd[5] || 0))) : "";
  }
  const DATE_FIELDS = 'input[type="date"], input[type="datetime-local"]';
  document.querySelectorAll(DATE_FIELDS).forEach(sayDate);
  document.addEventListener("input", function (evt) {
    if (evt.target.matches && evt.target.matches(DATE_FIELDS)) sayDate(evt.target);
  });

  // --- the drug field of the mixture form ---------------------------------------------------
  // The catalogue's drugs as you type, from the page's <datalist id="drugs">: each option is a
  // drug's name in the reader's language, its label adds the ATC code, and data-search holds every
  // name it is known by (three languages, other names, brands), folded. The list is ours, not the
  // browser's, so that it matches any of those names whatever the accents ("lidoc", "xiloc" and
  // "N01BB02" all offer lidocaina); free text stays allowed.
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  const drugList = document.getElementById("drugs");
  if (drugList) {
    const drugs = Array.from(drugList.options).map(function (o) {
      const label = o.label || o.value;
      return { value: o.value, name: fold(o.value), search: o.dataset.search || fold(o.value),
               note: label.indexOf(" · ") >= 0 ? label.slice(label.indexOf(" · ") + 3) : "" };
    });
    let open = null; // { input, list, items, active }

    const closeSuggestions = function () {
      if (!open) return;
      open.list.remove();
      open.input.setAttribute("aria-expanded", "false");
      open.input.removeAttribute("aria-activedescendant");
      open = null;
    };
    const highlight = function (index) {
      open.active = index;
      open.items.forEach(function (li, k) { li.setAttribute("aria-selected", k === index ? "true" : "false"); });
      if (index >= 0) {
        open.input.setAttribute("aria-activedescendant", open.items[index].id);
        open.items[index].scrollIntoView({ block: "nearest" });
      }
    };
    const pick = function (value) {
      const input = open.input;
      input.value = value;
      closeSuggestions();
      input.focus();
    };
    const suggest = function (input) {
      closeSuggestions();
      const typed = fold(input.value.trim());
      if (typed.length < 2) return;
      const found = drugs.filter(function (d) { return d.search.indexOf(typed) >= 0; });
      // Names that begin with what was typed first, then the others, each group by name.
      found.sort(function (a, b) {
        return (b.name.startsWith(typed) - a.name.startsWith(typed)) || a.name.localeCompare(b.name);
      });
      if (!found.length || (found.length === 1 && found[0].name === typed)) return;
      const list = document.createElement("ul");
      list.className = "suggestions";
      list.id = input.name + "-suggestions";
      list.setAttribute("role", "listbox");
      list.dataset.testid = "drug-suggestions";
      const items = found.slice(0, 10).map(function (d, k) {
        const li = document.createElement("li");
        li.id = list.id + "-" + k;
        li.setAttribute("role", "option");
        li.dataset.value = d.value;
        const name = document.createElement("span");
        name.textContent = d.value;
        li.appendChild(name);
        if (d.note) {
          const note = document.createElement("span");
          note.className = "code";
          note.textContent = d.note;
          li.appendChild(note);
        }
        list.appendChild(li);
        return li;
      });
      // Keep the focus in the field while an item is clicked (no blur, no closing first).
      list.addEventListener("mousedown", function (evt) { evt.preventDefault(); });
      list.addEventListener("click", function (evt) {
        const li = evt.target.closest("li[role=option]");
        if (li) pick(li.dataset.value);
      });
      input.after(list);
      input.setAttribute("aria-controls", list.id);
      input.setAttribute("aria-expanded", "true");
      open = { input: input, list: list, items: items, active: -1 };
    };

    document.querySelectorAll("input[data-drug-field]").forEach(function (input) {
      input.removeAttribute("list"); // ours replaces the browser's list
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
    });
    document.addEventListener("input", function (evt) {
      if (evt.target.matches && evt.target.matches("input[data-drug-field]")) suggest(evt.target);
    });
    document.addEventListener("keydown", function (evt) {
      if (!open || evt.target !== open.input) return;
      if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
        evt.preventDefault();
        const last = open.items.length - 1;
        if (evt.key === "ArrowDown") highlight(open.active >= last ? 0 : open.active + 1);
        else highlight(open.active <= 0 ? last : open.active - 1);
      } else if (evt.key === "Enter" && open.active >= 0) {
        evt.preventDefault(); // a pick, not the form's submission
        pick(open.items[open.active].dataset.value);
      } else if (evt.key === "Escape") {
        closeSuggestions();
      }
    });
    document.addEventListener("focusout", function (evt) {
      if (open && evt.target === open.input) closeSuggestions();
    });
  }

  const form = document.getElementById("plan-form");
  if (!form) return;
  const field = document.getElementById("plan-json");
  const hint = document.getElementById("tool-hint");
  const popover = document.getElementById("point-popover");
  let plan = JSON.parse(field.value);
  const undoStack = [];
  const redoStack = [];
  let lastCoalesce = null;
  let lastCoalesceAt = 0;
  let tool = "region";
  let draft = null; // {kind, points, area}
  let viewBox = null; // zoom: [x, y, w, h] in mm, or null for the whole view
  let selected = null; // the point in the popover
  let moving = false;
  let panFrom = null;
  let timer = null;

  const NUMERIC = ["spacing_mm", "angle_deg", "margin_mm", "depth_mm"];

  function svg() { return document.querySelector("#map svg"); }

  function round2(v) { return Math.round(v * 100) / 100; }

  function toMm(evt) {
    const s = svg();
    const pt = s.createSVGPoint();
    pt.x = evt.clientX;
    pt.y = evt.clientY;
    const p = pt.matrixTransform(s.getScreenCTM().inverse());
    return [round2(p.x), round2(p.y)];
  }

  // A change of structure (areas, shapes, mixtures) redraws the whole workspace; a change of
  // one parameter (typing, the slider) redraws only the map and the results ("tuned").
  function send(immediate, tuned) {
    field.value = JSON.stringify(plan);
    updateButtons();
    clearTimeout(timer);
    timer = setTimeout(function () {
      const source = tuned ? document.getElementById("tuner") : form;
      htmx.ajax("POST", source.getAttribute("hx-post"), {
        source: source,
        target: source.getAttribute("hx-target"),
        swap: source.getAttribute("hx-swap"),
      });
    }, immediate ? 0 : 150);
  }

  // Every change goes through commit: it keeps the undo history and asks for a new preview.
  function commit(mutate, coalesce) {
    const now = Date.now();
    if (!(coalesce && coalesce === lastCoalesce && now - lastCoalesceAt < 1500)) {
      undoStack.push(JSON.stringify(plan));
      if (undoStack.length > 200) undoStack.shift();
    }
    lastCoalesce = coalesce || null;
    lastCoalesceAt = now;
    redoStack.length = 0;
    mutate(plan);
    send(!coalesce, Boolean(coalesce));
  }

  function updateButtons() {
    const u = document.querySelector("[data-action=undo]");
    const r = document.querySelector("[data-action=redo]");
    if (u) u.disabled = undoStack.length === 0;
    if (r) r.disabled = redoStack.length === 0;
  }

  function setTool(name) {
    tool = name;
    cancelDraft();
    closePopover();
    document.querySelectorAll(".tool").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.tool === name ? "true" : "false");
      if (b.dataset.tool === name && hint) hint.textContent = b.dataset.hint || "";
    });
    const map = document.getElementById("map");
    if (map) map.dataset.activeTool = name;
  }

  // --- drawing ---------------------------------------------------------------------------

  function draftLayer() {
    const s = svg();
    let g = s.querySelector("#draft");
    if (!g) {
      g = document.createElementNS("http://www.w3.org/2000/svg", "g");
      g.setAttribute("id", "draft");
      s.appendChild(g);
    }
    return g;
  }

  function drawDraft() {
    if (!draft || !svg()) return;
    const g = draftLayer();
    while (g.firstChild) g.removeChild(g.firstChild);
    const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    line.setAttribute("points", draft.points.map(function (p) { return p.join(","); }).join(" "));
    line.setAttribute("class", "draft-line" + (draft.kind === "exclude" ? " draft-exclude" : ""));
    g.appendChild(line);
    draft.points.forEach(function (p) {
      const c = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      c.setAttribute("cx", p[0]);
      c.setAttribute("cy", p[1]);
      c.setAttribute("r", "1");
      c.setAttribute("class", "draft-vertex");
      g.appendChild(c);
    });
  }

  function cancelDraft() {
    draft = null;
    const g = svg() && svg().querySelector("#draft");
    if (g) g.remove();
  }

  function areaAt(evt) {
    const hit = evt.target.closest && evt.target.closest("[data-area]");
    if (hit && hit.dataset.area !== "") return Number(hit.dataset.area);
    return plan.areas.length ? plan.areas.length - 1 : null;
  }

  function finishDraft() {
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

  function labelFor(kind) {
    const button = document.querySelector('.tool[data-tool="' + kind + '"]');
    return (button ? button.textContent.trim() : kind) + " " + (plan.areas.length + 1);
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

  // --- points ------------------------------------------------------------------------------

  function pointInfo(group) {
    const c = group.querySelector("circle");
    return {
      number: Number(group.dataset.number),
      volume: group.dataset.volumeMl,
      area: group.dataset.area === "" ? null : Number(group.dataset.area),
      manual: group.dataset.manual === undefined ? null : Number(group.dataset.manual),
      x: Number(c.getAttribute("cx")),
      y: Number(c.getAttribute("cy")),
    };
  }

  function openPopover(info, evt) {
    selected = info;
    popover.hidden = false;
    popover.querySelector(".popover-title").textContent =
      "#" + info.number + " · " + info.volume + " mL";
    const input = document.getElementById("point-volume");
    input.value = info.volume;
    popover.style.left = Math.min(evt.clientX + 12, window.innerWidth - 230) + "px";
    popover.style.top = Math.max(evt.clientY - 20, 8) + "px";
    input.focus();
  }

  function closePopover() {
    selected = null;
    moving = false;
    if (popover) popover.hidden = true;
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

  function deletePoint(info) {
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

  // --- zoom and pan ------------------------------------------------------------------------

  function baseBox() {
    const s = svg();
    return s.getAttribute("data-base-viewbox") || s.getAttribute("viewBox");
  }

  function applyViewBox() {
    const s = svg();
    if (!s) return;
    if (!s.getAttribute("data-base-viewbox")) {
      s.setAttribute("data-base-viewbox", s.getAttribute("viewBox"));
    }
    s.removeAttribute("width");
    s.removeAttribute("height");
    s.setAttribute("viewBox", viewBox ? viewBox.join(" ") : baseBox());
  }

  function zoom(factor, centre) {
    const box = (viewBox || baseBox().split(/[\s,]+/).map(Number)).slice();
    const cx = centre ? centre[0] : box[0] + box[2] / 2;
    const cy = centre ? centre[1] : box[1] + box[3] / 2;
    const w = box[2] * factor;
    const h = box[3] * factor;
    viewBox = [cx - (cx - box[0]) * factor, cy - (cy - box[1]) * factor, w, h];
    applyViewBox();
  }

  // --- events ------------------------------------------------------------------------------

  document.addEventListener("click", function (evt) {
    const t = evt.target.closest("[data-tool], [data-action]");
    if (!t) return;
    if (t.dataset.tool) { setTool(t.dataset.tool); return; }
    const action = t.dataset.action;
    if (action === "zoom-in") zoom(0.8);
    else if (action === "zoom-out") zoom(1.25);
    else if (action === "zoom-reset") { viewBox = null; applyViewBox(); }
    else if (action === "undo" && undoStack.length) {
      redoStack.push(JSON.stringify(plan));
      plan = JSON.parse(undoStack.pop());
      lastCoalesce = null;
      send(true);
    } else if (action === "redo" && redoStack.length) {
      undoStack.push(JSON.stringify(plan));
      plan = JSON.parse(redoStack.pop());
      send(true);
    } else if (action === "remove-area") {
      const i = Number(t.dataset.area);
      commit(function (p) { p.areas.splice(i, 1); });
    } else if (action === "clear-exclusions") {
      const i = Number(t.dataset.area);
      commit(function (p) { delete p.areas[i].exclude; });
    } else if (action === "remove-mixture") {
      const name = t.dataset.mixture;
      commit(function (p) {
        delete p.mixtures[name];
        p.areas.forEach(function (a) { if (a.mixture === name) delete a.mixture; });
        p.points.forEach(function (q) { if (q.mixture === name) delete q.mixture; });
      });
    } else if (action === "update-mixture") {
      // The clinic's current version replaces the plan's older recipe, under the same name.
      const name = t.dataset.mixture;
      const components = JSON.parse(t.dataset.components);
      commit(function (p) { p.mixtures[name] = { components: components }; });
    } else if (action === "point-apply" && selected) {
      const v = document.getElementById("point-volume").value.replace(",", ".");
      const info = selected;
      closePopover();
      if (v) setPointVolume(info, Number(v).toFixed(2));
    } else if (action === "point-delete" && selected) {
      const info = selected;
      closePopover();
      deletePoint(info);
    } else if (action === "point-move" && selected) {
      moving = true;
      popover.hidden = true;
      if (hint) hint.textContent = form.dataset.messageMove || "";
    } else if (action === "point-close") {
      closePopover();
    }
  });

  document.addEventListener("change", function (evt) {
    const t = evt.target;
    if (t.dataset && t.dataset.action === "add-mixture" && t.value) {
      const option = t.selectedOptions[0];
      const components = JSON.parse(option.dataset.components);
      const name = t.value;
      commit(function (p) {
        p.mixtures = p.mixtures || {};
        p.mixtures[name] = { components: components };
        p.areas.forEach(function (a) { if (!a.mixture) a.mixture = name; });
      });
    }
  });

  form.addEventListener("input", function (evt) {
    const t = evt.target;
    if (t.dataset.area !== undefined && t.dataset.key) {
      const i = Number(t.dataset.area);
      const key = t.dataset.key;
      let value = t.value.trim().replace(",", ".");
      // Keep the slider and its number box together.
      form.querySelectorAll('[data-area="' + i + '"][data-key="' + key + '"]').forEach(function (o) {
        if (o !== t) o.value = value;
      });
      commit(function (p) {
        const a = p.areas[i];
        if (value === "") delete a[key];
        else if (NUMERIC.indexOf(key) >= 0 && !isNaN(Number(value))) a[key] = Number(value);
        else a[key] = value;
      }, "area-" + i + "-" + key);
    } else if (t.dataset.planKey) {
      const key = t.dataset.planKey;
      const value = t.value;
      commit(function (p) { p[key] = value; });
    }
  });

  form.addEventListener("keydown", function (evt) {
    if (evt.key === "Enter" && evt.target.dataset && evt.target.dataset.key) {
      evt.preventDefault();
    }
  });

  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape") { cancelDraft(); closePopover(); }
    if (evt.key === "Enter" && draft && !evt.target.closest("input, textarea, select")) {
      evt.preventDefault();
      finishDraft();
    }
    if ((evt.ctrlKey || evt.metaKey) && evt.key === "z" && !evt.target.closest("input")) {
      evt.preventDefault();
      document.querySelector(evt.shiftKey ? "[data-action=redo]" : "[data-action=undo]").click();
    }
  });

  // The workspace is redrawn by the server (the map inside it is replaced), so listen on it.
  const mapEl = document.getElementById("workspace");
  function onMap(evt) { return evt.target.closest && evt.target.closest("#map"); }

  mapEl.addEventListener("pointerdown", function (evt) {
    if (!svg() || evt.button > 0 || !onMap(evt)) return;
    const at = toMm(evt);
    const pointGroup = evt.target.closest(".point");
    if (moving && selected) {
      const info = selected;
      closePopover();
      movePoint(info, at);
      return;
    }
    if (tool === "pan") {
      panFrom = { x: evt.clientX, y: evt.clientY, box: (viewBox || baseBox().split(/[\s,]+/).map(Number)).slice() };
      mapEl.setPointerCapture(evt.pointerId);
    } else if ((tool === "select" || tool === "region") && pointGroup) {
      openPopover(pointInfo(pointGroup), evt); // a tap on a point shows its number and volume
    } else if (tool === "region") {
      const region = evt.target.closest("[data-region]");
      if (region && /region-(treatment|warning)/.test(region.getAttribute("class"))) {
        const title = region.querySelector("title");
        commit(function (p) {
          p.areas.push({ label: title ? title.textContent : region.dataset.region,
                         region: region.dataset.region });
        });
      }
    } else if (tool === "point") {
      commit(function (p) { p.points.push({ x: at[0], y: at[1] }); });
    } else if (tool === "erase") {
      if (pointGroup) {
        deletePoint(pointInfo(pointGroup));
      } else {
        const area = evt.target.closest(".area");
        if (area) {
          const i = Number(area.dataset.area);
          commit(function (p) { p.areas.splice(i, 1); });
        }
      }
    } else if (tool === "polygon" || tool === "line" || tool === "exclude") {
      if (!draft) draft = { kind: tool, points: [], area: tool === "exclude" ? areaAt(evt) : null };
      const first = draft.points[0];
      if (tool !== "line" && draft.points.length >= 3 &&
          Math.hypot(at[0] - first[0], at[1] - first[1]) < 3) {
        finishDraft(); // a click on the first vertex closes the shape
        return;
      }
      draft.points.push(at);
      drawDraft();
    } else if (tool === "freehand" || tool === "circle") {
      draft = { kind: tool, points: [at], area: null, start: at };
      mapEl.setPointerCapture(evt.pointerId);
      drawDraft();
    }
  });

  mapEl.addEventListener("pointermove", function (evt) {
    if (panFrom) {
      const s = svg();
      const scale = panFrom.box[2] / s.getBoundingClientRect().width;
      viewBox = [panFrom.box[0] - (evt.clientX - panFrom.x) * scale,
                 panFrom.box[1] - (evt.clientY - panFrom.y) * scale, panFrom.box[2], panFrom.box[3]];
      applyViewBox();
      return;
    }
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
  });

  mapEl.addEventListener("pointerup", function (evt) {
    if (panFrom) { panFrom = null; return; }
    if (draft && (draft.kind === "freehand" || draft.kind === "circle")) {
      if (draft.kind === "circle") {
        draft.points = circlePoints(draft.start, toMm(evt));
        if (Math.hypot(draft.points[0][0] - draft.start[0], draft.points[0][1] - draft.start[1]) < 1) {
          cancelDraft();
          return;
        }
      }
      finishDraft();
    }
  });

  mapEl.addEventListener("dblclick", function (evt) {
    if (onMap(evt) && draft && (draft.kind === "polygon" || draft.kind === "line" || draft.kind === "exclude")) {
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
  });

  mapEl.addEventListener("wheel", function (evt) {
    if (!svg() || !onMap(evt)) return;
    evt.preventDefault();
    zoom(evt.deltaY > 0 ? 1.15 : 0.87, toMm(evt));
  }, { passive: false });

  // After every redraw from the server: keep the zoom and any shape being drawn.
  new MutationObserver(function () {
    const s = svg();
    if (!s || s.getAttribute("data-base-viewbox")) return; // not a new drawing (or our own draft)
    applyViewBox();
    if (draft) drawDraft();
  }).observe(document.getElementById("workspace"), { childList: true, subtree: true });

  applyViewBox();
  setTool("region");
  updateButtons();
})();
