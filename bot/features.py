"""The feature table: every feature with its router, the roles it admits, its menu
commands and its jobs. The router order, the per-role command menu and the scheduler
all read this one list (see docs/RECIPE.md).

To add a feature: write `dialogs/<flow>/` or `handlers/<feature>.py`, the use case in
`services/<feature>.py`, jobs in `jobs/<job>.py`, then add one `Feature(...)` line here,
before `fallback`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from aiogram import Router

from dialogs import check
from dialogs.company import dialog as company_dialog
from dialogs import training as training_dialogs
from dialogs.visit import dialog as visit_dialog
from dialogs.waiting import waits_for_text
from handlers import common, export, fallback, invites, open_questions, policies, question_reminders, questions, status
from handlers import privacy
from handlers import progress as progress_handlers
from handlers import training as training_handlers
from handlers import visits as visit_lists
from handlers import workbench as workbench_handlers
from jobs import overdue_measures
from jobs import question_reminders as question_reminder_job
from jobs import training_checkin_qr, training_reminders
from jobs import weekly_digest
from jobs import retention
from jobs.spec import JobSpec
from services.users import Role

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.admin, Role.supervisor})
VISITORS = INVITERS = frozenset({Role.admin, Role.supervisor, Role.specialist})


@dataclass(frozen=True)
class Feature:
    name: str
    #: Builds a fresh router (dialogs included) per dispatcher; None for a feature with no
    #: chat side, only jobs (the weekly digest).
    router: Callable[[], Router] | None
    #: Roles whose messages and button presses reach this router; None marks a public
    #: router (its handlers still see only invited users, strangers reach only /start).
    roles: frozenset[Role] | None
    #: Menu commands, shown to every role in `roles` (or `menu_roles` where given).
    commands: tuple[str, ...] = ()
    menu_roles: frozenset[Role] | None = None
    #: Its scheduled jobs: a JobSpec, or a function of the settings that makes one (a
    #: schedule that is a setting, e.g. the weekly digest's IPBOT_DIGEST_SCHEDULE).
    jobs: tuple[JobSpec | Callable[[object], JobSpec], ...] = ()
    #: Every message handler is a command: one router-wide check spares ordinary text the
    #: command filters (about 30 µs a router on every message that falls through).
    commands_only: bool = False

    def menu_for(self, role: Role) -> tuple[str, ...]:
        shown_to = self.menu_roles or self.roles or EVERYONE
        return self.commands if role in shown_to else ()


FEATURES: tuple[Feature, ...] = (
    # Before "common": only /start payloads of training links (tre_/trc_), so invites still reach common.
    # Public: a trainee with no role enrols, sees their own trainings and checks in here (issue 19).
    Feature("training_links", training_handlers.build_links, None),
    Feature("common", common.build, None, ("start", "help", "whoami", "cancel", "language"), menu_roles=EVERYONE),
    # Public: anyone, a trainee with no role too, sees what is kept about them and asks for its
    # deletion; an admin's press carries it out (issue 17): early, so no
    # role-guarded router ahead of it turns a stranger's /privacy away.
    Feature("privacy", privacy.build, None, ("privacy",), menu_roles=EVERYONE,
            commands_only=True, jobs=(retention.SPEC,)),
    # Before the invite steps and the dialogs, which take every message while one is open
    # (issue 19, "no answer lost"): a reply to a forwarded question or its reminder is the
    # answer, whatever is open; an SME's text in a window not waiting for text is a question.
    Feature("question_answers", questions.build_answers, questions.ANSWER_ROLES),
    Feature("question_reminders", question_reminders.build, question_reminders.ANSWER_ROLES,
            jobs=(question_reminder_job.SPEC,)),
    Feature("questions_in_dialogs", partial(questions.build_sme_in_dialogs, waits_for_text), frozenset({Role.sme})),
    Feature("invites", invites.build, INVITERS, ("invite",)),
    Feature("check", check.build, EVERYONE, ("check",)),
    Feature("policies", policies.build, EVERYONE, ("policies",), commands_only=True),
    Feature("visit", visit_dialog.build, VISITORS, ("visit",)),
    Feature("companies", company_dialog.build, EVERYONE, ("companies", "plan"), jobs=(overdue_measures.SPEC,)),
    Feature("visits", visit_lists.build, VISITORS, ("visits",), commands_only=True),
    Feature("training", training_dialogs.build, EVERYONE, ("training", "checkin"),
            jobs=(training_reminders.SPEC, training_checkin_qr.SPEC)),
    Feature("progress", progress_handlers.build, progress_handlers.ROLES, ("progress",), commands_only=True),
    Feature("questions", questions.build_sme, frozenset({Role.sme}), ("ask",)),
    Feature("open_questions", open_questions.build, STAFF, ("open_questions",), commands_only=True),
    Feature("status", status.build, frozenset({Role.admin}), ("status",), commands_only=True),
    Feature("export", export.build, STAFF, ("export",), commands_only=True),
    # The workbench (issue 18): a Mini App button and, for staff, a single-use browser link (web/).
    Feature("workbench", workbench_handlers.build, EVERYONE, ("workbench",), commands_only=True),
    # Monday's digest to supervisors and region robots (`ipbot digest` sends it by hand); no chat side.
    Feature("digest", None, None, jobs=(weekly_digest.job_spec,)),
    Feature("fallback", fallback.build, None),
)


def menu_commands(features: tuple[Feature, ...] = FEATURES) -> dict[Role, tuple[str, ...]]:
    """Each role's commands in table order, without repeats."""
    menu: dict[Role, tuple[str, ...]] = {}
    for role in Role:
        names: list[str] = []
        for feature in features:
            names += [n for n in feature.menu_for(role) if n not in names]
        menu[role] = tuple(names)
    return menu


def all_jobs(features: tuple[Feature, ...] = FEATURES, settings: object = None) -> list[JobSpec]:
    jobs = [job if isinstance(job, JobSpec) else job(settings) for feature in features for job in feature.jobs]
    names = [job.name for job in jobs]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise ValueError(f"job names must be unique: {sorted(duplicated)}")
    return jobs
