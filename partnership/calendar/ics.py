"""Writing iCalendar (.ics) files: one meeting, or a user's whole feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from partnership.calendar.services import DueDate, meeting_owner, meeting_words
from partnership.meetings.models import Meeting, MeetingStatus

UK = ZoneInfo("Europe/London")
PRODUCT = "-//Safeguarding children partnership tracker//Calendar//EN"
UID_DOMAIN = "safeguarding-partnership-tracker"
# Meetings record a start time but no end: calendars show them as two hours long.
MEETING_LENGTH = dt.timedelta(hours=2)
STATUS = {MeetingStatus.SCHEDULED: "CONFIRMED", MeetingStatus.HELD: "CONFIRMED",
          MeetingStatus.CANCELLED: "CANCELLED"}


def uk_time_zone() -> Timezone:
    """Describe UK time by its rule (summer time from the last Sunday of March to the last
    Sunday of October), which holds for every year, unlike a list of past changes."""
    zone = Timezone()
    zone.add("tzid", "Europe/London")
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("dtstart", dt.datetime(1970, 10, 25, 2, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    winter.add("tzoffsetfrom", dt.timedelta(hours=1))
    winter.add("tzoffsetto", dt.timedelta(0))
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("dtstart", dt.datetime(1970, 3, 29, 1, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    summer.add("tzoffsetfrom", dt.timedelta(0))
    summer.add("tzoffsetto", dt.timedelta(hours=1))
    zone.add_component(winter)
    zone.add_component(summer)
    return zone


def new_calendar(name: str) -> Calendar:
    """Start a calendar with its product, version, name and UK time zone."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add_component(uk_time_zone())
    return calendar


def meeting_event(meeting: Meeting, url: str, stamp: dt.datetime) -> Event:
    """Return a meeting as an event: at its start time (UK time) if set, else all day."""
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", meeting_words(meeting))
    if meeting.starts_at is not None:
        start = dt.datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=UK)
        event.add("dtstart", start)
        event.add("dtend", start + MEETING_LENGTH)
    else:
        event.add("dtstart", meeting.held_on)
        event.add("dtend", meeting.held_on + dt.timedelta(days=1))
    if meeting.location:
        event.add("location", meeting.location)
    owner = meeting_owner(meeting)
    about = f"Meeting of {meeting.body.name}" + (f", {owner}" if owner else "")
    event.add("description", f"{about}.\n{url}")
    event.add("url", url)
    event.add("status", STATUS[meeting.status])
    event.add("sequence", meeting.version)
    return event


def due_event(due: DueDate, url: str, stamp: dt.datetime) -> Event:
    """Return a due date as an all-day event that shows as free time."""
    event = Event()
    event.add("uid", f"{due.uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", due.summary)
    event.add("dtstart", due.due)
    event.add("dtend", due.due + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("description", url)
    event.add("url", url)
    return event


def meeting_file(meeting: Meeting, url: str, stamp: dt.datetime) -> bytes:
    """Return one meeting as an .ics file."""
    calendar = new_calendar(meeting_words(meeting))
    calendar.add_component(meeting_event(meeting, url, stamp))
    return calendar.to_ical()


def feed_file(name: str, meetings: Iterable[Meeting], due_dates: Iterable[DueDate],
              meeting_url: Callable[[Meeting], str], due_url: Callable[[DueDate], str],
              stamp: dt.datetime) -> bytes:
    """Return a user's feed: their meetings and due dates."""
    calendar = new_calendar(name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, meeting_url(meeting), stamp))
    for due in due_dates:
        calendar.add_component(due_event(due, due_url(due), stamp))
    return calendar.to_ical()
