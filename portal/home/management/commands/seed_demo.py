"""Load demo data for a newcomer: safe to run again, it adds only what is missing.

Each app contributes its own part (``<app>/demo.py``); later apps add options for how many
of each record to make.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from portal.accounts.demo import DEMO_PASSWORD, seed_accounts


class Command(BaseCommand):
    help = "Load demo data (idempotent): one account per role, and each app's demo content."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="print nothing when all is there")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        accounts = seed_accounts()
        if accounts:
            self.stdout.write(f"Demo accounts made (password {DEMO_PASSWORD!r}):")
            for user in accounts:
                self.stdout.write(f"  {user.email:<28} {user.get_role_display()}")
        elif not options["quiet"]:
            self.stdout.write("Demo data already loaded; nothing added.")
