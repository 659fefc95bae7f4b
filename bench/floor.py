"""The floor of an AAF import: parse the files with lxml alone, COPY N rows into a bare table.

Prints one JSON object. Run by bench/aaf_import.py in its own process.
"""

import json
import os
import sys
import time
from pathlib import Path

import psycopg
from lxml import etree

RECORDS = ("addRequest", "modifyRequest", "deleteRequest")


def parse(folder):
    count = 0
    for path in sorted(Path(folder).glob("*.xml")):
        for _event, element in etree.iterparse(str(path), events=("end",), tag=RECORDS,
                                               resolve_entities=False, no_network=True,
                                               load_dtd=False):
            count += 1
            element.clear(keep_tail=False)
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]
    return count


def copy(url, rows):
    row = ("2000001", "prenom.nom", "Nom", "Prénom", "Eleve", "50001$3A")
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_floor")
        cur.execute("CREATE UNLOGGED TABLE bench_floor (a text, b text, c text, d text, e text, f text)")
        started = time.monotonic()
        with cur.copy("COPY bench_floor FROM STDIN") as out:
            for _ in range(rows):
                out.write_row(row)
        conn.commit()
        seconds = time.monotonic() - started
        cur.execute("DROP TABLE bench_floor")
    return seconds


def main():
    folder, rows = sys.argv[1], int(sys.argv[2])
    started = time.monotonic()
    records = parse(folder)
    parse_seconds = time.monotonic() - started
    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    copy_seconds = copy(url, rows)
    print(json.dumps({"records": records, "parse_seconds": parse_seconds, "rows": rows,
                      "copy_seconds": copy_seconds}))


if __name__ == "__main__":
    main()
