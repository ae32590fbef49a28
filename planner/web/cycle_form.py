"""The cycle form, read by WTForms: the template, the first day, and optionally the number of
sessions and the days between them; the dates themselves come from the core's template
(core/cycles.py), which refuses what no clinician means (naming the field)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from wtforms import DateField, Form, IntegerField, StringField
from wtforms.validators import InputRequired, Optional

from planner.core import cycles
from planner.core.messages import PlanError
from planner.web.i18n import plan_message


def _stripped(value: str | None) -> str:
    return (value or "").strip()


class CycleForm(Form):
    """What the clinician typed; the browser's date input sends year-month-day."""

    template = StringField(filters=[_stripped])
    start = DateField(format="%Y-%m-%d", validators=[InputRequired()])
    sessions = IntegerField(validators=[Optional()])
    interval_days = IntegerField(validators=[Optional()])


def read(form: Any) -> tuple[dict[str, Any], dict[str, str], list[date]]:
    """The cycle form's values as typed (to show again), its problems by field in the user's
    words, and the dates when it is valid."""
    checked = CycleForm(form)
    values = {field.name: form.get(field.name, "").strip() for field in checked}
    if not checked.validate():
        words = {"start": _("Enter a date (year-month-day)."),
                 "sessions": _("Enter a whole number."),
                 "interval_days": _("Enter a whole number.")}
        return values, {name: words[name] for name in checked.errors}, []
    try:
        dates = cycles.schedule(checked.template.data or "", checked.start.data,
                                sessions=checked.sessions.data,
                                interval_days=checked.interval_days.data)
    except PlanError as exc:
        return values, {exc.field: plan_message(exc.text)}, []
    return values, {}, dates
