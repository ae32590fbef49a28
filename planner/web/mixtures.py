"""The clinic's mixtures: defined once, added to any plan; edited as new versions, archived and
restored; one of them may be the default of a treatment, which its new plans start with. A plan
copies a mixture's recipe when it is added, so no change here alters a plan or a signed session
record (web/clinic_mixtures.py tells which version a plan's recipe is)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from planner import wording
from planner.core import clinical, drugs
from planner.core.drug_catalogue import CLASSES
from planner.core.messages import PlanError
from planner.core.plan import FORMAT
from planner.core.plan_reader import from_dict
from planner.extensions import db
from planner.formatting import field_text
from planner.models import ClinicSettings, SavedMixture, audit, now
from planner.web import clinic_mixtures
from planner.web.i18n import current_locale, plan_message

bp = Blueprint("mixtures", __name__)

ROWS = 5  # component rows of the form
MAX_NAME = 40  # as a plan file's mixture name (plan.py)
FIELDS = ("component", "drug", "mg_per_ml", "volume_ml")


@bp.route("/mixtures", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The clinic's mixtures (current versions, the archived ones apart) and a new one."""
    form: dict[str, Any] = {"name": "", "rows": [{} for _ in range(ROWS)]}
    problems: dict[str, str] = {}
    if request.method == "POST":
        form, components, problems = parse_mixture(request.form)
        if not problems:
            mixture = SavedMixture(name=form["name"], components_json=json.dumps(components),
                                   created_by_id=current_user.id)
            db.session.add(mixture)
            if flushed():
                audit(current_user, "create", "mixture", mixture.id, "version 1")
                db.session.commit()
                flash(_("Mixture saved."), "success")
                return redirect(url_for("mixtures.index"), 303)
            # Another save took the name a moment ago (the unique index): nothing was written.
            problems["name"] = name_problem(form["name"]) or _("A mixture with this name exists.")
    return index_page(422 if problems else 200, form, problems)


def index_page(status: int, form: dict[str, Any] | None = None,
               problems: dict[str, str] | None = None) -> ResponseReturnValue:
    """The mixtures page: the current ones, each treatment's default, a new one, the archived."""
    chosen = clinic_mixtures.default_families()
    return page("plans/mixtures.html", status,
                form=form or {"name": "", "rows": [{} for _ in range(ROWS)]},
                problems=problems or {}, saved=clinic_mixtures.current(),
                archived=clinic_mixtures.current(archived=True),
                treatments=wording.treatment_names(_), defaults=chosen,
                default_rows={f: clinic_mixtures.current_of(f) for f in set(chosen.values())})


@bp.post("/mixtures/defaults")
def defaults() -> ResponseReturnValue:
    """Each treatment's default mixture: a new plan of the treatment starts with it.

    Only the treatments changed on the form are written (each choice carries the default it
    was made over): a treatment whose default someone changed meanwhile is refused (409), a
    treatment or a mixture the clinic does not have too (422); then nothing is saved.
    """
    before = clinic_mixtures.default_families()
    changes, problem = read_defaults(request.form, before)
    if problem is not None:
        flash(problem[0], "error")
        return index_page(problem[1])
    if not changes:
        flash(_("Nothing was changed."), "success")
        return redirect(url_for("mixtures.index", _anchor="defaults"), 303)
    settings = db.session.get(ClinicSettings, 1)
    if settings is None:  # no settings saved yet: the row is made now
        settings = ClinicSettings(id=1)
        db.session.add(settings)
    after = {t: f for t, f in {**before, **changes}.items() if f is not None}
    settings.default_mixtures_json = json.dumps(dict(sorted(after.items())))
    settings.updated_by_id, settings.updated_at = current_user.id, now()
    for treatment, family in changes.items():
        if family is None:
            audit(current_user, "update", "mixture", before[treatment],
                  f"no longer default for {treatment}")
        else:
            audit(current_user, "update", "mixture", family, f"default for {treatment}")
    if not flushed():  # another save made the settings' row a moment ago
        flash(_("Someone else saved the clinic's settings a moment ago: nothing was saved. "
                "Choose the defaults again."), "error")
        return index_page(409)
    db.session.commit()
    flash(_("Default mixtures saved: new plans of each treatment start with its default."),
          "success")
    return redirect(url_for("mixtures.index", _anchor="defaults"), 303)


