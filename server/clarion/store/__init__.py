"""Storage: SQLAlchemy 2 (async) schema, queries and migrations, on SQLite or Postgres.

Every query that touches tenant data filters by app id; that is what keeps tenants apart.
"""
