"""Response and request bodies of the public API (the wire contract of API.md), one module per feature.

A function imports the modules of its own routes only, so it builds their pydantic models and no others at
cold start (a model costs about a millisecond to build; ``accounts`` brings the account rules with it).
"""
