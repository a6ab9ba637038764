"""Production entry point: `gunicorn 'wsgi:app'`.

Unlike create_app (which does no I/O), this refuses to serve when the database was
encrypted under keys that are not configured.
"""

from app import create_app
from app.crypto.services import verify_key_check
from app.db import db

app = create_app()
with app.app_context():
    verify_key_check(db.session)
    db.session.commit()
