"""Persons, concerns, cases and the weekly AVA meeting."""
