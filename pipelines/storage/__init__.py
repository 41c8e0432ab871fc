"""Where data is kept: `warehouse` (the DuckDB file, one writer at a time), `lake` (the Parquet
snapshots Spark reads) and `exports` (the folder BI tools and people read)."""
