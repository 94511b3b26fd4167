"""How people write: customer voices (openings, context lines, closings, signatures) and agent habits.

A ticket's text is its topic's content in one of these voices, so two tickets about the same thing
still read like two different people wrote them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    name: str
    greetings: tuple[str, ...]
    intros: tuple[str, ...]
    """Who is writing; follows the greeting. Most name the person or the company, as real emails do."""
    closers: tuple[str, ...]
    signatures: tuple[str, ...]
    typos: tuple[int, ...]
    """Number of typos to add, picked at random."""
    subject_styles: tuple[str, ...] = ("{subject}",)
    lowercase: bool = False
    pings: tuple[str, ...] = ()
    thanks: tuple[str, ...] = ()


_PINGS = (
    "Any update on this?",
    "Hi, just following up on this one.",
    "Bumping this - any news?",
    "Is there anything else you need from us?",
)
_THANKS = (
    "Thanks, that worked!",
    "Perfect, thank you.",
    "All good now, thanks for the help.",
    "Sorted. Cheers!",
)

VOICES: tuple[Voice, ...] = (
    Voice(
        name="plain",
        greetings=(
            "Hi,\n\n",
            "Hello,\n\n",
            "Hi team,\n\n",
            "Hi Tessera support,\n\n",
            "Hey there,\n\n",
            "Hi all,\n\n",
            "Good {daypart},\n\n",
            "Hi folks - ",
            "Hi! ",
            "",
        ),
        intros=(
            "{first} here from {company}. ",
            "{first} from the {team} team at {company} here. ",
            "This is {first} at {company}. ",
            "{first}, {title} at {company}. ",
            "Writing from {company} ({ws_id}). ",
            "{first} ({company}) here. ",
            "quick one from {first} at {company}. ",
            "{first} {last} from {company}. ",
            "{company}'s {team} team here ({first}). ",
            "{first}, I work on the {team} side at {company}. ",
        ),
        closers=(
            "Thanks!",
            "Thanks in advance.",
            "Thank you,",
            "Appreciate the help.",
            "Let me know if you need anything else from us.",
            "",
        ),
        signatures=(
            "{first}",
            "{first} {last}\n{company}",
            "{first} ({company})",
            "- {first}",
            "{first} {last}",
        ),
        typos=(0, 0, 0, 1),
        subject_styles=(
            "{subject}",
            "{subject}",
            "{subject}",
            "Question: {subject}",
            "{subject} ({company})",
        ),
        pings=_PINGS,
        thanks=_THANKS,
    ),
    Voice(
        name="terse",
        greetings=("",),
        intros=(
            "{company} here. ",
            "Workspace {ws_id}. ",
            "[{company}] ",
            "{first} @ {company}: ",
            "{ws_id}: ",
            "From {first} ({company}): ",
            "{first} {last}, {company}. ",
            "{company}/{ws_id}. ",
        ),
        closers=("", "", "thx", "Thanks"),
        signatures=("", "{first}", "-{initial}"),
        typos=(0, 1, 1, 2),
        subject_styles=("{subject_lower}", "{subject}", "{company}: {subject_lower}"),
        pings=("any update?", "ping", "still waiting on this", "?"),
        thanks=("works, thx", "ok thanks", "fixed, ty"),
    ),
    Voice(
        name="polite",
        greetings=(
            "Hi {agent_or_team},\n\n",
            "Hello,\n\n",
            "Hi there,\n\n",
            "Dear Tessera support,\n\n",
            "Hi!\n\n",
            "Good {daypart}!\n\n",
            "Hello Tessera team,\n\n",
        ),
        intros=(
            "{first} here, {title} at {company}. I hope you're well! ",
            "{first} from {company} here - I hope this is the right place to ask. ",
            "{company} here, reaching out about our workspace. ",
            "{first} {last} - I look after Tessera at {company}. ",
            "{first} here ({company}). First of all, thanks for a great product! ",
            "{first} from {company}, sorry to bother you. ",
            "{first} {last} ({title}, {company}) here. ",
            "{first} at {company} here - I hope your week is going well. ",
        ),
        closers=(
            "Many thanks in advance for your help!",
            "Thanks so much for looking into this.",
            "Thank you for your time.",
            "Really appreciate any pointers.",
        ),
        signatures=(
            "Best regards,\n{first} {last}\n{title}, {company}",
            "Kind regards,\n{first}",
            "Warmly,\n{first} {last}",
            "Best,\n{first} {last} | {company}",
        ),
        typos=(0, 0, 0, 0, 1),
        pings=(
            "Hi again, I just wanted to check whether there's any news on this. Thank you!",
            "Hello, following up on my message above. Please let me know if you need more information.",
        ),
        thanks=("Thank you so much, that solved it!", "Wonderful, thanks a lot for your help."),
    ),
    Voice(
        name="frustrated",
        greetings=("", "Hi. ", "Hello,\n\n", "Hi support,\n\n"),
        intros=(
            "{company} again - second time this month we're writing about this. ",
            "{first} from {company}. We need help with this today please. ",
            "{first} at {company} - we're stuck. ",
            "{company} {team} team here, this is blocking us. ",
            "{company}: honestly a bit frustrated with this one. ",
            "{first} {last}, {company}. Not great. ",
            "{first} ({title}, {company}) - we've been waiting too long on this. ",
            "{company} here, and we're losing time on this. ",
        ),
        closers=(
            "Please treat this as a priority.",
            "We need a fix or a workaround asap.",
            "Can someone please look at this today?",
            "Please escalate if needed.",
        ),
        signatures=("{first} {last}\n{title}, {company}", "{first}", "{first} - {company}"),
        typos=(0, 1, 1, 2),
        subject_styles=("{subject}", "URGENT: {subject}", "{subject} (again)", "{subject} - please help"),
        pings=(
            "Still no answer? This is holding up our work.",
            "Following up AGAIN. Can we get an update today?",
            "Hello? Any news?",
        ),
        thanks=("OK that fixed it. Thanks.", "Finally working. Thank you."),
    ),
    Voice(
        name="casual",
        greetings=(
            "hey! ",
            "hey team, ",
            "hi folks - ",
            "yo, ",
            "hiya, ",
            "hey {agent_or_team}, ",
            "morning! ",
        ),
        intros=(
            "{first_lower} from {company} here. ",
            "{first_lower} @ {company}. ",
            "it's {first_lower} ({company}). ",
            "{company} here 👋 ",
            "{first_lower} here. ",
            "{first_lower} ({team} @ {company}). ",
            "{company} {team} here. ",
        ),
        closers=("cheers", "thanks!!", "ty", "thx in advance :)", ""),
        signatures=("{first}", "{first_lower}", "{first} @ {company}", ""),
        typos=(0, 1, 1, 2, 3),
        subject_styles=("{subject_lower}", "{subject}", "quick q: {subject_lower}"),
        lowercase=True,
        pings=("hey any news on this?", "bump :)", "hi again - any update?"),
        thanks=("that did it, thanks!!", "works now, you're the best", "sweet, thx"),
    ),
    Voice(
        name="formal",
        greetings=(
            "Dear Support Team,\n\n",
            "Dear Sir or Madam,\n\n",
            "Good {daypart},\n\n",
            "Dear Tessera Support,\n\n",
            "To the support team,\n\n",
        ),
        intros=(
            "My name is {first} {last}, {title} at {company}. ",
            "{first} {last} writing on behalf of {company} (workspace {ws_id}). ",
            "{company} workspace {ws_id}: I am writing regarding the following. ",
            "On behalf of {company}, please find below a description of an issue. ",
            "This is {first} {last}, responsible for Tessera at {company}. ",
            "I am {first} {last} of {company}, {title}. ",
            "{first} {last} ({company}) would like to report the following. ",
        ),
        closers=(
            "We look forward to your response.",
            "Thank you in advance for your assistance.",
            "Please do not hesitate to contact me should you require further information.",
        ),
        signatures=(
            "Kind regards,\n{first} {last}\n{title}\n{company}",
            "Yours sincerely,\n{first} {last}",
            "Regards,\n{first} {last}, {title}",
        ),
        typos=(0,),
        subject_styles=("{subject}", "{company} - {subject}", "Request: {subject}"),
        pings=("Dear Support Team, could you kindly provide an update on this matter?",),
        thanks=("Thank you for resolving this matter.", "Many thanks for your assistance."),
    ),
    Voice(
        name="nonnative",
        greetings=(
            "Dear team,\n\n",
            "Hello support,\n\n",
            "Hi,\n\n",
            "Dear Tessera,\n\n",
            "Hello Sir/Madam,\n\n",
        ),
        intros=(
            "This is {first} from {company}. We are facing issue. ",
            "Greetings from {company}! Please kindly check below. ",
            "I am {first}, {title} in {company}. I have one doubt. ",
            "{first} this side from {company}. ",
            "We are from {company} ({plan} plan). ",
            "{first} {last} here from {company} team. ",
            "Myself {first}, working in {company}. ",
        ),
        closers=(
            "Kindly check and revert.",
            "Please help us to resolve this at earliest.",
            "Waiting for your positive reply.",
            "Kindly do the needful.",
        ),
        signatures=(
            "Thanks & Regards,\n{first} {last}\n{company}",
            "Regards,\n{first}",
            "Best Regards\n{first} {last}",
        ),
        typos=(0, 1, 1),
        subject_styles=(
            "{subject}",
            "Regarding {subject_lower}",
            "Issue: {subject_lower}",
            "{subject} - {company}",
        ),
        pings=("Dear team, kindly update on this ticket.", "Any update please?"),
        thanks=("Thank you, issue is resolved now.", "Thanks for your support, it is working."),
    ),
)
VOICE_WEIGHTS = (30, 14, 16, 9, 13, 9, 9)

CONTEXT_NEUTRAL = (
    "We're on the {plan} plan, workspace {ws_id}.",
    "For context, we've been on Tessera for about {n_small} months.",
    "I'm the admin for our workspace ({ws_id}).",
    "Our {team} team uses Tessera daily.",
    "We have a {deadline_event} coming up, so timing matters a bit.",
)
CONTEXT_PROBLEM = (
    "This started {since}.",
    "We noticed it {since}.",
    "Not sure if it matters, but we're in {region_human}.",
    "Colleagues see the same thing.",
    "Happens for me and at least {n_small} others on my team.",
    "Nothing changed on our side as far as I know.",
)

AGENT_GREETINGS = (
    "Hi {first},",
    "Hello {first},",
    "Hi {first}, thanks for reaching out.",
    "{first},",
    "Hi {first}!",
)
AGENT_SIGNOFFS = (
    "Best,\n{agent}\nTessera Support",
    "{agent} | Tessera Support",
    "Cheers,\n{agent}",
    "Kind regards,\n{agent}",
    "Thanks,\n{agent}",
    "- {agent}, Tessera Support",
)
AGENT_SOLVED = (
    "I'll mark this ticket as solved, but just reply here if anything comes up again.",
    "Closing this one for now - a reply reopens it.",
    "",
)
AGENT_HOLD = (
    "I've passed this to our engineering team and put the ticket on hold while they look into it. I'll update you "
    "as soon as I hear back.",
    "This needs a look from our engineers; I've raised it with them and will keep you posted here.",
)
INTERNAL_NOTES = (
    "Customer is on {plan}. Checked the workspace logs, nothing unusual on our side.",
    "Used the standard macro, customer-side configuration.",
    "Similar to a few others this quarter, all configuration.",
    "Checked with {agent_peer} - expected behaviour.",
    "Repro'd on a test workspace, works as documented.",
    "Second ticket from this account this month; CSM FYI'd.",
    "Verified in admin console before replying.",
    "Asked in #support-escalations, answer confirmed by L2.",
)
TRIAGE_NOTES = (
    "Triage: {area}, {priority}. Assigning in the morning queue.",
    "Auto-triage: tagged {area}. No SLA on this plan.",
    "Looks like a how-to; will pick up after the urgent queue.",
)
