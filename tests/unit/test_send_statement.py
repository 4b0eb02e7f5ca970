"""The one-statement Postgres send stays within what psycopg parses once and caches.

psycopg converts a query's `%(name)s` placeholders once per distinct query text, but only
for queries of at most 4,096 characters and 50 parameters; a longer one is parsed anew on
every execution, which cost the Send path about a tenth of the API process's CPU when the
statement was 6,800 characters of generated SQL. The statement's behaviour is tested over
gRPC on Postgres (tests/delivery); this checks its shape.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from psycopg import _queries

from clarion.domain.deliveries import TargetKind
from clarion.store.sends import (
    NewSend,
    _driver_params,
    _params,
    _postgres_many_sql,
    _postgres_sql,
)


@pytest.mark.parametrize("kind", list(TargetKind))
def test_the_send_statement_is_short_enough_for_psycopg_to_cache(kind: TargetKind) -> None:
    sql = _postgres_sql(kind)
    assert len(sql) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    target = ("a", "b") if kind in (TargetKind.USERS, TargetKind.DEVICES) else "a"
    new = NewSend("app", kind, target, {"title": "t"}, timedelta(hours=1), creator="key")
    params = _driver_params(new, _params(new, datetime.now(UTC)))
    assert len(params) <= _queries.MAX_CACHED_STATEMENT_PARAMS
    # Every placeholder has its value, and no template slot was left unfilled.
    assert set(re.findall(r"%\((\w+)\)s", sql)) <= params.keys()
    assert "$" not in sql


def test_the_batch_statement_is_short_enough_for_psycopg_to_cache() -> None:
    """One text for every batch: its sends travel as one JSON parameter, whatever their
    number and target kinds."""
    sql = _postgres_many_sql()
    assert len(sql) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    placeholders = set(re.findall(r"%\((\w+)\)s", sql))
    assert placeholders == {"app_id", "sends", "size", "day", "now", "action"}
    assert "$" not in sql
