"""Calendar invites for meetings (RFC 5545 / iTIP, built with icalendar).

Every invited participant with an e-mail address gets a METHOD:REQUEST with the
meeting's stable UID; each reschedule sends it again with a higher SEQUENCE, and
a cancellation sends METHOD:CANCEL. An invite carries no personal data of the
pupil: the title is "Möte — Samverkan" and the text is a link.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from cases.models import Meeting

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TITLE = "Möte — Samverkan"


def _uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@samverkan"


def _link(meeting: Meeting) -> str:
    base = settings.SITE_URL.rstrip("/")
    return base + reverse("cases:meeting_detail", args=[meeting.pk])


def calendar_for(meeting: Meeting, *, method: str, attendees: list[str]) -> bytes:
    """The iCalendar document for one meeting."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Stockholms stad//Samverkan//SV")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", _uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    start = timezone.localtime(meeting.starts_at, STOCKHOLM)
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(minutes=meeting.duration_minutes))
    event.add("summary", TITLE)
    event.add("description", f"Se mötet i Samverkan: {_link(meeting)}")
    if meeting.place:
        event.add("location", meeting.place)
    elif meeting.video_link:
        event.add("location", meeting.video_link)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = icalendar.vCalAddress(
        f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('>')}"
    )
    organizer.params["cn"] = icalendar.vText("Samverkan")
    event["organizer"] = organizer
    for email in attendees:
        attendee = icalendar.vCalAddress(f"mailto:{email}")
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = icalendar.vText("TRUE")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def _attendees(meeting: Meeting) -> list[str]:
    emails = []
    for participant in meeting.participants.select_related("user"):
        email = participant.email or (participant.user.email if participant.user_id else "")
        if email and email not in emails:
            emails.append(email)
    return emails


def meeting_invites_send(meeting: Meeting, *, method: str = "REQUEST") -> int:
    """Send the invite (REQUEST) or cancellation (CANCEL) to every participant
    with an e-mail address. Returns how many were sent."""
    attendees = _attendees(meeting)
    if not attendees:
        return 0
    ics = calendar_for(meeting, method=method, attendees=attendees)
    start = timezone.localtime(meeting.starts_at, STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    if method == "CANCEL":
        subject = f"Inställt: {TITLE} {start}"
        body = f"Mötet {start} är inställt.\n\n{_link(meeting)}\n"
    else:
        subject = f"{TITLE} {start}"
        body = f"Du är inbjuden till ett möte {start}.\n\nSe mötet i Samverkan: {_link(meeting)}\n"
    sent = 0
    for email in attendees:
        message = EmailMultiAlternatives(subject, body, to=[email])
        message.attach_alternative(ics.decode(), f"text/calendar; method={method}; charset=UTF-8")
        message.attach("invite.ics", ics, f"application/ics; method={method}")
        sent += message.send(fail_silently=False)
    return sent
