"""python manage.py run_simulator: serve the Amazon simulator."""

import logging
from typing import Any

from django.core.management.base import BaseCommand

from simulator.core import Settings, Simulator
from simulator.server import SimulatorServer
from simulator.state import Application

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Serve the Amazon simulator (LWA, Sellers, Feeds and Reports APIs)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument(
            "--data", help="SQLite file that keeps sellers, tokens and listings"
        )
        parser.add_argument("--schemas", help="folder with Amazon's sp-api schemas")
        parser.add_argument("--queue-seconds", type=float, default=1.0)
        parser.add_argument("--processing-seconds", type=float, default=2.0)
        parser.add_argument(
            "--rate-limit-scale",
            type=float,
            default=1.0,
            help="multiply Amazon's rates by this; 0 turns limits off",
        )
        parser.add_argument("--gzip-documents", action="store_true")
        parser.add_argument("--client-id", help="LWA client id of the application")
        parser.add_argument("--client-secret", help="LWA client secret")
        parser.add_argument("--application-id", help="SP-API application id")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            help="allowed redirect URI (repeatable); host:* allows any port",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["rate_limit_scale"]
        simulator = Simulator(
            Settings(
                queue_seconds=options["queue_seconds"],
                processing_seconds=options["processing_seconds"],
                rate_limit_scale=scale if scale > 0 else None,
                gzip_documents=options["gzip_documents"],
                schemas_dir=options["schemas"],
                data_path=options["data"],
            )
        )
        app_options = (
            options["application_id"],
            options["client_id"],
            options["client_secret"],
            options["redirect_uri"],
        )
        if any(app_options):
            register_application(simulator, *app_options)
        server = SimulatorServer(simulator, options["host"], options["port"])
        self.stdout.write(f"Amazon simulator listening on {server.url}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Simulator stopped.")


def register_application(
    simulator: Simulator,
    application_id: str | None,
    client_id: str | None,
    client_secret: str | None,
    redirect_uris: list[str] | None,
) -> None:
    """Replace or add the application given on the command line."""
    with simulator.lock:
        default = next(iter(simulator.state.applications.values()))
        application = Application(
            application_id=application_id or default.application_id,
            client_id=client_id or default.client_id,
            client_secret=client_secret or default.client_secret,
            redirect_uris=redirect_uris or default.redirect_uris,
        )
        simulator.state.applications[application.application_id] = application
        simulator.persist()
    logger.info("Registered application %s", application.application_id)
