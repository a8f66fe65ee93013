"""Sandboxed rendering of blueprint texts with the deal, e.g. ``Plan: {{ deal.buyer }}``.

Only blueprint text goes through :func:`render_text`, never plan data: a value typed by a
participant must not be run as a template. Callers are responsible for that.

Blueprints may come from untrusted users, so texts are rendered in jinja2's immutable sandbox
with more limits on top:

* no include, import or extends; no ``lipsum``; only the filters in ``ALLOWED_FILTERS`` and,
  on plain values (strings, numbers, lists, dicts, dates), only the methods in
  ``ALLOWED_METHODS``;
* ``range()`` gives at most 10,000 items; ``*``, ``+``, ``~``, ``%``, ``**``, ``join`` and
  ``replace`` may not build a string or list over 100,000 characters/items or a number over
  10,000 bits; printf widths are at most 1,000;
* per render: at most 100,000 characters written (counted where written, so text captured by
  ``{% set %}`` or a macro and then printed counts twice), 250,000 steps (loop iterations,
  calls, items handed to filters) and 1 second.

Outside jinja's usual rules: a key of ``deal`` wins over a dict method of the same name
(``deal.items`` is the deal's ``items`` value if it has one), and ``~`` formats None and dates
as output does. Unknown names raise (StrictUndefined); ``deal.x is defined`` and
``deal.x | default('...')`` work, but the standard keys are always defined (None when unknown),
so use ``default('...', true)`` for them.
"""

from __future__ import annotations

import contextvars
import difflib
import functools
import re
import time
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from datetime import time as time_of_day
from typing import Any, NamedTuple

from mapgen.core.dates import format_human
from mapgen.core.dealkeys import STANDARD_DEAL_KEYS
from mapgen.core.errors import TemplateError

MAX_SOURCE = 100_000  # characters of template text
MAX_RANGE = 10_000  # items from one range()
MAX_OUTPUT = 100_000  # characters written per render
MAX_SIZE = 100_000  # characters/items of one value built by the template
MAX_INT_BITS = 10_000  # about 3,000 digits
MAX_WIDTH = 1_000  # printf width or precision
MAX_WORK = 250_000  # steps per render
MAX_SECONDS = 1.0  # CPU seconds per render (a busy machine does not refuse a fair template)

ALLOWED_FILTERS = frozenset({
    "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
    "filesizeformat", "first", "float", "forceescape", "format", "groupby", "int", "items",
    "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
    "replace", "reverse", "round", "safe", "select", "selectattr", "sort", "string",
    "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "urlencode",
    "wordcount",
})
ALLOWED_METHODS = frozenset({
    # str
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha",
    "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join",
    "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex",
    "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase",
    "title", "upper",
    # dict, list, tuple
    "get", "items", "keys", "values",
    # date, datetime
    "isoformat", "strftime", "weekday", "isoweekday", "isocalendar",
})
# Values whose methods are limited to ALLOWED_METHODS.
_PLAIN = (str, bytes, int, float, complex, list, tuple, dict, set, frozenset, date, time_of_day,
          timedelta)
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")


class _Refused(Exception):
    """A limit or sandbox rule the template broke; ``args[0]`` is the plain message."""


class _Budget:
    __slots__ = ("deadline", "output", "work")

    def __init__(self) -> None:
        self.work = MAX_WORK
        self.output = MAX_OUTPUT
        self.deadline = time.process_time() + MAX_SECONDS


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("mapgen_render_budget",
                                                                        default=None)
# How a date that a text writes out is printed (the document's language).
_DATES: contextvars.ContextVar[Callable[[date], str]] = contextvars.ContextVar("mapgen_render_dates",
                                                                               default=format_human)


def has_template(text: object) -> bool:
    """True when ``text`` is a string with jinja markers (``{{``, ``{%`` or ``{#``)."""
    return isinstance(text, str) and ("{{" in text or "{%" in text or "{#" in text)


def deal_context(deal: Mapping[str, object] | None) -> dict:
    """``{'deal': {...}}``: the standard keys always (None when unknown), then any others."""
    values: dict[str, object] = dict.fromkeys(STANDARD_DEAL_KEYS)
    if deal:
        values.update((str(key), value) for key, value in deal.items())
    return {"deal": values}


