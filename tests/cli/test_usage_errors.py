"""Click's own refusals (usage mistakes) across the whole `saksi` command tree.

Every kind of mistake Click catches is made against every command it applies to,
derived from the commands' own parameters, so that a new command or option is
covered without editing this file. Each must be refused with exit status 2, a
`cli.*` code, Bahasa Indonesia first and English under it, and no stack trace.
A few are also run as real processes, and Ctrl-C (SIGINT) is sent to a real one.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.cli.usage import EXIT_INTERRUPTED
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
DIAGNOSTIC = re.compile(r"^(cli\.[a-z-]+): (.+)\n  \((.+)\)$", re.MULTILINE)


def command_tree(
    command: click.Command = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from command_tree(sub, (*path, name))


COMMANDS = list(command_tree())
GROUPS = [(p, c) for p, c in COMMANDS if isinstance(c, click.Group)]
LEAVES = [(p, c) for p, c in COMMANDS if not isinstance(c, click.Group)]


def _options(kind: type[Any] | tuple[type[Any], ...]) -> list[Any]:
    """(command path, option) for every option that takes a value of type ``kind``."""
    return [
        pytest.param(path, param, id=f"{' '.join(path)} {param.opts[0]}")
        for path, command in LEAVES
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag and isinstance(param.type, kind)
    ]


def _id(path: tuple[str, ...]) -> str:
    return " ".join(path) or "saksi"


def refusal(args: list[str], code: str) -> tuple[str, str]:
    """Run ``saksi ARGS``: refused with exit 2 and ``code``; its (Indonesian, English)."""
    result = CliRunner().invoke(cli, args, prog_name="saksi")
    assert result.exit_code == 2, (args, result.output)
    assert result.stdout == "", result.stdout  # refusals go to standard error only
    assert "Traceback" not in result.stderr
    assert not result.stderr.startswith(("Error:", "Usage:"))  # not Click's English
    found = DIAGNOSTIC.search(result.stderr)
    assert found is not None, result.stderr
    assert found[1] == code, result.stderr
    assert found[2] != found[3], result.stderr  # two languages, not one twice
    return found[2], found[3]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[_id(p) for p, _ in COMMANDS])
def test_an_unknown_option_is_refused_with_a_code(path: tuple[str, ...], command: object) -> None:
    indonesian, english = refusal([*path, "--no-such-thing"], "cli.no-such-option")
    assert "opsi '--no-such-thing' tidak ada" in indonesian
    assert "No such option '--no-such-thing'" in english


@pytest.mark.parametrize(("path", "group"), GROUPS, ids=[_id(p) for p, _ in GROUPS])
def test_an_unknown_command_is_refused_with_a_code(path: tuple[str, ...], group: object) -> None:
    indonesian, english = refusal([*path, "no-such-command"], "cli.no-such-command")
    assert "perintah 'no-such-command' tidak ada" in indonesian
    assert "No such command 'no-such-command'" in english


@pytest.mark.parametrize(("path", "group"), GROUPS, ids=[_id(p) for p, _ in GROUPS])
def test_a_group_alone_shows_its_commands_and_asks_for_one(
    path: tuple[str, ...], group: click.Group
) -> None:
    result = CliRunner().invoke(cli, list(path), prog_name="saksi")
    assert result.exit_code == 2
    help_text, _, refused = result.stderr.partition("cli.missing-command: ")
    assert all(name in help_text for name in group.commands)  # its help first
    assert refused.startswith("sebutkan perintahnya")
    assert "(name a command" in refused


def _required(command: click.Command) -> list[click.Parameter]:
    return [p for p in command.params if p.required]


REQUIRING = [(p, c) for p, c in LEAVES if _required(c)]


@pytest.mark.parametrize(("path", "command"), REQUIRING, ids=[_id(p) for p, _ in REQUIRING])
def test_a_missing_option_or_argument_is_refused_with_a_code(
    path: tuple[str, ...], command: click.Command
) -> None:
    result = CliRunner().invoke(cli, list(path), prog_name="saksi")
    code = result.stderr.split(":")[0]
    indonesian, english = refusal(list(path), code)
    named = re.search(r"'([^']+)' wajib diberikan", indonesian)
    assert named is not None, indonesian
    param = next(
        p
        for p in _required(command)
        if named[1] in (*p.opts, p.make_metavar(click.Context(command)))
    )
    if isinstance(param, click.Option):
        assert code == "cli.missing-option"
        assert f"Missing option '{named[1]}'" in english
    else:
        assert code == "cli.missing-argument"
        assert f"Missing argument '{named[1]}'" in english


ALL_VALUED = _options(click.ParamType)


@pytest.mark.parametrize(("path", "option"), ALL_VALUED)
def test_an_option_without_its_value_is_refused_with_a_code(
    path: tuple[str, ...], option: click.Option
) -> None:
    indonesian, _ = refusal([*path, option.opts[0]], "cli.option-needs-value")
    assert f"opsi '{option.opts[0]}' memerlukan nilai" in indonesian


FLAGS = [
    pytest.param(path, param, id=f"{_id(path)} {param.opts[0]}")
    for path, command in LEAVES
    for param in command.params
    if isinstance(param, click.Option) and param.is_flag and param.name != "help"
]


@pytest.mark.parametrize(("path", "flag"), FLAGS)
def test_a_flag_given_a_value_is_refused_with_a_code(
    path: tuple[str, ...], flag: click.Option
) -> None:
    indonesian, _ = refusal([*path, f"{flag.opts[0]}=yes"], "cli.option-takes-no-value")
    assert "tidak menerima nilai" in indonesian


@pytest.mark.parametrize(("path", "option"), _options(click.Choice))
def test_a_bad_choice_is_refused_with_a_code(path: tuple[str, ...], option: click.Option) -> None:
    indonesian, english = refusal([*path, option.opts[0], "no-such-choice"], "cli.bad-choice")
    assert "'no-such-choice' tidak dikenal: pilih" in indonesian
    assert "is not one of" in english


NUMBERS = _options((click.types.IntParamType, click.types.FloatParamType))


@pytest.mark.parametrize(("path", "option"), NUMBERS)
def test_a_value_that_is_not_a_number_is_refused_with_a_code(
    path: tuple[str, ...], option: click.Option
) -> None:
    indonesian, english = refusal([*path, option.opts[0], "abc"], "cli.bad-number")
    assert "'abc' bukan bilangan" in indonesian
    assert "is not a valid" in english


RANGES = [p for p in _options(click.types._NumberRangeBase) if p.values[1].type.max is not None]


@pytest.mark.parametrize(("path", "option"), RANGES)
def test_a_number_out_of_range_is_refused_with_a_code(path: tuple[str, ...], option: Any) -> None:
    too_big = str(int(option.type.max) + 1)
    indonesian, english = refusal([*path, option.opts[0], too_big], "cli.out-of-range")
    assert "di luar rentang" in indonesian
    assert "is not in the range" in english


EXISTING = [p for p in _options(click.Path) if p.values[1].type.exists]


@pytest.mark.parametrize(("path", "option"), EXISTING + _options(click.File))
def test_a_missing_file_is_refused_with_a_code(
    path: tuple[str, ...], option: click.Option, tmp_path: Path
) -> None:
    gone = str(tmp_path / "gone.json")
    indonesian, english = refusal([*path, option.opts[0], gone], "cli.no-such-file")
    assert f"'{gone}' tidak ada" in indonesian
    assert gone in english


FILES_ONLY = [p for p in _options(click.Path) if not p.values[1].type.dir_okay]


@pytest.mark.parametrize(("path", "option"), FILES_ONLY)
def test_a_folder_where_a_file_belongs_is_refused_with_a_code(
    path: tuple[str, ...], option: click.Option, tmp_path: Path
) -> None:
    indonesian, _ = refusal([*path, option.opts[0], str(tmp_path)], "cli.not-a-file")
    assert "adalah folder, bukan berkas" in indonesian


FOLDERS_ONLY = [p for p in _options(click.Path) if not p.values[1].type.file_okay]


@pytest.mark.parametrize(("path", "option"), FOLDERS_ONLY)
def test_a_file_where_a_folder_belongs_is_refused_with_a_code(
    path: tuple[str, ...], option: click.Option, tmp_path: Path
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    indonesian, _ = refusal([*path, option.opts[0], str(a_file)], "cli.not-a-folder")
    assert "adalah berkas, bukan folder" in indonesian


def test_an_unreadable_file_is_refused_with_a_code(tmp_path: Path) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text("one\n")
    args = ["log", "append", str(tmp_path), "--lines", str(lines / "under-a-file")]
    indonesian, english = refusal(args, "cli.unreadable-file")
    assert "tidak dapat dibuka: Not a directory" in indonesian
    assert "Not a directory" in english


NO_ARGUMENTS = [
    (p, c)
    for p, c in LEAVES
    if not _required(c)
    and not any(isinstance(x, click.Argument) and x.nargs == -1 for x in c.params)
]


@pytest.mark.parametrize(("path", "command"), NO_ARGUMENTS, ids=[_id(p) for p, _ in NO_ARGUMENTS])
def test_an_extra_argument_is_refused_with_a_code(path: tuple[str, ...], command: object) -> None:
    indonesian, english = refusal([*path, "one", "two", "three"], "cli.extra-argument")
    assert "argumen berlebih" in indonesian and "unexpected extra argument" in english


def test_an_argument_of_the_wrong_type_is_refused_with_a_code(tmp_path: Path) -> None:
    indonesian, _ = refusal(["log", "prove", str(tmp_path), "first"], "cli.bad-number")
    assert "'first' bukan bilangan bulat" in indonesian
    indonesian, _ = refusal(["log", "prove", str(tmp_path), "--", "-1"], "cli.out-of-range")
    assert "-1 di luar rentang" in indonesian


def test_the_refusal_names_the_usage_and_where_help_is() -> None:
    result = CliRunner().invoke(cli, ["keygen"], prog_name="saksi")
    assert result.stderr.splitlines() == [
        "cli.missing-option: opsi '--out' wajib diberikan",
        "  (Missing option '--out'.)",
        "  usage: saksi keygen [OPTIONS]",
        "  help: saksi keygen --help",
    ]


# --- real processes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["keygen"], "cli.missing-option"),
        (["no-such-command"], "cli.no-such-command"),
        (["sign", "--key", "/no/such/file", "statement.json"], "cli.no-such-file"),
        (["check", "--format", "xml", "form.json"], "cli.bad-choice"),
        (["demo", "--tps", "many"], "cli.bad-number"),
    ],
)
def test_a_real_saksi_process_refuses_with_a_code(args: list[str], code: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "saksi", *args],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"{code}: ")
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr


def _reading_standard_input(pid: int) -> bool:
    """The process is blocked in read(0, ...) (Linux: /proc/PID/syscall)."""
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        return False
    return len(fields) > 1 and fields[0] == "0" and int(fields[1], 16) == 0


def test_ctrl_c_is_said_in_both_languages_with_status_130(tmp_path: Path) -> None:
    """SIGINT while `saksi sign` waits for its statement on standard input."""
    key = tmp_path / "k.key"
    subprocess.run([sys.executable, "-m", "saksi", "keygen", "--out", str(key)], check=True,
                   capture_output=True, cwd=ROOT, timeout=120)  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "saksi", "sign", "--key", str(key), "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT,
    )  # fmt: skip
    try:
        if not Path(f"/proc/{proc.pid}/syscall").exists():
            pytest.skip("no /proc/PID/syscall to see the process waiting")
        wait_for(lambda: _reading_standard_input(proc.pid), timeout=120)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == EXIT_INTERRUPTED
    assert out == ""
    assert err.strip().startswith("cli.interrupted: dihentikan oleh pengguna (Ctrl-C)")
    assert "(stopped by the user (Ctrl-C)" in err
    assert "Traceback" not in err and "Aborted" not in err
