"""Load the demo case reviews and learning from elsewhere, and the scaled synthetic cases
(and a review from elsewhere that each synthetic partnership acts on).

Wessexshire's Learning and Inquiry Group (chaired by the demo chair account) reviews six
fictional cases, one at each point of the process a chair chases: a Rapid Review with working
days left, a late one, a local review waiting for its draft, a published review whose action
plan is half done, a case referred for a national review, and a closed case. The Isle of
Merrow has one newly notified case that nobody in Wessexshire can see. Learning from elsewhere
is a national panel thematic review and a national inquiry recommendation split into thematic
areas, each with actions in the one tracker.

Every date is counted from the day the demo is loaded, in working days where the statutory
clocks use them (:func:`partnership.kernel.dates.add_working_days`, with the county's Christmas
closure days), so the same states show whenever it is loaded. Cases are known only by a
pseudonymous reference; no text names, dates the birth of, or locates a child or family.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from partnership import clock
from partnership.actions.models import Action, ProgressUpdate, Rating, Status
from partnership.demo.actions import (
    DAY,
    Directory,
    Timeline,
    UpdatePoint,
    add_action,
    add_followup,
    arising,
    last_complete_year,
    synthetic_partnerships,
)
from partnership.demo.register import ACCOUNT_PEOPLE
from partnership.extensions import db
from partnership.kernel.dates import (
    add_months,
    add_working_days,
    is_working_day,
    long_date,
    reporting_year,
)
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    PartnerKind,
    Partnership,
    Person,
    StatutoryPartner,
)
from partnership.reviews.models import (
    Case,
    CaseMember,
    ClockStart,
    ClosureDay,
    Dissemination,
    DisseminationMethod,
    IncidentType,
    InformationRequest,
    LocalReview,
    Milestone,
    MilestoneKind,
    MonitoringEntry,
    NationalReferral,
    PracticeEpisode,
    PublicationDecision,
    RapidOutcome,
    RapidReview,
    RapidReviewSignOff,
    Recommendation,
    Review,
    Reviewer,
    ReviewKind,
    ReviewSettings,
    Scope,
    Stage,
    Theme,
    case_agency,
    recommendation_agency,
    recommendation_theme,
    review_theme,
)
from partnership.reviews.services.learning import default_themes

REVIEWS_SEED = 20260405
COUNTY = "wscp"
REVIEWING_BODY = "Learning and Inquiry Group"
LOCAL_REVIEW_MONTHS = 6
RETENTION_YEARS = 15
CLOSURE_REASON = "Christmas closure: partnership offices closed between Christmas and New Year"

# The themes the issue asks the demo to show, as (name, description). The learning service's
# default list (``default_themes``) is loaded first; a theme named here that it calls by
# another name (``THEME_ALIASES``) is found under that name, and one it lacks is added.
DEMO_THEMES: tuple[tuple[str, str], ...] = (
    ("Neglect", "Children's needs persistently unmet, and how practitioners recognise it."),
    ("Exploitation", "Criminal and sexual exploitation, inside and outside the home."),
    ("Voice of the child", "Whether the child's wishes, feelings and daily life were heard."),
    ("Information sharing", "Whether agencies shared what they knew, in time and in full."),
    ("Domestic abuse", "Children living with domestic abuse, and the response to it."),
    ("Parental mental health", "The effect of a parent's mental ill health on the child."),
    ("Substance misuse", "Parental or young people's use of alcohol and drugs."),
    ("Safer sleep", "Sudden unexpected deaths in infancy and safer sleep advice."),
    ("Race, ethnicity and culture", "How race, ethnicity and culture shaped the child's "
                                    "experience and the practice around them."),
    ("Disability", "Disabled children and children with complex health needs."),
    ("Multi-agency working", "How agencies worked together, escalated and resolved "
                             "disagreement."),
    ("Professional curiosity", "Looking beyond what is presented, and checking it."),
    ("Transitions to adulthood", "Young people moving from children's to adult services."),
)
THEME_ALIASES = {"Safer sleep": ("Safe sleep and infant care", "Safe sleep"),
                 "Disability": ("Children with disabilities", "Disabled children")}


# --- dates --------------------------------------------------------------------------------


def working_days_before(day: dt.date, days: int, closures: Collection[dt.date] = ()) -> dt.date:
    """The working day from which ``day`` is ``days`` working days on: the inverse of
    ``add_working_days``, so ``working_days_between(result, day) == days``."""
    count = 0
    while count < days:
        count += is_working_day(day, closures)
        day -= DAY
    while not is_working_day(day, closures):
        day -= DAY
    return day


def working_day_on_or_before(day: dt.date, closures: Collection[dt.date] = ()) -> dt.date:
    """The day itself if it is a working day, else the working day before it."""
    while not is_working_day(day, closures):
        day -= DAY
    return day


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def christmas_closures(years: Sequence[int]) -> list[dt.date]:
    """The working days between Christmas and New Year in each of ``years``."""
    return [day for year in years for day in (dt.date(year, 12, n) for n in range(27, 32))
            if is_working_day(day)]


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


# --- the demo's words -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanAction:
    """One action of a review's recommendation, and how it stands when the demo is loaded."""

    title: str
    agency: str
    person: str | None
    state: str  # complete, green, amber, red or planned
    beats: tuple[str, ...]
    impact: str = ""
    detail: str = ""


@dataclass(frozen=True)
class RecommendationSpec:
    """A recommendation of a demo review: its words, scope, agencies, themes and actions."""

    text: str
    scope: Scope
    agencies: tuple[str, ...]
    themes: tuple[str, ...]
    actions: tuple[PlanAction, ...] = ()
    thematic_area: str = ""
    response: str = ""


CHILD_N_RECOMMENDATIONS = (
    RecommendationSpec(
        "Practitioners working with disabled children who do not use speech should find out "
        "how each child communicates and record it, so that the child's own view is sought "
        "and shown in every assessment and plan.",
        Scope.LOCAL, ("cf", "special", "wchmt"), ("Voice of the child", "Disability"),
        (PlanAction(
            "Train practitioners to use communication passports with children who do not use "
            "speech", "cf", "wscp-workforce", "complete",
            ("Course designed with the special schools' speech and language therapists.",
             "First two cohorts trained: social workers, school nurses and short-break staff.",
             "Final cohort trained; the course now runs twice a year in the partnership "
             "programme."),
            impact="Audit of 20 plans for non-verbal children after the training: 16 showed "
                   "how the child communicates, against 5 of 20 before.",
            detail="Recommendation 1 of the review of Child N."),
         PlanAction(
            "Audit how the child's voice is recorded in child protection plans for disabled "
            "children", "cf", "wscp-analyst", "green",
            ("Audit tool agreed with the Scrutiny Group.",
             "Case sample drawn; agencies asked for their records.",
             "Half the cases audited; early findings shared with the Learning and Inquiry "
             "Group.")),),
        response="Accepted by all agencies. Children and Families leads on training; the "
                 "special schools and the community trust release staff to attend."),
    RecommendationSpec(
        "Agencies should treat repeated missed health appointments for a disabled child as "
        "a possible sign of neglect ('was not brought'), and the school, the GP and the "
        "community paediatric service should share them with each other.",
        Scope.LOCAL, ("special", "wchmt", "gp"), ("Neglect", "Information sharing",
                                                  "Disability"),
        (PlanAction(
            "Publish 'was not brought' guidance for health services and schools", "icb",
            "wscp-designated-nurse", "complete",
            ("Draft guidance written from the review's findings.",
             "Consultation with GP practices, the community trust and special schools.",
             "Guidance published and launched at the practitioner briefing."),
            impact="Referrals to the community paediatric service citing missed appointments "
                   "rose from 3 to 11 in the quarter after launch; practitioners' feedback "
                   "rated the guidance clear."),
         PlanAction(
            "Add a flag to GP records for disabled children who miss two or more hospital "
            "appointments", "gp", "wscp-gp-champion", "red",
            ("Specification agreed with the practice system supplier.",
             "Supplier has delayed the change to its next release; the target will be "
             "missed. Interim manual search run monthly by the named GP."),
            detail="Depends on the GP record system supplier's release timetable."),),
        response="Accepted. Health agencies noted that the GP record change depends on the "
                 "system supplier."),
    RecommendationSpec(
        "The partners should agree with the neighbouring partnerships how planning for "
        "adulthood starts at 14 for disabled young people with child protection plans, and "
        "who leads it.",
        Scope.REGIONAL, ("ahc", "cf", "wchmt"), ("Transitions to adulthood", "Disability"),
        (PlanAction(
            "Agree a four-area transitions protocol for disabled young people at risk",
            "ahc", "wscp-ahc-head", "green",
            ("Proposed to the WIST Executive Group, which asked Wessexshire to lead.",
             "Draft protocol shared with the four areas' adult and children's services.",
             "Comments received from three of the four areas; final draft in preparation.")),),
        response="Accepted as a regional recommendation; taken to the WIST Executive Group."),
    RecommendationSpec(
        "Short-break and respite providers should be trained to recognise and report neglect "
        "of disabled children, including in the home.",
        Scope.LOCAL, ("cf", "vcs"), ("Neglect", "Professional curiosity"),
        (PlanAction(
            "Deliver neglect awareness training to short-break providers", "vcs",
            "wscp-vcs-champion", "complete",
            ("Providers mapped with the short-breaks commissioner.",
             "Training delivered to eight providers.",
             "All commissioned providers trained; new staff complete it at induction."),
            impact="Short-break providers made 6 safeguarding referrals about neglect in the "
                   "following six months, against none in the year of the review."),),
        response="Accepted. The short-breaks contract now requires the training."),
    RecommendationSpec(
        "The partners should make sure practitioners use the escalation policy when they "
        "disagree with another agency's decision, and check that it works.",
        Scope.LOCAL, ("cf", "icb", "police"), ("Multi-agency working",
                                               "Professional curiosity"),
        (PlanAction(
            "Refresh and relaunch the multi-agency escalation policy", "cf", "wscp-manager",
            "complete",
            ("Policy rewritten as a two-page guide with named contacts at each level.",
             "Relaunched through the seven-minute briefing and agency newsletters."),
            impact="Escalations recorded by the partnership team went from 4 a quarter to 13; "
                   "all were resolved at the first or second level."),
         PlanAction(
            "Audit how escalations were used and resolved in the year after the relaunch",
            "cf", "wscp-officer", "planned",
            ("Audit planned for the Scrutiny Group's programme.",)),),
        response="Accepted by all three partners."),
)