def read_defaults(data: Any, before: dict[str, int]
                  ) -> tuple[dict[str, int | None], tuple[str, int] | None]:
    """The defaults form's changes (treatment -> a mixture's family, None for no default),
    or why it is refused and the status to answer with.

    A field ``default-<treatment>`` holds the mixture chosen ("" for none), ``was-<treatment>``
    the default it was chosen over: an unchanged choice is no change.
    """
    names = wording.treatment_names(_)
    changes: dict[str, int | None] = {}
    for key, value in data.items():
        if not key.startswith("default-"):
            continue
        treatment = key.removeprefix("default-")
        if treatment not in clinical.TREATMENTS:
            return {}, (_("There is no treatment “%(name)s”: nothing was saved.",
                          name=treatment[:40]), 422)
        value = value.strip()
        if value == data.get(f"was-{treatment}", "").strip():
            continue
        if str(before.get(treatment, "")) != data.get(f"was-{treatment}", "").strip():
            return {}, (_("The default for %(treatment)s was changed by someone else while "
                          "you were choosing: nothing was saved. It is shown as it is now.",
                          treatment=names[treatment]), 409)
        if not value:
            changes[treatment] = None
            continue
        row = (clinic_mixtures.current_of(int(value))
               if value.isdigit() and len(value) < 10 else None)
        if row is None or row.archived or row.family != int(value):
            return {}, (_("The mixture chosen for %(treatment)s is not one of the clinic's "
                          "current mixtures: nothing was saved.", treatment=names[treatment]),
                        422)
        changes[treatment] = row.family
    return changes, None


@bp.route("/mixtures/<int:mixture_id>/edit", methods=["GET", "POST"])
def edit(mixture_id: int) -> ResponseReturnValue:
    """Change a mixture: saving makes its next version; plans keep the version they copied.

    The form carries the version it was opened on: a save over a version someone else has
    replaced meanwhile is refused (409), the entries shown again with the current recipe.
    """
    mixture = clinic_mixtures.current_of(mixture_id)
    if mixture is None:
        abort(404)
    form = form_of(mixture)
    based_on = mixture.version
    problems: dict[str, str] = {}
    if request.method == "GET" or mixture.archived:
        if request.method == "POST":
            flash(_("This mixture is archived: restore it before changing it."), "error")
        return edit_page(mixture, form, problems, based_on,
                         409 if request.method == "POST" else 200)
    form, components, problems = parse_mixture(request.form, mixture.family)
    based_on = request.form.get("version", type=int) or 0
    if problems:
        return edit_page(mixture, form, problems, based_on, 422)
    if based_on != mixture.version:
        return stale(mixture, form)
    if (form["name"] == mixture.name
            and clinic_mixtures.recipe(json.dumps(components))
            == clinic_mixtures.recipe(mixture.components_json)):
        flash(_("Nothing was changed: the mixture stays at version %(version)s.",
                version=mixture.version), "success")
        return redirect(url_for("mixtures.index"), 303)
    # Only the version read is superseded: an edit or archiving in between finds no row.
    replaced = db.session.execute(
        update(SavedMixture).where(SavedMixture.id == mixture.id, ~SavedMixture.superseded,
                                   ~SavedMixture.archived).values(superseded=True))
    if replaced.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return raced(mixture_id, form)
    new = SavedMixture(name=form["name"], components_json=json.dumps(components),
                       family_id=mixture.family, version=mixture.version + 1,
                       created_by_id=current_user.id)
    db.session.add(new)
    if not flushed():
        return raced(mixture_id, form)
    audit(current_user, "update", "mixture", mixture.family, f"version {new.version}")
    db.session.commit()
    flash(_("Mixture saved as version %(version)s. Plans made with an earlier version keep "
            "their recipe.", version=new.version), "success")
    return redirect(url_for("mixtures.index"), 303)


