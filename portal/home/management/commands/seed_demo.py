"""Load demo data for a newcomer: safe to run again, it adds only what is missing.

Each app contributes its own part (``<app>/demo.py``); later apps add options for how many
of each record to make.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from alerts.demo import ALERTS as DEMO_ALERTS
from alerts.demo import seed_alerts
from clusters.demo import seed_clusters
from funding.demo import seed_calls
from offers.demo import seed_offers
from portal.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_accounts
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.forum.demo import seed_forum
from portal.updates.demo import seed_updates


def _demo_account(role: str) -> User | None:
    email = next(account[0] for account in DEMO_ACCOUNTS if account[1] == role)
    return User.objects.filter(email__iexact=email).first()


class Command(BaseCommand):
    help = "Load demo data (idempotent): one account per role, and each app's demo content."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="print nothing when all is there")
        parser.add_argument(
            "--clusters", type=int, default=40, help="how many demo clusters (default 40)"
        )
        parser.add_argument(
            "--projects", type=int, default=6, help="how many demo projects (default 6)"
        )
        parser.add_argument(
            "--offers", type=int, default=10, help="how many demo offers (default 10, every state)"
        )
        parser.add_argument(
            "--demands", type=int, default=4, help="how many demo demands (default 4)"
        )
        parser.add_argument(
            "--alerts",
            type=int,
            default=len(DEMO_ALERTS),
            help=f"how many demo rapid alerts (default {len(DEMO_ALERTS)}, every state)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo data tells no one: the lifecycle's notification e-mails are not sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._seed(**options)

    @transaction.atomic
    def _seed(self, **options: Any) -> None:
        accounts = seed_accounts()
        if accounts:
            self.stdout.write(f"Demo accounts made (password {DEMO_PASSWORD!r}):")
            for user in accounts:
                self.stdout.write(f"  {user.email:<28} {user.get_role_display()}")

        clusters = projects = 0
        manager = _demo_account(Role.CLUSTER_MANAGER)
        if manager is None:
            self.stderr.write("The demo cluster manager is gone: no demo clusters made.")
        else:
            clusters, projects = seed_clusters(
                clusters=options["clusters"],
                projects=options["projects"],
                by_manager=manager,
                by_staff=_demo_account(Role.COMMISSION),
            )
        if clusters or projects:
            self.stdout.write(f"Demo clusters made: {clusters}; demo projects made: {projects}.")

        offers = demands = 0
        company, staff = _demo_account(Role.COMPANY), _demo_account(Role.COMMISSION)
        authority = User.objects.filter(email__iexact="authority@demo.eu").first()
        if company and manager and staff and authority:
            offers, demands = seed_offers(
                offers=options["offers"],
                demands=options["demands"],
                company=company,
                manager=manager,
                staff=staff,
                authority=authority,
            )
        if offers or demands:
            self.stdout.write(f"Demo offers made: {offers}; demo demands made: {demands}.")

        # Calls for proposals under the reference programmes: open, upcoming and closed.
        calls = seed_calls(staff=staff) if staff else 0
        if calls:
            self.stdout.write(f"Demo calls for proposals made: {calls}.")

        alerts = 0
        if manager and staff and authority:
            alerts = seed_alerts(
                manager=manager, authority=authority, staff=staff, count=options["alerts"]
            )
        if alerts:
            self.stdout.write(f"Demo rapid alerts made: {alerts}.")

        demo_emails = [account[0] for account in DEMO_ACCOUNTS]
        forum_topics = seed_forum(users=User.objects.filter(email__in=demo_emails))
        if forum_topics:
            self.stdout.write(f"Demo forum topics made: {forum_topics}.")

        updates = seed_updates(staff=staff) if staff else 0
        if updates:
            self.stdout.write(f"Demo EU updates made: {updates}.")

        if (
            not (
                accounts
                or clusters
                or projects
                or offers
                or demands
                or calls
                or updates
                or forum_topics
                or alerts
            )
            and not options["quiet"]
        ):
            self.stdout.write("Demo data already loaded; nothing added.")