PANEL_RECOMMENDATIONS = (
    RecommendationSpec(
        "Safeguarding partnerships should know which disabled children with complex needs "
        "live in residential settings in their area, including those placed by other areas, "
        "and how often someone independent sees them.",
        Scope.LOCAL, ("cf", "icb", "secure-home"), ("Disability", "Multi-agency working"),
        (PlanAction(
            "Compile a register of residential settings for disabled children in the county "
            "and the children placed in them", "cf", "wscp-analyst", "complete",
            ("Settings identified with the regulator's register and the commissioners.",
             "Register complete; shared with the Learning and Inquiry Group."),
            impact="Found 3 settings the partnership had no contact with; each now has a named "
                   "link officer."),
         PlanAction(
            "Check that every child placed by another area has an independent visitor",
            "cf", "wscp-manager", "green",
            ("Placing areas written to for the 41 children placed here.",
             "Replies received for most children; the rest are being chased.")),),
        response="The partnership did not know which children were placed in the county by "
                 "other areas: accepted in full."),
    RecommendationSpec(
        "Health commissioners should make sure the health needs of disabled children in "
        "residential settings are reviewed by someone who knows the child, at least every "
        "year.",
        Scope.LOCAL, ("icb", "wchmt"), ("Disability", "Voice of the child"),
        (PlanAction(
            "Commission yearly health reviews by the community paediatric service for "
            "children in residential special schools", "icb", "wscp-designated-nurse",
            "amber",
            ("Costed proposal prepared for the integrated care board.",
             "Funding agreed in principle; the service cannot start until a post is filled."),
            ),),
        response="Accepted; depends on funding a community paediatric post."),
    RecommendationSpec(
        "The Department for Education should set national minimum standards for the "
        "oversight of residential settings caring for disabled children.",
        Scope.NATIONAL, (), ("Disability",),
        (PlanAction(
            "Respond to the national consultation on standards for residential settings",
            "cf", "wscp-manager", "complete",
            ("Response drafted with the secure children's home and special schools.",
             "Response agreed by the Executive Group and submitted."),
            impact="The partnership's points on independent visiting were quoted in the "
                   "consultation summary."),),
        response="A national recommendation; the partnership contributed to the consultation."),
)

INQUIRY_RECOMMENDATIONS = (
    RecommendationSpec(
        "Collect data on every known or suspected case of child sexual exploitation, kept "
        "apart from other abuse data and broken down by the sex, ethnicity and disability of "
        "victims and of perpetrators.",
        Scope.LOCAL, ("police", "cf"), ("Exploitation", "Race, ethnicity and culture"),
        (PlanAction(
            "Record ethnicity and disability of victims and suspects on every exploitation "
            "crime and intelligence report", "police", "wscp-ce-chair", "green",
            ("Recording standard issued to investigators.",
             "Compliance checked monthly; completeness up from half to three-quarters of "
             "reports.")),
         PlanAction(
            "Agree one exploitation data set between the police and children's social care",
            "cf", "wscp-ce-manager", "complete",
            ("Fields mapped between the two systems.",
             "Data set agreed; first joint return produced for the Child Exploitation "
             "Group."),
            impact="The first joint return showed disabled children were under-recorded as "
                   "victims; the Child Exploitation Group commissioned a deep dive."),),
        thematic_area="Understanding and identifying",
        response="Accepted by police and children's social care."),
    RecommendationSpec(
        "Use the broken-down data to profile networks and to plan disruption and "
        "investigation, with partners.",
        Scope.LOCAL, ("police", "cf", "yjs"), ("Exploitation", "Multi-agency working"),
        (PlanAction(
            "Produce a quarterly exploitation problem profile for the Child Exploitation "
            "Group", "police", "wscp-ce-chair", "complete",
            ("Analyst assigned; template agreed.",
             "First two profiles presented; now a standing agenda item."),
            impact="Two networks identified from the profile were disrupted by joint "
                   "operations in the following quarter."),
         PlanAction(
            "Set up a multi-agency disruption meeting for the networks the profile names",
            "police", "wscp-ce-chair", "green",
            ("Terms of reference drafted.",
             "Pilot meetings held in the north of the county; review due next quarter.")),),
        thematic_area="Responding",
        response="Accepted; led by the Child Exploitation Group."),
    RecommendationSpec(
        "Take account of the broken-down data when commissioning services for children, so "
        "that prevention reaches the children most at risk.",
        Scope.LOCAL, ("cf", "ph", "ei"), ("Exploitation", "Race, ethnicity and culture"),
        (PlanAction(
            "Review the exploitation support services against the data before they are "
            "recommissioned", "cf", "wscp-ce-manager", "amber",
            ("Commissioning review started; the data set is the evidence base.",
             "Gaps found for disabled young people and for girls from minority ethnic "
             "communities; options paper late because of staff absence.")),
         PlanAction(
            "Target the schools' prevention programme at the areas the data shows most "
            "affected", "ei", "wscp-ei-head", "planned",
            ("Planned for the next academic year.",)),),
        thematic_area="Preventing",
        response="Accepted; to be built into the next commissioning cycle."),
)


@dataclass(frozen=True)
class CaseText:
    """The words of a demo case (short, non-identifying)."""

    reference: str
    incident: IncidentType
    summary: str
    agencies: tuple[str, ...]
    episodes: tuple[tuple[str, str], ...] = ()
    analysis: str = ""
    equality: str = ""
    immediate: str = ""
    learning: str = ""
    outcome_reason: str = ""
    # Where the incident happened and where the child lives (neighbours outside the tracker
    # are recorded by name).
    incident_authority: str = "Wessexshire County Council"
    residence_authority: str = "Wessexshire County Council"
    panel_response: str = ""
    recommendations: tuple[RecommendationSpec, ...] = ()


