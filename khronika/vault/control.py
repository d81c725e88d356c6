"""Unsealing, sealing and asking every process of an instance, without a key touching disk.

Every long-running Khronika process (``khronika serve``, later ``khronika worker``) listens on its own
Unix socket, ``VAULT_DIR/run/<role>-<pid>.sock`` (directory 0700, socket 0600). ``khronika unseal``
unlocks the keyring itself, so a wrong passphrase fails before anything is sent, then hands the keys to
every live socket; ``khronika seal`` and ``khronika panic`` tell every socket to drop them. A process
that starts while others are unsealed asks one of them for the keys, so a restarted web worker does not
wait for a human.

Threats answered:
- keys on disk or in a backup: they travel only through the kernel's socket buffers, from one process's
  memory to another's, never through a file, an environment variable or the command line;
- another local account: the directory is 0700 and each connection's peer must have our uid
  (``SO_PEERCRED``, checked by both sides); where the kernel cannot tell, we refuse (fail closed).
  The service user itself is the trust boundary: code running as it could read the keys anyway.
- a stuck process delaying a panic: each process is told in parallel with a short timeout.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import struct
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from khronika.vault import state
from khronika.vault.crypto import VaultError, VaultKeys
from khronika.vault.crypto.keys import belongs_to
from khronika.vault.keystore import ensure_private_dir, has_vault, load_keyring, vault_dir

logger = logging.getLogger("khronika.vault")

PROTOCOL = 1
MAX_MESSAGE = 64 * 1024
TIMEOUT_SECONDS = 0.8  # a panic must reach every process within one second
UNSEAL_TIMEOUT_SECONDS = 120.0
_SOCKADDR_MAX = 107  # sun_path holds 108 bytes including the final NUL


class ControlError(VaultError):
    """A control socket misbehaved or refused; the message says which process and why."""


# --- key material on the wire -------------------------------------------------------------------


def keys_to_wire(keys: VaultKeys) -> dict[str, Any]:
    """The keys as hex strings for one socket message. Never written anywhere else.

    During a key rotation they include the previous keys, so that every process can still open rows
    not yet rewrapped (khronika.vault.rotation)."""
    wire: dict[str, Any] = {
        "vault_id": keys.vault_id.hex(),
        "root": keys.root.hex(),
        "kek": keys.kek.hex(),
        "blind_index_key": keys.blind_index_key.hex(),
        "org_private_key": keys.org_private_key.hex(),
    }
    if keys.previous is not None:
        wire["previous"] = keys_to_wire(keys.previous)
    return wire


def keys_from_wire(data: Any) -> VaultKeys:
    try:
        return VaultKeys(
            vault_id=bytes.fromhex(data["vault_id"]),
            root=bytes.fromhex(data["root"]),
            kek=bytes.fromhex(data["kek"]),
            blind_index_key=bytes.fromhex(data["blind_index_key"]),
            org_private_key=bytes.fromhex(data["org_private_key"]),
            previous=keys_from_wire(data["previous"]) if data.get("previous") else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ControlError("The keys received over the control socket are incomplete.") from exc


def checked_keys(keys: VaultKeys) -> VaultKeys:
    """``keys`` if they open this instance's keyring; a ``ControlError`` otherwise. Same-uid peers are
    trusted not to be hostile (they could read our memory), but a peer of another instance sharing the
    account, or a stale one after a rotation, must not unseal us with keys that would write records
    nobody can read later."""
    if has_vault() and not belongs_to(keys, load_keyring()):
        raise ControlError("The keys received do not belong to this instance's vault; nothing was changed.")
    return keys


# --- who is on the other end ---------------------------------------------------------------------


def peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end, from the kernel; None where it cannot be asked."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    raw = sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", raw)
    return int(uid)


def peer_allowed(uid: int | None) -> bool:
    """Only our own user may talk to a control socket; an unknown peer is refused (fail closed)."""
    return uid is not None and uid == os.geteuid()


# --- sockets on disk ------------------------------------------------------------------------------


def run_dir() -> Path:
    return vault_dir() / "run"


def _pid_of(path: Path) -> int | None:
    try:
        return int(path.stem.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_sockets() -> list[Path]:
    """The sockets of the other running processes (this one handles itself through ``state``); those
    of dead processes are removed on the way."""
    directory = run_dir()
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.sock")):
        pid = _pid_of(path)
        if pid is None or not _alive(pid):
            path.unlink(missing_ok=True)
            continue
        if pid != os.getpid():
            found.append(path)
    return found


# --- one request, one answer ---------------------------------------------------------------------


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    sock.sendall(json.dumps(message).encode() + b"\n")


def _receive(sock: socket.socket) -> dict[str, Any]:
    buffer = b""
    while not buffer.endswith(b"\n"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        buffer += chunk
        if len(buffer) > MAX_MESSAGE:
            raise ControlError("A control message was too long.")
    try:
        message = json.loads(buffer)
    except ValueError as exc:
        raise ControlError("A control message was not understood.") from exc
    if not isinstance(message, dict):
        raise ControlError("A control message was not understood.")
    return message


def request(path: Path, message: dict[str, Any], timeout: float = TIMEOUT_SECONDS) -> dict[str, Any]:
    """Send ``message`` to the process listening on ``path`` and return its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            # Nobody listens: a process that died without cleaning up (pid reused). Remove its socket.
            path.unlink(missing_ok=True)
            raise ControlError(f"{path.name}: the process is gone.") from None
        # The keys go only to a process of our own user, even inside our 0700 directory.
        if not peer_allowed(peer_uid(sock)):
            raise ControlError(
                f"{path.name} runs as another user; refused. Run this command as Khronika's service user."
            )
        _send(sock, {"protocol": PROTOCOL, **message})
        return _receive(sock)


