// The plan's mixtures: one added from the clinic's list (and given to the areas that have none),
// one removed (and taken from its areas and points), one replaced by the clinic's current
// version of its recipe, under the same name.

import { commit } from "./history.js";

/** The mixtures' buttons, by their data-action; each names its mixture in data-mixture. */
export const mixtureActions = {
  "remove-mixture": function (button) {
    const name = button.dataset.mixture;
    commit(function (p) {
      delete p.mixtures[name];
      p.areas.forEach(function (a) { if (a.mixture === name) delete a.mixture; });
      p.points.forEach(function (q) { if (q.mixture === name) delete q.mixture; });
    });
  },
  "update-mixture": function (button) {
    // The clinic's current version replaces the plan's older recipe, under the same name.
    const name = button.dataset.mixture;
    const components = JSON.parse(button.dataset.components);
    commit(function (p) { p.mixtures[name] = { components: components }; });
  },
};

/** A mixture chosen in the select marked data-action="add-mixture" joins the plan. */
export function onMixtureChosen(evt) {
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
}
