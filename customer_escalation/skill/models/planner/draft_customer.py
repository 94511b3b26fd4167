"""The customer-communication part of the offline draft: last update, expectation, escalation risk,
what is needed, and the suggested reply when support keeps the issue."""

from __future__ import annotations

from ... import customer_text
from .draft_shared import WriterBase, day_text, ids_text, inline_steps, quoted, untrusted_text
from .quotes import (
    numbered_steps,
    quotable,
    scrub,
    shorten,
)
from .relevance import Candidate, parse_time
from .statements import (
    expectation_sentences,
    promise_due,
    risk_sentences,
)


class CustomerWriter(WriterBase):
    def last_update(self) -> str:
        for post in reversed(self.posts):
            if post.role == "agent" and post.public:
                said = quotable(post.text, 200)
                if not said:
                    return f"{day_text(post.at)}, {post.author} in ticket {post.ticket} (a reply with no text to quote)"
                return f"{day_text(post.at)}, {post.author} in ticket {post.ticket}: {quoted(shorten(' '.join(said[:2]), 300))}"
        return f"Unknown: no public reply from support in tickets {ids_text(self.read or self.current)}"

    def customer_expectation(self) -> str:
        quotes: list[str] = []
        for post in reversed(self.posts):
            if post.role != "customer":
                continue
            said = expectation_sentences(post.text)
            if said:
                quotes.append(f"{quoted(said[0])} ({post.author}, ticket {post.ticket}, {day_text(post.at)})")
            if len(quotes) == 2:
                break
        if quotes:
            return "; ".join(quotes)
        return f"Unknown: the customer has not said what they expect or by when (tickets {ids_text(self.read or self.current)})"

    def escalation_risk(self) -> str:
        parts: list[str] = []
        risky = {"high_value_at_risk", "executive_request", "legal_or_pr_risk", "long_wait", "recurring"}
        criteria = [f["criterion"] for f in self.assessment.get("criteria_met", []) if f.get("rule") in risky]
        if criteria:
            parts.append("; ".join(criteria))
        said: list[str] = []
        for post in reversed(self.posts):
            if post.role == "customer":
                for sentence in risk_sentences(post.text)[:1]:
                    if not any(sentence[:40] in s for s in said):
                        said.append(f"{quoted(sentence)} ({post.author}, ticket {post.ticket})")
            if len(said) == 2:
                break
        if said:
            parts.append("the customer wrote " + " and ".join(said))
        parts += self._commitments()
        revenue = self.assessment.get("revenue") or {}
        names = {a["id"]: a["name"] for a in (self.assessment.get("breadth") or {}).get("accounts", [])}
        for account_id, day in revenue.get("renewals_in_window", []):
            parts.append(f"renewal of {names.get(account_id, account_id)} on {day}")
        reference = (self.assessment.get("reputation") or {}).get("reference_accounts") or []
        if reference:
            parts.append(
                f"{', '.join(names.get(r, r) for r in reference)} "
                f"{'is a reference customer' if len(reference) == 1 else 'are reference customers'}"
            )
        lines = self.assessment.get("brief_lines") or {}
        sla = str(lines.get("sla_status") or "")
        if sla.startswith(("Breached", "At risk")):
            parts.append(f"SLA {sla[0].lower()}{sla[1:]}")
        if not parts:
            at_stake = str(lines.get("revenue_at_risk") or "")
            stake = f"; at stake: {at_stake}" if at_stake and not at_stake.startswith("Unknown") else ""
            return f"No threat to escalate further is recorded in the tickets or chat{stake}."
        text = "; ".join(parts)
        return text[0].upper() + text[1:]

    def _commitments(self) -> list[str]:
        """Promises support made with a time ("I'll come back to you today"): missed when the time has
        passed with no later public reply on the ticket, otherwise still open."""
        found: list[str] = []
        for i, post in enumerate(self.posts):
            if post.role != "agent" or not post.public:
                continue
            said_at = parse_time(post.at)
            if said_at is None:
                continue
            for sentence in quotable(post.text, 240):
                due = promise_due(sentence, said_at)
                if due is None:
                    continue
                answered = any(
                    later.ticket == post.ticket and later.role == "agent" and later.public
                    for later in self.posts[i + 1 :]
                )
                quote = f"{quoted(sentence)} ({post.author}, ticket {post.ticket}, {day_text(post.at)})"
                if due < self.clock and not answered:
                    self.missed.append((post.ticket, day_text(post.at)))
                    found.append(
                        f"missed commitment: {quote}, due {due:%Y-%m-%d %H:%M} UTC, with no follow-up since"
                    )
                elif due >= self.clock:
                    found.append(f"commitment open until {due:%Y-%m-%d %H:%M} UTC: {quote}")
        return found[:3]

    def whats_needed(self) -> list[str]:
        asks: list[str] = []
        for post in reversed(self.posts):
            if post.role == "customer" and any(
                "eta" in s.lower().split() or "ETA" in s for s in quotable(post.text)
            ):
                asks.append(f"an ETA the customer can plan around (asked in ticket {post.ticket})")
                break
        if not self.missed:
            self._commitments()
        for ticket, day in self.missed[:1]:
            asks.append(
                f"keep the promise support made to the customer on {day} (ticket {ticket}), now overdue"
            )
        asks += [str(a) for a in self.assessment.get("suggested_asks", [])]
        return list(dict.fromkeys(asks))[:6]

    # ------------------------------------------------------------------ support handling

    def why(self) -> list[str]:
        reasons = [f"{f['criterion']}: {f['reason']}" for f in self.assessment.get("handle_criteria_met", [])]
        return reasons or [str(self.assessment.get("decision_reason", "no escalation criterion is met"))]

    def suggested_reply(self, article: Candidate | None) -> str:
        """The reply to send, in `prompts/suggested_reply.md.j2`: the requester's name (a neutral
        greeting without one), the resolving article's steps, and answers to what they asked."""
        requester = next((c for c in self.current if c.data.get("requester_name")), None)
        name = str(requester.data.get("requester_name")) if requester else None
        asks = customer_text.asks_in(p.text for p in self.posts if p.role == "customer")
        if article is None:
            return customer_text.suggested_reply(name=name, asks=asks)
        data = article.data
        title = shorten(scrub(untrusted_text(data, "title")), 120)
        workaround = untrusted_text(data, "workaround")
        body = untrusted_text(data, "body")
        steps = numbered_steps(workaround) or numbered_steps(body) or inline_steps(workaround)
        intro = {
            "known-issue": "Thanks for the details. This matches a known issue with a documented fix:",
            "troubleshooting": "Thanks for the details. Our troubleshooting guide covers this case:",
        }.get(str(data.get("kind")), "Thanks for the question. Here is how to do it:")
        if steps:
            lines = [f"{i}. {step}" for i, step in enumerate(steps, start=1)]
        else:
            lines = quotable(workaround or body, 300)[:3] or ["(see the article below)"]
        return customer_text.suggested_reply(
            name=name,
            asks=asks,
            article_intro=intro,
            article_steps=lines,
            article_title=quoted(title),
            article_link=str(data.get("url") or data["id"]),
        )
