"""Writing the threshold document's sections through the pages: add, edit, reorder, remove,
the suggested start, bad input next to its field, and two editors who never overwrite
each other."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from partnership.policy import Role
from partnership.thresholds.services import STARTING_STRUCTURE
from tests.arrangements.conftest import SigningPartnership
from tests.support.client import BrowserLikeClient, page
from tests.thresholds.conftest import add_sections, messages, section_ids, url


def _headings(client: BrowserLikeClient) -> list[str]:
    html = page(client.get(url()))
    return [h.get_text(" ", strip=True).split(". ", 1)[1]
            for h in html.select(".app-threshold-section__heading")]


def test_an_empty_document_offers_the_suggested_sections_to_rewrite(
        signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    shown = page(team.get(url())).get_text(" ", strip=True)
    assert "No sections are written yet" in shown
    assert "Start from the suggested sections" in shown

    response = team.submit(url(), {}, action=url("/sections/suggested"), follow_redirects=True)
    assert "The suggested sections are added" in messages(response)
    assert _headings(team) == [heading for heading, _text in STARTING_STRUCTURE]
    assert _headings(team)[:2] == ["Introduction", "Levels of need"]

    again = team.post_with_token(url("/sections/suggested"), token_from=url(),
                                 follow_redirects=True)
    assert "has sections already" in messages(again)
    assert len(_headings(team)) == len(STARTING_STRUCTURE)


def test_add_edit_move_and_remove_a_section(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    for heading, text in (("Introduction", "Why this document exists."),
                          ("Levels of need", "## Universal\n\nEvery child.")):
        response = team.submit(url("/sections/new"), {"heading": heading, "markdown": text})
        assert response.status_code == 302, response.get_data(as_text=True)
    assert _headings(team) == ["Introduction", "Levels of need"]
    overview = page(team.get(url()))
    assert overview.find("h3", string="Universal") is not None  # Markdown, shifted to h3+

    (first, _), (second, _) = section_ids(app, signing.id)
    response = team.submit(url(f"/sections/{second}"),
                           {"heading": "Levels of need", "markdown": "## Universal\n\nAll."},
                           follow_redirects=True)
    assert "Levels of need saved" in messages(response)

    team.submit(url(), {"direction": "up"}, action=url(f"/sections/{second}/move"))
    assert _headings(team) == ["Levels of need", "Introduction"]
    # The first section cannot move further up: nothing changes, nothing breaks.
    team.submit(url(), {"direction": "up"}, action=url(f"/sections/{second}/move"))
    assert _headings(team) == ["Levels of need", "Introduction"]
    team.submit(url(), {"direction": "down"}, action=url(f"/sections/{second}/move"))
    assert _headings(team) == ["Introduction", "Levels of need"]

    confirm = page(team.get(url(f"/sections/{first}/remove")))
    assert confirm.find("h1").get_text(strip=True) == "Remove “Introduction”?"
    response = team.submit(url(f"/sections/{first}/remove"), {}, follow_redirects=True)
    assert "Introduction removed" in messages(response)
    assert _headings(team) == ["Levels of need"]
    assert team.get(url(f"/sections/{first}")).status_code == 404


def test_bad_input_is_shown_next_to_its_field(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_sections(app, signing.id, [("Levels of need", "Four levels.")])
    team = signed_in(Role.TEAM)
    cases = [({"heading": "", "markdown": "Text"}, "heading", "Enter a heading for the section"),
             ({"heading": "x" * 201, "markdown": ""}, "heading", "200 characters or fewer"),
             ({"heading": "LEVELS OF NEED", "markdown": ""}, "heading",
              "There is already a section called “LEVELS OF NEED”"),
             ({"heading": "Consent", "markdown": "x" * 20_001}, "markdown",
              "20,000 characters or fewer")]
    for data, field, said in cases:
        response = team.submit(url("/sections/new"), data)
        assert response.status_code == 200
        html = page(response)
        assert html.title.get_text().startswith("Error:")
        assert said in html.select_one(".govuk-error-summary").get_text(" ", strip=True)
        group = html.find(id=field).find_parent(class_="govuk-form-group")
        assert said in group.select_one(".govuk-error-message").get_text(" ", strip=True)
    assert [heading for _id, heading in section_ids(app, signing.id)] == ["Levels of need"]


def test_two_editors_never_overwrite_each_other(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    [section_id] = add_sections(app, signing.id, [("Levels of need", "First words.")])
    ada, ben = signed_in(Role.TEAM), signed_in(Role.TEAM)
    edit = url(f"/sections/{section_id}")
    ada_form, ben_form = page(ada.get(edit)), page(ben.get(edit))
    opened_at = ben_form.find("input", attrs={"name": "version"})["value"]

    saved = ada.post(edit, data={"csrf_token": ada_form.find(attrs={"name": "csrf_token"})[
        "value"], "version": ada_form.find("input", attrs={"name": "version"})["value"],
        "heading": "Levels of need", "markdown": "Ada's words."})
    assert saved.status_code == 302

    token = ben_form.find(attrs={"name": "csrf_token"})["value"]
    clash = ben.post(edit, data={"csrf_token": token, "version": opened_at,
                                 "heading": "Levels of need", "markdown": "Ben's words."})
    assert clash.status_code == 409
    shown = page(clash).get_text(" ", strip=True)
    assert "Ada's words." in shown and "Ben's words." in shown
    assert "Levels of need was changed while you were editing" in shown
    assert "Ada's words." in page(ada.get(url())).get_text()

    # Ben re-applies his words knowingly, from the version now saved.
    conflict = page(clash)
    current = conflict.find("input", attrs={"name": "version"})["value"]
    again = ben.post(edit, data={"csrf_token": token, "version": current,
                                 "heading": "Levels of need", "markdown": "Ben's words."})
    assert again.status_code == 302
    assert "Ben's words." in page(ben.get(url())).get_text()


def test_only_the_team_sees_the_editing_controls(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_sections(app, signing.id, [("Introduction", "Hello."), ("Levels of need", "Four.")])
    for role in (Role.PARTNER, Role.SCRUTINEER, Role.CHAIR):
        html = page(signed_in(role).get(url()))
        assert "Introduction" in html.get_text()
        posts = [form.get("action") for form in html.find_all("form", attrs={"method": "post"})]
        assert posts == ["/sign-out"], role
        assert "Add a section" not in html.get_text(), role
