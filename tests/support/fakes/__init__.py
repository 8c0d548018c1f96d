"""In-memory adapters of the domain's ports, for fast unit tests of the services (no moto).

Each fake keeps the contract its DynamoDB (or S3, provider) adapter keeps: the same conditions, the same
idempotence, the same ordering and paging.  The table's fakes share one :class:`~tests.support.fakes.table.MemoryTable`,
as the DynamoDB adapters share one table, and log each round trip they would make so tests can hold a service
to its call budget.
"""
