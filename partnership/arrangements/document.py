"""The published arrangements document, generated from the live register.

One template serves both the in-app HTML preview and the PDF: :func:`arrangements_html`
gathers everything the document says into plain values (so the template holds no rules),
and :func:`arrangements_pdf` renders it through the restricted WeasyPrint renderer with the
structure chart passed in memory. Where the chart cannot be drawn (no Graphviz on the
server), a note says so and the structure's list stands in. Published versions keep their
PDF bytes, so this module only ever renders the register as it stands.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_request_context, render_template, url_for
from markupsafe import Markup

from partnership.arrangements.models import Section
from partnership.arrangements.services import (
    DRAFT_STATUS,
    current_signatures,
    narrative,
    review_due_after,
)
from partnership.clock import today
from partnership.documents import pdf
from partnership.documents.renders import document_builder
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.publishing.documents import PrintedRow, PrintedSignature, printed_rows
from partnership.register.chart import (
    StructureChart,
    bodies_in_structure_order,
    body_note,
    chart_title,
    draw_structure_chart,
    graphviz_missing_note,
    structure_outline,
)
from partnership.register.models import (
    Body,
    BodyKind,
    BodyMember,
    Capacity,
    Collaboration,
    GuidanceEdition,
    MemberKind,
    Partnership,
    Person,
)
from partnership.register.services.agencies import ACTIVE, AgencyRoster, agency_roster
from partnership.register.services.bodies import other_partnership
from partnership.register.services.partnerships import (
    PartnerOnDate,
    partners_on,
    representative_term,
)
from partnership.register.services.scrutiny import scope_text, scrutineers_on

STYLESHEET = "css/document.css"
CHART_RESOURCE = "structure.svg"
DRAFT = "DRAFT"
NOT_RECORDED = "Not recorded"
# Narrative sections placed by the document itself rather than in the run of narrative.
PLACED_SECTIONS = frozenset({Section.FOREWORD, Section.REVIEW})


@dataclass(frozen=True)
class Signatory:
    """A lead partner named under the foreword."""

    name: str
    title: str
    organisation: str


@dataclass(frozen=True)
class Acting:
    """Someone acting for a statutory partner: name and title."""

    name: str
    title: str


@dataclass(frozen=True)
class PartnerRow:
    """One statutory partner and who acts for it on the document's date."""

    organisation: str
    leads: list[Acting]
    delegates: list[Acting]


@dataclass(frozen=True)
class Seat:
    """A seat on a body: organisation, role and (if named) the person."""

    organisation: str
    role: str
    person: str


@dataclass(frozen=True)
class BodySummary:
    """Everything the document says about one body."""

    anchor: str
    name: str
    short_name: str
    kind: str
    note: str
    purpose: list[str]
    objectives: list[str]
    chair: str
    chair_independent: str
    chair_appointment: str
    frequency: str
    decision_rule: str
    reports_to: str
    period: str
    core: list[Seat]
    co_opted: list[Seat]

    @property
    def heading(self) -> str:
        """Return the name with its short name, as the body's heading shows it."""
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    @property
    def note_sentence(self) -> str:
        """Return the note as it starts a line ("Shared across ...")."""
        return self.note[:1].upper() + self.note[1:]


@dataclass(frozen=True)
class CollaborationSummary:
    """A collaboration the partnership takes part in and the bodies it shares."""

    name: str
    description: list[str]
    partnerships: list[str]
    independently_chaired: bool
    bodies: list[BodySummary]


@dataclass(frozen=True)
class ScrutinyRow:
    """An independent scrutineer in post on the document's date."""

    name: str
    scope: str
    appointed_by: str
    is_chair: bool


@dataclass(frozen=True)
class NarrativePart:
    """A narrative section the team wrote, ready to print."""

    anchor: str
    title: str
    html: Markup


@dataclass
class ContentsEntry:
    """A line of the contents list, with the lines under it."""

    anchor: str
    title: str
    children: list[ContentsEntry] = field(default_factory=list)


@dataclass(frozen=True)
class RoleTerms:
    """The guidance edition's words for the people acting for each partner."""

    lead: str
    delegated: str

    @property
    def lead_heading(self) -> str:
        """Capitalise the lead term for a table heading."""
        return self.lead[:1].upper() + self.lead[1:]

    @property
    def delegated_heading(self) -> str:
        """Capitalise the delegated term for a table heading."""
        return self.delegated[:1].upper() + self.delegated[1:]


