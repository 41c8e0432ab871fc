"""`python -m pipelines.sample_org serve` (or `flywheel-sample-org serve`): run the sample org alone.

Any Salesforce client can be pointed at it; it prints the instance URL, the certificate to
trust and an access token, then serves until Ctrl-C or SIGTERM. It binds loopback by default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import threading
from pathlib import Path

from pipelines.sample_org.generator import GeneratorConfig, write_ground_truth
from pipelines.sample_org.leave_and_handovers import write_absences_file
from pipelines.sample_org.org import SampleOrg
from pipelines.sample_org.shape import OrgShape


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flywheel-sample-org", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="generate (or load) an org and serve it over HTTPS")
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument("--users", type=int, default=120)
    serve.add_argument("--days", type=int, default=180)
    serve.add_argument("--end-date", type=dt.date.fromisoformat, default=dt.date(2026, 11, 15))
    serve.add_argument("--login-history-multiplier", type=int, default=1)
    serve.add_argument("--data-dir", type=Path, help="serve these JSON Lines files (one per object) instead")
    serve.add_argument("--ground-truth", type=Path, help="write the generated org's ground truth here")
    serve.add_argument("--absences-file", type=Path, help="write the generated org's absences file (CSV) here")
    serve.add_argument("--without", default="", metavar="OutOfOffice,LeadHistory,UserLogin",
                       help="objects the org does not list (as an org without Out of Office or Lead history, or one "
                            'whose integration user lacks "Manage Users" and cannot read UserLogin)')
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--api-limit", type=int, default=15000, help="daily API requests the org allows")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    refused = [n.strip() for n in args.without.split(",") if n.strip()]
    options = {"host": args.host, "port": args.port, "api_limit": args.api_limit, "shape": OrgShape(refused)}
    if args.data_dir:
        org = SampleOrg.from_directory(args.data_dir, **options)
    else:
        config = GeneratorConfig(args.seed, args.users, args.days, args.end_date, args.login_history_multiplier)
        org = SampleOrg.from_generator(config, **options)
        if args.ground_truth:
            write_ground_truth(org.generated, args.ground_truth)
        if args.absences_file:
            write_absences_file(org.generated.absences, args.absences_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with org:
        print(
            f"Sample org serving at {org.url}\n"
            f"  REQUESTS_CA_BUNDLE={org.ca_file}\n"
            f"  SALESFORCE_INSTANCE_URL={org.url}\n"
            f"  SALESFORCE_ACCESS_TOKEN={org.issue_token()}\n"
            f"  (username {org.credentials.username}; this org's test credentials are random per start)",
            flush=True,
        )
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
