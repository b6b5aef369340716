"""The yearly report as a document: one standalone HTML page, in the app and as a tagged PDF.

The document is made from a :class:`~partnership.reports.content.ReportDocument`: a live
draft, or the dict a published report keeps as its snapshot. Both go through
``dataclasses.asdict`` first, so everything below reads plain dicts. This module turns the
figures into what a reader wants: sentences that say what the numbers mean, the part each
chart belongs to (drawn as inline SVG, with its table), the team's narrative rendered from
Markdown, and the contents. The template (``templates/reports/document.html``) lays it out;
``static/css/document.css`` (shared with the other documents) and
``static/css/report-document.css`` style it on screen and on paper.

In the app the figures link to the records behind them; the PDF carries no links into the
app and fetches nothing: the charts are inline and the stylesheets come through the
renderer's restricted fetcher.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from markupsafe import Markup

from partnership.documents import pdf
from partnership.documents.charts import ChartTable, chart_table, drawn
from partnership.documents.markdown import render_markdown
from partnership.documents.renders import document_builder
from partnership.documents.styles import stylesheet_urls
from partnership.extensions import db
from partnership.kernel.numbers import percent_words, pounds
from partnership.kernel.words import capital, in_words, plural, times
from partnership.publishing.documents import paper_words
from partnership.reports import services
from partnership.reports.content import ReportDocument
from partnership.reports.models import YearlyReport
from partnership.reports.services import report_date as long_date

STYLESHEETS = ("css/document.css", "css/report-document.css")
RAPID_REVIEW_LIMIT = 15  # working days (Working Together)

# The eight parts, in the order the report prints them: (key, heading).
PARTS = (
    ("activities", "Summary of activities"),
    ("reviews", "Child safeguarding practice reviews"),
    ("impact", "Evidence of impact"),
    ("progress", "Little or no progress"),
    ("recommendations", "Decisions and actions on review recommendations"),
    ("feedback", "Feedback from children and families"),
    ("assessment", "The independent scrutineer's assessment"),
    ("changes", "Changes to the arrangements"),
)
PART_KEYS = frozenset(key for key, _ in PARTS)
# Where a chart goes when its key does not start with a part's key ("progress-rag"...).
CHART_WORDS = (
    ("attendance", "activities"), ("meeting", "activities"), ("activit", "activities"),
    ("timel", "reviews"), ("rapid", "reviews"), ("review", "reviews"),
    ("impact", "impact"), ("training", "impact"),
    ("rag", "progress"), ("rating", "progress"), ("progress", "progress"),
    ("recommendation", "recommendations"), ("feedback", "feedback"),
    ("arrangement", "changes"), ("change", "changes"),
)
SAFE_LINK = re.compile(r"^/(?![/\\])[\w\-./~%?=&#+:]*$")
WEB_LINK = re.compile(r"^https?://[^\s\"'<>\\]+$", re.IGNORECASE)


@dataclass(frozen=True)
class ReportChart:
    """A chart ready to print: the drawing, its caption and its data table."""

    anchor: str
    title: str
    summary: str
    svgs: list[Markup]  # one drawing, or a long bar chart in parts on one scale
    table: ChartTable
    own_table: bool  # the part's own table, printed next, gives the chart's figures


@dataclass
class Part:
    """One of the eight parts: its heading, the team's narrative, and what the data says."""

    number: int
    key: str
    title: str
    anchor: str
    narrative: Markup | None
    missing: str
    sentences: list[str] = field(default_factory=list)
    charts: list[ReportChart] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """Return the numbered heading ("1. Summary of activities")."""
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class ContentsEntry:
    """A line of the contents list."""

    anchor: str
    title: str


# --- small helpers for sentences ------------------------------------------------------------


def as_dict(document: ReportDocument | Mapping[str, Any]) -> dict[str, Any]:
    """Return the document as plain dicts and lists (a snapshot is already one)."""
    if dataclasses.is_dataclass(document) and not isinstance(document, type):
        return dataclasses.asdict(document)
    return dict(document)


def were(count: int) -> str:
    """Return "was" or "were" for a count."""
    return "was" if count == 1 else "were"


