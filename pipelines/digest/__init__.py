"""The weekly manager digest: each manager's own team, read from the newest good publication and
sent once per team and week (docs/digest.md).

    content.py        what a team's digest says, read from the published marts
    render.py         the message: subject, plain text and HTML (templates/)
    destinations.py   where each digest goes: User.Email, or the override file's addresses and webhooks
    ledger.py         what went to whom, so no team gets the same week twice
    delivery.py       sending (through the alerts' SMTP and webhook senders) and preview files
    run.py            one pass over every team: read, render, send or preview, record
"""
