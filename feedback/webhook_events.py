"""What the feedback events' webhooks carry: the API's names, the customer's own words, and
never their contact details or booking reference."""

from touchpoints.webhooks import Event, emit

from .models import Answer, Recovery


def answer_data(answer: Answer) -> dict:
    moment = answer.invitation.moment
    return {
        "moment": str(moment.uuid),
        "location": moment.location_id,
        "team": moment.team_id,
        "touchpoint_type": moment.touchpoint_type_id,
        "csat": answer.csat,
        "nps": answer.nps,
        "effort": answer.effort,
        "comment": answer.comment,
        "is_low": answer.is_low,
        "answered_at": answer.answered_at.isoformat(),
    }


def recovery_data(recovery: Recovery) -> dict:
    return {
        "id": recovery.pk,
        "status": recovery.status,
        "reason": recovery.reason,
        "team": recovery.team_id,
        "opened_at": recovery.opened_at.isoformat(),
        "action": recovery.action,
        "result": recovery.result,
        "closed_at": recovery.closed_at.isoformat() if recovery.closed_at else None,
        "answer": answer_data(recovery.answer),
    }


def answer_received(answer: Answer) -> None:
    emit(Event.ANSWER_RECEIVED, answer_data(answer), answer.invitation.moment.location_id)


def recovery_changed(event: Event, recovery: Recovery) -> None:
    emit(event, recovery_data(recovery), recovery.answer.invitation.moment.location_id)