def with_the(name: str) -> str:
    """Put "the" before a body's name unless it already has it."""
    return name if name.lower().startswith("the ") else f"the {name}"


def safe_link(link: str | None) -> str:
    """Return an app path fit for an ``href`` ("" for anything that is not one)."""
    return link if link and SAFE_LINK.match(link) else ""


def web_link(url: str | None) -> str:
    """Return an http(s) address fit for an ``href`` ("" for anything else)."""
    return url if url and WEB_LINK.match(url) else ""


# --- what each part says in words -----------------------------------------------------------


def activities_sentences(a: Mapping[str, Any], period: str) -> list[str]:
    """Say what the partnership did: meetings, attendance, actions, reviews, arrangements."""
    sentences = []
    bodies = [b for b in a["meetings"] if b["held"] or b["cancelled"]]
    held = a["meetings_held"]
    if bodies:
        first = with_the(bodies[0]["body"])
        others = len(bodies) - 1
        who = capital(first) if not others else (
            f"{capital(first)} and {plural(others, 'other group')}")
        decisions = a["decisions"]
        said = f"{who} met {times(held)} {period}" if held else (
            f"{who} held no meetings {period}")
        if held and decisions:
            said += f", recording {plural(decisions, 'decision')}"
        cancelled = sum(b["cancelled"] for b in bodies)
        if cancelled:
            said += f"; {plural(cancelled, 'meeting')} {were(cancelled)} cancelled"
        sentences.append(said + ".")
    if a["attendance_percent"] is not None:
        sentences.append(f"Agencies attended {a['attendance_percent']}% of the meetings they "
                         "were expected at.")
    if a["actions_live"]:
        sentences.append(
            f"Of the {plural(a['actions_live'], 'business-plan action')} for the year, "
            f"{a['actions_completed']:,} {were(a['actions_completed'])} completed in the "
            "period.")
    reviews = []
    if a["rapid_reviews"]:
        reviews.append(f"completed {plural(a['rapid_reviews'], 'Rapid Review')}")
    if a["local_reviews"]:
        local = plural(a["local_reviews"], "local child safeguarding practice review")
        reviews.append(f"had {local} under way")
    if a["national_referrals"]:
        reviews.append(f"referred {plural(a['national_referrals'], 'case')} for a national "
                       "review")
    if a["learning_reviews"]:
        reviews.append(f"took in the learning of {plural(a['learning_reviews'], 'review')} "
                       "from elsewhere")
    if reviews:
        sentences.append(f"The partnership {in_words(reviews)}.")
    if a["arrangements_published"]:
        count = a["arrangements_published"]
        sentences.append(f"It published {plural(count, 'new version')} of its local "
                         "safeguarding arrangements.")
    return sentences


def participation_sentences(a: Mapping[str, Any]) -> list[str]:
    """Say how agencies, and education in particular, took part beyond meetings."""
    sectors = a.get("sectors") or []
    if not sectors:
        return []
    sentences = []
    asked = sum(s["assessments_asked"] for s in sectors)
    returned = sum(s["assessments_returned"] for s in sectors)
    if asked:
        sentences.append(f"{plural(returned, 'self-assessment return')} came back of the "
                         f"{asked:,} asked for ({percent_words(returned, asked)}).")
    audits_asked = sum(s["audits_asked"] for s in sectors)
    audits_returned = sum(s["audits_returned"] for s in sectors)
    if audits_asked:
        sentences.append(f"Agencies sent {audits_returned:,} of the {audits_asked:,} case "
                         "audit returns asked of them.")
    education = next((s for s in sectors if s["sector"] == "Education"), None)
    if education is not None:
        said = []
        if education["attendance_percent"] is not None:
            said.append(f"attended {education['attendance_percent']}% of the meetings they "
                        "were expected at")
        if education["assessments_asked"]:
            said.append(f"returned {education['assessments_returned']:,} of "
                        f"{education['assessments_asked']:,} self-assessments")
        if education["audits_asked"]:
            said.append(f"sent {education['audits_returned']:,} of "
                        f"{education['audits_asked']:,} case audit returns")
        if education["escalations_raised"]:
            said.append(f"raised {plural(education['escalations_raised'], 'escalation')}")
        if said:
            sentences.append(f"Schools, colleges and early years settings "
                             f"{in_words(said)}.")
    return sentences


