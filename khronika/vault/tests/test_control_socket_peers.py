"""The control socket talks only to processes of our own user; anyone else changes nothing.

Threat: another local account (a compromised service, a shell user) asking a web process for its keys,
or sealing or unsealing it. The folder is 0700 as well; this is the second lock.
"""

from __future__ import annotations

import json
import os
import socket
import stat

import pytest

from khronika.vault import control, state
from khronika.vault.crypto import create_vault
from khronika.vault.tests.support import FAST, preserved_state, short_dir


@pytest.fixture
def listener(settings):
    with short_dir("kv") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        state.unseal(create_vault("a synthetic passphrase", kdf_cost=FAST).keys)
        listening = control.ControlListener("test")
        listening.start()
        yield listening
        listening.stop()


def test_only_our_own_uid_is_allowed():
    assert control.peer_allowed(os.geteuid())
    assert not control.peer_allowed(os.geteuid() + 1)
    assert not control.peer_allowed(None)  # the kernel could not tell: refused


def test_the_socket_and_its_folder_are_private(listener):
    assert stat.S_IMODE(listener.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(listener.path.parent.stat().st_mode) == 0o700


def test_a_process_of_our_uid_gets_an_answer(listener):
    reply = control.request(listener.path, {"op": "status"})
    assert reply["ok"] and reply["unsealed"]


@pytest.mark.parametrize("op", ["keys", "seal"])
def test_a_peer_of_another_uid_gets_nothing_and_changes_nothing(listener, monkeypatch, op):
    monkeypatch.setattr(control, "peer_uid", lambda sock: os.geteuid() + 1)  # as the listener sees us
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(listener.path))
        sock.sendall(json.dumps({"protocol": control.PROTOCOL, "op": op}).encode() + b"\n")
        try:
            answer = sock.recv(4096)
        except ConnectionResetError:  # closed with our request unread
            answer = b""
        assert answer == b""  # no answer
    assert state.is_unsealed()


def test_a_client_refuses_to_send_keys_to_a_socket_of_another_uid(listener, monkeypatch):
    monkeypatch.setattr(control, "peer_uid", lambda sock: os.geteuid() + 1)
    with pytest.raises(control.ControlError, match="runs as another user"):
        control.request(listener.path, {"op": "unseal", "keys": {}})


def test_a_sealed_process_gives_no_keys(listener):
    state.seal()
    reply = control.request(listener.path, {"op": "keys"})
    assert not reply["ok"] and "keys" not in reply


def test_keys_survive_the_wire_unchanged():
    keys = create_vault("a synthetic passphrase", kdf_cost=FAST).keys
    assert control.keys_from_wire(control.keys_to_wire(keys)) == keys


def test_sockets_of_dead_processes_are_removed(listener):
    dead = listener.path.parent / "serve-999999999.sock"
    dead.touch()
    assert control.live_sockets() == []
    assert not dead.exists()
    assert listener.path.exists()  # our own socket stays


def test_an_unknown_request_changes_nothing(listener):
    reply = control.request(listener.path, {"op": "format-disk"})
    assert reply == {"ok": False, "error": "unknown request"}
    assert state.is_unsealed()
