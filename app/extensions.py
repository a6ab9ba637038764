"""Flask extensions, created unbound and initialised by create_app."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf import CSRFProtect


def client_ip() -> str:
    # Behind the municipality's reverse proxy, ProxyFix (configured by TIDLIG_PROXY_HOPS)
    # has already put the client's address here.
    return request.remote_addr or "unknown"


login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=client_ip, default_limits=[])