def training_sentences(t: Mapping[str, Any]) -> list[str]:
    """Say how far the training reached, what learners said and what changed in practice."""
    sentences = []
    if t["sessions_held"]:
        said = (f"The partnership ran {plural(t['sessions_held'], 'training session')} "
                f"with {t['places']:,} places")
        if t["booked"]:
            said += f"; {t['booked']:,} were booked and {t['attended']:,} people attended"
        sentences.append(said + ".")
    expected = [r for r in t["by_sector"] if r["expected"]]
    if expected:
        low = min(expected, key=lambda r: (r["percent"] or 0, r["label"]))
        sentences.append(f"Against the numbers the partners expected to train, uptake was "
                         f"lowest in {low['label'].lower()} ({low['percent'] or 0}%).")
    if t["confidence_before"] is not None and t["confidence_after"] is not None:
        sentences.append(f"Learners rated their confidence at {t['confidence_before']:.1f} out "
                         f"of 5 before the training and {t['confidence_after']:.1f} after it.")
    if t["follow_ups_sent"]:
        said = (f"Some months later, {t['follow_ups_answered']:,} of the "
                f"{t['follow_ups_sent']:,} people asked said whether their practice had "
                f"changed, and {t['practice_changed']:,} said it had")
        if t["manager_confirmation_used"] and t["practice_changed"]:
            said += f"; managers confirmed {t['manager_confirmed']:,} of them"
        sentences.append(said + ".")
    return sentences


def money_sentences(m: Mapping[str, Any]) -> list[str]:
    """Say where the money came from, what it was spent on and how the year ended."""
    sentences = []
    if m["agreed_total"]:
        said = (f"The partners and agencies agreed to contribute {pounds(m['agreed_total'])} "
                f"for {m['year_label']}, and {pounds(m['received_total'])} was received")
        if m["other_income"]:
            said += f", with {pounds(m['other_income'])} from grants and other income"
        sentences.append(said + ".")
    shares = [r for r in m["shares"] if r["percent"] is not None]
    if shares:
        sentences.append("The shares of the agreed contributions were " + in_words(
            [f"{r['label']} {r['percent']}%" for r in shares]) + ".")
    if m["budget_total"] or m["spent_total"]:
        sentences.append(f"Against a budget of {pounds(m['budget_total'])}, the partnership "
                         f"spent {pounds(m['spent_total'])}.")
    if m["in_kind_total"]:
        sentences.append(f"Agencies also gave help in kind worth about "
                         f"{pounds(m['in_kind_total'])}.")
    closing = m["closing_balance"]
    if closing >= 0:
        sentences.append(f"The year ended with a balance of {pounds(closing)} to carry "
                         "forward.")
    else:
        sentences.append(f"The year ended with a deficit of {pounds(-closing)}.")
    return sentences


def _within(on_time: int, done: int, limit: str) -> str:
    """Say how many of several finished within a limit: "all", "none", "3 of them (75%)"."""
    if on_time == done:
        return f"{'both' if done == 2 else 'all'} {limit}"
    if on_time == 0:
        return f"none {limit}"
    return f"{on_time:,} of them ({percent_words(on_time, done)}) {limit}"


def reviews_sentences(r: Mapping[str, Any]) -> list[str]:
    """Say how timely the reviews were and what became of them."""
    sentences = []
    limit = f"within {RAPID_REVIEW_LIMIT} working days"
    if r["rapid"]:
        done, on_time = r["rapid_completed"], r["rapid_on_time"]
        said = f"{plural(done, 'Rapid Review')} {were(done)} completed in the period"
        if done == 1:
            said += f", {limit}" if on_time else f", in more than {RAPID_REVIEW_LIMIT} working days"
        elif done:
            said += f", {_within(on_time, done, limit)}"
        sentences.append(said + ".")
        still = sum(1 for row in r["rapid"] if not row["completed"])
        if still:
            sentences.append(f"{still:,} more {were(still)} still under way when the period "
                             "ended.")
    if r["local"]:
        count, done, on_time = len(r["local"]), r["local_completed"], r["local_on_time"]
        said = (f"{plural(count, 'local child safeguarding practice review')} "
                f"{were(count)} open during the period")
        if done == 1:
            said += f"; 1 was completed, {'by' if on_time else 'after'} its target date"
        elif done:
            said += (f"; {done:,} were completed, "
                     f"{_within(on_time, done, 'by their target dates')}")
        else:
            said += "; none was completed in the period"
        sentences.append(said + ".")
    if r["national"]:
        count = len(r["national"])
        sentences.append(f"{plural(count, 'case')} {were(count)} referred to the Child "
                         "Safeguarding Practice Review Panel for a national review.")
    return sentences


