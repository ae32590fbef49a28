// The workspace's fields and buttons for the areas and the plan: a parameter typed or slid (the
// slider and its number box kept together; typing in one field makes one undo step), the plan's
// own fields (data-plan-key), an area removed, an area's exclusions cleared.

import { commit } from "./history.js";

const NUMERIC = ["spacing_mm", "angle_deg", "margin_mm", "depth_mm"];

export function removeArea(i) {
  commit(function (p) { p.areas.splice(i, 1); });
}

/** The areas' buttons, by their data-action; each names its area in data-area. */
export const areaActions = {
  "remove-area": function (button) {
    removeArea(Number(button.dataset.area));
  },
  "clear-exclusions": function (button) {
    const i = Number(button.dataset.area);
    commit(function (p) { delete p.areas[i].exclude; });
  },
};

/** Typing in the editor's form: an area's parameter or a field of the plan. */
export function onFieldInput(form, evt) {
  const t = evt.target;
  if (t.dataset.area !== undefined && t.dataset.key) {
    const i = Number(t.dataset.area);
    const key = t.dataset.key;
    const value = t.value.trim().replace(",", ".");
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
}

/** Enter in an area's parameter does not submit (save) the plan. */
export function onFieldKeydown(evt) {
  if (evt.key === "Enter" && evt.target.dataset && evt.target.dataset.key) {
    evt.preventDefault();
  }
}
