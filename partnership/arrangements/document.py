"""The published arrangements document, generated from the live register.

One template serves both the in-app HTML preview and the PDF: :func:`arrangements_html`
gathers everything the document says into plain values (so the template holds no rules),
and :func:`arrangements_pdf` renders it through the restricted WeasyPrint renderer with the
structure chart passed in memory. Where the chart cannot be drawn (no Graphviz on the
server), a note says so and the structure's list stands in. Published versions keep their
PDF bytes, so this module only ever renders the register as it stands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, url_for
from markupsafe import Markup

from partnership.arrangements.models import Figure, NarrativeSection, Topic
from partnership.arrangements.sections import not_covered, sections_of
from partnership.arrangements.services import DRAFT_STATUS, current_signatures
from partnership.clock import today
from partnership.documents import pdf
from partnership.documents.markdown import render_markdown
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
    Agency,
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    BodyMember,
    Capacity,
    Collaboration,
    GuidanceEdition,
    MemberKind,
    Partnership,
    Person,
    Representative,
    ScrutinyKind,
    StatutoryPartner,
)
from partnership.register.models import Establishment as EstablishmentRow
from partnership.register.services.agencies import ACTIVE, AgencyRoster, agency_roster
from partnership.register.services.bodies import other_partnership
from partnership.register.services.partnerships import (
    PartnerOnDate,
    partners_on,
    representative_term,
)
from partnership.register.services.scrutiny import scrutineers_on
from partnership.scrutiny.services import published_plan

STYLESHEET = "css/document.css"
CHART_RESOURCE = "structure.svg"
DRAFT = "DRAFT"


@dataclass(frozen=True)
class Acting:
    """Someone acting for a statutory partner: a named person and their post, or a post."""

    name: str
    title: str


@dataclass(frozen=True)
class PartnerRow:
    """One statutory partner and who acts for it on the document's date."""

    organisation: str
    leads: list[Acting]
    delegates: list[Acting]


@dataclass(frozen=True)
class RoleRow:
    """A dated role in post on the document's date: the partnership chair, education's lead,
    a participating observer."""

    role: str
    who: str
    independent: bool
    notes: list[str]


@dataclass(frozen=True)
class Seat:
    """A seat on a body: organisation, post and (if named) the person."""

    organisation: str
    role: str
    person: str


@dataclass(frozen=True)
class Line:
    """A line of accountability, in words: its kind and what it points to."""

    kind: str
    to: str


@dataclass(frozen=True)
class BodySummary:
    """Everything the document says about one body (nothing the register does not state)."""

    anchor: str
    name: str
    short_name: str
    kind: str
    note: str
    purpose: list[str]
    objectives: list[str]
    chair: str
    chair_independent: bool
    chair_appointment: str
    frequency: str
    frequency_note: str
    decision_rule: str
    lines: list[Line]
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

    @property
    def seats(self) -> bool:
        """Say whether any seat is recorded (the appendix lists it)."""
        return bool(self.core or self.co_opted)


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
    """Independent scrutiny in place on the document's date: a person, an organisation or
    experts commissioned for each priority."""

    who: str
    kind: str
    scope: str
    appointed_by: str
    is_chair: bool


@dataclass(frozen=True)
class AgencyEntry:
    """A relevant agency as the document lists it: name, legal basis, why, from when."""

    name: str
    basis: str
    reason: str
    notes: str
    duty_from: str


@dataclass(frozen=True)
class AgencyGroup:
    """A heading of the agencies list (a group, or a sector; empty: not stated) and its
    agencies."""

    heading: str
    notes: list[str]
    agencies: list[AgencyEntry]


@dataclass(frozen=True)
class Establishment:
    """A school or setting in the appendix."""

    name: str
    urn: str
    kind: str


@dataclass(frozen=True)
class Phase:
    """The schools and settings of one phase (empty: not stated), counted."""

    phase: str
    establishments: list[Establishment]

    @property
    def count(self) -> int:
        """Count the schools and settings of the phase."""
        return len(self.establishments)


@dataclass(frozen=True)
class Contact:
    """A contact point the register holds."""

    label: str
    lines: list[str]


@dataclass(frozen=True)
class FigureView:
    """A picture in a narrative section, with the address the page or the PDF reads it at."""

    src: str
    alt: str
    caption: str


@dataclass(frozen=True)
class Part:
    """One part of the document, in order: a narrative section or what the register holds.

    ``kind`` is ``narrative`` or a register block (``partners``, ``area``, ``agencies``,
    ``collaboration``, ``structure``, ``bodies``, ``scrutiny``, ``team``).
    """

    kind: str
    anchor: str
    title: str
    html: Markup | None = None
    figures: tuple[FigureView, ...] = ()
    children: tuple[ContentsEntry, ...] = ()


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


