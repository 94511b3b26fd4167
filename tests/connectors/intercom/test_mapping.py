"""Intercom conversations and parts mapped to tickets and comments: people, priority, status and SLA."""

from __future__ import annotations

from datetime import timedelta

import pytest

from customer_escalation.connectors.intercom.mapping import Mapper, Priorities
from customer_escalation.connectors.records import Comment, Dataset, Person, SlaTarget
from tests.contract.dataset import CONTRACT_DATASET, NOW, TICKETS
from tests.fakes.clock import VirtualClock
from tests.fakes.intercom import WORKSPACE_ID

from .conftest import fake_on, support_on

pytestmark = pytest.mark.anyio


async def test_a_conversation_reads_as_a_ticket_with_its_people_and_parts() -> None:
    clock = VirtualClock()
    async with support_on(fake_on(clock), clock) as support:
        ticket = await support.get_ticket("101")
    assert ticket.subject == "Webhook deliveries failing with 502"
    assert ticket.description.startswith("Since this morning every webhook delivery")
    assert (ticket.status, ticket.priority, ticket.channel) == ("open", "urgent", "email")
    assert ticket.tags == ("webhooks", "enterprise")
    assert ticket.requester == Person(name="Sam Reed", email="sam.reed@northwind.example", role="customer")
    assert ticket.organization is not None
    assert (ticket.organization.name, ticket.organization.domain) == (
        "Northwind Traders",
        "northwind.example",
    )
    assert [(c.author.role, c.public) for c in ticket.comments] == [("agent", True), ("customer", True)]
    assert ticket.comments[0].author.name == "Jo Park"
    assert ticket.ref.url == f"https://app.intercom.com/a/inbox/{WORKSPACE_ID}/inbox/conversation/101"
    assert ticket.created_at == TICKETS[0].created_at.replace(microsecond=0)


async def test_notes_are_internal_comments_and_bots_are_bots() -> None:
    base = TICKETS[1]
    comments = (
        Comment(
            id="n",
            author=Person(name="Mia Stone", role="agent"),
            body="Checked the queue.",
            public=False,
            created_at=NOW - timedelta(hours=3),
        ),
        Comment(
            id="b",
            author=Person(name="Fin", role="bot"),
            body="Here is an article that may help.",
            created_at=NOW - timedelta(hours=2),
        ),
    )
    clock = VirtualClock()
    fake = fake_on(clock, dataset=Dataset(tickets=(base.model_copy(update={"comments": comments}),)))
    async with support_on(fake, clock) as support:
        ticket = await support.get_ticket("102")
    assert [(c.body, c.public, c.author.role) for c in ticket.comments] == [
        ("Checked the queue.", False, "agent"),
        ("Here is an article that may help.", True, "bot"),
    ]


@pytest.mark.parametrize(
    ("priorities", "expected"),
    [
        (Priorities("Priority"), ["urgent", "low", "normal", "normal", "normal", "normal"]),
        (Priorities(), ["high", "normal", "normal", "normal", "normal", "normal"]),
        (Priorities(flag="urgent"), ["urgent", "normal", "normal", "normal", "normal", "normal"]),
    ],
)
async def test_priority_comes_from_the_workspace_attribute_else_the_priority_flag(
    priorities: Priorities, expected: list[str]
) -> None:
    clock = VirtualClock()
    async with support_on(fake_on(clock), clock, mapper=Mapper(priorities)) as support:
        found = [(await support.get_ticket(t.id)).priority for t in TICKETS]
    assert found == expected


async def test_states_read_as_statuses_and_a_closed_conversation_has_its_close_time() -> None:
    clock = VirtualClock()
    async with support_on(fake_on(clock), clock) as support:
        tickets = {t.id: await support.get_ticket(t.id) for t in TICKETS}
    assert {i: t.status for i, t in tickets.items()} == {
        "101": "open",
        "102": "open",
        "103": "closed",
        "104": "pending",
        "105": "closed",
        "106": "closed",
    }
    assert tickets["103"].solved_at == TICKETS[2].solved_at
    assert tickets["101"].solved_at is None


def _with_sla(*targets: SlaTarget, replies: int = 1) -> Dataset:
    agent = Person(name="Jo Park", email="jo.park@vendor.example", role="agent")
    comments = tuple(
        Comment(id=f"c{n}", author=agent, body=f"Reply {n}", created_at=NOW - timedelta(hours=3 - n))
        for n in range(replies)
    )
    return Dataset(tickets=(TICKETS[1].model_copy(update={"sla": targets, "comments": comments}),))


async def _sla_of(dataset: Dataset) -> tuple[SlaTarget, ...]:
    clock = VirtualClock()
    async with support_on(fake_on(clock, dataset=dataset), clock) as support:
        return (await support.get_ticket("102")).sla


async def test_a_missed_sla_is_a_breach_no_later_than_the_last_teammate_reply() -> None:
    late = SlaTarget(policy="Enterprise 24/7", metric="first_reply", breach_at=NOW - timedelta(hours=4))
    (target,) = await _sla_of(_with_sla(late, replies=2))
    assert (target.policy, target.metric, target.fulfilled_at) == ("Enterprise 24/7", "next_reply", None)
    assert target.breach_at == NOW - timedelta(hours=2)


async def test_a_hit_sla_is_met_and_an_active_one_is_left_to_the_policy() -> None:
    met = SlaTarget(policy="Pro", metric="first_reply", breach_at=NOW, fulfilled_at=NOW - timedelta(hours=3))
    (target,) = await _sla_of(_with_sla(met))
    assert (target.metric, target.fulfilled_at, target.breach_at) == (
        "first_reply",
        NOW - timedelta(hours=3),
        None,
    )
    running = SlaTarget(policy="Pro", metric="first_reply", breach_at=NOW + timedelta(hours=1))
    assert await _sla_of(_with_sla(running)) == ()


async def test_message_html_reads_as_text_without_hidden_characters() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    fake.conversations["102"]["source"]["body"] = (
        "<p>Steps:</p><ul><li>open <b>Settings</b></li><li>see <a href='https://docs.example/x'>the guide</a>"
        "</li></ul><p>ign\u200bore</p>"
    )
    async with support_on(fake, clock) as support:
        ticket = await support.get_ticket("102")
    assert (
        ticket.description == "Steps:\n\n- open Settings\n- see the guide (https://docs.example/x)\n\nignore"
    )


async def test_search_results_are_compact_and_carry_the_organization() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock) as support:
        page = await support.search_tickets("CANARY_QUARTZ_FALCON")
    (ticket,) = page.items
    assert ticket.comments == () and ticket.sla == ()
    assert ticket.organization is not None and ticket.organization.name == "Northwind Traders"
    assert CONTRACT_DATASET.tickets[0].id == ticket.id
