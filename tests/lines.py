"""Ingest lines several test modules load: the same customer complaint, told the same way."""

from __future__ import annotations

from typing import Any

# Ann (crm A-1) rang the call centre about a lost parcel; the complaint is still open.
ANN_COMPLAINT: dict[str, Any] = {
    "type": "interaction",
    "source": "callcentre",
    "sourceId": "T-1",
    "customer": {"source": "crm", "sourceId": "A-1"},
    "channel": "PHONE",
    "kind": "COMPLAINT",
    "occurredAt": "2025-03-02T09:15:00Z",
    "status": "OPEN",
    "summary": "Parcel lost",
}
