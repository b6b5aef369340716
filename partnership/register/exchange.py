"""One file format for a partnership's register: export, import, snapshots and comparison.

The same plain data (only str, int, bool, None, lists and dicts) is written by
``flask register export``, read back by ``flask register import``, stored as the snapshot of
a published version of the arrangements, and compared between two versions for "what
changed". docs/register-format.md describes it field by field.

People have no natural key, so the file gives each a ``key`` (a slug of the name, with a
number when two share one) and refers to them by it; everything else is referred to by name
(agencies, bodies, collaborations) or slug (partnerships). No database id is ever written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
import yaml

from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.textdiff import sentence_changes
from partnership.register.models import (
    AccountabilityLine,
    Agency,
    AgencyBasis,
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    BodyMember,
    Capacity,
    Collaboration,
    ContactPoint,
    Contribution,
    DecisionRule,
    Establishment,
    Frequency,
    GuidanceEdition,
    LineKind,
    MemberKind,
    PartnerKind,
    PartnerName,
    Partnership,
    Person,
    Representative,
    Scrutineer,
    ScrutinyKind,
    Sector,
    StatutoryPartner,
)
from partnership.register.services import periods_overlap, record_membership_change
from partnership.register.services.bodies import JOINT_KINDS
from partnership.register.services.partnerships import SLUG_PATTERN, partners_in_order

FORMAT = "partnership-register"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PENCE = decimal.Decimal("0.01")
LARGEST_AMOUNT = decimal.Decimal("9999999999.99")  # Numeric(12, 2)
SECTIONS = ("partnership", "partners", "representatives", "appointments", "agencies", "bodies",
            "scrutineers", "collaborations", "establishments", "narrative")
CHANGES = ("added", "removed", "changed")
ARROW = "→"


@dataclass(frozen=True)
class NarrativeStore:
    """The arrangements' narrative sections, which travel with the register in a file.

    The arrangements build on the register, so they hand the register this store when the app
    is created (:func:`use_narrative`) instead of the register importing them.
    """

    # The sections as a file writes them, in the partnership's order.
    read: Callable[[Partnership], list[dict[str, Any]]]
    # A file's ``narrative`` -> the sections it holds and its problems (location, message).
    check: Callable[[Any], tuple[list[dict[str, Any]], list[tuple[str, str]]]]
    add: Callable[[Partnership, list[dict[str, Any]]], None]  # the checked sections
    # A file's ``narrative`` (any format version) -> title: what a comparison looks at.
    compare: Callable[[Any], dict[str, dict[str, Any]]]


_NARRATIVE: list[NarrativeStore] = [NarrativeStore(
    read=lambda _p: [], check=lambda _raw: ([], []), add=lambda _p, _s: None,
    compare=lambda _raw: {})]


def use_narrative(store: NarrativeStore) -> None:
    """Carry the arrangements' narrative sections in exports and imports (at app creation)."""
    _NARRATIVE[0] = store


def _narrative_store() -> NarrativeStore:
    return _NARRATIVE[0]


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with a register file: where it is, and what is wrong."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class RegisterImportError(ValueError):
    """A register file that cannot be imported; ``problems`` lists every problem found."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the register file")
        self.problems = problems


@dataclass(frozen=True)
class RegisterChange:
    """One difference between two registers: a record added, removed or changed."""

    section: str
    change: str
    name: str
    details: tuple[str, ...] = ()


@dataclass
class RegisterImport:
    """What an import created, and what it had to leave out (only when allowed to)."""

    partnership: Partnership
    left_out: list[ImportProblem] = field(default_factory=list)


# --- export ---------------------------------------------------------------------------------


def export_register(partnership: Partnership) -> dict[str, Any]:
    """Return the partnership's register as plain data, in a deterministic order."""
    return _Exporter(partnership).register()


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _amount(amount: decimal.Decimal) -> str:
    return str(decimal.Decimal(amount).quantize(PENCE))


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "person"


def _body_order(body: Body) -> tuple[Any, ...]:
    return (body.position or 0, body.name.casefold(), body.name, body.id or 0)


def _kind(value: Any) -> str | None:
    """Write a stored choice as its value (None when not stated)."""
    return None if value is None else str(getattr(value, "value", value))


