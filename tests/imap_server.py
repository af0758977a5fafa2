"""A real IMAP server for tests: Debian's Dovecot, started on a free loopback port with its own config."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


@dataclass
class ImapServer:
    port: int
    user: str
    password: str

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(self.user, self.password)
        imap.select("INBOX")
        return imap

    def deliver(self, sender: str, subject: str, body: str = "Hallo", message_id: str | None = None) -> None:
        """Put a message into the inbox as unread (as a reply from a resident would arrive)."""
        lines = [f"From: {sender}", f"To: {self.user}", f"Subject: {subject}", "Date: Mon, 01 Feb 2027 10:00:00 +0100"]
        if message_id:
            lines.append(f"Message-ID: {message_id}")
        raw = ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode("utf-8")
        imap = self.connect()
        try:
            imap.append("INBOX", None, None, raw)
        finally:
            imap.logout()

    def unread_subjects(self) -> list[str]:
        imap = self.connect()
        try:
            _, data = imap.search(None, "UNSEEN")
            subjects = []
            for number in data[0].split():
                _, parts = imap.fetch(number, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                header = next(p[1] for p in parts if isinstance(p, tuple)).decode("utf-8")
                subjects.append(header.partition(":")[2].strip())
            return subjects
        finally:
            imap.logout()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def dovecot(user: str = "koordination@adorf.example", password: str = "imap-test") -> Iterator[ImapServer]:
    if DOVECOT is None:
        if os.environ.get("CI"):
            pytest.fail("Dovecot fehlt: .ci/run installiert dovecot-imapd")
        pytest.skip("Dovecot (dovecot-imapd) ist nicht installiert")
    # Dovecot's own users must reach its files: not below pytest's private (0700) temporary folder
    root = Path(tempfile.mkdtemp(prefix="gespraechsrunde-dovecot-"))
    root.chmod(0o755)
    for sub in ("run", "state", "home"):
        (root / sub).mkdir(exist_ok=True)
    # mail processes must not run as root: use our own user, or »nobody« when the tests run as root
    uid, gid = (os.getuid(), os.getgid()) if os.getuid() != 0 else (pwd.getpwnam("nobody").pw_uid,) * 2
    os.chown(root / "home", uid, gid)
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n", encoding="utf-8")
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/home/%n/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""",
        encoding="utf-8",
    )
    # the daemon keeps inherited pipes open: no capture, its log goes to dovecot.log
    subprocess.run([DOVECOT, "-c", str(config)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield ImapServer(port, user, password)
    finally:
        subprocess.run([DOVECOT, "-c", str(config), "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)