@bp.post("/mixtures/<int:mixture_id>/archive")
def archive(mixture_id: int) -> ResponseReturnValue:
    """Archive a mixture: the editor no longer offers it; plans that used it keep it."""
    return set_archived(mixture_id, True)


@bp.post("/mixtures/<int:mixture_id>/restore")
def restore(mixture_id: int) -> ResponseReturnValue:
    """Bring an archived mixture back among the current ones."""
    return set_archived(mixture_id, False)


def set_archived(mixture_id: int, archived: bool) -> ResponseReturnValue:
    """Archive or restore a mixture's current version; twice is refused (409), nothing written."""
    mixture = clinic_mixtures.current_of(mixture_id)
    if mixture is None:
        abort(404)
    changed = db.session.execute(
        update(SavedMixture).where(SavedMixture.id == mixture.id, ~SavedMixture.superseded,
                                   SavedMixture.archived == (not archived))
        .values(archived=archived))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        flash(_("This mixture is already archived.") if archived
              else _("This mixture is not archived."), "error")
        return index_page(409)
    audit(current_user, "archive" if archived else "restore", "mixture", mixture.family,
          f"version {mixture.version}")
    db.session.commit()
    flash(_("Mixture archived: plans that use it keep their recipe.") if archived
          else _("Mixture restored."), "success")
    return redirect(url_for("mixtures.index"), 303)


