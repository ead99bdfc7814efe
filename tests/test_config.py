"""The TOML configuration: the shipped default is the seed's norms table; errors name the key."""

from __future__ import annotations

import pytest

from bot.config import AppConfig, ConfigError, default_config_text, load_config, parse_config
from bot.vocabulary import Category, Unit

C = Category

# The seed's table "Monitoringsafspraken", row by row:
# (norm, start event, opens at, categories, term, unit, end products, target)
SEED_NORMS = {
    "vroegsignalering": ("melding", None, [C.VROEGSIGNALERING], 2, Unit.WEKEN, ["eerste_contact"], 0.8),
    "bedreigende_situatie": (
        "melding",
        None,
        [C.BEDREIGENDE_SITUATIE],
        2,
        Unit.WEKEN,
        ["financiele_rust", "plan_van_aanpak"],
        0.8,
    ),
    "stabilisatie": (
        "melding",
        None,
        [C.VROEGSIGNALERING, C.NIEUWE_AANMELDING, C.AANMELDING_DERDEN],
        5,
        Unit.WEKEN,
        ["financiele_rust", "plan_van_aanpak"],
        0.8,
    ),
    "aanmelding_derden": (
        "melding",
        None,
        [C.AANMELDING_DERDEN],
        8,
        Unit.WERKDAGEN,
        ["financiele_rust"],
        0.8,
    ),
    "schuldregeling": (
        "stabilisatie",
        "start_schuldregeling",
        [],
        120,
        Unit.KALENDERDAGEN,
        ["minnelijke_regeling"],
        0.8,
    ),
    "budgetbeheer": (
        "stabilisatie",
        "start_budgetbeheer",
        [],
        36,
        Unit.MAANDEN,
        ["einde_budgetbeheer"],
        0.8,
    ),
    "budgetcoaching": (
        "start_budgetcoaching",
        None,
        [],
        6,
        Unit.MAANDEN,
        ["zelfredzaam"],  # seed: "Inwoner is financieel zelfredzaam"
        0.8,
    ),
    "wsnp": ("aanmelding_wsnp", None, [], None, None, ["eindrapportage"], None),
    "nazorg": ("einde_schuldregeling", None, [], None, None, ["eindrapportage"], None),
}


def test_default_config_reproduces_the_seed_norms_exactly(config: AppConfig) -> None:
    seed = {code: n for code, n in config.normen.items() if n.bron == "uitvraag"}
    assert list(seed) == list(SEED_NORMS)
    for code, (start, opens, cats, term, unit, ends, target) in SEED_NORMS.items():
        norm = seed[code]
        assert norm.actief, code
        assert (norm.start, norm.opent_bij, norm.categorieen) == (start, opens, cats), code
        assert (norm.termijn, norm.eenheid, norm.eindproduct, norm.doel) == (term, unit, ends, target), code
    assert config.normen["budgetbeheer"].toets_elke_maanden == 6  # "2 x per jaar toets"
    # coaching that ends without a self-reliant inwoner is niet gehaald, not met
    assert config.normen["budgetcoaching"].eindigt_bij == ["einde_budgetcoaching"]


def test_default_config_marks_non_seed_norms(config: AppConfig) -> None:
    others = {code: n.bron for code, n in config.normen.items() if n.bron != "uitvraag"}
    assert others == {
        "rust_ris": "resultaat",
        "rust_wijkteam": "resultaat",
        "wgs_eerste_gesprek": "wet",
        "wgs_bedreigend": "wet",
        "wgs_beschikking": "wet",
        "vraag": "lokaal",
    }
    assert config.policy_for("rust_ris").werkdagen_voor == [] and not config.policy_for("rust_ris").te_laat
    # the Wgs terms are on by default (issue: a Dutch municipality must meet them)
    wgs = {code: n for code, n in config.normen.items() if n.bron == "wet"}
    assert all(n.actief for n in wgs.values())
    assert wgs["wgs_eerste_gesprek"].categorieen == ["nieuwe_aanmelding", "aanmelding_derden"]
    assert (wgs["wgs_eerste_gesprek"].termijn, wgs["wgs_eerste_gesprek"].eenheid) == (4, Unit.WEKEN)
    assert (wgs["wgs_bedreigend"].termijn, wgs["wgs_bedreigend"].eenheid) == (3, Unit.WERKDAGEN)
    assert (wgs["wgs_beschikking"].start, wgs["wgs_beschikking"].termijn, wgs["wgs_beschikking"].eenheid) == (
        "eerste_contact",
        8,
        Unit.WEKEN,
    )
    assert config.routering.pickup_hours("bedreigende_situatie") == (1, 2)
    assert config.routering.pickup_hours("nieuwe_aanmelding") == (4, 8)
    assert config.kalender.feestdagen == ["public", "optional"]  # 5 mei (Atw art. 3)
    vraag = config.normen["vraag"]
    assert (vraag.termijn, vraag.eenheid) == (2, Unit.WERKDAGEN)