# What the register holds, in the order published arrangements give it, and the statutory
# topic whose section it follows: (kind, topic, title).
REGISTER_BLOCKS: tuple[tuple[str, Topic, str], ...] = (
    ("partners", Topic.PARTNERS, "The safeguarding partners"),
    ("area", Topic.GEOGRAPHY, "Geographical area"),
    ("agencies", Topic.RELEVANT_AGENCIES, "Relevant agencies"),
    ("collaboration", Topic.RELEVANT_AGENCIES, "Working with neighbouring partnerships"),
    ("structure", Topic.RELEVANT_AGENCIES, "Structure"),
    ("bodies", Topic.RELEVANT_AGENCIES, "Boards and groups"),
    ("scrutiny", Topic.SCRUTINY, "Independent scrutiny"),
    # The year's scrutiny plan, after the scrutiny section (with none: an appendix).
    ("scrutiny_plan", Topic.SCRUTINY, "Independent scrutiny plan"),
    ("team", Topic.FUNDING, "The partnership's support team"),
)
TOPIC_ORDER = {topic: index for index, topic in enumerate(Topic)}


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


def _joined(*parts: str) -> str:
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _person_line(person: Person | None, organisation: str = "") -> str:
    if person is None:
        return organisation
    return _joined(person.name, person.job_title, organisation or person.organisation_name)


def _partner_name(partner: StatutoryPartner | None, day: dt.date) -> str:
    return partner.name_on(day) if partner is not None else ""


def _chair(body: Body, day: dt.date) -> str:
    """The chair as the register states it: the post, where it sits, and who holds it."""
    organisation = _partner_name(body.chair_partner, day) or (
        body.chair_agency.name if body.chair_agency else "")
    holder = body.chair.name if body.chair is not None else ""
    post = body.chair_post.strip()
    if holder and not post:
        return _person_line(body.chair, organisation)
    return _joined(holder, post, organisation)


def _seat(member: BodyMember, day: dt.date) -> Seat:
    organisation = (member.agency.name if member.agency else
                    _partner_name(member.partner, day) or (
                        member.person.organisation_name if member.person else ""))
    return Seat(organisation, member.role, member.person.name if member.person else "")


def _period(body: Body) -> str:
    if body.starts_on and body.ends_on:
        return f"{long_date(body.starts_on)} to {long_date(body.ends_on)}"
    if body.ends_on:
        return f"Until {long_date(body.ends_on)}"
    if body.starts_on and body.kind == BodyKind.TASK_AND_FINISH:
        return f"From {long_date(body.starts_on)}"
    return ""


def _body_note(body: Body, partnership: Partnership) -> str:
    note = body_note(body, partnership)
    if not note and body.joint_with_name.strip():
        note = f"joint with {body.joint_with_name.strip()}"
    return note


def _lines(body: Body, in_structure: set[int]) -> list[Line]:
    found = []
    for line in body.lines:
        target = line.to_body
        if target is None:
            to = line.to_name
        elif target.id in in_structure or target.partnership is None:
            to = target.name
        else:
            to = f"{target.name} ({target.partnership.name})"
        found.append(Line(line.kind.label, to))
    return found


def body_summary(body: Body, partnership: Partnership, in_structure: set[int],
                 day: dt.date) -> BodySummary:
    """Describe one body as the document prints it: what the register states, nothing else."""
    members = sorted(body.members, key=lambda m: (m.kind != MemberKind.CORE, m.id))
    return BodySummary(
        anchor=f"body-{body.id}",
        name=body.name,
        short_name=body.short_name if body.short_name != body.name else "",
        kind=body.kind.label,
        note=_body_note(body, partnership),
        purpose=paragraphs(body.purpose),
        objectives=[o for o in (body.objectives or []) if str(o).strip()],
        chair=_chair(body, day),
        chair_independent=body.chair_independent,
        chair_appointment=body.chair_appointment.strip(),
        frequency=body.frequency.label if body.frequency is not None else "",
        frequency_note=body.frequency_note.strip(),
        decision_rule=body.decision_rule.label if body.decision_rule is not None else "",
        lines=_lines(body, in_structure),
        period=_period(body),
        core=[_seat(m, day) for m in members if m.kind == MemberKind.CORE],
        co_opted=[_seat(m, day) for m in members if m.kind == MemberKind.CO_OPTED],
    )


def _acting(rep: Representative) -> Acting:
    if rep.person is None:
        return Acting("", rep.title)
    return Acting(rep.person.name, rep.title or rep.person.job_title)


