"""C2SP tlog-policy files: what is read, what is refused (with the line), the quorum rule."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.errors import VerifyError
from saksi.tlog.checkpoint import CosignatureSigner
from saksi.tlog.note import NoteSigner
from saksi.verify.policy import Policy, parse_policy


def fixed_key(name: str) -> tuple[str, str]:
    """A key derived from its name: the same in every process (pytest-xdist collects the
    parametrized ids in each worker, and they must agree)."""
    signer = NoteSigner(name, hashlib.sha256(f"test-policy:{name}".encode()).digest())
    return signer.skey, signer.vkey


LOG = fixed_key("log.example/one")[1]
W = [CosignatureSigner.from_skey(fixed_key(f"w{i}.example")[0]).vkey for i in range(6)]


def test_the_specifications_example() -> None:
    text = (
        f"log {LOG}\n\n"
        f"witness X1 {W[0]}\nwitness X2 {W[1]}\n  witness\tX3 {W[2]} https://x3.example/\n"
        "group X-witnesses 2 X1 X2 X3\n\n"
        f"witness Y1 {W[3]}\nwitness Y2 {W[4]}\nwitness Y3 {W[5]}\n"
        "# a comment\n   # another\n"
        "group Y-witnesses any Y1 Y2 Y3\n\n"
        "group X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n"
    )
    policy = parse_policy(text.encode())
    assert policy.log_verifier.name == "log.example/one"
    assert policy.describe() == "2 of (2 of (X1, X2, X3), 1 of (Y1, Y2, Y3))"
    assert policy.satisfied({"X1", "X3", "Y2"})
    assert not policy.satisfied({"X1", "Y2"})
    assert not policy.satisfied({"X1", "X2", "X3"})


def test_quorum_none_and_a_single_witness() -> None:
    assert parse_policy(f"log {LOG}\nquorum none\n".encode()).satisfied(())
    policy = parse_policy(f"log {LOG}\nwitness a {W[0]}\nquorum a".encode())
    assert policy.satisfied({"a"}) and not policy.satisfied(())


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (f"log {LOG}\n", 0),  # no quorum
        ("quorum none\n", 0),  # no log
        (f"log {LOG}\nquorum none\nquorum none\n", 3),
        (f"log {LOG}\nquorum w\n", 2),  # not defined
        (f"log {LOG}\ngroup g 1 a\nquorum g\n", 2),
        (f"log {LOG}\nwitness a {W[0]}\ngroup g 2 a\nquorum g\n", 3),  # k > n
        (f"log {LOG}\nwitness a {W[0]}\ngroup g 0 a\nquorum g\n", 3),
        (f"log {LOG}\nwitness a {W[0]}\ngroup g 1 a a\nquorum g\n", 3),
        (f"log {LOG}\nwitness a {W[0]}\nwitness a {W[1]}\nquorum a\n", 3),
        (f"log {LOG}\nwitness a {W[0]}\nwitness b {W[0]}\nquorum a\n", 3),  # same key
        (f"log {LOG}\nlog {LOG}\nquorum none\n", 2),
        (f"log {LOG}\nwitness none {W[0]}\nquorum none\n", 2),
        ("log not-a-key\nquorum none\n", 1),
        (f"log {LOG}\nwitnesses a {W[0]}\nquorum none\n", 2),
        (f"log {LOG}\nquorum none\x00\n", 2),
    ],
)
def test_refusals_name_the_line(text: str, line: int) -> None:
    with pytest.raises(VerifyError) as caught:
        parse_policy(text.encode())
    assert caught.value.code == "verify.policy-invalid"
    assert caught.value.details["line"] == line


def test_from_options() -> None:
    with pytest.raises(VerifyError) as caught:
        Policy.from_options(None, (), None)
    assert caught.value.code == "verify.no-log-key"
    assert Policy.from_options(LOG, W[:3], None).describe() == "3 of (w1, w2, w3)"
    assert Policy.from_options(LOG, W[:3], 0).satisfied(())
    with pytest.raises(VerifyError):
        Policy.from_options(LOG, W[:1], 2)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.data())
def test_a_threshold_group_is_met_exactly_at_k(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(1, n))
    names = [f"w{i}" for i in range(n)]
    lines = [f"log {LOG}"] + [f"witness {names[i]} {W[i]}" for i in range(n)]
    lines += [f"group g {k} {' '.join(names)}", "quorum g"]
    policy = parse_policy("\n".join(lines).encode())
    cosigned = data.draw(st.sets(st.sampled_from(names)))
    assert policy.satisfied(cosigned) == (len(cosigned) >= k)
