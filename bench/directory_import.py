"""Benchmark the RPPS directory import: lines per second and peak memory on a synthetic extract.

    .venv/bin/python bench/directory_import.py [--lines 200000] [--members 1000] [--imports 2]

The extract is deterministic (seeded) and shaped like the real one: the 2021-2022 header,
one line per activity (1 to 3 per person), accented names, a BOM-free UTF-8 file. It is
imported into a fresh instance folder (SQLite unless FORUM_SQLALCHEMY_DATABASE_URI names
an empty database), twice by default: the second import replaces the first, as the monthly
re-import does. Peak RSS is read before and after each import: a streaming import keeps
it flat as --lines grows.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

# The activity file's header as published in 2021-2022.
HEADER = (Path(__file__).parents[1] / "tests" / "data" / "rpps-header-2021.txt").read_text(encoding="utf-8").strip()
COLUMNS = HEADER.rstrip("|").split("|")
LAST_NAMES = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEFÈVRE",
    "MOREAU",
    "FRANÇOIS",
    "D'ARTAGNAN",
    "LE GALL",
    "MÜLLER",
    "NGUYEN",
]
FIRST_NAMES = [
    "Hélène",
    "Jean-Pierre",
    "Zoé",
    "Loïc",
    "Anaïs",
    "Paul",
    "Chloé",
    "Jérôme",
    "Marie",
    "Noël",
    "Cécile",
    "Léa",
    "Mathéo",
    "Inès",
    "François",
]
PROFESSIONS = [
    ("10", "Médecin", "SM54", "Médecine générale"),
    ("60", "Infirmier", "", ""),
    ("10", "Médecin", "SM04", "Cardiologie et maladies vasculaires"),
    ("70", "Masseur-Kinésithérapeute", "", ""),
    ("21", "Pharmacien", "", ""),
    ("91", "Orthophoniste", "", ""),
    ("26", "Audioprothésiste", "", ""),
]


def activity_line(rng: random.Random, number: int, name: tuple[str, str], job: tuple) -> str:
    """One activity line of person `number`, every column filled like the real file."""
    kind = "0" if number % 10 == 0 else "8"  # one in ten on ADELI
    identifier = f"{number:09d}" if kind == "0" else f"{10_000_000_000 + number:011d}"
    code, label, skill_code, skill = job
    values = dict.fromkeys(COLUMNS, "")
    values.update(
        {
            "Type d'identifiant PP": kind,
            "Identifiant PP": identifier,
            "Identification nationale PP": kind + identifier,
            "Code civilité d'exercice": "DR",
            "Libellé civilité d'exercice": "Docteur",
            "Nom d'exercice": name[0],
            "Prénom d'exercice": name[1],
            "Code profession": code,
            "Libellé profession": label,
            "Code savoir-faire": skill_code,
            "Libellé savoir-faire": skill,
            "Code catégorie professionnelle": "C",
            "Libellé catégorie professionnelle": "Civil",
            "Code mode exercice": "L",
            "Libellé mode exercice": "Libéral",
            "Numéro SIRET site": f"{rng.randrange(10**14):014d}",
            "Numéro FINESS site": f"{rng.randrange(10**9):09d}",
            "Raison sociale site": f"CABINET DU DOCTEUR {name[0]}",
            "Libellé Voie (coord. structure)": f"{rng.randrange(1, 200)} RUE DE LA RÉPUBLIQUE",
            "Code postal (coord. structure)": f"{rng.randrange(1000, 96000):05d}",
            "Libellé commune (coord. structure)": "SAINT-ÉTIENNE",
            "Code pays (coord. structure)": "99000",
            "Libellé pays (coord. structure)": "France",
            "Téléphone (coord. structure)": f"0{rng.randrange(10**8, 10**9)}",
            "Adresse e-mail (coord. structure)": f"cabinet{number}@example.fr",
            "Code Département (structure)": "42",
            "Libellé Département (structure)": "Loire",
            "Autorité d'enregistrement": "CNOM/CNOM/CNOM",
        }
    )
    return "|".join(values[column] for column in COLUMNS) + "|\n"


def write_extract(path: Path, lines: int, seed: int = 2022) -> int:
    """Write `lines` activity lines (plus the header) to path; return the number of persons."""
    rng = random.Random(seed)
    written = number = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        while written < lines:
            number += 1
            name = (rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES))
            job = rng.choice(PROFESSIONS)
            for _ in range(min(rng.randint(1, 3), lines - written)):
                out.write(activity_line(rng, number, name, job))
                written += 1
    return number


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def rss_mib(field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak since the last reset) from /proc, in MiB; None off Linux."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith(field + ":"))
    return int(kib) / 1024


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux), so the next VmHWM is the import's own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def add_members(count: int, persons: int) -> None:
    """Verified French members, one in ten with a number the extract does not hold."""
    from forum.extensions import db
    from forum.models import User

    for n in range(1, count + 1):
        number = n * max(persons // count, 1) if n % 10 else persons + n  # past the last person
        id_type = "adeli" if number % 10 == 0 else "rpps"
        id_number = f"{number:09d}" if id_type == "adeli" else f"{10_000_000_000 + number:011d}"
        db.session.add(
            User(
                email=f"bench{n}@example.org",
                password_hash="-",
                pseudonym=f"Bench{n}",
                pseudonym_key=f"bench{n}",
                status="verified",
                profession="physician",
                country="FR",
                id_type=id_type,
                id_number=id_number,
            )
        )
    db.session.commit()


def main() -> None:
    """Generate the extract, import it into a temporary instance, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000, help="activity lines to generate")
    parser.add_argument("--members", type=int, default=1_000, help="verified members to re-check")
    parser.add_argument("--imports", type=int, default=2, help="imports of the same file in a row")
    parser.add_argument("--keep", type=Path, help="write the extract here and keep it")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    with tempfile.TemporaryDirectory(prefix="bench-directory-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "PS_LibreAcces_Personne_activite_bench.txt"
        started = time.perf_counter()
        persons = write_extract(path, args.lines)
        print(
            f"generated {args.lines:,} lines ({persons:,} persons, "
            f"{path.stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - started:.1f} s"
        )

        # The instance folder must be set before create_app() reads it.
        os.environ["FORUM_INSTANCE"] = str(Path(tmp) / "instance")
        from forum import create_app
        from forum.extensions import db
        from forum.models import Verification
        from forum.moderation.directory import import_directory

        app = create_app()
        with app.app_context():
            db.create_all()
            print(f"database: {db.engine.dialect.name} ({db.engine.url.render_as_string()})")
            add_members(args.members, persons)
            reviews = select(func.count()).select_from(Verification)
            for run in range(1, args.imports + 1):
                # The first import fills an empty directory; later ones replace it (monthly).
                opened, before = db.session.scalar(reviews), rss_mib("VmRSS")
                own_peak = reset_peak_rss()
                started = time.perf_counter()
                record = import_directory(path)
                elapsed = time.perf_counter() - started
                print(
                    f"import {run}: {record.lines:,} lines -> {record.entries:,} entries, "
                    f"{record.rejected_lines:,} rejected, in {elapsed:.2f} s "
                    f"({record.lines / elapsed:,.0f} lines/s); "
                    f"{db.session.scalar(reviews) - opened:,} members put back in the queue"
                )
                if own_peak:
                    peak = rss_mib("VmHWM")
                    print(
                        f"  RSS {before:.1f} MiB before; peak during the import {peak:.1f} MiB "
                        f"(+{peak - before:.1f} MiB)"
                    )
                print(f"  peak RSS of the process so far (getrusage): {peak_rss_mib():.1f} MiB")


if __name__ == "__main__":
    main()