def _partner_rows(partners: list[PartnerOnDate]) -> list[PartnerRow]:
    rows = []
    for partner in partners:
        acting: dict[Capacity, list[Acting]] = {Capacity.LEAD: [], Capacity.DELEGATED: []}
        for entry in partner.representatives:
            acting[entry.representative.capacity].append(_acting(entry.representative))
        rows.append(PartnerRow(partner.name, acting[Capacity.LEAD], acting[Capacity.DELEGATED]))
    return rows


def appointments_on(partnership: Partnership, day: dt.date) -> list[Appointment]:
    """The partnership chair, education's lead and observers in post on a day, in that order."""
    order = {role: index for index, role in enumerate(AppointmentRole)}
    return sorted((a for a in partnership.appointments if a.in_post_on(day)),
                  key=lambda a: (order[a.role], a.id or 0))


def _role_rows(appointments: list[Appointment], day: dt.date) -> list[RoleRow]:
    rows = []
    for appointment in appointments:
        organisation = (appointment.agency.name if appointment.agency else
                        _partner_name(appointment.partner, day))
        who = _joined(appointment.person.name if appointment.person else "",
                      appointment.post, organisation)
        rows.append(RoleRow(appointment.role.label, who, appointment.independent,
                            paragraphs(appointment.notes)))
    return rows


def _scrutiny(partnership: Partnership, day: dt.date,
              appointments: list[Appointment]) -> list[ScrutinyRow]:
    chairs = {a.person_id for a in appointments
              if a.role == AppointmentRole.PARTNERSHIP_CHAIR and a.person_id is not None}
    rows = []
    for scrutineer in scrutineers_on(partnership, day):
        who = _joined(_person_line(scrutineer.person), scrutineer.post, scrutineer.organisation
                      if scrutineer.person is None or scrutineer.organisation
                      != scrutineer.person.organisation_name else "")
        parts = [scrutineer.scope.strip()] if scrutineer.scope.strip() else []
        if not scrutineer.whole_partnership and scrutineer.bodies:
            parts.append("Bodies: " + ", ".join(body.name for body in scrutineer.bodies))
        rows.append(ScrutinyRow(
            # The name or post says who a person or an organisation is; commissioned experts
            # are said as such.
            who=who, kind=scrutineer.kind.label if scrutineer.kind is ScrutinyKind.COMMISSIONED
            else "", scope=". ".join(parts),
            appointed_by=scrutineer.appointed_by.strip(),
            is_chair=scrutineer.person_id is not None and scrutineer.person_id in chairs))
    return rows


def _agency_entry(agency: Agency) -> AgencyEntry:
    return AgencyEntry(
        name=agency.name,
        basis=agency.basis.label if agency.basis is not None else "",
        reason=agency.reason_included.strip(),
        notes=agency.notes.strip(),
        duty_from=long_date(agency.duty_from) if agency.duty_from else "")


def _agency_groups(roster: AgencyRoster) -> tuple[list[AgencyGroup], str]:
    """The agencies under their headings, and their one legal basis when all share it (said
    once for the list, not on every line)."""
    groups = [AgencyGroup(section.group.name,
                          [text.strip() for text in (section.group.reason_included,
                                                     section.group.notes) if text.strip()],
                          [_agency_entry(a) for a in section.members])
              for section in roster.groups]
    groups += [AgencyGroup(section.sector.label if section.sector is not None else "", [],
                           [_agency_entry(a) for a in section.agencies])
               for section in roster.sectors]
    bases = {entry.basis for group in groups for entry in group.agencies}
    if len(bases) != 1 or not next(iter(bases)):
        return groups, ""
    label = next(iter(bases))
    shared = (f"Each agency listed here {label[0].lower()}{label[1:]}."
              if label.startswith("Takes part")
              else f"Each agency listed here is a {label.lower()}.")
    return [dataclasses.replace(group, agencies=[
        dataclasses.replace(entry, basis="") for entry in group.agencies])
        for group in groups], shared


def _phases(partnership: Partnership) -> list[Phase]:
    rows = db.session.scalars(
        sa.select(EstablishmentRow).where(EstablishmentRow.partnership_id == partnership.id)
        .order_by(EstablishmentRow.phase, EstablishmentRow.name, EstablishmentRow.urn))
    phases: dict[str, list[Establishment]] = {}
    for row in rows:
        phases.setdefault(row.phase.strip(), []).append(
            Establishment(row.name, row.urn, row.kind))
    # Phases by name, any with no phase stated last.
    return [Phase(name, phases[name]) for name in sorted(phases, key=lambda n: (not n, n))]


