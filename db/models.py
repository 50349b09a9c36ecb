"""All models in one import, so Alembic and callers see the whole schema."""

from db.base import Base, SyncMixin, new_id
from db.dialect import check_lengths
from db.models_campaign import (
    CONTACT_KIND_LABELS,
    MEETING_KINDS,
    PLAN_KIND_LABELS,
    RATER_KIND_LABELS,
    ContactPoint,
    Meeting,
    MeetingAttendee,
    PeriodPlan,
    PlanItem,
    SectionScore,
)
from db.models_ledger import (
    AttachmentLink,
    Closure,
    Extension,
    FollowUp,
    Issue,
    Progress,
    Urge,
)
from db.models_org import OFFICE_LEVELS, Campaign, Office, Person, Section, User
from db.models_quiz import AWARD_KINDS, QUESTION_TYPES, Attempt, Award, Exam, Paper, PracticeCard, Question
from db.models_support import (
    Attachment,
    AuditEntry,
    ChangeLog,
    Holiday,
    ImportedBundle,
    PeerState,
    Setting,
    SyncConflict,
)
from db.models_work import (
    OUTCOME_KINDS,
    PLACE_TYPES,
    TOPIC_KINDS,
    TOPIC_REVIEW_STATES,
    TOPIC_STATUSES,
    VISIT_METHODS,
    Outcome,
    Topic,
    TopicMember,
    Visit,
    VisitParticipant,
)

#: every synced model class by table name (sync reads and writes through this)
SYNCED_MODELS: dict[str, type[Base]] = {
    mp.class_.__tablename__: mp.class_ for mp in Base.registry.mappers if getattr(mp.class_, "__synced__", False)
}

# declared String(n) lengths hold on SQLite too (it ignores them; PostgreSQL fails the whole transaction)
check_lengths(Base)

__all__ = [
    "CONTACT_KIND_LABELS", "MEETING_KINDS", "PLAN_KIND_LABELS", "RATER_KIND_LABELS", "TOPIC_REVIEW_STATES",
    "ContactPoint", "Meeting", "MeetingAttendee", "PeriodPlan", "PlanItem", "SectionScore",
    "AWARD_KINDS", "OFFICE_LEVELS", "OUTCOME_KINDS", "PLACE_TYPES", "QUESTION_TYPES", "SYNCED_MODELS",
    "TOPIC_KINDS", "TOPIC_STATUSES", "VISIT_METHODS", "Attachment", "AttachmentLink",
    "Attempt", "AuditEntry", "Award", "Base", "Campaign", "ChangeLog", "Closure", "Exam", "Extension", "FollowUp",
    "Holiday", "ImportedBundle", "Issue", "Office", "Outcome", "Paper", "PeerState", "Person", "PracticeCard", "Progress",
    "Question", "Section", "Setting", "SyncConflict", "SyncMixin", "Topic", "TopicMember", "Urge", "User", "Visit",
    "VisitParticipant", "new_id",
]
