"""SOQL → parameterised DuckDB SQL, for the subset a pipeline sends.

`SELECT fields | COUNT() FROM object [WHERE …] [GROUP BY fields] [ORDER BY …] [LIMIT n]` with
AND/OR/NOT, comparisons, IN, LIKE, and typed literals; GROUP BY groups the selected fields of the
object itself (no aggregate functions), each one groupable, and answers AggregateResult records
in one batch. What it does not understand is refused with Salesforce's error, never answered wrongly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.sample_org.schema import OBJECTS, Field, SObject


class SoqlError(Exception):
    """A query Salesforce would refuse: carries its errorCode and message."""

    def __init__(self, error_code: str, message: str):
        super().__init__(message)
        self.error_code = error_code
        self.message = message


_TOKEN = re.compile(
    r"""\s*(?:
    (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[(),])
    )""",
    re.VERBOSE,
)
_KEYWORDS = {
    "select", "from", "where", "and", "or", "not", "order", "by", "asc", "desc", "nulls", "first",
    "last", "limit", "in", "like", "count", "true", "false", "null", "group",
}
_UNSUPPORTED = {"having", "offset", "typeof", "with", "fields", "for", "using", "rollup", "cube"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokenize(soql: str) -> list[Token]:
    tokens, pos = [], 0
    soql = soql.rstrip()
    while pos < len(soql):
        match = _TOKEN.match(soql, pos)
        if not match or match.end() == pos:
            raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{soql[pos:pos + 20].strip()}'")
        kind = match.lastgroup or ""
        text = match.group(kind)
        if kind == "name" and text.lower() in _KEYWORDS:
            kind = "kw"
        tokens.append(Token(kind, text))
        pos = match.end()
    return tokens


@dataclass(frozen=True)
class Column:
    """A selected field: `path` as written in the response (`Profile.Name`)."""

    path: str
    field: Field
    relationship: Field | None = None  # the reference field on the queried object


@dataclass
class Query:
    sobject: SObject
    columns: list[Column]
    is_count: bool
    where_sql: str = ""
    order_sql: str = ""
    limit: int | None = None
    params: list[Any] = field(default_factory=list)
    joins: dict[str, Field] = field(default_factory=dict)  # relationship name → reference field
    grouped: bool = False  # GROUP BY the selected fields: one AggregateResult per distinct value


class _Parser:
    def __init__(self, soql: str):
        self.tokens = tokenize(soql)
        self.pos = 0

    def peek(self, offset: int = 0) -> Token | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise SoqlError("MALFORMED_QUERY", "unexpected end of query")
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token and token.kind == "kw" and token.text.lower() == word:
            self.pos += 1
            return True
        return False

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            found = self.peek()
            raise SoqlError(
                "MALFORMED_QUERY", f"expecting '{word.upper()}', found '{found.text if found else 'end of query'}'"
            )

    def expect_punct(self, char: str) -> None:
        token = self.take()
        if token.text != char:
            raise SoqlError("MALFORMED_QUERY", f"expecting '{char}', found '{token.text}'")


def parse(soql: str) -> Query:
    p = _Parser(soql)
    p.expect_keyword("select")
    is_count = False
    names: list[str] = []
    if p.peek() and p.peek().text.lower() == "count" and p.peek(1) and p.peek(1).text == "(":
        p.take(), p.take()
        p.expect_punct(")")
        is_count = True
    else:
        while True:
            token = p.take()
            if token.kind != "name":
                _refuse(token)
            if p.peek() and p.peek().text == "(":
                raise SoqlError("MALFORMED_QUERY", f"functions such as {token.text}() are not supported here")
            names.append(token.text)
            if p.peek() and p.peek().text == ",":
                p.take()
                continue
            break
    p.expect_keyword("from")
    object_token = p.take()
    sobject = _object(object_token.text)
    query = Query(sobject=sobject, columns=[], is_count=is_count)
    query.columns = [_column(query, name) for name in names]
    if p.keyword("where"):
        query.where_sql = _or(p, query)
    if p.keyword("group"):
        p.expect_keyword("by")
        _group_by(p, query)
    if p.keyword("order"):
        p.expect_keyword("by")
        query.order_sql = _order(p, query)
    if p.keyword("limit"):
        token = p.take()
        if token.kind != "number" or not token.text.isdigit():
            raise SoqlError("MALFORMED_QUERY", f"LIMIT takes a whole number, found '{token.text}'")
        query.limit = int(token.text)
    if p.peek() is not None:
        _refuse(p.peek())
    return query


def _group_by(p: _Parser, query: Query) -> None:
    """GROUP BY: exactly the selected fields, of the object itself, each groupable."""
    grouped = []
    while True:
        token = p.take()
        if token.kind != "name":
            _refuse(token)
        column = _column(query, token.text)
        if column.relationship is not None:
            raise SoqlError("MALFORMED_QUERY", "GROUP BY a parent's field is not supported here")
        if not column.field.groupable:
            raise SoqlError("MALFORMED_QUERY", f"field '{column.field.name}' can not be grouped in a query call")
        grouped.append(column.field.name)
        if not (p.peek() and p.peek().text == ","):
            break
        p.take()
    if query.is_count or sorted(grouped) != sorted(c.field.name for c in query.columns if c.relationship is None) \
            or any(c.relationship is not None for c in query.columns):
        raise SoqlError("MALFORMED_QUERY", "field must be grouped or aggregated: select exactly the GROUP BY fields")
    query.grouped = True


def _refuse(token: Token) -> None:
    word = token.text.lower()
    what = f"'{token.text.upper()}' is not supported" if word in _UNSUPPORTED else f"unexpected token: '{token.text}'"
    raise SoqlError("MALFORMED_QUERY", what)


def _object(name: str) -> SObject:
    found = next((o for o in OBJECTS.values() if o.name.lower() == name.lower()), None)
    if found is None:
        raise SoqlError(
            "INVALID_TYPE",
            f"sObject type '{name}' is not supported. If you are attempting to use a custom object, be "
            "sure to append the '__c' after the entity name.",
        )
    return found


def _column(query: Query, name: str) -> Column:
    sobject = query.sobject
    if "." not in name:
        found = sobject.field(name)
        if found is None:
            raise SoqlError("INVALID_FIELD", f"No such column '{name}' on entity '{sobject.name}'.")
        return Column(found.name, found)
    parts = name.split(".")
    if len(parts) != 2:
        raise SoqlError("INVALID_FIELD", f"Only one level of relationship is supported here: '{name}'")
    reference = sobject.relationship(parts[0])
    if reference is None:
        raise SoqlError(
            "INVALID_FIELD", f"Didn't understand relationship '{parts[0]}' in field path. ('{name}' on {sobject.name})"
        )
    parent = OBJECTS.get(reference.reference_to or "")
    found = parent.field(parts[1]) if parent else None
    if found is None:
        raise SoqlError("INVALID_FIELD", f"No such column '{parts[1]}' on entity '{reference.reference_to}'.")
    query.joins[reference.relationship_name or ""] = reference
    return Column(f"{reference.relationship_name}.{found.name}", found, reference)


def sql_ref(column: Column) -> str:
    if column.relationship is None:
        return f't."{column.field.name}"'
    return f'"j_{column.relationship.relationship_name}"."{column.field.name}"'


def _or(p: _Parser, query: Query) -> str:
    parts = [_and(p, query)]
    while p.keyword("or"):
        parts.append(_and(p, query))
    return " OR ".join(parts) if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _and(p: _Parser, query: Query) -> str:
    parts = [_factor(p, query)]
    while p.keyword("and"):
        parts.append(_factor(p, query))
    return "(" + " AND ".join(parts) + ")" if len(parts) > 1 else parts[0]


def _factor(p: _Parser, query: Query) -> str:
    if p.keyword("not"):
        return f"(NOT {_factor(p, query)})"
    if p.peek() and p.peek().text == "(":
        p.take()
        inner = _or(p, query)
        p.expect_punct(")")
        return f"({inner})"
    token = p.take()
    if token.kind != "name":
        _refuse(token)
    column = _column(query, token.text)
    if not column.field.filterable:
        raise SoqlError("INVALID_FIELD", f"field '{column.field.name}' can not be filtered in a query call")
    ref = sql_ref(column)
    negate = p.keyword("not")
    if p.keyword("in"):
        p.expect_punct("(")
        values = [_literal(p.take(), column)]
        while p.peek() and p.peek().text == ",":
            p.take()
            values.append(_literal(p.take(), column))
        p.expect_punct(")")
        query.params.extend(values)
        return f"({ref} {'NOT ' if negate else ''}IN ({', '.join('?' for _ in values)}))"
    if negate:
        raise SoqlError("MALFORMED_QUERY", "expecting 'IN' after 'NOT'")
    if p.keyword("like"):
        token = p.take()
        if token.kind != "string":
            raise SoqlError("MALFORMED_QUERY", "LIKE takes a string")
        query.params.append(_string(token.text))
        return f"({ref} ILIKE ?)"
    op = p.take()
    if op.kind != "op":
        _refuse(op)
    value = _literal(p.take(), column)
    sql_op = {"<>": "!=", "=": "="}.get(op.text, op.text)
    if value is None:
        if sql_op not in ("=", "!="):
            raise SoqlError("MALFORMED_QUERY", "null can only be compared with = or !=")
        return f"({ref} IS {'NOT ' if sql_op == '!=' else ''}NULL)"
    query.params.append(value)
    return f"({ref} {sql_op} ?)"


def _string(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])


def _literal(token: Token, column: Column) -> Any:
    kind, sf_type, name = token.kind, column.field.type, column.field.name
    if kind == "kw" and token.text.lower() == "null":
        return None
    if sf_type == "datetime":
        if kind != "datetime":
            raise SoqlError("INVALID_FIELD", f"value of filter criterion for field '{name}' must be of type dateTime and should not be enclosed in quotes")
        text = token.text.replace("Z", "+00:00")
        if re.search(r"[+-]\d{4}$", text):
            text = text[:-2] + ":" + text[-2:]
        return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc).replace(tzinfo=None)
    if sf_type == "date":
        if kind != "date":
            raise SoqlError("INVALID_FIELD", f"value of filter criterion for field '{name}' must be of type date and should not be enclosed in quotes")
        return dt.date.fromisoformat(token.text)
    if sf_type == "boolean":
        if kind != "kw" or token.text.lower() not in ("true", "false"):
            raise SoqlError("INVALID_FIELD", f"value of filter criterion for field '{name}' must be of type boolean and should not be enclosed in quotes")
        return token.text.lower() == "true"
    if sf_type in ("double", "currency", "percent", "int"):
        if kind != "number":
            raise SoqlError("INVALID_FIELD", f"value of filter criterion for field '{name}' must be of type {sf_type} and should not be enclosed in quotes")
        return float(token.text) if sf_type != "int" else int(float(token.text))
    if kind != "string":
        raise SoqlError("MALFORMED_QUERY", f"value of filter criterion for field '{name}' must be a string in quotes, found '{token.text}'")
    return _string(token.text)


def _order(p: _Parser, query: Query) -> str:
    parts = []
    while True:
        token = p.take()
        if token.kind != "name":
            _refuse(token)
        item = sql_ref(_column(query, token.text))
        if p.keyword("desc"):
            item += " DESC"
        else:
            p.keyword("asc")
            item += " ASC"
        if p.keyword("nulls"):
            item += " NULLS FIRST" if p.keyword("first") else (p.expect_keyword("last") or " NULLS LAST")
        else:
            item += " NULLS FIRST" if item.endswith("ASC") else " NULLS LAST"  # Salesforce's default
        parts.append(item)
        if p.peek() and p.peek().text == ",":
            p.take()
            continue
        return ", ".join(parts)
