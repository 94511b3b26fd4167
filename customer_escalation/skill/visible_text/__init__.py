"""What a person reading a record sees, and which of it is said to a person.

A ticket, comment, chat message, tracker issue or article is shown on its platform rendered: markdown
and HTML are drawn, not printed. Text the rendering hides (an HTML comment, a markdown link definition
used as a comment such as ``[//]: # (...)``, an element styled ``display:none``, white on white, pushed
off screen or inside ``<script>``) is never read by a person, so it is never a customer's words.
`visible` returns the record's text without it. The result keeps the source form (markdown syntax,
line breaks, indentation), only the hidden parts are cut out, so ordinary text comes back unchanged.

Of what is visible, what is said to an automated reader is not a customer's words either. `for_people`
drops it with a small grammar rather than a phrase list: a sentence whose addressee is a machine reader
(a label, vocative or note naming an AI, assistant, model, bot, LLM, triage or routing system: "Claude:
...", "Note for the triage system: ...", "AI assistants reading this: ..."), a chat-template marker
(``[INST]``, ``<|im_start|>``, ``<<SYS>>``, a ``### System`` heading, a ``system:`` role label), an
instruction about the reader's own instructions ("ignore your previous instructions") or a directive
about the workflow's own fields ("set the severity to Critical", ``decision=escalate; severity=...``).
From that sentence to the end of its block (paragraph, list item, heading section or template region)
is left out, so a planted instruction cannot pass its next sentence off as the customer's.

Names an ordinary sentence uses stay: "our AI assistant stopped answering", "the system message says
error 500", "the agent was rude". An ambiguous addressee (assistant, agent, model, system, Claude) counts
only when the sentence is also a directive: it speaks to "you" or names the workflow (escalate, route,
severity, priority, brief, contacts ...).

Pure functions of strings; no I/O.
"""

from .people import addressed_to_a_machine, for_people
from .rendered import Block, blocks, plain, visible

__all__ = ["Block", "addressed_to_a_machine", "blocks", "for_people", "plain", "visible"]
