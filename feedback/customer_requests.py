"""Serving a customer's data request: find, export or erase, registered and audited.

The screen (feedback/customer_requests_admin.py) and the commands `customer_data` and
`erase_customer` call these same functions, so they do exactly the same. Each request is a
`CustomerRequest` row and an audit entry holding how much was found, never who.
"""

import csv
import io
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from touchpoints.configuration import audit
from touchpoints.models import AuditEntry, User

from . import customer_data
from .customer_data import Found
from .models import CustomerRequest

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AUDIT_ACTIONS = {
    CustomerRequest.Kind.SEARCH: AuditEntry.Action.SEARCHED,
    CustomerRequest.Kind.EXPORT: AuditEntry.Action.EXPORTED,
    CustomerRequest.Kind.ERASURE: AuditEntry.Action.ERASED,
}


@dataclass
class Served:
    request: CustomerRequest
    found: Found
    counts: dict[str, int]

    @property
    def nothing_found(self) -> bool:
        return not any(self.counts.values())


def serve(
    typed: str,
    kind: CustomerRequest.Kind,
    actor: User | None,
    *,
    through_command: bool = False,
    between_batches=None,
) -> Served:
    """Find what `typed` names and, for an erasure, erase it; register and audit the request.

    The register row is written before an erasure starts, so one that crashed shows as not
    finished; running it again finds only what is left and finishes it.
    """
    wanted = customer_data.lookup(typed)
    found = customer_data.find(wanted)
    counts = found.counts()
    request = CustomerRequest.objects.create(
        kind=kind,
        named_by=wanted.kind,
        by=actor if actor is not None and actor.is_authenticated else None,
        through_command=through_command,
        found=counts,
    )
    if kind == CustomerRequest.Kind.ERASURE and not found.is_empty:
        customer_data.erase(found, between_batches=between_batches)
    request.finished_at = timezone.now()
    request.save(update_fields=["finished_at"])
    changes = {"customer named by": [None, wanted.kind]}
    changes |= {name: [None, count] for name, count in counts.items()}
    audit.record(actor, request, AUDIT_ACTIONS[kind], changes)
    return Served(request, found, counts)


# -- what the customer receives --------------------------------------------------------------


def _when(value) -> str | None:
    return value.isoformat() if value else None


def as_data(found: Found) -> dict:
    """Everything held about the customer, as plain values (the access export)."""
    moments = []
    for moment in found.moments:
        entry = {
            "id": str(moment.uuid),
            "occurred_at": _when(moment.occurred_at),
            "location": moment.location.code,
            "touchpoint": moment.touchpoint_type.name,
            "channel": moment.channel,
            "outcome": moment.outcome,
            "resolved_on_spot": moment.resolved_on_spot,
            "note": moment.note,
            "extra": moment.extra,
            "corrections": [
                {"at": _when(c.corrected_at), "before": c.before, "after": c.after}
                for c in moment.corrections.all()
            ],
            "needs": [need.note for need in moment.needs.all() if need.note],
        }
        if (answer := customer_data._answer(moment)) is not None:
            entry["answer"] = {
                "answered_at": _when(answer.answered_at),
                "satisfaction": answer.csat,
                "recommend": answer.nps,
                "effort": answer.effort,
                "comment": answer.comment,
            }
            if (recovery := customer_data._recovery(answer)) is not None:
                entry["recovery"] = {
                    "opened_at": _when(recovery.opened_at),
                    "status": recovery.status,
                    "action": recovery.action,
                    "result": recovery.result,
                    "note": recovery.note,
                    "closed_at": _when(recovery.closed_at),
                }
        moments.append(entry)
    return {
        "moments": moments,
        "contacts": [
            {
                "phone": c.phone,
                "email": c.email,
                "consented_at": _when(c.consented_at),
                "consent": c.consent_text,
                "language": c.language,
            }
            for c in found.contacts
        ],
        "undone_moments": [
            {"undone_at": _when(u.undone_at), "moment": u.moment} for u in found.undos
        ],
        # What went to the airline's other systems about them, as it was sent (docs/privacy.md).
        "webhook_messages": [
            {
                "event": d.event,
                "sent_to": d.endpoint.url,
                "made_at": _when(d.created_at),
                "delivered_at": _when(d.delivered_at),
                "data": d.payload.get("data", {}),
            }
            for d in customer_data.webhook_deliveries(found)
        ],
        "counts": found.counts(),
    }


def as_json(found: Found) -> str:
    return json.dumps(as_data(found), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def as_csv(found: Found) -> str:
    """The same as `as_json`, one value a row: what, which one, field, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["what", "number", "field", "value"])
    data = as_data(found)
    for kind in ("moments", "contacts", "undone_moments", "webhook_messages"):
        for number, item in enumerate(data[kind], start=1):
            for name, value in _flat(item):
                writer.writerow([kind, number, name, _cell(value)])
    return out.getvalue()


def _cell(value):
    """Text a spreadsheet would run as a formula is kept as text (as dashboards/exports.py)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _flat(item: dict, prefix: str = ""):
    for name, value in item.items():
        if isinstance(value, dict) and value:
            yield from _flat(value, f"{prefix}{name}.")
        elif isinstance(value, list | dict):
            yield f"{prefix}{name}", json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
        else:
            yield f"{prefix}{name}", "" if value is None else value
