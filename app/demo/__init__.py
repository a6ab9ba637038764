"""A believable demo municipality (Odense's real parishes, synthetic people)."""
