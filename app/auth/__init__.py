"""Users, organisations, roles, login, MFA, sessions and the access policy."""
