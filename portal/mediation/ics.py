"""An iCalendar (.ics) file for a booked mediation appointment, so a family can add it to their calendar."""

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from portal.mediation.models import MODES, Booking, MediationRequest
from portal.mediation.service import slot_starts


def booking_calendar(request: MediationRequest, booking: Booking, base_url: str) -> bytes:
    """One VEVENT with the time in Europe/London; the summary names no child and no decision."""
    slot = booking.slot
    starts = slot_starts(slot)
    calendar = Calendar()
    calendar.add("prodid", "-//SEND family portal//Mediation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"mediation-booking-{booking.id}@{base_url.split('//')[-1].split('/')[0] or 'portal'}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=slot.minutes))
    event.add("summary", _("Mediation appointment (%(reference)s)", reference=request.reference))
    where = str(MODES.get(slot.mode, slot.mode))
    if slot.place:
        where = f"{where}: {slot.place}"
    event.add("location", where)
    event.add("url", f"{base_url.rstrip('/')}/mediation/requests/{request.id}/booking")
    event.add(
        "description",
        _(
            "Your mediation appointment. Details and changes: %(link)s",
            link=f"{base_url.rstrip('/')}/mediation/requests/{request.id}/booking",
        ),
    )
    calendar.add_component(event)
    return calendar.to_ical()
