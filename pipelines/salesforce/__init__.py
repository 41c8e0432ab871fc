"""Talking to Salesforce: auth, the API client, the objects Flywheel reads, SOQL."""
