"""Outgoing mail: queued in the outbox in the same transaction, delivered by a command."""