@dataclass(frozen=True)
class Answer:
    socket: str
    ok: bool
    unsealed: bool
    error: str = ""


def _ask(path: Path, message: dict[str, Any], timeout: float) -> Answer:
    try:
        reply = request(path, message, timeout)
    except (OSError, ControlError) as exc:
        return Answer(path.name, False, False, str(exc))
    return Answer(path.name, bool(reply.get("ok")), bool(reply.get("unsealed")), str(reply.get("error", "")))


def broadcast(message: dict[str, Any], timeout: float = TIMEOUT_SECONDS) -> list[Answer]:
    """Ask every other live process at once (in parallel, so one slow process cannot delay a panic)."""
    paths = live_sockets()
    if not paths:
        return []
    with ThreadPoolExecutor(max_workers=min(16, len(paths))) as pool:
        return list(pool.map(lambda path: _ask(path, message, timeout), paths))


def unseal_all(keys: VaultKeys) -> list[Answer]:
    # A process answers after its unseal callbacks ran (the in-memory search index): allow time for it.
    return broadcast({"op": "unseal", "keys": keys_to_wire(keys)}, timeout=UNSEAL_TIMEOUT_SECONDS)


def seal_all() -> list[Answer]:
    return broadcast({"op": "seal"})


def status_all() -> list[Answer]:
    return broadcast({"op": "status"})


def adopt_keys_from_peer() -> bool:
    """Unseal this process with the keys of an unsealed peer, if there is one. True if it worked."""
    for path in live_sockets():
        try:
            reply = request(path, {"op": "keys"})
        except (OSError, ControlError):
            continue
        if not (reply.get("ok") and reply.get("keys")):
            continue
        try:
            keys = checked_keys(keys_from_wire(reply["keys"]))
        except ControlError as exc:
            logger.warning("%s", exc)
            continue
        state.unseal(keys)
        return True
    return False


# --- the listener ---------------------------------------------------------------------------------


def _status() -> dict[str, Any]:
    return {"ok": True, "unsealed": state.is_unsealed(), "pid": os.getpid()}


def handle(message: dict[str, Any]) -> dict[str, Any]:
    """What a process does with one control message. Unknown messages change nothing."""
    if message.get("protocol") != PROTOCOL:
        return {"ok": False, "error": "unknown protocol version"}
    op = message.get("op")
    if op == "status":
        return _status()
    if op == "seal":
        state.seal()
        return _status()
    if op == "unseal":
        try:
            keys = checked_keys(keys_from_wire(message.get("keys")))
        except ControlError as exc:
            return {"ok": False, "error": str(exc)}
        state.unseal(keys)
        return _status()
    if op == "keys":
        if not state.is_unsealed():
            return {"ok": False, "unsealed": False, "error": "sealed"}
        return {**_status(), "keys": keys_to_wire(state.keys())}
    return {"ok": False, "error": "unknown request"}


class ControlListener:
    """This process's control socket, answered by a daemon thread."""

    def __init__(self, role: str) -> None:
        self.path = run_dir() / f"{role}-{os.getpid()}.sock"
        if len(os.fsencode(self.path)) > _SOCKADDR_MAX:
            raise VaultError(
                f"The vault folder's path is too long for a control socket ({self.path}); "
                "set KHRONIKA_VAULT_DIR to a shorter path."
            )
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        ensure_private_dir(vault_dir())  # mkdir(parents=True) would leave the parent world-readable
        ensure_private_dir(run_dir())
        live_sockets()  # removes the sockets of processes that died without cleaning up
        self.path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)  # created 0600 from the start, not chmod-ed afterwards
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old_umask)
        sock.listen(16)
        sock.settimeout(0.5)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="khronika-vault-control", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._sock is not None:
            self._sock.close()
        self.path.unlink(missing_ok=True)

    def _serve(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            try:
                if not peer_allowed(peer_uid(conn)):
                    logger.warning("Refused a control connection from another user.")
                    return
                reply = handle(_receive(conn))
                _send(conn, reply)
            except Exception as exc:  # a bad request must not end the listener
                logger.warning("A control request failed: %s", type(exc).__name__)


@contextlib.contextmanager
def serving_process(role: str) -> Iterator[ControlListener]:
    """Around a long-running process: harden it, listen for unseal/seal, adopt a peer's keys.

    The socket is removed on a normal exit and on SIGTERM; after a SIGKILL the next process to start
    removes it (its pid is dead).
    """
    from khronika.vault.hardening import harden_process

    for warning in harden_process():
        logger.warning(warning)
    listener = ControlListener(role)
    try:
        listener.start()
    except OSError as exc:
        raise VaultError(f"The control socket {listener.path} cannot be created: {exc.strerror}.") from None
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        if not state.is_unsealed():
            adopt_keys_from_peer()
        yield listener
    finally:
        listener.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)
