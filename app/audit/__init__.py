"""The audit trail: every use of personal data, append-only and hash-chained."""
