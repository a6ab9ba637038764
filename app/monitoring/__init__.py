"""Area monitoring for SSP local boards: anonymised, frozen, disclosure-controlled."""
