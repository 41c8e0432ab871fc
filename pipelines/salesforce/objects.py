"""The Salesforce objects Flywheel extracts, and how each is synced incrementally."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


@dataclass(frozen=True)
class ObjectSpec:
    """One object to extract: which fields to ask for and which field moves the watermark.

    `fields` lists what Flywheel wants; each sync asks only for those `describe` reports, so an
    org that hides a field (field-level security) or lacks it still syncs. Relationship fields
    are written `Parent.Field` and land in the raw table as `Parent_Field`.
    """

    name: str
    key_prefix: str
    watermark_field: str
    fields: tuple[str, ...]
    # Fields without which the object's rows mean nothing: a sync stops if describe lacks one.
    required: tuple[str, ...] = ("Id",)
    # Why an org may lack the object (an API version, a feature not turned on): an org whose
    # describe does not list it is normal, said in the run's metadata, never an error.
    optional: str = ""
    # Why the object is read whole every run instead of since its watermark (an object without
    # SystemModstamp, small enough to read in one go); empty: incremental.
    read_whole: str = ""

    @property
    def table(self) -> str:
        """The raw table's name: `OpportunityHistory` → `opportunity_history`."""
        return _SNAKE.sub("_", self.name).lower()


def column_name(field: str) -> str:
    """The raw column a field lands in: `Profile.Name` → `Profile_Name`."""
    return field.replace(".", "_")


_AUDIT = ("CreatedById", "CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted")

OBJECTS: tuple[ObjectSpec, ...] = (
    ObjectSpec(
        name="User",
        key_prefix="005",
        watermark_field="SystemModstamp",
        fields=(
            "Id", "Username", "Name", "FirstName", "LastName", "Email", "IsActive", "UserType",
            "ProfileId", "Profile.Name", "UserRoleId", "UserRole.Name", "ManagerId",
            "Department", "Title", "Country", "TimeZoneSidKey", "LastLoginDate",
            "CreatedById", "CreatedDate", "LastModifiedDate", "SystemModstamp",
        ),
        required=("Id", "IsActive", "SystemModstamp"),
    ),
    ObjectSpec(
        name="LoginHistory",
        key_prefix="0Ya",
        watermark_field="LoginTime",
        fields=(
            "Id", "UserId", "LoginTime", "LoginType", "LoginSubType", "Status", "Application",
            "Browser", "Platform", "SourceIp", "LoginUrl", "ClientVersion", "ApiType",
            "ApiVersion", "CountryIso", "AuthMethodReference", "LoginGeoId", "TlsProtocol",
            "CipherSuite",
        ),
        required=("Id", "UserId", "LoginTime"),
    ),
    ObjectSpec(
        name="Lead",
        key_prefix="00Q",
        watermark_field="SystemModstamp",
        fields=(
            "Id", "FirstName", "LastName", "Company", "Email", "Phone", "Status", "LeadSource",
            "IsConverted", "ConvertedDate", "ConvertedOpportunityId", "ConvertedAccountId",
            "ConvertedContactId", "OwnerId", "LastActivityDate",
        )
        + _AUDIT,
        required=("Id", "SystemModstamp"),
    ),
    ObjectSpec(
        name="Opportunity",
        key_prefix="006",
        watermark_field="SystemModstamp",
        fields=(
            "Id", "Name", "AccountId", "StageName", "IsClosed", "IsWon", "Amount", "CloseDate",
            "Type", "LeadSource", "ForecastCategory", "Probability", "OwnerId",
            "LastActivityDate", "LastStageChangeDate",
        )
        + _AUDIT,
        required=("Id", "SystemModstamp"),
    ),
    ObjectSpec(
        name="Task",
        key_prefix="00T",
        watermark_field="SystemModstamp",
        fields=(
            "Id", "Subject", "Status", "Priority", "ActivityDate", "WhoId", "WhatId",
            "AccountId", "OwnerId", "IsClosed", "TaskSubtype", "CompletedDateTime", "IsArchived",
        )
        + _AUDIT,
        required=("Id", "SystemModstamp"),
    ),
    ObjectSpec(
        name="Event",
        key_prefix="00U",
        watermark_field="SystemModstamp",
        fields=(
            "Id", "Subject", "StartDateTime", "EndDateTime", "ActivityDateTime", "ActivityDate",
            "DurationInMinutes", "WhoId", "WhatId", "AccountId", "OwnerId", "IsArchived",
            "ShowAs",  # 'OutOfOffice' marks time away (an absence), not work logged
        )
        + _AUDIT,
        required=("Id", "SystemModstamp"),
    ),
    ObjectSpec(
        name="OpportunityHistory",
        key_prefix="008",
        watermark_field="SystemModstamp",
        fields=(
            "Id", "OpportunityId", "StageName", "Amount", "ExpectedRevenue", "CloseDate",
            "Probability", "ForecastCategory", "CreatedById", "CreatedDate", "SystemModstamp",
            "IsDeleted",
        ),
        required=("Id", "SystemModstamp"),
    ),
    ObjectSpec(
        name="OutOfOffice",
        key_prefix="",  # not documented: only the Id's shape is checked
        watermark_field="SystemModstamp",
        fields=("Id", "UserId", "StartDate", "EndDate", "IsEnabled", "Message") + _AUDIT,
        required=("Id", "UserId", "SystemModstamp"),
        optional="Out of Office (API 41+) is not in every org",
    ),
    ObjectSpec(
        name="LeadHistory",
        key_prefix="017",
        # history rows never change and have no SystemModstamp: their creation is the watermark
        watermark_field="CreatedDate",
        fields=("Id", "LeadId", "Field", "OldValue", "NewValue", "DataType", "CreatedById", "CreatedDate", "IsDeleted"),
        required=("Id", "LeadId", "CreatedDate"),
        optional="the org lists LeadHistory only when Lead field history is tracked",
    ),
    ObjectSpec(
        name="Holiday",
        key_prefix="0C0",
        watermark_field="SystemModstamp",
        # all-day dates (ActivityDate) and yearly recurrences: days nobody is expected at work
        fields=(
            "Id", "Name", "Description", "IsAllDay", "ActivityDate", "StartTimeInMinutes", "EndTimeInMinutes",
            "IsRecurrence", "RecurrenceType", "RecurrenceInterval", "RecurrenceStartDate", "RecurrenceEndDateOnly",
            "RecurrenceDayOfMonth", "RecurrenceMonthOfYear", "RecurrenceInstance", "RecurrenceDayOfWeekMask",
        )
        + _AUDIT,
        required=("Id", "SystemModstamp"),
        optional="an org without holidays set up for its business hours may not list Holiday",
    ),
    ObjectSpec(
        name="Organization",
        key_prefix="00D",
        watermark_field="SystemModstamp",
        # one row: the org's default time zone, for users without a valid one of their own
        fields=("Id", "Name", "Country", "TimeZoneSidKey", "CreatedDate", "LastModifiedDate", "SystemModstamp"),
        required=("Id", "SystemModstamp"),
        optional="the integration user may lack access to the org's company information",
    ),
)

