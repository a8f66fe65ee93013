"""How the blueprint models are declared: plain classes whose fields say their pydantic rules.

A resolved blueprint is used by every command, and most (read, status, diff) never validate
one: they take it from the cache (:mod:`.cache`). So the models are plain Python objects, and
pydantic loads only where a blueprint file is validated or its JSON Schema is asked for.

Each model declares its fields once, in pydantic's words: ``Field(...)`` (a default and the
rules and description pydantic applies), ``PrivateAttr``, ``field_validator`` and
``model_validator``, ``WithJsonSchema``, ``Tag`` and ``Discriminator``. Here these only record
the declaration; :func:`pydantic_model` builds the pydantic model of each class from it
(pydantic loads then: where a blueprint file is validated, ``Column(...)`` is made, its JSON
Schema is asked for or ``blueprint show`` dumps one).
"""

from __future__ import annotations

import copy
import inspect
import sys
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

_REQUIRED = object()


class Field:
    """A field's default (or ``default_factory``) and pydantic's options for it."""

    __slots__ = ("default", "default_factory", "options")

    def __init__(self, default: Any = _REQUIRED, *, default_factory: Callable[[], Any] | None = None,
                 **options: Any):
        self.default, self.default_factory, self.options = default, default_factory, options

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED and self.default_factory is None

    def make(self) -> Any:
        """The default value (a fresh one where it comes from a factory)."""
        return self.default_factory() if self.default_factory is not None else self.default


class PrivateAttr:
    """An attribute that is no field: never validated, dumped or compared by the schema."""

    __slots__ = ("default", "default_factory")

    def __init__(self, default: Any = None, *, default_factory: Callable[[], Any] | None = None):
        self.default, self.default_factory = default, default_factory

    def make(self) -> Any:
        return self.default_factory() if self.default_factory is not None else self.default


class Validator:
    """A validator as pydantic's ``field_validator``/``model_validator`` would take it."""

    __slots__ = ("fields", "func", "mode")

    def __init__(self, func: Any, fields: tuple[str, ...], mode: str):
        self.func, self.fields, self.mode = func, fields, mode


def field_validator(*fields: str, mode: str = "after") -> Callable[[Any], Validator]:
    return lambda func: Validator(func, fields, mode)


def model_validator(*, mode: str) -> Callable[[Any], Validator]:
    return lambda func: Validator(func, (), mode)


class WithJsonSchema:
    """``Annotated`` metadata: the JSON Schema of a type, as pydantic's ``WithJsonSchema``."""

    def __init__(self, json_schema: dict[str, Any]):
        self.json_schema = json_schema


class Tag:
    """``Annotated`` metadata: one member of a discriminated union, as pydantic's ``Tag``."""

    def __init__(self, tag: str):
        self.tag = tag


class Discriminator:
    """``Annotated`` metadata: which member of a union a value is, as pydantic's ``Discriminator``."""

    def __init__(self, discriminator: Callable[[Any], str]):
        self.discriminator = discriminator


class Model:
    """A plain model: its fields are attributes; :func:`pydantic_model` validates it.

    ``Model(**data)`` validates ``data`` as pydantic would (and raises pydantic's
    ``ValidationError``, a ``ValueError``); ``model_construct`` and ``model_copy`` do not
    validate, as in pydantic.
    """

    # Filled in for each subclass from its declaration.
    model_fields: ClassVar[dict[str, Field]] = {}
    private_attributes: ClassVar[dict[str, PrivateAttr]] = {}
    validators: ClassVar[dict[str, Validator]] = {}
    config: ClassVar[dict[str, Any]] = {}
    annotations: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields, private = dict(cls.model_fields), dict(cls.private_attributes)
        validators, annotations = dict(cls.validators), dict(cls.annotations)
        for name, annotation in inspect.get_annotations(cls).items():
            value = cls.__dict__.get(name, _REQUIRED)
            if isinstance(value, PrivateAttr):
                private[name] = value
            elif not name.startswith("_") and not str(annotation).startswith("ClassVar"):
                fields[name] = value if isinstance(value, Field) else Field(value)
                annotations[name] = annotation
            else:
                continue
            if name in cls.__dict__:
                delattr(cls, name)
        for name, value in list(cls.__dict__.items()):
            if isinstance(value, Validator):
                validators[name] = value
                delattr(cls, name)
        cls.model_fields, cls.private_attributes = fields, private
        cls.validators, cls.annotations = validators, annotations

    def __init__(self, **data: Any) -> None:
        self.__dict__.update(validate_model(type(self), data).__dict__)

    @classmethod
    def model_construct(cls, **values: Any) -> Any:
        """An instance of trusted ``values`` (missing fields take their defaults), unvalidated."""
        obj = cls.__new__(cls)
        obj.__dict__.update({name: values[name] if name in values else f.make()
                             for name, f in cls.model_fields.items()})
        obj.__dict__.update({name: p.make() for name, p in cls.private_attributes.items()})
        return obj

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
        """A copy (private attributes shared, as in pydantic), with ``update`` laid over it."""
        obj = copy.deepcopy(self) if deep else copy.copy(self)
        obj.__dict__.update(update or {})
        return obj

    def __copy__(self) -> Any:
        obj = type(self).__new__(type(self))
        obj.__dict__.update(self.__dict__)
        return obj

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable, as pydantic's models

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.model_fields)
        return f"{type(self).__name__}({fields})"


