"""Structured risk and resilience assessments: the instrument, requests by invitation link,
the assessor's form, and the profile the committee reads (../shared/design/instrument.md)."""