def role_terms(edition: GuidanceEdition) -> RoleTerms:
    """Return the lead and delegated terms of a guidance edition."""
    return RoleTerms(representative_term(edition, Capacity.LEAD),
                     representative_term(edition, Capacity.DELEGATED))


def is_draft(status: str) -> bool:
    """Say whether a status string marks the document as a draft."""
    return status.strip().upper().startswith(DRAFT)


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines (each later escaped by the template)."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def _person_line(person: Person | None, organisation: str = "") -> str:
    if person is None:
        return organisation
    parts = [person.name, person.job_title, organisation or person.organisation_name]
    return ", ".join(p for p in parts if p)


def _chair(body: Body) -> str:
    organisation = body.chair_agency.name if body.chair_agency else ""
    if body.chair is not None:
        return _person_line(body.chair, organisation)
    if organisation:
        return f"A representative of {organisation}"
    return NOT_RECORDED


def _seat(member: BodyMember) -> Seat:
    organisation = member.agency.name if member.agency else (
        member.person.organisation_name if member.person else "")
    return Seat(organisation, member.role,
                member.person.name if member.person else "")


def _period(body: Body) -> str:
    if body.starts_on and body.ends_on:
        return f"{long_date(body.starts_on)} to {long_date(body.ends_on)}"
    if body.ends_on:
        return f"Until {long_date(body.ends_on)}"
    if body.starts_on and body.kind == BodyKind.TASK_AND_FINISH:
        return f"From {long_date(body.starts_on)}"
    return ""


def body_summary(body: Body, partnership: Partnership, in_structure: set[int]) -> BodySummary:
    """Describe one body as the document prints it."""
    note = body_note(body, partnership)
    if body.reports_to is not None and body.reports_to.id in in_structure:
        reports_to = body.reports_to.name
    elif body.reports_to is not None:
        reports_to = body.reports_to.name + (
            f" ({body.reports_to.partnership.name})" if body.reports_to.partnership else "")
    else:
        reports_to = "The safeguarding partners"
    members = sorted(body.members, key=lambda m: (m.kind != MemberKind.CORE, m.id))
    return BodySummary(
        anchor=f"body-{body.id}",
        name=body.name,
        short_name=body.short_name if body.short_name != body.name else "",
        kind=body.kind.label,
        note=note,
        purpose=paragraphs(body.purpose),
        objectives=[o for o in (body.objectives or []) if str(o).strip()],
        chair=_chair(body),
        chair_independent="Yes" if body.chair_independent else "No",
        chair_appointment=body.chair_appointment or NOT_RECORDED,
        frequency=body.frequency.label,
        decision_rule=body.decision_rule.label,
        reports_to=reports_to,
        period=_period(body),
        core=[_seat(m) for m in members if m.kind == MemberKind.CORE],
        co_opted=[_seat(m) for m in members if m.kind == MemberKind.CO_OPTED],
    )


def _partner_rows(partners: list[PartnerOnDate]) -> list[PartnerRow]:
    rows = []
    for partner in partners:
        acting: dict[Capacity, list[Acting]] = {Capacity.LEAD: [], Capacity.DELEGATED: []}
        for entry in partner.representatives:
            rep = entry.representative
            acting[rep.capacity].append(Acting(rep.person.name, rep.title or rep.person.job_title))
        rows.append(PartnerRow(partner.name, acting[Capacity.LEAD], acting[Capacity.DELEGATED]))
    return rows


def _signatories(partners: list[PartnerOnDate]) -> list[Signatory]:
    return [Signatory(e.representative.person.name,
                      e.representative.title or e.representative.person.job_title, p.name)
            for p in partners for e in p.representatives
            if e.representative.capacity == Capacity.LEAD]


def _sign_off_rows(partners: list[PartnerOnDate], sign_offs: Sequence[PrintedSignature]
                   ) -> list[PrintedRow]:
    """The open round's signatures (in the partners' order); with none, each partner awaited."""
    return printed_rows(sign_offs or [PrintedSignature(partner.name) for partner in partners])


