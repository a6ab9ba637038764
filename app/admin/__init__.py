"""Administration of users, organisations and the mail outbox."""
