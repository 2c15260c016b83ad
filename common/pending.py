"""Recognising a write that only proposed a change (clusters/review.py) in what a write
service answered — shared by the admin and the API, which say so to the user."""

from __future__ import annotations

from typing import Any


def pending_of(result: Any):
    """The PendingChange a write service answered with, if the write waits for review: the
    change itself, a record marked `.pending_change`, or a list holding one."""
    if isinstance(result, list | tuple):
        return next((p for p in map(pending_of, result) if p is not None), None)
    if type(result).__name__ == "PendingChange":
        return result
    return getattr(result, "pending_change", None)
