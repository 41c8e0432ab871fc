"""The objects the built-in sample org serves, with Salesforce's field names and types.

This is the org's own metadata (what `describe` answers), not what Flywheel extracts: the
extraction asks `describe` and takes what it finds, as it must with any org.
"""

from __future__ import annotations

from dataclasses import dataclass

# Salesforce field types used here, and the DuckDB type the org stores each in.
STORAGE_TYPES: dict[str, str] = {
    "id": "VARCHAR",
    "reference": "VARCHAR",
    "string": "VARCHAR",
    "picklist": "VARCHAR",
    "textarea": "VARCHAR",
    "email": "VARCHAR",
    "phone": "VARCHAR",
    "boolean": "BOOLEAN",
    "datetime": "TIMESTAMP",  # UTC
    "date": "DATE",
    "double": "DOUBLE",
    "currency": "DOUBLE",
    "percent": "DOUBLE",
    "int": "BIGINT",
    "anyType": "VARCHAR",  # LeadHistory's OldValue/NewValue: an Id, a name, a status, as text
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    reference_to: str | None = None  # for references: the parent object
    relationship_name: str | None = None  # e.g. "Profile" for ProfileId
    filterable: bool = True
    nillable: bool = True
    picklist: tuple[str, ...] = ()  # a picklist's values (describe's picklistValues)
    default: str | None = None  # the picklist value a new record takes

    @property
    def groupable(self) -> bool:
        """Whether GROUP BY takes it (Salesforce: not datetimes, long text, numbers with decimals)."""
        return self.type not in _NOT_GROUPABLE


_NOT_GROUPABLE = {"datetime", "textarea", "anyType", "double", "currency", "percent"}

# The org's own picklists. Lead.Status: the org renamed its default status to 'New' (LeadStatus
# IsDefault), keeping Salesforce's 'Open - Not Contacted' beside it; the generator writes one
# LeadStatus per value. Opportunity.Type: Salesforce's default values ('New Customer', 'Existing
# Customer - …') and the org's own 'New Business' / 'Existing Business'.
LEAD_STATUSES = ("New", "Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")
DEFAULT_LEAD_STATUS = "New"
OPPORTUNITY_TYPES = ("New Customer", "Existing Customer - Upgrade", "Existing Customer - Replacement",
                     "Existing Customer - Downgrade", "New Business", "Existing Business")


@dataclass(frozen=True)
class SObject:
    name: str
    key_prefix: str
    fields: tuple[Field, ...]
    queryable: bool = True
    bulk_queryable: bool = True  # Bulk API 2.0 accepts a query on it
    label_plural: str = ""

    def field(self, name: str) -> Field | None:
        lowered = name.lower()
        return next((f for f in self.fields if f.name.lower() == lowered), None)

    def relationship(self, name: str) -> Field | None:
        lowered = name.lower()
        return next(
            (f for f in self.fields if f.relationship_name and f.relationship_name.lower() == lowered),
            None,
        )

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


def _id() -> Field:
    return Field("Id", "id", nillable=False)


def _ref(name: str, to: str, rel: str | None = None) -> Field:
    return Field(name, "reference", reference_to=to, relationship_name=rel)


def _audit(*, deletable: bool = True, modified: bool = True) -> tuple[Field, ...]:
    fields = [
        Field("CreatedDate", "datetime", nillable=False),
        _ref("CreatedById", "User", "CreatedBy"),
    ]
    if modified:
        fields.append(Field("LastModifiedDate", "datetime", nillable=False))
    fields.append(Field("SystemModstamp", "datetime", nillable=False))
    if deletable:
        fields.append(Field("IsDeleted", "boolean", nillable=False))
    return tuple(fields)


OBJECTS: dict[str, SObject] = {
    o.name: o
    for o in [
        SObject(
            "Profile",
            "00e",
            (_id(), Field("Name", "string"), Field("UserType", "picklist"),
             _ref("UserLicenseId", "UserLicense", "UserLicense"),
             Field("PermissionsApiUserOnly", "boolean", nillable=False))
            + _audit(deletable=False),
        ),
        SObject(
            # no CreatedById and no IsDeleted, as Salesforce's UserLicense
            "UserLicense",
            "100",
            (_id(), Field("Name", "string"), Field("MasterLabel", "string"), Field("LicenseDefinitionKey", "string"),
             Field("Status", "picklist"), Field("TotalLicenses", "int"), Field("UsedLicenses", "int"),
             Field("CreatedDate", "datetime", nillable=False), Field("LastModifiedDate", "datetime", nillable=False),
             Field("SystemModstamp", "datetime", nillable=False)),
        ),
        SObject(
            # a user's login settings (API 29+): no SystemModstamp, CreatedDate nor IsDeleted
            "UserLogin",
            "060",
            (_id(), _ref("UserId", "User", "User"), Field("IsFrozen", "boolean", nillable=False),
             Field("IsPasswordLocked", "boolean", nillable=False), _ref("LastModifiedById", "User", "LastModifiedBy"),
             Field("LastModifiedDate", "datetime", nillable=False)),
        ),
        SObject(
            "UserRole",
            "00E",
            (_id(), Field("Name", "string"), _ref("ParentRoleId", "UserRole"))
            + (Field("LastModifiedDate", "datetime"), Field("SystemModstamp", "datetime")),
        ),
        SObject(
            "User",
            "005",
            (
                _id(),
                Field("Username", "string"),
                Field("Name", "string"),
                Field("FirstName", "string"),
                Field("LastName", "string"),
                Field("Email", "email"),
                Field("IsActive", "boolean", nillable=False),
                Field("UserType", "picklist"),
                _ref("ProfileId", "Profile", "Profile"),
                _ref("UserRoleId", "UserRole", "UserRole"),
                _ref("ManagerId", "User", "Manager"),
                Field("Department", "string"),
                Field("Title", "string"),
                Field("Country", "string"),
                Field("TimeZoneSidKey", "picklist"),
                Field("LastLoginDate", "datetime"),
            )
            + _audit(deletable=False),
        ),
        SObject(
            "LoginHistory",
            "0Ya",
            (
                _id(),
                _ref("UserId", "User"),
                Field("LoginTime", "datetime", nillable=False),
                Field("LoginType", "picklist"),
                Field("LoginSubType", "picklist"),
                Field("Status", "string", filterable=False),
                Field("Application", "string"),
                Field("Browser", "string"),
                Field("Platform", "string"),
                Field("SourceIp", "string"),
                Field("LoginUrl", "string"),
                Field("ClientVersion", "string"),
                Field("ApiType", "string"),
                Field("ApiVersion", "string"),
                Field("CountryIso", "picklist"),
                Field("AuthMethodReference", "string"),
                _ref("LoginGeoId", "LoginGeo"),
                Field("TlsProtocol", "picklist"),
                Field("CipherSuite", "picklist"),
            ),
        ),
        SObject(
            "Account",
            "001",
            (_id(), Field("Name", "string"), _ref("OwnerId", "User", "Owner"), Field("Industry", "picklist"))
            + _audit(),
        ),
        SObject(
            "Lead",
            "00Q",
            (
                _id(),
                Field("FirstName", "string"),
                Field("LastName", "string"),
                Field("Name", "string"),
                Field("Company", "string"),
                Field("Email", "email"),
                Field("Phone", "phone"),
                Field("Status", "picklist", picklist=LEAD_STATUSES, default=DEFAULT_LEAD_STATUS),
                Field("LeadSource", "picklist"),
                Field("IsConverted", "boolean", nillable=False),
                Field("ConvertedDate", "date"),
                _ref("ConvertedOpportunityId", "Opportunity", "ConvertedOpportunity"),
                _ref("ConvertedAccountId", "Account", "ConvertedAccount"),
                _ref("ConvertedContactId", "Contact", "ConvertedContact"),
                _ref("OwnerId", "User", "Owner"),
                Field("LastActivityDate", "date"),
            )
            + _audit(),
        ),
        SObject(
            # the values of Lead.Status (LEAD_STATUSES): no IsDeleted
            "LeadStatus",
            "01J",
            (_id(), Field("ApiName", "string"), Field("MasterLabel", "string"), Field("IsDefault", "boolean", nillable=False),
             Field("IsConverted", "boolean", nillable=False), Field("SortOrder", "int"))
            + _audit(deletable=False),
        ),
        SObject(
            # the parent of a service agent's activities (Task.WhatId 500…); not extracted
            "Case",
            "500",
            (_id(), Field("Subject", "string"), Field("Status", "picklist"), Field("Origin", "picklist"),
             _ref("OwnerId", "User", "Owner"), _ref("AccountId", "Account", "Account"))
            + _audit(),
        ),
        SObject(
            "Opportunity",
            "006",
            (
                _id(),
                Field("Name", "string"),
                _ref("AccountId", "Account", "Account"),
                Field("StageName", "picklist"),
                Field("IsClosed", "boolean", nillable=False),
                Field("IsWon", "boolean", nillable=False),
                Field("Amount", "currency"),
                Field("CloseDate", "date"),
                Field("Type", "picklist", picklist=OPPORTUNITY_TYPES),
                Field("LeadSource", "picklist"),
                Field("ForecastCategory", "picklist"),
                Field("Probability", "percent"),
                _ref("OwnerId", "User", "Owner"),
                Field("LastActivityDate", "date"),
                Field("LastStageChangeDate", "datetime"),
            )
            + _audit(),
        ),
        SObject(
            "Task",
            "00T",
            (
                _id(),
                Field("Subject", "string"),
                Field("Status", "picklist"),
                Field("Priority", "picklist"),
                Field("ActivityDate", "date"),
                _ref("WhoId", "Lead"),
                _ref("WhatId", "Opportunity"),
                _ref("AccountId", "Account", "Account"),
                _ref("OwnerId", "User", "Owner"),
                Field("IsClosed", "boolean", nillable=False),
                Field("TaskSubtype", "picklist"),
                Field("CompletedDateTime", "datetime"),
                Field("IsArchived", "boolean", nillable=False),
            )
            + _audit(),
        ),
        SObject(
            "Event",
            "00U",
            (
                _id(),
                Field("Subject", "string"),
                Field("StartDateTime", "datetime"),
                Field("EndDateTime", "datetime"),
                Field("ActivityDateTime", "datetime"),
                Field("ActivityDate", "date"),
                Field("DurationInMinutes", "int"),
                _ref("WhoId", "Lead"),
                _ref("WhatId", "Opportunity"),
                _ref("AccountId", "Account", "Account"),
                _ref("OwnerId", "User", "Owner"),
                Field("IsArchived", "boolean", nillable=False),
                Field("ShowAs", "picklist"),
            )
            + _audit(),
        ),
        SObject(
            "OpportunityHistory",
            "008",
            (
                _id(),
                _ref("OpportunityId", "Opportunity", "Opportunity"),
                Field("StageName", "picklist"),
                Field("Amount", "currency"),
                Field("ExpectedRevenue", "currency"),
                Field("CloseDate", "date"),
                Field("Probability", "percent"),
                Field("ForecastCategory", "picklist"),
                Field("CreatedDate", "datetime", nillable=False),
                _ref("CreatedById", "User", "CreatedBy"),
                Field("SystemModstamp", "datetime", nillable=False),
                Field("IsDeleted", "boolean", nillable=False),
            ),
        ),
        SObject(
            # API 41+; Salesforce does not document its key prefix
            "OutOfOffice",
            "0Ow",
            (
                _id(),
                _ref("UserId", "User", "User"),
                Field("StartDate", "datetime"),
                Field("EndDate", "datetime"),
                Field("IsEnabled", "boolean", nillable=False),
                Field("Message", "textarea"),
            )
            + _audit(),
        ),
        SObject(
            # field history: rows never change, so no LastModifiedDate and no SystemModstamp
            "LeadHistory",
            "017",
            (
                _id(),
                _ref("LeadId", "Lead", "Lead"),
                Field("Field", "picklist"),
                Field("OldValue", "anyType", filterable=False),
                Field("NewValue", "anyType", filterable=False),
                Field("DataType", "picklist"),
                Field("CreatedDate", "datetime", nillable=False),
                _ref("CreatedById", "User", "CreatedBy"),
                Field("IsDeleted", "boolean", nillable=False),
            ),
        ),
        SObject(
            # the org's holidays (Setup > Holidays): an all-day date, or a recurrence
            "Holiday",
            "0C0",
            (
                _id(),
                Field("Name", "string"),
                Field("Description", "string"),
                Field("IsAllDay", "boolean", nillable=False),
                Field("ActivityDate", "date"),
                Field("StartTimeInMinutes", "int"),
                Field("EndTimeInMinutes", "int"),
                Field("IsRecurrence", "boolean", nillable=False),
                Field("RecurrenceType", "picklist"),
                Field("RecurrenceInterval", "int"),
                Field("RecurrenceStartDate", "date"),
                Field("RecurrenceEndDateOnly", "date"),
                Field("RecurrenceDayOfMonth", "int"),
                Field("RecurrenceMonthOfYear", "picklist"),
                Field("RecurrenceInstance", "picklist"),
                Field("RecurrenceDayOfWeekMask", "int"),
            )
            + _audit(),
        ),
        SObject(
            # the org's company information: one row, with its default time zone
            "Organization",
            "00D",
            (
                _id(),
                Field("Name", "string"),
                Field("Country", "string"),
                Field("TimeZoneSidKey", "picklist"),
            )
            + _audit(deletable=False),
        ),
    ]
}
