"""Alerts: one message per failed run (or blocking gate that stopped it), by webhook and/or email."""
