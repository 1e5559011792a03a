"""Issue 16, done when: two console groups. Group A runs pack P 1.0.0, its members respond
with --public, its admin harvests and approves; P 1.1.0 carries A's lessons. Group B installs
1.1.0, checking its checksum and its SSH signature, runs it, and B's admin sees the
facilitator notes, with what group A learned. Both bots are `studybot run` on the console,
scripted as people type; the pack commands are the CLI an admin runs between them."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.packs.model import load_pack
from tests.packs_helpers import make_pack, run, ssh_key
from tests.test_cli import studybot

ROOT = Path(__file__).resolve().parent.parent


def console_config(folder: Path, name: str, curriculum: str) -> Path:
    """A console group `name` on `curriculum`, a session every day (so the next one is always
    less than a day away, and its notes go out when the bot starts)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "readings").mkdir(exist_ok=True)
    path = folder / "config.yaml"
    now = datetime.now(UTC)
    today = now.date().isoformat()
    # the session hour is half a day from now, whenever the test runs: the next session is
    # never due while the bots run, and always within the day its notes are sent ahead of
    hour = (now.hour + 12) % 24
    path.write_text(
        textwrap.dedent(
            f"""\
            storage: data/bot.db
            readings_dir: readings
            platforms:
              console: {{user: admin}}
            groups:
              - id: circle
                name: {name}
                platform: console
                timezone: UTC
                curriculum: {curriculum}
                start: {today}
                cadence: {{cron: "0 {hour} * * *"}}
                respond_for: 20h
                admins: [admin]
            """
        ),
        encoding="utf-8",
    )
    return path


def flat(text: str) -> str:
    """Console output with the panels' line wrapping and borders taken out."""
    for border in "│╭╮╰╯─▌":
        text = text.replace(border, " ")
    return " ".join(text.split())


def test_a_pack_improved_by_one_group_is_installed_verified_and_run_by_another(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the publisher of P 1.0.0, and the key the harvested 1.1.0 is signed with
    source = make_pack(tmp_path / "p-src", title="Pack P")
    assert run("pack", "build", str(source), "--out", str(tmp_path / "p-1.0.0.tar.gz")) == 0
    key, signers = ssh_key(tmp_path, "group-a")

    # group A runs P 1.0.0: two members answer in public, one with the group only
    a = console_config(tmp_path / "a", "Circle A", "pack-p@1.0.0")
    assert run("pack", "install", str(tmp_path / "p-1.0.0.tar.gz"), "--config", str(a)) == 0
    script = (
        "/study join\n/study post-now\n"
        "/study respond 1 --public We met in the library and read aloud; it kept us going.\n"
        "/as bea\n/study join\n"
        "/study respond 1 --public Bring tea. People stay for the second hour.\n"
        "/as cy\n/study join\n/study respond 1 --shared Just for this group.\n"
    )
    ran = studybot("run", "--config", str(a), stdin=script, timeout=120)
    assert ran.returncode == 0, ran.stderr
    said = flat(ran.stdout)
    assert "shared with the group, and beyond it" in said

    # A's admin harvests, and nothing leaves before they approve
    proposal = tmp_path / "p-1.1.0"
    capsys.readouterr()
    assert run("pack", "harvest", "--config", str(a), "--group", "circle", "--out", str(proposal)) == 0  # fmt: skip
    assert "2 lessons shared beyond the group" in flat(capsys.readouterr().out)
    built = tmp_path / "p-1.1.0.tar.gz"
    assert run("pack", "build", str(proposal), "--out", str(built)) == 1 and not built.exists()
    assert run("pack", "approve", str(proposal), "--config", str(a)) == 0
    assert run("pack", "build", str(proposal), "--out", str(built), "--sign-with", str(key)) == 0
    harvested = load_pack(proposal)
    assert harvested.ref == "pack-p@1.1.0"
    assert sorted(x.text for x in harvested.lessons) == [
        "Bring tea. People stay for the second hour.",
        "We met in the library and read aloud; it kept us going.",
    ]
    assert "Just for this group." not in (proposal / "pack.yaml").read_text(encoding="utf-8")
    capsys.readouterr()
    assert run("pack", "diff", str(source), str(proposal)) == 0
    assert "+ lesson on reading-p/opening: Bring tea." in flat(capsys.readouterr().out)

    # group B installs 1.1.0: the checksum and the signature are checked on the way in
    b = console_config(tmp_path / "b", "Circle B", "pack-p@1.1.0")
    tampered = tmp_path / "tampered"
    shutil.copytree(proposal, tampered)
    (tampered / "readings" / "reading-p.yaml").write_text("id: reading-p\n", encoding="utf-8")
    capsys.readouterr()
    assert run("pack", "install", str(tampered), "--config", str(b)) == 1
    assert "nothing installed" in capsys.readouterr().err
    assert run("pack", "install", str(built), "--config", str(b), "--verify-with", str(signers)) == 0  # fmt: skip
    installed = capsys.readouterr().out
    assert "signed by group-a@example.org" in flat(installed)
    assert "every file matches its checksum" in flat(installed)
    check = subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", "group-a@example.org",
         "-n", "studybot-pack", "-s", str(proposal / "MANIFEST.sig")],
        stdin=(proposal / "MANIFEST").open("rb"), capture_output=True, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr

    # group B runs it: its admin gets the facilitator notes, with A's lessons, by DM
    ran = studybot("run", "--config", str(b), stdin="/study join\n/study now\n", timeout=120)
    assert ran.returncode == 0, ran.stderr
    said = flat(ran.stdout)
    assert "Facilitator notes: Circle B, next session" in said
    assert "direct message to admin" in said
    assert "How to open: Ask everyone for one sentence about why they came." in said
    assert "Bring tea. People stay for the second hour." in said  # what group A learned
    assert "From the pack Pack P (pack-p@1.1.0)" in said


