"""Twenty's REST filter and order_by grammars, parsed into syntax trees with positions.

    filter     := conditions
    conditions := condition ("," condition)*          top-level comma = and
    condition  := ("and" | "or" | "not") "(" conditions ")" | comparison
    comparison := path "[" operator "]" ":" value
    path       := name ("." name)*                     name.firstName, companyId
    value      := quoted | list | json | bare
    list       := "[" (item ("," item)*)? "]"          item := quoted | bare (up to , or ])
    quoted     := a JSON string: "Acme", "say \\"hi\\"", "caf\\u00e9"
    json       := a balanced {...} object (for containsJsonb)
    bare       := everything up to the next "," or ")" (surrounding spaces trimmed)

    order_by   := item ("," item)*;  item := path ("[" direction "]")?

Values stay text here; typing them is `records.rest.filters`' job (it knows the field types).
Every error says where the input went wrong: BadUserInput naming the character position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

from crm.errors import BadUserInput

MAX_LENGTH = 10_000
MAX_NESTING = 32
LOGIC = ("and", "or", "not")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Value:
    text: str
    quoted: bool
    position: int
    json: bool = False  # a bare {...} object


@dataclass(frozen=True)
class ListValue:
    items: tuple[Value, ...]
    position: int


@dataclass(frozen=True)
class Comparison:
    path: tuple[str, ...]
    operator: str
    value: Value | ListValue
    position: int  # of the path
    operator_position: int


@dataclass(frozen=True)
class Logic:
    operator: str  # and, or, not
    items: tuple[Node, ...]
    position: int


Node = Comparison | Logic


@dataclass(frozen=True)
class OrderItem:
    path: tuple[str, ...]
    direction: str | None
    position: int


class GrammarError(BadUserInput):
    """A malformed filter or order_by, pointing at the character at fault."""

    def __init__(self, parameter: str, source: str, position: int, problem: str) -> None:
        self.position = position
        near = source[position : position + 24]
        where = f"at character {position + 1}"
        where += f" (near {near!r})" if near else " (the end)"
        super().__init__(f"Invalid {parameter} {where}: {problem}.", field=parameter)


class _Parser:
    def __init__(self, source: str, parameter: str) -> None:
        if len(source) > MAX_LENGTH:
            raise BadUserInput(
                f"The {parameter} is longer than {MAX_LENGTH} characters.", field=parameter
            )
        self.source = source
        self.parameter = parameter
        self.pos = 0
        self.depth = 0

    # --- helpers ------------------------------------------------------------------------
    def fail(self, problem: str, position: int | None = None) -> GrammarError:
        return GrammarError(
            self.parameter, self.source, self.pos if position is None else position, problem
        )

    def skip_spaces(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip_spaces()
        return self.source[self.pos] if self.pos < len(self.source) else ""

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            found = self.describe()
            raise self.fail(f"expected {char!r} {what}, found {found}")
        self.pos += 1

    def describe(self) -> str:
        return repr(self.source[self.pos]) if self.pos < len(self.source) else "the end"

    def at_end(self) -> bool:
        return self.peek() == ""

    def name(self, what: str) -> str:
        self.skip_spaces()
        match = _NAME.match(self.source, self.pos)
        if match is None:
            raise self.fail(f"expected {what}, found {self.describe()}")
        self.pos = match.end()
        return match.group()

    def path(self) -> tuple[tuple[str, ...], int]:
        self.skip_spaces()
        start = self.pos
        names = [self.name("a field name")]
        while self.source.startswith(".", self.pos):
            self.pos += 1
            names.append(self.name("a sub-field name after '.'"))
        return tuple(names), start

    # --- filter -------------------------------------------------------------------------
    def conditions(self, closing: str) -> tuple[Node, ...]:
        items = [self.condition()]
        while self.peek() == ",":
            self.pos += 1
            items.append(self.condition())
        following = self.peek()
        if following != closing:
            if closing == ")":
                raise self.fail(f"expected ',' or ')', found {self.describe()}")
            raise self.fail(f"expected ',' or the end of the filter, found {self.describe()}")
        return tuple(items)

    def condition(self) -> Node:
        if self.at_end() or self.peek() in ",)":
            raise self.fail(f"expected a condition, found {self.describe()}")
        start = self.pos
        match = _NAME.match(self.source, self.pos)
        if match is not None and match.group() in LOGIC:
            after = match.end()
            while after < len(self.source) and self.source[after].isspace():
                after += 1
            if after < len(self.source) and self.source[after] == "(":
                self.pos = after + 1
                self.depth += 1
                if self.depth > MAX_NESTING:
                    raise self.fail(f"nested deeper than {MAX_NESTING} levels", start)
                if self.peek() == ")":
                    raise self.fail(f"{match.group()}(...) needs at least one condition")
                items = self.conditions(")")
                self.pos += 1  # the ")"
                self.depth -= 1
                return Logic(match.group(), items, start)
        return self.comparison()

    def comparison(self) -> Comparison:
        path, start = self.path()
        if self.peek() != "[":
            raise self.fail(
                f"expected '[operator]' after {'.'.join(path)!r}, found {self.describe()}"
            )
        self.pos += 1
        operator_position = self.pos
        operator = self.name("an operator such as eq, in or ilike")
        self.expect("]", "after the operator")
        self.expect(":", f"after {'.'.join(path)}[{operator}]")
        value = self.value()
        return Comparison(path, operator, value, start, operator_position)

    def value(self) -> Value | ListValue:
        char = self.peek()
        if char == "[":
            return self.list_value()
        if char == '"':
            return self.quoted()
        if char == "{":
            return self.json_object()
        return self.bare(",)")

    def list_value(self) -> ListValue:
        start = self.pos
        self.pos += 1
        items: list[Value] = []
        if self.peek() == "]":
            self.pos += 1
            return ListValue((), start)
        while True:
            items.append(self.quoted() if self.peek() == '"' else self.bare(",]"))
            char = self.peek()
            if char == ",":
                self.pos += 1
                continue
            if char == "]":
                self.pos += 1
                return ListValue(tuple(items), start)
            raise self.fail(f"expected ',' or ']' in the list, found {self.describe()}")

    def quoted(self) -> Value:
        start = self.pos
        index = start + 1
        while index < len(self.source):
            char = self.source[index]
            if char == "\\":
                index += 2
                continue
            if char == '"':
                break
            index += 1
        else:
            raise self.fail("this quoted value is never closed (a '\"' is missing)", start)
        raw = self.source[start : index + 1]
        try:
            text = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise self.fail(
                'this quoted value has an invalid escape (use \\" \\\\ \\n \\t or \\uXXXX)', start
            ) from None
        self.pos = index + 1
        return Value(str(text), True, start)

    def json_object(self) -> Value:
        start = self.pos
        depth, index, in_string = 0, start, False
        while index < len(self.source):
            char = self.source[index]
            if in_string:
                if char == "\\":
                    index += 1
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.pos = index + 1
                    return Value(self.source[start : self.pos], False, start, json=True)
            index += 1
        raise self.fail("this JSON object is never closed (a '}' is missing)", start)

    def bare(self, stops: str) -> Value:
        self.skip_spaces()
        start = self.pos
        index = start
        while index < len(self.source) and self.source[index] not in stops:
            if self.source[index] == '"':
                raise self.fail(
                    "a '\"' inside an unquoted value; quote the whole value instead", index
                )
            index += 1
        text = self.source[start:index].strip()
        if not text:
            raise self.fail(f"expected a value, found {self.describe()}", start)
        self.pos = index
        return Value(text, False, start)

    # --- order_by -----------------------------------------------------------------------
    def order_items(self) -> tuple[OrderItem, ...]:
        items: list[OrderItem] = []
        while True:
            if self.at_end() or self.peek() == ",":
                raise self.fail(f"expected a field name, found {self.describe()}")
            path, start = self.path()
            direction = None
            if self.peek() == "[":
                self.pos += 1
                direction = self.name("a direction such as AscNullsFirst")
                self.expect("]", "after the direction")
            items.append(OrderItem(path, direction, start))
            if self.at_end():
                return tuple(items)
            if self.peek() != ",":
                raise self.fail(f"expected ',' or '[direction]', found {self.describe()}")
            self.pos += 1


def parse_filter(source: str) -> Node | None:
    """The filter's tree (None for an empty filter); several top-level conditions → and."""
    parser = _Parser(source, "filter")
    if parser.at_end():
        return None
    items = parser.conditions("")
    return items[0] if len(items) == 1 else Logic("and", items, 0)


def parse_order_by(source: str) -> tuple[OrderItem, ...]:
    parser = _Parser(source, "order_by")
    if parser.at_end():
        return ()
    return parser.order_items()
