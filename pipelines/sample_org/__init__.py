"""The built-in sample org: a Salesforce-compatible server over HTTPS on localhost.

`SampleOrg` (org.py) serves a generated org (generator.py) or a directory of JSON Lines files
through the REST, SOAP-login, OAuth and Bulk API 2.0 endpoints a Salesforce client uses.
"""
