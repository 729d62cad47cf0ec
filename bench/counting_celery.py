"""The project's Celery app with every task's database queries counted, for the bench only:

    celery -A bench.counting_celery worker …

Each worker process counts the statements its tasks run (a Django execute wrapper) and adds
them to the Redis key `bench:queries` after each task, so `bench/weekly_workers.py` can report
the queries of a run on real workers. The counting is one Python call a statement."""

import os

import redis
from celery.signals import task_postrun, worker_process_init

from backcore.celery import app  # noqa: F401 -- what `celery -A bench.counting_celery` runs

QUERIES_KEY = "bench:queries"
_counted = [0]


def _count(execute, sql, params, many, context):
    _counted[0] += 1
    return execute(sql, params, many, context)


@worker_process_init.connect
def _install(**_kwargs) -> None:
    from django.db import connection

    connection.execute_wrappers.append(_count)


@task_postrun.connect
def _report(**_kwargs) -> None:
    if _counted[0]:
        redis.Redis.from_url(os.environ["REDIS_URL"]).incrby(QUERIES_KEY, _counted[0])
        _counted[0] = 0