def impact_sentences(i: Mapping[str, Any]) -> list[str]:
    """Say how much evidence of impact there is, and where; then what assurance work tested
    the arrangements (a snapshot from before the assurance records has none)."""
    sentences = []
    objectives = [o for o in i["objectives"] if o["entries"]]
    if i["entries"]:
        completed = sum(o["completed"] for o in i["objectives"])
        said = (f"{plural(i['entries'], 'piece')} of evidence of impact {were(i['entries'])} "
                f"recorded in the period, under {plural(len(objectives), 'objective')}")
        if completed:
            said += (f", from the work of {plural(completed, 'completed action')} and more in "
                     "progress")
        sentences.append(said + ".")
    audits, scrutiny = i.get("audits") or [], i.get("scrutiny") or []
    rounds = i.get("rounds") or []
    tested = []
    if audits:
        tested.append(f"completed {plural(len(audits), 'multi-agency case audit')}")
    if scrutiny:
        activities = plural(len(scrutiny), "independent scrutiny activity",
                            "independent scrutiny activities")
        tested.append(f"received the findings of {activities}")
    if rounds:
        asked = sum(r["organisations"] for r in rounds)
        tested.append(f"asked {plural(asked, 'organisation')} to assess their safeguarding "
                      f"against agreed standards in {plural(len(rounds), 'self-assessment round')}")
    if tested:
        sentences.append(f"To test how well the arrangements work, the partnership "
                         f"{in_words(tested)}.")
    escalations = i.get("escalations")
    if escalations and escalations["raised"]:
        sentences.append(f"Agencies raised {plural(escalations['raised'], 'escalation')} with "
                         "each other when they disagreed about the response to a child or "
                         "family.")
    return sentences


def progress_sentences(p: Mapping[str, Any]) -> list[str]:
    """Say how many objectives stalled."""
    considered, stalled = p["objectives_considered"], len(p["objectives"])
    if not considered:
        return []
    if not stalled:
        return [f"All {plural(considered, 'objective')} considered made progress in the "
                "period."]
    return [f"Of the {plural(considered, 'objective')} considered, {stalled:,} made little "
            "or no progress, or had actions that did. Each is listed below with the reasons."]


def recommendations_sentences(r: Mapping[str, Any]) -> list[str]:
    """Say how many recommendations there were and how far the actions got."""
    sentences = []
    local = r["local"]
    if local:
        recommendations = [rec for review in local for rec in review["recommendations"]]
        actions = sum(rec["actions"] for rec in recommendations)
        done = sum(rec["completed"] for rec in recommendations)
        said = (f"The partnership's {plural(len(local), 'published review')} made "
                f"{plural(len(recommendations), 'recommendation')}")
        if actions:
            said += f", leading to {plural(actions, 'action')}: {done:,} complete"
        sentences.append(said + ".")
    if r["unpublished_reviews"]:
        count = r["unpublished_reviews"]
        said = (f"{plural(count, 'review')} not yet published made "
                f"{plural(r['unpublished_recommendations'], 'recommendation')}")
        if r["unpublished_actions"]:
            said += (f", leading to {plural(r['unpublished_actions'], 'action')}, "
                     f"{r['unpublished_completed']:,} of them complete")
        sentences.append(said + "; they are reported here only as numbers until the "
                         "reviews are published.")
    national = r["national"]
    if national:
        recommendations = sum(len(review["recommendations"]) for review in national)
        sentences.append(
            f"The partnership also acted on {plural(recommendations, 'recommendation')} of "
            f"{plural(len(national), 'review')} from elsewhere: national reviews, inquiries "
            "and other partnerships' reviews.")
    return sentences