CHILD_T = CaseText(
    "Child T", IncidentType.SERIOUS_HARM,
    "A baby under six months old was admitted to hospital with injuries that doctors "
    "believe were not accidental. The family had recently moved into the county.",
    ("police", "nwh", "gp", "wchmt", "cf"),
    episodes=(
        ("Emergency department attendance with a bruise",
         "Some weeks before the admission the baby was seen in the emergency department with "
         "a small bruise to the face. The explanation was accepted and the protocol for "
         "bruising in babies who are not yet mobile was not followed."),
        ("Health visiting after the move",
         "The health visiting record reached the new team several weeks after the move. The "
         "first contact was by telephone, and no one saw the baby at home before the "
         "admission."),
    ),
    analysis="Draft: two missed opportunities to see the baby and to apply the bruising "
             "protocol. Agencies worked with the information they had; no agency held the "
             "whole picture because the record transfer was slow. Awaiting the GP "
             "practice's chronology and the health visiting summary.",
    equality="To be completed once all chronologies are in: the group will consider whether "
             "the parents' first language affected what they understood of the advice "
             "given at the hospital.",
    immediate="A strategy discussion the day after the admission; the baby's older sibling "
              "is staying with a relative under a safety plan; the emergency department "
              "re-issued the bruising protocol to its staff.",
)
CHILD_S = CaseText(
    "Child S", IncidentType.SERIOUS_HARM,
    "A 15-year-old known to services for going missing was seriously injured in an assault "
    "that police believe is linked to criminal exploitation.",
    ("police", "cf", "yjs", "secondary", "fire", "suh"),
    episodes=(
        ("Missing episodes and return interviews",
         "The young person went missing repeatedly over the summer. Return interviews were "
         "offered but not all took place, and the information from those that did was not "
         "shared with the school."),
        ("Exclusion from school",
         "A permanent exclusion followed an incident in school. No multi-agency meeting was "
         "held before or after it, and the risk of exploitation was not part of the "
         "decision."),
        ("Fire service youth engagement course",
         "The young person attended a fire service youth course and told staff about older "
         "young people asking them to carry packages. Staff passed this on, but it did not "
         "reach the exploitation team for two weeks."),
    ),
    analysis="Agencies each saw part of the risk: missing episodes, exclusion, and the "
             "disclosure on the youth course. The exploitation screening tool was not used "
             "until after the assault. The contextual safeguarding approach was not applied "
             "to the peer group.",
    equality="The young person is Black and of mixed heritage. The group considered whether "
             "adultification shaped how the young person was seen after the school "
             "incident, and found that some records described them as older than their "
             "years and as making choices.",
    immediate="A multi-agency child exploitation meeting for the young person's peer group; "
              "the school and the youth offending service now share missing-episode "
              "information within one working day.",
    learning="Exclusion of a child known to go missing should trigger a multi-agency "
             "meeting. Disclosures to any agency should reach the exploitation team the same "
             "day.",
    outcome_reason="The case meets the criteria for a local review: serious harm, and "
                   "learning about how agencies work together on exploitation that goes "
                   "beyond the rapid review.",
)
CHILD_P = CaseText(
    "Child P", IncidentType.DEATH,
    "A young child died at home. Neglect is suspected. The family had early help support "
    "that ended some months before the death.",
    ("cf", "police", "ei", "gp", "wchmt", "housing", "early-years"),
    episodes=(
        ("Early help closure",
         "Early help support was closed when the family stopped taking part. The closure "
         "was not discussed with the nursery or the health visitor."),
        ("Nursery attendance falling",
         "The nursery recorded poor attendance and the child arriving hungry, and raised it "
         "with the parent but not with other agencies."),
        ("Housing disrepair visits",
         "The housing provider visited several times about damp and disrepair and noted the "
         "condition of the home, but did not think it a safeguarding matter."),
    ),
    analysis="Several agencies saw signs of neglect that together were serious; none saw "
             "them all. The neglect toolkit was not used after early help closed.",
    equality="The parent has a learning disability. Agencies did not adapt how they "
             "communicated, and early help was closed as 'disengaged' without asking why.",
    immediate="The surviving sibling was seen the same day and is safe with family; the "
              "housing provider added neglect to its safeguarding prompts for disrepair visits.",
    learning="Closing early help when a family stops engaging needs a multi-agency decision "
             "and a named agency to keep watch.",
    outcome_reason="A death where neglect is suspected and where the agencies' work together "
                   "needs a fuller review than the rapid review allows.",
    panel_response="The panel agreed with the decision to carry out a local review and asked "
                   "that it look at how neglect was recognised after early help closed.",
    recommendations=(
        RecommendationSpec(
            "Remind practitioners that early help is not closed for disengagement without a "
            "multi-agency discussion and a named agency to keep in touch with the family.",
            Scope.LOCAL, ("cf", "early-years", "wchmt"), ("Neglect", "Multi-agency working"),
            (PlanAction(
                "Issue a practice alert on closing early help for disengagement", "cf",
                "wscp-officer", "complete",
                ("Practice alert drafted from the rapid review.",
                 "Issued to all agencies and discussed at team meetings."),
                impact="Early help closures for disengagement now record a multi-agency "
                       "discussion in 9 of 10 cases sampled."),)),
    ),
)
CHILD_N = CaseText(
    "Child N", IncidentType.SERIOUS_HARM,
    "A teenager with a learning disability who does not use speech was seriously harmed by "
    "neglect of their health needs over a long period.",
    ("cf", "special", "wchmt", "gp", "ahc", "vcs", "police"),
    episodes=(
        ("Missed hospital appointments",
         "The young person was not brought to a series of specialist appointments. Each was "
         "recorded, but no one saw the pattern."),
        ("Short-break placement",
         "Short-break staff noticed weight loss and sores and mentioned them to the parent, "
         "but did not report them."),
        ("Planning for adulthood",
         "Planning for the move to adult services had not started, and no agency took the "
         "lead for the young person's health."),
    ),
    analysis="The young person's own experience was not sought or recorded by any agency. "
             "Missed appointments were treated as an administrative matter.",
    equality="Disability was central: the young person's needs were seen through the "
             "parent's account, and practitioners did not know how they communicated.",
    immediate="A health assessment and a review of the young person's care plan within a "
              "week; short-break staff reminded how to report concerns the same day.",
    learning="A local review is needed to understand why the signs were not connected.",
    outcome_reason="Serious harm, with learning across health, education and short breaks.",
    panel_response="The panel agreed that a local review was the right response.",
    recommendations=CHILD_N_RECOMMENDATIONS,
)
CHILD_Q = CaseText(
    "Child Q", IncidentType.DEATH,
    "A 16-year-old died after a stabbing in another county. They had been criminally "
    "exploited through a county lines network.",
    ("police", "cf", "yjs", "fe", "probation"),
    incident_authority="Kingsmead City Council (a neighbouring authority)",
    episodes=(
        ("Arrest out of county",
         "The young person was arrested in another county with drugs and cash. They were "
         "treated as an offender, and the National Referral Mechanism referral was made late."),
        ("Move to college",
         "The young person started college with no information passed on about the "
         "exploitation risk."),
    ),
    analysis="Agencies in two counties held information that was not brought together. "
             "Child Q was seen as a young offender rather than a child being exploited.",
    equality="The group considered how the young person's ethnicity and their family's "
             "recent arrival in the country shaped the response; interpreters were not used "
             "at two key meetings.",
    learning="Out-of-county arrests of Wessexshire children should be shared with the "
             "exploitation team the next working day.",
    outcome_reason="The case raises issues of national importance about county lines "
                   "exploitation across police force areas.",
    panel_response="The panel accepted the referral and will include the case in its "
                   "national review of children criminally exploited across county lines.",
    recommendations=(
        RecommendationSpec(
            "Share every arrest of a Wessexshire child in another force area with the "
            "exploitation team the next working day.",
            Scope.REGIONAL, ("police", "cf"), ("Exploitation", "Information sharing"),
            (PlanAction(
                "Agree next-day notification of out-of-force arrests of children with "
                "neighbouring forces", "police", "wscp-ce-chair", "green",
                ("Proposal agreed with two neighbouring forces.",
                 "Notifications now flowing from both; a third force is considering it.")),),
            ),
    ),
)
CHILD_L = CaseText(
    "Child L", IncidentType.DEATH,
    "A baby died suddenly and unexpectedly while sharing a sofa with a parent who had been "
    "drinking.",
    ("police", "nwh", "wchmt", "gp", "substance"),
    episodes=(
        ("Safer sleep advice",
         "Safer sleep advice was given at the new-birth visit, but it did not cover sleeping "
         "on a sofa or the added risk of alcohol."),
    ),
    analysis="Agencies knew the parent's history of alcohol use and gave standard advice. "
             "No practice by any agency caused or contributed to the death.",
    equality="No issues of race or disability were identified. The family lived in "
             "overcrowded housing, which limited safe sleeping space.",
    learning="Safer sleep advice should be tailored where a parent uses alcohol or drugs, and "
             "repeated at later contacts. Learning shared through a seven-minute briefing.",
    outcome_reason="The criteria for a local review are not met; the learning is captured and "
                   "will be acted on through the safer sleep campaign.",
    panel_response="The panel agreed that no further review is needed and commended the "
                   "clarity of the learning.",
    recommendations=(
        RecommendationSpec(
            "Tailor safer sleep advice to families where a parent uses alcohol or drugs, "
            "and repeat it at every contact in the first year.",
            Scope.LOCAL, ("wchmt", "substance", "nwh"), ("Safer sleep", "Substance misuse"),
            (PlanAction(
                "Add tailored safer sleep advice to the substance misuse service's parent "
                "assessments", "wchmt", "wscp-wdg-chair", "complete",
                ("Assessment template updated.",
                 "Staff briefed; advice now recorded at every review."),
                impact="All 30 parents with infants in treatment had recorded safer sleep "
                       "advice at the last audit."),
             PlanAction(
                "Run the winter safer sleep campaign with a message on alcohol and sofas",
                "ph", "wscp-cdop-chair", "complete",
                ("Campaign materials agreed with the Child Death Overview Panel.",
                 "Campaign run in maternity units, pharmacies and on social media."),
                impact="The campaign reached an estimated 9,000 parents; health visitors "
                       "report parents raising it themselves.")),
            ),
    ),
)
CHILD_K = CaseText(
    "Child K", IncidentType.SERIOUS_HARM,
    "A primary school child was admitted to hospital after taking a parent's prescribed "
    "medicine. Neglect is suspected.",
    ("iom-cs", "iom-police", "iom-trust", "iom-schools"),
    incident_authority="Isle of Merrow Council", residence_authority="Isle of Merrow Council",
)


# --- the demo load --------------------------------------------------------------------------


def load_demo_reviews(today: dt.date | None = None) -> dict[str, int]:
    """Add the demo case reviews and learning from elsewhere (after the register and the
    tracker), dated relative to ``today``."""
    today = today or clock.today()
    builder = DemoReviews(Directory(), today, random.Random(REVIEWS_SEED))  # noqa: S311
    with db.session.no_autoflush:
        builder.load()
    db.session.flush()

    def count(model: type) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0

    return {"cases": count(Case), "rapid reviews": count(RapidReview),
            "local reviews": count(LocalReview), "reviews": count(Review),
            "recommendations": count(Recommendation), "themes": count(Theme)}