def render_text(text: str, context: Mapping[str, object], *, source: str | None = None,
                line: int | None = None, dates: Callable[[date], str] | None = None) -> str:
    """Render one blueprint text; ``text`` without template markers comes back unchanged.

    Raises :class:`TemplateError` with one line, prefixed ``source:line: `` when known.
    ``line`` is the line of the text's first line, so syntax errors point into the file.
    ``dates`` prints a date that the text writes out (default ``15 Jan 2027``).
    """
    if not has_template(text):
        return text
    if len(text) > MAX_SOURCE:
        raise TemplateError(f"{_where(source, line)}template text too long "
                            f"(over {MAX_SOURCE:,} characters)")
    compiled = _compile_reporting(text, source, line)
    token = _BUDGET.set(_Budget())
    date_token = _DATES.set(dates or format_human)
    try:
        result = compiled.template.render(dict(context))
    except Exception as exc:
        message = _one_line(_explain(exc, context, compiled.paths))
        raise TemplateError(_where(source, line) + message) from exc
    finally:
        _BUDGET.reset(token)
        _DATES.reset(date_token)
    if len(result) > MAX_OUTPUT:  # already enforced while writing; kept as a last check
        raise TemplateError(f"{_where(source, line)}template output too long "
                            f"(over {MAX_OUTPUT:,} characters)")
    return result


# --------------------------------------------------------------------------- simple texts

# ``{{ deal.KEY }}`` or ``{{ deal.KEY or 'default' }}``: the only expressions of most blueprint
# texts, rendered without jinja2 (whose import costs a command more than the rest of it).
_SIMPLE = re.compile(r"\{\{ *deal\.([A-Za-z][A-Za-z0-9_]*)"
                     r"(?: +or +(?:'([^'\\{}\r\n]*)'|\"([^\"\\{}\r\n]*)\"))? *\}\}")
_NOT_KEYS = frozenset({"and", "or", "not", "in", "is", "if", "else", "true", "false", "none",
                       "True", "False", "None"})
_ABSENT = object()


def _literal(text: str) -> bool:
    """Whether jinja writes ``text`` as it is: no braces, no carriage return."""
    return "{" not in text and "}" not in text and "\r" not in text


def _simple_parts(text: str) -> list[tuple[str, str, str | None]] | None:
    """(text before, deal key, default or None) of each expression of a text that holds only
    the expressions of :data:`_SIMPLE`, the text after the last as ``("", "", None)``; None
    for any other text."""
    parts = []
    end = 0
    for match in _SIMPLE.finditer(text):
        key, single, double = match.groups()
        before = text[end:match.start()]
        if not _literal(before) or key in _NOT_KEYS:
            return None
        parts.append((before, key, single if single is not None else double))
        end = match.end()
    if not parts or not _literal(text[end:]):
        return None
    return [*parts, (text[end:], "", None)]


class _Simple:
    """A text of simple expressions (:func:`_simple_parts`): written without jinja where each
    key's value is a string or None, as jinja writes it; by jinja otherwise (compiled on first
    need), with its errors and limits."""

    def __init__(self, text: str, parts: list[tuple[str, str, str | None]]):
        self.text = text
        self.parts = parts

    def render(self, context: Mapping[str, object]) -> str:
        deal = context.get("deal")
        out: list[str] = []
        if type(deal) is dict:
            for before, key, default in self.parts[:-1]:
                value = deal.get(key, _ABSENT)
                if value is not None and type(value) is not str:
                    break
                out += (before, (value or default if default is not None else value) or "")
            else:
                out.append(self.parts[-1][0])
                result = "".join(out)
                if len(result) <= MAX_OUTPUT // 2:
                    return result
        return _compile_jinja(self.text).template.render(context)


# --------------------------------------------------------------------------- errors

def _where(source: str | None, line: int | None) -> str:
    if source and line is not None:
        return f"{source}:{line}: "
    if source:
        return f"{source}: "
    return f"line {line}: " if line is not None else ""


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _compile_reporting(text: str, source: str | None, line: int | None) -> _Compiled:
    """The cached compiled template, or a TemplateError naming where the syntax is wrong."""
    try:
        return _compile(text)
    except _Refused as exc:
        raise TemplateError(_where(source, line) + exc.args[0]) from exc
    except RecursionError as exc:
        raise TemplateError(f"{_where(source, line)}template syntax error: nested too deeply") from exc
    except Exception as exc:
        from jinja2.exceptions import TemplateSyntaxError  # (imported only when compiling failed)

        if isinstance(exc, TemplateSyntaxError):
            lineno = exc.lineno or 1
            here = _where(source, line + lineno - 1 if line is not None else None)
            inner = f" (line {lineno} of the text)" if line is None and lineno > 1 else ""
            message = f"template syntax error: {exc.message or exc}{inner}"
            raise TemplateError(here + _one_line(message)) from exc
        # e.g. a number literal Python refuses to read
        raise TemplateError(_where(source, line) + _one_line(f"template syntax error: {exc}")) from exc


