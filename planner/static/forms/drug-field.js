// The drug field of the mixture form: the catalogue's drugs as you type, from the page's
// <datalist id="drugs">. Each option is a drug's name in the reader's language, its label adds
// the ATC code, and data-search holds every name it is known by (three languages, other names,
// brands), folded. The list is ours, not the browser's, so that it matches any of those names
// whatever the accents ("lidoc", "xiloc" and "N01BB02" all offer lidocaina); free text stays
// allowed. The field is an ARIA combobox: arrows move, Enter picks, Escape closes.

let drugs = [];
let open = null; // { input, list, items, active }

function fold(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function closeSuggestions() {
  if (!open) return;
  open.list.remove();
  open.input.setAttribute("aria-expanded", "false");
  open.input.removeAttribute("aria-activedescendant");
  open = null;
}

function highlight(index) {
  open.active = index;
  open.items.forEach(function (li, k) { li.setAttribute("aria-selected", k === index ? "true" : "false"); });
  if (index >= 0) {
    open.input.setAttribute("aria-activedescendant", open.items[index].id);
    open.items[index].scrollIntoView({ block: "nearest" });
  }
}

function pick(value) {
  const input = open.input;
  input.value = value;
  closeSuggestions();
  input.focus();
}

function suggest(input) {
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
}

function onKeydown(evt) {
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
}

/** On a page with the drug list: every input[data-drug-field] becomes a combobox over it. */
export function suggestDrugs() {
  const drugList = document.getElementById("drugs");
  if (!drugList) return;
  drugs = Array.from(drugList.options).map(function (o) {
    const label = o.label || o.value;
    return { value: o.value, name: fold(o.value), search: o.dataset.search || fold(o.value),
             note: label.indexOf(" · ") >= 0 ? label.slice(label.indexOf(" · ") + 3) : "" };
  });
  document.querySelectorAll("input[data-drug-field]").forEach(function (input) {
    input.removeAttribute("list"); // ours replaces the browser's list
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
  });
  document.addEventListener("input", function (evt) {
    if (evt.target.matches && evt.target.matches("input[data-drug-field]")) suggest(evt.target);
  });
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("focusout", function (evt) {
    if (open && evt.target === open.input) closeSuggestions();
  });
}