class DemoReviews:
    """Builds the demo cases and reviews through the ORM (so the audit trail shows them)."""

    def __init__(self, d: Directory, today: dt.date, rng: random.Random) -> None:
        self.d, self.today, self.rng = d, today, rng
        self.county = d.partnerships[COUNTY]
        self.body = d.body(COUNTY, REVIEWING_BODY)
        self.closures = frozenset(christmas_closures((today.year - 1, today.year)))
        self.themes: dict[str, Theme] = {}
        self.partners = {kind: d.partner(COUNTY, kind) for kind in PartnerKind}
        self.signers = {kind: d.users[email] for email, kind in (
            ("partner@demo.example", PartnerKind.LOCAL_AUTHORITY),
            ("health.partner@demo.example", PartnerKind.HEALTH),
            ("police.partner@demo.example", PartnerKind.POLICE))}

    # dates
    def wd(self, start: dt.date, days: int) -> dt.date:
        """``days`` working days after ``start`` (the county's closures counted)."""
        return add_working_days(start, days, self.closures)

    def wd_ago(self, days: int) -> dt.date:
        """The working day ``days`` working days before today."""
        return working_days_before(self.today, days, self.closures)

    def working(self, day: dt.date) -> dt.date:
        """The day, or the working day before it."""
        return working_day_on_or_before(day, self.closures)

    def load(self) -> None:
        """Everything, in the order a reader of the board would meet it."""
        self.settings()
        self.add_themes()
        self.rapid_in_progress()
        self.rapid_late()
        self.local_in_drafting()
        self.published_with_action_plan()
        self.national_referral()
        self.closed()
        self.merrow_notification()
        self.national_panel_review()
        self.national_inquiry()

    def settings(self) -> None:
        """The county's clock, local review months, retention years and closure days."""
        db.session.add(ReviewSettings(partnership=self.county,
                                      rapid_review_clock=ClockStart.AWARENESS,
                                      local_review_months=LOCAL_REVIEW_MONTHS,
                                      retention_years=RETENTION_YEARS))
        db.session.add_all(ClosureDay(partnership_id=self.county.id, day=day, reason=CLOSURE_REASON)
                           for day in sorted(self.closures))

    def add_themes(self) -> None:
        """The managed list of learning themes: the service's defaults and the demo's."""
        self.themes = {t.name: t for t in db.session.scalars(sa.select(Theme))}
        for name, description in default_themes():
            if name not in self.themes:
                self.themes[name] = Theme(name=name, description=description)
                db.session.add(self.themes[name])
        for name, _ in DEMO_THEMES:
            self.theme(name)

    def theme(self, name: str) -> Theme:
        """A theme by its demo name (or the managed list's name for it), added if missing."""
        for known in (name, *THEME_ALIASES.get(name, ())):
            if known in self.themes:
                return self.themes[known]
        description = dict(DEMO_THEMES).get(name, "")
        self.themes[name] = Theme(name=name, description=description)
        db.session.add(self.themes[name])
        return self.themes[name]

    # --- cases
    def case(self, text: CaseText, aware_on: dt.date, stage: Stage, *,
             partnership: Partnership | None = None, body: Body | None = None,
             closed_on: dt.date | None = None) -> Case:
        """A case with its agencies and a retention date (from closure, or provisionally from
        awareness while it is open)."""
        partnership = partnership or self.county
        agencies = [self.d.agencies[key] for key in text.agencies]
        case = Case(partnership=partnership, reference=text.reference,
                    reviewing_body=body or self.body, incident_type=text.incident,
                    aware_on=aware_on, summary=text.summary, stage=stage, closed_on=closed_on,
                    retention_until=add_years(closed_on or aware_on, RETENTION_YEARS),
                    agencies=agencies, created_at=_at(aware_on, 10),
                    incident_authority=text.incident_authority,
                    residence_authority=text.residence_authority)
        db.session.add(case)
        return case

    def rapid(self, case: Case, text: CaseText, **fields: Any) -> RapidReview:
        """The case's Rapid Review with its practice episodes."""
        rapid = RapidReview(case=case, started_on=case.aware_on, analysis=text.analysis,
                            equality_analysis=text.equality,
                            immediate_actions=text.immediate, learning=text.learning,
                            outcome_reason=text.outcome_reason,
                            panel_response=text.panel_response, **fields)
        rapid.episodes = [PracticeEpisode(position=n, title=title, description=description)
                          for n, (title, description) in enumerate(text.episodes, start=1)]
        return rapid

    def requests(self, rapid: RapidReview, aware: dt.date,
                 rows: Sequence[tuple[str, int, int, int | None]]) -> None:
        """Information requests: (agency, requested, due, received) in working days after
        awareness (received None: not yet)."""
        rapid.requests = [
            InformationRequest(agency=self.d.agencies[key], requested_on=self.wd(aware, asked),
                               due_on=self.wd(aware, due),
                               received_on=None if got is None else self.wd(aware, got),
                               asked_for="Chronology of involvement and a summary of "
                                         "analysis")
            for key, asked, due, got in rows]

    def sign(self, rapid: RapidReview, on: dt.date,
             kinds: Sequence[PartnerKind] = tuple(PartnerKind)) -> None:
        """Sign-offs by the partners of ``kinds``, on ``on`` (a working day apart)."""
        for n, kind in enumerate(kinds):
            user = self.signers[kind]
            rapid.sign_offs.append(RapidReviewSignOff(
                partner=self.partners[kind], user=user, signed_by=user.name,
                signed_at=_at(min(self.today, self.wd(on, n)), 11 + n)))

    def our_review(self, case: Case, kind: ReviewKind, published: dt.date | None,
                   specs: Sequence[RecommendationSpec], themes: Sequence[str], *,
                   url: str = "", summary: str = "") -> Review:
        """Our rapid or local review of a case, with its recommendations and actions."""
        title = ("Rapid Review" if kind is ReviewKind.RAPID_REVIEW
                 else "Local child safeguarding practice review")
        review = Review(partnership=self.county, kind=kind, case=case,
                        title=f"{title}: {case.reference}", published_on=published,
                        source=f"Wessexshire Safeguarding Children Partnership, {REVIEWING_BODY}",
                        url=url, summary=summary, themes=[self.theme(t) for t in themes])
        db.session.add(review)
        self.recommendations(review, specs, published or case.aware_on)
        return review

    def recommendations(self, review: Review, specs: Sequence[RecommendationSpec],
                        begin: dt.date, body: Body | None = None) -> None:
        """Numbered recommendations and their actions, begun on ``begin``."""
        for number, spec in enumerate(specs, start=1):
            recommendation = Recommendation(
                review=review, number=number, text=spec.text, scope=spec.scope,
                thematic_area=spec.thematic_area, agency_response=spec.response,
                agencies=[self.d.agencies[key] for key in spec.agencies],
                themes=[self.theme(t) for t in spec.themes])
            db.session.add(recommendation)
            for n, plan in enumerate(spec.actions):
                line = plan_timeline(plan.state, begin + (21 + 14 * n) * DAY, self.today,
                                     self.rng)
                action = add_action(
                    self.d, line, partnership=review.partnership,
                    year=reporting_year(line.completed_on or self.today),
                    title=plan.title, beats=plan.beats, rng=self.rng,
                    body=body or self.body, agency=plan.agency, person=plan.person,
                    detail=plan.detail, impact=plan.impact, outcome="")
                action.recommendation = recommendation

    def rapid_in_progress(self) -> None:
        """Child T: aware six working days ago, notified on time, the agencies' information
        half in (one request overdue, one due later), two episodes, analysis drafted."""
        aware = self.wd_ago(6)
        case = self.case(CHILD_T, aware, Stage.RAPID_REVIEW)
        case.notified_on = self.wd(aware, 2)
        rapid = self.rapid(case, CHILD_T)
        self.requests(rapid, aware, [("police", 1, 5, 4), ("nwh", 1, 5, 5), ("gp", 1, 4, None),
                                     ("wchmt", 3, 8, None)])
        db.session.add(rapid)

    def rapid_late(self) -> None:
        """Child S: aware 25 working days ago (past the 15), notified a day late with the
        reason, signed off by two of the three partners; the fire service's safeguarding
        lead is added to the case."""
        aware = self.wd_ago(25)
        case = self.case(CHILD_S, aware, Stage.RAPID_REVIEW)
        case.notified_on = self.wd(aware, 6)
        case.late_notification_reason = (
            "The assault was reported over a weekend and the link to exploitation was not "
            "made until the strategy discussion. The notification went one working day late; "
            "the duty guidance now asks managers to check the criteria at every strategy "
            "discussion.")
        rapid = self.rapid(case, CHILD_S, outcome=RapidOutcome.LOCAL_REVIEW,
                           shared_with_scrutineer_on=self.wd(aware, 17))
        self.requests(rapid, aware, [("police", 1, 5, 5), ("cf", 1, 5, 4), ("yjs", 1, 5, 6),
                                     ("secondary", 2, 6, 8), ("fire", 2, 6, 6),
                                     ("suh", 2, 6, 7)])
        self.sign(rapid, self.wd(aware, 17), (PartnerKind.LOCAL_AUTHORITY, PartnerKind.HEALTH))
        db.session.add(rapid)
        agency_user = self.d.users[next(e for e, k in ACCOUNT_PEOPLE.items()
                                        if k == "wscp-fire-lead")]
        case.members.append(CaseMember(
            user=agency_user, reason="The fire service's youth engagement team worked with the "
                                     "young person; its safeguarding lead contributes to the "
                                     "rapid review.",
            added_at=_at(self.wd(aware, 2), 14)))

    def completed_rapid(self, case: Case, text: CaseText, outcome: RapidOutcome,
                        decided: dt.date, agencies: Sequence[str]) -> RapidReview:
        """A Rapid Review done in time: information in, decided and signed by all three
        partners on ``decided``, shared with the scrutineer and sent to the panel."""
        aware = case.aware_on
        case.notified_on = self.wd(aware, 3)
        sent = self.wd(decided, 1)
        rapid = self.rapid(case, text, outcome=outcome, shared_with_scrutineer_on=sent,
                           sent_to_panel_on=sent, panel_response_on=self.wd(sent, 15))
        self.requests(rapid, aware, [(key, 1, 6, 4 + n % 3) for n, key in enumerate(agencies)])
        self.sign(rapid, decided)
        db.session.add(rapid)
        return rapid

    def local_in_drafting(self) -> None:
        """Child P: the rapid review chose a local review about four months ago; the reviewer
        is commissioned, the draft is due soon."""
        decided = self.working(self.today - 122 * DAY)
        aware = working_days_before(decided, 13, self.closures)
        case = self.case(CHILD_P, aware, Stage.LOCAL_REVIEW)
        self.completed_rapid(case, CHILD_P, RapidOutcome.LOCAL_REVIEW, decided,
                             CHILD_P.agencies[:5])
        target = add_months(decided, LOCAL_REVIEW_MONTHS)
        local = LocalReview(
            case=case, decided_on=decided, target_on=target,
            terms_of_reference="How agencies recognised and responded to neglect of a young "
                               "child after early help closed; how they communicated with a "
                               "parent with a learning disability; how information moved "
                               "between the nursery, health visiting and housing.",
            methodology="A systems review using a learning-together approach: agency "
                        "chronologies, a practitioner learning event, conversations with "
                        "managers, and a review panel of the agencies involved.",
            family_involvement="The parent was invited through their advocate and met the "
                               "reviewer twice, with an easy-read summary of the review. "
                               "Wider family declined to take part.",
            practitioner_involvement="A practitioner learning event with 14 practitioners "
                                     "from six agencies, and individual conversations with "
                                     "the early help worker and the nursery manager.")
        local.reviewers = [Reviewer(name="Dr Hilary Penrose",
                                    organisation="Independent safeguarding reviewer",
                                    commissioned_on=self.wd(decided, 15), ends_on=target)]
        draft = self.today + 10 * DAY
        local.milestones = [
            Milestone(kind=MilestoneKind.DRAFT_RECEIVED, due_on=draft,
                      note="The reviewer has confirmed the draft is on course."),
            Milestone(kind=MilestoneKind.APPROVED_BY_GROUP, due_on=draft + 21 * DAY),
            Milestone(kind=MilestoneKind.PRESENTED_TO_BOARD, due_on=draft + 35 * DAY),
            Milestone(kind=MilestoneKind.PUBLICATION_DECISION, due_on=draft + 35 * DAY),
            Milestone(kind=MilestoneKind.COPIES_SENT, due_on=min(target, draft + 49 * DAY)),
            Milestone(kind=MilestoneKind.PUBLISHED, due_on=max(target, draft + 56 * DAY)),
        ]
        officer = self.d.officer.id
        local.monitoring = [
            MonitoringEntry(recorded_on=decided + 42 * DAY, on_time=True, author_id=officer,
                            timeliness="Terms of reference agreed and the reviewer "
                                       "commissioned within three weeks of the decision.",
                            quality="Terms of reference focus on the right questions; the "
                                    "group asked that the parent's advocate be involved "
                                    "early."),
            MonitoringEntry(recorded_on=decided + 98 * DAY, on_time=True, author_id=officer,
                            timeliness="Practitioner event held two weeks later than planned; "
                                       "the draft is still expected on the planned date.",
                            progress="Three of the four terms of reference answered in the "
                                     "emerging findings; the housing provider's part is still "
                                     "to come.",
                            quality="The reviewer's emerging findings are well evidenced; "
                                    "the group asked for more on the housing provider's "
                                    "part.",
                            requested="The draft report by the planned date, with a section "
                                      "on the housing provider's visits."),
        ]
        db.session.add(local)
        self.our_review(case, ReviewKind.RAPID_REVIEW, self.wd(decided, 1),
                        CHILD_P.recommendations, ("Neglect", "Multi-agency working"))

    def published_with_action_plan(self) -> None:
        """Child N: the local review was published about ten months ago (redacted), and its
        action plan is about half done."""
        published = self.working(self.today - 305 * DAY)
        decided = self.working(published - 215 * DAY)
        aware = working_days_before(decided, 14, self.closures)
        case = self.case(CHILD_N, aware, Stage.ACTION_PLAN)
        self.completed_rapid(case, CHILD_N, RapidOutcome.LOCAL_REVIEW, decided,
                             CHILD_N.agencies[:6])
        target = add_months(decided, LOCAL_REVIEW_MONTHS)
        draft_done = decided + 140 * DAY
        url = "https://www.wessexshire-scp.example/reviews/child-n"
        local = LocalReview(
            case=case, decided_on=decided, target_on=target,
            terms_of_reference="How agencies understood the daily life and health needs of a "
                               "disabled young person who does not use speech; how missed "
                               "appointments were noticed and acted on; how planning for "
                               "adulthood began.",
            methodology="A hybrid review: agency reports, a practitioner learning event, and "
                        "an appreciative inquiry with the short-break providers.",
            family_involvement="The young person's views were gathered with their advocate "
                               "using their communication system. A parent met the reviewers "
                               "and read the draft before publication.",
            practitioner_involvement="Two practitioner events (health and education; social "
                                     "care and short breaks) and individual conversations.",
            publication_decision=PublicationDecision.PUBLISH_REDACTED,
            publication_risks="The young person's disability is rare and the family still "
                              "live in the county. Detail of the school placement and the "
                              "specialist equipment could identify the young person and "
                              "their siblings; the group weighed this against the public "
                              "interest in the learning.",
            publication_reason="Publish with the placement details and the sequence of "
                               "school moves removed; the learning is unaffected. The "
                               "national panel was told of the redactions.",
            published_on=published, published_url=url)
        local.reviewers = [
            Reviewer(name="Jonathan Ashby", organisation="Independent safeguarding reviewer",
                     commissioned_on=decided + 20 * DAY, ends_on=published),
            Reviewer(name="Dr Meera Kapoor", organisation="Independent paediatric adviser",
                     commissioned_on=decided + 30 * DAY, ends_on=draft_done + 30 * DAY)]
        done = {MilestoneKind.DRAFT_RECEIVED: (target - 63 * DAY, draft_done),
                MilestoneKind.APPROVED_BY_GROUP: (target - 21 * DAY, draft_done + 28 * DAY),
                MilestoneKind.PRESENTED_TO_BOARD: (target - 7 * DAY, draft_done + 49 * DAY),
                MilestoneKind.PUBLICATION_DECISION: (target - 7 * DAY, draft_done + 49 * DAY),
                MilestoneKind.COPIES_SENT: (target - 3 * DAY, published - 7 * DAY),
                MilestoneKind.PUBLISHED: (target, published)}
        local.milestones = [
            Milestone(kind=kind, due_on=due, done_on=day,
                      note=f"Published at {url}" if kind is MilestoneKind.PUBLISHED else "")
            for kind, (due, day) in done.items()]
        local.monitoring = [
            MonitoringEntry(recorded_on=decided + 45 * DAY, on_time=True,
                            timeliness="Reviewers commissioned; practitioner events booked.",
                            quality="Good engagement from health and education."),
            MonitoringEntry(recorded_on=decided + 120 * DAY, on_time=False,
                            timeliness="Draft about three weeks behind plan: the paediatric "
                                       "adviser's report came late.",
                            quality="The family's contribution is strong; more needed on "
                                    "the short-break providers."),
            MonitoringEntry(recorded_on=published - 14 * DAY, on_time=False,
                            timeliness="Publication about a month after the six-month target, "
                                       "agreed by the partners to allow the family to read "
                                       "the report.",
                            quality="Final report approved by the group without changes to "
                                    "its findings."),
        ]
        db.session.add(local)
        review = self.our_review(
            case, ReviewKind.LOCAL_REVIEW, published, CHILD_N.recommendations,
            ("Disability", "Voice of the child", "Neglect", "Transitions to adulthood"), url=url,
            summary="Learning about disabled children who do not use speech: hearing the "
                    "child, seeing the pattern in missed health appointments, and planning "
                    "for adulthood early.")
        self.learning_shared(review, published)

    def learning_shared(self, review: Review, published: dt.date) -> None:
        """How the published review's learning was shared: a briefing, a learning event and
        a practice alert, each linked to the recommendations it carried."""
        db.session.flush()
        recs = list(review.recommendations)
        for method, title, after, audience, reach, carried in (
                (DisseminationMethod.BRIEFING, "7-minute briefing: hearing children who do "
                 "not use speech", 7, "All agencies, through the partnership newsletter",
                 410, recs[:2]),
                (DisseminationMethod.LEARNING_EVENT, "Learning event: seeing the pattern in "
                 "missed health appointments", 35, "GP practices, community paediatrics and "
                 "special schools", 86, recs[1:3]),
                (DisseminationMethod.PRACTICE_ALERT, "Practice alert: planning for adulthood "
                 "from age 14", 60, "Children's and adults' social care, SEND teams", None,
                 recs[-1:])):
            db.session.add(Dissemination(
                review=review, method=method, title=title,
                held_on=min(self.today, self.working(published + after * DAY)),
                audience=audience, reach=reach, recommendations=carried,
                notes="Slides and the briefing are on the partnership's learning pages."))

    def national_referral(self) -> None:
        """Child Q: the rapid review referred the case for a national review; the panel
        accepted it."""
        decided = self.working(self.today - 150 * DAY)
        aware = working_days_before(decided, 14, self.closures)
        case = self.case(CHILD_Q, aware, Stage.NATIONAL_REVIEW)
        rapid = self.completed_rapid(case, CHILD_Q, RapidOutcome.NATIONAL_REFERRAL, decided,
                                     CHILD_Q.agencies)
        sent = rapid.sent_to_panel_on
        assert sent is not None
        db.session.add(NationalReferral(
            case=case, referred_on=sent, outcome_on=rapid.panel_response_on,
            outcome="Accepted: the case will be one of those in the panel's national review "
                    "of children criminally exploited across county lines. The partnership "
                    "will contribute its chronology and practitioners, and will not carry "
                    "out its own local review."))
        self.our_review(case, ReviewKind.RAPID_REVIEW, self.wd(decided, 1),
                        CHILD_Q.recommendations, ("Exploitation", "Information sharing"))

    def closed(self) -> None:
        """Child L: no further review; the learning was captured and the case closed."""
        decided = self.working(self.today - 420 * DAY)
        aware = working_days_before(decided, 12, self.closures)
        case = self.case(CHILD_L, aware, Stage.CLOSED,
                         closed_on=self.working(decided + 60 * DAY))
        self.completed_rapid(case, CHILD_L, RapidOutcome.NO_FURTHER_REVIEW, decided,
                             CHILD_L.agencies)
        # A looked-after child: the death was reported to the Secretary of State and Ofsted.
        case.looked_after = True
        case.secretary_of_state_notified_on = self.wd(aware, 1)
        case.ofsted_notified_on = self.wd(aware, 1)
        self.our_review(case, ReviewKind.RAPID_REVIEW, self.wd(decided, 1),
                        CHILD_L.recommendations, ("Safer sleep", "Substance misuse"))

    def merrow_notification(self) -> None:
        """Child K on the Isle of Merrow: newly notified, seen by its own partnership only."""
        aware = working_days_before(self.today, 2)
        merrow = self.d.partnerships["imscp"]
        db.session.add(ReviewSettings(partnership=merrow,
                                      rapid_review_clock=ClockStart.NOTIFICATION,
                                      local_review_months=LOCAL_REVIEW_MONTHS,
                                      retention_years=RETENTION_YEARS))
        self.case(CHILD_K, aware, Stage.NOTIFICATION, partnership=merrow,
                  body=self.d.body("imscp", "Rapid Review Panel"))

    def national_panel_review(self) -> None:
        """A national panel thematic review, taken in by the Learning and Inquiry Group."""
        published = self.today - 480 * DAY
        received = published + 12 * DAY
        review = Review(
            partnership=self.county, kind=ReviewKind.NATIONAL_PANEL,
            title="Safeguarding disabled children living in residential settings: national "
                  "panel thematic review",
            source="Child Safeguarding Practice Review Panel (national panel thematic review)",
            published_on=published,
            received_how=f"Sent to every partnership by the national panel on "
                         f"{long_date(received)}, with a letter asking for a "
                         f"self-assessment against each recommendation. Discussed at the "
                         f"Learning and Inquiry Group and the Executive Group.",
            url="https://www.national-panel.example/reviews/disabled-children-residential",
            summary="A thematic review of serious harm to disabled children with complex "
                    "needs in residential special schools and children's homes. It found "
                    "that placing areas and host areas each assumed the other was watching, "
                    "and that children's health needs went unreviewed.",
            themes=[self.theme(t) for t in ("Disability", "Voice of the child",
                                             "Multi-agency working")])
        db.session.add(review)
        self.recommendations(review, PANEL_RECOMMENDATIONS, received)

    def national_inquiry(self) -> None:
        """A national inquiry's recommendation, split into thematic areas for the local
        response, led by the Child Exploitation Group."""
        published = self.today - 560 * DAY
        update = published + 190 * DAY
        review = Review(
            partnership=self.county, kind=ReviewKind.NATIONAL_INQUIRY,
            title="Exploitation of children by organised networks: national inquiry "
                  "recommendation 5 (exploitation data)",
            source="Independent national inquiry into child sexual abuse; national policing "
                   "update on recommendation 5",
            published_on=published,
            received_how=f"The inquiry's report was considered by the Child Exploitation "
                         f"Group when it was published. The national policing update "
                         f"({update:%B %Y}) was brought by Wessexshire Constabulary's public "
                         f"protection lead; the group split recommendation 5 into three "
                         f"thematic areas for the local response.",
            summary="Recommendation 5 asks police forces and local authorities to collect "
                    "exploitation data separately, broken down by sex, ethnicity and "
                    "disability, and to use it for profiling, disruption and commissioning.",
            themes=[self.theme(t) for t in ("Exploitation", "Race, ethnicity and culture")])
        db.session.add(review)
        self.recommendations(review, INQUIRY_RECOMMENDATIONS, update,
                             body=self.d.body(COUNTY, "Child Exploitation Group"))