def _explain(exc: Exception, context: Mapping[str, object], paths: tuple[str, ...]) -> str:
    """The plain message for an error raised while rendering."""
    from jinja2.exceptions import SecurityError, UndefinedError

    if isinstance(exc, _Refused):
        return exc.args[0]
    if isinstance(exc, SecurityError):
        return f"unsafe template: {exc}"
    if isinstance(exc, UndefinedError):
        if getattr(exc, "name", None) is None:
            return f"template error: {exc}"
        return _unknown_variable(exc, context, paths)
    if isinstance(exc, RecursionError):
        return "template error: recursion nested too deeply"
    if isinstance(exc, MemoryError):
        return "template error: out of memory"
    return f"template error: {exc or type(exc).__name__}"


def _unknown_variable(exc: Any, context: Mapping[str, object], paths: tuple[str, ...]) -> str:
    """``unknown variable 'deal.buyr' in template (known deal keys: ...); did you mean ...``."""
    from jinja2.utils import missing

    name = str(exc.name)
    deal = context.get("deal")
    keys = sorted(str(k) for k in deal) if isinstance(deal, Mapping) else []
    top_level = exc.obj is missing
    deal_key = deal is not None and exc.obj is deal
    if top_level:
        path = name
    elif deal_key:
        path = f"deal.{name}"
    else:
        path = next((p for p in paths if p.endswith((f".{name}", f"[{name!r}]"))), name)
    message = f"unknown variable '{path}' in template"
    if top_level or deal_key:
        shown = ", ".join(keys[:30]) + (", ..." if len(keys) > 30 else "")
        message += f" (known deal keys: {shown})"
        names = [str(k) for k in context]
        near = difflib.get_close_matches(name, names, n=1) if top_level else []
        close = difflib.get_close_matches(name, keys, n=1)
        if near:
            message += f"; did you mean '{near[0]}'?"
        elif close:
            message += f"; did you mean 'deal.{close[0]}'?"
        elif deal_key:
            message += (f"; a key that only some deals have is written "
                        f"{{% if deal.{name} is defined %}}...{{% endif %}}")
    return message


# --------------------------------------------------------------------------- compiling

class _Compiled(NamedTuple):
    template: Any
    paths: tuple[str, ...]  # dotted names in the text (deal.buyer, row.owner), for messages


@functools.lru_cache(maxsize=4096)
def _compile(text: str) -> _Compiled:
    """Parse, harden and compile ``text`` once; later calls with the same text are free. A
    text of simple expressions needs no jinja to parse (:class:`_Simple`)."""
    parts = _simple_parts(text)
    if parts is not None:
        paths = tuple(dict.fromkeys(f"deal.{key}" for _, key, _ in parts[:-1]))
        return _Compiled(_Simple(text, parts), paths)
    return _compile_jinja(text)


@functools.lru_cache(maxsize=4096)
def _compile_jinja(text: str) -> _Compiled:
    """``text`` parsed, hardened and compiled by jinja, with its dotted names."""
    from jinja2 import nodes

    env = _environment()
    tree = env.parse(text)
    paths = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        path = _dotted(node)
        if path and path not in paths:
            paths.append(path)
    _hardener()().visit(tree)
    tree.set_environment(env)
    return _Compiled(env.from_string(tree), tuple(paths))


def _dotted(node: Any) -> str | None:
    """``deal.buyer`` for the expression ``deal.buyer`` or ``deal['buyer']``; None otherwise."""
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _dotted(node.node)
        key = node.arg.value
        if not base:
            return None
        return f"{base}.{key}" if isinstance(key, str) and key.isidentifier() else f"{base}[{key!r}]"
    return None


