"""A threaded HTTP server for the simulator, plus its job worker."""

import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from simulator.core import Simulator

logger = logging.getLogger(__name__)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    """Sends request lines to the logger instead of stderr."""

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


class SimulatorServer:
    def __init__(self, simulator: Simulator, host: str = "127.0.0.1", port: int = 0):
        self.simulator = simulator
        self.httpd = make_server(
            host,
            port,
            simulator,
            server_class=ThreadingWSGIServer,
            handler_class=QuietHandler,
        )
        self.host = host
        self.port = self.httpd.server_address[1]
        self._stopping = threading.Event()
        self._serving: threading.Thread | None = None
        self._worker = threading.Thread(
            target=self._work, daemon=True, name="simulator-jobs"
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _work(self) -> None:
        while not self._stopping.wait(self.simulator.settings.tick_seconds):
            try:
                self.simulator.tick()
            except Exception:
                logger.exception("Simulator job worker failed")

    def start(self) -> None:
        """Serve and process jobs in background threads."""
        self._serving = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="simulator-http",
        )
        self._serving.start()
        self._worker.start()

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        self._worker.start()
        try:
            self.httpd.serve_forever()
        finally:
            self._stopping.set()
            self.httpd.server_close()

    def stop(self) -> None:
        self._stopping.set()
        if self._serving is not None:
            self.httpd.shutdown()
            self._serving.join(timeout=5)
        self.httpd.server_close()
        if self._worker.is_alive():
            self._worker.join(timeout=5)
