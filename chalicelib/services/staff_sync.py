"""Make a staff member's log-in and subscriptions match their stored profile (the one truth).

A staff change stores the profile and a `staff_sync` outbox item in one transaction; this
carries the item out (right away in the request, else from the stream or the sweeper), so a
Cognito or SNS failure part-way is finished later instead of leaving two truths. Every step
sets a state rather than applying a difference, so doing it again changes nothing.
"""

from __future__ import annotations

from chalicelib.domain.deliveries import StaffSync
from chalicelib.services.ports import StaffSyncNeeds


def sync(wanted: StaffSync, a: StaffSyncNeeds) -> str:
    username = wanted.username
    member = a.directory.staff(username)
    if member is None:
        return "no profile"
    a.identity.create_user(username, None)  # an account whose creation was lost part-way exists from now on
    a.identity.set_groups(username, sorted(member.roles) if member.active else [])
    a.identity.update_attributes(username, member.email, member.name)
    a.identity.set_enabled(username, member.active)
    if wanted.subscriptions:
        a.notifier.subscribe(username, member.email if member.active else None, member.phone if member.active else None)
    return "synced"