def _collaborations(partnership: Partnership, summaries: dict[int, BodySummary],
                    bodies: list[Body]) -> list[CollaborationSummary]:
    result = []
    for collaboration in partnership.collaborations:
        shared = [summaries[b.id] for b in bodies if b.collaboration_id == collaboration.id]
        result.append(CollaborationSummary(
            name=_collaboration_name(collaboration),
            description=paragraphs(collaboration.description),
            partnerships=[p.name for p in collaboration.partnerships],
            independently_chaired=collaboration.independently_chaired,
            bodies=shared,
        ))
    return result


def _collaboration_name(collaboration: Collaboration) -> str:
    short = collaboration.short_name
    return f"{collaboration.name} ({short})" if short and short != collaboration.name else (
        collaboration.name)


def learning_body(bodies: Sequence[Body]) -> Body | None:
    """Return the body that runs case reviews: the first whose name mentions learning."""
    return next((b for b in bodies if "learning" in b.name.lower()), None)


def case_reviewers(bodies: Sequence[Body]) -> str:
    """Name who runs rapid reviews and local reviews, as the middle of a sentence."""
    body = learning_body(bodies)
    if body is None:
        return "the safeguarding partners"
    return body.name if body.name.lower().startswith("the ") else f"the {body.name}"


def _stylesheet_url(for_pdf: bool) -> str:
    if for_pdf:
        return pdf.static_url(STYLESHEET)
    if has_request_context():
        return url_for("static", filename=STYLESHEET)
    return f"{current_app.static_url_path}/{STYLESHEET}"


def _chart_url(partnership: Partnership, for_pdf: bool) -> str | None:
    if for_pdf:
        return pdf.resource_url(CHART_RESOURCE)
    if has_request_context() and "partnerships.structure_chart" in current_app.view_functions:
        return url_for("partnerships.structure_chart", slug=partnership.slug)
    return None


def document_title(partnership: Partnership, as_of: dt.date, status: str) -> str:
    """Title the document (the page title and the PDF's title metadata)."""
    title = f"{partnership.name}: local safeguarding arrangements {as_of.year}"
    return f"{title} (draft)" if is_draft(status) else title


def arrangements_html(partnership: Partnership, *, as_of: dt.date, status: str,
                      sign_offs: Sequence[PrintedSignature] = (), for_pdf: bool,
                      chart: StructureChart | None = None) -> str:
    """Render the arrangements as one standalone HTML page (the preview, or the PDF's source).

    ``chart`` is the chart the PDF embeds, as drawn; without it the page links to the chart
    unless Graphviz is missing, when the note stands in for it.
    """
    chart_note = chart.note if chart is not None else graphviz_missing_note()
    partners = partners_on(partnership, as_of)
    bodies = bodies_in_structure_order(partnership, as_of)
    in_structure = {b.id for b in bodies}
    summaries = {b.id: body_summary(b, partnership, in_structure) for b in bodies}
    outline = structure_outline(partnership, as_of)
    roster: AgencyRoster = agency_roster(partnership, status=ACTIVE, on=as_of)
    collaborations = _collaborations(partnership, summaries, bodies)
    joint = [summaries[b.id] for b in bodies
             if b.collaboration_id is None and other_partnership(partnership, b) is not None]
    written = {entry.section: entry for entry in narrative(partnership) if entry.written}
    parts = [NarrativePart(f"section-{s.value}", s.title, written[s].html)
             for s in Section if s in written and s not in PLACED_SECTIONS]
    foreword = written[Section.FOREWORD].html if Section.FOREWORD in written else None
    review_text = written[Section.REVIEW].html if Section.REVIEW in written else None
    scrutiny = [ScrutinyRow(_person_line(s.person), scope_text(s), s.appointed_by or NOT_RECORDED,
                            False)
                for s in scrutineers_on(partnership, as_of)]

    contents = [ContentsEntry("foreword", "Foreword"),
                ContentsEntry("partners", "The safeguarding partners"),
                ContentsEntry("area", "Geographical area"),
                ContentsEntry("agencies", "Relevant agencies")]
    if collaborations or joint:
        contents.append(ContentsEntry("collaboration", "Working with neighbouring partnerships"))
    contents.append(ContentsEntry("structure", "Structure"))
    if bodies:
        contents.append(ContentsEntry("bodies", "Boards and groups", [
            ContentsEntry(summaries[b.id].anchor, summaries[b.id].heading) for b in bodies]))
    contents += [ContentsEntry("scrutiny", "Independent scrutiny"),
                 ContentsEntry("case-reviews", "Child safeguarding practice reviews")]
    contents += [ContentsEntry(part.anchor, part.title) for part in parts]
    contents += [ContentsEntry("review", Section.REVIEW.title),
                 ContentsEntry("sign-off", "Agreement by the safeguarding partners")]

    return render_template(
        "arrangements/document.html",
        title=document_title(partnership, as_of, status),
        partnership=partnership,
        year=as_of.year,
        as_of=long_date(as_of),
        status=status,
        draft=is_draft(status),
        for_pdf=for_pdf,
        stylesheet_url=_stylesheet_url(for_pdf),
        chart_url=None if chart_note else _chart_url(partnership, for_pdf),
        chart_alt=chart_title(partnership),
        chart_note=chart_note,
        contents=contents,
        foreword=foreword,
        signatories=_signatories(partners),
        terms=role_terms(partnership.guidance),
        guidance=partnership.guidance.label,
        contact=[c for c in (partnership.contact_email, partnership.contact_phone,
                             partnership.website) if c],
        partner_rows=_partner_rows(partners),
        area=paragraphs(partnership.area),
        roster=roster,
        collaborations=collaborations,
        joint=joint,
        outline=outline,
        bodies=[summaries[b.id] for b in bodies],
        scrutiny=scrutiny,
        reviewers=case_reviewers(bodies),
        narrative=parts,
        review_text=review_text,
        review_due=long_date(review_due_after(as_of)),
        sign_offs=_sign_off_rows(partners, sign_offs),
    )


