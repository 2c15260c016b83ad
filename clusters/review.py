"""Only the publish right makes anything public (services).

What a user without `clusters.publish_cluster` changes on public data — a published cluster's
fields, memberships, partnerships, figures and money, a public college or employer, a region's
joint money — is not written: the write service records a `PendingChange` (the diff people
read, the data the approval writes, the proposer's reason) and hands back the record as it
stands, marked `.pending_change`. A federal editor approves it — the same service writes it,
with the proposer and the approver in the history — or returns it with a comment. Federal
editors are told when something waits, the proposer when it is decided (email through
Django's mail backend, one message per transaction).

`review_needed` is the one rule; the write services of clusters and funding ask it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from clusters import gate
from clusters.choices import ChangeState

Actor = Any

# How a kind of change is written when approved: kind → applier(actor, change). clusters
# registers its own below; funding and imports register theirs at ready().
appliers: dict[str, Callable[..., Any]] = {}


def review_needed(actor: Actor, *, cluster=None, region_level: bool = False, entity=None) -> bool:
    """Whether `actor`'s write must wait for review: it would change what the public sees
    (a published cluster, a region's joint money, a public college or employer) and the
    actor may not publish. The system (actor None) and publishers write at once."""
    if actor is None or gate.can_publish(actor):
        return False
    if region_level:
        return True
    if cluster is not None:
        from clusters.models import Cluster

        return Cluster.objects.filter(pk=cluster.pk, is_published=True).exists()
    if entity is not None:
        return type(entity).objects.visible_to(None).filter(pk=entity.pk).exists()
    return False


# --- values in JSON ----------------------------------------------------------------------------


def to_data(value: Any) -> Any:
    """A field's value as the change keeps it (a related record by its id)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet):
        return sorted(value.values_list("pk", flat=True))
    if isinstance(value, dict):
        return {key: to_data(v) for key, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_data(v) for v in value]
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def from_data(model: type[models.Model], name: str, value: Any) -> Any:
    """Back from `to_data`, as the service expects it."""
    field = model._meta.get_field(name)
    if field.many_to_many:
        return list(value or [])
    if field.is_relation:
        return None if value is None else field.related_model._base_manager.get(pk=value)
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return Decimal(str(value))
    return field.to_python(value)


def shown(model: type[models.Model], name: str, value: Any) -> str:
    """A field's value as people read it in the diff."""
    field = model._meta.get_field(name)
    if value in (None, "", []):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}".replace(",", " ")
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, list | tuple | models.QuerySet):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def field_diff(instance: models.Model, fields: dict[str, Any]) -> list[list[str]]:
    """[[label, now, proposed]] for every field whose value would change."""
    rows = []
    for name, new in fields.items():
        field = instance._meta.get_field(name)
        if field.many_to_many:
            old = list(getattr(instance, name).all()) if instance.pk else []
            new_list = list(new) if new is not None else []
            if {to_data(o) for o in old} == {to_data(n) for n in new_list}:
                continue
            rows.append(
                [
                    capfirst(str(field.verbose_name)),
                    shown(type(instance), name, old),
                    shown(type(instance), name, new_list),
                ]
            )
            continue
        old = getattr(instance, name) if instance.pk else None
        if to_data(old) == to_data(new):
            continue
        rows.append(
            [
                capfirst(str(field.verbose_name)),
                shown(type(instance), name, old),
                shown(type(instance), name, new),
            ]
        )
    return rows


# --- proposing -----------------------------------------------------------------------------------


