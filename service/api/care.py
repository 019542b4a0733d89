"""Care mutations: flags, actions, the issue lifecycle and consent, for support agents.

`by` names the agent when the calling tool knows them; the audit trail also records the API key.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from service import care
from service.api.access import Operation
from service.api.context import Context
from service.api.errors import BadUserInput
from service.api.types import (
    Action,
    ActionStatus,
    Consent,
    ConsentChannel,
    ConsentPurpose,
    Flag,
    FlagSeverity,
    Interaction,
    IssueStatus,
)
from service.audit import Actor
from service.consent import ConsentChannel as ConsentChannelValues
from service.consent import ConsentPurpose as ConsentPurposeValues


def _agent(info: Info[Context, None], operation: Operation, by: str | None) -> Actor:
    context = info.context
    context.access.require(operation)
    return Actor(context.actor.key, by or None)


async def raise_flag(
    info: Info[Context, None],
    customer_id: strawberry.ID,
    kind: str,
    severity: FlagSeverity,
    note: str | None = None,
    by: str | None = None,
) -> Flag:
    actor = _agent(info, Operation.CARE, by)
    row = await care.raise_flag(info.context.database, actor, str(customer_id), kind, severity.value, note)
    return Flag.from_row(row)


async def clear_flag(info: Info[Context, None], flag_id: strawberry.ID, by: str | None = None) -> Flag:
    actor = _agent(info, Operation.CARE, by)
    return Flag.from_row(await care.clear_flag(info.context.database, actor, str(flag_id)))


async def create_action(
    info: Info[Context, None],
    customer_id: strawberry.ID,
    kind: str,
    note: str | None = None,
    due: str | None = None,
    assignee: str | None = None,
    by: str | None = None,
) -> Action:
    actor = _agent(info, Operation.CARE, by)
    row = await care.create_action(info.context.database, actor, str(customer_id), kind, note, due, assignee)
    return Action.from_row(row)


async def update_action(
    info: Info[Context, None],
    action_id: strawberry.ID,
    status: ActionStatus | None = None,
    note: str | None = None,
    due: str | None = None,
    assignee: str | None = None,
    by: str | None = None,
) -> Action:
    actor = _agent(info, Operation.CARE, by)
    row = await care.update_action(
        info.context.database,
        actor,
        str(action_id),
        status=None if status is None else status.value,
        note=note,
        due=due,
        assignee=assignee,
    )
    return Action.from_row(row)


async def update_issue_status(
    info: Info[Context, None],
    interaction_id: strawberry.ID,
    status: IssueStatus,
    resolution: str | None = None,
    by: str | None = None,
) -> Interaction:
    actor = _agent(info, Operation.CARE, by)
    row = await care.update_issue(info.context.database, actor, str(interaction_id), status.value, resolution)
    return Interaction.from_row(row)


async def record_consent(
    info: Info[Context, None],
    customer_id: strawberry.ID,
    channel: ConsentChannel,  # type: ignore[valid-type]
    purpose: ConsentPurpose,  # type: ignore[valid-type]
    granted: bool,
    source: str = "kith",
    at: str | None = None,
    by: str | None = None,
) -> Consent:
    actor = _agent(info, Operation.CONSENT, by)
    try:
        when = None if at is None else datetime.fromisoformat(at)
    except ValueError as error:
        raise BadUserInput(f"`at` must be an ISO 8601 date-time, not {at!r}") from error
    if when is not None and when.tzinfo is None:
        raise BadUserInput("`at` needs a time zone (2025-03-01T12:00:00Z)")
    row = await care.record_consent(
        info.context.database,
        actor,
        str(customer_id),
        ConsentChannelValues(channel).value,
        ConsentPurposeValues(purpose).value,
        granted,
        source,
        when,
    )
    return Consent.from_row(row)