class _Exporter:
    """Walk a partnership in a fixed order, giving each person a key on first mention."""

    def __init__(self, partnership: Partnership) -> None:
        self.partnership = partnership
        self.keys: dict[Person, str] = {}  # by object: a person not yet flushed has no id
        self.people: dict[str, Person] = {}

    def register(self) -> dict[str, Any]:
        """Write every section (the order people are met in fixes their keys)."""
        bodies = self._bodies()
        data: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
        data["partnership"] = self._partnership()
        data["partners"] = [self._partner(p) for p in partners_in_order(self.partnership)]
        data["appointments"] = [self._appointment(a) for a in sorted(
            self.partnership.appointments, key=lambda a: (
                list(AppointmentRole).index(AppointmentRole(a.role)),
                a.valid_from or dt.date.min, a.post, a.person.name if a.person else "",
                a.id or 0))]
        data["agencies"] = [self._agency(a) for a in sorted(
            self.partnership.agencies, key=lambda a: (a.name.casefold(), a.name, a.id or 0))]
        data["bodies"] = [self._body(b) for b in bodies]
        data["scrutineers"] = [self._scrutineer(s) for s in sorted(
            self.partnership.scrutineers,
            key=lambda s: (s.person.name if s.person else s.organisation,
                           s.valid_from or dt.date.min, s.id or 0))]
        data["collaborations"] = [self._collaboration(c) for c in self._collaborations(bodies)]
        data["establishments"] = [self._establishment(e) for e in self._establishments()]
        data["narrative"] = self._narrative()
        data["people"] = [self._person(self.people[key]) for key in sorted(self.people)]
        return data

    def key(self, person: Person | None) -> str | None:
        """Return the person's key in this file, giving them one if they have none yet."""
        if person is None:
            return None
        if person not in self.keys:
            stem = candidate = _slugify(person.name)
            number = 1
            while candidate in self.people:
                number += 1
                candidate = f"{stem}-{number}"
            self.keys[person] = candidate
            self.people[candidate] = person
        return self.keys[person]

    def agency_ref(self, agency: Agency | None) -> str | dict[str, str] | None:
        """Name an agency: by name if it is this partnership's, else with its partnership."""
        if agency is None:
            return None
        if agency.partnership is self.partnership:
            return agency.name
        return {"partnership": agency.partnership.slug, "name": agency.name}

    def partner_ref(self, partner: StatutoryPartner | None) -> str | None:
        """Name a statutory partner by its kind (only this partnership's partners are named)."""
        if partner is None or partner.partnership is not self.partnership:
            return None
        return PartnerKind(partner.kind).value

    def _partnership(self) -> dict[str, Any]:
        p = self.partnership
        return {"slug": p.slug, "name": p.name, "short_name": p.short_name, "area": p.area,
                "guidance": GuidanceEdition(p.guidance).value,
                "year_start_month": p.year_start_month, "contact_email": p.contact_email,
                "contact_phone": p.contact_phone, "website": p.website,
                "address": p.address or "", "support_team_name": p.support_team_name or "",
                "support_team": p.support_team or "",
                "contact_points": [
                    {"label": c.label, "email": c.email or "", "phone": c.phone or "",
                     "url": c.url or "", "address": c.address or ""}
                    for c in sorted(p.contact_points, key=lambda c: (c.position or 0, c.id or 0))]}

    def _partner(self, partner: StatutoryPartner) -> dict[str, Any]:
        names = sorted(partner.names, key=lambda n: (n.valid_from, n.valid_to or dt.date.max,
                                                     n.name, n.id or 0))
        capacities = list(Capacity)
        representatives = sorted(partner.representatives, key=lambda r: (
            r.valid_from, capacities.index(Capacity(r.capacity)),
            r.person.name if r.person else "", r.valid_to or dt.date.max, r.title, r.id or 0))
        return {
            "kind": PartnerKind(partner.kind).value,
            "names": [{"name": n.name, "valid_from": _iso(n.valid_from),
                       "valid_to": _iso(n.valid_to)} for n in names],
            "representatives": [
                {"person": self.key(r.person), "capacity": Capacity(r.capacity).value,
                 "title": r.title, "valid_from": _iso(r.valid_from), "valid_to": _iso(r.valid_to)}
                for r in representatives],
        }

    def _appointment(self, appointment: Appointment) -> dict[str, Any]:
        return {"role": AppointmentRole(appointment.role).value, "post": appointment.post or "",
                "person": self.key(appointment.person),
                "agency": self.agency_ref(appointment.agency),
                "partner": self.partner_ref(appointment.partner),
                "independent": bool(appointment.independent),
                "valid_from": _iso(appointment.valid_from),
                "valid_to": _iso(appointment.valid_to), "notes": appointment.notes or ""}

    def _agency(self, agency: Agency) -> dict[str, Any]:
        return {
            "name": agency.name, "sector": _kind(agency.sector), "basis": _kind(agency.basis),
            "duty_from": _iso(agency.duty_from),
            "group": agency.group.name if agency.group else None, "is_group": agency.is_group,
            "reason_included": agency.reason_included, "notes": agency.notes,
            "champion": self.key(agency.champion),
            "active_from": _iso(agency.active_from), "active_to": _iso(agency.active_to),
            "contributions": [{"year": c.year, "amount": _amount(c.amount)}
                              for c in sorted(agency.contributions, key=lambda c: c.year)],
        }

    def _bodies(self) -> list[Body]:
        """Own bodies, joint groups, shared bodies, and whatever their lines point to."""
        p = self.partnership
        found: dict[Body, None] = dict.fromkeys(p.bodies)  # an ordered set, by object
        for collaboration in p.collaborations:
            found.update(dict.fromkeys(collaboration.bodies))
        if p.id is not None:  # (joint_with_id == None would match every body run alone)
            found.update(dict.fromkeys(db.session.scalars(
                sa.select(Body).where(Body.joint_with_id == p.id))))
        waiting = list(found)
        while waiting:
            for line in waiting.pop().lines:
                target = line.to_body
                if target is not None and target not in found:
                    found[target] = None
                    waiting.append(target)

        def order(body: Body) -> tuple[Any, ...]:
            if body.collaboration is not None:
                return (2, body.collaboration.name, *_body_order(body))
            if self.neighbour(body):  # a joint group, whichever of the two runs it
                return (1, "", body.name.casefold(), body.name, body.id or 0)
            if body.partnership is p:
                return (0, "", *_body_order(body))
            return (3, body.partnership.slug if body.partnership else "", *_body_order(body))

        return sorted(found, key=order)

    def neighbour(self, body: Body) -> str:
        """Name the other partnership of a joint group ("" for a body run alone)."""
        if body.partnership is not None and body.partnership is not self.partnership:
            return body.partnership.name if body.joint_with is self.partnership else ""
        if body.joint_with is not None:
            return body.joint_with.name
        return body.joint_with_name or ""

    def _body(self, body: Body) -> dict[str, Any]:
        return {
            "name": body.name, "short_name": body.short_name, "kind": BodyKind(body.kind).value,
            "collaboration": body.collaboration.name if body.collaboration else None,
            "joint_with_name": self.neighbour(body),
            "purpose": body.purpose, "objectives": list(body.objectives or []),
            "chair_post": body.chair_post or "",
            "chair_partner": self.partner_ref(body.chair_partner),
            "chair_agency": self.agency_ref(body.chair_agency),
            "chair": self.key(body.chair),
            "chair_independent": body.chair_independent,
            "chair_appointment": body.chair_appointment,
            "lines": [{"kind": LineKind(line.kind).value,
                       **({"to": line.to_body.name} if line.to_body is not None
                          else {"to_name": line.to_name})}
                      for line in sorted(body.lines, key=lambda x: (x.position or 0, x.id or 0))],
            "frequency": _kind(body.frequency), "frequency_note": body.frequency_note or "",
            "decision_rule": _kind(body.decision_rule),
            "starts_on": _iso(body.starts_on), "ends_on": _iso(body.ends_on),
            "members": [{"role": m.role, "partner": self.partner_ref(m.partner),
                         "agency": self.agency_ref(m.agency), "person": self.key(m.person),
                         "kind": MemberKind(m.kind).value}
                        for m in sorted(body.members, key=lambda m: m.id or 0)],
        }

    def _scrutineer(self, scrutineer: Scrutineer) -> dict[str, Any]:
        return {
            "kind": ScrutinyKind(scrutineer.kind or ScrutinyKind.PERSON).value,
            "person": self.key(scrutineer.person),
            "organisation": scrutineer.organisation or "",
            "post": scrutineer.post or "",
            "whole_partnership": scrutineer.whole_partnership, "scope": scrutineer.scope,
            "appointed_by": scrutineer.appointed_by,
            "valid_from": _iso(scrutineer.valid_from), "valid_to": _iso(scrutineer.valid_to),
            "bodies": [b.name for b in sorted(scrutineer.bodies, key=_body_order)],
        }

    def _collaborations(self, bodies: list[Body]) -> list[Collaboration]:
        found = dict.fromkeys(self.partnership.collaborations)
        found.update(dict.fromkeys(b.collaboration for b in bodies if b.collaboration))
        return sorted(found, key=lambda c: c.name)

    def _collaboration(self, collaboration: Collaboration) -> dict[str, Any]:
        """Write the other members by name, so that the file imports into any database."""
        others = {p.name for p in collaboration.partnerships if p is not self.partnership}
        others.update(collaboration.external_members or [])
        return {"name": collaboration.name, "short_name": collaboration.short_name,
                "description": collaboration.description,
                "independently_chaired": collaboration.independently_chaired,
                "members": [self.partnership.slug]
                if self.partnership in collaboration.partnerships else [],
                "external_members": sorted(others, key=lambda n: (n.casefold(), n))}

    def _establishments(self) -> list[Establishment]:
        if self.partnership.id is None:
            return []
        return list(db.session.scalars(
            sa.select(Establishment).where(Establishment.partnership_id == self.partnership.id)
            .order_by(Establishment.urn, Establishment.id)))

    def _establishment(self, establishment: Establishment) -> dict[str, Any]:
        return {"urn": establishment.urn, "name": establishment.name,
                "phase": establishment.phase or "", "kind": establishment.kind or "",
                "local_authority": establishment.local_authority or "",
                "agency": establishment.agency.name if establishment.agency else None}

    def _narrative(self) -> list[dict[str, Any]]:
        return [] if self.partnership.id is None else _narrative_store().read(self.partnership)

    def _person(self, person: Person) -> dict[str, Any]:
        return {"key": self.keys[person], "name": person.name, "job_title": person.job_title,
                "agency": self.agency_ref(person.agency), "organisation": person.organisation,
                "email": person.email, "phone": person.phone}


# --- reading a file -------------------------------------------------------------------------

# Tags a register file may carry: YAML's own scalar and collection types, nothing that builds
# an object (``!!python/...``) and nothing custom.
ALLOWED_TAGS = {f"tag:yaml.org,2002:{name}" for name in (
    "str", "int", "float", "bool", "null", "seq", "map", "timestamp")}


