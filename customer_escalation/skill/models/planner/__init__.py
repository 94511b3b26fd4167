"""The offline planner: a deterministic model that drafts briefs from the records, with no LLM.

`offline` plans the turns; `gather` and `relevance` judge what the tools returned; `issue`, `words`,
`quotes` and `statements` read text; `draft` and its parts write the brief's prose.
"""

from .offline import NAME, Budget, OfflinePlanner, SearchLimits

__all__ = ["NAME", "Budget", "OfflinePlanner", "SearchLimits"]
