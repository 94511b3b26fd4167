"""The world builder: world-file records (`Records`) laid out at a moment, as `Dataset` records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ...errors import CustomerEscalationError
from ...records import (
    Account,
    Article,
    Channel,
    ChatMessage,
    Comment,
    Contact,
    Dataset,
    Opportunity,
    Organization,
    Person,
    Ref,
    SlaTarget,
    Ticket,
    TrackerIssue,
)
from .specs import (
    AccountSpec,
    ArticleSpec,
    CommentSpec,
    IssueSpec,
    MessageSpec,
    OpportunitySpec,
    PersonSpec,
    Records,
    SlaSpec,
    Spec,
    TicketSpec,
    WorldSettings,
)
from .tickets import last_update, organization_of, tier_sla
from .times import at, on, text_filters

SYSTEM = "local"
_LINKS = {
    "account": "https://crm.example/accounts/{}",
    "ticket": "https://support.example/tickets/{}",
    "issue": "https://tracker.example/browse/{}",
    "article": "https://help.example/articles/{}",
}
_TEMPLATE_MARKS = ("{{", "{%", "{#")
_STAND_INS = {"agent": "Riley Support", "internal": "Sam Engineer"}
"""Who speaks for `by: agent` and `by: internal` in a ticket's comments."""


class WorldError(CustomerEscalationError):
    """A world file is invalid or its records do not fit together; the message names the record."""


def _as_written(spec: Spec, *names: str) -> dict[str, Any]:
    """The fields of `spec` that its record has under the same name and takes as they are written."""
    return {name: getattr(spec, name) for name in names}


def _title(ident: str) -> str:
    return ident.replace("-", " ").replace("_", " ").title()