def read_register_file(content: bytes | str) -> Any:
    """Parse a register file, YAML or JSON by its content, refusing anything unsafe."""
    if isinstance(content, bytes):
        if len(content) > MAX_FILE_BYTES:
            raise _one_problem("file", f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _one_problem("file", "is not UTF-8 text") from None
    else:
        text = content
    if text.lstrip().startswith("{"):
        return _read_json(text)
    return _read_yaml(text)


def _one_problem(location: str, message: str) -> RegisterImportError:
    return RegisterImportError([ImportProblem(location, message)])


def _read_json(text: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        counts = Counter(key for key, _ in pairs)
        duplicated = [key for key, n in counts.items() if n > 1]
        if duplicated:
            raise ValueError(f"the key {duplicated[0]!r} appears twice in one object")
        return dict(pairs)

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number a register can hold")

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)
    except json.JSONDecodeError as error:
        raise _one_problem(f"line {error.lineno}", f"not valid JSON: {error.msg}") from None
    except (ValueError, RecursionError) as error:
        raise _one_problem("file", f"not a register file: {error}") from None


def _read_yaml(text: str) -> Any:
    """Check the YAML's events first (no objects built), then load it with safe_load."""
    try:
        _check_yaml_events(text)
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}" if mark else "file"
        raise _one_problem(where, f"not valid YAML: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise _one_problem("file", f"not valid YAML: {error}") from None
    except RecursionError:
        raise _one_problem("file", "is nested too deeply") from None
    except RegisterImportError:
        raise
    except (ValueError, OverflowError) as error:  # e.g. an unquoted date such as 2024-13-01
        raise _one_problem("file", f"has a value that cannot be read: {error}") from None


def _check_yaml_events(text: str) -> None:
    """Refuse anchors and aliases (YAML bombs), object tags, duplicate keys and deep nesting."""
    frames: list[list[Any] | None] = []  # per open collection: [keys seen, next is a key]

    def line(event: yaml.Event) -> str:
        return f"line {event.start_mark.line + 1}"

    def finished_value() -> None:
        if frames and frames[-1] is not None:
            frames[-1][1] = not frames[-1][1]

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _one_problem(line(event), "anchors and aliases (& and *) are not allowed")
        tag = getattr(event, "tag", None)
        if tag and tag != "!" and tag not in ALLOWED_TAGS:
            raise _one_problem(line(event), f"the tag {tag} is not allowed")
        if isinstance(event, yaml.ScalarEvent):
            frame = frames[-1] if frames else None
            if frame is not None and frame[1]:
                if event.value in frame[0]:
                    raise _one_problem(line(event), f"the key {event.value!r} appears twice")
                frame[0].add(event.value)
            finished_value()
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(frames) >= MAX_DEPTH:
                raise _one_problem(line(event), "is nested too deeply")
            frames.append([set(), True] if isinstance(event, yaml.MappingStartEvent) else None)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frames.pop()
            finished_value()


# --- import: reading and checking every field -----------------------------------------------


def import_register(data: Any, *, allow_missing_partnerships: bool = False) -> Partnership:
    """Check the whole file, then add the partnership it describes to the session.

    Raises RegisterImportError listing every problem, having added nothing. The caller
    commits. See :func:`read_register` for ``allow_missing_partnerships``.
    """
    return read_register(data, allow_missing_partnerships=allow_missing_partnerships).partnership


def read_register(data: Any, *, allow_missing_partnerships: bool = False) -> RegisterImport:
    """Check the whole file, then build it; say what was left out.

    A version 2 file names neighbours by name (kept by name when not in the database), and
    what refers to a missing partnership by slug (another partnership's agency) is left out
    and listed in ``left_out``: one partnership's file always imports. A version 1 file
    names neighbours by slug only, so they must be in the database, unless
    ``allow_missing_partnerships`` (then the same: left out and listed). Import that
    partnership afterwards and the links are filled in.
    """
    check = _Check(data, allow_missing_partnerships)
    check.run()
    if check.problems:
        raise RegisterImportError(check.problems)
    with db.session.no_autoflush:  # nothing half-built reaches the database early
        partnership = _Build(check).run()
    return RegisterImport(partnership, check.left_out)


_MISSING = object()


@dataclass(frozen=True)
class _Field:
    """A field of one kind of record in the file: its type, whether required, its default."""

    name: str
    kind: str  # text, bool, int, date, enum, amount, ref, agency, list, texts
    required: bool = False
    default: Any = None
    length: int | None = None
    choices: type[StrEnum] | None = None
    versions: tuple[int, ...] = (1, 2)  # the format versions that have this field


def _text(name: str, column: Any = None, *, required: bool = False, kind: str = "text",
          default: Any = "") -> _Field:
    length = getattr(getattr(column, "type", None), "length", None)
    return _Field(name, kind, required, None if required else default, length)


def _enum(name: str, choices: type[StrEnum], default: StrEnum | None = None, *,
          optional: bool = False) -> _Field:
    """A choice; required unless it has a default or is ``optional`` (None: not stated)."""
    return _Field(name, "enum", default is None and not optional, default, choices=choices)


def _only(versions: tuple[int, ...], spec: _Field) -> _Field:
    """A field that only these format versions have."""
    return dataclasses.replace(spec, versions=versions)


def _date(name: str, *, required: bool = False) -> _Field:
    return _Field(name, "date", required)


def _flag(name: str, default: bool = False) -> _Field:
    return _Field(name, "bool", False, default)


def _list(name: str, kind: str = "list") -> _Field:
    return _Field(name, kind, False, [])


V1, V2 = (1,), (2,)
TOP_FIELDS = {1: ("format", "format_version", "partnership", "partners", "agencies", "bodies",
                  "scrutineers", "collaborations", "narrative", "people"),
              2: ("format", "format_version", "partnership", "partners", "appointments",
                  "agencies", "bodies", "scrutineers", "collaborations", "establishments",
                  "narrative", "people")}
PARTNERSHIP_FIELDS = (
    _text("slug", Partnership.slug, required=True), _text("name", Partnership.name, required=True),
    _text("short_name", Partnership.short_name, required=True), _text("area"),
    _enum("guidance", GuidanceEdition, GuidanceEdition.WT2023),
    _Field("year_start_month", "int", default=4),
    _text("contact_email", Partnership.contact_email),
    _text("contact_phone", Partnership.contact_phone), _text("website", Partnership.website),
    _only(V2, _text("address")), _only(V2, _text("support_team_name",
                                                   Partnership.support_team_name)),
    _only(V2, _text("support_team")), _only(V2, _list("contact_points")),
)
CONTACT_POINT_FIELDS = (
    _text("label", ContactPoint.label, required=True), _text("email", ContactPoint.email),
    _text("phone", ContactPoint.phone), _text("url", ContactPoint.url), _text("address"),
)
PARTNER_FIELDS = (_enum("kind", PartnerKind), _list("names"), _list("representatives"))
NAME_FIELDS = (_text("name", PartnerName.name, required=True), _date("valid_from", required=True),
               _date("valid_to"))
REPRESENTATIVE_FIELDS = (
    _only(V1, _text("person", required=True, kind="ref")),
    _only(V2, _text("person", kind="ref", default=None)), _enum("capacity", Capacity),
    _text("title", Representative.title), _date("valid_from", required=True), _date("valid_to"),
)
APPOINTMENT_FIELDS = (
    _enum("role", AppointmentRole), _text("post", Appointment.post),
    _text("person", kind="ref", default=None), _Field("agency", "agency"),
    _enum("partner", PartnerKind, optional=True), _flag("independent"), _date("valid_from"),
    _date("valid_to"), _text("notes"),
)
PERSON_FIELDS = (
    _text("key", required=True, kind="ref"), _text("name", Person.name, required=True),
    _text("job_title", Person.job_title), _Field("agency", "agency"),
    _text("organisation", Person.organisation), _text("email", Person.email),
    _text("phone", Person.phone),
)
AGENCY_FIELDS = (
    _text("name", Agency.name, required=True), _enum("sector", Sector, optional=True),
    _only(V2, _enum("basis", AgencyBasis, optional=True)), _only(V2, _date("duty_from")),
    _text("group", kind="ref", default=None), _flag("is_group"), _text("reason_included"),
    _text("notes"), _text("champion", kind="ref", default=None), _date("active_from"),
    _date("active_to"), _list("contributions"),
)
CONTRIBUTION_FIELDS = (_Field("year", "int", required=True),
                       _Field("amount", "amount", required=True))
BODY_FIELDS = (
    _text("name", Body.name, required=True), _text("short_name", Body.short_name),
    _enum("kind", BodyKind), _text("collaboration", kind="ref", default=None),
    _only(V1, _text("owned_by", kind="ref", default=None)),
    _only(V1, _text("joint_with", kind="ref", default=None)),
    _only(V2, _text("joint_with_name", Body.joint_with_name)),
    _text("purpose"), _list("objectives", "texts"),
    _only(V2, _text("chair_post", Body.chair_post)),
    _only(V2, _enum("chair_partner", PartnerKind, optional=True)),
    _Field("chair_agency", "agency"), _text("chair", kind="ref", default=None),
    _flag("chair_independent"), _text("chair_appointment", Body.chair_appointment),
    _only(V1, _text("reports_to", kind="ref", default=None)), _only(V2, _list("lines")),
    _enum("frequency", Frequency, optional=True),
    _only(V2, _text("frequency_note", Body.frequency_note)),
    _enum("decision_rule", DecisionRule, optional=True), _date("starts_on"),
    _date("ends_on"), _list("members"),
)
LINE_FIELDS = (_enum("kind", LineKind), _text("to", kind="ref", default=None),
               _text("to_name", AccountabilityLine.to_name))
MEMBER_FIELDS = (
    _text("role", BodyMember.role, required=True),
    _only(V2, _enum("partner", PartnerKind, optional=True)), _Field("agency", "agency"),
    _text("person", kind="ref", default=None), _enum("kind", MemberKind, MemberKind.CORE),
)
SCRUTINEER_FIELDS = (
    _only(V2, _enum("kind", ScrutinyKind)),
    _only(V1, _text("person", required=True, kind="ref")),
    _only(V2, _text("person", kind="ref", default=None)),
    _only(V2, _text("organisation", Scrutineer.organisation)),
    _only(V2, _text("post", Scrutineer.post)),
    _flag("whole_partnership", True), _text("scope"),
    _text("appointed_by", Scrutineer.appointed_by), _only(V1, _flag("is_chair")),
    _date("valid_from"), _date("valid_to"), _list("bodies", "texts"),
)
COLLABORATION_FIELDS = (
    _text("name", Collaboration.name, required=True),
    _text("short_name", Collaboration.short_name), _text("description"),
    _flag("independently_chaired"), _list("members", "texts"),
    _only(V2, _list("external_members", "texts")),
)
ESTABLISHMENT_FIELDS = (
    _text("urn", Establishment.urn, required=True),
    _text("name", Establishment.name, required=True), _text("phase", Establishment.phase),
    _text("kind", Establishment.kind), _text("local_authority", Establishment.local_authority),
    _text("agency", kind="ref", default=None),
)
AGENCY_REF_FIELDS = (_text("partnership", required=True, kind="ref"),
                     _text("name", Agency.name, required=True))


@dataclass(frozen=True)
class _OtherAgency:
    """A reference to another partnership's agency (resolved, or left out when missing)."""

    agency: Agency | None


def _describe(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _entry(base: str, index: int, name: Any, unique: set[Any]) -> str:
    """Locate a list item by its name when that is unambiguous, else by its index."""
    if isinstance(name, str) and name.strip() and name in unique:
        return f"{base}[{_describe(name)}]"
    return f"{base}[{index}]"


class _Check:
    """Read every section of the file into checked values, collecting every problem."""

    def __init__(self, data: Any, allow_missing: bool) -> None:
        self.data = data
        self.allow_missing = allow_missing
        self.problems: list[ImportProblem] = []
        self.left_out: list[ImportProblem] = []
        self.slug = ""
        self.partnership: dict[str, Any] = {}
        self.partners: list[dict[str, Any]] = []
        self.people: dict[str, dict[str, Any]] = {}
        self.agencies: dict[str, dict[str, Any]] = {}
        self.bodies: dict[str, dict[str, Any]] = {}
        self.scrutineers: list[dict[str, Any]] = []
        self.collaborations: dict[str, dict[str, Any]] = {}
        self.narrative: list[dict[str, Any]] = []
        self.contact_points: list[dict[str, Any]] = []
        self.appointments: list[dict[str, Any]] = []
        self.establishments: list[dict[str, Any]] = []
        self.version = FORMAT_VERSION
        self._partnerships: dict[str, Partnership | None] = {}
        self._by_name: dict[str, Partnership | None] = {}

    def problem(self, location: str, message: str) -> None:
        """Note a problem; the import goes no further than checking."""
        self.problems.append(ImportProblem(location, message))

    def missing(self, location: str, slug: str) -> bool:
        """Report a partnership not in the database: a problem, or left out if allowed."""
        message = f"names the partnership {_describe(slug)}, which is not in this database"
        if self.allow_missing or self.version >= 2:  # one partnership's file always imports
            self.left_out.append(ImportProblem(location, message + ": left out"))
            return False
        self.problem(location, message + " (import it first)")
        return True

    def run(self) -> None:
        """Check the header, then every section, then every reference between them."""
        if not self._header():
            return
        data = self.data
        self.partnership = self.record(data.get("partnership"), PARTNERSHIP_FIELDS,
                                       "partnership") or {}
        self.slug = self.partnership.get("slug") or ""
        self._check_partnership()
        self._people(self.items(data, "people", "key"))
        self._agencies(self.items(data, "agencies"))
        self._collaborations(self.items(data, "collaborations"))
        self._bodies(self.items(data, "bodies"))
        self._partners(self.items(data, "partners", "kind"))
        self._appointments(self.items(data, "appointments", None))
        self._scrutineers(self.items(data, "scrutineers", None))
        self._establishments(self.items(data, "establishments", "urn"))
        self._narrative(data.get("narrative"))
        self._resolve_people()
        self._resolve_agencies()
        self._resolve_bodies()

    # -- generic reading --

    def _header(self) -> bool:
        data = self.data
        if not isinstance(data, dict):
            self.problem("file", "is not a register: expected a mapping with "
                                 f"format: {FORMAT}")
            return False
        if data.get("format") != FORMAT:
            self.problem("format", f"must be {FORMAT!r} (found {_describe(data.get('format'))})")
            return False
        version = data.get("format_version")
        if version not in READABLE_VERSIONS or isinstance(version, bool):
            self.problem("format_version",
                         "this installation reads format versions "
                         f"{' and '.join(map(str, READABLE_VERSIONS))}, not {_describe(version)}")
            return False
        self.version = version
        for key in data:
            if key not in TOP_FIELDS[version]:
                self.problem(str(key), "is not a section of a register file")
        return True

    def items(self, data: dict[str, Any], name: str,
              by: str | None = "name") -> list[tuple[str, dict[str, Any]]]:
        """Return (location, mapping) for each item of a top-level list.

        An item is located by its ``by`` field (name, key, kind) when that is unique in the
        list, else by its index from 0: ``bodies["Scrutiny group"]``, ``agencies[3]``.
        """
        raw = data.get(name)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(name, "must be a list")
            return []
        names = Counter(item.get(by) for item in raw if by and isinstance(item, dict)
                        and isinstance(item.get(by), str))
        unique = {name for name, n in names.items() if n == 1}
        found = []
        for index, item in enumerate(raw):
            label = item.get(by) if by and isinstance(item, dict) else None
            where = _entry(name, index, label, unique)
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping of fields")
                continue
            found.append((where, item))
        return found

    def record(self, raw: Any, fields: tuple[_Field, ...], where: str) -> dict[str, Any] | None:
        """Read one record's fields: types, required, lengths, choices; refuse unknown fields."""
        if not isinstance(raw, dict):
            self.problem(where, "is required" if raw is None else "must be a mapping of fields")
            return None
        mine = [f for f in fields if self.version in f.versions]
        known = {f.name for f in mine}
        for key in raw:
            if key not in known:
                self.problem(f"{where}.{key}", "is not a field here")
        values = {f.name: list(f.default) if isinstance(f.default, list) else f.default
                  for f in fields if self.version not in f.versions}
        values.update({f.name: self.value(raw.get(f.name, _MISSING), f, f"{where}.{f.name}")
                       for f in mine})
        return values

    def value(self, raw: Any, spec: _Field, where: str) -> Any:
        """Convert one field's value, or note why it cannot be (and return the default)."""
        if raw is _MISSING or raw is None or (raw == "" and spec.kind == "ref"):
            if spec.required:
                self.problem(where, "is required")
            return list(spec.default) if isinstance(spec.default, list) else spec.default
        reader = getattr(self, f"_as_{spec.kind}")
        try:
            return reader(raw, spec, where)
        except ValueError as error:
            self.problem(where, str(error))
            return list(spec.default) if isinstance(spec.default, list) else spec.default

    @staticmethod
    def _as_text(raw: Any, spec: _Field, where: str) -> str:
        if not isinstance(raw, str):
            raise ValueError(f"must be text (found {_describe(raw)})")
        if spec.required and not raw.strip():
            raise ValueError("is required")
        if spec.length is not None and len(raw) > spec.length:
            raise ValueError(f"must be {spec.length} characters or fewer")
        return raw

    _as_ref = _as_text

    @staticmethod
    def _as_bool(raw: Any, spec: _Field, where: str) -> bool:
        if not isinstance(raw, bool):
            raise ValueError(f"must be true or false (found {_describe(raw)})")
        return raw

    @staticmethod
    def _as_int(raw: Any, spec: _Field, where: str) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"must be a whole number (found {_describe(raw)})")
        return raw

    @staticmethod
    def _as_date(raw: Any, spec: _Field, where: str) -> dt.date:
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw  # an unquoted date in hand-written YAML
        if isinstance(raw, str) and DATE_PATTERN.match(raw):
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                pass
        raise ValueError(f"must be a date written YYYY-MM-DD (found {_describe(raw)})")

    @staticmethod
    def _as_enum(raw: Any, spec: _Field, where: str) -> StrEnum:
        assert spec.choices is not None
        values = [member.value for member in spec.choices]
        if raw not in values:
            raise ValueError(f"must be one of {', '.join(values)} (found {_describe(raw)})")
        return spec.choices(raw)

    @staticmethod
    def _as_amount(raw: Any, spec: _Field, where: str) -> decimal.Decimal:
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            raise ValueError(f"must be an amount such as \"12000.00\" (found {_describe(raw)})")
        try:
            amount = decimal.Decimal(str(raw).strip())
        except decimal.InvalidOperation:
            raise ValueError(
                f"must be an amount such as \"12000.00\" (found {_describe(raw)})") from None
        if not amount.is_finite():
            raise ValueError(f"must be in pounds and pence (found {_describe(raw)})")
        if amount <= 0:
            raise ValueError("must be more than 0")
        if amount > LARGEST_AMOUNT:
            raise ValueError(f"must be at most {LARGEST_AMOUNT}")
        if amount != amount.quantize(PENCE, decimal.ROUND_DOWN):
            raise ValueError(f"must be in pounds and pence (found {_describe(raw)})")
        return amount.quantize(PENCE)

    def _as_texts(self, raw: Any, spec: _Field, where: str) -> list[str]:
        if not isinstance(raw, list):
            raise ValueError("must be a list")
        texts = []
        for index, item in enumerate(raw):
            if isinstance(item, str) and item.strip():
                texts.append(item)
            else:
                self.problem(f"{where}[{index}]", f"must be text (found {_describe(item)})")
        return texts

    @staticmethod
    def _as_list(raw: Any, spec: _Field, where: str) -> list[Any]:
        if not isinstance(raw, list):
            raise ValueError("must be a list")
        return raw

    def _as_agency(self, raw: Any, spec: _Field, where: str) -> str | _OtherAgency | None:
        """An agency of this partnership by name, or {partnership: slug, name: ...}."""
        if isinstance(raw, str):
            return raw or None
        if not isinstance(raw, dict):
            raise ValueError("must be an agency's name, or its partnership and name "
                             f"(found {_describe(raw)})")
        ref = self.record(raw, AGENCY_REF_FIELDS, where)
        if ref is None or not ref["partnership"] or not ref["name"]:
            return None
        if ref["partnership"] == self.slug:
            return ref["name"]
        other = self.other_partnership(ref["partnership"])
        if other is None:
            self.missing(f"{where}.partnership", ref["partnership"])
            return _OtherAgency(None)
        agency = db.session.scalars(sa.select(Agency).where(
            Agency.partnership_id == other.id, Agency.name == ref["name"])).first()
        if agency is None:
            self.problem(f"{where}.name", f"{other.name} has no agency called "
                                          f"{_describe(ref['name'])}")
        return _OtherAgency(agency)

    def other_partnership(self, slug: str) -> Partnership | None:
        """Find another partnership in the database by slug (once per slug)."""
        if slug not in self._partnerships:
            self._partnerships[slug] = db.session.scalars(
                sa.select(Partnership).where(Partnership.slug == slug)).first()
        return self._partnerships[slug]

    def partnership_named(self, name: str) -> Partnership | None:
        """Find another partnership in the database by its name (once per name)."""
        if name not in self._by_name:
            self._by_name[name] = db.session.scalars(
                sa.select(Partnership).where(Partnership.name == name)
                .order_by(Partnership.id)).first()
        return self._by_name[name]

    def period(self, values: dict[str, Any], where: str, starts: str, ends: str) -> None:
        """Refuse a period that ends before it starts."""
        if values.get(starts) and values.get(ends) and values[ends] < values[starts]:
            self.problem(f"{where}.{ends}", f"must be on or after {starts} "
                                            f"({values[starts].isoformat()})")

    def unique(self, found: dict[str, Any], name: str, where: str, what: str) -> bool:
        """Refuse a second record with the same name (ignoring case)."""
        if any(existing.casefold() == name.casefold() for existing in found):
            self.problem(where, f"there is already {what} called {_describe(name)} in the file")
            return False
        return True

    # -- sections --

    def _check_partnership(self) -> None:
        values = self.partnership
        if self.slug and not SLUG_PATTERN.match(self.slug):
            self.problem("partnership.slug", "must only include lowercase letters, numbers and "
                                             "hyphens, and start and end with a letter or number")
        elif self.slug and self.other_partnership(self.slug) is not None:
            self.problem("partnership.slug", f"a partnership with the slug {self.slug!r} is "
                                             "already in this database")
        month = values.get("year_start_month")
        if isinstance(month, int) and not 1 <= month <= 12:
            self.problem("partnership.year_start_month", "must be a month number from 1 to 12")
        for index, item in enumerate(values.pop("contact_points", None) or []):
            point = self.record(item, CONTACT_POINT_FIELDS,
                                f"partnership.contact_points[{index}]")
            if point is not None and point["label"]:
                self.contact_points.append(point)

    def _people(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        for where, raw in items:
            values = self.record(raw, PERSON_FIELDS, where)
            if values is None or not values["key"]:
                continue
            if values["key"] in self.people:
                self.problem(f"{where}.key", f"another person has the key {values['key']!r}")
                continue
            if values["agency"] is not None and values["organisation"]:
                self.problem(f"{where}.organisation",
                             "leave organisation blank when the person works for an agency")
            values["where"] = where
            self.people[values["key"]] = values

    def person(self, key: str | None, where: str) -> None:
        """Refuse a person key that no one in ``people`` has."""
        if key is not None and key not in self.people:
            self.problem(where, f"no one in people has the key {_describe(key)}")

    def _agencies(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        for where, raw in items:
            values = self.record(raw, AGENCY_FIELDS, where)
            if values is None or not values["name"]:
                continue
            self.period(values, where, "active_from", "active_to")
            self.person(values["champion"], f"{where}.champion")
            years: set[int] = set()
            contributions = []
            for index, item in enumerate(values["contributions"]):
                at = f"{where}.contributions[{index}]"
                contribution = self.record(item, CONTRIBUTION_FIELDS, at)
                if contribution is None:
                    continue
                if contribution["year"] in years:
                    self.problem(f"{at}.year", f"there is already a contribution for "
                                               f"{contribution['year']}")
                elif contribution["year"] is not None and not 1900 <= contribution["year"] <= 2200:
                    self.problem(f"{at}.year", "must be a year such as 2024")
                years.add(contribution["year"])
                contributions.append(contribution)
            values["contributions"] = contributions
            values["where"] = where
            if self.unique(self.agencies, values["name"], f"{where}.name", "an agency"):
                self.agencies[values["name"]] = values

    def _collaborations(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        for where, raw in items:
            values = self.record(raw, COLLABORATION_FIELDS, where)
            if values is None or not values["name"]:
                continue
            members: list[str] = []
            for index, slug in enumerate(values["members"]):
                at = f"{where}.members[{index}]"
                if slug in members:
                    self.problem(at, f"{slug!r} is listed twice")
                elif slug != self.slug and self.other_partnership(slug) is None:
                    self.missing(at, slug)
                members.append(slug)
            names: list[str] = []
            for index, name in enumerate(values["external_members"]):
                if name in names:
                    self.problem(f"{where}.external_members[{index}]",
                                 f"{_describe(name)} is listed twice")
                elif len(name) > 200:
                    self.problem(f"{where}.external_members[{index}]",
                                 "must be 200 characters or fewer")
                names.append(name)
            values["where"] = where
            values["existing"] = db.session.scalars(
                sa.select(Collaboration).where(Collaboration.name == values["name"])).first()
            if self.unique(self.collaborations, values["name"], f"{where}.name",
                           "a collaboration"):
                self.collaborations[values["name"]] = values

    def _bodies(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        for where, raw in items:
            values = self.record(raw, BODY_FIELDS, where)
            if values is None or not values["name"]:
                continue
            self.period(values, where, "starts_on", "ends_on")
            self.person(values["chair"], f"{where}.chair")
            members = []
            for index, item in enumerate(values["members"]):
                at = f"{where}.members[{index}]"
                member = self.record(item, MEMBER_FIELDS, at)
                if member is not None:
                    self.person(member["person"], f"{at}.person")
                    member["where"] = at
                    members.append(member)
            values["members"] = members
            values["lines"] = self._lines(values, where)
            values["where"] = where
            if self.version == 1:
                self._body_owner_v1(values, where)
            else:
                self._body_owner(values, where)
            if self.unique(self.bodies, values["name"], f"{where}.name", "a body"):
                self.bodies[values["name"]] = values

    def _lines(self, values: dict[str, Any], where: str) -> list[dict[str, Any]]:
        """Read a body's lines of accountability (version 1: its one reporting line)."""
        if self.version == 1:
            target = values.pop("reports_to", None)
            return [] if target is None else [{"kind": LineKind.REPORTS_TO, "to": target,
                                               "to_name": "", "at": f"{where}.reports_to"}]
        lines = []
        for index, item in enumerate(values["lines"]):
            at = f"{where}.lines[{index}]"
            line = self.record(item, LINE_FIELDS, at)
            if line is None:
                continue
            if line["to"] is not None and line["to_name"].strip():
                self.problem(f"{at}.to_name", "give to (a body in this file) or to_name (a "
                                              "group outside the register), not both")
                continue
            if line["to"] is None and not line["to_name"].strip():
                self.problem(f"{at}.to", "say what the line goes to: to (a body in this file) "
                                         "or to_name (a group outside the register)")
                continue
            if line["kind"] is None:
                continue
            line["at"] = f"{at}.to"
            lines.append(line)
        return lines

    def _body_owner(self, values: dict[str, Any], where: str) -> None:
        """Check a body's owner: this partnership, a collaboration, or a joint group.

        A joint group names its neighbour by name: a partnership in this database is linked
        (its copy of the group is reused), any other is kept by name.
        """
        values["existing"] = None
        values["skip"] = False
        collaboration, neighbour = values["collaboration"], values["joint_with_name"]
        if neighbour.strip():
            if collaboration is not None:
                self.problem(f"{where}.joint_with_name",
                             "a body shared by a collaboration cannot also be joint with one "
                             "partnership")
            elif values["kind"] is not None and values["kind"] not in JOINT_KINDS:
                self.problem(f"{where}.joint_with_name", "only a task and finish group can be "
                                                         "run jointly with another partnership")
            elif neighbour == self.partnership.get("name"):
                self.problem(f"{where}.joint_with_name", "a body cannot be run jointly with its "
                                                         "own partnership")
            else:
                other = self.partnership_named(neighbour)
                if other is not None:
                    values["existing"] = next(
                        (b for b in other.bodies if b.name == values["name"]), None)
        self._shared_body(values, where)

    def _shared_body(self, values: dict[str, Any], where: str) -> None:
        """Find a shared body the collaboration already has (reused, not duplicated)."""
        collaboration = values["collaboration"]
        if collaboration is None:
            return
        found = self.collaborations.get(collaboration)
        if found is None:
            self.problem(f"{where}.collaboration",
                         f"no collaboration called {_describe(collaboration)} in collaborations")
        elif found["existing"] is not None:
            values["existing"] = next((b for b in found["existing"].bodies
                                       if b.name == values["name"]), None)

    def _body_owner_v1(self, values: dict[str, Any], where: str) -> None:
        """Version 1: a body run by another partnership (owned_by) or joint with one, by slug."""
        values["existing"] = None
        values["skip"] = False
        collaboration, owner = values["collaboration"], values.pop("owned_by", None)
        joint = values.pop("joint_with", None)
        if collaboration is not None and owner is not None:
            self.problem(f"{where}.owned_by",
                         "a body belongs to a collaboration or to a partnership, not both")
            return
        if joint is not None and values["kind"] is not None and values["kind"] not in JOINT_KINDS:
            self.problem(f"{where}.joint_with", "only a task and finish group can be run "
                                                "jointly with another partnership")
        elif joint is not None and collaboration is not None:
            self.problem(f"{where}.joint_with", "a body shared by a collaboration cannot also "
                                                "be joint with one partnership")
        elif joint is not None and joint == self.slug and owner is None:
            self.problem(f"{where}.joint_with", "a body cannot be run jointly with its own "
                                                "partnership")
        elif joint is not None and joint != self.slug:
            other = self.other_partnership(joint)
            if other is not None:
                values["joint_with_name"] = other.name
            else:
                self.missing(f"{where}.joint_with", joint)
        if owner is not None:
            if owner == self.slug:
                self.problem(f"{where}.owned_by", "leave owned_by empty for this partnership's "
                                                  "own bodies")
                return
            other = self.other_partnership(owner)
            if other is None:
                self.missing(f"{where}.owned_by", owner)
                values["skip"] = True
                return
            values["joint_with_name"] = other.name
            values["existing"] = next((b for b in other.bodies if b.name == values["name"]),
                                      None)
            if values["existing"] is None:
                self.problem(f"{where}.name", f"{other.name} has no body called "
                                              f"{_describe(values['name'])}")
            return
        self._shared_body(values, where)

    def _partners(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        kinds: list[PartnerKind] = []
        for where, raw in items:
            values = self.record(raw, PARTNER_FIELDS, where)
            if values is None or values["kind"] is None:
                continue
            kinds.append(values["kind"])
            values["names"] = self._dated(values["names"], NAME_FIELDS, f"{where}.names")
            values["representatives"] = self._dated(
                values["representatives"], REPRESENTATIVE_FIELDS, f"{where}.representatives")
            self._one_at_a_time(values["names"], "name")
            for representative in values["representatives"]:
                self.person(representative["person"], f"{representative['where']}.person")
                if representative["person"] is None and not representative["title"].strip():
                    self.problem(f"{representative['where']}.title",
                                 "give the post (title) when no person is named")
            self._one_at_a_time([r for r in values["representatives"]
                                 if r["capacity"] is Capacity.LEAD], "lead")
            self.partners.append(values)
        missing = [k.value for k in PartnerKind if k not in kinds]
        doubled = sorted({k.value for k in kinds if kinds.count(k) > 1})
        if missing or doubled:
            told = [f"{', '.join(missing)} missing"] if missing else []
            told += [f"{', '.join(doubled)} more than once"] if doubled else []
            self.problem("partners", "must list exactly three partners, one of each kind "
                                     f"(local_authority, health, police): {'; '.join(told)}")

    def _one_at_a_time(self, rows: list[dict[str, Any]], what: str) -> None:
        """Refuse dated rows that overlap where a partner has one at a time."""
        for number, row in enumerate(rows):
            for other in rows[number + 1:]:
                if periods_overlap((row["valid_from"], row["valid_to"]),
                                   (other["valid_from"], other["valid_to"])):
                    self.problem(f"{other['where']}.valid_from",
                                 f"overlaps {row['where']}: a partner has one {what} at a time")

    def _dated(self, raw: list[Any], fields: tuple[_Field, ...], base: str) -> list[dict[str, Any]]:
        rows = []
        for index, item in enumerate(raw):
            where = f"{base}[{index}]"
            values = self.record(item, fields, where)
            if values is None:
                continue
            self.period(values, where, "valid_from", "valid_to")
            values["where"] = where
            rows.append(values)
        return rows

    def _scrutineers(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        for where, raw in items:
            values = self.record(raw, SCRUTINEER_FIELDS, where)
            if values is None:
                continue
            self.person(values["person"], f"{where}.person")
            self.period(values, where, "valid_from", "valid_to")
            if self.version == 1:
                values["kind"] = ScrutinyKind.PERSON
            elif values["kind"] is ScrutinyKind.ORGANISATION and not values["organisation"].strip():
                self.problem(f"{where}.organisation", "is required when kind is organisation")
            if values["whole_partnership"] and (values["scope"].strip() or values["bodies"]):
                self.problem(f"{where}.whole_partnership", "leave scope and bodies empty for a "
                                                           "scrutineer of the whole partnership")
            elif not values["whole_partnership"] and not (values["scope"].strip()
                                                          or values["bodies"]):
                self.problem(f"{where}.scope", "say which priorities or bodies this scrutineer "
                                               "covers")
            for number, name in enumerate(values["bodies"]):
                if name not in self.bodies:
                    self.problem(f"{where}.bodies[{number}]",
                                 f"no body called {_describe(name)} in bodies")
                elif values["bodies"].index(name) != number:
                    self.problem(f"{where}.bodies[{number}]", f"{name!r} is listed twice")
            if values["is_chair"]:
                for other in self.scrutineers:
                    if other["is_chair"] and periods_overlap(
                            (values["valid_from"], values["valid_to"]),
                            (other["valid_from"], other["valid_to"])):
                        self.problem(f"{where}.is_chair", f"{other['where']} is the chair on "
                                                          "the same dates: one chair at a time")
                # Version 2 records the partnership chair as an appointment.
                self.appointments.append({
                    "role": AppointmentRole.PARTNERSHIP_CHAIR, "post": "",
                    "person": values["person"], "agency": None, "partner": None,
                    "independent": True, "valid_from": values["valid_from"],
                    "valid_to": values["valid_to"], "notes": "", "where": where})
            values["where"] = where
            self.scrutineers.append(values)

    def _appointments(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        for where, raw in items:
            values = self.record(raw, APPOINTMENT_FIELDS, where)
            if values is None:
                continue
            self.person(values["person"], f"{where}.person")
            self.period(values, where, "valid_from", "valid_to")
            if values["person"] is None and not values["post"].strip():
                self.problem(f"{where}.post", "give the post, the person, or both")
            if values["agency"] is not None and values["partner"] is not None:
                self.problem(f"{where}.partner", "give an agency or a partner, not both")
            values["where"] = where
            if values["role"] is AppointmentRole.PARTNERSHIP_CHAIR:
                for other in self.appointments:
                    if other["role"] is AppointmentRole.PARTNERSHIP_CHAIR and periods_overlap(
                            (values["valid_from"], values["valid_to"]),
                            (other["valid_from"], other["valid_to"])):
                        self.problem(f"{where}.valid_from", f"overlaps {other['where']}: a "
                                                            "partnership has one chair at a time")
            self.appointments.append(values)

    def _establishments(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        urns: set[str] = set()
        for where, raw in items:
            values = self.record(raw, ESTABLISHMENT_FIELDS, where)
            if values is None or not values["urn"]:
                continue
            if values["urn"] in urns:
                self.problem(f"{where}.urn", f"another establishment has the URN "
                                             f"{_describe(values['urn'])}")
                continue
            urns.add(values["urn"])
            values["where"] = where
            self.establishments.append(values)

    def _narrative(self, raw: Any) -> None:
        if raw is None:
            return
        self.narrative, problems = _narrative_store().check(raw)
        for location, message in problems:
            self.problem(location, message)

    # -- references between sections --

    def _resolve_people(self) -> None:
        for values in self.people.values():
            self.agency(values, "agency", values["where"], groups=False)

    def agency(self, values: dict[str, Any], name: str, where: str, *, groups: bool = True) -> None:
        """Refuse an agency name that is not in agencies (another partnership's is checked)."""
        ref = values.get(name)
        if isinstance(ref, str):
            if ref not in self.agencies:
                self.problem(f"{where}.{name}", f"no agency called {_describe(ref)} in agencies")
            elif not groups and self.agencies[ref]["is_group"]:
                self.problem(f"{where}.{name}", f"{ref!r} is a group of agencies, not an agency")

    def _resolve_agencies(self) -> None:
        for name, values in self.agencies.items():
            where, group = values["where"], values["group"]
            if group is None:
                continue
            if group == name:
                self.problem(f"{where}.group", "an agency cannot be its own group")
            elif group not in self.agencies:
                self.problem(f"{where}.group", f"no agency called {_describe(group)} in agencies")
            elif not self.agencies[group]["is_group"]:
                self.problem(f"{where}.group", f"{group!r} is not a group of agencies "
                                               "(is_group is false)")
            elif values["is_group"]:
                self.problem(f"{where}.group", "a group of agencies cannot be inside another "
                                               "group")

    def _resolve_bodies(self) -> None:
        for values in self.appointments:
            self.agency(values, "agency", values["where"])
        for values in self.establishments:
            self.agency(values, "agency", values["where"])
        for name, values in self.bodies.items():
            where = values["where"]
            self.agency(values, "chair_agency", where)
            for member in values["members"]:
                self.agency(member, "agency", member["where"])
            for line in values["lines"]:
                target = line["to"]
                if target is None:
                    continue
                if target == name:
                    self.problem(line["at"], "a body cannot report to itself")
                elif target not in self.bodies:
                    self.problem(line["at"], f"no body called {_describe(target)} in bodies")
        self._refuse_circles()

    def parent(self, name: str) -> str | None:
        """The body a body sits under: its first reports_to or accountable_to line to a body."""
        for line in self.bodies[name]["lines"]:
            if line["kind"].places_in_structure and line["to"] in self.bodies:
                return str(line["to"])
        return None

    def _refuse_circles(self) -> None:
        """Refuse reporting lines that lead back to where they started."""
        in_circle: set[str] = set()
        for name in self.bodies:
            if name in in_circle:
                continue
            chain, following = [name], self.parent(name)
            while following is not None and following not in chain:
                chain.append(following)
                following = self.parent(following)
            if following == name and len(chain) > 1:
                in_circle.update(chain)
                first = next(line for line in self.bodies[name]["lines"]
                             if line["to"] == chain[1])
                self.problem(first["at"].removesuffix(".to"),
                             "reporting lines go round in a circle: "
                             + f" {ARROW} ".join([*chain, name]))


# --- import: building the records -----------------------------------------------------------


class _Build:
    """Create the checked register as records in the session, reusing what already exists."""

    def __init__(self, check: _Check) -> None:
        self.check = check
        self.partnership = Partnership(**check.partnership)
        self.partnership.contact_points = [
            ContactPoint(position=position, **{k: v for k, v in point.items() if k != "where"})
            for position, point in enumerate(check.contact_points)]
        self.people: dict[str, Person] = {}
        self.agencies: dict[str, Agency] = {}
        self.bodies: dict[str, Body] = {}
        self.collaborations: dict[str, Collaboration] = {}
        self.joined: list[tuple[Collaboration, list[Partnership]]] = []
        self.matched: dict[str, Person] = {}

    def run(self) -> Partnership:
        """Build everything; champions go in after a flush (Person and Agency form a cycle)."""
        check, partnership = self.check, self.partnership
        db.session.add(partnership)
        self.matched = self._people_in_existing_bodies()
        self._collaborations()
        self._agencies()
        partnership.partners = [self._partner(values) for values in check.partners]
        self._bodies()
        for values in check.appointments:
            partnership.appointments.append(Appointment(
                role=values["role"], post=values["post"], person=self.person(values["person"]),
                agency=self.agency(values["agency"]), partner=self.partner(values["partner"]),
                **{k: values[k] for k in ("independent", "valid_from", "valid_to", "notes")}))
        for values in check.scrutineers:
            bodies = [self.bodies[name] for name in values["bodies"] if name in self.bodies]
            partnership.scrutineers.append(Scrutineer(
                person=self.person(values["person"]), bodies=bodies,
                **{k: values[k] for k in ("kind", "organisation", "post", "whole_partnership",
                                          "scope",
                                          "appointed_by", "valid_from", "valid_to")}))
        for values in check.establishments:
            db.session.add(Establishment(
                partnership=partnership, agency=self.agency(values["agency"]),
                **{k: values[k] for k in ("urn", "name", "phase", "kind", "local_authority")}))
        _narrative_store().add(partnership, check.narrative)
        champions = {name: self.person(values["champion"])
                     for name, values in check.agencies.items() if values["champion"]}
        self._link_people_to_agencies()
        db.session.flush()
        for name, champion in champions.items():
            self.agencies[name].champion = champion
        for collaboration, before in self.joined:
            record_membership_change(collaboration, "partnerships", before,
                                     list(collaboration.partnerships))
        return partnership

    def partner(self, kind: PartnerKind | None) -> StatutoryPartner | None:
        """Return this partnership's statutory partner of a kind."""
        if kind is None:
            return None
        return next((p for p in self.partnership.partners if p.kind is kind), None)

    def agency(self, ref: str | _OtherAgency | None) -> Agency | None:
        """Return the agency a checked reference names (None if it was left out)."""
        if isinstance(ref, _OtherAgency):
            return ref.agency
        return None if ref is None else self.agencies[ref]

    def _collaborations(self) -> None:
        """Reuse collaborations already in the database (joining them), else create them."""
        check = self.check
        for name, values in check.collaborations.items():
            collaboration: Collaboration | None = values["existing"]
            if collaboration is None:
                others = [check.other_partnership(slug) for slug in values["members"]
                          if slug != check.slug]
                named = {n: check.partnership_named(n) for n in values["external_members"]}
                others += [p for p in named.values() if p is not None]
                collaboration = Collaboration(
                    name=name, short_name=values["short_name"], description=values["description"],
                    independently_chaired=values["independently_chaired"],
                    partnerships=list(dict.fromkeys(p for p in others if p is not None)),
                    external_members=[n for n, p in named.items() if p is None])
                db.session.add(collaboration)
            else:
                if check.slug in values["members"]:
                    self.joined.append((collaboration, list(collaboration.partnerships)))
                self._fill_neighbours(collaboration, values["external_members"])
            if check.slug in values["members"]:
                collaboration.partnerships.append(self.partnership)
            self.collaborations[name] = collaboration

    def _fill_neighbours(self, collaboration: Collaboration, names: list[str]) -> None:
        """A reused collaboration: this partnership is no longer a neighbour kept by name,
        and neighbours it lacks are added by name."""
        own = self.partnership.name
        members = {p.name for p in collaboration.partnerships}
        kept = [n for n in collaboration.external_members or [] if n != own]
        kept += [n for n in names if n != own and n not in members and n not in kept]
        if kept != list(collaboration.external_members or []):
            collaboration.external_members = kept

    def person(self, key: str | None) -> Person | None:
        """Return the person a key names: one already in the database, or a new one.

        People are created only when something refers to them, so a record left out (a
        neighbour's joint group, say) leaves no one behind with nothing to do.
        """
        if key is None:
            return None
        if key not in self.people:
            values = self.check.people[key]
            taken = set(self.people.values())
            person = self.matched.get(key)
            email = values["email"].strip().lower()
            if person is None and email:
                person = db.session.scalars(
                    sa.select(Person).where(Person.name == values["name"],
                                            sa.func.lower(Person.email) == email)
                    .order_by(Person.id)).first()
            if person is None or person in taken:
                person = Person(**{k: values[k] for k in (
                    "name", "job_title", "organisation", "email", "phone")})
                db.session.add(person)
            self.people[key] = person
        return self.people[key]

    def _link_people_to_agencies(self) -> None:
        """Say which agency each person works for (people found in the database keep theirs)."""
        for key in self.matched:  # the people of reused bodies, even if nothing new names them
            self.person(key)
        for key, person in self.people.items():
            if person.agency is None and not person.organisation:
                person.agency = self.agency(self.check.people[key]["agency"])

    def _people_in_existing_bodies(self) -> dict[str, Person]:
        """Pair people named in reused bodies with the people those bodies already have."""
        matched: dict[str, Person] = {}

        def pair(key: str | None, person: Person | None) -> None:
            if key is None or person is None or key in matched:
                return
            if self.check.people[key]["name"] == person.name and person not in matched.values():
                matched[key] = person

        for values in self.check.bodies.values():
            body: Body | None = values["existing"]
            if body is None:
                continue
            pair(values["chair"], body.chair)
            for member, row in _paired_members(values["members"], body.members):
                if row is not None:
                    pair(member["person"], row.person)
        return matched

    def _agencies(self) -> None:
        """Create the agencies with their contributions, then put them in their groups."""
        for name, values in self.check.agencies.items():
            self.agencies[name] = Agency(
                name=name, sector=values["sector"],
                is_group=values["is_group"], reason_included=values["reason_included"],
                notes=values["notes"], active_from=values["active_from"],
                active_to=values["active_to"],
                contributions=[Contribution(year=c["year"], amount=c["amount"])
                               for c in values["contributions"]])
            self.agencies[name].basis = values["basis"]
            self.agencies[name].duty_from = values["duty_from"]
            self.partnership.agencies.append(self.agencies[name])
        for name, values in self.check.agencies.items():
            if values["group"] is not None:
                self.agencies[name].group = self.agencies[values["group"]]

    def _partner(self, values: dict[str, Any]) -> StatutoryPartner:
        return StatutoryPartner(
            kind=values["kind"],
            names=[PartnerName(name=n["name"], valid_from=n["valid_from"],
                               valid_to=n["valid_to"]) for n in values["names"]],
            representatives=[Representative(
                person=self.person(r["person"]), capacity=r["capacity"], title=r["title"],
                valid_from=r["valid_from"], valid_to=r["valid_to"])
                for r in values["representatives"]])

    def _bodies(self) -> None:
        """Create new bodies in file order; reuse bodies already there, filling their gaps."""
        check = self.check
        placed: Counter[str] = Counter()
        for name, values in check.bodies.items():
            if values["skip"]:
                continue
            if values["existing"] is not None:
                self.bodies[name] = values["existing"]
                continue
            body = self.bodies[name] = self._new_body(name, values)
            db.session.add(body)
            owner = values["collaboration"]
            if owner is None:
                body.position = placed[""]
                body.partnership = self.partnership
            else:
                collaboration = self.collaborations[owner]
                body.position = placed[owner] + max(
                    (b.position + 1 for b in collaboration.bodies), default=0)
                body.collaboration = collaboration
            placed[owner or ""] += 1
        for name, body in self.bodies.items():
            values = check.bodies[name]
            if values["existing"] is None:
                body.lines = self._lines(values)
            else:
                self._fill_gaps(body, values)

    def _lines(self, values: dict[str, Any]) -> list[AccountabilityLine]:
        """Build a body's lines (a line to a body that was left out is left out too)."""
        lines = []
        for line in values["lines"]:
            target = self.bodies.get(line["to"]) if line["to"] is not None else None
            if line["to"] is not None and target is None:
                continue
            lines.append(AccountabilityLine(kind=line["kind"], to_body=target,
                                            to_name="" if target else line["to_name"],
                                            position=len(lines)))
        return lines

    def _neighbour(self, name: str) -> tuple[Partnership | None, str]:
        """A joint group's neighbour: the partnership in the database, or its name alone."""
        other = self.check.partnership_named(name) if name.strip() else None
        return other, "" if other is not None else name

    def _new_body(self, name: str, values: dict[str, Any]) -> Body:
        joint_with, joint_with_name = self._neighbour(values["joint_with_name"])
        return Body(
            name=name, kind=values["kind"], frequency=values["frequency"],
            joint_with=joint_with, joint_with_name=joint_with_name,
            chair=self.person(values["chair"]),
            chair_agency=self.agency(values["chair_agency"]),
            chair_partner=self.partner(values["chair_partner"]),
            members=[BodyMember(agency=self.agency(m["agency"]), role=m["role"],
                                partner=self.partner(m["partner"]),
                                person=self.person(m["person"]), kind=m["kind"])
                     for m in values["members"]],
            **{k: values[k] for k in ("short_name", "purpose", "objectives", "chair_post",
                                      "chair_independent", "chair_appointment",
                                      "frequency_note", "decision_rule", "starts_on",
                                      "ends_on")})

    def _fill_gaps(self, body: Body, values: dict[str, Any]) -> None:
        """Fill links an existing body lacks (left out by an earlier import) from the file."""
        fills: dict[str, Callable[[], Any]] = {
            "chair": lambda: self.person(values["chair"]),
            "chair_agency": lambda: self.agency(values["chair_agency"]),
            "chair_partner": lambda: self.partner(values["chair_partner"])}
        for attribute, value in fills.items():
            if getattr(body, attribute) is None:
                setattr(body, attribute, value())
        neighbour = values["joint_with_name"]
        if (neighbour and body.partnership is not None and body.joint_with is None
                and body.partnership.name == neighbour):
            body.joint_with, body.joint_with_name = self.partnership, ""  # a joint group
        present = {(line.kind, line.to_body, line.to_name) for line in body.lines}
        for line in self._lines(values):
            if (line.kind, line.to_body, line.to_name) not in present:
                body.lines.append(line)
        for position, line in enumerate(body.lines):
            line.position = position
        for member, row in _paired_members(values["members"], body.members):
            if row is None:
                continue
            if row.agency is None:
                row.agency = self.agency(member["agency"])
            if row.partner is None:
                row.partner = self.partner(member["partner"])
            if row.person is None:
                row.person = self.person(member["person"])


def _paired_members(members: list[dict[str, Any]], rows: Iterable[BodyMember],
                    ) -> Iterator[tuple[dict[str, Any], BodyMember | None]]:
    """Pair the file's members of a body with its existing rows by role and kind, in order."""
    free = sorted(rows, key=lambda row: row.id or 0)
    for member in members:
        row = next((r for r in free if r.role == member["role"] and r.kind == member["kind"]),
                   None)
        if row is not None:
            free.remove(row)
        yield member, row


# --- comparing two registers ----------------------------------------------------------------

# Long text is said sentence by sentence: what was added, removed or reworded.
LONG_TEXT = {"area", "purpose", "reason_included", "notes", "description", "scope", "text"}
SINGULAR = {"objectives": "objective", "members": "member", "contributions": "contribution",
            "names": "name", "bodies": "body"}


def compare_registers(old: dict[str, Any], new: dict[str, Any]) -> list[RegisterChange]:
    """List what was added, removed or changed from one register to another."""
    before, after = _Comparable(old), _Comparable(new)
    changes: list[RegisterChange] = []
    for section in SECTIONS:
        old_records, new_records = before.section(section), after.section(section)
        for name in new_records.keys() - old_records.keys():
            changes.append(RegisterChange(section, "added", name))
        for name in old_records.keys() - new_records.keys():
            changes.append(RegisterChange(section, "removed", name))
        for name in new_records.keys() & old_records.keys():
            details = _differences(old_records[name], new_records[name])
            if details:
                changes.append(RegisterChange(section, "changed", name, tuple(details)))
    return sorted(changes, key=lambda c: (SECTIONS.index(c.section), c.name.casefold(), c.name,
                                          CHANGES.index(c.change)))


CODE_PATTERN = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")  # a stored choice, e.g. six_weekly


def _shown(value: Any) -> str:
    """Show a register value as a reader says it: dates in words, choices without
    underscores ("six weekly"), "not set" for nothing."""
    if value is None or value == "":
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if DATE_PATTERN.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return text
        return long_date(day)
    if CODE_PATTERN.match(text):
        return text.replace("_", " ")
    return text


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Say how one record's fields differ: "frequency: quarterly → monthly"."""
    details: list[str] = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        label = key.replace("_", " ")
        one = SINGULAR.get(key, label)
        if isinstance(old, dict) or isinstance(new, dict):
            old, new = old or {}, new or {}
            details += [f"{one} added: {item} ({new[item]})" for item in new if item not in old]
            details += [f"{one} removed: {item} ({old[item]})" for item in old if item not in new]
            details += [f"{one} {item}: {_shown(old[item])} {ARROW} {_shown(new[item])}"
                        for item in new if item in old and old[item] != new[item]]
        elif isinstance(old, list) or isinstance(new, list):
            old, new = list(old or []), list(new or [])
            found = [f"{one} added: {item}" for item in new if item not in old]
            found += [f"{one} removed: {item}" for item in old if item not in new]
            details += found or [f"{label}: order changed"]
        elif key in LONG_TEXT:  # the sentences added, removed or reworded, quoted
            said = sentence_changes(str(old or ""), str(new or ""))
            prefix = "" if key == "text" else f"{label}: "
            details += [prefix + line for line in said] or [f"{label} changed (spacing only)"]
        else:
            details.append(f"{label}: {_shown(old)} {ARROW} {_shown(new)}")
    return details


def _kind_label(kind: Any) -> str:
    try:
        return PartnerKind(kind).label.split(" (")[0]
    except ValueError:
        return str(kind)


def _numbered(found: dict[str, Any], name: str) -> str:
    number, candidate = 1, name
    while candidate in found:
        number += 1
        candidate = f"{name} [{number}]"
    return candidate


class _Comparable:
    """One register's records as {name: {field: value}} per section, people by name."""

    def __init__(self, data: Any) -> None:
        self.data = data if isinstance(data, dict) else {}
        self.names = {p.get("key"): p.get("name") or p.get("key") for p in self.rows("people")}

    def rows(self, name: str, within: Any = None) -> list[dict[str, Any]]:
        """Return the mappings in a list of the register (or of ``within``)."""
        source = self.data if within is None else within
        return [item for item in source.get(name) or [] if isinstance(item, dict)]

    def section(self, name: str) -> dict[str, dict[str, Any]]:
        """Return one section's records by name."""
        found: dict[str, dict[str, Any]] = getattr(self, f"_{name}")()
        return found

    def person(self, key: Any) -> str | None:
        """Name the person with this key."""
        return None if key is None else str(self.names.get(key, key))

    @staticmethod
    def agency(ref: Any) -> str | None:
        """Name an agency, with its partnership when it is another partnership's."""
        if isinstance(ref, dict):
            return f"{ref.get('name')} ({ref.get('partnership')})"
        return ref

    def _partnership(self) -> dict[str, dict[str, Any]]:
        values = self.data.get("partnership")
        if not isinstance(values, dict):
            return {}
        # Keyed by a fixed name so that renaming the partnership is a change, not add + remove.
        found = dict(values)
        if "contact_points" in found:
            found["contact_points"] = [
                " ".join(str(p.get(k)) for k in ("label", "email", "phone", "url", "address")
                         if p.get(k)) for p in self.rows("contact_points", values)]
        return {"Partnership details": found}

    def _partners(self) -> dict[str, dict[str, Any]]:
        def period(row: dict[str, Any]) -> str:
            return f"{row.get('valid_from') or '…'} to {row.get('valid_to') or 'now'}"

        return {_kind_label(partner.get("kind")): {"names": {
            str(row.get("name")): period(row) for row in self.rows("names", partner)}}
            for partner in self.rows("partners")}

    def _representatives(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for partner in self.rows("partners"):
            kind = _kind_label(partner.get("kind"))
            for row in self.rows("representatives", partner):
                who = self.person(row.get("person")) or row.get("title") or "Not named"
                name = f"{who} ({kind}, {row.get('capacity')})"
                found[_numbered(found, name)] = {
                    k: row.get(k) for k in ("title", "valid_from", "valid_to")}
        return found

    def _appointments(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for row in self.rows("appointments"):
            who = self.person(row.get("person")) or row.get("post") or "Not named"
            values = {k: v for k, v in row.items() if k not in ("role", "person")}
            values["agency"] = self.agency(row.get("agency"))
            found[_numbered(found, f"{who} ({str(row.get('role')).replace('_', ' ')})")] = values
        return found

    def _establishments(self) -> dict[str, dict[str, Any]]:
        return {f"{row.get('name')} ({row.get('urn')})": {
            k: v for k, v in row.items() if k not in ("name", "urn")}
            for row in self.rows("establishments")}

    def _agencies(self) -> dict[str, dict[str, Any]]:
        found = {}
        for agency in self.rows("agencies"):
            values = {k: v for k, v in agency.items() if k not in ("name", "contributions")}
            values["champion"] = self.person(agency.get("champion"))
            values["contributions"] = {str(c.get("year")): c.get("amount")
                                       for c in self.rows("contributions", agency)}
            found[str(agency.get("name"))] = values
        return found

    def _bodies(self) -> dict[str, dict[str, Any]]:
        found = {}
        for body in self.rows("bodies"):
            values = {k: v for k, v in body.items() if k != "name"}
            values["chair"] = self.person(body.get("chair"))
            values["chair_agency"] = self.agency(body.get("chair_agency"))
            values["members"] = [self._member(m) for m in self.rows("members", body)]
            lines = self.rows("lines", body)
            if "reports_to" in values:  # a version 1 register: its one reporting line
                target = values.pop("reports_to")
                lines = [{"kind": "reports_to", "to": target}] if target else []
            values["lines"] = [
                f"{str(line.get('kind')).replace('_', ' ')} "
                f"{line.get('to') or line.get('to_name')}" for line in lines]
            found[str(body.get("name"))] = values
        return found

    def _member(self, member: dict[str, Any]) -> str:
        who = [part for part in (self.agency(member.get("agency")),
                                 self.person(member.get("person"))) if part]
        if member.get("partner"):
            who.insert(0, _kind_label(member.get("partner")))
        co_opted = ", co-opted" if member.get("kind") == MemberKind.CO_OPTED.value else ""
        return f"{member.get('role')} ({', '.join(who) or 'no agency'}{co_opted})"

    def _scrutineers(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for scrutineer in self.rows("scrutineers"):
            values = {k: v for k, v in scrutineer.items()
                      if k not in ("person", "organisation", "post", "is_chair")}
            values.setdefault("kind", ScrutinyKind.PERSON.value)  # version 1 had only people
            who = (self.person(scrutineer.get("person")) or scrutineer.get("post")
                   or scrutineer.get("organisation") or "Commissioned scrutiny")
            found[_numbered(found, str(who))] = values
        return found

    def _collaborations(self) -> dict[str, dict[str, Any]]:
        return {str(c.get("name")): {k: v for k, v in c.items() if k != "name"}
                for c in self.rows("collaborations")}

    def _narrative(self) -> dict[str, dict[str, Any]]:
        return _narrative_store().compare(self.data.get("narrative"))
