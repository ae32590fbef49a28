"""The engine's messages: English text as before, templates and parameters for translation."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

import planner
from planner.core import clinical
from planner.core.messages import N_, Label, Message, Number, PlanError, PlanWarning
from planner.core.plan_reader import from_dict, loads

SQUARE = [[0, 0], [60, 0], [60, 40], [0, 40]]


def plan_error(doc: object) -> PlanError:
    with pytest.raises(PlanError) as caught:
        from_dict(doc)
    return caught.value


def marked(digits: str) -> str:
    """A number formatter that shows what it was given."""
    return f"<{digits}>"


@pytest.mark.parametrize(("doc", "text"), [
    ({"format": "mesoplanner.plan/1", "areas": [{"polygon": SQUARE, "spacing_mm": 0}]},
     "areas[0].spacing_mm: must be between 2 and 100 mm (got 0)"),
    ({"format": "mesoplanner.plan/1", "areas": [{"polygon": SQUARE, "volume_ml": "0.125"}]},
     "areas[0].volume_ml: use steps of 0.01 mL, at most two decimals (got 0.125)"),
    ({"format": "mesoplanner.plan/1", "areas": [], "mixtures": {"A": {"components": [
        {"name": "l", "drug": "lidocaine", "volume_ml": "1"}]}}},
     "mixtures.A.components[0].mg_per_ml: required for a local anaesthetic (lidocaine), so its "
     "dose can be checked (a 2% solution is 20)"),
    ({"format": "mesoplanner.plan/1", "areas": [{"polygon": SQUARE, "mixture": "B"}]},
     "areas[0].mixture: unknown mixture 'B' (defined: none)"),
    ({"format": "mesoplanner.plan/1", "areas": [], "patient": {"weight_kg": "70"}},
     "patient.weight_kg: must be a number, not text (got '70')"),
])
def test_it_keeps_the_english_text(doc, text):
    exc = plan_error(doc)
    assert str(exc) == text
    assert f"{exc.field}: {exc.message}" == text
    assert str(exc.text) == exc.message


def test_it_keeps_the_english_text_of_a_huge_number():
    with pytest.raises(PlanError) as caught:
        loads('{"format": "mesoplanner.plan/1", "areas": [], "syringe_ml": 1' + "0" * 80 + "}")
    assert str(caught.value) == "syringe_ml: is far too large (got a number of 81 characters)"
    assert isinstance(dict(caught.value.text.params)["got"], Message)


def test_a_template_without_parameters_is_used_as_it_is():
    assert str(Message(N_("a 2% solution"))) == "a 2% solution"
    assert str(Message(N_("%(n)s%% of it"), n=80)) == "80% of it"
    assert Message(N_("a 2% solution")).render(str.upper, marked, "it") == "A 2% SOLUTION"


def test_numbers_reach_the_formatter_as_their_english_digits():
    message = Message(N_("%(a)s %(b)s %(c)s %(d)s %(e)s %(f)s %(g)s"), a=Decimal("0.10"),
                      b=Number(5000, ","), c=Number(2.5, "g"), d=Number(-3.4, "+.0f"), e=7,
                      f=Decimal("1E+3"), g=Number(float("inf"), "g"))
    assert str(message) == "0.10 5,000 2.5 -3 7 1E+3 inf"
    # Decimal digits are passed on exactly (never through a float); other forms stay English.
    assert message.render(lambda t: t, marked, "it") == "<0.10> <5000> <2.5> <-3> <7> 1E+3 inf"


def test_a_very_long_number_stays_as_in_english():
    long = Decimal("1." + "1" * 30)
    assert Message(N_("%(n)s"), n=long).render(lambda t: t, marked, "it") == str(long)


def test_nested_messages_and_labels_are_rendered_for_the_reader():
    zone = Label("glabella", (("it", "glabella (IT)"), ("es", "entrecejo")))
    message = Message(N_("%(zone)s: %(what)s"), zone=zone,
                      what=Message(N_("%(n)s point(s)"), n=Decimal("1.50")))
    italian = {"%(n)s point(s)": "%(n)s punto/i"}
    assert str(message) == "glabella: 1.50 point(s)"
    assert message.render(lambda t: italian.get(t, t), marked, "it") == \
        "glabella (IT): <1.50> punto/i"
    assert message.render(lambda t: t, marked, "fr") == "glabella: <1.50> point(s)"


def test_a_warning_keeps_its_english_output():
    warning = PlanWarning("no-mixture", "info", Message(
        N_("%(where)s has no mixture: its %(ml)s mL are not in the totals per drug"),
        where="areas[0]", ml=Decimal("1.20")), 0)
    assert warning.message == "areas[0] has no mixture: its 1.20 mL are not in the totals per drug"
    assert warning.as_dict() == {"code": "no-mixture", "severity": "info",
                                 "message": warning.message, "area": 0}


def test_manual_points_share_one_warning_naming_them():
    from planner.core.compute import compute

    points = [{"x": i * 3, "y": 5, "volume_ml": "0.50"} for i in range(12)]
    result = compute(from_dict({"format": "mesoplanner.plan/1", "areas": [], "points": points}))
    [warning] = [w for w in result.warnings if w.code == "volume-per-point"]
    names = ", ".join(f"points[{j}]" for j in range(10))
    assert warning.message.startswith(
        f"{names} and 2 more: 0.50 mL per point is above the usual 0.30 mL for antalgic "
        "treatment (")
    assert warning.text.template.startswith("%(where)s: ")


def test_every_id_in_a_message_has_a_word():
    ids = set(clinical.TREATMENTS) | set(clinical.DEPTH_LIMITS) | set(clinical.ANAESTHETIC_LIMITS)
    assert ids - set(clinical.ID_WORDS) == set()


def message_sources() -> list[Path]:
    root = Path(planner.__file__).parent
    return [*sorted(root.glob("core/*.py")), root / "engine.py"]


def template_argument(call: ast.Call) -> ast.expr | None:
    """The template of a PlanError(field, template, ...) or Message(template, ...) call."""
    name = call.func.id if isinstance(call.func, ast.Name) else None
    position = {"PlanError": 1, "Message": 0}.get(name or "")
    if position is None or len(call.args) <= position:
        return None
    return call.args[position]


def test_every_template_is_marked_for_translation():
    """A template written as a plain string or an f-string would never reach the catalogue."""
    problems = []
    calls = 0
    for path in message_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id == "N_":
                if not (len(node.args) == 1 and isinstance(node.args[0], ast.Constant)):
                    problems.append(f"{path.name}:{node.lineno}: N_ of a non-literal")
                continue
            template = template_argument(node)
            if template is None:
                continue
            calls += 1
            literal = isinstance(template, ast.Constant | ast.JoinedStr | ast.BinOp)
            unmarked_call = isinstance(template, ast.Call) and not (
                isinstance(template.func, ast.Name) and template.func.id == "N_")
            if literal or unmarked_call:
                problems.append(f"{path.name}:{node.lineno}: {ast.unparse(template)[:60]}")
    assert calls > 80
    assert not problems, "templates not marked with N_:\n" + "\n".join(problems)


def test_a_message_kept_as_data_comes_back_whole_with_every_kind_of_parameter():
    """A signed record keeps its findings as data; each parameter keeps its kind and value."""
    import json

    from planner.core.messages import message_from_data, message_to_data

    message = Message(N_("%(a)s %(b)s %(c)s %(d)s %(e)s %(f)s %(g)s"), a="text", b=3,
                      c=Decimal("2.50"), d=Number(1.25, ".1f"), e=Number(Decimal("7.0"), ""),
                      f=Label("knee", (("it", "ginocchio"), ("es", "rodilla"))),
                      g=Message(N_("nested %(n)s"), n=Number(5000, ",")))
    back = message_from_data(json.loads(json.dumps(message_to_data(message))))
    assert back == message
    assert str(back) == "text 3 2.50 1.2 7.0 knee nested 5,000"
    assert isinstance(dict(back.params)["c"], Decimal)


@pytest.mark.parametrize("data", [None, [], {"template": 1, "params": {}},
                                  {"template": "x", "params": {"a": {"number": "1",
                                                                     "kind": "complex"}}},
                                  {"template": "x", "params": {"a": {"int": True}}},
                                  {"template": "x", "params": {"a": "bare"}}])
def test_data_that_is_not_a_kept_message_is_refused(data):
    from planner.core.messages import message_from_data

    with pytest.raises(ValueError):
        message_from_data(data)