def test_a_network_shares_packs_through_a_git_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's workflow: the network's repository holds one folder per pack; a group
    contributes a fork as a branch (its pull request), the maintainers merge it, and any
    group installs from its local clone's path, checksums checked."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Circle A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "Circle A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }

    def git(where: Path, *argv: str) -> None:
        subprocess.run(["git", "-C", str(where), *argv], check=True, env=env, capture_output=True)

    network = tmp_path / "network"
    for name in ("coup-in-bolivia", "first-steps"):
        shutil.copytree(ROOT / "packs" / name, network / name)
    git(network, "init", "-q", "-b", "main")
    git(network, "add", ".")
    git(network, "commit", "-q", "-m", "the shipped packs")
    shared = tmp_path / "network.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(network), str(shared)], check=True, env=env)

    # a group clones it, installs a pack from the clone's path, forks it and proposes the fork
    mine = tmp_path / "clone-a"
    subprocess.run(["git", "clone", "-q", str(shared), str(mine)], check=True, env=env)
    store = tmp_path / "store-a"
    assert run("pack", "install", str(mine / "first-steps"), "--packs", str(store)) == 0
    fork = mine / "first-steps-el-alto"
    assert run("pack", "fork", "first-steps", "--as", "first-steps-el-alto", "--out", str(fork),
               "--packs", str(store)) == 0  # fmt: skip
    assert run("pack", "build", str(fork), "--out", str(tmp_path / "fork.tar.gz")) == 0  # MANIFEST
    git(mine, "checkout", "-q", "-b", "el-alto")
    git(mine, "add", ".")
    git(mine, "commit", "-q", "-m", "first-steps-el-alto 1.1.0, forked from first-steps 1.0.0")
    git(mine, "push", "-q", "origin", "el-alto")  # the pull request's branch
    # the maintainers merge it (a fast-forward here)
    git(shared, "update-ref", "refs/heads/main", "refs/heads/el-alto")

    # another group pulls the network's main and installs the fork from its clone's path
    theirs = tmp_path / "clone-b"
    subprocess.run(["git", "clone", "-q", str(shared), str(theirs)], check=True, env=env)
    capsys.readouterr()
    assert run("pack", "install", str(theirs / "first-steps-el-alto"), "--packs", str(tmp_path / "store-b")) == 0  # fmt: skip
    said = flat(capsys.readouterr().out)
    assert "Installed first-steps-el-alto@1.1.0" in said and "every file matches" in said
    assert load_pack(tmp_path / "store-b" / "first-steps-el-alto" / "1.1.0").forked_from is not None
    # a changed file in the clone is caught by the MANIFEST the repository carries
    reading = theirs / "first-steps" / "readings" / "first-steps.yaml"
    reading.write_text(reading.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert run("pack", "install", str(theirs / "first-steps"), "--packs", str(tmp_path / "store-c")) == 1  # fmt: skip
    assert "nothing installed" in capsys.readouterr().err
    assert not (tmp_path / "store-c" / "first-steps").exists()


def test_a_minimal_group_harvest_credits_nobody(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`privacy: minimal` stores the platform id for a name: a lesson harvested from it carries
    no credit, even from a member who answered with her name in a group that is not anonymous."""
    source = make_pack(tmp_path / "p-src", title="Pack P")
    assert run("pack", "build", str(source), "--out", str(tmp_path / "p-1.0.0.tar.gz")) == 0
    config = console_config(tmp_path / "a", "Circle A", "pack-p@1.0.0")
    text = config.read_text(encoding="utf-8") + "    privacy: minimal\n    anonymous: false\n"
    config.write_text(text, encoding="utf-8")
    assert run("pack", "install", str(tmp_path / "p-1.0.0.tar.gz"), "--config", str(config)) == 0
    script = "/study post-now\n/as bea\n/study join\n/study respond 1 --public Bring tea.\n"
    ran = studybot("run", "--config", str(config), stdin=script, timeout=120)
    assert ran.returncode == 0, ran.stderr
    proposal = tmp_path / "p-1.1.0"
    capsys.readouterr()
    assert run("pack", "harvest", "--config", str(config), "--group", "circle", "--out", str(proposal), "--lang", "es") == 0  # fmt: skip
    [lesson] = load_pack(proposal).lessons
    assert lesson.text == "Bring tea." and lesson.credit is None
    # the admin's commands in Spanish, one lesson said in the singular
    target = proposal.resolve()
    said = flat(capsys.readouterr().out)
    assert said.startswith(
        f"Se propone pack-p@1.1.0 en {target}: 1 lección compartida fuera del grupo, "
    )
    assert said.endswith(f"(mira {target / 'HARVEST.md'}). Edítalo y luego `studybot pack approve {target}`.")  # fmt: skip
    # the report the admin reads before approving is in their language too
    report = (proposal / "HARVEST.md").read_text(encoding="utf-8")
    assert report.startswith("# Cosecha: pack-p 1.1.0, propuesta desde Circle A\n"), report
    assert "Agrega 1 lección:" in flat(report) and "## Preguntas que nadie respondió" in report
    assert run("pack", "approve", str(proposal), "--config", str(config), "--lang", "es") == 0
    assert flat(capsys.readouterr().out).startswith(
        "Aprobaste pack-p@1.1.0 con 1 lección; MANIFEST sha256 "
    )
    assert run("pack", "approve", str(proposal), "--config", str(config), "--lang", "es") == 1
    assert flat(capsys.readouterr().err) == (
        f"{proposal} no es una cosecha que espere aprobación (no tiene HARVEST.md); haz una con "
        "`studybot pack harvest`."
    )
    # and in the pseudo-locale every sentence is the catalog's
    argv = ["--config", str(config), "--lang", "en_XA"]
    assert run("pack", "approve", str(proposal), *argv) == 1
    assert run("pack", "harvest", "--group", "circle", "--out", str(proposal), *argv) == 1
    assert run("pack", "harvest", "--group", "nobody", "--out", str(proposal), *argv) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("⟦") and line.rstrip(".").endswith("⟧") for line in lines), lines


def test_a_group_on_plain_readings_harvests_a_first_pack_another_group_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A group that never ran a pack passes its course on: `pack harvest` proposes a first
    pack of its readings (the files a reading names come along), with the members' public
    answers as lessons; it cannot be approved without a licence; once it has one, it builds,
    installs and runs in a second group."""
    fixtures = ROOT / "tests" / "fixtures" / "readings" / "three-parts.yaml"
    config = console_config(tmp_path / "a", "Circle A", "unused@1.0.0")
    text = config.read_text(encoding="utf-8").replace(
        "curriculum: unused@1.0.0", "reading: three-parts"
    )
    config.write_text(text, encoding="utf-8")
    readings = tmp_path / "a" / "readings"
    reading = fixtures.read_text(encoding="utf-8").replace(
        "    body: The third part ends the reading.", "    file: texts/three.md"
    )
    (readings / "three-parts.yaml").write_text(reading, encoding="utf-8")
    (readings / "texts").mkdir()
    (readings / "texts" / "three.md").write_text("The third part ends the reading.\n", "utf-8")
    script = "/study post-now\n/as bea\n/study join\n/study respond 1 --public Meet weekly.\n"
    ran = studybot("run", "--config", str(config), stdin=script, timeout=120)
    assert ran.returncode == 0, ran.stderr
    proposal = tmp_path / "first"
    capsys.readouterr()
    harvest = ("pack", "harvest", "--config", str(config), "--group", "circle")
    assert run(*harvest, "--out", str(proposal)) == 0
    said = flat(capsys.readouterr().out)
    assert said.startswith(f"Proposed circle@1.0.0 in {proposal.resolve()}: 1 lesson"), said
    pack = load_pack(proposal)
    assert (pack.id, str(pack.version), pack.title) == ("circle", "1.0.0", "Three Parts")
    assert [lesson.text for lesson in pack.lessons] == ["Meet weekly."]
    assert (proposal / "texts" / "three.md").is_file()  # the file a section names came along
    report = (proposal / "HARVEST.md").read_text(encoding="utf-8")
    assert report.startswith("# Harvest: a first pack, circle 1.0.0, proposed from Circle A")
    assert "It has no licence yet" in flat(report)
    # no licence, no approval: the admin chooses the terms
    assert run("pack", "approve", str(proposal), "--config", str(config)) == 1
    assert "the pack has no `license:`" in flat(capsys.readouterr().err)
    manifest = proposal / "pack.yaml"
    text = manifest.read_text(encoding="utf-8").replace(
        "summary:", "license: CC-BY-SA-4.0\nsummary:"
    )
    manifest.write_text(text, encoding="utf-8")
    assert run("pack", "approve", str(proposal), "--config", str(config)) == 0
    built = tmp_path / "circle-1.0.0.tar.gz"
    assert run("pack", "build", str(proposal), "--out", str(built)) == 0
    other = console_config(tmp_path / "b", "Circle B", "circle@1.0.0")
    assert run("pack", "install", str(built), "--config", str(other)) == 0
    checked = studybot("check", str(other))
    assert checked.returncode == 0, checked.stderr
    ran = studybot("run", "--config", str(other), stdin="/study post-now\n", timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert "The first part says that groups keep going" in flat(ran.stdout)
