"""A real ``khronika serve`` starts sealed, ``khronika unseal`` opens it, ``khronika panic`` seals it
again within one second; with two servers, both are unsealed and both sealed."""

from __future__ import annotations

import subprocess
import time

import pytest

from khronika.vault.tests.support import FAST_ARGS, KHRONIKA, PASSPHRASE, Server, child_env, run, short_dir


@pytest.fixture(scope="module")
def data_dir():
    with short_dir("kd") as path:
        env = child_env(path, path / "vault")
        migrated = run(env, "migrate", "-v0")
        assert migrated.returncode == 0, migrated.stderr
        yield path


@pytest.fixture
def env(data_dir):
    with short_dir("kv") as vault_dir:
        env = child_env(data_dir, vault_dir)
        created = run(env, "vault", "init", "--passphrase-fd", "{fd}", *FAST_ARGS, secret=PASSPHRASE)
        assert created.returncode == 0, created.stderr
        yield env


@pytest.fixture
def servers(env):
    started: list[Server] = []
    yield lambda: started.append(Server(env)) or started[-1]
    for server in started:
        server.stop()


def unseal(env):
    return run(env, "unseal", "--passphrase-fd", "{fd}", secret=PASSPHRASE)


def test_a_server_starts_sealed_unseals_and_panics_within_a_second(env, servers):
    server = servers()
    assert server.status() == 503
    assert "This Khronika is sealed" in server.body()
    assert "khronika unseal" in server.body()
    assert server.status("/static/khronika/khronika.css") == 200

    result = unseal(env)
    assert result.returncode == 0, result.stderr
    assert "Unsealed 1 of 1 running processes." in result.stdout
    assert server.status() == 302  # to the login page: the application works again

    started = time.monotonic()
    panic = subprocess.Popen([*KHRONIKA, "panic"], env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
    while server.status() != 503 and time.monotonic() - started < 5:
        time.sleep(0.01)
    took = time.monotonic() - started  # includes starting the `khronika panic` command itself
    output, _ = panic.communicate(timeout=10)
    assert panic.returncode == 0
    assert "Sealed 1 of 1 running processes." in output
    print(f"sealed {took:.2f} s after starting `khronika panic`")
    assert took < 1.0, f"sealing took {took:.2f} s"


def test_two_servers_are_both_unsealed_and_both_sealed(env, servers):
    first, second = servers(), servers()
    assert unseal(env).stdout.strip().endswith("Unsealed 2 of 2 running processes.")
    assert (first.status(), second.status()) == (302, 302)
    sealed = run(env, "seal")
    assert "Sealed 2 of 2 running processes." in sealed.stdout
    assert (first.status(), second.status()) == (503, 503)


def test_a_server_started_later_takes_the_keys_from_a_running_one(env, servers):
    first = servers()
    assert unseal(env).returncode == 0
    later = servers()  # e.g. a web worker restarted by the service manager: no human needed
    assert later.status() == 302
    first.stop()
    assert not first.socket.exists()  # SIGTERM: the process removed its socket on the way out
    assert later.status() == 302


def test_a_wrong_passphrase_leaves_the_server_sealed(env, servers):
    server = servers()
    result = run(env, "unseal", "--passphrase-fd", "{fd}", secret="не тот пароль совсем")
    assert result.returncode != 0
    assert "This passphrase does not open the vault" in result.stderr
    assert server.status() == 503
