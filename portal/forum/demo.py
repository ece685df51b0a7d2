"""Demo forum topics, so a newcomer sees a forum in use: one or two topics in each category,
with replies from the different demo accounts, a pinned and a locked topic, and a flag
waiting in the moderators' queue.

The discussions are modelled on what clusters talked about in 2020 (finding producers of
protective equipment, converting production lines, certifying masks, raw materials,
short-time work). They are invented demo content, say so in their opening posts, and give no
figures. Topics and replies are written through the same services people use, then dated
back over the past weeks so the lists look lived in (and the flood limit sees old posts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from portal.accounts.roles import Role
from portal.forum import services
from portal.forum.models import Post, Topic, TopicCategory

if TYPE_CHECKING:
    from portal.accounts.models import User

C = TopicCategory
DEMO_NOTE = "\n\n*Demo content: an example discussion for trying out the portal.*"

# Who writes: the demo accounts by role (portal/accounts/demo.py).
MANAGER, COMPANY, AUTHORITY, PENDING, STAFF = "manager", "company", "authority", "pending", "staff"


@dataclass(frozen=True)
class DemoFlag:
    reply: int  # index in the topic's replies
    by: str
    reason: str
    note: str


@dataclass(frozen=True)
class DemoTopic:
    category: str
    title: str
    by: str
    body: str
    replies: tuple[tuple[str, str], ...]
    days_ago: int
    pinned: bool = False
    locked: bool = False
    followers: tuple[str, ...] = ()
    flags: tuple[DemoFlag, ...] = field(default=())


TOPICS = (
    DemoTopic(
        C.I_NEED_HELP,
        "Looking for producers of meltblown nonwoven for FFP2 filters",
        COMPANY,
        "We converted part of our air-filter line to **FFP2 respirators**, but the meltblown "
        "filter layer is now our bottleneck: our usual supplier serves its long-standing "
        "customers first.\n\nWe are looking for:\n\n"
        "- producers of meltblown polypropylene suitable for EN 149 filters;\n"
        "- or companies with a meltblown line that could be restarted.\n\n"
        "Any contact in Germany, Austria or Poland is welcome.",
        (
            (
                MANAGER,
                "Two members of our cluster run nonwoven lines; one of them is testing "
                "meltblown grades at the moment. I will introduce you by e-mail once they "
                "have test results for filtration efficiency.",
            ),
            (
                STAFF,
                "Thank you for posting. Companies offering filter materials can post them "
                "under **Solutions**; the Commission is also collecting shortages of raw "
                "materials through the clusters. Please add a demand or offer there too, so "
                "it reaches the matching.",
            ),
            (
                COMPANY,
                "Thank you both. Marta, we have sent you our specification so your members "
                "can check it against their grades.",
            ),
        ),
        days_ago=24,
        followers=(AUTHORITY,),
    ),
    DemoTopic(
        C.I_NEED_HELP,
        "Elastic ear loops and nose wires for surgical masks",
        MANAGER,
        "Several of our textile members can sew type IIR masks, but elastic ear loops and "
        "aluminium nose wires are hard to find. Does anyone know a producer of narrow "
        "elastics or nose wires that still takes new customers?",
        (
            (
                COMPANY,
                "A supplier of our filter frames also makes nose wires; I asked whether "
                "they can ship to Poland and will share the contact here if they agree.",
            ),
        ),
        days_ago=19,
    ),
    DemoTopic(
        C.I_CAN_HELP,
        "Textile cluster members can sew reusable isolation gowns",
        MANAGER,
        "Members of the Lodz Medical Textiles Cluster have free sewing capacity and can make "
        "**reusable isolation gowns** from washable polyester. We can adapt the pattern to "
        "the specification of a hospital or a regional health service.\n\n"
        "Public authorities that need gowns: reply here or post your demand on the portal.",
        (
            (
                AUTHORITY,
                "Our health service is interested. Which standard do your gowns meet, and "
                "how many washing cycles have they been tested for?",
            ),
            (
                MANAGER,
                "The fabric is tested to EN 13795; the producers are having the number of "
                "washing cycles confirmed by a laboratory. I will post the report here.",
            ),
            (
                AUTHORITY,
                "Thank you. We will publish a demand with our specification so the matching "
                "can bring up your members' offers.",
            ),
        ),
        days_ago=21,
    ),
    DemoTopic(
        C.TECHNOLOGICAL_SOLUTIONS,
        "Converting an air-filter line to FFP2 respirators: what we learned",
        COMPANY,
        "Sharing our experience of converting a line that made cabin-air filters:\n\n"
        "1. The pleating and ultrasonic welding machines could be reused with new tools.\n"
        "2. The filter layer and the fit test were the hard parts, not the assembly.\n"
        "3. Talk to a notified body **before** you build the first batch.\n\n"
        "Happy to answer questions from other manufacturers.",
        (
            (
                MANAGER,
                "Very useful. Did you need a clean room for the assembly, or was a separated "
                "area with controlled access enough?",
            ),
            (
                COMPANY,
                "A separated area with controlled access, hygiene rules and regular cleaning "
                "was enough for our notified body; check with yours, as requirements differ.",
            ),
        ),
        days_ago=16,
    ),
    DemoTopic(
        C.BEST_PRACTICES,
        "Getting masks certified: notified bodies, EN 149 and EN 14683",
        STAFF,
        "Many newcomers to mask production ask the same questions, so here is a starting "
        "point:\n\n"
        "- **FFP2/FFP3 respirators** are personal protective equipment: they need an EU "
        "type-examination by a notified body against EN 149.\n"
        "- **Surgical masks** are medical devices: the manufacturer declares conformity "
        "with EN 14683 and registers with its national authority.\n"
        "- The list of notified bodies is in the Commission's NANDO database.\n\n"
        "Please share your own experience with the procedures below.",
        (
            (
                COMPANY,
                "Our advice: prepare the technical file early and book test slots with the "
                "laboratory as soon as you can; waiting times for tests were our longest "
                "delay.",
            ),
            (
                PENDING,
                "As a regional health service we also check the certificates we receive. "
                "Is there a way to verify that a certificate was really issued by the "
                "notified body named on it?",
            ),
            (
                STAFF,
                "Yes: ask the notified body directly, using the contact details in NANDO "
                "(not those printed on the certificate). Several notified bodies also "
                "publish the certificates they issued.",
            ),
        ),
        days_ago=27,
        pinned=True,
        followers=(MANAGER,),
    ),
    DemoTopic(
        C.ECONOMIC_EFFECT,
        "Order books after the first lockdown: how are your members coping?",
        MANAGER,
        "Our members report very different situations: producers of medical textiles are "
        "overloaded, while those supplying the automotive and fashion industries have lost "
        "most of their orders. How does it look in your clusters and regions?",
        (
            (
                COMPANY,
                "Similar for us: our filters for the car industry stopped almost overnight, "
                "the respirators keep part of the staff busy.",
            ),
            (
                COMPANY,
                "Unrelated, but does anyone sell a used forklift in Bavaria?",
            ),
            (
                AUTHORITY,
                "From the public side: hospitals buy much more directly from manufacturers "
                "now, which helps firms that switched production, but payment terms are a "
                "worry for the smaller ones.",
            ),
        ),
        days_ago=12,
        flags=(
            DemoFlag(1, MANAGER, "off_topic", "A request for equipment, not about the crisis."),
        ),
    ),
    DemoTopic(
        C.FUNDING,
        "Which EU calls fund converting production lines?",
        COMPANY,
        "We would like to make our converted respirator line permanent. Are there EU "
        "programmes that fund this kind of investment for an SME, and where do we find the "
        "open calls?",
        (
            (
                STAFF,
                "Look at the portal's **Funding** section, which lists the programmes for "
                "clusters and SMEs. Regional managing authorities of the cohesion funds are "
                "also a good contact for investment in production.",
            ),
            (
                MANAGER,
                "Our cluster can help with the application; several members prepared "
                "proposals together last year.",
            ),
        ),
        days_ago=9,
    ),
    DemoTopic(
        C.SOCIAL_ASPECTS,
        "Keeping workers safe on the shop floor: shifts, distancing and masks",
        MANAGER,
        "Which measures worked in your factories to keep production running safely? Our "
        "members changed to fixed shift teams, staggered breaks and marked walkways, but "
        "small workshops struggle with the space.",
        (
            (
                AUTHORITY,
                "Fixed teams make contact tracing much easier for the health services. "
                "Please also keep a simple record of who worked in which team and when.",
            ),
            (
                COMPANY,
                "We added screens between work stations where distance was not possible, "
                "and moved meetings outside or online.",
            ),
        ),
        days_ago=14,
    ),
    DemoTopic(
        C.SUPPORTING_POLICIES,
        "Short-time work schemes: experiences across member states",
        COMPANY,
        "Short-time work kept our staff employed while the car-industry orders stopped. "
        "How do the schemes work in other member states, and what should a company "
        "watch out for when applying?",
        (
            (
                MANAGER,
                "In Poland, companies could apply for subsidies to wages when working time "
                "was reduced; the paperwork was the main hurdle for our small members, so "
                "the cluster ran information sessions.",
            ),
            (
                AUTHORITY,
                "In Spain the temporary employment regulation schemes (ERTE) played that "
                "role. Keep good records of the reduced hours: they are checked later.",
            ),
            (
                STAFF,
                "Thank you all. The Commission's SURE instrument supports member states' "
                "short-time work schemes. This topic is now locked; please open a new topic "
                "for questions on a specific scheme.",
            ),
        ),
        days_ago=30,
        locked=True,
    ),
)


def _by_role(users: Iterable[User]) -> dict[str, User]:
    found: dict[str, User] = {}
    for user in users:
        if user.is_superuser:
            continue
        key = {
            Role.CLUSTER_MANAGER: MANAGER,
            Role.COMPANY: COMPANY,
            Role.COMMISSION: STAFF,
            Role.AUTHORITY: AUTHORITY if user.is_verified else PENDING,
        }.get(user.role)  # type: ignore[call-overload]
        if key is not None:
            found.setdefault(key, user)
    return found


def _date_back(post: Post, when: datetime) -> None:
    Post.objects.filter(pk=post.pk).update(created_at=when)


def seed_forum(*, users: Iterable[User]) -> int:
    """Open the demo topics not there yet (by title); returns how many it opened."""
    people = _by_role(users)
    staff = people.get(STAFF)
    now = timezone.now()
    made = 0
    for demo in TOPICS:
        author = people.get(demo.by)
        if author is None or Topic.objects.filter(title=demo.title).exists():
            continue
        start = now - timedelta(days=demo.days_ago)
        topic = services.topic_open(
            by=author, category=demo.category, title=demo.title, body=demo.body + DEMO_NOTE
        )
        assert topic.opening_post is not None
        _date_back(topic.opening_post, start)
        Topic.objects.filter(pk=topic.pk).update(created_at=start)
        replies: list[Post] = []
        for n, (key, body) in enumerate(demo.replies, start=1):
            writer = people.get(key)
            if writer is None:
                continue
            reply = services.post_reply(topic=topic, by=writer, body=body)
            _date_back(reply, start + timedelta(hours=5 * n + n * n))
            replies.append(reply)
        topic.refresh_from_db()
        services.topic_refresh(topic=topic)
        for key in demo.followers:
            if key in people:
                services.topic_follow(topic=topic, by=people[key])
        for flag in demo.flags:
            if flag.by in people and flag.reply < len(replies):
                services.post_flag(
                    post=replies[flag.reply], by=people[flag.by], reason=flag.reason, note=flag.note
                )
        if staff is not None and demo.pinned:
            services.topic_pin(topic=topic, by=staff)
        if staff is not None and demo.locked:
            services.topic_lock(topic=topic, by=staff)
            # Locked soon after the last reply, not today.
            topic.refresh_from_db()
            Topic.objects.filter(pk=topic.pk).update(
                locked_at=topic.last_post_at + timedelta(hours=2)
            )
        made += 1
    return made