# --- action timelines -------------------------------------------------------------------------


def _cadence(rng: random.Random, first: dt.date, last: dt.date) -> list[dt.date]:
    """Update dates roughly every six weeks from ``first``, ending on ``last``."""
    if last <= first:
        return [last]
    days = [first]
    while days[-1] + 55 * DAY < last:
        days.append(days[-1] + rng.randint(35, 49) * DAY)
    days.append(last)
    return days


def plan_timeline(state: str, begin: dt.date, today: dt.date, rng: random.Random) -> Timeline:
    """An action plan action begun around ``begin`` and standing as ``state`` on ``today``:
    complete (with its date), green (on track), amber (due soon, little progress), red
    (past its target) or planned (to start later)."""
    created = min(begin, today)
    if state == "planned":
        start = today + rng.randint(20, 60) * DAY
        return Timeline(Status.NOT_STARTED, start, start + 150 * DAY, created, 0, None, ())
    start = min(begin, today - 75 * DAY)
    created = min(created, start)
    if state == "complete":
        done = min(start + rng.randint(100, 200) * DAY, today - rng.randint(8, 30) * DAY)
        target = done + rng.randint(0, 25) * DAY
        days = _cadence(rng, start + 14 * DAY, done)
        points = [UpdatePoint(day, Status.IN_PROGRESS, round(100 * (i + 1) / len(days)),
                              Rating.GREEN) for i, day in enumerate(days)]
        points[-1] = UpdatePoint(done, Status.COMPLETE, 100, Rating.GREEN)
        return Timeline(Status.COMPLETE, start, target, created, 100, done, tuple(points))
    if state == "red":
        target = today - rng.randint(20, 45) * DAY
        percent, last, final = rng.randint(40, 60), today - rng.randint(5, 18) * DAY, Rating.RED
    elif state == "amber":
        target = today + rng.randint(8, 20) * DAY
        percent, last, final = rng.randint(30, 50), today - rng.randint(5, 18) * DAY, Rating.AMBER
    else:
        target = today + rng.randint(60, 150) * DAY
        percent, last, final = rng.randint(40, 65), today - rng.randint(3, 20) * DAY, Rating.GREEN
    days = _cadence(rng, start + 14 * DAY, last)
    points = [UpdatePoint(day, Status.IN_PROGRESS, max(5, round(percent * (i + 1) / len(days))),
                          Rating.GREEN) for i, day in enumerate(days)]
    points[-1] = UpdatePoint(last, Status.IN_PROGRESS, percent, final)
    return Timeline(Status.IN_PROGRESS, start, max(target, start + DAY), created, percent, None,
                    tuple(points))


