"""The register file: export, import (all problems, nothing half-written), safety, comparison."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask

from config import TestConfig
from partnership import create_app
from partnership.arrangements.models import NarrativeSection
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.register.exchange import (
    FORMAT,
    RegisterChange,
    RegisterImportError,
    compare_registers,
    export_register,
    import_register,
    read_register,
    read_register_file,
)
from partnership.register.models import (
    Agency,
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    BodyMember,
    Capacity,
    Collaboration,
    Contribution,
    DecisionRule,
    Frequency,
    MemberKind,
    PartnerKind,
    PartnerName,
    Partnership,
    Person,
    Representative,
    Scrutineer,
    Sector,
    StatutoryPartner,
)

# Pages, forms, imports and rules in Python: the queries under them run on PostgreSQL
# in their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

D = dt.date
COLLABORATION = "Four Shires Safeguarding Collaboration"


# --- a rich register, built through the ORM -------------------------------------------------


def _partnership(slug: str, name: str, names: dict[PartnerKind, list[tuple[str, D, D | None]]],
                 **fields: Any) -> Partnership:
    partnership = Partnership(slug=slug, name=name, short_name=slug[:5].upper(), **fields)
    partnership.partners = [
        StatutoryPartner(kind=kind, names=[PartnerName(name=n, valid_from=f, valid_to=t)
                                           for n, f, t in names[kind]])
        for kind in PartnerKind]
    db.session.add(partnership)
    return partnership


def _partner(partnership: Partnership, kind: PartnerKind) -> StatutoryPartner:
    return next(p for p in partnership.partners if p.kind is kind)


def build_shires() -> None:
    """Two partnerships in a collaboration, with shared and joint bodies, people and money."""
    north = _partnership(
        "northshire", "Northshire Safeguarding Children Partnership", {
            PartnerKind.LOCAL_AUTHORITY: [("Northshire County Council", D(2019, 4, 1), None)],
            PartnerKind.HEALTH: [("NHS Northshire CCG", D(2019, 4, 1), D(2022, 6, 30)),
                                 ("NHS Northshire and Coast ICB", D(2022, 7, 1), None)],
            PartnerKind.POLICE: [("Northshire Constabulary", D(2019, 4, 1), None)]},
        area="The county of Northshire", contact_email="nscp@example.org", year_start_month=4,
        website="https://nscp.example.org")
    south = _partnership(
        "southshire", "Southshire Safeguarding Children Partnership", {
            PartnerKind.LOCAL_AUTHORITY: [("Southshire Council", D(2019, 9, 1), None)],
            PartnerKind.HEALTH: [("NHS Southshire ICB", D(2022, 7, 1), None)],
            PartnerKind.POLICE: [("Southshire Police", D(2019, 9, 1), None)]})
    agencies = {name: Agency(partnership=north, name=name, sector=sector, **extra)
                for name, sector, extra in [
                    ("Health providers", Sector.HEALTH, {"is_group": True}),
                    ("Northshire Hospitals NHS Trust", Sector.HEALTH, {}),
                    ("Coast Community Health", Sector.HEALTH,
                     {"active_from": D(2020, 1, 1), "active_to": D(2024, 3, 31)}),
                    ("Northshire Fire and Rescue Service", Sector.OTHER,
                     {"notes": "National position of not attending; receives papers"}),
                    ("Diocese of Northshire", Sector.VOLUNTARY_AND_FAITH,
                     {"reason_included": "Runs church schools and youth work"}),
                    ("Northshire Schools Forum", Sector.EDUCATION, {}),
                    ("Youth Justice Service", Sector.POLICE_AND_JUSTICE, {})]}
    for member in ("Northshire Hospitals NHS Trust", "Coast Community Health"):
        agencies[member].group = agencies["Health providers"]
    agencies["Northshire Schools Forum"].contributions = [
        Contribution(year=2023, amount=decimal.Decimal("12000.00")),
        Contribution(year=2024, amount=decimal.Decimal("12500.50"))]
    agencies["Youth Justice Service"].contributions = [
        Contribution(year=2024, amount=decimal.Decimal("3000"))]
    south_yjs = Agency(partnership=south, name="Southshire Youth Justice", sector=Sector.OTHER)
    south_council = Agency(partnership=south, name="Southshire Children's Services",
                           sector=Sector.LOCAL_AUTHORITY)

    def person(name: str, **fields: Any) -> Person:
        someone = Person(name=name, **fields)
        db.session.add(someone)
        return someone

    chair = person("Alex Morgan", job_title="Independent chair and scrutineer",
                   organisation="Morgan Consulting", email="alex@example.org")
    lead_old = person("Pat Green", job_title="Chief executive")
    lead_new = person("Robin Shaw", job_title="Chief executive", email="robin@example.org")
    delegated = person("Sam Taylor", job_title="Director of children's services",
                       agency=None, email="sam.taylor@example.org")
    namesake = person("Sam Taylor", job_title="Named nurse",
                      agency=agencies["Northshire Hospitals NHS Trust"])
    icb = person("Jo Okafor", job_title="ICB chief nurse")
    police = person("Chris Lee", job_title="Chief constable")
    police_delegate = person("Dana Fox", job_title="Detective superintendent",
                             email="dana.fox@example.org")
    champion = person("Lee Ahmed", agency=agencies["Northshire Schools Forum"])
    neighbour = person("Kim Patel", job_title="Head of youth justice", agency=south_yjs,
                       email="kim.patel@example.org")
    scrutineer = person("Jordan Byrne", job_title="Commissioned scrutineer",
                        organisation="Byrne Associates")
    # Named only in a shared body, working for a Northshire agency: an import of Southshire
    # into an empty database leaves her agency out; Northshire's import must fill it in.
    manager = person("Rosa Quinn", job_title="Youth justice manager",
                     agency=agencies["Youth Justice Service"])
    la, health, pol = (_partner(north, kind) for kind in PartnerKind)
    la.representatives = [
        Representative(person=lead_old, capacity=Capacity.LEAD, title="Chief executive",
                       valid_from=D(2019, 4, 1), valid_to=D(2023, 3, 31)),
        Representative(person=lead_new, capacity=Capacity.LEAD, title="Chief executive",
                       valid_from=D(2023, 4, 1)),
        Representative(person=delegated, capacity=Capacity.DELEGATED,
                       title="Director of children's services", valid_from=D(2019, 4, 1))]
    health.representatives = [Representative(person=icb, capacity=Capacity.LEAD,
                                              title="Chief nurse", valid_from=D(2022, 7, 1))]
    pol.representatives = [
        Representative(person=police, capacity=Capacity.LEAD, valid_from=D(2019, 4, 1)),
        Representative(person=police_delegate, capacity=Capacity.DELEGATED,
                       valid_from=D(2019, 4, 1))]
    _partner(south, PartnerKind.POLICE).representatives = [
        Representative(person=police_delegate, capacity=Capacity.DELEGATED,
                       valid_from=D(2020, 1, 1))]

    collaboration = Collaboration(name=COLLABORATION, short_name="4S",
                                  description="Shared procedures and exploitation work",
                                  independently_chaired=True, partnerships=[north, south])
    shared_exec = Body(collaboration=collaboration, kind=BodyKind.EXECUTIVE,
                       name="Four Shires Executive", frequency=Frequency.QUARTERLY, position=0,
                       chair=chair, chair_independent=True)
    shared_sub = Body(collaboration=collaboration, kind=BodyKind.SUBGROUP,
                      name="Child Exploitation Subgroup", frequency=Frequency.SIX_WEEKLY,
                      position=1, chair=police_delegate, reports_to=shared_exec,
                      objectives=["Map exploitation across the four areas"],
                      members=[
                          BodyMember(agency=agencies["Youth Justice Service"], role="Manager",
                                     person=manager),
                          BodyMember(agency=south_yjs, role="Manager", person=neighbour),
                          BodyMember(role="Lay member", kind=MemberKind.CO_OPTED)])
    board = Body(partnership=north, kind=BodyKind.BOARD, name="Safeguarding Board",
                 frequency=Frequency.QUARTERLY, position=0, chair=chair, chair_independent=True,
                 chair_appointment="Appointed by the three partners for three years",
                 purpose="Holds every agency to account",
                 members=[BodyMember(agency=a, role="Senior lead") for a in agencies.values()
                          if not a.is_group])
    executive = Body(partnership=north, kind=BodyKind.EXECUTIVE, name="Executive Group",
                     frequency=Frequency.MONTHLY, position=1, reports_to=board, chair=lead_new,
                     chair_agency=None, decision_rule=DecisionRule.CONSENSUS_THEN_PARTNER_MAJORITY,
                     objectives=["Set the priorities", "Hold subgroups to account"],
                     members=[BodyMember(role="Lead partner", person=lead_new),
                              BodyMember(role="Lead partner", person=icb),
                              BodyMember(role="Lead partner", person=police)])
    scrutiny = Body(partnership=north, kind=BodyKind.SUBGROUP, name="Scrutiny Group",
                    frequency=Frequency.FOUR_MONTHLY, position=2, reports_to=executive,
                    chair=namesake, chair_agency=agencies["Northshire Hospitals NHS Trust"])
    joint = Body(partnership=north, kind=BodyKind.TASK_AND_FINISH,
                 name="Joint Neglect Task and Finish Group", frequency=Frequency.AD_HOC,
                 position=3, joint_with=south, reports_to=shared_exec, starts_on=D(2024, 1, 1),
                 ends_on=D(2024, 12, 31), chair=delegated,
                 members=[BodyMember(agency=south_council, role="Neglect lead", person=neighbour),
                          BodyMember(agency=agencies["Diocese of Northshire"],
                                     role="Safeguarding adviser", kind=MemberKind.CO_OPTED)])
    theirs = Body(partnership=south, kind=BodyKind.TASK_AND_FINISH,
                  name="Joint Exploitation Review", frequency=Frequency.MONTHLY, position=0,
                  joint_with=north, chair=neighbour,
                  members=[BodyMember(agency=agencies["Youth Justice Service"], role="Lead")])
    db.session.add_all([shared_exec, shared_sub, board, executive, scrutiny, joint, theirs])
    north.scrutineers = [
        Scrutineer(person=chair, whole_partnership=True,
                   appointed_by="The three partners", valid_from=D(2021, 1, 1)),
        Scrutineer(person=scrutineer, whole_partnership=False, scope="Neglect priority",
                   bodies=[scrutiny], appointed_by="Executive Group", valid_from=D(2024, 4, 1),
                   valid_to=D(2025, 3, 31))]
    north.appointments = [Appointment(role=AppointmentRole.PARTNERSHIP_CHAIR,
                                      post="Independent chair", person=chair, independent=True,
                                      valid_from=D(2021, 1, 1))]
    db.session.flush()
    agencies["Northshire Schools Forum"].champion = champion  # after the flush: they cross-refer
    # The narrative sections a file carries are the arrangements' (tests/arrangements).


@pytest.fixture
def shires(app: Flask) -> Flask:
    """The app, with the two shires in its database."""
    with app.app_context(), acting_as("tests"):
        build_shires()
        db.session.commit()
    return app


def _by_slug(slug: str) -> Partnership:
    return db.session.scalars(sa.select(Partnership).where(Partnership.slug == slug)).one()


def _export(slug: str) -> dict[str, Any]:
    return export_register(_by_slug(slug))


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables}


def _remove(slug: str) -> None:
    """Delete a partnership as the database's ON DELETE rules would (SQLite does not run them)."""
    partnership = _by_slug(slug)
    agencies, bodies = set(partnership.agencies), set(partnership.bodies)
    for member in db.session.scalars(sa.select(BodyMember)):
        if member.agency in agencies:
            member.agency = None
    for body in db.session.scalars(sa.select(Body)):
        if body in bodies:
            continue
        body.chair_agency = None if body.chair_agency in agencies else body.chair_agency
        body.reports_to = None if body.reports_to in bodies else body.reports_to
        body.joint_with = None if body.joint_with is partnership else body.joint_with
    for agency in agencies:
        agency.champion = None
    db.session.flush()  # one flush per side of the Person <-> Agency cycle
    for person in db.session.scalars(sa.select(Person)):
        if person.agency in agencies:
            person.agency = None
    db.session.flush()
    db.session.execute(sa.delete(NarrativeSection).where(
        NarrativeSection.partnership_id == partnership.id))
    db.session.delete(partnership)
    db.session.flush()


