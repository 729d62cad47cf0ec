"""Grow a bench database for the weekly run in SQL, far faster than `bench_data` at 100k:

    .venv/bin/python bench/copy_members.py <database> <copies>

Adds <copies> copies of every bench member (user, profile, intake, enrolment, doses, sessions,
logged items and reminder settings) with shifted ids, e.g. 9 copies turn `bench_data --members
10000` into 100,000 members. Use it on a database of its own (CREATE DATABASE … TEMPLATE …); not
for pages (the forum and payments are not copied)."""

import sys
import time

import psycopg

db, copies = sys.argv[1], int(sys.argv[2])
OFF = {
    "accounts_user": 20000,
    "accounts_profile": 20000,
    "programs_intake": 20000,
    "programs_enrolment": 20000,
    "programs_memberdose": 100000,
    "programs_plannedsession": 200000,
    "programs_planneditem": 1000000,
    "programs_remindersettings": 20000,
}
conn = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}", autocommit=True)
cols = {}
for table in OFF:
    cols[table] = [
        r[0]
        for r in conn.execute(
            "select column_name from information_schema.columns where table_name=%s order by ordinal_position",
            [table],
        )
    ]
maxes = {t: conn.execute(f"select max(id) from {t}").fetchone()[0] for t in OFF}
# Each copy's ids are shifted by a whole multiple of the table's step above its largest id
# (e.g. a 10k set with 28 days of history has more than a million logged items).
for table, step in OFF.items():
    OFF[table] = ((maxes[table] or 0) // step + 1) * step
FK = {
    "user_id": OFF["accounts_user"],
    "member_id": OFF["accounts_user"],
    "session_id": OFF["programs_plannedsession"],
}
members = (
    "(select id from accounts_user where email like 'member%%@bench.invalid' and id <= {u})".format(
        u=maxes["accounts_user"]
    )
)
where = {
    "accounts_user": f"id in {members}",
    "accounts_profile": f"user_id in {members}",
    "programs_intake": f"member_id in {members}",
    "programs_enrolment": f"member_id in {members}",
    "programs_memberdose": f"member_id in {members}",
    "programs_plannedsession": f"member_id in {members}",
    "programs_planneditem": f"id <= {maxes['programs_planneditem']}",
    "programs_remindersettings": f"member_id in {members}",
}
for k in range(1, copies + 1):
    started = time.time()
    for table in OFF:
        exprs = []
        for c in cols[table]:
            if c == "id":
                exprs.append(f"id + {k * OFF[table]}")
            elif c in FK and not (table == "programs_planneditem" and c != "session_id"):
                exprs.append(f'"{c}" + {k * FK[c]}')
            elif table == "accounts_user" and c == "email":
                exprs.append(f"'c{k}-' || email")
            else:
                exprs.append(f'"{c}"')
        names = ", ".join(f'"{c}"' for c in cols[table])
        conn.execute(
            f"insert into {table} ({names}) select {', '.join(exprs)} from {table} where {where[table]}"
        )
    print(f"copy {k} in {time.time() - started:.0f} s", flush=True)
for table in OFF:
    conn.execute(
        f"select setval(pg_get_serial_sequence('{table}', 'id'), (select max(id) from {table}))"
    )
conn.execute("vacuum analyze")
print(
    conn.execute("select count(*) from programs_enrolment").fetchone(),
    conn.execute("select count(*) from programs_planneditem").fetchone(),
)
