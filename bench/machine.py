"""How fast this machine is, in two fixed pieces of work, printed beside every benchmark.

The same benchmark on two quiet 2-core machines has differed threefold (docs/performance.md,
"Machines"): a figure says little about another machine unless it says how fast its own was.
Both pieces are single-threaded CPU work that takes a few hundred milliseconds:

- Python: summing the squares of the first three million integers in a loop;
- PostgreSQL: counting three million generated rows, on the server.

Each is run three times and the fastest kept (the least disturbed by anything else).
"""

import os
import time

PYTHON_ROWS = 3_000_000
SQL = "SELECT count(*) FROM generate_series(1, 3000000)"


def _python_loop() -> int:
    total = 0
    for n in range(PYTHON_ROWS):
        total += n * n
    return total


def _fastest_ms(run, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def speed(cursor=None) -> str:
    """ "machine: 2 cores, Python loop 140 ms, PostgreSQL 210 ms" (PostgreSQL only when given
    a cursor on it)."""
    parts = [f"{os.cpu_count()} cores", f"Python loop {_fastest_ms(_python_loop):.0f} ms"]
    if cursor is not None:

        def query() -> None:
            cursor.execute(SQL)
            cursor.fetchall()

        parts.append(f"PostgreSQL {_fastest_ms(query):.0f} ms")
    return "machine: " + ", ".join(parts) + " (bench/machine.py; lower is faster)"


def django_speed() -> str:
    """`speed` on Django's default database connection, when it is PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return speed()
    with connection.cursor() as cursor:
        return speed(cursor)


if __name__ == "__main__":
    import psycopg

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        print(speed(cursor))