@pytest.fixture
def empty_app(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """A second app on a second, freshly migrated and empty database of the same backend."""
    if backend == "sqlite":
        path = tmp_path / "empty.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url, drop = f"sqlite:///{path}", None
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database("exchange_empty", template="template_partnership")
        drop = cluster
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if drop is not None:
        drop.drop_database("exchange_empty")


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


# --- export ---------------------------------------------------------------------------------


def test_export_is_plain_deterministic_data_without_ids(shires):
    with shires.app_context():
        data = _export("northshire")
        again = _export("northshire")

    assert data == again
    assert list(data)[:3] == ["format", "format_version", "partnership"]
    assert (data["format"], data["format_version"]) == (FORMAT, 2)
    for path, value in _walk(data):
        assert isinstance(value, str | int | bool | type(None) | list | dict), path
        assert not path.endswith((".id", "_id", ".version")), path
    assert yaml.safe_load(yaml.safe_dump(data, sort_keys=False, allow_unicode=True)) == data
    assert json.loads(json.dumps(data)) == data

    assert [p["kind"] for p in data["partners"]] == ["local_authority", "health", "police"]
    health = data["partners"][1]
    assert health["names"] == [
        {"name": "NHS Northshire CCG", "valid_from": "2019-04-01", "valid_to": "2022-06-30"},
        {"name": "NHS Northshire and Coast ICB", "valid_from": "2022-07-01", "valid_to": None}]
    people = {p["key"]: p for p in data["people"]}
    assert {"sam-taylor", "sam-taylor-2"} <= people.keys()
    assert {people["sam-taylor"]["job_title"], people["sam-taylor-2"]["job_title"]} == {
        "Director of children's services", "Named nurse"}
    assert "user" not in json.dumps(data["people"])
    assert people["kim-patel"]["agency"] == {"partnership": "southshire",
                                             "name": "Southshire Youth Justice"}
    agencies = {a["name"]: a for a in data["agencies"]}
    assert agencies["Northshire Schools Forum"]["contributions"] == [
        {"year": 2023, "amount": "12000.00"}, {"year": 2024, "amount": "12500.50"}]
    assert agencies["Youth Justice Service"]["contributions"] == [
        {"year": 2024, "amount": "3000.00"}]
    assert agencies["Coast Community Health"]["group"] == "Health providers"
    assert agencies["Northshire Schools Forum"]["champion"] == "lee-ahmed"

    bodies = {b["name"]: b for b in data["bodies"]}
    assert list(bodies) == [
        "Safeguarding Board", "Executive Group", "Scrutiny Group",
        "Joint Exploitation Review", "Joint Neglect Task and Finish Group",
        "Four Shires Executive", "Child Exploitation Subgroup"]
    assert bodies["Child Exploitation Subgroup"]["collaboration"] == COLLABORATION
    assert bodies["Child Exploitation Subgroup"]["lines"] == [
        {"kind": "reports_to", "to": "Four Shires Executive"}]
    south = "Southshire Safeguarding Children Partnership"
    # A joint group names its neighbour by name, whichever of the two runs it.
    assert bodies["Joint Neglect Task and Finish Group"]["joint_with_name"] == south
    assert bodies["Joint Exploitation Review"]["joint_with_name"] == south
    assert bodies["Scrutiny Group"]["chair_agency"] == "Northshire Hospitals NHS Trust"
    assert bodies["Safeguarding Board"]["decision_rule"] is None  # not stated
    assert data["collaborations"] == [{
        "name": COLLABORATION, "short_name": "4S",
        "description": "Shared procedures and exploitation work", "independently_chaired": True,
        "members": ["northshire"], "external_members": [south]}]
    assert data["appointments"] == [{
        "role": "partnership_chair", "post": "Independent chair", "person": "alex-morgan",
        "agency": None, "partner": None, "independent": True, "valid_from": "2021-01-01",
        "valid_to": None, "notes": ""}]
    assert data["scrutineers"][1]["bodies"] == ["Scrutiny Group"]


# --- import ---------------------------------------------------------------------------------


def test_export_import_export_reproduces_the_register(shires):
    with shires.app_context(), acting_as("tests"):
        original = _export("northshire")
        neighbour = _export("southshire")
        _remove("northshire")
        db.session.commit()

        imported = import_register(copy.deepcopy(original))
        db.session.commit()

        assert imported.slug == "northshire"
        assert export_register(imported) == original
        assert _export("southshire") == neighbour
        assert db.session.scalar(sa.select(sa.func.count(Collaboration.id))) == 1
        shared = db.session.scalars(sa.select(Body).where(
            Body.name == "Child Exploitation Subgroup")).all()
        assert len(shared) == 1
        # The people the shared bodies already had are the people the register now names.
        board = next(b for b in imported.bodies if b.name == "Safeguarding Board")
        assert board.chair is shared[0].reports_to.chair


def test_export_then_import_into_an_empty_database_reproduces_both_partnerships(
        shires, empty_app):
    with shires.app_context():
        north, south = _export("northshire"), _export("southshire")

    with empty_app.app_context(), acting_as("tests"):
        # One partnership's file imports alone: its neighbours are kept by name, and the
        # neighbour's agencies it names are left out (and listed) until that one comes too.
        first = read_register(copy.deepcopy(south))
        db.session.commit()
        assert first.left_out and all("northshire" in p.message for p in first.left_out)
        alone = export_register(first.partnership)
        assert alone["collaborations"] == south["collaborations"]
        assert {b["name"]: b["joint_with_name"] for b in alone["bodies"]} == {
            b["name"]: b["joint_with_name"] for b in south["bodies"]}
        import_register(copy.deepcopy(north))
        db.session.commit()
        collaboration = db.session.scalars(sa.select(Collaboration)).one()
        assert collaboration.external_members == []  # Northshire came: a member, not a name

        assert _export("northshire") == north
        assert _export("southshire") == south
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == len(
            {p["name"] + p["job_title"] for p in north["people"] + south["people"]})


def _valid_file() -> dict[str, Any]:
    """A small register that imports cleanly into an empty database."""
    return {
        "format": FORMAT, "format_version": 1,
        "partnership": {"slug": "eastshire", "name": "Eastshire Partnership",
                        "short_name": "ESCP"},
        "partners": [{"kind": kind.value, "names": [], "representatives": []}
                     for kind in PartnerKind],
        "people": [{"key": "ann", "name": "Ann Example"}],
        "agencies": [{"name": "Eastshire Council", "sector": "local_authority"}],
        "bodies": [{"name": "Board", "kind": "board", "frequency": "quarterly"}],
    }


def test_a_small_hand_written_file_imports_with_defaults(app):
    with app.app_context(), acting_as("tests"):
        partnership = import_register(_valid_file())
        db.session.commit()
        data = export_register(partnership)

    assert data["partnership"]["guidance"] == "wt2023"
    assert data["partnership"]["year_start_month"] == 4
    # Facts the file does not state stay not stated: no default frequency or decision rule.
    assert (data["bodies"][0]["frequency"], data["bodies"][0]["decision_rule"]) == (
        "quarterly", None)
    assert data["people"] == []  # nobody refers to Ann, so the export does not list her


def test_the_documented_example_imports_and_exports_to_itself(app):
    doc = (Path(__file__).parents[2] / "docs" / "register-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    data = read_register_file(example.encode())
    with app.app_context(), acting_as("tests"):
        partnership = import_register(copy.deepcopy(data))
        db.session.commit()

        assert export_register(partnership) == data


def test_unquoted_yaml_dates_and_numbers_are_read(app):
    text = yaml.safe_dump(_valid_file(), sort_keys=False) + (
        "scrutineers:\n- person: ann\n  valid_from: 2024-04-01\n")
    text = text.replace("- name: Eastshire Council\n",
                        "- name: Eastshire Council\n  contributions:\n"
                        "  - year: 2024\n    amount: 1500.5\n")
    with app.app_context(), acting_as("tests"):
        partnership = import_register(read_register_file(text.encode()))
        db.session.commit()
        data = export_register(partnership)

    assert data["scrutineers"][0]["valid_from"] == "2024-04-01"
    assert data["agencies"][0]["contributions"] == [{"year": 2024, "amount": "1500.50"}]


# Each breaks one rule; together they show every problem is reported, each with its place.
BROKEN: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [
    (lambda d: d.update(extra=1), "extra", "is not a section"),
    (lambda d: d["partnership"].update(slug="North Shire"), "partnership.slug", "lowercase"),
    (lambda d: d["partnership"].update(year_start_month=13), "partnership.year_start_month",
     "1 to 12"),
    (lambda d: d["partnership"].update(guidance="wt2015"), "partnership.guidance",
     "must be one of wt2018, wt2023"),
    (lambda d: d["partnership"].pop("name"), "partnership.name", "is required"),
    (lambda d: d["partnership"].update(short_name="X" * 41), "partnership.short_name",
     "40 characters or fewer"),
    (lambda d: d["partnership"].update(nickname="N"), "partnership.nickname", "not a field"),
    (lambda d: d["partners"][2].update(kind="health"), "partners",
     "police missing; health more than once"),
    (lambda d: d["partners"][0]["names"][0].update(valid_from="1 April 2019"),
     'partners["local_authority"].names[0].valid_from', "YYYY-MM-DD"),
    (lambda d: d["partners"][0]["representatives"][2].update(valid_from="2023-03-01"),
     'partners["local_authority"].representatives[2].valid_from', "one lead at a time"),
    (lambda d: d["partners"][0]["representatives"][1].update(person="nobody"),
     'partners["local_authority"].representatives[1].person',
     "no one in people has the key \"nobody\""),
    (lambda d: d["partners"][0]["representatives"][1].update(capacity="acting"),
     'partners["local_authority"].representatives[1].capacity',
     "must be one of lead, delegated"),
    (lambda d: d["partners"][1]["names"][1].update(valid_from="2022-06-01"),
     'partners[1].names[1].valid_from', "one name at a time"),
    (lambda d: d["agencies"][3].update(sector="space"), 'agencies[3].sector',
     "must be one of education"),
    (lambda d: d["agencies"][3].update(name="Northshire Schools Forum"), 'agencies[5].name',
     "already an agency called"),
    (lambda d: d["agencies"][0].update(active_from="2024-01-01", active_to="2023-01-01"),
     'agencies["Coast Community Health"].active_to', "on or after active_from"),
    (lambda d: d["agencies"][0].update(group="Diocese of Northshire"),
     'agencies["Coast Community Health"].group', "not a group of agencies"),
    (lambda d: d["agencies"][2].update(group="Health trusts"),
     'agencies["Health providers"].group', "no agency called \"Health trusts\""),
    (lambda d: d["agencies"][5]["contributions"][1].update(year=2023),
     'agencies[5].contributions[1].year', "already a contribution for 2023"),
    (lambda d: d["agencies"][6]["contributions"][0].update(amount="12.345"),
     'agencies["Youth Justice Service"].contributions[0].amount', "pounds and pence"),
    (lambda d: d["agencies"][1].update(champion="ghost"),
     'agencies["Diocese of Northshire"].champion', "no one in people"),
    (lambda d: d["bodies"][2]["lines"][0].update(to="Scrutiny Board"),
     'bodies["Scrutiny Group"].lines[0].to', "no body called \"Scrutiny Board\""),
    (lambda d: d["bodies"][0]["lines"].append({"kind": "accountable_to", "to": "Executive Group"}),
     'bodies["Safeguarding Board"].lines[0]', "go round in a circle"),
    (lambda d: d["bodies"][1]["lines"].append(
        {"kind": "updates_to", "to": "Safeguarding Board", "to_name": "Health and Wellbeing"}),
     'bodies["Executive Group"].lines[1].to_name', "not both"),
    (lambda d: d["bodies"][3]["lines"].append({"kind": "sits_under", "to_name": "Police"}),
     'bodies["Joint Exploitation Review"].lines[0].kind', "must be one of reports_to"),
    (lambda d: d["bodies"][1].update(frequency="weekly"), 'bodies["Executive Group"].frequency',
     "must be one of monthly"),
    (lambda d: d["bodies"][1]["members"][0].update(kind="guest"),
     'bodies["Executive Group"].members[0].kind', "must be one of core, co_opted"),
    (lambda d: d["bodies"][1]["members"][1].pop("role"),
     'bodies["Executive Group"].members[1].role', "is required"),
    (lambda d: d["bodies"][2].update(chair_agency="Ministry of Magic"),
     'bodies["Scrutiny Group"].chair_agency', "no agency called"),
    (lambda d: d["bodies"][2].update(joint_with_name="Southshire"),
     'bodies["Scrutiny Group"].joint_with_name', "only a task and finish group"),
    (lambda d: d["bodies"][6].update(joint_with_name="Southshire", kind="task_and_finish"),
     'bodies["Child Exploitation Subgroup"].joint_with_name', "shared by a collaboration cannot"),
    (lambda d: d["bodies"][5].update(collaboration="Three Shires"),
     'bodies["Four Shires Executive"].collaboration', "no collaboration called"),
    (lambda d: d["bodies"][4].update(joint_with="southshire"),
     'bodies["Joint Neglect Task and Finish Group"].joint_with', "is not a field here"),
    (lambda d: d["bodies"][6]["members"][1]["agency"].update(name="Southshire YOT"),
     'bodies["Child Exploitation Subgroup"].members[1].agency.name', "has no agency called"),
    (lambda d: d["bodies"][2].update(objectives="Scrutinise"),
     'bodies["Scrutiny Group"].objectives', "must be a list"),
    (lambda d: d["bodies"][2].update(chair_independent="yes"),
     'bodies["Scrutiny Group"].chair_independent', "true or false"),
    (lambda d: d["scrutineers"][0].update(scope="Everything"), "scrutineers[0].whole_partnership",
     "leave scope and bodies empty"),
    (lambda d: d["scrutineers"][1]["bodies"].append("Nowhere"), "scrutineers[1].bodies[1]",
     "no body called \"Nowhere\""),
    (lambda d: d["collaborations"][0]["external_members"].append(
        "Southshire Safeguarding Children Partnership"),
     f'collaborations["{COLLABORATION}"].external_members[1]', "listed twice"),
    (lambda d: d["scrutineers"][0].update(kind="organisation"), "scrutineers[0].organisation",
     "is required when kind is organisation"),
    (lambda d: d["appointments"][0].update(person=None, post=""), "appointments[0].post",
     "give the post, the person, or both"),
    (lambda d: d["partners"][2]["representatives"][0].update(person=None, title=""),
     "partners[2].representatives[0].title", "give the post (title)"),
    (lambda d: d["partnership"].update(contact_points=[{"email": "x@example.org"}]),
     "partnership.contact_points[0].label", "is required"),
    (lambda d: d.update(establishments=[{"urn": "100", "name": "A"}, {"urn": "100", "name": "B"}]),
     "establishments[1].urn", "another establishment has the URN"),
    (lambda d: d["agencies"][2].update(basis="statutory"), 'agencies["Health providers"].basis',
     "must be one of named_relevant_agency"),
    (lambda d: d["people"].append({"key": "alex-morgan", "name": "Alex Again"}), "people[12].key",
     "another person has the key"),
    (lambda d: d["people"][0].update(agency="Health providers"), "people[0].agency",
     "is a group of agencies"),
    (lambda d: None, "people[0].organisation", "leave organisation blank"),
]


def test_every_problem_is_reported_with_its_place_and_nothing_is_written(shires):
    with shires.app_context():
        data = _export("northshire")
        assert len(data["people"]) == 12 and data["people"][0]["key"] == "alex-morgan"
        for breaks, _, _ in BROKEN:
            breaks(data)
        before = _row_counts()

        with pytest.raises(RegisterImportError) as refused:
            import_register(data)

        assert not db.session.new and not db.session.dirty
        db.session.commit()
        assert _row_counts() == before
    problems = refused.value.problems
    for _, location, message in BROKEN:
        assert any(p.location == location and message in p.message for p in problems), (
            location, message, [str(p) for p in problems if p.location == location])


WEIRD = [None, "", " ", 0, -1, 1.5, True, [], {}, [None], {"name": None}, "x" * 600,
         "2024-02-30", "9999999999999.99", {"partnership": "southshire", "name": 3}]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else []
    for key, item in items:
        yield from _paths(item, (*path, key))


def _one_path_per_field(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    """One path per kind of field ("bodies[*].members[*].agency"), each list item in turn."""
    chosen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for path in _paths(data):
        shape = tuple("*" if isinstance(key, int) else key for key in path)
        chosen.setdefault(shape, path)
    return list(chosen.values())


def test_any_damage_to_a_file_is_a_problem_or_an_import_never_a_crash(shires):
    with shires.app_context(), acting_as("tests"):
        original = _export("northshire")
        original["partnership"]["slug"] = "fuzzed"
        outcomes = Counter()
        for number, path in enumerate(_one_path_per_field(original)):
            # A value of the wrong kind; for every fifth field, also an empty one (which often
            # means "the default" and so imports: each import costs a flush).
            for weird in (WEIRD[number % len(WEIRD)], None)[:1 + (number % 5 == 0)]:
                data = copy.deepcopy(original)
                *parents, last = path
                target = data
                for key in parents:
                    target = target[key]
                target[last] = weird
                try:
                    import_register(data)
                    outcomes["imported"] += 1
                except RegisterImportError as error:
                    assert error.problems
                    outcomes["refused"] += 1
                db.session.rollback()

    assert outcomes["refused"] > 80 and outcomes["imported"] > 10, outcomes


@pytest.mark.parametrize(("data", "location", "message"), [
    ([], "file", "is not a register"),
    ({"format": "something-else", "format_version": 1}, "format", "must be"),
    ({"format": FORMAT, "format_version": 3}, "format_version",
     "reads format versions 1 and 2, not 3"),
    ({"format": FORMAT, "format_version": True}, "format_version", "not true"),
])
def test_the_header_is_checked_first_without_touching_the_database(data, location, message):
    with pytest.raises(RegisterImportError) as refused:
        import_register(data)

    [problem] = refused.value.problems
    assert problem.location == location and message in problem.message


def test_missing_sections_and_wrong_shapes_are_problems(app):
    data = {"format": FORMAT, "format_version": 1, "partners": "three",
            "agencies": ["Council"], "bodies": [{"name": "Board"}]}
    with app.app_context(), pytest.raises(RegisterImportError) as refused:
        import_register(data)

    found = {str(p) for p in refused.value.problems}
    assert found >= {
        "partnership: is required", "partners: must be a list",
        "agencies[0]: must be a mapping of fields",
        'bodies["Board"].kind: is required',
    }
    assert not any(".frequency" in p for p in found)  # a frequency may be not stated
    assert any(p.startswith("partners: must list exactly three partners") for p in found)


# --- reading files safely -------------------------------------------------------------------


def _problems(content: bytes | str) -> list[str]:
    with pytest.raises(RegisterImportError) as refused:
        read_register_file(content)
    return [str(p) for p in refused.value.problems]


def test_object_tags_are_refused_not_run(tmp_path):
    marker = tmp_path / "ran"
    text = f"format: !!python/object/apply:os.system ['touch {marker}']\n"

    assert _problems(text) == [
        "line 1: the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"]
    assert not marker.exists()
    assert _problems("format: !custom x\n") == ["line 1: the tag !custom is not allowed"]


def test_yaml_bombs_anchors_and_aliases_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    bomb += "".join(f"{chr(99 + i)}: &{chr(99 + i)} [" + ", ".join([f"*{chr(98 + i)}"] * 9)
                    + "]\n" for i in range(8))

    assert _problems(bomb) == ["line 1: anchors and aliases (& and *) are not allowed"]


def test_duplicate_keys_deep_nesting_bad_encoding_and_size_are_refused():
    assert _problems("format: a\nformat: b\n") == ["line 2: the key 'format' appears twice"]
    assert _problems('{"format": 1, "format": 2}') == [
        "file: not a register file: the key 'format' appears twice in one object"]
    assert _problems("a: " + "[" * 50 + "]" * 50) == ["line 1: is nested too deeply"]
    assert _problems(b"format: \xff\xfe\n") == ["file: is not UTF-8 text"]
    assert _problems("valid_from: 2024-13-01\n") == [
        "file: has a value that cannot be read: month must be in 1..12"]
    assert _problems(b"#" * (5 * 1024 * 1024 + 1)) == ["file: is larger than 5 MB"]
    assert _problems("a: [1, 2\n")[0].startswith("line 2: not valid YAML")
    assert _problems('{"a": NaN}') == ["file: not a register file: NaN is not a number a "
                                       "register can hold"]


def test_json_and_yaml_read_the_same():
    data = _valid_file()

    assert read_register_file(json.dumps(data).encode()) == data
    assert read_register_file(yaml.safe_dump(data, allow_unicode=True).encode("utf-8")) == data


# --- comparing ------------------------------------------------------------------------------


def test_compare_registers_lists_typical_edits_by_section_then_name(shires):
    with shires.app_context():
        old = _export("northshire")
    assert compare_registers(old, copy.deepcopy(old)) == []
    new = copy.deepcopy(old)
    new["partnership"]["name"] = "Northshire Children's Partnership"
    new["partners"][2]["representatives"][0]["valid_to"] = "2025-03-31"
    new["people"].append({"key": "val-ross", "name": "Val Ross", "job_title": "",
                          "agency": None, "organisation": "", "email": "", "phone": ""})
    new["partners"][2]["representatives"].append(
        {"person": "val-ross", "capacity": "lead", "title": "Chief constable",
         "valid_from": "2025-04-01", "valid_to": None})
    new["agencies"] = [a for a in new["agencies"] if a["name"] != "Coast Community Health"]
    new["agencies"].append({"name": "Northshire Housing", "sector": "housing"})
    forum = next(a for a in new["agencies"] if a["name"] == "Northshire Schools Forum")
    forum["contributions"][1]["amount"] = "13000.00"
    executive = next(b for b in new["bodies"] if b["name"] == "Executive Group")
    executive["frequency"] = "six_weekly"
    executive["chair"] = "chris-lee"
    executive["objectives"].append("Publish the yearly report")
    executive["members"].pop()
    new["collaborations"][0]["members"].append("westshire")

    changes = compare_registers(old, new)

    assert changes == [
        RegisterChange("partnership", "changed", "Partnership details", (
            "name: Northshire Safeguarding Children Partnership → Northshire Children's "
            "Partnership",)),
        RegisterChange("representatives", "changed", "Chris Lee (Police, lead)",
                       ("valid to: not set → 31 March 2025",)),
        RegisterChange("representatives", "added", "Val Ross (Police, lead)"),
        RegisterChange("agencies", "removed", "Coast Community Health"),
        RegisterChange("agencies", "added", "Northshire Housing"),
        RegisterChange("agencies", "changed", "Northshire Schools Forum",
                       ("contribution 2024: 12500.50 → 13000.00",)),
        RegisterChange("bodies", "changed", "Executive Group", (
            "objective added: Publish the yearly report",
            "chair: Robin Shaw → Chris Lee",
            "frequency: monthly → six weekly",
            "member removed: Lead partner (Chris Lee)")),
        RegisterChange("collaborations", "changed", COLLABORATION,
                       ("member added: westshire",)),
    ]

    # A renamed partner organisation, a scrutineer's changed scope.
    new = copy.deepcopy(old)
    new["partners"][1]["names"][1]["name"] = "NHS Coast ICB"
    new["scrutineers"][1]["bodies"] = []
    new["scrutineers"][1]["scope"] = "Neglect and exploitation"

    assert compare_registers(old, new) == [
        RegisterChange("partners", "changed", "Health", (
            "name added: NHS Coast ICB (2022-07-01 to now)",
            "name removed: NHS Northshire and Coast ICB (2022-07-01 to now)")),
        RegisterChange("scrutineers", "changed", "Jordan Byrne", (
            "scope: Removed: “Neglect priority”", "scope: Added: “Neglect and exploitation”",
            "body removed: Scrutiny Group")),
    ]
