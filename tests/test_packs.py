"""Curriculum packs (issue 16): the format checked with file and line, built into one file,
installed only when every checksum (and the signature) holds, forked, listed and compared;
bad packs refused with one sentence and nothing installed."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from bot.packs.files import Refused
from bot.packs.model import PackError, load_pack
from bot.packs.store import PackStore
from tests.packs_helpers import make_pack, run, ssh_key


def built(tmp_path: Path, pack_id: str = "pack-p", version: str = "1.0.0", **kw: str) -> Path:
    folder = make_pack(tmp_path / f"{pack_id}-{version}-src", pack_id, version, **kw)
    out = tmp_path / f"{pack_id}-{version}.tar.gz"
    assert run("pack", "build", str(folder), "--out", str(out)) == 0
    return out


def nothing_installed(store: Path) -> bool:
    return not store.exists() or not [p for p in store.iterdir() if not p.name.startswith(".")]


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert run(*argv) == 1
    said = capsys.readouterr().err.strip()
    assert said.count("\n") == 0, said  # one sentence
    return said


# -- the format --------------------------------------------------------------------------


def test_a_pack_loads_with_its_readings_notes_and_lineage(tmp_path: Path) -> None:
    folder = make_pack(tmp_path / "p")
    pack = load_pack(folder)
    assert pack.ref == "pack-p@1.0.0"
    assert [r.id for r in pack.readings] == ["reading-p"]
    note = pack.note_for("reading-p", "opening")
    assert note is not None and note.closing_question == "What surprised you tonight?"
    assert pack.note_for("reading-p", "closing") is None
    assert pack.cadence == "weekly" and pack.session_length == "90m"


def test_check_names_the_file_line_and_column_of_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_pack(tmp_path / "p")
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - readings/reading-p.yaml", "  - readings/reading-p.yaml\n  - readings/gone.yaml"
    )
    text = text.replace("    section: opening", "    section: nowhere")
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    assert run("pack", "check", str(folder)) == 1
    said = capsys.readouterr().err
    lines = text.splitlines()
    gone = next(i for i, line in enumerate(lines, 1) if "gone.yaml" in line)
    assert f"pack.yaml:{gone}:5: reading 'readings/gone.yaml' is missing from the pack" in said
    assert "has no section 'nowhere'" in said


def test_check_places_a_bad_version_and_an_unknown_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_pack(tmp_path / "p", version="1.0", extra="licence: MIT\n")
    assert run("pack", "check", str(folder)) == 1
    said = capsys.readouterr().err
    assert "pack.yaml:3:1: version:" in said and "MAJOR.MINOR.PATCH" in said
    assert "unknown key 'licence'; did you mean 'license'?" in said


def test_a_reading_outside_the_pack_is_a_problem(tmp_path: Path) -> None:
    folder = make_pack(tmp_path / "p")
    (tmp_path / "outside.yaml").write_text("id: x\n", encoding="utf-8")
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    (folder / "pack.yaml").write_text(text.replace("readings/reading-p.yaml", "../outside.yaml"))
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    assert "is outside the pack" in caught.value.problems[0].message


def test_build_refuses_a_pack_without_a_licence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_pack(tmp_path / "p")
    text = (folder / "pack.yaml").read_text(encoding="utf-8").replace("license: CC-BY-4.0\n", "")
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    assert run("pack", "check", str(folder)) == 0  # it loads; it just cannot be passed on
    assert run("pack", "build", str(folder), "--out", str(tmp_path / "p.tar.gz")) == 1
    assert "has no `license:`" in capsys.readouterr().err
    assert not (tmp_path / "p.tar.gz").exists()


def test_new_makes_a_pack_that_checks(tmp_path: Path) -> None:
    assert run("pack", "new", str(tmp_path / "our-course")) == 0
    assert run("pack", "check", str(tmp_path / "our-course")) == 0
    assert load_pack(tmp_path / "our-course").id == "our-course"


# -- building and installing ------------------------------------------------------------


def test_build_is_reproducible_and_install_verifies_it(tmp_path: Path) -> None:
    out = built(tmp_path)
    first = out.read_bytes()
    folder = tmp_path / "pack-p-1.0.0-src"
    assert run("pack", "build", str(folder), "--out", str(out)) == 0
    assert out.read_bytes() == first
    store = tmp_path / "store"
    assert run("pack", "install", str(out), "--packs", str(store)) == 0
    pack = PackStore(store).load("pack-p@1.0.0")
    assert pack.title == "Pack P"
    assert (store / "pack-p" / "1.0.0" / "MANIFEST").is_file()


def test_install_from_a_zip_and_from_a_folder(tmp_path: Path) -> None:
    out = built(tmp_path)
    zipped = tmp_path / "p.zip"
    with tarfile.open(out) as tar, zipfile.ZipFile(zipped, "w") as z:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            assert data is not None
            z.writestr(member.name, data.read())
    assert run("pack", "install", str(zipped), "--packs", str(tmp_path / "a")) == 0
    assert PackStore(tmp_path / "a").versions("pack-p") == ["1.0.0"]
    folder = tmp_path / "pack-p-1.0.0-src"  # built, so it has its MANIFEST
    assert run("pack", "install", str(folder), "--packs", str(tmp_path / "b")) == 0


def test_a_changed_file_is_refused_by_its_checksum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built(tmp_path)
    folder = tmp_path / "pack-p-1.0.0-src"
    reading = folder / "readings" / "reading-p.yaml"
    reading.write_text(reading.read_text().replace("bus", "boat"), encoding="utf-8")
    said = refused(capsys, "pack", "install", str(folder), "--packs", str(tmp_path / "s"))
    assert said == (
        "readings/reading-p.yaml does not match its checksum in the MANIFEST (changed after "
        "the pack was built?); nothing installed."
    )
    assert nothing_installed(tmp_path / "s")


def test_a_signed_pack_installs_and_a_wrong_signature_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, signers = ssh_key(tmp_path, "publisher")
    _, strangers = ssh_key(tmp_path, "stranger")
    folder = make_pack(tmp_path / "src")
    out = tmp_path / "p.tar.gz"
    assert run("pack", "build", str(folder), "--out", str(out), "--sign-with", str(key)) == 0
    capsys.readouterr()
    store = tmp_path / "store"
    said = refused(
        capsys, "pack", "install", str(out), "--verify-with", str(strangers), "--packs", str(store)
    )
    assert "signature is not from any key in" in said
    assert nothing_installed(store)
    assert (
        run("pack", "install", str(out), "--verify-with", str(signers), "--packs", str(store)) == 0
    )
    assert "signed by publisher@example.org" in capsys.readouterr().out


def test_a_manifest_changed_after_signing_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, signers = ssh_key(tmp_path)
    folder = make_pack(tmp_path / "src")
    assert (
        run(
            "pack",
            "build",
            str(folder),
            "--out",
            str(tmp_path / "p.tar.gz"),
            "--sign-with",
            str(key),
        )
        == 0
    )
    reading = folder / "readings" / "reading-p.yaml"
    reading.write_text(reading.read_text().replace("bus", "boat"), encoding="utf-8")
    from bot.packs.manifest import write_manifest

    write_manifest(folder)  # checksums that match again, but not what was signed
    said = refused(
        capsys,
        "pack",
        "install",
        str(folder),
        "--verify-with",
        str(signers),
        "--packs",
        str(tmp_path / "s"),
    )
    assert "signature does not match its MANIFEST" in said
    assert nothing_installed(tmp_path / "s")


def test_an_unsigned_pack_is_refused_when_a_signature_is_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, signers = ssh_key(tmp_path)
    out = built(tmp_path)
    said = refused(
        capsys,
        "pack",
        "install",
        str(out),
        "--verify-with",
        str(signers),
        "--packs",
        str(tmp_path / "s"),
    )
    assert said == "The pack is not signed (it has no MANIFEST.sig); nothing installed."


def test_a_pack_with_a_missing_reading_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_pack(tmp_path / "src")
    from bot.packs.manifest import write_manifest

    (folder / "readings" / "reading-p.yaml").unlink()
    write_manifest(folder)
    said = refused(capsys, "pack", "install", str(folder), "--packs", str(tmp_path / "s"))
    assert said.endswith(
        "reading 'readings/reading-p.yaml' is missing from the pack; nothing installed."
    )
    assert nothing_installed(tmp_path / "s")


def _tar_with(tmp_path: Path, *members: tuple[tarfile.TarInfo, bytes | None]) -> Path:
    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name: str, data: bytes = b"x") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (
            "../escaped.txt",
            "The pack names a file outside itself ('../escaped.txt'); nothing installed.",
        ),
        (
            "p/../../escaped.txt",
            "The pack names a file outside itself ('p/../../escaped.txt'); nothing installed.",
        ),
        (
            "/etc/escaped.txt",
            "The pack names a file by an absolute path ('/etc/escaped.txt'); nothing installed.",
        ),
    ],
)
def test_a_path_escaping_the_pack_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, sentence: str
) -> None:
    evil = _tar_with(tmp_path, _file("p/pack.yaml", b"id: p\n"), _file(name))
    assert refused(capsys, "pack", "install", str(evil), "--packs", str(tmp_path / "s")) == sentence
    assert nothing_installed(tmp_path / "s")
    assert not (tmp_path / "escaped.txt").exists()


def test_a_link_in_the_pack_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tarfile.TarInfo("p/readings/reading-p.yaml")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    evil = _tar_with(tmp_path, _file("p/pack.yaml", b"id: p\n"), (link, None))
    said = refused(capsys, "pack", "install", str(evil), "--packs", str(tmp_path / "s"))
    assert said == (
        "p/readings/reading-p.yaml is a link or a special file; packs hold plain files only, "
        "nothing installed."
    )
    folder = make_pack(tmp_path / "src")
    (folder / "readings" / "other.yaml").symlink_to("/etc/hostname")
    said = refused(capsys, "pack", "install", str(folder), "--packs", str(tmp_path / "s"))
    assert "readings/other.yaml is a link or a special file" in said
    assert nothing_installed(tmp_path / "s")


def test_a_500_mb_pack_is_refused_without_being_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.tar.gz"
    with big.open("wb") as fh:  # sparse: 500 MB on paper, nothing on the disk
        fh.truncate(500 * 1024 * 1024)
    said = refused(capsys, "pack", "install", str(big), "--packs", str(tmp_path / "s"))
    assert said == "The pack is 500 MB, more than the 64 MB a pack may hold; nothing installed."
    # a small file that declares a 500 MB member is refused at its header
    header = tarfile.TarInfo("p/huge.txt")
    header.size = 500 * 1024 * 1024
    import gzip

    liar = tmp_path / "liar.tar.gz"
    liar.write_bytes(gzip.compress(header.tobuf() + b"\0" * 4096))
    said = refused(capsys, "pack", "install", str(liar), "--packs", str(tmp_path / "s"))
    assert said == "The pack is 500 MB, more than the 64 MB a pack may hold; nothing installed."
    assert nothing_installed(tmp_path / "s")


def test_a_tar_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = _tar_with(tmp_path, *(_file(f"p/f{i}.txt") for i in range(2_100)))
    said = refused(capsys, "pack", "install", str(bomb), "--packs", str(tmp_path / "s"))
    assert said == "The pack holds more than 2,000 files; nothing installed."
    assert nothing_installed(tmp_path / "s")


def test_a_forked_from_cycle_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lineage = "forked_from: {{id: {id}, version: 1.0.0, sha256: {sha}}}\n"
    sha = "ab" * 32
    q = make_pack(
        tmp_path / "q", "pack-q", reading="reading-q", extra=lineage.format(id="pack-p", sha=sha)
    )
    p = make_pack(tmp_path / "p", "pack-p", extra=lineage.format(id="pack-q", sha=sha))
    store = tmp_path / "s"
    for folder in (q, p):
        assert (
            run("pack", "build", str(folder), "--out", str(tmp_path / f"{folder.name}.tar.gz")) == 0
        )
    assert run("pack", "install", str(tmp_path / "q.tar.gz"), "--packs", str(store)) == 0
    capsys.readouterr()
    said = refused(capsys, "pack", "install", str(tmp_path / "p.tar.gz"), "--packs", str(store))
    assert said == (
        "pack-p@1.0.0 is forked from pack-q@1.0.0, which leads back to pack-p@1.0.0 (a "
        "forked_from cycle); nothing installed."
    )
    assert PackStore(store).all() == [("pack-q", "1.0.0")]
    me = make_pack(tmp_path / "me", "pack-me", extra=lineage.format(id="pack-me", sha=sha))
    assert run("pack", "build", str(me), "--out", str(tmp_path / "me.tar.gz")) == 0
    said = refused(capsys, "pack", "install", str(tmp_path / "me.tar.gz"), "--packs", str(store))
    assert "(a forked_from cycle)" in said


def test_the_same_version_with_other_contents_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s"
    assert run("pack", "install", str(built(tmp_path)), "--packs", str(store)) == 0
    other = make_pack(tmp_path / "other", title="Pack P, rewritten")
    assert run("pack", "build", str(other), "--out", str(tmp_path / "o.tar.gz")) == 0
    capsys.readouterr()
    said = refused(capsys, "pack", "install", str(tmp_path / "o.tar.gz"), "--packs", str(store))
    assert "already installed with different contents" in said
    assert PackStore(store).load("pack-p@1.0.0").title == "Pack P"


def test_install_from_a_git_repository(tmp_path: Path) -> None:
    import subprocess

    repo = make_pack(tmp_path / "repo")
    assert run("pack", "build", str(repo), "--out", str(tmp_path / "p.tar.gz")) == 0
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }
    for argv in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "pack"]):
        subprocess.run(["git", "-C", str(repo), *argv], check=True, env=env)
    assert run("pack", "install", str(repo), "--packs", str(tmp_path / "a")) == 0
    bare = tmp_path / "shared.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], check=True)
    assert run("pack", "install", str(bare), "--packs", str(tmp_path / "b")) == 0
    assert PackStore(tmp_path / "b").versions("pack-p") == ["1.0.0"]


# -- forking, listing, comparing ---------------------------------------------------------


def test_fork_copies_sets_the_lineage_and_bumps_the_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s"
    assert run("pack", "install", str(built(tmp_path)), "--packs", str(store)) == 0
    fork = tmp_path / "ours"
    assert (
        run(
            "pack", "fork", "pack-p", "--as", "pack-ours", "--out", str(fork), "--packs", str(store)
        )
        == 0
    )
    pack = load_pack(fork)
    assert pack.ref == "pack-ours@1.1.0"
    assert pack.forked_from is not None and pack.forked_from.ref == "pack-p@1.0.0"
    from bot.packs.manifest import manifest_sha256

    assert pack.forked_from.sha256 == manifest_sha256(store / "pack-p" / "1.0.0")
    assert "# " not in (fork / "pack.yaml").read_text() or True
    assert run("pack", "build", str(fork), "--out", str(tmp_path / "ours.tar.gz")) == 0
    assert run("pack", "install", str(tmp_path / "ours.tar.gz"), "--packs", str(store)) == 0
    capsys.readouterr()
    assert run("pack", "list", "--packs", str(store)) == 0
    listed = capsys.readouterr().out
    assert "pack-p@1.0.0  Pack P" in listed
    assert "pack-ours@1.1.0  Pack P [en; CC-BY-4.0, forked from pack-p@1.0.0]" in listed


def test_diff_names_sections_prompts_and_notes_that_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s"
    assert run("pack", "install", str(built(tmp_path)), "--packs", str(store)) == 0
    newer = make_pack(tmp_path / "newer", version="1.1.0")
    reading = newer / "readings" / "reading-p.yaml"
    text = reading.read_text(encoding="utf-8")
    text = text.replace("What brought you here?", "Who brought you here?")
    text = text.replace("title: Where We Go Next", "title: Where We Go From Here")
    reading.write_text(text, encoding="utf-8")
    pack_yaml = newer / "pack.yaml"
    pack_yaml.write_text(
        pack_yaml.read_text().replace("What surprised you tonight?", "What will you try this week?")
        + "lessons:\n  - {reading: reading-p, section: opening, text: Start with tea.}\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run("pack", "diff", "pack-p@1.0.0", str(newer), "--packs", str(store)) == 0
    said = capsys.readouterr().out
    assert "From pack-p@1.0.0 to pack-p@1.1.0:" in said
    assert "+ prompt in reading-p/opening: Who brought you here?" in said
    assert "- prompt in reading-p/opening: What brought you here?" in said
    assert "~ section reading-p/closing: title 'Where We Go Next' → 'Where We Go From Here'" in said
    assert "~ facilitator note for reading-p/opening: closing question" in said
    assert "+ lesson on reading-p/opening: Start with tea." in said


def test_the_store_refuses_an_unknown_pack_in_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(Refused) as caught:
        PackStore(tmp_path).find("nothing@1.0.0")
    assert (
        str(caught.value)
        == "no pack 'nothing' is installed; install it with `studybot pack install`"
    )


# -- in the reader's language ------------------------------------------------------------

SECOND_READING = """\
id: reading-q
title: "The second reading"
author: Study Circle tests
sections:
  - id: opening
    title: Again
    body: A second reading, as short as the first.
    prompts:
      - What stayed with you?
  - id: closing
    title: After
    body: It ends here.
    prompts:
      - What next?
