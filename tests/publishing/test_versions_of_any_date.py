"""Versions of any date: a version of an earlier date published with the signatures it
carried on paper (recorded as such), numbered and superseded in the order of dates; what
changed said sentence by sentence; a published version read in the browser."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.accounts.models import User
from partnership.arrangements.models import ArrangementsVersion
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.kernel.textdiff import sentence_changes, sentences
from partnership.policy import Role
from partnership.publishing import workflow
from partnership.publishing.documents import (
    PrintedSignature,
    document_for,
    paper_words,
    printed_rows,
)
from partnership.publishing.models import PublicationStatus, PublishedPage, Signature
from partnership.publishing.workflow import PaperSignature, PublishingRefused
from partnership.register.exchange import compare_registers
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partners_in_order
from partnership.reports.compare import compare_narrative
from partnership.thresholds import services as thresholds
from partnership.thresholds.models import ThresholdVersion
from tests.arrangements.conftest import SigningPartnership
from tests.register.builders import field_error
from tests.support.client import BrowserLikeClient, page

PUBLISHED = dt.date(2021, 5, 3)
SIGNED = (dt.date(2021, 4, 20), dt.date(2021, 4, 22), dt.date(2021, 4, 28))
PEOPLE = (("Ann Ashby", "Chief Executive"), ("Bob Brook", "Chief Nurse"),
          ("Cal Crane", "Chief Constable"))


def _date(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _paper_form(published: dt.date | None = PUBLISHED,
                signed: tuple[dt.date | None, ...] = SIGNED,
                people: tuple[tuple[str, str], ...] = PEOPLE) -> dict[str, Any]:
    data: dict[str, Any] = {"published_on": _date(published) if published else ["", "", ""]}
    for n, ((name, post), day) in enumerate(zip(people, signed, strict=True), start=1):
        data[f"signed_by_{n}"] = name
        data[f"role_{n}"] = post
        data[f"signed_on_{n}"] = _date(day) if day else ["", "", ""]
    return data


def _threshold_draft(app: Flask, signing: SigningPartnership, title: str,
                     text: str = "Four levels of need.") -> int:
    with app.app_context():
        partnership = db.session.get_one(Partnership, signing.id)
        for section in thresholds.sections_of(partnership):
            section.markdown = text
        if not thresholds.sections_of(partnership):
            thresholds.add_section(partnership, "Levels of need", text)
        version = thresholds.start_round(partnership, title)
        db.session.commit()
        return version.id


def _papers(partnership: Partnership, signed: tuple[dt.date, ...] = SIGNED
            ) -> list[PaperSignature]:
    return [PaperSignature(partner, name, post, day) for partner, (name, post), day
            in zip(partners_in_order(partnership), PEOPLE, signed, strict=True)]


def _publish_on_paper(app: Flask, signing: SigningPartnership, version_id: int,
                      day: dt.date, team: User, signed: tuple[dt.date, ...] = SIGNED) -> None:
    with app.app_context():
        version = db.session.get_one(ThresholdVersion, version_id)
        user = db.session.get_one(User, team.id)
        workflow.publish_on_paper(version, day, _papers(version.partnership, signed), user)
        db.session.commit()


# --- a version of an earlier date, with its paper signatures -------------------------------


def test_the_team_publishes_a_version_of_an_earlier_date_with_its_paper_signatures(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    draft = team.submit(signing.url("/versions/new"), {"title": "Arrangements 2021"})
    version_id = int(re.search(r"/versions/(\d+)$", draft.headers["Location"]).group(1))
    paper_url = f"/partnerships/{signing.slug}/signed/arrangements/{version_id}/paper"
    form = page(team.get(paper_url))
    assert "Date Hillshire Constabulary signed" in form.get_text()

    done = team.submit(paper_url, _paper_form())
    assert done.status_code == 302, page(done).get_text()[:500]
    with app.app_context():
        version = db.session.get_one(ArrangementsVersion, version_id)
        assert version.status is PublicationStatus.PUBLISHED
        assert (version.number, version.published_on) == (1, PUBLISHED)
        assert version.published_at.astimezone(clock.UK_TIME).date() == PUBLISHED
        signatures = sorted(version.sign_offs, key=lambda s: s.signed_on)
        assert [(s.signed_by, s.role, s.signed_on, s.on_paper, s.sealed, s.user_id)
                for s in signatures] == [
            (name, post, day, True, True, None)
            for (name, post), day in zip(PEOPLE, SIGNED, strict=True)]
        assert {s.entered_by_id for s in signatures} == {team.user.id}  # type: ignore[attr-defined]
        assert {s.digest for s in signatures} == {version.digest}
        # The audit trail says who entered each paper signature.
        entered = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.record_type == "signature", AuditEvent.action == "create")).all()
        assert len(entered) == 3
        assert {e.user_id for e in entered} == {team.user.id}  # type: ignore[attr-defined]
        assert all(e.changes and e.changes["on_paper"][1] is True for e in entered)
        kept = db.session.get(PublishedPage, ("arrangements", version_id))
        assert kept is not None

    # The document is dated the date published, and says each signature was on paper.
    shown = team.get(f"/partnerships/{signing.slug}/signed/arrangements/{version_id}")
    assert shown.status_code == 200
    text = page(shown).get_text(" ", strip=True)
    today = clock.today()
    assert "Published 3 May 2021" in text
    assert (f"Signed on paper on 20 April 2021; entered by {team.user.name} on "  # type: ignore[attr-defined]
            f"{today.day} {today:%B %Y}") in text
    assert f"Published {today.day} {today:%B %Y}" not in text


def test_printed_rows_say_a_signature_was_made_on_paper() -> None:
    signed = PrintedSignature(partner="Hillshire Constabulary", signed_by="Cal Crane",
                              role="Chief Constable", signed="2019-05-03", on_paper=True,
                              entered_by="Tess Team", entered_on="2026-12-07")
    [row] = printed_rows([signed])
    assert row.date == "3 May 2019"
    assert row.paper == "Signed on paper on 3 May 2019; entered by Tess Team on 7 December 2026"
    # A published report keeps its signatures as mappings: the same words.
    assert paper_words({**signed.__dict__}) == row.paper
    assert paper_words(PrintedSignature(partner="P", signed_by="A", signed="2026-01-01")) == ""


def test_versions_are_numbered_in_the_order_of_their_dates_and_the_current_stays_current(
    app: Flask, signing: SigningPartnership, make_user: Callable[..., User],
) -> None:
    """Published out of order: the older version is superseded at once, numbers follow dates."""
    team = make_user(Role.TEAM)
    newer = _threshold_draft(app, signing, "Thresholds 2023", "Five levels of need.")
    _publish_on_paper(app, signing, newer, dt.date(2023, 6, 1), team,
                      (dt.date(2023, 5, 20),) * 3)
    older = _threshold_draft(app, signing, "Thresholds 2021", "Four levels of need.")
    _publish_on_paper(app, signing, older, PUBLISHED, team)
    middle = _threshold_draft(app, signing, "Thresholds 2022", "Four levels. Ask us.")
    _publish_on_paper(app, signing, middle, dt.date(2022, 3, 1), team,
                      (dt.date(2022, 2, 1),) * 3)

    with app.app_context():
        rows = {v.title: (v.number, v.status, v.published_on)
                for v in db.session.scalars(sa.select(ThresholdVersion))}
        assert rows == {
            "Thresholds 2021": (1, PublicationStatus.SUPERSEDED, PUBLISHED),
            "Thresholds 2022": (2, PublicationStatus.SUPERSEDED, dt.date(2022, 3, 1)),
            "Thresholds 2023": (3, PublicationStatus.PUBLISHED, dt.date(2023, 6, 1)),
        }
        current = db.session.get_one(ThresholdVersion, newer)
        assert current.snapshot is not None and "Five levels" in str(current.snapshot)
        # Lists read newest first by date.
        partnership = db.session.get_one(Partnership, signing.id)
        listed = [v.number for v in document_for("thresholds").published_versions(partnership)]
        assert listed == [3, 2, 1]


def test_a_published_number_moves_up_only_and_nothing_else_changes(
    app: Flask, signing: SigningPartnership, make_user: Callable[..., User],
) -> None:
    team = make_user(Role.TEAM)
    version_id = _threshold_draft(app, signing, "Thresholds 2021")
    _publish_on_paper(app, signing, version_id, PUBLISHED, team)
    with app.app_context(), pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("UPDATE threshold_version SET number = 0 WHERE id = :id"),
                           {"id": version_id})
    with app.app_context(), pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("UPDATE signature SET signed_on = '2020-01-01'"))
    with app.app_context(), pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("DELETE FROM published_page"))
    with app.app_context():
        db.session.execute(sa.text("UPDATE threshold_version SET number = 2 WHERE id = :id"),
                           {"id": version_id})  # moved up: an earlier version put in before
        db.session.rollback()


@pytest.mark.parametrize(("form", "field", "message"), [
    (_paper_form(published=clock.today() + dt.timedelta(days=1),
                 signed=(clock.today(),) * 3),
     "published_on", "The date published must be today or in the past"),
    (_paper_form(signed=(SIGNED[0], dt.date(2021, 5, 4), SIGNED[2])),
     "signed_on_2", "The date Hillshire Integrated Care Board signed must be on or before "
                    "the date published (3 May 2021)"),
    (_paper_form(people=(PEOPLE[0], PEOPLE[1], ("", ""))),
     "signed_by_3", "Enter the name of who signed for Hillshire Constabulary"),
    (_paper_form(published=None), "published_on", "Enter the date the version was published"),
], ids=["future", "signed-after-publication", "missing-partner", "no-date"])
def test_bad_paper_input_is_refused_next_to_its_field_and_nothing_is_saved(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    form: dict[str, Any], field: str, message: str,
) -> None:
    team = signed_in(Role.TEAM)
    version_id = _threshold_draft(app, signing, "Thresholds 2021")
    url = f"/partnerships/{signing.slug}/signed/thresholds/{version_id}/paper"
    refused = team.submit(url, form)
    assert refused.status_code == 200
    html = page(refused)
    assert html.title is not None and html.title.get_text().startswith("Error:")
    assert field_error(html, field) == message
    assert message in html.select_one(".govuk-error-summary").get_text(" ", strip=True)
    with app.app_context():
        version = db.session.get_one(ThresholdVersion, version_id)
        assert version.status is PublicationStatus.DRAFT
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0


def test_a_draft_signed_in_the_app_is_not_entered_from_paper(
    app: Flask, signing: SigningPartnership, make_user: Callable[..., User],
) -> None:
    team = make_user(Role.TEAM)
    version_id = _threshold_draft(app, signing, "Thresholds 2021")
    with app.app_context():
        version = db.session.get_one(ThresholdVersion, version_id)
        workflow.sign(version, db.session.get_one(User, signing.partner_users[0].id))
        with pytest.raises(PublishingRefused, match="signed this draft in the app"):
            workflow.publish_on_paper(version, PUBLISHED, _papers(version.partnership),
                                      db.session.get_one(User, team.id))


def test_publishing_in_the_app_refuses_a_date_in_the_future(
    app: Flask, signing: SigningPartnership,
) -> None:
    version_id = _threshold_draft(app, signing, "Thresholds now")
    with app.app_context():
        version = db.session.get_one(ThresholdVersion, version_id)
        for user in signing.partner_users:
            workflow.sign(version, db.session.get_one(User, user.id))
        with pytest.raises(PublishingRefused, match="must be today or in the past"):
            workflow.publish(version, clock.today() + dt.timedelta(days=3))
        assert version.is_draft


def test_only_the_team_enters_a_version_signed_on_paper(
    app: Flask, signing: SigningPartnership, client_for: Callable[[User], BrowserLikeClient],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    version_id = _threshold_draft(app, signing, "Thresholds 2021")
    url = f"/partnerships/{signing.slug}/signed/thresholds/{version_id}/paper"
    partner = client_for(signing.partner_users[0])
    assert partner.get(url).status_code == 403
    assert partner.post_with_token(url, _paper_form()).status_code == 403
    assert signed_in(Role.SCRUTINEER).get(url).status_code == 403
    with app.app_context():
        assert db.session.get_one(ThresholdVersion, version_id).is_draft


# --- what changed, sentence by sentence ------------------------------------------------------


def test_what_changed_is_said_sentence_by_sentence() -> None:
    before = ("The board meets quarterly. It is chaired by the independent chair.\n\n"
              "- Schools attend.\n- Health attends.")
    after = ("The board meets quarterly. It is chaired by the Assistant Director of "
             "Children's Services. Minutes are published.\n\n- Schools attend.")
    assert sentence_changes(before, after) == [
        "Removed: “It is chaired by the independent chair.”",
        "Added: “It is chaired by the Assistant Director of Children's Services.”",
        "Added: “Minutes are published.”",
        "Removed: “Health attends.”",
    ]
    assert sentence_changes("We ring the family within two days of the referral.",
                            "We ring the family within three days of the referral.") == [
        "Reworded: “We ring the family within two days of the referral.” now reads "
        "“We ring the family within three days of the referral.”"]
    assert sentence_changes("One.  Two.", "One. Two.") == []
    assert sentences("See e.g. the chart. Then “more”.\n# Heading\nText") == [
        "See e.g. the chart.", "Then “more”.", "Heading", "Text"]


def test_comparing_registers_quotes_the_sentences_of_long_text() -> None:
    old = {"partnership": {"name": "Hillshire", "area": "The county of Hillshire."}}
    new = {"partnership": {"name": "Hillshire",
                           "area": "The county of Hillshire. It has two districts."}}
    [change] = compare_registers(old, new)
    assert change.details == ("area: Added: “It has two districts.”",)


def test_comparing_two_reports_quotes_the_sentences_of_each_section() -> None:
    older = {"narrative": {"foreword": "We met six times. We learnt a lot."}}
    newer = {"narrative": {"foreword": "We met six times. We published three reviews."}}
    foreword = next(e for e in compare_narrative(older, newer) if e.section == "foreword")
    assert foreword.change == "changed"
    assert foreword.said == ("Removed: “We learnt a lot.”",
                             "Added: “We published three reviews.”")


# --- a published version in the browser ------------------------------------------------------


def test_a_published_version_reads_in_the_browser_as_published_escaped_with_its_pdf(
    app: Flask, signing: SigningPartnership, make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = make_user(Role.TEAM)
    version_id = _threshold_draft(app, signing, "Thresholds <script>alert(1)</script>",
                                  "Call us <b>now</b>. Four levels of need.")
    _publish_on_paper(app, signing, version_id, PUBLISHED, team)
    with app.app_context():  # edits after publication do not reach the page
        partnership = db.session.get_one(Partnership, signing.id)
        for section in thresholds.sections_of(partnership):
            section.markdown = "Rewritten after publication."
        db.session.commit()

    reader = signed_in(Role.SCRUTINEER)
    url = f"/partnerships/{signing.slug}/signed/thresholds/{version_id}"
    shown = reader.get(url)
    assert shown.status_code == 200 and shown.mimetype == "text/html"
    assert "script-src 'self'" in shown.headers["Content-Security-Policy"]
    body = shown.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<b>now</b>" not in body
    assert "Rewritten after publication" not in body and "Four levels of need" in body
    assert "document.invalid" not in body and "<style" not in body
    html = page(shown)
    bar = html.select_one(".published-bar")
    assert bar is not None
    assert "version 1" in bar.get_text() and "published 3 May 2021" in bar.get_text()
    links = {a.get_text(strip=True): a["href"] for a in bar.find_all("a")}
    assert links["Read the PDF"] == (f"/partnerships/{signing.slug}/thresholds/versions/"
                                     f"{version_id}.pdf")
    with app.app_context():
        viewed = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.record_type == "threshold_version",
            AuditEvent.record_id == str(version_id))).all()
        assert viewed


def test_a_draft_or_another_partnerships_version_has_no_published_page(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    version_id = _threshold_draft(app, signing, "Thresholds draft")
    reader = signed_in(Role.PARTNER)
    assert reader.get(f"/partnerships/{signing.slug}/signed/thresholds/{version_id}"
                      ).status_code == 404
    assert reader.get(f"/partnerships/{signing.slug}/signed/budget-sheet/{version_id}"
                      ).status_code == 404
    anonymous = app.test_client()
    response = anonymous.get(f"/partnerships/{signing.slug}/signed/thresholds/{version_id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