@functools.cache
def _hardener() -> type:
    """A node transformer that routes loops, ``~`` and output through the guards below."""
    from jinja2 import nodes
    from jinja2.visitor import NodeTransformer

    def guard_call(name: str, args: list, like: Any) -> Any:
        call = nodes.Call(nodes.ImportedName(f"{__name__}.{name}"), list(args), [], None, None)
        return call.set_lineno(like.lineno or 1)

    def refuse(self: Any, node: Any) -> Any:
        raise _Refused("unsafe template: include, import and extends are not allowed")

    class Hardener(NodeTransformer):
        visit_Extends = visit_Include = visit_Import = visit_FromImport = refuse

        def visit_For(self, node: Any) -> Any:
            self.generic_visit(node)
            node.iter = guard_call("_guard_loop", [node.iter], node)
            return node

        def visit_Concat(self, node: Any) -> Any:
            self.generic_visit(node)
            return guard_call("_guard_concat", node.nodes, node)

        def visit_Output(self, node: Any) -> Any:
            self.generic_visit(node)
            args = [nodes.Const(c.data) if isinstance(c, nodes.TemplateData) else c for c in node.nodes]
            node.nodes = [guard_call("_guard_output", args, node)]
            return node

    return Hardener


@functools.cache
def _environment() -> Any:
    """The one sandboxed environment, built on first use so importing this module stays cheap."""
    from jinja2 import StrictUndefined
    from jinja2.exceptions import UndefinedError
    from jinja2.runtime import LoopContext
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.utils import Cycler, Joiner, Namespace, missing

    class UnknownVariable(UndefinedError):
        def __init__(self, obj: Any, name: Any, message: str | None = None):
            super().__init__(message)
            self.obj = obj
            self.name = name

    class Undefined(StrictUndefined):
        """StrictUndefined whose error knows the object and name that were missing."""

        __slots__ = ()

        def __init__(self, hint: str | None = None, obj: Any = missing, name: str | None = None,
                     exc: type = UndefinedError):
            super().__init__(hint, obj, name, exc)
            if exc is UndefinedError:
                self._undefined_exception = functools.partial(UnknownVariable, obj, name)

    class Environment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "%", "+"})

        def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
            raise _Refused(f"unsafe template: access to '{attribute}' is not allowed")

        def wrap_str_format(self, value: Any) -> None:
            if super().wrap_str_format(value) is not None:
                raise _Refused(f"unsafe template: access to '{value.__name__}' is not allowed")
            return None

        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict and attribute in obj:  # deal.items: the key, not the method
                return obj[attribute]
            return super().getattr(obj, attribute)

        def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
            _charge(1)
            owner = getattr(obj, "__self__", None)
            if isinstance(owner, _PLAIN) or (isinstance(owner, type) and issubclass(owner, _PLAIN)):
                name = getattr(obj, "__name__", "?")
                if name not in ALLOWED_METHODS:
                    raise _Refused(f"unsafe template: calling '{name}' is not allowed")
                if isinstance(owner, str) and name == "replace":
                    _check_replace(owner, *args)
                elif isinstance(owner, str) and name == "join" and args:
                    args = (_joinable(args[0], owner), *args[1:])
            elif isinstance(obj, LoopContext) and args:  # loop(children) in a recursive for
                args = (_guard_loop(args[0]), *args[1:])
            return _checked(super().call(context, obj, *args, **kwargs))

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _charge(1)
            if operator == "*":
                _check_repeat(left, right)
                _check_repeat(right, left)
                if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise _Refused("template builds a number that is too large")
            elif operator == "**":
                if _is_int(left) and _is_int(right) and abs(left) > 1 and \
                        right * left.bit_length() > MAX_INT_BITS:
                    raise _Refused("template builds a number that is too large")
            elif operator == "%" and isinstance(left, str):
                _check_printf(left)
            return _checked(super().call_binop(context, operator, left, right))

    env = Environment(undefined=Undefined, autoescape=False, finalize=_finalize,
                      keep_trailing_newline=True)
    env.globals = {"range": _range, "dict": dict, "namespace": Namespace, "cycler": Cycler,
                   "joiner": Joiner}
    env.filters = {name: _guard_filter(name, func) for name, func in env.filters.items()
                   if name in ALLOWED_FILTERS}
    return env


# --------------------------------------------------------------------------- guards

def _finalize(value: Any) -> Any:
    """How a value is written: None as nothing, dates as ``15 Jan 2027``."""
    if value is None:
        return ""
    if isinstance(value, date):
        return _DATES.get()(value)
    return value


def _charge(work: int) -> None:
    budget = _BUDGET.get()
    if budget is None:  # compile-time constant folding: nothing to count against
        return
    budget.work -= work
    if budget.work < 0:
        raise _Refused(f"template does too much work (over {MAX_WORK:,} steps)")
    if time.process_time() > budget.deadline:
        raise _Refused(f"template takes too long to render (over {MAX_SECONDS:g} seconds)")


