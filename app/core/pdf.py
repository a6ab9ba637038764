"""HTML to PDF with WeasyPrint, fetching nothing: the one way Tidlig makes documents."""

from __future__ import annotations

import logging
import warnings

# Progress lines for every page, and fontTools' subsetting chatter, would swamp the logs.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _weasyprint():
    """Imported on first use: it loads Pango, which only the PDF downloads need."""
    with warnings.catch_warnings():
        # Raised at import on systems without libharfbuzz-subset; fontTools subsets instead.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint

    return weasyprint


def _no_network_fetcher(weasyprint):
    """A fetcher that refuses every URL (WeasyPrint then renders without the resource)."""
    base = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if base is None:  # WeasyPrint before the URLFetcher class took a plain function

        def refuse(url, timeout=10, ssl_context=None):
            raise ValueError("Tidlig documents fetch nothing")

        return refuse

    class NoNetwork(base):
        def fetch(self, url, headers=None):
            raise ValueError("Tidlig documents fetch nothing")

    return NoNetwork(allowed_protocols=())


def html_to_pdf(html: str, css: str) -> bytes:
    weasyprint = _weasyprint()
    fetcher = _no_network_fetcher(weasyprint)
    stylesheet = weasyprint.CSS(string=css, url_fetcher=fetcher)
    return weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf(
        stylesheets=[stylesheet]
    )
