"""The small sample org most tests run against, and its records generated once per process."""

import functools
from datetime import date

from pipelines.sample_org.generator import GeneratedOrg, GeneratorConfig, generate_org

SMALL = GeneratorConfig(seed=3, users=24, days=45, end_date=date(2026, 11, 15))


@functools.cache
def small_org_records() -> GeneratedOrg:
    """`SMALL`'s records (the generator is deterministic). A `SampleOrg.from_generated` copies them
    into its own store, so a test that changes its org's records leaves these as they are."""
    return generate_org(SMALL)
