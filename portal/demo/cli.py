import click
from flask.cli import AppGroup

from portal.demo import data
from portal.demo.services import DemoRefused, load_demo

demo_cli = AppGroup("demo", help="The demo council, for trying the portal out.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Say so and succeed, rather than fail, when data is already there.")
def load_command(if_empty: bool):
    """Load the demo council into an empty database; refuses to touch one that has data."""
    try:
        accounts = load_demo()
    except DemoRefused as error:
        if if_empty:
            click.echo("Demo data already loaded; leaving the database as it is.")
            return
        raise click.ClickException(str(error)) from None
    click.echo(f"Loaded the demo council ({len(accounts)} accounts, password: {data.DEMO_PASSWORD!r}).")


@demo_cli.command("accounts")
def accounts_command():
    """Print the demo accounts and their password."""
    click.echo(f"Demo accounts ({data.COUNCIL_NAME}), all with the password: {data.DEMO_PASSWORD}")
    for name, local_part, roles, *_ in data.PEOPLE:
        click.echo(f"  {data.email_for(local_part):34} {name}: {', '.join(sorted(role.label for role in roles))}")