def pdf_request(partnership: Partnership, *, as_of: dt.date, status: str,
                sign_offs: Sequence[PrintedSignature] = ()) -> dict[str, Any]:
    """Gather what :func:`pdf.render_pdf` takes to print the arrangements (chart included)."""
    chart = draw_structure_chart(partnership, as_of)
    html = arrangements_html(partnership, as_of=as_of, status=status, sign_offs=sign_offs,
                             for_pdf=True, chart=chart)
    resources = {CHART_RESOURCE: chart.svg.encode("utf-8")} if chart.svg is not None else {}
    return {"html": html, "title": document_title(partnership, as_of, status),
            "author": partnership.name, "resources": resources}


def draft_pdf_request(partnership: Partnership, day: dt.date | None = None) -> dict[str, Any]:
    """Gather the render request of the current draft, with the open round's signatures of
    the draft as it reads now."""
    day = day or today()
    return pdf_request(partnership, as_of=day, status=DRAFT_STATUS,
                       sign_offs=current_signatures(partnership, day))


@document_builder
def draft_pdf_request_of(partnership_id: int, day: str) -> dict[str, Any]:
    """Build the draft's render request in the worker (the page only queues it: drawing the
    structure chart and the whole register costs more than a page may take)."""
    partnership = db.session.get_one(Partnership, partnership_id)
    return draft_pdf_request(partnership, dt.date.fromisoformat(day))


def draft_html(partnership: Partnership, day: dt.date | None = None) -> str:
    """Render the current draft as the in-app HTML preview."""
    day = day or today()
    return arrangements_html(partnership, as_of=day, status=DRAFT_STATUS,
                             sign_offs=current_signatures(partnership, day), for_pdf=False)


def draft_pdf(partnership: Partnership, day: dt.date | None = None) -> bytes:
    """Render the current draft as a PDF here and now (the CLI; pages use the queue)."""
    return pdf.render_pdf(**draft_pdf_request(partnership, day)).data


def arrangements_pdf(partnership: Partnership, *, as_of: dt.date, status: str,
                     sign_offs: Sequence[PrintedSignature] = ()) -> pdf.RenderedPdf:
    """Render the arrangements as a tagged A4 PDF, with the structure chart embedded."""
    return pdf.render_pdf(**pdf_request(partnership, as_of=as_of, status=status,
                                        sign_offs=sign_offs))