def engagement_sentences(heard: Sequence[Mapping[str, Any]]) -> list[str]:
    """Say how many pieces of work heard children and families, whom they reached, and what
    came of them."""
    if not heard:
        return []
    said = (f"The partnership heard from children, young people and families through "
            f"{plural(len(heard), 'piece')} of work in the period")
    counted = [e["how_many"] for e in heard if e["how_many"]]
    if counted:
        reach = sum(counted)
        said += (f", which reached {'at least ' if len(counted) < len(heard) else ''}"
                 f"{plural(reach, 'person', 'people')}")
    sentences = [said + "."]
    changed = sum(1 for e in heard if e["what_changed"].strip())
    acted = sum(1 for e in heard if e["actions"])
    if changed and acted:
        sentences.append(f"What changed as a result is recorded for {changed:,} of them, and "
                         f"{acted:,} led to actions.")
    elif changed:
        sentences.append(f"What changed as a result is recorded for {changed:,} of them.")
    elif acted:
        sentences.append(f"{acted:,} of them led to actions.")
    return sentences


def feedback_sentences(f: Mapping[str, Any]) -> list[str]:
    """Say how children and families were heard, and how often progress updates recorded
    feedback and its use."""
    sentences = engagement_sentences(f.get("engagements") or [])
    entries = f["entries"]
    if not entries:
        return sentences
    used = sum(1 for e in entries if e["how_used"].strip())
    said = (f"{plural(len(entries), 'progress update')} recorded feedback from children and "
            f"families during the period")
    if used == len(entries):
        said += ", each with how it was used."
    elif used == 0:
        said += "; none of them says yet how it was used."
    else:
        said += f"; {used:,} of them {'says' if used == 1 else 'say'} how it was used."
    return [*sentences, said]


def changes_sentences(c: Mapping[str, Any]) -> list[str]:
    """Say which arrangements were in force and how many versions were published."""
    sentences = []
    start, end = c["at_start"], c["at_end"]
    if start and end and start["title"] == end["title"] and start["published"] == \
            end["published"]:
        sentences.append(f"The same arrangements were in force throughout the period: "
                         f"{start['title']}, published on {long_date(start['published'])}.")
    else:
        if start:
            sentences.append(f"At the start of the period the arrangements in force were "
                             f"{start['title']}, published on {long_date(start['published'])}.")
        if end:
            sentences.append(f"At the end of the period they were {end['title']}, published "
                             f"on {long_date(end['published'])}.")
    count = len(c["published_in_period"])
    if count:
        sentences.append(f"{plural(count, 'version')} {were(count)} published during the "
                         "period.")
    return sentences


SENTENCES: dict[str, Callable[..., list[str]]] = {
    "reviews": reviews_sentences,
    "impact": impact_sentences,
    "progress": progress_sentences,
    "recommendations": recommendations_sentences,
    "feedback": feedback_sentences,
    "changes": changes_sentences,
}


# --- charts -------------------------------------------------------------------------------


DATA_CHART = "impact-data-"  # an indicator's chart, shown with it in part 3 (parts/dataset.py)


def chart_part(key: str) -> str:
    """Return the part a chart belongs to, from its key ("reviews-timeliness" -> reviews)."""
    lowered = key.lower()
    head = re.split(r"[-_.:]", lowered, maxsplit=1)[0]
    if head in PART_KEYS:
        return head
    return next((part for word, part in CHART_WORDS if word in lowered), "activities")


def report_charts(charts: Sequence[Mapping[str, Any]], content: Mapping[str, Any]
                  ) -> dict[str, list[ReportChart]]:
    """Draw every chart that has data, grouped by the part it belongs to."""
    grouped: dict[str, list[ReportChart]] = {}
    for index, chart in enumerate(charts, start=1):
        if not chart.get("categories") or not chart.get("series"):
            continue
        key = str(chart.get("key") or f"chart-{index}")
        anchor = "chart-" + re.sub(r"[^\w-]", "-", key)
        part = chart_part(key)
        # The attendance table that follows the attendance chart, and each indicator's table
        # beside its chart, already give their figures.
        own_table = ((part == "activities" and "attendance" in key.lower()
                      and bool(content["activities"]["attendance"]))
                     or key.lower().startswith(DATA_CHART))
        grouped.setdefault(part, []).append(ReportChart(
            anchor=anchor, title=chart.get("title", ""), summary=chart.get("summary", ""),
            svgs=drawn({**chart, "key": anchor}),
            table=chart_table(chart), own_table=own_table))
    return grouped