def test_default_reminder_policy_and_office_hours(config: AppConfig) -> None:
    assert config.herinneringen.werkdagen_voor == [3, 1, 0]
    assert config.herinneringen.te_laat
    assert (config.kantoortijden.begin.isoformat(), config.kantoortijden.einde.isoformat()) == (
        "08:30:00",
        "17:30:00",
    )


def _with(replace: str, by: str) -> str:
    text = default_config_text()
    assert replace in text
    return text.replace(replace, by, 1)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        (_with("termijn = 8\n", 'termijn = "acht"\n'), "normen.aanmelding_derden.termijn", "geheel getal"),
        (
            _with('eenheid = "werkdagen"', 'eenheid = "dagen"'),
            "normen.aanmelding_derden.eenheid",
            "moet een van deze zijn",
        ),
        (
            _with(
                'doel = 0.80\ntoelichting = "2 weken na datum melding in RIS',
                'doel = 80\ntoelichting = "2 weken na datum melding in RIS',
            ),
            "normen.vroegsignalering.doel",
            "hoogstens 1",
        ),
        (
            _with(
                'eindproduct = ["eerste_contact"]\ndoel = 0.80',
                'eindproduct = ["eerst_contact"]\ndoel = 0.80',
            ),
            "normen.vroegsignalering.eindproduct",
            "onbekend eindproduct 'eerst_contact'",
        ),
        (_with('code = "drunen"', 'code = "Drunen Centrum"'), "wijkteams[1].code", "kleine letters"),
        (
            _with('namen = { en = "Early warning (RIS)" }', 'namen = { de = "Frühwarnung" }'),
            "normen.vroegsignalering.namen",
            "onbekende taal 'de'",
        ),
        (_with("begin = 08:30:00", "begin = 18:30:00"), "kantoortijden", "begin moet vóór einde"),
        (
            _with("[kantoortijden]", "[kantoortijden]\nlunch = 12:00:00"),
            "kantoortijden.lunch",
            "onbekende sleutel",
        ),
        (
            _with('vraag_budget = "budgetcoach"', 'vraag_budget = "teamleider"'),
            "routering.voorkeur",
            "alleen klantmanager of budgetcoach",
        ),
        (_with("termijn = 120\n", ""), "normen.schuldregeling", "termijn en eenheid horen bij elkaar"),
        (
            _with("sluitingsdagen = []", 'sluitingsdagen = ["24 december"]'),
            "kalender.sluitingsdagen[1]",
            "datum",
        ),
        (_with('gemeente = "Heusden"', ""), "gemeente", "ontbreekt"),
        ("gemeente = [", "(bestand)", "geen geldige TOML"),
    ],
)
def test_bad_config_names_key_and_problem(text: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(text, "test.toml")
    message = str(err.value)
    assert "test.toml" in message
    assert any(line.strip().startswith(f"- {key}") and problem in line for line in message.splitlines()), (
        message
    )


def test_unreadable_file_is_a_config_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="kan het bestand niet lezen"):
        load_config(tmp_path / "bestaat-niet.toml")


def test_norms_are_data_a_municipality_can_change(tmp_path) -> None:
    path = tmp_path / "eigen.toml"
    path.write_text(_with("termijn = 8\n", "termijn = 10\n"), encoding="utf-8")
    assert load_config(path).normen["aanmelding_derden"].termijn == 10
