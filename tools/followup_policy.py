"""Pure time arithmetic of the follow-up cadence: time zones, contact hours, caps.

Everything here works on naive UTC datetimes (Odoo's storage format) and plain
values, so the planner's hard cases (a candidate's night, DST changes, caps) are
decided in one place and tested without sending anything.
"""

from datetime import datetime, time, timedelta

import pytz


def resolve_tz(*names):
    """The first valid time zone among ``names``, else UTC."""
    for name in names:
        if name and name in pytz.all_timezones_set:
            return pytz.timezone(name)
    return pytz.utc


def hour_to_time(hour):
    """09.5 -> 09:30; 24.0 -> end of day."""
    if hour >= 24:
        return time.max
    minutes = round(hour * 60)
    return time(minutes // 60, minutes % 60)


def to_local(dt_utc, tz):
    return pytz.utc.localize(dt_utc).astimezone(tz)


def to_utc(local_dt):
    return local_dt.astimezone(pytz.utc).replace(tzinfo=None)


def localize(day, at, tz):
    """``day`` at wall-clock ``at`` in ``tz``; a time skipped by DST moves forward."""
    naive = datetime.combine(day, at)
    try:
        return tz.localize(naive, is_dst=None)
    except pytz.NonExistentTimeError:
        return tz.normalize(tz.localize(naive, is_dst=False))
    except pytz.AmbiguousTimeError:
        return tz.localize(naive, is_dst=False)


def next_allowed(dt_utc, tz, hour_from, hour_to):
    """The first instant at or after ``dt_utc`` inside the contact hours in ``tz``.

    Contact hours are [hour_from, hour_to) local time, every day.
    """
    local = to_local(dt_utc, tz)
    start, end = hour_to_time(hour_from), hour_to_time(hour_to)
    day = local.date()
    if local.time() < start:
        return to_utc(localize(day, start, tz))
    if local.time() >= end:
        return to_utc(localize(day + timedelta(days=1), start, tz))
    return dt_utc


def next_open(dt_utc, tz, hour_from, hour_to, holidays=frozenset()):
    """``next_allowed``, skipping the candidate's local days in ``holidays``.

    :param holidays: dates (local calendar days) on which nothing automated
        reaches the candidate: it waits for the next day's contact hours.
    """
    moved = next_allowed(dt_utc, tz, hour_from, hour_to)
    # A year of holidays in a row cannot happen; the bound keeps a bad
    # calendar (every day a holiday) from looping forever.
    for _guard in range(366):
        day = to_local(moved, tz).date()
        if day not in holidays:
            return moved
        moved = next_allowed(
            to_utc(localize(day + timedelta(days=1), time.min, tz)),
            tz,
            hour_from,
            hour_to,
        )
    return moved


def holiday_days(date_from, date_to, tz):
    """The local calendar days in ``tz`` that a public holiday touches.

    ``date_from`` / ``date_to`` are naive UTC (Odoo's ``resource.calendar.leaves``);
    a holiday ending at midnight does not touch the next day.
    """
    first = to_local(date_from, tz).date()
    last = to_local(max(date_to - timedelta(seconds=1), date_from), tz).date()
    # Bounded: a leave typed over decades is a typo, not a reason to stall.
    days = min((last - first).days, 3660)
    return {first + timedelta(days=offset) for offset in range(days + 1)}


def local_day_start(dt_utc, tz, days=0):
    day = to_local(dt_utc, tz).date() + timedelta(days=days)
    return to_utc(localize(day, time.min, tz))


def cap_release(due, contacts, tz, per_day=0, per_week=0):
    """The first instant at or after ``due`` that respects the caps.

    :param contacts: sorted naive UTC datetimes of the outbound contacts already
        made or queued (manual ones included)
    :param per_day: at most this many contacts per local calendar day (0: no cap)
    :param per_week: at most this many contacts in any 7 rolling days (0: no cap)
    """
    for _guard in range(len(contacts) + 2):
        moved = due
        if per_day:
            day_start = local_day_start(moved, tz)
            day_end = local_day_start(moved, tz, days=1)
            if sum(day_start <= c < day_end for c in contacts) >= per_day:
                moved = day_end
        if per_week:
            window = [c for c in contacts if moved - timedelta(days=7) < c <= moved]
            if len(window) >= per_week:
                # Free again when the oldest contact that keeps the cap full leaves
                # the 7-day window.
                moved = window[len(window) - per_week] + timedelta(days=7, seconds=1)
        if moved == due:
            return due
        due = moved
    return due
