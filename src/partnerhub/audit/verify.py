"""``partnerhub audit verify``: recompute every partner's hash chain and compare it with its head.

A chain is broken at the first event whose ``prev_hash`` is not the previous event's hash (an event was
removed or reordered) or whose ``hash`` no longer matches its fields (an event was edited). A head that
does not point at its chain's last event means events were removed from the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.audit.repository import AuditRepository
from partnerhub.audit.service import GENESIS_HASH, event_hash


@dataclass
class AuditReport:
    events: int = 0
    chains: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    """At most one per partner: where its chain first breaks."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": self.ok, "events": self.events, "chains": self.chains}
        if self.problems:
            data["first_broken"] = self.problems[0]
            data["problems"] = self.problems
        return data


def verify_audit(session: Session) -> AuditReport:
    audit = AuditRepository(session)
    report = AuditReport()
    tails: dict[str, tuple[str, int | None]] = {}
    broken: set[str] = set()
    for event in audit.all_events_in_chain_order():
        report.events += 1
        previous_hash, _ = tails.get(event.partner_id, (GENESIS_HASH, None))
        if event.partner_id not in tails:
            report.chains += 1
        tails[event.partner_id] = (event.hash, event.id)
        if event.partner_id in broken:
            continue
        reason = None
        if event.prev_hash != previous_hash:
            reason = "prev_hash does not match the previous event (an event was removed or reordered)"
        elif event_hash(event) != event.hash:
            reason = "hash does not match the event's fields (the event was modified)"
        if reason:
            broken.add(event.partner_id)
            report.problems.append({"event_id": event.id, "partner_id": event.partner_id, "problem": reason})
    heads = audit.all_heads()
    headless = sorted(set(tails) - {head.partner_id for head in heads} - broken)
    for partner_id in headless:
        report.problems.append(
            {"event_id": tails[partner_id][1], "partner_id": partner_id, "problem": "the chain has no head"}
        )
    for head in heads:
        if head.partner_id in broken:
            continue
        tail_hash, tail_id = tails.get(head.partner_id, (GENESIS_HASH, None))
        if (head.last_hash, head.last_id) != (tail_hash, tail_id):
            report.problems.append(
                {
                    "event_id": head.last_id,
                    "partner_id": head.partner_id,
                    "problem": "the chain head is not the last event (events were removed from the end)",
                }
            )
    return report