def flushed() -> bool:
    """Write what was added; False (everything rolled back) when the database refuses it: a
    name or version taken by a save that committed a moment ago (the unique indexes)."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def raced(mixture_id: int, form: dict[str, Any]) -> ResponseReturnValue:
    """An edit that lost a race (everything rolled back): another save a moment ago archived
    the mixture, made its next version, or took the name."""
    mixture = clinic_mixtures.current_of(mixture_id)
    if mixture is None:
        abort(404)
    if mixture.archived:
        flash(_("This mixture is archived: restore it before changing it."), "error")
        return edit_page(mixture, form, {}, mixture.version, 409)
    taken = name_problem(form["name"], mixture.family)
    if taken is not None:
        return edit_page(mixture, form, {"name": taken}, mixture.version, 422)
    return stale(mixture, form)


def stale(mixture: SavedMixture, form: dict[str, Any]) -> ResponseReturnValue:
    """The edit form again (409): the mixture changed since it was opened; nothing saved."""
    flash(_("This mixture was changed by %(who)s while you were editing: version %(version)s is "
            "now current (shown below). Your changes were not saved: they are in the form, to "
            "save over it or leave.", who=mixture.created_by.full_name,
            version=mixture.version), "error")
    return edit_page(mixture, form, {}, mixture.version, 409)


def edit_page(mixture: SavedMixture, form: dict[str, Any], problems: dict[str, str],
              based_on: int, status: int) -> ResponseReturnValue:
    """The page of one mixture: its versions and the form for the next one."""
    return page("plans/mixture_edit.html", status, mixture=mixture, form=form,
                problems=problems, based_on=based_on,
                versions=clinic_mixtures.versions_of(mixture.family))


def page(template: str, status: int, **context: Any) -> ResponseReturnValue:
    """A mixtures page with what every one of them shows: the catalogue, and the words for it."""
    return render_template(
        template, catalogue=clinic_mixtures.catalogue(current_locale()),
        class_names={k: _(v) for k, v in CLASSES.items()},
        warning_titles=wording.warning_titles(_), saved_findings=clinic_mixtures.saved_findings,
        **context), status


def form_of(mixture: SavedMixture) -> dict[str, Any]:
    """The form's values for a saved version (decimals with the reader's separator: 0,5)."""
    language = current_locale()
    rows: list[dict[str, str]] = []
    for comp in clinic_mixtures.components(mixture)[:ROWS]:
        rows.append({"component": str(comp.get("name", "")),
                     "drug": drug_text(str(comp.get("drug") or "")),
                     **{key: field_text(comp.get(key) or "", language)
                        for key in ("mg_per_ml", "volume_ml")}})
    rows += [{} for _ in range(ROWS - len(rows))]
    return {"name": mixture.name, "rows": rows,
            "findings": [clinic_mixtures.row_finding(r) for r in rows]}


def drug_text(drug: str) -> str:
    """A stored drug as the form shows it: a catalogue id as the drug's name in the reader's
    language (read back as the same drug), any other text as typed."""
    known = drugs.by_id(drug)
    if known is None:
        return drug
    name = known.name_in(current_locale())
    return name if drugs.identify(name, "").drug is known else drug


def parse_mixture(data: Any, mixture: int | None = None
                  ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """A mixture form's values, its components (plan-file form) and problems by field.

    ``mixture``: the mixture being changed, whose own name is not a clash. A component's drug
    is stored as the core reads it: the catalogue's id when the catalogue knows the drug (by
    ATC code, or by name in any language), else the text as typed.
    """
    name = data.get("name", "").strip()
    problems: dict[str, str] = {}
    if not name or len(name) > MAX_NAME:
        problems["name"] = _("Give the mixture a name (up to 40 characters).")
    else:
        taken = name_problem(name, mixture)
        if taken is not None:
            problems["name"] = taken
    rows: list[dict[str, str]] = []
    components: list[dict[str, Any]] = []
    for i in range(ROWS):
        row = {k: data.get(f"{k}-{i}", "").strip() for k in FIELDS}
        rows.append(row)
        if not any(row.values()):
            continue
        comp: dict[str, Any] = {"name": row["component"],
                                "volume_ml": row["volume_ml"].replace(",", ".")}
        if row["drug"]:
            comp["drug"] = row["drug"]
        if row["mg_per_ml"]:
            comp["mg_per_ml"] = row["mg_per_ml"].replace(",", ".")
        components.append(comp)
    form: dict[str, Any] = {"name": name, "rows": rows,
                            "findings": [clinic_mixtures.row_finding(r) for r in rows]}
    if not components:
        problems["rows"] = _("Add at least one component.")
        return form, components, problems
    try:
        # Checked under a stand-in name: the name's own problem is reported above.
        plan = from_dict({"format": FORMAT, "areas": [],
                          "mixtures": {"mixture": {"components": components}}})
    except PlanError as exc:
        field = exc.field.removeprefix("mixtures.mixture.")
        problems["rows"] = plan_message(PlanError(field, "%(reason)s", reason=exc.text))
        form["invalid"] = invalid_input(field, rows)
        return form, components, problems
    for comp, read in zip(components, plan.mixtures["mixture"].components, strict=True):
        if read.drug is not None:
            comp["drug"] = read.drug  # the catalogue's id, or the text as typed
    return form, components, problems


def name_problem(name: str, mixture: int | None = None) -> str | None:
    """Why ``name`` cannot be given to a mixture (other than ``mixture``), or None."""
    taken = clinic_mixtures.name_taken(name, mixture)
    if taken is None:
        return None
    if taken.archived:
        return str(_("An archived mixture has this name: restore it, or choose another name."))
    return str(_("A mixture with this name exists."))


def invalid_input(field: str, rows: list[dict[str, str]]) -> str:
    """The form input a plan-file field names (``components[1].drug`` -> ``drug-3`` when the
    second filled row is the fourth of the form), or "" when it names none."""
    match = re.fullmatch(r"components\[(\d+)\]\.(\w+)", field)
    if not match:
        return ""
    filled = [i for i, row in enumerate(rows) if any(row.values())]
    index, key = int(match.group(1)), {"name": "component"}.get(match.group(2), match.group(2))
    if index >= len(filled) or key not in FIELDS:
        return ""
    return f"{key}-{filled[index]}"