class WorldBuilder:
    """Builds a world's records over a base world (whose accounts and channels they may name).

    Args:
        now: The moment relative times are laid out from.
        base: The world the records are added to.
        settings: The world's staff, SLA policies, links and text templates.
        source: Names the world in errors.
    """

    def __init__(
        self, now: datetime, base: Dataset, settings: WorldSettings | None = None, *, source: str = "world"
    ) -> None:
        self.now = now
        self.base = base
        self.settings = settings or WorldSettings()
        self.source = source
        self.accounts: dict[str, Account] = {a.id: a for a in base.accounts}
        self.people = {p.name: Person(name=p.name, email=p.email, role=p.role) for p in self.settings.people}
        self._env = SandboxedEnvironment(keep_trailing_newline=True, undefined=StrictUndefined)
        self._env.filters.update(text_filters(now))

    def fail(self, where: str, message: str) -> WorldError:
        return WorldError(f"{self.source}: records.{where}: {message}")

    def text(self, value: str) -> str:
        """`value`, rendered as a template when the world's text is templated."""
        if not self.settings.templates or not any(mark in value for mark in _TEMPLATE_MARKS):
            return value
        return self._env.from_string(value).render()

    def _at(self, moment: datetime | timedelta) -> datetime:
        return at(moment, self.now)

    def _at_optional(self, moment: datetime | timedelta | None) -> datetime | None:
        return None if moment is None else at(moment, self.now)

    def _on_optional(self, day: date | timedelta | None) -> date | None:
        return None if day is None else on(day, self.now)

    def ref(self, kind: str, ident: str) -> Ref:
        link = _LINKS.get(kind) if self.settings.links else None
        return Ref(system=SYSTEM, id=ident, url=link.format(ident) if link else None)

    def account(self, spec: AccountSpec) -> Account:
        domains = spec.domains if spec.domains is not None else (f"{spec.id}.example",)
        return Account(
            **_as_written(
                spec, "id", "tier", "plan", "arr", "health", "reference_customer", "public_facing", "industry"
            ),
            ref=self.ref("account", spec.id),
            name=spec.name or _title(spec.id),
            domains=domains,
            renewal_date=self._on_optional(spec.renewal),
            owner=self.person(spec.owner, "internal") if spec.owner else None,
            contacts=tuple(
                Contact(
                    name=c.name,
                    email=c.email
                    or (f"{c.name.lower().replace(' ', '.')}@{domains[0]}" if domains else None),
                    title=c.title,
                    is_executive=c.executive,
                )
                for c in spec.contacts
            ),
            created_at=self._at_optional(spec.created),
        )

    def known_account(self, account_id: str, where: str) -> Account:
        account = self.accounts.get(account_id)
        if account is None:
            raise self.fail(where, f"account {account_id!r} is not among the accounts")
        return account

    def opportunity(self, spec: OpportunitySpec, where: str) -> Opportunity:
        account = self.known_account(spec.account, f"{where}.account")
        return Opportunity(
            **_as_written(spec, "id", "stage", "amount", "kind"),
            ref=self.ref("opportunity", spec.id),
            account_id=spec.account,
            name=spec.name or f"{account.name} - {spec.kind}",
            close_date=self._on_optional(spec.close),
            is_open=spec.open,
        )

    def person(self, spec: PersonSpec, role: str, account: Account | None = None) -> Person:
        """A named person: one of the world's staff, a contact of `account`, or as written."""
        if spec.email is None and spec.role is None:
            staff = self.people.get(spec.name)
            if staff is not None:
                return staff
            contact = next((c for c in account.contacts if c.name == spec.name), None) if account else None
            if contact is not None:
                return Person(name=contact.name, email=contact.email, role="customer")
        return Person.model_validate({"name": spec.name, "email": spec.email, "role": spec.role or role})

    def _requester(self, spec: PersonSpec | None, account: Account | None) -> Person:
        if spec is not None:
            return self.person(spec, "customer", account)
        if account is not None and account.contacts:
            first = account.contacts[0]
            return Person(name=first.name, email=first.email, role="customer")
        domain = account.domains[0] if account is not None and account.domains else "customer.example"
        return Person(name="Customer", email=f"customer@{domain}", role="customer")

    def _comment(
        self, ticket_id: str, index: int, spec: CommentSpec, requester: Person, account: Any
    ) -> Comment:
        if spec.by == "customer":
            author = requester
        elif isinstance(spec.by, PersonSpec):
            author = self.person(spec.by, "customer", account)
        else:
            author = Person(name=_STAND_INS[spec.by], role=spec.by)
        return Comment(
            id=f"{ticket_id}-{index}",
            author=author,
            body=self.text(spec.body),
            public=spec.public,
            created_at=self._at(spec.at),
        )

    def _organization(self, spec: TicketSpec, account: Account | None) -> Organization | None:
        if spec.organization is not None:
            org = spec.organization
            return Organization(id=org.id, name=org.name, domain=org.domain)
        return organization_of(account) if account is not None else None

    def _sla(
        self,
        spec: TicketSpec,
        account: Account | None,
        created: datetime,
        comments: Iterable[Comment],
        solved: datetime | None,
    ) -> tuple[SlaTarget, ...]:
        if spec.sla != "tier":
            return tuple(self._sla_metric(m) for m in spec.sla)
        policy = self.settings.sla.get(account.tier) if account and account.tier else None
        if policy is None or spec.priority is None:
            return ()
        return tier_sla(policy, spec.priority, created, comments, solved)

    def _sla_metric(self, m: SlaSpec) -> SlaTarget:
        return SlaTarget(
            policy=m.policy,
            metric=m.metric,
            target_minutes=m.target,
            breach_at=self._at_optional(m.breach),
            fulfilled_at=self._at_optional(m.fulfilled),
            paused=m.paused,
        )

    def ticket(self, spec: TicketSpec, where: str) -> Ticket:
        account = self.known_account(spec.account, f"{where}.account") if spec.account else None
        requester = self._requester(spec.requester, account)
        created = self._at(spec.created)
        comments = tuple(
            self._comment(spec.id, i, c, requester, account) for i, c in enumerate(spec.comments, start=1)
        )
        solved = self._at_optional(spec.solved)
        updated = (
            self._at(spec.updated) if spec.updated is not None else last_update(created, comments, solved)
        )
        return Ticket(
            **_as_written(spec, "id", "status", "priority", "type", "channel", "tags"),
            ref=self.ref("ticket", spec.id),
            subject=self.text(spec.subject),
            description=self.text(spec.body),
            requester=requester,
            organization=self._organization(spec, account),
            assignee=self.person(spec.assignee, "agent") if spec.assignee else None,
            product_area=spec.area,
            created_at=created,
            updated_at=updated,
            solved_at=solved,
            sla=self._sla(spec, account, created, comments, solved),
            comments=comments,
            linked_issue_keys=spec.links,
        )

    def issue(self, spec: IssueSpec, where: str) -> TrackerIssue:
        for account_id in spec.accounts:
            self.known_account(account_id, f"{where}.accounts")
        created = self._at(spec.created)
        resolved = self._at_optional(spec.resolved)
        reopened = self._at_optional(spec.reopened)
        updated = (
            self._at(spec.updated)
            if spec.updated is not None
            else max([created, *(t for t in (resolved, reopened) if t is not None)])
        )
        return TrackerIssue(
            **_as_written(spec, "key", "kind", "status", "priority", "labels", "components", "fix_version"),
            ref=self.ref("issue", spec.key),
            title=self.text(spec.title),
            body=self.text(spec.body),
            project=spec.project or spec.key.split("-", 1)[0],
            linked_ticket_ids=spec.tickets,
            linked_account_ids=spec.accounts,
            created_at=created,
            updated_at=updated,
            resolved_at=resolved,
            reopened_at=reopened,
        )

    def article(self, spec: ArticleSpec) -> Article:
        return Article(
            **_as_written(spec, "id", "kind", "labels", "status"),
            ref=self.ref("article", spec.id),
            title=self.text(spec.title),
            body=self.text(spec.body),
            workaround=self.text(spec.workaround) if spec.workaround is not None else None,
            product_area=spec.area,
            updated_at=self._at(spec.updated),
        )

    def messages(self, specs: tuple[MessageSpec, ...], channels: dict[str, Channel]) -> list[ChatMessage]:
        """Messages with ids derived from their time when not given, and reply counts on thread roots."""
        ids = [spec.id or f"{int(self._at(spec.at).timestamp())}.{i:06d}" for i, spec in enumerate(specs, 1)]
        replies: dict[tuple[str, str], int] = {}
        for spec in specs:
            if spec.thread is not None:
                replies[(spec.channel, spec.thread)] = replies.get((spec.channel, spec.thread), 0) + 1
        return [
            self._message(spec, ident, channels[spec.channel], replies)
            for spec, ident in zip(specs, ids, strict=True)
        ]

    def _message(
        self, spec: MessageSpec, ident: str, channel: Channel, replies: dict[tuple[str, str], int]
    ) -> ChatMessage:
        account = self.accounts.get(channel.account_id) if channel.account_id else None
        return ChatMessage(
            ref=self.ref("message", f"{channel.id}:{ident}"),
            id=ident,
            channel_id=channel.id,
            channel_name=channel.name,
            thread_id=spec.thread,
            author=self.person(spec.author, "internal", account),
            text=self.text(spec.text),
            created_at=self._at(spec.at),
            reply_count=replies.get((spec.channel, ident), 0),
        )

    def _channels(self, records: Records) -> dict[str, Channel]:
        """The world's own channels, plus the base's (or new internal ones) its messages post to."""
        known = {c.id: c for c in self.base.channels}
        channels = {
            c.id: Channel(id=c.id, name=c.name, kind=c.kind, account_id=c.account) for c in records.channels
        }
        for spec in records.messages:
            if spec.channel not in channels:
                channels[spec.channel] = known.get(spec.channel) or Channel(
                    id=spec.channel, name=spec.channel
                )
        return channels

    def build(self, records: Records) -> Dataset:
        """The records as a dataset (accounts first, so the others can refer to them).

        Raises:
            WorldError: a record names an account that exists in neither the records nor the base.
        """
        accounts = [self.account(a) for a in records.accounts]
        self.accounts.update({a.id: a for a in accounts})
        channels = self._channels(records)
        own_channels = {c.id for c in records.channels}
        known = {c.id for c in self.base.channels}
        return Dataset(
            accounts=tuple(accounts),
            opportunities=tuple(
                self.opportunity(o, f"opportunities[{i}] ({o.id})")
                for i, o in enumerate(records.opportunities)
            ),
            tickets=tuple(self.ticket(t, f"tickets[{i}] ({t.id})") for i, t in enumerate(records.tickets)),
            channels=tuple(c for c in channels.values() if c.id not in known or c.id in own_channels),
            messages=tuple(self.messages(records.messages, channels)),
            issues=tuple(self.issue(s, f"issues[{i}] ({s.key})") for i, s in enumerate(records.issues)),
            articles=tuple(self.article(a) for a in records.articles),
        )


__all__ = ["SYSTEM", "WorldBuilder", "WorldError"]
