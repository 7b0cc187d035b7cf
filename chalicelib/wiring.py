"""The adapters of this process, built once from the settings when first asked for."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from chalicelib.adapters.aggregates import StatsStore
from chalicelib.adapters.attempts import AttemptCounter
from chalicelib.adapters.calendar import CalendarStore
from chalicelib.adapters.clusters import ClusterStore
from chalicelib.adapters.complaints import ComplaintRepository
from chalicelib.adapters.directory import StaffDirectory
from chalicelib.adapters.exports import ExportStore
from chalicelib.adapters.identity import StaffIdentity
from chalicelib.adapters.mail import CustomerMail
from chalicelib.adapters.notifier import Notifier
from chalicelib.adapters.outbox import OutboxStore
from chalicelib.adapters.photos import PhotoStore
from chalicelib.adapters.search import ComplaintSearch
from chalicelib.adapters.texts import CustomerTexts
from chalicelib.adapters.timers import Timers
from chalicelib.clients import lazy_client as client  # built on first use, not with the adapters
from chalicelib.config import Settings, settings


@dataclass(frozen=True)
class Adapters:
    settings: Settings
    complaints: ComplaintRepository
    directory: StaffDirectory
    outbox: OutboxStore
    notifier: Notifier
    timers: Timers
    photos: PhotoStore
    identity: StaffIdentity
    search: ComplaintSearch
    stats: StatsStore
    clusters: ClusterStore
    attempts: AttemptCounter
    exports: ExportStore
    texts: CustomerTexts
    mail: CustomerMail
    calendar: CalendarStore


@lru_cache(maxsize=1)
def adapters() -> Adapters:
    s = settings()
    dynamodb = client("dynamodb")
    return Adapters(
        settings=s,
        complaints=ComplaintRepository(dynamodb, s.table_name),
        directory=StaffDirectory(dynamodb, s.table_name),
        outbox=OutboxStore(dynamodb, s.table_name),
        notifier=Notifier(client("sns"), s.topic_arn),
        timers=Timers(client("scheduler"), s.schedule_group, s.timer_function_arn, s.scheduler_role_arn),
        photos=PhotoStore(client("s3"), s.bucket_name),
        identity=StaffIdentity(client("cognito-idp"), s.user_pool_id, s.user_pool_client_id),
        search=ComplaintSearch(dynamodb, s.table_name),
        stats=StatsStore(dynamodb, s.table_name),
        clusters=ClusterStore(dynamodb, s.table_name),
        attempts=AttemptCounter(dynamodb, s.table_name),
        exports=ExportStore(client("s3"), s.bucket_name),
        texts=CustomerTexts(client("sns")),
        mail=CustomerMail(client("ses"), s.mail_from),
        calendar=CalendarStore(dynamodb, s.table_name),
    )
