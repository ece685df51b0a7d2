"""Make an account of any role without prompting, for operators and scripts."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.roles import Role
from portal.accounts.services import account_create


class Command(BaseCommand):
    help = (
        "Create an account: --email E --role ROLE --password P [--organisation NAME] [--verified]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        # Checked by the service, so that a bad role gets the same message everywhere.
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(Role.values)}")
        parser.add_argument("--password", required=True)
        parser.add_argument("--organisation", default="", help="organisation name (made if new)")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--country", default="", help="ISO 3166 alpha-2 code")
        parser.add_argument(
            "--verified", action="store_true", help="a public authority account is verified at once"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = account_create(
                email=options["email"],
                role=options["role"],
                password=options["password"],
                full_name=options["full_name"],
                organisation_name=options["organisation"],
                country=options["country"].upper(),
                verified=options["verified"],
                validate=False,  # operators choose their own passwords, e.g. for test accounts
            )
        except ValidationError as exc:
            messages = [
                f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs
            ]
            raise CommandError("; ".join(messages)) from exc
        state = "verified" if user.is_verified else "awaiting verification"
        self.stdout.write(f"Created {user.role} account {user.email} ({state}).")