# --- the whole document -----------------------------------------------------------------------


def is_period_a_year(label: str) -> bool:
    """Say whether the period label is a reporting year ("2024-25") rather than a span of dates."""
    return " to " not in label


def cover_subject(content: Mapping[str, Any]) -> str:
    """Return the cover's title: "Yearly report 2024-25" (or just "Yearly report")."""
    label = content["period_label"]
    return f"Yearly report {label}" if label and is_period_a_year(label) else "Yearly report"


def document_title(document: ReportDocument | Mapping[str, Any]) -> str:
    """Title the document (the page title and the PDF's title metadata)."""
    data = as_dict(document)
    content = data["content"]
    title = f"{content['partnership']}: {cover_subject(content)[:1].lower()}" \
            f"{cover_subject(content)[1:]}"
    if not is_period_a_year(content["period_label"]):
        title += f", {content['period_label']}"
    return f"{title} (draft)" if data["draft"] else title


def _narrative(data: Mapping[str, Any], key: str) -> Markup | None:
    text = (data.get("narrative") or {}).get(key) or ""
    return render_markdown(text) if text.strip() else None


def _parts(data: Mapping[str, Any], charts: dict[str, list[ReportChart]]) -> list[Part]:
    content = data["content"]
    label = content["period_label"]
    period = f"in {label}" if is_period_a_year(label) else f"from {label}"
    parts = []
    for number, (key, title) in enumerate(PARTS, start=1):
        if key == "assessment":
            parts.append(Part(number, key, title, f"part-{key}", None, ""))
            continue
        section = content[key]
        missing = (section.get("missing") or "").strip()
        sentences = [] if missing else (
            activities_sentences(section, period) if key == "activities"
            else SENTENCES[key](section))
        parts.append(Part(number, key, title, f"part-{key}", _narrative(data, key), missing,
                          sentences, [] if missing else charts.get(key, [])))
    return parts


def report_context(document: ReportDocument | Mapping[str, Any], *, for_pdf: bool
                   ) -> dict[str, Any]:
    """Gather what the template shows (exposed for tests)."""
    data = as_dict(document)
    content = data["content"]
    charts = report_charts(content.get("charts") or [], content)
    parts = _parts(data, charts)
    foreword = _narrative(data, "foreword")
    summary = _narrative(data, "summary")
    next_year = _narrative(data, "next_year")
    money_text = _narrative(data, "money")
    training = content.get("training")
    money = content.get("money")
    draft = bool(data["draft"])
    assessment = data.get("assessment")
    if assessment and not (assessment.get("markdown") or "").strip():
        assessment = None
    contents = []
    if foreword or draft:
        contents.append(ContentsEntry("foreword", "Foreword"))
    if summary or draft:
        contents.append(ContentsEntry("summary", "Summary"))
    contents += [ContentsEntry(part.anchor, part.heading) for part in parts]
    if money or money_text or draft:
        contents.append(ContentsEntry("money", "The partnership's budget"))
    if next_year or content.get("next_year") or draft:
        contents.append(ContentsEntry("next-year", "Priorities for the coming year"))
    contents.append(ContentsEntry("sign-off", "Agreement by the safeguarding partners"))

    def href(link: str | None) -> str:
        return "" if for_pdf else safe_link(link)

    return {
        "title": document_title(data),
        "subject": cover_subject(content),
        "document": data,
        "content": content,
        "draft": draft,
        "for_pdf": for_pdf,
        "stylesheet_urls": stylesheet_urls(STYLESHEETS, for_pdf=for_pdf),
        "contents": contents,
        "foreword": foreword,
        "summary": summary,
        "next_year": next_year,
        "money_text": money_text,
        "training": training,
        "training_sentences": training_sentences(training)
        if training and not training.get("missing") else [],
        "money": money,
        "money_sentences": money_sentences(money) if money and not money.get("missing") else [],
        "participation_sentences": participation_sentences(content["activities"]),
        "pounds": pounds,
        "parts": {part.key: part for part in parts},
        "part_order": [part.key for part in parts],
        "assessment": assessment,
        "assessment_html": render_markdown(assessment["markdown"]) if assessment else None,
        "sign_offs": data.get("sign_offs") or [],
        "period_is_year": is_period_a_year(content["period_label"]),
        "href": href,
        "web_link": web_link,
        "long_date": long_date,
        "paper_words": paper_words,
        "plural": plural,
        "capital": capital,
        "with_the": with_the,
        "rapid_limit": RAPID_REVIEW_LIMIT,
    }