# --- the scaled synthetic data set ---------------------------------------------------------

# How the 20 cases of a synthetic partnership stand (stage, and for open rapid reviews
# whether they are late).
SYNTHETIC_STAGES: tuple[tuple[Stage, str], ...] = (
    *((Stage.NOTIFICATION, "new"),) * 2,
    *((Stage.RAPID_REVIEW, "on time"),) * 3,
    *((Stage.RAPID_REVIEW, "late"),) * 2,
    *((Stage.NATIONAL_REVIEW, ""),) * 2,
    *((Stage.LOCAL_REVIEW, ""),) * 5,
    *((Stage.ACTION_PLAN, ""),) * 4,
    *((Stage.CLOSED, ""),) * 2,
)
# Stage -> how long ago (in days, low and high) its cases' partners became aware.
AWARE_DAYS_AGO = {Stage.NATIONAL_REVIEW: (60, 300), Stage.LOCAL_REVIEW: (60, 190),
                  Stage.ACTION_PLAN: (300, 700), Stage.CLOSED: (200, 700)}
SYNTHETIC_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
SYNTHETIC_RECOMMENDATIONS = (
    "Improve how agencies share information when a family moves between areas.",
    "Make sure the child's own view is sought and recorded in every assessment.",
    "Use the neglect toolkit whenever early help closes for disengagement.",
    "Screen for exploitation whenever a child known to go missing is excluded.",
    "Tailor safer sleep advice where parents use alcohol or drugs.",
    "Review the escalation policy and check practitioners use it.",
)


