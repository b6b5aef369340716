"""``flask register list | export SLUG | import FILE``: the register file from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask
from sqlalchemy.exc import IntegrityError

from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.register.exchange import export_register
from partnership.register.models import Partnership
from tests.register import test_exchange as exchange_tests

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")


@pytest.fixture
def shires(app: Flask) -> Flask:
    """The app, with the two shires of the exchange tests in its database."""
    with app.app_context(), acting_as("tests"):
        exchange_tests.build_shires()
        db.session.commit()
    return app


def _export(app: Flask, slug: str) -> dict:
    with app.app_context():
        return export_register(
            db.session.scalars(sa.select(Partnership).where(Partnership.slug == slug)).one())


def _events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
        db.session.expunge_all()
        return events


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return exchange_tests._row_counts()


def _copy_as(data: dict, slug: str, name: str) -> dict:
    """The same register under another slug and name, in the same collaboration."""
    data = json.loads(json.dumps(data))
    data["partnership"].update(slug=slug, name=name)
    data["collaborations"][0]["members"].append(slug)
    return data


def test_list_prints_slug_tab_name_for_each_partnership(shires, runner):
    result = runner.invoke(args=["register", "list"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "northshire\tNorthshire Safeguarding Children Partnership",
        "southshire\tSouthshire Safeguarding Children Partnership"]


def test_export_writes_the_register_as_yaml_and_records_the_export(shires, runner):
    result = runner.invoke(args=["register", "export", "northshire"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("format: partnership-register\nformat_version: 2\n")
    assert yaml.safe_load(result.stdout) == _export(shires, "northshire")
    [event] = _events(shires, "export")
    assert (event.actor, event.record_type) == ("cli", "partnership")


def test_export_of_an_unknown_slug_fails_with_a_message(shires, runner):
    result = runner.invoke(args=["register", "export", "nowhere"])

    assert result.exit_code == 1
    assert "No partnership with the slug 'nowhere'" in result.stderr
    assert result.stdout == ""


def test_import_creates_the_partnership_and_audits_it_as_the_cli(shires, runner, tmp_path):
    exported = runner.invoke(args=["register", "export", "northshire"]).stdout
    data = _copy_as(yaml.safe_load(exported), "northshire-copy", "Northshire Copy")
    file = tmp_path / "copy.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    result = runner.invoke(args=["register", "import", str(file)])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported northshire-copy\tNorthshire Copy: 7 agencies, "
                                    "4 bodies, 2 scrutineers, 1 collaborations")
    assert "northshire-copy\tNorthshire Copy" in runner.invoke(args=["register", "list"]).stdout
    [event] = _events(shires, "import")
    assert (event.actor, event.record_type, event.changes["slug"], event.changes["file"]) == (
        "cli", "partnership", "northshire-copy", "copy.yaml")
    created = _events(shires, "create")
    assert {e.actor for e in created if e.record_type == "agency"} == {"tests", "cli"}
    copy = _export(shires, "northshire-copy")
    assert copy["agencies"] == data["agencies"]
    assert copy["partners"] == data["partners"]


def test_import_reads_json_too(shires, runner, tmp_path):
    data = _copy_as(_export(shires, "northshire"), "northshire-json", "From JSON")
    file = tmp_path / "register.json"
    file.write_text(json.dumps(data, indent=2), encoding="utf-8")

    result = runner.invoke(args=["register", "import", str(file)])

    assert result.exit_code == 0, result.output
    assert "Imported northshire-json" in result.stdout


def test_import_with_problems_lists_each_and_changes_nothing(shires, runner, tmp_path):
    data = _export(shires, "northshire")
    data["agencies"][0]["sector"] = "space"
    data["bodies"][2]["lines"][0]["to"] = "Nowhere"
    file = tmp_path / "broken.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    before = _counts(shires)

    result = runner.invoke(args=["register", "import", str(file)])

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "partnership.slug: a partnership with the slug 'northshire' is already in this " \
           "database" in lines
    assert 'agencies["Coast Community Health"].sector: must be one of education, health, ' \
           'police_and_justice, local_authority, voluntary_and_faith, housing, other ' \
           '(found "space")' in lines
    assert 'bodies["Scrutiny Group"].lines[0].to: no body called "Nowhere" in bodies' in lines
    assert lines[-1] == "Error: broken.yaml was not imported: 3 problem(s), nothing was changed"
    assert _counts(shires) == before


def test_import_refuses_unsafe_yaml_without_running_it(shires, runner, tmp_path):
    marker = tmp_path / "ran"
    file = tmp_path / "evil.yaml"
    file.write_text(f"format: !!python/object/apply:os.system ['touch {marker}']\n")
    before = _counts(shires)

    result = runner.invoke(args=["register", "import", str(file)])

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "line 1: the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed")
    assert not marker.exists()
    assert _counts(shires) == before


def test_one_partnership_imports_alone_listing_what_it_left_out(app, runner, tmp_path, shires):
    data = _export(shires, "southshire")
    with shires.app_context(), acting_as("tests"):
        exchange_tests._remove("northshire")
        exchange_tests._remove("southshire")
        db.session.commit()
    file = tmp_path / "south.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    result = runner.invoke(args=["register", "import", str(file)])

    assert result.exit_code == 0, result.output
    assert 'Left out: bodies["Child Exploitation Subgroup"].members[0].agency.partnership: ' \
           'names the partnership "northshire", which is not in this database: left out' \
           in result.stdout


def test_import_of_a_missing_file_fails(app, runner, tmp_path: Path):
    result = runner.invoke(args=["register", "import", str(tmp_path / "none.yaml")])

    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_an_import_that_loses_a_race_changes_nothing(shires, runner, tmp_path, monkeypatch):
    data = _copy_as(_export(shires, "northshire"), "northshire-race", "Raced")
    file = tmp_path / "race.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    before = _counts(shires)

    def saved_meanwhile(*args: object, **kwargs: object) -> None:
        raise IntegrityError("INSERT INTO partnership", {}, Exception("duplicate slug"))

    monkeypatch.setattr("partnership.register.cli.record_event", saved_meanwhile)
    result = runner.invoke(args=["register", "import", str(file)])

    assert result.exit_code == 1
    assert "race.yaml was not imported: the database changed" in result.stderr
    assert _counts(shires) == before
