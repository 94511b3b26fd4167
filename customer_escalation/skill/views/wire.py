"""Views on the wire: lean JSON without empty fields and with times to the second, the concise and full
detail levels, reading a lean result back (`from_wire`), and `fit`, the size cap every result obeys."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import to_json, to_jsonable_python

from ...connectors.records import (
    Page,
)
from .records import SHORT_NOTICE

_CUT_STEPS = (2_000, 800, 300, 120)
"""Lengths untrusted texts are cut to, in turn, until a result fits its budget."""


def page_fields(page: Page[Any]) -> dict[str, Any]:
    return {"next_cursor": page.next_cursor, "total": page.total}


def compact_json(data: Any) -> str:
    """`data` as a result's text: JSON without spaces, other scripts kept as they are (pydantic-core's
    encoder, several times faster than the standard library's on a page of results)."""
    return to_json(data).decode()


def _size(data: Any) -> int:
    return len(compact_json(data))


_KEEP = frozenset({"note", "untrusted_notice"})


def _cut_strings(data: Any, limit: int, *, only_untrusted: bool) -> bool:
    """Shorten strings longer than `limit` in place (only those inside `untrusted` objects, or all)."""
    changed = False
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and not only_untrusted and len(value) > limit and key not in _KEEP:
                data[key] = value[: limit - 1].rstrip() + "…"
                changed = True
            elif key == "untrusted" and isinstance(value, dict):
                changed = _cut_strings(value, limit, only_untrusted=False) or changed
            else:
                changed = _cut_strings(value, limit, only_untrusted=only_untrusted) or changed
    elif isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, str) and not only_untrusted and len(item) > limit:
                data[index] = item[: limit - 1].rstrip() + "…"
                changed = True
            else:
                changed = _cut_strings(item, limit, only_untrusted=only_untrusted) or changed
    return changed


def _largest_list(data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    best: tuple[dict[str, Any], str] | None = None
    best_size = 0

    def walk(node: Any) -> None:
        nonlocal best, best_size
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, list) and value:
                    size = _size(value)
                    if size > best_size:
                        best, best_size = (node, key), size
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return best