def _collaborations(partnership: Partnership, summaries: dict[int, BodySummary],
                    bodies: list[Body]) -> list[CollaborationSummary]:
    result = []
    for collaboration in partnership.collaborations:
        shared = [summaries[b.id] for b in bodies if b.collaboration_id == collaboration.id]
        members = [p.name for p in collaboration.partnerships] + [
            name for name in (collaboration.external_members or []) if str(name).strip()]
        result.append(CollaborationSummary(
            name=_collaboration_name(collaboration),
            description=paragraphs(collaboration.description),
            partnerships=members,
            independently_chaired=collaboration.independently_chaired,
            bodies=shared,
        ))
    return result


def _collaboration_name(collaboration: Collaboration) -> str:
    short = collaboration.short_name
    return f"{collaboration.name} ({short})" if short and short != collaboration.name else (
        collaboration.name)


def _contacts(partnership: Partnership) -> list[Contact]:
    return [Contact(point.label, [line for line in (point.email, point.phone, point.url,
                                                    " ".join(point.address.split())) if line])
            for point in sorted(partnership.contact_points, key=lambda c: (c.position, c.id))]


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


def figure_resource(sha256: str) -> str:
    """Name a figure's picture among a PDF render's resources."""
    return f"figure-{sha256}.png"


def _figure_src(partnership: Partnership, figure: Figure, for_pdf: bool) -> str:
    if for_pdf or not has_request_context():
        return pdf.resource_url(figure_resource(figure.image_sha256))
    return url_for("arrangements.figure_image", slug=partnership.slug, sha256=figure.image_sha256)


def figure_resources(partnership: Partnership) -> dict[str, bytes]:
    """Every picture the partnership's sections show, by resource name, for the PDF."""
    return {figure_resource(figure.image_sha256): figure.image.data
            for section in sections_of(partnership) for figure in section.figures}


def arrange(sections: Sequence[NarrativeSection], blocks: Sequence[str]) -> list[str | int]:
    """Put the narrative sections (by id) and the register's blocks (by kind) in order.

    The sections keep the partnership's order. A block follows the section that covers its
    topic; with no such section, it comes before the first section on a later statutory
    topic, or after the narrative when there is none.
    """
    anchors = {kind: topic for kind, topic, _title in REGISTER_BLOCKS}
    mapped = {s.topic for s in sections if s.topic is not None}
    pending = [kind for kind, _topic, _title in REGISTER_BLOCKS if kind in blocks]
    order: list[str | int] = []

    def flush(due: Callable[[str], bool]) -> None:
        order.extend(kind for kind in pending if due(kind))
        pending[:] = [kind for kind in pending if not due(kind)]

    for section in sections:
        topic = section.topic
        if topic is not None:
            flush(lambda k, t=topic: anchors[k] not in mapped
                  and TOPIC_ORDER[anchors[k]] < TOPIC_ORDER[t])
        order.append(section.id)
        if topic is not None and section is _last_on(sections, topic):
            flush(lambda k, t=topic: anchors[k] == t)
    order.extend(pending)
    return order


def _last_on(sections: Sequence[NarrativeSection], topic: Topic) -> NarrativeSection:
    return [s for s in sections if s.topic == topic][-1]


def document_title(partnership: Partnership, as_of: dt.date, status: str) -> str:
    """Title the document (the page title and the PDF's title metadata)."""
    title = f"{partnership.name}: local safeguarding arrangements {as_of.year}"
    return f"{title} (draft)" if is_draft(status) else title