# --------------------------------------------------------------------------- pydantic


def _markers(meta: Any) -> Any:
    """``Annotated`` metadata declared here as pydantic's own."""
    import pydantic

    if isinstance(meta, WithJsonSchema):
        return pydantic.WithJsonSchema(meta.json_schema)
    if isinstance(meta, Tag):
        return pydantic.Tag(meta.tag)
    if isinstance(meta, Discriminator):
        return pydantic.Discriminator(meta.discriminator)
    return meta


def _pydantic_type(tp: Any) -> Any:
    """A declared type with each plain model replaced by its pydantic model."""
    if isinstance(tp, type) and issubclass(tp, Model):
        return pydantic_model(tp)
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        return Annotated[(_pydantic_type(args[0]), *map(_markers, tp.__metadata__))]
    if origin in (Union, types.UnionType):
        return Union[tuple(_pydantic_type(a) for a in args)]  # noqa: UP007 (built from a tuple)
    if origin in (list, dict, tuple, set) and args:
        return origin[tuple(_pydantic_type(a) for a in args)]
    return tp


@cache
def pydantic_model(cls: type[Model]) -> Any:
    """The pydantic model that validates ``cls`` (same name, fields, rules and JSON Schema)."""
    import pydantic

    holder = type("_", (), {"__annotations__": cls.annotations, "__module__": cls.__module__})
    hints = typing.get_type_hints(holder, globalns=vars(sys.modules[cls.__module__]),
                                  include_extras=True)
    fields: dict[str, Any] = {}
    for name, spec in cls.model_fields.items():
        if spec.required:
            info = pydantic.Field(**spec.options)
        elif spec.default_factory is not None:
            info = pydantic.Field(default_factory=spec.default_factory, **spec.options)
        else:
            info = pydantic.Field(spec.default, **spec.options)
        fields[name] = (_pydantic_type(hints[name]), info)
    validators = {
        name: (pydantic.field_validator(*v.fields, mode=v.mode)(v.func) if v.fields
               else pydantic.model_validator(mode=v.mode)(v.func))
        for name, v in cls.validators.items()}
    model = pydantic.create_model(cls.__name__, __config__=pydantic.ConfigDict(**cls.config),
                                  __doc__=cls.__doc__, __module__=__name__,
                                  __validators__=validators, **fields)
    _PLAIN[model] = cls
    return model


_PLAIN: dict[type, type[Model]] = {}


def to_plain(value: Any) -> Any:
    """A validated pydantic value with each model as its plain model (private attributes set)."""
    import pydantic

    if isinstance(value, pydantic.BaseModel):
        cls = _PLAIN[type(value)]
        return cls.model_construct(**{name: to_plain(getattr(value, name)) for name in cls.model_fields})
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def to_pydantic(value: Any) -> Any:
    """A plain model as its pydantic model, unvalidated (to dump it as pydantic dumps)."""
    if isinstance(value, Model):
        model = pydantic_model(type(value))
        return model.model_construct(**{name: to_pydantic(getattr(value, name))
                                        for name in type(value).model_fields})
    if isinstance(value, list):
        return [to_pydantic(v) for v in value]
    if isinstance(value, dict):
        return {k: to_pydantic(v) for k, v in value.items()}
    return value


def validate_model(cls: type[Model], data: Any) -> Any:
    """``data`` validated as ``cls`` (pydantic's ``ValidationError`` when it is not one)."""
    return to_plain(pydantic_model(cls).model_validate(data))


def json_schema(cls: type[Model]) -> dict[str, Any]:
    return pydantic_model(cls).model_json_schema()