def report_html(document: ReportDocument | Mapping[str, Any], *, for_pdf: bool = False) -> str:
    """Render the report as one standalone HTML page (the in-app reading view)."""
    return render_template("reports/document.html", **report_context(document, for_pdf=for_pdf))


def report_pdf_request(document: ReportDocument | Mapping[str, Any]) -> dict[str, Any]:
    """Gather what :func:`pdf.render_pdf` takes to print the report."""
    data = as_dict(document)
    return {"html": report_html(data, for_pdf=True), "title": document_title(data),
            "author": data["content"]["partnership"]}


@document_builder
def draft_pdf_request_of(report_id: int, day: str) -> dict[str, Any]:
    """Build a draft report's render request in the worker (the page only queues it: the
    report is assembled from every record of its period)."""
    report = db.session.get_one(YearlyReport, report_id)
    return report_pdf_request(services.draft_document(report, dt.date.fromisoformat(day)))


def report_pdf(document: ReportDocument | Mapping[str, Any]) -> pdf.RenderedPdf:
    """Render the report as a tagged A4 PDF."""
    return pdf.render_pdf(**report_pdf_request(document))


# --- the short version for children, young people and families ------------------------------

FAMILIES_STYLESHEETS = (*STYLESHEETS, "css/families-document.css")
YOU_SAID = 4  # engagements told as "you said, we did" (the most recent)


def families_facts(content: Mapping[str, Any]) -> list[str]:
    """Say a few of the year's figures in plain words, each only when there is one."""
    facts = []
    a, r = content["activities"], content["reviews"]
    heard = (content.get("feedback") or {}).get("engagements") or []
    reach = sum(e["how_many"] or 0 for e in heard)
    if reach:
        who = plural(reach, "child, young person or parent",
                     "children, young people and parents")
        ways = plural(len(heard), "survey, group or meeting", "surveys, groups and meetings")
        facts.append(f"We listened to {who} through {ways}.")
    rapid = r.get("rapid_completed") or 0
    if rapid:
        facts.append(f"{capital(in_number_words(rapid))} time{'s' if rapid != 1 else ''} this "
                     "year a child was very badly hurt. Each time, we looked quickly at what "
                     "happened, to learn what should change.")
    if a.get("actions_live"):
        facts.append(f"We planned {plural(a['actions_live'], 'piece')} of work for the year and "
                     f"finished {a['actions_completed']:,} of them.")
    training = content.get("training")
    if training and not training.get("missing") and training.get("attended"):
        facts.append(f"{plural(training['attended'], 'person', 'people')} who work with children "
                     "came to our training.")
    escalations = (content.get("impact") or {}).get("escalations")
    if escalations and escalations.get("raised"):
        facts.append(f"When workers from different services disagreed about how to help a "
                     f"child, they raised it {times(escalations['raised'])}, so that someone "
                     "more senior could sort it out.")
    money = content.get("money")
    if money and not money.get("missing") and money.get("spent_total"):
        thousands = max(1, round(money["spent_total"] / 100_000))
        facts.append(f"We spent about {pounds(thousands * 100_000)} on this work.")
    return facts