def change_propose(
    *,
    actor: Actor,
    kind: str,
    target: models.Model | None,
    target_model: str,
    target_name: str,
    region_id: int,
    cluster=None,
    data: dict,
    diff: list,
    reason: str = "",
):
    """Record a change for review (no data is written). Effect: a PendingChange; after the
    commit, one email to the federal editors for all changes of the transaction."""
    from clusters.models import PendingChange

    change = PendingChange.objects.create(
        kind=kind,
        target_model=target_model,
        target_id=target.pk if target is not None and target.pk else None,
        target_name=target_name[:500],
        cluster=cluster,
        region_id=region_id,
        data=to_data(data),
        diff=diff,
        reason=reason,
        proposed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _notify_later(change.pk)
    return change


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def propose_update(
    *,
    actor: Actor,
    instance: models.Model,
    kind: str,
    fields: dict,
    cluster,
    region_id: int,
    reason: str = "",
):
    """Propose changing `instance`'s fields (and many-to-many links). Returns the instance as
    stored, marked `.pending_change` (None when nothing would change)."""
    stored = type(instance)._base_manager.get(pk=instance.pk)
    diff = field_diff(stored, fields)
    stored.pending_change = None
    if diff:
        stored.pending_change = change_propose(
            actor=actor,
            kind=kind,
            target=stored,
            target_model=_label(type(instance)),
            target_name=str(stored),
            region_id=region_id,
            cluster=cluster,
            data={"fields": fields},
            diff=diff,
            reason=reason or getattr(instance, "_change_reason", "") or "",
        )
    return stored


# --- deciding ------------------------------------------------------------------------------------


def _require_decider(actor: Actor, change) -> None:
    from clusters.models import PendingChange

    if not PendingChange.objects.editable_by(actor).filter(pk=change.pk).exists():
        raise PermissionDenied("Одобрять и возвращать изменения может федеральный редактор.")


@transaction.atomic
def change_approve(*, actor: Actor, change, comment: str = ""):
    """Write a proposed change through the same services, as `actor` (a publisher); the
    history of what it writes names the proposer and the approver. Effect: the change's own
    writes, the decision, an email to the proposer after the commit."""
    from clusters.models import PendingChange

    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    _require_decider(actor, change)
    if change.state != ChangeState.PENDING:
        raise ValidationError("Это изменение уже решено.")
    applier = appliers.get(change.kind)
    if applier is None:
        raise ValidationError("Этот вид изменений нельзя применить.")
    who = change.proposed_by.get_username() if change.proposed_by else "—"
    reason = f"предложил {who}, одобрил {actor.get_username()}"
    if change.reason:
        reason += f": {change.reason}"
    applier(actor=actor, change=change, reason=reason)
    return _decide(change, actor, ChangeState.APPROVED, comment)


@transaction.atomic
def change_return(*, actor: Actor, change, comment: str):
    """Return a proposed change to its author with what to fix; nothing is written."""
    from clusters.models import PendingChange

    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    _require_decider(actor, change)
    if change.state != ChangeState.PENDING:
        raise ValidationError("Это изменение уже решено.")
    if not comment.strip():
        raise ValidationError({"comment": "Напишите, что исправить."})
    return _decide(change, actor, ChangeState.RETURNED, comment)


def _decide(change, actor, state: str, comment: str):
    change.state = state
    change.comment = comment.strip()
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.full_clean()
    change.save()
    pk = change.pk
    transaction.on_commit(lambda: notify_proposer(pk))
    return change


# How each kind is written lives with the writer: clusters/services.py (cluster, parts,
# entity), funding/services/lines.py (money), imports/apps.py (spreadsheet rows).


# --- telling people ------------------------------------------------------------------------------


def _notify_later(change_id: int) -> None:
    """Collect the transaction's proposals; one email to the federal editors after commit.
    The batch lives as long as its after-commit callback: a rolled-back transaction drops
    both, and the next proposal starts a new batch."""
    sender = getattr(connection, "_pending_review_sender", None)
    registered = sender is not None and any(
        callback is sender for _ids, callback, *_rest in connection.run_on_commit
    )
    if not registered:
        batch: list[int] = []

        def sender():
            notify_publishers(batch)

        sender.batch = batch
        connection._pending_review_sender = sender
        transaction.on_commit(sender)
    connection._pending_review_sender.batch.append(change_id)


def _publishers():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return [u for u in users if gate.can_publish(u)]


def notify_publishers(change_ids: list[int]) -> int:
    """One email to every federal editor with an address: what waits for review."""
    from clusters.models import PendingChange

    changes = list(PendingChange.objects.filter(pk__in=change_ids).select_related("region"))
    recipients = [u.email for u in _publishers()]
    if not changes or not recipients:
        return 0
    lines = [f"— {c.region}: {c} (предложил {c.proposed_by or '—'})" for c in changes]
    count = len(changes)
    return send_mail(
        subject=f"Реестр «Профессионалитета»: на проверке изменений — {count}",
        message="Ждут вашей проверки:\n"
        + "\n".join(lines)
        + "\n\nОчередь: раздел «Изменения на проверке» панели управления.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=True,
    )


def notify_proposer(change_id: int) -> int:
    """The proposer learns the decision (and the comment) by email."""
    from clusters.models import PendingChange

    change = PendingChange.objects.select_related("proposed_by", "decided_by").get(pk=change_id)
    user = change.proposed_by
    if user is None or not user.email:
        return 0
    verdict = "одобрено" if change.state == ChangeState.APPROVED else "возвращено на доработку"
    body = f"Ваше изменение «{change}» {verdict} ({change.decided_by})."
    if change.comment:
        body += f"\nКомментарий: {change.comment}"
    return send_mail(
        subject=f"Реестр «Профессионалитета»: изменение {verdict}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=True,
    )
