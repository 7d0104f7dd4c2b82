"""EncoreError, the root of the error tree, and the registry that gives every ErrorCode its one class."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar, Self

from core.domain.error_codes import ErrorCode

OWNER: dict[ErrorCode, type[EncoreError]] = {}


class EncoreError(Exception):
    """The root. Subclasses declare ``code`` (their default), ``codes`` (the others they may carry),
    ``status`` and ``fields`` (the attributes they add); __init_subclass__ merges and registers them."""

    code: ErrorCode = ErrorCode.ERROR
    codes: ClassVar[Collection[ErrorCode]] = frozenset(
        {ErrorCode.ERROR, ErrorCode.INTERNAL_ERROR, ErrorCode.HTTP_ERROR, ErrorCode.METHOD_NOT_ALLOWED}
    )
    status: ClassVar[int] = 500
    fields: ClassVar[Collection[str]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__
        if not isinstance(own.get("code"), ErrorCode):
            raise TypeError(f"{cls.__name__} must declare its own default code (an ErrorCode)")
        cls.codes = frozenset({cls.code, *own.get("codes", ())})
        parent = next(b for b in cls.__mro__[1:] if issubclass(b, EncoreError))
        cls.fields = tuple(dict.fromkeys((*parent.fields, *own.get("fields", ()))))
        taken = {code: OWNER[code] for code in cls.codes if code in OWNER}
        if taken:  # checked before registering any, so a refused class leaves the registry as it was
            code, owner = min(taken.items())
            raise TypeError(f"{code.value!r} is declared by both {owner.__name__} and {cls.__name__}")
        OWNER.update(dict.fromkeys(cls.codes, cls))

    _key: str | None = None

    def __init__(self, message: str, *, code: ErrorCode | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = self._checked(code)
        if key is not None:
            self._key = key

    @property
    def message_key(self) -> str:
        """What an app looks up its own sentence by, in its buyer's language (``message`` is the English one):
        the code, or a finer key where one code has several sentences ("hold_expired.places_taken")."""
        return self._key or self.code.value

    @property
    def message_args(self) -> dict[str, object]:
        """The values that sentence names: the class's ``fields`` (so they cross the API with the error)."""
        return {name: getattr(self, name, None) for name in type(self).fields}

    @classmethod
    def _checked(cls, code: ErrorCode | str) -> ErrorCode:
        try:
            checked = ErrorCode(code)
        except ValueError:
            raise TypeError(f"{code!r} is not an Encore error code; add it to ErrorCode first") from None
        if checked not in cls.codes:
            owner = OWNER.get(checked, EncoreError)
            raise TypeError(f"{cls.__name__} does not carry {checked.value!r}: raise {owner.__name__}")
        return checked

    @classmethod
    def rebuild(
        cls, message: str, code: ErrorCode, attributes: Mapping[str, object], *, key: str | None = None
    ) -> Self:
        """An instance with exactly this message, code and attributes, as a decoder needs it: the subclass's
        constructor is not run, because it would compose its own message from its arguments."""
        error = cls.__new__(cls, message)
        Exception.__init__(error, message)
        error.message = message
        error.code = cls._checked(code)
        if key is not None:
            error._key = key
        for name, value in attributes.items():
            setattr(error, name, value)
        return error

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code.value!r}, message={self.message!r})"


OWNER.update(dict.fromkeys(EncoreError.codes, EncoreError))
