"""Salesforce → DuckDB: incremental, streamed, one transaction per sync."""