def _sign_off_rows(partners: list[PartnerOnDate], sign_offs: Sequence[PrintedSignature]
                   ) -> list[PrintedRow]:
    """The open round's signatures (in the partners' order); with none, each partner awaited."""
    return printed_rows(sign_offs or [PrintedSignature(partner.name) for partner in partners])


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
    summaries = {b.id: body_summary(b, partnership, in_structure, as_of) for b in bodies}
    outline = structure_outline(partnership, as_of)
    agency_groups, agencies_basis = _agency_groups(
        agency_roster(partnership, status=ACTIVE, on=as_of))
    phases = _phases(partnership)
    collaborations = _collaborations(partnership, summaries, bodies)
    joint = [summaries[b.id] for b in bodies if b.collaboration_id is None
             and (other_partnership(partnership, b) is not None or b.joint_with_name.strip())]
    appointments = appointments_on(partnership, as_of)
    partner_rows = _partner_rows(partners)
    role_rows = _role_rows(appointments, as_of)
    scrutiny = _scrutiny(partnership, as_of, appointments)
    area = paragraphs(partnership.area)
    team = paragraphs(partnership.support_team)
    scrutiny_plan = published_plan(partnership, as_of)

    present = {
        "partners": any(r.leads or r.delegates for r in partner_rows) or bool(role_rows),
        "area": bool(area),
        "agencies": bool(agency_groups or phases),
        "collaboration": bool(collaborations or joint),
        "structure": bool(outline),
        "bodies": bool(bodies),
        "scrutiny": bool(scrutiny),
        "team": bool(team or partnership.support_team_name.strip()),
    }
    titles = {kind: title for kind, _topic, title in REGISTER_BLOCKS}
    if partnership.support_team_name.strip():
        titles["team"] = partnership.support_team_name.strip()
    draft = is_draft(status)
    # A section with neither text nor figures prints in a draft (marked), never once agreed.
    rows = [row for row in sections_of(partnership)
            if draft or row.markdown.strip() or row.figures]
    plan_placed = scrutiny_plan is not None and any(r.topic == Topic.SCRUTINY for r in rows)
    present["scrutiny_plan"] = plan_placed
    if scrutiny_plan is not None:
        titles["scrutiny_plan"] = scrutiny_plan.title
    by_id = {row.id: row for row in rows}
    parts: list[Part] = []
    for item in arrange(rows, [kind for kind, shown in present.items() if shown]):
        if isinstance(item, int):
            row = by_id[item]
            parts.append(Part("narrative", f"section-{row.id}", row.title,
                              render_markdown(row.markdown),
                              tuple(FigureView(_figure_src(partnership, f, for_pdf), f.alt,
                                               f.caption) for f in row.figures)))
        elif item == "bodies":
            parts.append(Part(item, item, titles[item], children=tuple(
                ContentsEntry(summaries[b.id].anchor, summaries[b.id].heading)
                for b in bodies)))
        else:
            parts.append(Part(item, item, titles[item]))

    body_list = [summaries[b.id] for b in bodies]
    appendices = []
    if any(b.seats for b in body_list):
        appendices.append(ContentsEntry("appendix-membership", "Appendix: membership of the "
                                                               "boards and groups"))
    if phases:
        appendices.append(ContentsEntry("appendix-schools", "Appendix: schools and settings"))
    if scrutiny_plan is not None and not plan_placed:
        appendices.append(ContentsEntry("appendix-scrutiny-plan",
                                        f"Appendix: {scrutiny_plan.title}"))
    contacts = _contacts(partnership)
    contents = [ContentsEntry(part.anchor, part.title, list(part.children)) for part in parts]
    if contacts or partnership.address.strip():
        contents.append(ContentsEntry("contact", "Contact"))
    contents += appendices
    contents.append(ContentsEntry("sign-off", "Agreement by the safeguarding partners"))

    return render_template(
        "arrangements/document.html",
        title=document_title(partnership, as_of, status),
        partnership=partnership,
        year=as_of.year,
        as_of=long_date(as_of),
        status=status,
        draft=draft,
        not_covered=[topic.label for topic in not_covered(partnership, as_of)] if draft else [],
        for_pdf=for_pdf,
        stylesheet_url=_stylesheet_url(for_pdf),
        chart_url=None if chart_note else _chart_url(partnership, for_pdf),
        chart_alt=chart_title(partnership),
        chart_note=chart_note,
        contents=contents,
        parts=parts,
        terms=role_terms(partnership.guidance),
        guidance=partnership.guidance.label,
        contact=[c for c in (partnership.contact_email, partnership.contact_phone,
                             partnership.website) if c],
        address=[line.strip() for line in partnership.address.splitlines() if line.strip()],
        contacts=contacts,
        partner_rows=partner_rows,
        role_rows=role_rows,
        area=area,
        agency_groups=agency_groups,
        agencies_basis=agencies_basis,
        phases=phases,
        collaborations=collaborations,
        joint=joint,
        outline=outline,
        bodies=body_list,
        scrutiny=scrutiny,
        scrutiny_plan=scrutiny_plan,
        team=team,
        appendices=appendices,
        sign_offs=_sign_off_rows(partners, sign_offs),
    )


def pdf_request(partnership: Partnership, *, as_of: dt.date, status: str,
                sign_offs: Sequence[PrintedSignature] = ()) -> dict[str, Any]:
    """Gather what :func:`pdf.render_pdf` takes to print the arrangements (chart included)."""
    chart = draw_structure_chart(partnership, as_of)
    html = arrangements_html(partnership, as_of=as_of, status=status, sign_offs=sign_offs,
                             for_pdf=True, chart=chart)
    resources = {CHART_RESOURCE: chart.svg.encode("utf-8")} if chart.svg is not None else {}
    resources.update(figure_resources(partnership))
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

