"""Fill Danish translations from a JSON file {msgid: msgstr} into the da catalogue.

Usage: .venv/bin/python scripts/translate.py translations.json
Entries already translated are left alone; prints what is still missing.
"""

import json
import sys

from babel.messages.pofile import read_po, write_po

PATH = "translations/da/LC_MESSAGES/messages.po"

with open(PATH, "rb") as handle:
    catalogue = read_po(handle)
new = json.load(open(sys.argv[1], encoding="utf-8")) if len(sys.argv) > 1 else {}
for message in catalogue:
    if message.id and not message.string and isinstance(message.id, str) and message.id in new:
        message.string = new[message.id]
        message.flags.discard("fuzzy")
with open(PATH, "wb") as handle:
    write_po(handle, catalogue, width=100, omit_header=False)
missing = [m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
print("\n".join(map(repr, missing)) or "all translated")
