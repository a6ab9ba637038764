"""Cross-cutting web plumbing: security headers, errors, logging, i18n, pagination."""
