"""The local Neo4j 5.26 Community server behind `kith neo4j start|stop|status`.

Maven Central does not publish the 5.x server tarball, so Kith fetches the `org.neo4j:neo4j`
jars with Maven and runs them through a tiny launcher of its own (`service/launcher`), with the
Bolt connector on 127.0.0.1 and authentication on. Jars are installed once under
`$KITH_HOME/neo4j-<version>`; each Bolt port gets its own server directory
(`$KITH_HOME/server-<port>`: data, logs, settings, pid file), so the test server never touches
a developer's running one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from service.config import Settings

NEO4J_VERSION = "5.26.30"
LAUNCHER_CLASS = "kith.Launcher"


class Neo4jServerError(RuntimeError):
    """The local server could not be installed, started or stopped; the message says why."""


def bolt_answers(settings: Settings, timeout: float = 3.0) -> bool:
    """True when a Bolt handshake and login succeed against NEO4J_URI."""
    try:
        with GraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.password()),
            connection_timeout=timeout,
            max_connection_lifetime=timeout * 10,
        ) as driver:
            driver.verify_connectivity()
        return True
    except (ServiceUnavailable, AuthError, Neo4jError, OSError):
        return False


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (the java launcher may re-exec itself, so
    its command line is briefly not yet ours right after it starts)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@dataclass(frozen=True)
class LocalServer:
    """Paths and process control of the server for one Bolt port."""

    settings: Settings

    @property
    def install_dir(self) -> Path:
        return self.settings.kith_home.resolve() / f"neo4j-{NEO4J_VERSION}"

    @property
    def server_dir(self) -> Path:
        return self.settings.kith_home.resolve() / f"server-{self.settings.bolt_port}"

    @property
    def pid_file(self) -> Path:
        return self.server_dir / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.server_dir / "logs" / "launcher.log"

    def install(self) -> None:
        """Fetches the jars with Maven and compiles the launcher, once."""
        if (self.install_dir / "installed").exists():
            return
        for tool in ("mvn", "javac", "java"):
            if shutil.which(tool) is None:
                raise Neo4jServerError(
                    f"`{tool}` is not on PATH: Java 17 and Maven are needed to install Neo4j"
                )
        staging = self.install_dir.with_name(self.install_dir.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "classes").mkdir(parents=True)
        launcher = resources.files("service") / "launcher"
        with resources.as_file(launcher) as launcher_dir:
            self._run(
                [
                    "mvn",
                    "-q",
                    "-B",
                    "-f",
                    str(launcher_dir / "pom.xml"),
                    "dependency:copy-dependencies",
                    f"-DoutputDirectory={staging / 'lib'}",
                    "-DincludeScope=runtime",
                ],
                "downloading Neo4j from Maven Central",
            )
            self._run(
                [
                    "javac",
                    "-cp",
                    str(staging / "lib" / "*"),
                    "-d",
                    str(staging / "classes"),
                    str(launcher_dir / "Launcher.java"),
                ],
                "compiling the Neo4j launcher",
            )
        (staging / "installed").write_text(NEO4J_VERSION + "\n")
        shutil.rmtree(self.install_dir, ignore_errors=True)
        staging.rename(self.install_dir)

    @staticmethod
    def _run(command: list[str], what: str) -> None:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-20:]
            raise Neo4jServerError(f"{what} failed:\n" + "\n".join(tail))

    def running_pid(self) -> int | None:
        """The pid in the pid file when that process is still our launcher."""
        try:
            pid = int(self.pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return None
        return pid if LAUNCHER_CLASS.encode() in cmdline else None

    def _write_settings(self) -> Path:
        host, port = self.settings.bolt_host, self.settings.bolt_port
        listen = "127.0.0.1" if host == "localhost" else host
        conf = self.server_dir / "neo4j.conf"
        conf.write_text(
            "\n".join(
                [
                    "# Written by `kith neo4j start`; edit KITH_NEO4J_* settings instead.",
                    "server.bolt.enabled=true",
                    f"server.bolt.listen_address={listen}:{port}",
                    f"server.bolt.advertised_address={listen}:{port}",
                    "server.http.enabled=false",
                    "server.https.enabled=false",
                    "dbms.security.auth_enabled=true",
                    f"server.memory.pagecache.size={self.settings.kith_neo4j_pagecache}",
                    f"server.directories.logs={self.server_dir / 'logs'}",
                    "db.tx_log.rotation.retention_policy=2 files",
                    # One plan per statement, whatever the length of its lists. Neo4j plans a
                    # statement again for each new order of magnitude of a list's length, so a
                    # GraphQL `ingest` of one row after a bulk load's 2,000-row batches waited
                    # 100-900 ms on the planner.
                    "internal.cypher.use_parameter_size=false",
                    "",
                ]
            )
        )
        password_file = self.server_dir / "password"
        password_file.write_text(self.settings.password() + "\n")
        password_file.chmod(0o600)
        return conf

    def start(self) -> bool:
        """Starts the server and waits for Bolt; returns False when it was already running."""
        if bolt_answers(self.settings):
            return False
        self.install()
        (self.server_dir / "logs").mkdir(parents=True, exist_ok=True)
        pid = self.running_pid()
        if pid is None:
            conf = self._write_settings()
            heap = self.settings.kith_neo4j_heap
            with self.log_file.open("ab") as log:
                process = subprocess.Popen(
                    [
                        "java",
                        f"-Xms{heap}",
                        f"-Xmx{heap}",
                        "-XX:+UseG1GC",
                        "-cp",
                        f"{self.install_dir / 'classes'}:{self.install_dir / 'lib' / '*'}",
                        LAUNCHER_CLASS,
                        str(self.server_dir),
                        str(conf),
                        str(self.server_dir / "password"),
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # the server outlives `kith neo4j start`
                )
            pid = process.pid
            self.pid_file.write_text(f"{pid}\n")
        self._wait_for_bolt(pid)
        return True

    def _wait_for_bolt(self, pid: int) -> None:
        deadline = time.monotonic() + self.settings.kith_start_timeout
        while time.monotonic() < deadline:
            if bolt_answers(self.settings, timeout=2.0):
                return
            if not _alive(pid):
                raise Neo4jServerError("Neo4j exited while starting:\n" + self.log_tail())
            time.sleep(0.5)
        raise Neo4jServerError(
            f"Neo4j did not answer Bolt within {self.settings.kith_start_timeout:.0f}s:\n" + self.log_tail()
        )

    def stop(self, timeout: float = 60.0) -> bool:
        """Stops the process this server directory started; returns False when none was running."""
        pid = self.running_pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.running_pid() == pid and time.monotonic() < deadline:
            time.sleep(0.2)
        if self.running_pid() == pid:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log yet)"
