"""Every auth mode, through `connect()` and the real simple-salesforce, against the sample org."""

import pytest
from conftest import make_client

from pipelines.salesforce.auth import AuthMode, Credentials, SalesforceLoginError, connect


def credentials_for(org, mode: AuthMode) -> Credentials:
    c = org.credentials
    return {
        AuthMode.PASSWORD: Credentials(username=c.username, password=c.password, security_token=c.security_token),
        AuthMode.OAUTH_PASSWORD: Credentials(
            username=c.username, password=c.password, security_token=c.security_token,
            consumer_key=c.consumer_key, consumer_secret=c.consumer_secret,
        ),
        AuthMode.JWT: Credentials(username=c.username, consumer_key=c.consumer_key, private_key_file=str(c.private_key_file)),
        AuthMode.CLIENT_CREDENTIALS: Credentials(
            consumer_key=c.consumer_key, consumer_secret=c.consumer_secret, domain="flywheel-sample.my"
        ),
        AuthMode.ACCESS_TOKEN: Credentials(instance_url=org.url, access_token=org.issue_token()),
    }[mode]


@pytest.mark.parametrize("mode", [m for m in AuthMode if m is not AuthMode.NONE])
def test_each_auth_mode_logs_in_and_reads(org, mode):
    creds = credentials_for(org, mode)
    assert creds.mode is mode
    client = make_client(org, creds)
    assert client.describe_many(["User"])["User"]["name"] == "User"
    assert client.api_usage is not None  # Sforce-Limit-Info was read


@pytest.mark.parametrize("mode", [AuthMode.PASSWORD, AuthMode.OAUTH_PASSWORD, AuthMode.CLIENT_CREDENTIALS])
def test_a_wrong_secret_fails_clearly_without_echoing_it(org, mode):
    good = credentials_for(org, mode)
    wrong = "Wr0ng-S3cret-" + "x" * 12
    field = "consumer_secret" if mode is AuthMode.CLIENT_CREDENTIALS else "password"
    bad = Credentials(**{**{k: getattr(good, k) for k in good.__dataclass_fields__}, field: wrong})
    with pytest.raises(SalesforceLoginError, match="Salesforce login failed") as err:
        connect(bad, session=org.client_session())
    assert wrong not in str(err.value)
    assert wrong not in repr(bad)


def test_no_credentials_is_a_clear_error():
    with pytest.raises(SalesforceLoginError, match="No Salesforce credentials"):
        connect(Credentials())