def in_number_words(count: int) -> str:
    """Write a small count in words ("two"), a larger one in figures."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten")
    return words[count] if 0 <= count < len(words) else f"{count:,}"


def families_context(document: ReportDocument | Mapping[str, Any], *, for_pdf: bool
                     ) -> dict[str, Any]:
    """Gather what the families' version shows (exposed for tests)."""
    data = as_dict(document)
    content = data["content"]
    heard = [e for e in (content.get("feedback") or {}).get("engagements") or []
             if e["what_said"].strip() and e["what_changed"].strip()]
    next_year = content.get("next_year") or {}
    signed = [row for row in data.get("sign_offs") or [] if row.get("signed_by")]
    return {
        "title": families_title(data),
        "document": data,
        "content": content,
        "draft": bool(data["draft"]),
        "for_pdf": for_pdf,
        "stylesheet_urls": stylesheet_urls(FAMILIES_STYLESHEETS, for_pdf=for_pdf),
        "what_we_did": _narrative(data, "families"),
        "what_next": _narrative(data, "families_next"),
        "facts": families_facts(content),
        "you_said": heard[-YOU_SAID:],
        "priorities": [o["title"] for o in next_year.get("objectives") or []],
        "next_label": next_year.get("year_label") or "",
        "signed": signed,
        "long_date": long_date,
        "capital": capital,
    }


def families_title(document: Mapping[str, Any]) -> str:
    """Title the families' version."""
    content = document["content"]
    title = (f"{content['partnership']}: what we did in {content['period_label']}, "
             "for children, young people and families")
    return f"{title} (draft)" if document["draft"] else title


def families_html(document: ReportDocument | Mapping[str, Any], *, for_pdf: bool = False
                  ) -> str:
    """Render the families' version as one standalone page."""
    return render_template("reports/families.html",
                           **families_context(document, for_pdf=for_pdf))


def families_pdf_request(document: ReportDocument | Mapping[str, Any]) -> dict[str, Any]:
    """Gather what :func:`pdf.render_pdf` takes to print the families' version."""
    data = as_dict(document)
    return {"html": families_html(data, for_pdf=True), "title": families_title(data),
            "author": data["content"]["partnership"]}


@document_builder
def draft_families_request_of(report_id: int, day: str) -> dict[str, Any]:
    """Build a draft's families' version in the worker (the draft is assembled there)."""
    report = db.session.get_one(YearlyReport, report_id)
    return families_pdf_request(services.draft_document(report, dt.date.fromisoformat(day)))


# --- the independent scrutineer's assessment, as a statement of its own -----------------------


def statement_title(document: Mapping[str, Any]) -> str:
    """Title the scrutineer's statement."""
    content = document["content"]
    title = (f"{content['partnership']}: the independent scrutineer's assessment, "
             f"{content['period_label']}")
    return f"{title} (draft)" if document["draft"] else title


def statement_context(document: ReportDocument | Mapping[str, Any], *, for_pdf: bool
                      ) -> dict[str, Any]:
    """Gather what the scrutineer's statement shows (exposed for tests)."""
    data = as_dict(document)
    content = data["content"]
    assessment = data.get("assessment")
    if assessment and not (assessment.get("markdown") or "").strip():
        assessment = None
    return {
        "title": statement_title(data),
        "document": data,
        "content": content,
        "draft": bool(data["draft"]),
        "for_pdf": for_pdf,
        "stylesheet_urls": stylesheet_urls(STYLESHEETS, for_pdf=for_pdf),
        "assessment": assessment,
        "assessment_html": render_markdown(assessment["markdown"]) if assessment else None,
        "scrutiny": (content.get("impact") or {}).get("scrutiny") or [],
        "long_date": long_date,
    }


def statement_html(document: ReportDocument | Mapping[str, Any], *, for_pdf: bool = False
                   ) -> str:
    """Render the scrutineer's statement as one standalone page."""
    return render_template("reports/statement.html",
                           **statement_context(document, for_pdf=for_pdf))


def statement_pdf_request(document: ReportDocument | Mapping[str, Any]) -> dict[str, Any]:
    """Gather what :func:`pdf.render_pdf` takes to print the scrutineer's statement."""
    data = as_dict(document)
    return {"html": statement_html(data, for_pdf=True), "title": statement_title(data),
            "author": data["content"]["partnership"]}


@document_builder
def draft_statement_request_of(report_id: int, day: str) -> dict[str, Any]:
    """Build a draft's statement in the worker (the draft is assembled there)."""
    report = db.session.get_one(YearlyReport, report_id)
    return statement_pdf_request(services.draft_document(report, dt.date.fromisoformat(day)))