def _item_id(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in ("id", "key", "rule", "ticket_id"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return None


Detail = Literal["concise", "full"]
CONCISE_LEFT_OUT = frozenset(
    {
        "type",
        "requester_name",
        "requester_domain",
        "product_area",
        "tags",
        "labels",
        "sla",
        "plan",
        "owner",
        "industry",
        "contacts",
        "opportunities",
        "fix_version",
        "linked_account_ids",
        "reopened_at",
    }
)
"""What a concise result leaves out of each record: the fields that say more about a record than whether
it is about the issue (a get with detail "full" has them)."""
EMPTY_FIELDS = 'None, "", [] and {}'
"""What a lean result leaves out, at every depth: an absent field means none or unknown. False and 0 are
values and stay (`has_more: false`, `comments_omitted: 0` never appear as absent)."""


def to_wire(view: BaseModel, *, lean: bool = True, detail: Detail = "full") -> dict[str, Any]:
    """What a tool sends: the view as JSON; when `lean` (every tool result), with times to the second and
    without empty fields (`EMPTY_FIELDS`; `from_wire` restores them); without the fields of
    `CONCISE_LEFT_OUT` when `detail` is "concise"; with the untrusted notice when it holds
    customer-written text. Not lean, it is the view's whole JSON (the command line's `--json`)."""
    if not lean:
        data: dict[str, Any] = view.model_dump(mode="json")
        if detail == "concise":
            data = _concise(data)
        untrusted = _holds_untrusted(data)
    else:
        # One walk over the dump does what every result needs (times, empties, detail, the untrusted
        # check): results hold hundreds of values and this runs for every call.
        walk = _LeanWalk(left_out=CONCISE_LEFT_OUT if detail == "concise" else frozenset())
        data = to_jsonable_python(walk.dict(view.model_dump(mode="python"))[0])
        untrusted = walk.untrusted
    if data.get("truncated") is False:
        del data["truncated"]
    if untrusted:
        data["untrusted_notice"] = SHORT_NOTICE
    return data


class _LeanWalk:
    """A python dump made lean: times to the second, empty values left out (judged before `left_out`
    is applied, as a lean result is made concise), the keys of `left_out` dropped at every depth;
    `untrusted` tells whether an ``"untrusted"`` key or value is left."""

    def __init__(self, *, left_out: frozenset[str]) -> None:
        self.left_out = left_out
        self.untrusted = False

    def dict(self, value: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """(the dict as sent, whether its lean form is empty)."""
        out: dict[str, Any] = {}
        empty = True
        for key, item in value.items():
            if key in self.left_out:
                # Left out, but its being empty or not decides whether this dict is empty.
                seen = self.untrusted
                empty = empty and self.value(item)[1]
                self.untrusted = seen
                continue
            kept, item_empty = self.value(item)
            if item_empty:
                continue
            empty = False
            out[key] = kept
            if key == "untrusted":
                self.untrusted = True
        return out, empty

    def value(self, value: Any) -> tuple[Any, bool]:
        kind = type(value)  # the exact types first: this runs for every value of every result
        if kind is str:
            if value == "untrusted":
                self.untrusted = True
            return value, value == ""
        if value is None:
            return None, True
        if kind is dict:
            return self.dict(value)
        if kind is list:
            items = [self.value(v)[0] for v in value]
            return items, not items
        if kind is datetime:
            return value.replace(microsecond=0) if value.microsecond else value, False
        if kind is int or kind is bool or kind is float:
            return value, False
        return self._other(value)

    def _other(self, value: Any) -> tuple[Any, bool]:
        """A value of a subclass (an enumeration's member, a mapping) or another collection."""
        if isinstance(value, dict):
            return self.dict(value)
        if isinstance(value, list | tuple | set | frozenset):
            items = [self.value(v)[0] for v in value]
            return items, not items
        if isinstance(value, datetime):
            return value.replace(microsecond=0), False
        if isinstance(value, str):
            if value == "untrusted":
                self.untrusted = True
            return value, value == ""
        return value, False


def _holds_untrusted(value: Any) -> bool:
    """Whether `"untrusted"` appears in the JSON of `value` (a result as sent), as a key or a whole
    string, found without serialising it."""
    if isinstance(value, dict):
        return "untrusted" in value or any(_holds_untrusted(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_untrusted(v) for v in value)
    return isinstance(value, str) and value == "untrusted"


def to_seconds_json(data: Any) -> Any:
    """`data` (a model's python dump) as JSON values with every time to the second, without empties."""
    return to_jsonable_python(_LeanWalk(left_out=frozenset()).value(data)[0])


def _concise(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _concise(v) for k, v in value.items() if k not in CONCISE_LEFT_OUT}
    if isinstance(value, list):
        return [_concise(v) for v in value]
    return value


M = TypeVar("M", bound=BaseModel)


def from_wire(model: type[M], data: dict[str, Any]) -> M:
    """A lean result read back as `model`: the fields left out because they were empty are restored
    (None, or an empty list or object) before validating."""
    return model.model_validate(_restored(model, data))


def _restored(model: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for name, field in model.model_fields.items():
        nested = _model_of(field.annotation)
        if name not in out:
            if field.is_required():
                out[name] = _empty_for(field.annotation)
            continue
        if nested is not None:
            value = out[name]
            out[name] = (
                [_restored(nested, v) for v in value] if isinstance(value, list) else _restored(nested, value)
            )
    return out


def _model_of(annotation: Any) -> type[BaseModel] | None:
    for arg in (annotation, *get_args(annotation)):
        for inner in (arg, *get_args(arg)):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def _empty_for(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return []
    if origin is dict:
        return {}
    return None


def fit(data: dict[str, Any], budget: int, *, how_to_get_more: str) -> dict[str, Any]:
    """`data` (a tool result as sent) cut to at most `budget` characters of compact JSON, note included.

    Long untrusted texts are shortened first; then items of the largest list are dropped and named (a
    ticket keeps its first and latest comments); then any long text is shortened. The `truncated` and
    `note` fields say what happened and `how_to_get_more` tells the reader what to call for the rest.
    """
    if _size(data) <= budget:
        return data
    notes: list[str] = []
    dropped: list[str] = []

    def noted() -> dict[str, Any]:
        summary = list(notes[-1:])
        if dropped:
            named = ", ".join(reversed(dropped[-6:])) + (", …" if len(dropped) > 6 else "")
            summary.append(f"{len(dropped)} item(s) left out: {named}")
        data["truncated"] = True
        data["note"] = f"Result cut to fit {budget} characters ({'; '.join(summary)}). {how_to_get_more}"
        return data

    for limit in _CUT_STEPS:
        if _cut_strings(data, limit, only_untrusted=True):
            notes.append(f"long texts cut to {limit} characters")
        if _size(noted()) <= budget:
            return data
    while _size(noted()) > budget and (found := _largest_list(data)) is not None:
        node, key = found
        removed = node[key].pop(1 if key == "comments" and len(node[key]) > 2 else -1)
        if (ident := _item_id(removed)) is not None:
            dropped.append(ident)
        if key == "comments" and "comments_omitted" in node:
            node["comments_omitted"] = int(node["comments_omitted"]) + 1
    for limit in (200, 80, 40):
        if _size(noted()) <= budget:
            break
        if _cut_strings(data, limit, only_untrusted=False):
            notes.append(f"every text cut to {limit} characters")
    return noted()