# --- who is measured (docs/who-is-measured.md): optional, each needed by one rule only ----------
WHO_IS_MEASURED: tuple[ObjectSpec, ...] = (
    ObjectSpec(
        name="UserLogin",
        key_prefix="060",
        # no SystemModstamp (nor CreatedDate): LastModifiedDate orders a read, which is whole
        watermark_field="LastModifiedDate",
        fields=("Id", "UserId", "IsFrozen", "IsPasswordLocked", "LastModifiedDate"),
        required=("Id", "UserId", "IsFrozen", "LastModifiedDate"),
        optional='reading UserLogin needs "Manage Users"; without it no one is known to be frozen',
        read_whole="UserLogin has no SystemModstamp; it holds one small row per user",
    ),
    ObjectSpec(
        name="Profile",
        key_prefix="00e",
        watermark_field="SystemModstamp",
        fields=("Id", "Name", "UserType", "UserLicenseId", "PermissionsApiUserOnly", "CreatedById", "CreatedDate",
                "LastModifiedDate", "SystemModstamp"),
        required=("Id", "SystemModstamp"),
        optional="without Profile no profile is known to be API-only, nor any user's licence",
    ),
    ObjectSpec(
        name="UserLicense",
        key_prefix="100",
        watermark_field="SystemModstamp",
        fields=("Id", "Name", "MasterLabel", "LicenseDefinitionKey", "Status", "TotalLicenses", "UsedLicenses",
                "CreatedDate", "LastModifiedDate", "SystemModstamp"),
        required=("Id", "Name", "SystemModstamp"),
        optional="without UserLicense no one is taken out by licence (integration_licenses, non_seller_licenses)",
    ),
    ObjectSpec(
        name="LeadStatus",
        key_prefix="01J",
        watermark_field="SystemModstamp",
        fields=("Id", "ApiName", "MasterLabel", "IsDefault", "IsConverted", "SortOrder", "CreatedById", "CreatedDate",
                "LastModifiedDate", "SystemModstamp"),
        required=("Id", "SystemModstamp"),
        optional="without LeadStatus the initial lead statuses are lead_initial_statuses only",
    ),
)

OBJECTS = OBJECTS + WHO_IS_MEASURED

OBJECTS_BY_NAME: dict[str, ObjectSpec] = {o.name: o for o in OBJECTS}
