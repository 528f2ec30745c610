"""The versioned REST API under /api/v1/ (docs/api.md).

It reads and writes what the apps own, as the dashboards do, so it lives here, at the top of
the import arrows: it may call touchpoints, feedback and the dashboards' figures alike.
"""
