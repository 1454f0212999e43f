"""/training: schedule, edit and cancel sessions, enrol people, the roster and the check-in QR code."""

from dialogs.training.dialog import build

__all__ = ["build"]
