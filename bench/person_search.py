"""Time person search (name words + birth date, and exact CPR) at 100,000 persons.

    .venv/bin/python bench/person_search.py [--persons 100000] [--db /tmp/person-search.db]

Seeds a SQLite file with encrypted persons and their search tokens (once; reused if it
exists), then times searches through the real services. Nothing is decrypted except the
rows a search returns; the script also counts decryptions to show it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.models  # noqa: E402,F401
from app.audit.actor import Actor  # noqa: E402
from app.audit.chain import GENESIS_MAC  # noqa: E402
from app.audit.models import AuditChainHead  # noqa: E402
from app.cases.cpr import synthetic_cpr  # noqa: E402
from app.cases.models import Person, PersonSearchToken  # noqa: E402
from app.cases.persons import find_by_cpr, search_persons, search_token_hashes  # noqa: E402
from app.crypto.keyring import KeyRing, attach_keyring  # noqa: E402
from app.db import Base, make_engine  # noqa: E402
from app.demo.names import BOYS, GIRLS, SURNAMES  # noqa: E402

KEYS_FILE_SUFFIX = ".keys"


def keyring_for_file(path: Path) -> KeyRing:
    keys = Path(f"{path}{KEYS_FILE_SUFFIX}")
    if not keys.exists():
        keys.write_text(Fernet.generate_key().decode())
    index_key, audit_key = "bench-index-key-" + "x" * 24, "bench-audit-" + "y" * 28
    return KeyRing(keys.read_text().strip(), index_key, audit_key)


def seed(session: Session, keyring: KeyRing, count: int, rng: random.Random) -> list[tuple]:
    samples = []
    boys, girls, surnames = list(BOYS), list(GIRLS), list(SURNAMES)
    today = dt.date.today()
    batch = 2000
    used: set[str] = set(session.scalars(select(Person.cpr_index)))
    done = 0
    while done < count:
        persons = []
        for _ in range(min(batch, count - done)):
            gender = rng.choice(["male", "female"])
            first = rng.choice(boys if gender == "male" else girls)
            last = rng.choice(surnames)
            birth = today - dt.timedelta(days=rng.randrange(10 * 365, 24 * 365))
            cpr = synthetic_cpr(rng, birth, gender)
            index = keyring.blind_index("cpr", cpr.replace("-", ""))
            if index in used:
                continue
            used.add(index)
            persons.append(
                Person(
                    first_name=first,
                    last_name=last,
                    birth_date=birth,
                    birth_year=birth.year,
                    gender=gender,
                    cpr=cpr,
                    cpr_index=index,
                )
            )
        session.add_all(persons)
        session.flush()
        rows = []
        for person in persons:
            rows += [
                {"person_id": person.id, "token_hash": token}
                for token in search_token_hashes(
                    keyring, person.first_name, person.last_name, person.birth_date
                )
            ]
        session.execute(insert(PersonSearchToken), rows)
        session.flush()
        samples += [(p.first_name, p.last_name, p.birth_date, p.cpr) for p in persons[:5]]
        session.commit()
        session.expunge_all()
        done += len(persons)
    return samples


def timed(label: str, runs: list[float]) -> None:
    runs = sorted(runs)
    p95 = runs[max(0, int(len(runs) * 0.95) - 1)]
    print(
        f"{label:<38} median {statistics.median(runs) * 1000:7.2f} ms   "
        f"p95 {p95 * 1000:7.2f} ms   ({len(runs)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    default_db = Path(tempfile.gettempdir()) / "tidlig-person-search.db"
    parser.add_argument("--db", default=str(default_db))
    args = parser.parse_args()
    path = Path(args.db)
    keyring = keyring_for_file(path)
    engine = make_engine(f"sqlite:///{path}")
    attach_keyring(engine, keyring)
    Base.metadata.create_all(engine)
    rng = random.Random(7)  # nosec B311  # noqa: S311  (benchmark data, not secrets)
    with Session(engine) as session:
        if session.get(AuditChainHead, 1) is None:
            session.add(AuditChainHead(id=1, seq=0, mac=GENESIS_MAC))
            session.commit()
        existing = session.scalar(select(func.count()).select_from(Person))
        if existing < args.persons:
            started = time.perf_counter()
            seed(session, keyring, args.persons - existing, rng)
            print(
                f"seeded {args.persons - existing} persons in {time.perf_counter() - started:.1f} s"
            )
        total = session.scalar(select(func.count()).select_from(Person))
        tokens = session.scalar(select(func.count()).select_from(PersonSearchToken))
        print(f"{total} persons, {tokens} search tokens in {path}")
        samples = [
            (p.first_name, p.last_name, p.birth_date, p.cpr)
            for p in session.scalars(select(Person).order_by(func.random()).limit(50))
        ]
        session.rollback()

        decryptions = []
        original = KeyRing.decrypt

        def counting(self, token):
            decryptions.append(1)
            return original(self, token)

        KeyRing.decrypt = counting  # type: ignore[method-assign]
        actor = Actor.system("bench")
        name_birth, name_only, surname_only, cpr_runs, results = [], [], [], [], []
        for first, last, birth, cpr in samples:
            for bucket, words, date in (
                (name_birth, f"{first} {last}", birth),
                (name_only, f"{first} {last}", None),
                (surname_only, last, None),
            ):
                started = time.perf_counter()
                found = search_persons(session, actor, words, date)
                bucket.append(time.perf_counter() - started)
                if bucket is name_birth:
                    results.append(len(found))
            started = time.perf_counter()
            find_by_cpr(session, actor, cpr)
            cpr_runs.append(time.perf_counter() - started)
            session.rollback()
        KeyRing.decrypt = original  # type: ignore[method-assign]
        timed("name words + birth date", name_birth)
        timed("first + last name (limit 25)", name_only)
        timed("one common surname (limit 25)", surname_only)
        timed("exact CPR (blind index)", cpr_runs)
        searches = len(samples) * 4
        print(
            f"decryptions: {len(decryptions)} over {searches} searches "
            f"(~{len(decryptions) / searches:.1f} per search; the table holds {total} rows)"
        )
        print(f"name + birth date found {statistics.mean(results):.2f} persons on average")
    engine.dispose()


if __name__ == "__main__":
    main()
