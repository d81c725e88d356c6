"""``khronika export`` on a sealed instance: a plain refusal without the vault passphrase, an encrypted
export with it (real subprocesses, their own SQLite file and vault)."""

from __future__ import annotations

import subprocess

from khronika.records.exchange.encryption import read_header_of
from khronika.vault.tests.support import FAST_ARGS, KHRONIKA, PASSPHRASE, child_env, run, short_dir


def test_export_on_a_sealed_instance_needs_the_vault_passphrase() -> None:
    with short_dir("ke") as data_dir:
        env = child_env(data_dir, data_dir / "vault")
        assert run(env, "migrate", "-v0").returncode == 0
        created = run(env, "vault", "init", "--passphrase-fd", "{fd}", *FAST_ARGS, secret=PASSPHRASE)
        assert created.returncode == 0, created.stderr
        out = data_dir / "export.kxe"

        refused = subprocess.run(  # noqa: S603  # our interpreter, fixed arguments
            [*KHRONIKA, "export", str(out)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert refused.returncode != 0
        assert "the vault is sealed" in refused.stderr
        assert "--passphrase-fd" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert not out.exists()

        exported = run(env, "export", str(out), "--passphrase-fd", "{fd}", secret=PASSPHRASE)
        assert exported.returncode == 0, exported.stderr
        assert "encrypted" in exported.stdout
        assert read_header_of(out).mode == "recipient"
