"""Messages that count (issue 17): a point in a danger zone is "1 point lies", two are "2 points
lie", in English (the command line's), Italian and Spanish by each language's plural rule; the
zone named once ("in a danger zone: Right infraorbital ...", never "Danger zone: Danger zone");
a counted message kept with a record reads back the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.support import Translations

from planner.bodymaps import atlas
from planner.core.messages import Message, message_from_data, message_to_data, ngettext
from tests.helpers.zones import with_manual_points

TRANSLATIONS = Path(__file__).resolve().parents[2] / "planner" / "translations"


def catalogue(language: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [language])


def zone_warnings(region_id: str, view_id: str, count: int, code: str):
    region = atlas.get_view(view_id).region(region_id)
    p = region.geometry.representative_point()
    result = with_manual_points(view_id, None, [(p.x, p.y)] * count)
    return [w for w in result.warnings if w.code == code]


@pytest.mark.parametrize(("count", "said"), [(1, "1 point lies in a danger zone: "),
                                             (3, "3 points lie in a danger zone: ")])
def test_a_danger_zone_warning_counts_its_points_in_english(count, said):
    [warning] = zone_warnings("face-frontal/danger-infraorbital-right", "face-frontal", count,
                              "danger-zone")
    assert warning.message.startswith(said + "Right infraorbital ("), warning.message
    assert "point(s)" not in warning.message and "Danger zone" not in warning.message
    assert ("(point 1)" if count == 1 else "(points 1, 2, 3)") in warning.message


@pytest.mark.parametrize(("code", "region"), [("no-go-zone", "face-frontal/eye-right"),
                                              ("danger-zone", "face-frontal/danger-glabella")])
@pytest.mark.parametrize(("language", "one", "many"), [("it", "1 punto", "2 punti"),
                                                       ("es", "1 punto", "2 puntos")])
def test_the_count_is_said_by_the_readers_plural_rule(code, region, language, one, many):
    books = catalogue(language)
    said = {}
    for count in (1, 2):
        [warning] = zone_warnings(region, "face-frontal", count, code)
        said[count] = warning.text.render(books.gettext, str, language, books.ngettext)
        assert warning.message not in said[count], "translated"
        assert "(s)" not in said[count] and "/i" not in said[count], said[count]
    assert one in said[1] and many not in said[1], said[1]
    assert many in said[2], said[2]


def test_without_a_plural_catalogue_a_counted_message_is_said_by_the_english_rule():
    lie = ngettext("%(n)s point lies there", "%(n)s points lie there", 0, n=0)
    assert str(lie) == "0 points lie there"
    assert lie.render(lambda t: t.replace("lie", "LIE"), str, "en") == "0 points LIE there"
    assert str(Message("%(what)s!", what=lie)) == "0 points lie there!"
    assert str(lie.but(n=5)) == "5 points lie there", "the count's form kept"


def test_a_counted_message_kept_with_a_record_reads_back_the_same():
    lie = ngettext("%(n)s point lies there", "%(n)s points lie there", 1, n=1)
    kept = message_to_data(Message("%(what)s", what=lie))
    back = message_from_data(kept)
    assert back == Message("%(what)s", what=lie) and str(back) == "1 point lies there"
    assert message_from_data(message_to_data(Message("plain"))) == Message("plain")
    with pytest.raises(ValueError):
        message_from_data({**message_to_data(lie), "n": "1"})
