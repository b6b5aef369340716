"""The demo: `flask demo load` builds a fictional register of four linked partnerships.

Wessexshire is built like the county in the seeds (independent chair and scrutineer, six
standing subgroups, joint groups with a neighbour); the Isle of Merrow the other way (rotating
partner chair, monthly executive board, learning hub, a scrutineer per priority). All four
belong to the WIST collaboration.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.accounts.passwords import password_problem
from partnership.arrangements.models import ArrangementsVersion, NarrativeSection
from partnership.audit.models import AuditEvent
from partnership.demo import loader
from partnership.demo import reports as demo_reports
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.demo.loader import DemoLoadError
from partnership.demo.narrative import WESSEXSHIRE_NARRATIVE
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import (
    Agency,
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    Capacity,
    Collaboration,
    DecisionRule,
    Frequency,
    MemberKind,
    PartnerKind,
    Partnership,
    Person,
    Scrutineer,
    ScrutinyKind,
)
from tests.documents.builders import NO_GRAPHVIZ_NOTE, hide_graphviz
from tests.documents.pdftools import pdf_text

TODAY = dt.date(2026, 11, 1)  # the demo is fixed in time; "now" for its current people


@pytest.fixture
def demo(app: Flask) -> Iterator[None]:
    """The demo as loaded today (the test is marked ``demo``), with an app context to query
    it in (not for requests: g is shared). The command itself is tested on empty databases
    above."""
    with app.app_context():
        yield


def partnership(slug: str) -> Partnership:
    found = db.session.scalar(sa.select(Partnership).where(Partnership.slug == slug))
    assert found is not None, slug
    return found


def body(owner: Partnership, name: str) -> Body:
    return next(b for b in owner.bodies if b.name == name)


def person_of(email: str) -> Person:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    assert user is not None, email
    person = db.session.scalar(sa.select(Person).where(Person.user_id == user.id))
    assert person is not None, f"{email} is not linked to a person"
    return person


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def current_delegate(slug: str, kind: PartnerKind) -> Person:
    partner = next(p for p in partnership(slug).partners if p.kind is kind)
    [delegate] = [r.person for r in partner.representatives_on(TODAY)
                  if r.capacity is Capacity.DELEGATED]
    return delegate


def loaded_line(output: str) -> str:
    """Return the line that says what the load added."""
    return next(line for line in output.splitlines() if line.startswith("Loaded "))


def rows_in_every_table() -> dict[str, int]:
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables}


def test_loads_into_an_empty_database_and_says_what_it_added(app, runner):
    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert loaded_line(result.output).startswith(
        f"Loaded {len(DEMO_ACCOUNTS)} accounts, 4 partnerships, 2 collaborations, ")
    assert re.search(r" in \d+\.\d s$", loaded_line(result.output))
    stages = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    assert [line.split("…")[0] for line in stages] == [
        "1/7 accounts", "2/7 register", "3/7 plans and actions", "4/7 meetings",
        "5/7 case reviews", "6/7 assurance",
        "7/7 published documents (PDFs of the arrangements and the yearly report)"]
    assert all(re.search(r"… \d+\.\d s$", line) for line in stages), stages
    with app.app_context():
        assert count(User) == len(DEMO_ACCOUNTS) == 10
        assert count(Partnership) == 4
        assert count(Collaboration) == 2
        assert f"{count(Agency)} agencies" in result.output
        assert f"{count(Body)} bodies" in result.output
        assert f"{count(Person)} people" in result.output
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.actor == "demo-loader", AuditEvent.record_type == "body")) == count(Body)


@pytest.mark.demo
def test_refuses_a_database_that_already_holds_a_register(app, runner, demo):
    before = rows_in_every_table()

    again = runner.invoke(args=["demo", "load"])
    quietly = runner.invoke(args=["demo", "load", "--if-empty"])

    assert again.exit_code != 0
    assert "already holds a register (4 partnerships)" in again.output
    assert quietly.exit_code == 0
    assert "already holds a register; demo data not loaded" in quietly.output
    assert rows_in_every_table() == before


def test_refuses_a_database_holding_a_register_but_no_accounts(app, runner):
    with app.app_context():
        db.session.add(Partnership(slug="elsewhere", name="Elsewhere SCP", short_name="ESCP"))
        db.session.commit()

    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code != 0
    assert "already holds a register (1 partnership)" in result.output


@pytest.mark.databases("sqlite")  # the loader's Python, the same on any backend
def test_loads_beside_the_first_administrator(app, runner, make_user):
    """The production guide has the operator create an administrator before anything else."""
    admin = make_user(Role.ADMIN, email="first.admin@example.org")

    result = runner.invoke(args=["demo", "load", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert loaded_line(result.output).startswith("Loaded 10 accounts, 4 partnerships, ")
    with app.app_context():
        kept = db.session.get(User, admin.id)
        assert (kept.email, kept.role, kept.password_hash) == (
            admin.email, Role.ADMIN, admin.password_hash)
        assert count(User) == len(DEMO_ACCOUNTS) + 1
        assert count(Partnership) == 4


@pytest.mark.databases("sqlite")  # the loader's Python, the same on any backend
def test_a_demo_account_already_there_is_kept_and_not_created_again(app, runner, make_user):
    mine = make_user(Role.TEAM, email="chair@demo.example", name="Someone Else")

    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert "chair@demo.example already exists: kept as it is, not created again" in (
        result.output)
    assert loaded_line(result.output).startswith("Loaded 9 accounts, 4 partnerships, ")
    with app.app_context():
        [kept] = db.session.scalars(
            sa.select(User).where(User.email == "chair@demo.example")).all()
        assert (kept.id, kept.name, kept.role, kept.password_hash) == (
            mine.id, "Someone Else", Role.TEAM, mine.password_hash)
        assert count(User) == len(DEMO_ACCOUNTS)
        assert person_of("chair@demo.example").name == "Dr Aled Rees"  # linked like the rest


def test_a_failed_load_leaves_the_database_as_it_was_and_the_next_load_works(
        app, runner, make_user, monkeypatch):
    make_user(Role.ADMIN, email="first.admin@example.org")
    with app.app_context():
        before = rows_in_every_table()

    def fails(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the printer caught fire")

    with monkeypatch.context() as patch:  # the last stage, after everything else is flushed
        patch.setattr(demo_reports, "publish_report", fails)
        failed = runner.invoke(args=["demo", "load"])

    assert failed.exit_code != 0
    assert isinstance(failed.exception, RuntimeError)
    assert "7/7 published documents" in failed.output and "… failed" in failed.output
    assert "nothing was saved, so the database is as it was" in failed.output
    with app.app_context():
        assert rows_in_every_table() == before
        assert count(Partnership) == 0
        assert db.session.scalar(sa.select(User).where(User.email.like("%@demo.example"))) is None
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert count(Partnership) == 4
        assert count(User) == len(DEMO_ACCOUNTS) + 1


@pytest.mark.databases("sqlite")  # the loader's Python, the same on any backend
def test_nothing_the_loader_calls_may_commit_part_way(app, runner, monkeypatch):
    with app.app_context():
        before = rows_in_every_table()
    real = loader.load_demo_reviews

    def commits(today: dt.date | None = None) -> dict[str, int]:
        db.session.commit()
        return real(today)

    monkeypatch.setattr(loader, "load_demo_reviews", commits)
    result = runner.invoke(args=["demo", "load"])

    assert isinstance(result.exception, DemoLoadError)
    with app.app_context():
        assert rows_in_every_table() == before


@pytest.mark.databases("sqlite")  # the loader's Python, the same on any backend
def test_the_demo_loads_without_graphviz(app, runner, monkeypatch):
    hide_graphviz(monkeypatch)

    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert "Graphviz is not installed: the demo's documents show the structure as a list" in (
        result.output)
    with app.app_context():
        versions = db.session.scalars(sa.select(ArrangementsVersion)).all()
        assert len(versions) == 2
        for version in versions:
            assert NO_GRAPHVIZ_NOTE in " ".join(pdf_text(version.pdf).split())


@pytest.mark.demo
def test_every_partnership_has_three_partners_with_dated_history(demo):
    partnerships = db.session.scalars(sa.select(Partnership)).all()

    for each in partnerships:
        assert sorted(p.kind for p in each.partners) == sorted(PartnerKind), each.slug
        for partner in each.partners:
            kinds = {r.capacity for r in partner.representatives_on(TODAY)}
            assert kinds == {Capacity.LEAD, Capacity.DELEGATED}, (each.slug, partner.kind)
        health = next(p for p in each.partners if p.kind is PartnerKind.HEALTH)
        assert "Clinical Commissioning Group" in health.name_on(dt.date(2022, 6, 30))
        assert "Integrated Care Board" in health.name_on(dt.date(2022, 7, 1))
    wscp = partnership("wscp")
    changed_in_2023 = [
        (partner.kind, r.person.name) for partner in wscp.partners
        for r in partner.representatives if r.valid_from.year == 2023
    ]
    assert len(changed_in_2023) >= 2
    assert current_delegate("wscp", PartnerKind.LOCAL_AUTHORITY).name == "Helen Marsh"
    la = next(p for p in wscp.partners if p.kind is PartnerKind.LOCAL_AUTHORITY)
    earlier = [r.person.name for r in la.representatives_on(dt.date(2022, 12, 1))
               if r.capacity is Capacity.DELEGATED]
    assert earlier and earlier != ["Helen Marsh"]
    assert min(r.valid_from for p in wscp.partners for r in p.representatives).year == 2019


@pytest.mark.demo
def test_the_county_register_is_modelled_on_a_real_county(demo):
    wscp = partnership("wscp")
    agencies = {a.name: a for a in wscp.agencies}
    health = agencies["Health providers"]
    board = body(wscp, "Main Board")
    executive = body(wscp, "Executive Group")

    assert len([a for a in wscp.agencies if not a.is_group]) >= 30
    assert len({a.sector for a in wscp.agencies}) >= 6
    assert health.is_group
    assert sum("NHS" in m.name for m in health.members) >= 6
    assert "national position of not attending" in next(
        a.notes for a in wscp.agencies if "Cafcass" in a.name)
    assert len([a for a in wscp.agencies if a.champion]) >= 5
    contributors = [a for a in wscp.agencies if a.contributions]
    assert len(contributors) >= 6
    assert all(len(a.contributions) == 3 for a in contributors)
    assert {c.year for a in contributors for c in a.contributions} == {2024, 2025, 2026}
    assert {p.kind for p in wscp.partners} == {
        PartnerKind.LOCAL_AUTHORITY, PartnerKind.HEALTH, PartnerKind.POLICE}
    assert (board.kind, board.frequency, board.chair_independent) == (
        BodyKind.BOARD, Frequency.QUARTERLY, True)
    assert len(board.members) >= 30
    assert executive.decision_rule is DecisionRule.CONSENSUS_THEN_PARTNER_MAJORITY
    assert executive.reports_to is board
    assert {"Delegated safeguarding partner, local authority",
            "Delegated safeguarding partner, health",
            "Delegated safeguarding partner, police"} <= {m.role for m in executive.members}


@pytest.mark.demo
def test_the_county_has_six_standing_subgroups_with_full_terms_of_reference(demo):
    wscp = partnership("wscp")
    executive = body(wscp, "Executive Group")
    subgroups = [b for b in wscp.bodies if b.kind is BodyKind.SUBGROUP]

    assert [b.short_name for b in subgroups] == ["EG", "SG", "LIG", "WDG", "CEG", "CDOP"]
    chairs = {b.chair for b in subgroups}
    for group in subgroups:
        assert group.purpose and 3 <= len(group.objectives) <= 6, group.name
        assert group.chair and group.chair_agency and group.chair_appointment, group.name
        assert group.reports_to is executive
        assert group.ends_on is None
        assert {m.kind for m in group.members} == {MemberKind.CORE, MemberKind.CO_OPTED}
    assert chairs <= {m.person for m in executive.members}


@pytest.mark.demo
def test_the_independent_chair_is_also_the_scrutineer(demo):
    wscp = partnership("wscp")
    [scrutineer] = wscp.scrutineers

    [chair] = [a for a in wscp.appointments if a.role is AppointmentRole.PARTNERSHIP_CHAIR]
    assert chair.independent and chair.person == scrutineer.person
    assert scrutineer.whole_partnership
    assert scrutineer.person == body(wscp, "Main Board").chair
    assert scrutineer.person == person_of("scrutineer@demo.example")


@pytest.mark.demo
def test_joint_task_and_finish_groups_are_run_with_the_island(demo):
    wscp, iom = partnership("wscp"), partnership("imscp")
    joint = [b for b in wscp.bodies if b.kind is BodyKind.TASK_AND_FINISH]

    assert len(joint) >= 2
    for group in joint:
        assert group.joint_with == iom
        assert group.starts_on and group.ends_on and group.starts_on < group.ends_on
        assert {m.agency.partnership for m in group.members if m.agency} == {wscp, iom}
    assert any(g.ends_on < TODAY for g in joint)
    assert any(g.ends_on > TODAY for g in joint)


@pytest.mark.demo
def test_the_four_area_collaboration_has_real_members(demo):
    [wist] = db.session.scalars(sa.select(Collaboration).where(
        Collaboration.short_name == "WIST")).all()
    executive = next(b for b in wist.bodies if b.kind is BodyKind.EXECUTIVE)
    subgroups = [b for b in wist.bodies if b.kind is BodyKind.SUBGROUP]

    assert len(wist.partnerships) == 4
    assert {p.slug for p in wist.partnerships} == {"wscp", "imscp", "sscp", "tscp"}
    assert executive.chair_independent
    assert len(subgroups) == 3
    assert {s.chair_independent for s in subgroups} == {True, False}
    assert all(s.reports_to is executive and s.partnership is None for s in subgroups)
    assert {m.agency.partnership.slug for m in executive.members} == {
        "wscp", "imscp", "sscp", "tscp"}


@pytest.mark.demo
def test_the_island_is_built_the_other_way(demo):
    iom = partnership("imscp")
    executive = body(iom, "Executive Board")
    stakeholders = body(iom, "Stakeholder Group")
    hub = body(iom, "Learning Hub")
    delegates = {current_delegate("imscp", kind) for kind in PartnerKind}

    assert not any(b.chair_independent for b in iom.bodies)
    assert (executive.kind, executive.frequency) == (BodyKind.EXECUTIVE, Frequency.MONTHLY)
    assert {m.person for m in executive.members if m.kind is MemberKind.CORE} == delegates
    assert executive.chair in delegates
    assert "rotation" in executive.chair_appointment
    assert (stakeholders.kind, stakeholders.frequency) == (
        BodyKind.STAKEHOLDER_FORUM, Frequency.QUARTERLY)
    assert {m.agency for m in stakeholders.members} == set(iom.agencies)
    assert hub.kind is BodyKind.HUB
    assert "four-month cycle" in hub.purpose
    assert [o.split(",")[0] for o in hub.objectives[:4]] == [
        "Month one", "Month two", "Month three", "Month four"]
    assert all(a.champion is not None for a in iom.agencies)
    scrutineers = iom.scrutineers
    assert 2 <= len(scrutineers) <= 3
    assert len({s.person for s in scrutineers}) == len(scrutineers)
    assert all(not s.whole_partnership and s.scope and s.kind is ScrutinyKind.COMMISSIONED
               for s in scrutineers)
    assert hub.chair is None and hub.chair_post and hub.chair_agency  # a chair by post alone
    assert hub.frequency_note
    assert all(s.bodies == [hub] for s in scrutineers)


@pytest.mark.demo
def test_the_county_has_every_narrative_section_in_markdown(demo):
    wscp = partnership("wscp")
    sections = {n.title: n.markdown for n in db.session.scalars(
        sa.select(NarrativeSection).where(NarrativeSection.partnership_id == wscp.id))}

    assert list(sections) == [title for title, _topic, _markdown in WESSEXSHIRE_NARRATIVE]
    for section, markdown in sections.items():
        assert 200 < len(markdown) < 2000, section
        assert "<" not in markdown and "://" not in markdown, section
    assert sum(text.count("\n- ") + text.count("\n1. ") > 0 for text in sections.values()) >= 4


@pytest.mark.demo
def test_demo_accounts_are_linked_to_the_people_whose_scope_they_have(demo):
    chair = person_of("chair@demo.example")
    assert any(b.name == "Learning and Inquiry Group" and b.chair == chair
               for b in partnership("wscp").bodies)
    for email, kind in (("partner@demo.example", PartnerKind.LOCAL_AUTHORITY),
                        ("health.partner@demo.example", PartnerKind.HEALTH),
                        ("police.partner@demo.example", PartnerKind.POLICE)):
        assert person_of(email) == current_delegate("wscp", kind), email
    agency_lead = person_of("agency@demo.example")
    assert agency_lead.agency is not None
    assert agency_lead.agency.partnership == partnership("wscp")
    scrutineer = person_of("scrutineer@demo.example")
    assert db.session.scalar(sa.select(Scrutineer).where(Scrutineer.person_id == scrutineer.id))
    assert db.session.scalar(sa.select(Appointment).where(
        Appointment.person_id == scrutineer.id,
        Appointment.role == AppointmentRole.PARTNERSHIP_CHAIR)).independent
    for account in DEMO_ACCOUNTS:
        if account.role is not Role.ADMIN:
            linked = person_of(account.email)
            assert (linked.name, linked.email) == (account.name, account.email)


@pytest.mark.demo
def test_every_demo_password_passes_the_policy_and_signs_in(app):
    partners = [a for a in DEMO_ACCOUNTS if a.role is Role.PARTNER]
    assert len(partners) == 3
    assert len({a.email for a in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)

    for account in DEMO_ACCOUNTS:
        problem = password_problem(
            account.password, min_length=app.config["PASSWORD_MIN_LENGTH"],
            context_words=(*app.config["PASSWORD_CONTEXT_WORDS"],
                           account.email.split("@")[0], *account.name.split(), account.name))
        assert problem is None, (account.email, problem)
        client = app.test_client()
        response = client.sign_in(account.email, account.password)
        assert response.status_code == 302, account.email
        assert client.get("/account").status_code == 200


def test_demo_accounts_lists_every_account_including_the_new_partners(runner):
    result = runner.invoke(args=["demo", "accounts"])

    assert result.exit_code == 0
    for account in DEMO_ACCOUNTS:
        line = next(line for line in result.output.splitlines() if account.email in line)
        assert account.password in line and account.role.label in line
    assert "health.partner@demo.example" in result.output
    assert "police.partner@demo.example" in result.output


@pytest.mark.databases("sqlite")  # the loader's Python, the same on any backend
def test_scaled_load_adds_synthetic_partnerships_for_the_benchmark(app, runner):
    result = runner.invoke(args=["demo", "load", "--scale", "2"])

    assert result.exit_code == 0, result.output
    assert "2 synthetic partnerships" in result.output
    assert "2 synthetic plans" in result.output
    with app.app_context():
        synthetic = db.session.scalars(
            sa.select(Partnership).where(Partnership.slug.like("synthetic-%"))).all()
        assert len(synthetic) == 2
        for each in synthetic:
            assert sorted(p.kind for p in each.partners) == sorted(PartnerKind)
            assert len([a for a in each.agencies if not a.is_group]) == 20
            assert len(each.bodies) == 8
            assert all(b.members and b.chair for b in each.bodies)
        users = db.session.scalar(sa.select(sa.func.count(User.id)))
        assert users == len(DEMO_ACCOUNTS) + 2 * 50
        assert db.session.scalar(sa.select(sa.func.count(Partnership.id))) == 4 + 2


@pytest.mark.demo
def test_the_county_shows_the_register_s_newer_facts(demo):
    wscp = partnership("wscp")
    scrutiny, panel = body(wscp, "Scrutiny Group"), body(wscp, "Child Death Overview Panel")

    assert wscp.address and wscp.support_team_name and wscp.support_team
    assert wscp.contact_points[0].label == "General enquiries"
    assert [(line.kind.value, line.target_name) for line in scrutiny.lines] == [
        ("reports_to", "Executive Group"), ("updates_to", "Main Board")]
    assert panel.lines[-1].to_name == "the child death review partners"
    assert body(wscp, "Workforce Development Group").frequency_note
    [review] = db.session.scalars(sa.select(Collaboration).where(
        Collaboration.short_name == "CDR")).all()
    assert review.external_members == ["Avonmere Safeguarding Children Partnership"]
