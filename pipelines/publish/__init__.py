"""Publishing the marts: `publication` (Parquet, CSV and a read-only DuckDB file, swapped in all
at once) and `changes` (what changed since the last publication, for the run's metadata)."""