class BulkReviews:
    """Writes synthetic cases, reviews, recommendations and actions with bulk inserts."""

    def __init__(self, today: dt.date, rng: random.Random) -> None:
        self.today, self.rng = today, rng
        self.counts: Counter[str] = Counter()

    def insert(self, model: Any, rows: list[dict[str, Any]], label: str) -> list[int]:
        """Insert rows, returning their ids in order."""
        if not rows:
            return []
        ids = list(db.session.scalars(
            sa.insert(model).returning(model.id, sort_by_parameter_order=True), rows))
        self.counts[label] += len(ids)
        return ids

    def link(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """Insert rows into a link table."""
        if rows:
            db.session.execute(table.insert(), rows)

    def partnership(self, partnership_id: int, theme_ids: Sequence[int]) -> None:
        """Twenty cases across the stages for one synthetic partnership."""
        today, rng = self.today, self.rng
        bodies = db.session.scalars(sa.select(Body).where(
            Body.partnership_id == partnership_id).order_by(Body.position, Body.id)).all()
        body = next((b for b in bodies if b.kind is BodyKind.SUBGROUP), bodies[0])
        agency_ids = list(db.session.scalars(sa.select(Agency.id).where(
            Agency.partnership_id == partnership_id).order_by(Agency.id)))
        person_ids = list(db.session.scalars(
            sa.select(Person.id).join(Agency, Person.agency_id == Agency.id)
            .where(Agency.partnership_id == partnership_id).order_by(Person.id)))
        partner_ids = list(db.session.scalars(sa.select(StatutoryPartner.id).where(
            StatutoryPartner.partnership_id == partnership_id).order_by(StatutoryPartner.id)))
        db.session.execute(sa.insert(ReviewSettings), [{
            "partnership_id": partnership_id, "rapid_review_clock": ClockStart.AWARENESS,
            "local_review_months": LOCAL_REVIEW_MONTHS, "retention_years": RETENTION_YEARS,
            "version": 1}])

        cases = []
        for n, (stage, state) in enumerate(SYNTHETIC_STAGES):
            if stage is Stage.NOTIFICATION:
                aware = working_days_before(today, rng.randint(0, 3))
            elif stage is Stage.RAPID_REVIEW:
                aware = working_days_before(today, rng.randint(3, 12) if state == "on time"
                                            else rng.randint(17, 30))
            else:
                aware = today - rng.randint(*AWARE_DAYS_AGO[stage]) * DAY
            closed = (aware + rng.randint(40, 90) * DAY) if stage is Stage.CLOSED else None
            late = n % 4 == 0 and stage is not Stage.NOTIFICATION
            cases.append({
                "partnership_id": partnership_id,
                "reference": f"Child {SYNTHETIC_LETTERS[n % len(SYNTHETIC_LETTERS)]}"
                             f"{n // len(SYNTHETIC_LETTERS) or ''}",
                "reviewing_body_id": body.id,
                "incident_type": IncidentType.DEATH if n % 3 == 0 else IncidentType.SERIOUS_HARM,
                "aware_on": aware, "stage": stage,
                "summary": "A synthetic case for measuring the service.",
                "notified_on": None if stage is Stage.NOTIFICATION else min(
                    today, add_working_days(aware, 6 if late else 3)),
                "late_notification_reason": "Synthetic: notified late." if late else "",
                "closed_on": closed,
                "retention_until": add_years(closed or aware, RETENTION_YEARS),
                "created_at": _at(aware), "version": 1})
        case_ids = self.insert(Case, cases, "cases")
        self.link(case_agency, [{"case_id": case_id, "agency_id": agency_ids[(n + k) % len(
            agency_ids)]} for n, case_id in enumerate(case_ids) for k in range(4)])

        reviewed = [(case_id, row) for case_id, row in zip(case_ids, cases, strict=True)
                    if row["stage"] is not Stage.NOTIFICATION]
        self.rapid_reviews(reviewed, agency_ids, partner_ids)
        published_of = self.local_reviews(reviewed)
        recommendations = self.our_reviews(partnership_id, reviewed, published_of, theme_ids,
                                           agency_ids)
        self.actions(partnership_id, body.id, recommendations, agency_ids, person_ids)

    def rapid_reviews(self, reviewed: Sequence[tuple[int, dict[str, Any]]],
                      agency_ids: Sequence[int], partner_ids: Sequence[int]) -> None:
        """Rapid Reviews (done for cases past that stage), with requests, episodes and
        sign-offs, and the national referrals."""
        today, rng = self.today, self.rng
        rapid_rows = []
        for case_id, row in reviewed:
            done = row["stage"] is not Stage.RAPID_REVIEW
            decided = add_working_days(row["aware_on"], 14)
            outcome = {Stage.NATIONAL_REVIEW: RapidOutcome.NATIONAL_REFERRAL,
                       Stage.CLOSED: RapidOutcome.NO_FURTHER_REVIEW}.get(
                           row["stage"], RapidOutcome.LOCAL_REVIEW)
            rapid_rows.append({
                "case_id": case_id, "started_on": row["aware_on"], "analysis": "Synthetic.",
                "equality_analysis": "", "learning": "Synthetic learning." if done else "",
                "outcome": outcome if done else None, "outcome_reason": "",
                "shared_with_scrutineer_on": decided if done else None,
                "sent_to_panel_on": decided if done else None,
                "panel_response_on": add_working_days(decided, 10) if done else None,
                "panel_response": "Agreed." if done else "", "version": 1})
        rapid_ids = self.insert(RapidReview, rapid_rows, "rapid reviews")
        requests, episodes, sign_offs = [], [], []
        for rapid_id, (_case_id, row) in zip(rapid_ids, reviewed, strict=True):
            aware, done = row["aware_on"], row["stage"] is not Stage.RAPID_REVIEW
            for k in range(4):
                due = add_working_days(aware, 5)
                got = add_working_days(aware, 3 + k)
                requests.append({
                    "rapid_review_id": rapid_id, "agency_id": agency_ids[k],
                    "asked_for": "Chronology and summary", "requested_on": aware,
                    "due_on": due, "received_on": got if done or (got < today and k < 3)
                    else None, "version": 1})
            episodes += [{"rapid_review_id": rapid_id, "position": k, "title": f"Episode {k}",
                          "description": "Synthetic practice episode.", "version": 1}
                         for k in (1, 2)]
            signers = partner_ids if done else partner_ids[:rng.randint(0, 2)]
            sign_offs += [{"rapid_review_id": rapid_id, "partner_id": partner_id,
                           "user_id": None, "signed_by": "Synthetic partner",
                           "signed_at": _at(min(today, add_working_days(aware, 14)))}
                          for partner_id in signers]
        self.insert(InformationRequest, requests, "information requests")
        self.insert(PracticeEpisode, episodes, "practice episodes")
        self.insert(RapidReviewSignOff, sign_offs, "sign-offs")

        national = [(case_id, row) for case_id, row in reviewed
                    if row["stage"] is Stage.NATIONAL_REVIEW]
        self.insert(NationalReferral, [{
            "case_id": case_id, "referred_on": add_working_days(row["aware_on"], 15),
            "outcome_on": None, "outcome": "", "version": 1} for case_id, row in national],
            "national referrals")

    def local_reviews(self, reviewed: Sequence[tuple[int, dict[str, Any]]]
                      ) -> dict[int, dt.date | None]:
        """Local reviews with their milestones; return each case's publication date."""
        today = self.today
        local = [(case_id, row) for case_id, row in reviewed
                 if row["stage"] in (Stage.LOCAL_REVIEW, Stage.ACTION_PLAN)]
        local_rows = []
        for case_id, row in local:
            decided = add_working_days(row["aware_on"], 14)
            published = add_months(decided, 6) if row["stage"] is Stage.ACTION_PLAN else None
            local_rows.append({
                "case_id": case_id, "decided_on": decided,
                "target_on": add_months(decided, LOCAL_REVIEW_MONTHS),
                "terms_of_reference": "Synthetic terms of reference.",
                "methodology": "Systems review.", "family_involvement": "",
                "practitioner_involvement": "",
                "publication_decision": PublicationDecision.PUBLISH if published else None,
                "publication_risks": "", "publication_reason": "",
                "published_on": published, "published_url": "", "version": 1})
        local_ids = self.insert(LocalReview, local_rows, "local reviews")
        published_of = {row["case_id"]: row["published_on"] for row in local_rows}
        milestones = []
        for local_id, row in zip(local_ids, local_rows, strict=True):
            target = row["target_on"]
            for k, kind in enumerate(MilestoneKind):
                due = target - (len(MilestoneKind) - 1 - k) * 14 * DAY
                milestones.append({"local_review_id": local_id, "kind": kind, "due_on": due,
                                   "done_on": due if due < today - 7 * DAY else None,
                                   "note": "", "version": 1})
        self.insert(Milestone, milestones, "milestones")
        return published_of

    def our_reviews(self, partnership_id: int, reviewed: Sequence[tuple[int, dict[str, Any]]],
                    published_of: dict[int, dt.date | None], theme_ids: Sequence[int],
                    agency_ids: Sequence[int]) -> list[tuple[int, dt.date]]:
        """Our reviews' recommendations: of finished rapid reviews and published local
        reviews. Return each recommendation's id and the day its actions may begin."""
        reviews, specs = [], []
        for case_id, row in reviewed:
            if row["stage"] is Stage.RAPID_REVIEW:
                continue
            kind = (ReviewKind.LOCAL_REVIEW if row["stage"] is Stage.ACTION_PLAN
                    else ReviewKind.RAPID_REVIEW)
            begun = published_of.get(case_id) or add_working_days(row["aware_on"], 15)
            reviews.append({"partnership_id": partnership_id, "kind": kind, "case_id": case_id,
                            "title": f"{kind.label}: {row['reference']}", "source": "",
                            "published_on": begun, "received_how": "", "url": "",
                            "summary": "", "version": 1})
            specs.append((begun, 4 if kind is ReviewKind.LOCAL_REVIEW else 2))
        review_ids = self.insert(Review, reviews, "reviews")
        self.link(review_theme, [{"review_id": review_id,
                                  "theme_id": theme_ids[(n + k) % len(theme_ids)]}
                                 for n, review_id in enumerate(review_ids) for k in (0, 1)])
        recommendations, begins = [], []
        for review_id, (begun, count) in zip(review_ids, specs, strict=True):
            for k in range(count):
                recommendations.append({
                    "review_id": review_id, "number": k + 1,
                    "text": SYNTHETIC_RECOMMENDATIONS[(review_id + k) % len(
                        SYNTHETIC_RECOMMENDATIONS)],
                    "scope": Scope.LOCAL if k % 3 else Scope.REGIONAL, "thematic_area": "",
                    "agency_response": "Accepted.", "version": 1})
                begins.append(begun)
        recommendation_ids = self.insert(Recommendation, recommendations, "recommendations")
        self.link(recommendation_agency, [
            {"recommendation_id": rid, "agency_id": agency_ids[n % len(agency_ids)]}
            for n, rid in enumerate(recommendation_ids)])
        self.link(recommendation_theme, [
            {"recommendation_id": rid, "theme_id": theme_ids[n % len(theme_ids)]}
            for n, rid in enumerate(recommendation_ids)])
        return list(zip(recommendation_ids, begins, strict=True))

    def actions(self, partnership_id: int, body_id: int,
                recommendations: Sequence[tuple[int, dt.date]], agency_ids: Sequence[int],
                person_ids: Sequence[int]) -> None:
        """Two actions for each (recommendation, day it begins), with progress updates."""
        states = ("complete", "green", "complete", "red", "amber", "green", "planned")
        rows, lines = [], []
        for n, (rid, begun) in enumerate(recommendations):
            for k in range(2):
                state = states[(n * 2 + k) % len(states)]
                line = plan_timeline(state, begun + 21 * DAY, self.today, self.rng)
                lines.append(line)
                rows.append({
                    "partnership_id": partnership_id,
                    "year": reporting_year(line.completed_on or self.today),
                    "title": f"Act on recommendation {n + 1}, part {k + 1}",
                    "detail": "", "objective_id": None, "phase_id": None, "meeting_id": None,
                    "recommendation_id": rid, "source_note": "", "body_id": body_id,
                    "lead_agency_id": agency_ids[(n + k) % len(agency_ids)],
                    "lead_person_id": person_ids[(n + k) % len(person_ids)]
                    if person_ids else None,
                    "start_date": line.start, "target_date": line.target,
                    "status": line.status, "percent_complete": line.percent,
                    "completed_on": line.completed_on,
                    "outcome": "Completed." if line.status is Status.COMPLETE else "",
                    "impact": "Synthetic evidence of impact."
                    if line.status is Status.COMPLETE else "",
                    "carried_from_id": None, "created_at": _at(line.created, 9), "version": 1})
        ids = self.insert(Action, rows, "review actions")
        updates = [{"action_id": action_id, "recorded_on": point.day,
                    "created_at": _at(point.day, 15), "author_id": None,
                    "author_name": "Synthetic lead", "narrative": "Progress reported.",
                    "proposed_rating": point.rating, "status": point.status,
                    "percent_complete": point.percent, "impact": "",
                    "children_and_families": False, "corrects_id": None}
                   for action_id, line in zip(ids, lines, strict=True) for point in line.updates]
        if updates:
            db.session.execute(sa.insert(ProgressUpdate), updates)
            self.counts["review progress updates"] += len(updates)


def load_synthetic_reviews(today: dt.date | None = None) -> dict[str, int]:
    """Give every synthetic partnership twenty cases across the stages, with rapid and local
    reviews, recommendations and actions (run after the synthetic register)."""
    today = today or clock.today()
    bulk = BulkReviews(today, random.Random(REVIEWS_SEED))  # noqa: S311 - synthetic data
    theme_ids = list(db.session.scalars(sa.select(Theme.id).order_by(Theme.id)))
    if not theme_ids:
        theme_ids = bulk.insert(Theme, [{"name": name, "description": description,
                                         "active": True, "version": 1}
                                        for name, description in DEMO_THEMES], "themes")
    partnerships = db.session.scalars(sa.select(Partnership.id).where(
        Partnership.slug.like("synthetic-%")).order_by(Partnership.id)).all()
    for partnership_id in partnerships:
        bulk.partnership(partnership_id, theme_ids)
    return {f"synthetic {what}": n for what, n in bulk.counts.items()}


# Learning from elsewhere that each synthetic partnership acts on: a neighbouring partnership's
# published review, with its recommendations and the actions taken on each (title, stalls,
# evidence of impact when done).
SYNTHETIC_LEARNING_TITLE = ("A neighbouring partnership's review: a baby harmed after the "
                            "family moved between areas")
SYNTHETIC_LEARNING_SUMMARY = (
    "A local child safeguarding practice review published by a neighbouring partnership. "
    "Records did not follow the family when they moved, and each area assumed the other was "
    "still working with them.")
SYNTHETIC_LEARNING: tuple[tuple[str, tuple[tuple[str, bool, str], ...]], ...] = (
    ("Make sure records and open plans follow a family who moves to another area, and that "
     "the receiving area confirms it has taken over.",
     (("Agree a transfer-in protocol with the neighbouring partnerships", False,
       "Every family moving in with an open plan in the last quarter had it handed over at a "
       "meeting, where before most transfers were by letter alone."),
      ("Audit transfers in and out of the area six months on", True, ""))),
    ("Check that safer sleep advice reaches parents who move during pregnancy or soon after "
     "the birth.",
     (("Add safer sleep advice to the health visiting transfer-in visit", False,
       "Health visitors recorded safer sleep advice at the transfer-in visit for almost every "
       "family in the sample checked."),)),
    ("Brief practitioners on the learning, and check it has reached the front line.",
     (("Brief practitioners on the learning in every agency's team meetings", False,
       "Practitioners asked three months later could name the review's main learning point, "
       "and managers said it was discussed in supervision."),)),
)


def load_synthetic_learning(scale: int, today: dt.date | None) -> dict[str, int]:
    """Give each synthetic partnership a review from elsewhere to act on, published four
    months into its last complete year, with its recommendations and the actions taken on
    them (after the synthetic cases); return the counts."""
    day = today or clock.today()
    rng = random.Random(REVIEWS_SEED + scale)  # noqa: S311 - synthetic data, not security
    reviews = actions = 0
    for partnership in synthetic_partnerships(scale):
        agencies = list(db.session.scalars(sa.select(Agency).where(
            Agency.partnership_id == partnership.id, Agency.is_group.is_(False))
            .order_by(Agency.id)))
        body = next((b for b in partnership.bodies if b.kind is BodyKind.SUBGROUP), None)
        first, _last = last_complete_year(partnership, day)
        published = first + 120 * DAY
        received = published + 10 * DAY
        review = Review(
            partnership=partnership, kind=ReviewKind.OTHER_PARTNERSHIP,
            title=SYNTHETIC_LEARNING_TITLE, source="A neighbouring safeguarding children "
                                                   "partnership",
            published_on=published, summary=SYNTHETIC_LEARNING_SUMMARY,
            received_how=f"Shared by the neighbouring partnership on {long_date(received)} and "
                         f"discussed at the {body.name if body else 'Executive'}.")
        db.session.add(review)
        reviews += 1
        for number, (text, planned) in enumerate(SYNTHETIC_LEARNING, start=1):
            recommendation = Recommendation(
                review=review, number=number, text=text, scope=Scope.LOCAL,
                agency_response="Accepted: the partnership will act on it in full.",
                agencies=agencies[number:number + 2])
            db.session.add(recommendation)
            for n, (title, stalls, impact) in enumerate(planned):
                lead = agencies[(number + n) % len(agencies)] if agencies else None
                add_followup(partnership, arising(received + 7 * n * DAY, day, rng,
                                                  stuck=stalls, weeks=(10, 20)),
                             title=title, detail=f"In response to recommendation {number} of "
                                                 f"\u201c{SYNTHETIC_LEARNING_TITLE}\u201d.",
                             beats=("Agreed as the partnership's response to the review's "
                                    "recommendation; lead and timescale confirmed.",
                                    "Work under way with the agencies concerned.",
                                    "Finished and reported to the partnership."),
                             rng=rng, body=body, agency=lead, impact=impact,
                             recommendation=recommendation)
                actions += 1
    db.session.flush()
    return {"synthetic reviews from elsewhere": reviews,
            "synthetic actions on reviews from elsewhere": actions}
