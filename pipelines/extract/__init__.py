"""Salesforce → DuckDB: incremental, streamed, one transaction per object; requests shared across objects."""