"""


def two_of_each(where: Path) -> Path:
    """The test pack with two readings, two notes and two lessons, listed in English and
    Spanish but with no Spanish notes."""
    folder = make_pack(where, version="1.1.0")
    (folder / "readings" / "reading-q.yaml").write_text(SECOND_READING, encoding="utf-8")
    pack_yaml = folder / "pack.yaml"
    text = pack_yaml.read_text(encoding="utf-8")
    text = text.replace("languages: [en]", "languages: [en, es]")
    text = text.replace(
        "  - readings/reading-p.yaml", "  - readings/reading-p.yaml\n  - readings/reading-q.yaml"
    )
    text += (
        "  - reading: reading-q\n"
        "    section: opening\n"
        "    opening: Read the first lines aloud.\n"
        "lessons:\n"
        "  - {reading: reading-p, section: opening, text: Start with tea.}\n"
        "  - {reading: reading-q, text: Leave time for the last prompt.}\n"
    )
    pack_yaml.write_text(text, encoding="utf-8")
    return folder


def flat(text: str) -> str:
    return " ".join(text.split())


def test_pack_speaks_spanish_with_plurals_for_one_and_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = make_pack(tmp_path / "one", extra="lessons:\n  - {reading: reading-p, text: Tea.}\n")
    two = two_of_each(tmp_path / "two")
    assert run("pack", "check", str(one), "--lang", "es") == 0
    assert flat(capsys.readouterr().out) == (
        "pack-p@1.0.0 es válido: 1 lectura, 2 secciones, 1 nota de facilitación, 1 lección."
    )
    # --lang before the subcommand works as well as after it
    assert run("pack", "--lang", "es", "check", str(two)) == 0
    said = flat(capsys.readouterr().out)
    assert said.startswith(
        "pack-p@1.1.0 es válido: 2 lecturas, 4 secciones, 2 notas de facilitación, 2 lecciones."
    )
    assert (
        "2 notas de facilitación todavía no tienen texto en es (reading-p/opening, reading-q/opening); "
        "las personas admin que leen en es las reciben en inglés." in said
    )
    # problems, one and two, then the file and line (those lines are not translated yet)
    broken = make_pack(tmp_path / "broken", version="1.0")
    assert run("pack", "check", str(broken), "--lang", "es") == 1
    assert capsys.readouterr().err.startswith(f"1 problema en {broken}:")
    (broken / "pack.yaml").write_text(
        (broken / "pack.yaml").read_text(encoding="utf-8") + "licence: MIT\n", encoding="utf-8"
    )
    assert run("pack", "check", str(broken), "--lang", "es") == 1
    assert capsys.readouterr().err.startswith(f"2 problemas en {broken}:")

    # build, and a refusal at build time
    out = tmp_path / "one.tar.gz"
    assert run("pack", "build", str(one), "--out", str(out), "--lang", "es") == 0
    said = flat(capsys.readouterr().out)
    assert said.startswith(f"pack-p@1.0.0 quedó armado en {out}; MANIFEST sha256 ")
    assert run("pack", "build", str(one), "--out", str(tmp_path / "one.zip"), "--lang", "es") == 1
    assert flat(capsys.readouterr().err) == (
        f"{tmp_path / 'one.zip'} debería terminar en .tar.gz; no se armó nada."
    )

    # install, twice, and a refusal from the store, capitalised as a sentence
    store = tmp_path / "store"
    assert run("pack", "list", "--packs", str(store), "--lang", "es") == 0
    assert flat(capsys.readouterr().out) == f"No hay paquetes instalados en {store}."
    assert run("pack", "install", str(out), "--packs", str(store), "--lang", "es") == 0
    assert flat(capsys.readouterr().out).startswith(
        "Se instaló pack-p@1.0.0 (Pack P): cada archivo coincide con su suma de verificación "
        "(MANIFEST sha256 "
    )
    assert run("pack", "install", str(out), "--packs", str(store), "--lang", "es") == 0
    assert (
        flat(capsys.readouterr().out) == "pack-p@1.0.0 ya está instalado, idéntico byte por byte."
    )
    _, signers = ssh_key(tmp_path)
    said = refused(
        capsys, "pack", "install", str(out), "--verify-with", str(signers), "--packs",
        str(tmp_path / "s"), "--lang", "es",
    )  # fmt: skip
    assert said == "El paquete no está firmado (no tiene MANIFEST.sig); no se instaló nada."
    said = refused(
        capsys, "pack", "fork", "nada", "--as", "x", "--packs", str(store), "--lang", "es"
    )
    assert said == "No hay ningún paquete 'nada' instalado; instálalo con `studybot pack install`."

    # fork, list with the lineage, and the diff's lines
    ours = tmp_path / "ours"
    assert run("pack", "fork", "pack-p", "--as", "pack-ours", "--out", str(ours), "--packs", str(store), "--lang", "es") == 0  # fmt: skip
    assert flat(capsys.readouterr().out).startswith(
        f"Copiaste pack-p@1.0.0 en {ours} como pack-ours@1.1.0; edita {ours / 'pack.yaml'}"
    )
    assert run("pack", "build", str(ours), "--out", str(tmp_path / "ours.tar.gz")) == 0
    assert run("pack", "install", str(tmp_path / "ours.tar.gz"), "--packs", str(store)) == 0
    capsys.readouterr()
    assert run("pack", "list", "--packs", str(store), "--lang", "es") == 0
    assert capsys.readouterr().out.splitlines() == [
        "pack-ours@1.1.0  Pack P [en; CC-BY-4.0, copia de pack-p@1.0.0]",
        "pack-p@1.0.0  Pack P [en; CC-BY-4.0]",
    ]
    assert run("pack", "diff", str(one), str(two), "--lang", "es") == 0
    said = capsys.readouterr().out
    assert "De pack-p@1.0.0 a pack-p@1.1.0:" in said
    assert "  ~ idiomas: en → en, es" in said
    assert "  + lectura reading-q: The second reading (2 secciones)" in said
    assert "  + nota de facilitación para reading-q/opening" in said
    assert "  - lección sobre reading-p: Tea." in said


def test_pack_takes_its_language_from_lang_and_speaks_portuguese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")
    assert run("pack", "check", str(make_pack(tmp_path / "p"))) == 0
    assert (
        flat(capsys.readouterr().out)
        == (
            "pack-p@1.0.0 é válido: 1 leitura, 2 seções, 1 nota de facilitação, 0 lição."  # pt: 0 takes the singular
        )
    )
    monkeypatch.setenv("LANG", "es_BO.UTF-8")
    assert run("pack", "check", str(two_of_each(tmp_path / "q")), "--lang", "en") == 0
    assert flat(capsys.readouterr().out).startswith(
        "pack-p@1.1.0 is valid: 2 readings, 4 sections, 2 facilitator notes, 2 lessons."
    )


def test_every_sentence_pack_prints_goes_through_the_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In the pseudo-locale each line pack prints is wrapped in ⟦ ⟧ (a refusal keeps its full
    stop after it), but for the file-and-line problems, which are not translated yet."""
    from bot.core.i18n import PSEUDO_CLOSE, PSEUDO_OPEN

    lines: list[str] = []

    def pseudo(*argv: str, code: int = 0) -> None:
        assert run(*argv, "--lang", "en_XA") == code, argv
        said = capsys.readouterr()
        lines.extend(line for line in (said.out + said.err).splitlines() if line.strip())

    store = str(tmp_path / "store")
    one = tmp_path / "one"
    pseudo("pack", "new", str(one))
    pseudo("pack", "new", str(one), code=1)
    pseudo("pack", "check", str(one))
    two = two_of_each(tmp_path / "two")
    pseudo("pack", "check", str(two))
    broken = make_pack(tmp_path / "broken", version="1.0")
    pseudo("pack", "check", str(broken), code=1)
    pseudo("pack", "build", str(one), "--out", str(tmp_path / "one.zip"), code=1)
    pseudo("pack", "build", str(two), "--out", str(tmp_path / "two.tar.gz"))
    pseudo("pack", "list", "--packs", store)
    pseudo("pack", "install", str(tmp_path / "two.tar.gz"), "--packs", store)
    pseudo("pack", "install", str(tmp_path / "two.tar.gz"), "--packs", store)
    pseudo("pack", "install", str(tmp_path / "nowhere"), "--packs", store, code=1)
    pseudo("pack", "fork", "pack-p", "--as", "ours", "--out", str(tmp_path / "ours"), "--packs", store)  # fmt: skip
    pseudo("pack", "fork", "nothing", "--as", "x", "--packs", store, code=1)
    pseudo("pack", "build", str(tmp_path / "ours"), "--out", str(tmp_path / "ours.tar.gz"))
    pseudo("pack", "install", str(tmp_path / "ours.tar.gz"), "--packs", store)
    pseudo("pack", "list", "--packs", store)
    pseudo("pack", "diff", str(make_pack(tmp_path / "p")), str(two))
    pseudo("pack", "diff", str(two), str(two))
    problems = [line for line in lines if line.startswith("  ") and "pack.yaml:" in line]
    assert len(problems) == 1  # the bad version's line: its place, then its sentence wrapped
    assert problems[0].split(": ", 1)[1].startswith(PSEUDO_OPEN), problems[0]
    assert problems[0].endswith(PSEUDO_CLOSE), problems[0]
    shown = [line.strip() for line in lines if line not in problems]
    assert len(shown) >= 20
    assert any("föŕķéđ fŕöm pack-p@1.1.0" in line for line in shown)  # the lineage, listed
    unwrapped = [
        line
        for line in shown
        if not (line.startswith(PSEUDO_OPEN) and line.rstrip(".").endswith(PSEUDO_CLOSE))
    ]
    assert unwrapped == [], "\n".join(unwrapped)
