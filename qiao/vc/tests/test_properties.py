"""Property-based round trips: random credentials sign and verify; any single mutation fails."""

from __future__ import annotations

import copy
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiao.vc import (
    CRYPTOSUITES,
    Achievement,
    Alignment,
    CredentialStatus,
    IssuerProfile,
    KeyPair,
    KeyResolver,
    build_open_badge,
    identity_matches,
    sign,
    verify,
)
from qiao.vc.badges import ACHIEVEMENT_TYPES
from qiao.vc.tests.conftest import NOW

KEY = KeyPair.from_seed(bytes(range(32)), did_web="college.example.edu")
RESOLVER = KeyResolver(documents=[KEY.controller_document()])
# QIAO_VC_EXAMPLES=1000 for a long run; 40 keeps `make test` quick.
SETTINGS = settings(
    max_examples=int(os.environ.get("QIAO_VC_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda value: value.strip() != "")
slugs = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._~", min_size=1, max_size=16)
urls = st.builds("https://{}.example.edu/{}".format, st.sampled_from(["a", "b", "skills"]), slugs)
dates = st.datetimes(
    min_value=NOW.replace(year=2000, tzinfo=None), max_value=NOW.replace(tzinfo=None)
).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
later = st.datetimes(
    min_value=NOW.replace(year=NOW.year + 1, tzinfo=None),
    max_value=NOW.replace(year=2099, tzinfo=None),
).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    alignments = draw(
        st.lists(
            st.builds(
                Alignment,
                target_name=text,
                target_url=urls,
                target_code=st.none() | text,
                target_framework=st.none() | text,
            ),
            max_size=3,
        )
    )
    achievement = Achievement(
        id=draw(urls),
        name=draw(text),
        description=draw(text),
        criteria_narrative=draw(text),
        achievement_type=draw(st.sampled_from(sorted(ACHIEVEMENT_TYPES))),
        alignments=tuple(alignments),
        in_language=draw(st.none() | st.sampled_from(["en", "zh-CN", "fr", "pt-BR"])),
    )
    issuer = IssuerProfile(
        id=KEY.controller, name=draw(text), url=draw(st.none() | urls), image=draw(st.none() | urls)
    )
    status = draw(
        st.none()
        | st.builds(
            CredentialStatus,
            status_list_credential=urls,
            status_list_index=st.integers(min_value=0, max_value=131_071),
            status_purpose=st.sampled_from(["revocation", "suspension"]),
        )
    )
    email = draw(st.emails())
    return {
        "email": email,
        "credential": build_open_badge(
            id="urn:uuid:" + draw(st.uuids()).hex,
            issuer=issuer,
            achievement=achievement,
            valid_from=draw(dates),
            valid_until=draw(st.none() | later),
            recipient_email=email,
            recipient_id=draw(st.none() | st.just("did:example:learner")),
            credential_status=status,
            name=draw(st.none() | text),
        ),
    }


@SETTINGS
@given(credentials(), st.sampled_from(CRYPTOSUITES))
def test_random_credentials_round_trip(drawn: dict[str, Any], suite: str) -> None:
    signed = sign(drawn["credential"], KEY, cryptosuite=suite)
    report = verify(signed, resolver=RESOLVER, now=NOW)
    assert report.valid, report.to_json()
    identity = signed["credentialSubject"]["identifier"][0]
    assert identity_matches(identity, drawn["email"])


def locations(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Every string value ("value") and every object key ("key") with its path."""
    found: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append(((*path, key), "key"))
            found.extend(locations(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(locations(item, (*path, index)))
    elif isinstance(value, str):
        found.append((path, "value"))
    return found


def change_one_character(text_value: str, position: int, character: str) -> str:
    position %= len(text_value)
    if text_value[position] == character:
        character = "x" if character != "x" else "y"
    return text_value[:position] + character + text_value[position + 1 :]


@SETTINGS
@given(
    credentials(),
    st.sampled_from(CRYPTOSUITES),
    st.data(),
)
def test_any_single_mutation_is_detected(
    drawn: dict[str, Any], suite: str, data: st.DataObject
) -> None:
    signed = sign(drawn["credential"], KEY, cryptosuite=suite)
    path, kind = data.draw(st.sampled_from(locations(signed)))
    position = data.draw(st.integers(min_value=0, max_value=10_000))
    character = data.draw(st.characters())
    tampered = copy.deepcopy(signed)
    parent: Any = tampered
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if kind == "value":
        parent[last] = change_one_character(parent[last], position, character)
    else:
        new_key = change_one_character(last, position, character)
        parent[new_key] = parent.pop(last)
    report = verify(tampered, resolver=RESOLVER, now=NOW)
    assert not report.valid, (path, kind, report.to_json())
    assert report.get("internal") is None, report.to_json()


@SETTINGS
@given(credentials(), st.sampled_from(CRYPTOSUITES), st.data())
def test_removing_any_entry_is_detected(
    drawn: dict[str, Any], suite: str, data: st.DataObject
) -> None:
    signed = sign(drawn["credential"], KEY, cryptosuite=suite)
    # proof.@context (eddsa-jcs-2022) repeats the document's @context, which is what is signed:
    # Data Integrity rebuilds it from the document, so dropping the copy changes nothing.
    keys = [p for p, kind in locations(signed) if kind == "key" and p != ("proof", "@context")]
    path = data.draw(st.sampled_from(keys))
    tampered = copy.deepcopy(signed)
    parent: Any = tampered
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    report = verify(tampered, resolver=RESOLVER, now=NOW)
    assert not report.valid, (path, report.to_json())