def _weight(value: Any, limit: int = MAX_SIZE) -> int:
    """Characters plus items in ``value``, nested; stops counting once past ``limit``."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, dict):
            total += 1
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 1
            stack.extend(item)
        else:
            total += 1
    return total


def _too_large() -> _Refused:
    return _Refused(f"template builds a string or list that is too long (over {MAX_SIZE:,} "
                    "characters or items)")


def _checked(value: Any) -> Any:
    """``value`` if it is not too large to keep working with."""
    if isinstance(value, str):
        if len(value) > MAX_SIZE:
            raise _too_large()
    elif isinstance(value, list | tuple | dict | set | frozenset):
        weight = _weight(value)
        _charge(weight)
        if weight > MAX_SIZE:
            raise _too_large()
    return value


def _text(value: Any) -> str:
    """A value as it is written out (None as nothing, dates human), size-checked first."""
    if isinstance(value, str):
        return value
    _checked(value)
    return str(_finalize(value))


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def _check_repeat(seq: Any, times: Any) -> None:
    if isinstance(seq, str | list | tuple) and _is_int(times) and times > 1 and \
            _weight(seq, MAX_SIZE // times + 1) * times > MAX_SIZE:
        raise _too_large()


def _check_printf(fmt: str) -> None:
    for match in _PRINTF.finditer(fmt):
        for number in match.groups():
            if number == "*" or (number and int(number) > MAX_WIDTH):
                raise _Refused(f"template format width or precision too large (over {MAX_WIDTH:,})")


def _check_replace(s: Any, old: Any = "", new: Any = "", count: Any = -1, *_: Any) -> None:
    s, old, new = str(s), str(old), str(new)
    hits = len(s) + 1 if old == "" else s.count(old)
    if _is_int(count) and count >= 0:
        hits = min(hits, count)
    if len(s) + hits * (len(new) - len(old)) > MAX_SIZE:
        raise _too_large()


def _joinable(items: Any, sep: Any) -> list:
    """``items`` as a list, refused when joining them with ``sep`` would be too long."""
    listed = []
    weight = 0
    for item in items:
        listed.append(item)
        weight += _weight(item) + len(str(sep))
        _charge(1)
        if weight > MAX_SIZE:
            raise _too_large()
    return listed


def _range(*args: int) -> range:
    """``range()`` with at most MAX_RANGE items."""
    r = range(*args)
    try:
        too_long = len(r) > MAX_RANGE
    except OverflowError:
        too_long = True
    if too_long:
        raise _Refused(f"range() in a template is limited to {MAX_RANGE:,} items")
    return r


def _guard_loop(iterable: Any) -> Any:
    """Yield the items of a for loop, one step each."""
    for item in iterable:
        _charge(1)
        yield item


def _guard_concat(*parts: Any) -> str:
    """``a ~ b``: joined as output writes them, refused when too long."""
    texts = [_text(part) for part in parts]
    if sum(map(len, texts)) > MAX_SIZE:
        raise _too_large()
    return "".join(texts)


def _guard_output(*parts: Any) -> str:
    """One output statement's pieces, counted against the render's output budget."""
    text = "".join(_text(part) for part in parts)
    budget = _BUDGET.get()
    if budget is not None:
        budget.output -= len(text)
        if budget.output < 0:
            raise _Refused(f"template output too long (over {MAX_OUTPUT:,} characters)")
    return text


def _guard_filter(name: str, func: Any) -> Any:
    """``func`` with its input counted as work, its result size-checked and, for the filters
    that can build large values from small ones, its arguments checked first."""
    from jinja2.utils import _PassArg

    skip = 0 if _PassArg.from_obj(func) is None else 1  # context/environment comes first

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        args_ = list(args)
        value = args_[skip] if len(args_) > skip else None
        _charge(1 + (len(value) if isinstance(value, str | list | tuple | dict | set | frozenset) else 0))
        rest = args_[skip + 1:]
        if name == "replace":
            _check_replace(value, *rest, **{k: v for k, v in kwargs.items() if k == "count"})
        elif name == "join":
            sep = rest[0] if rest else kwargs.get("d", "")
            args_[skip] = _joinable(value, sep)
        elif name == "format" and isinstance(value, str):
            _check_printf(value)
        elif name == "sum":
            start = rest[1] if len(rest) > 1 else kwargs.get("start", 0)
            if not isinstance(start, int | float):
                raise _Refused("template may only sum numbers")
        return _checked(func(*args_, **kwargs))

    return guarded
