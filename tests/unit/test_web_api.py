"""The web builder's HTTP API and page, through Flask's test client (no browser, no server)."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.answers import build_request
from recommender.catalog import shipped_vocabulary
from recommender.web import create_app
from recommender.web.builder import build, command_line, essential_needs, read_choices
from tests.unit.cli_runner import run_cli
from tests.unit.json_schemas import validate


@pytest.fixture
def client() -> FlaskClient:
    return create_app({"TESTING": True}).test_client()


@pytest.fixture
def scratch_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the temp folder at an empty folder, to see what a request leaves behind."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    yield root


def test_metadata_follows_its_schema_and_lists_every_need(client: FlaskClient) -> None:
    response = client.get("/metadata")
    assert response.status_code == 200
    document = response.get_json()
    validate(document, "metadata")
    keys = [need["key"] for need in document["needs"]]
    assert keys == [need.key for need in shipped_vocabulary().needs]
    assert {preset["name"] for preset in document["presets"]} >= {"minimal", "webapp", "api"}
    assert any(library["id"] == "flask-login" for library in document["libraries"])


def _flags(query: str) -> list[str]:
    """The command-line flags that say what a query string says."""
    from urllib.parse import parse_qsl

    option = {"need": "--need", "preset": "--preset", "with": "--with", "without": "--without"}
    return [word for key, value in parse_qsl(query) for word in (option[key], value)]


@pytest.mark.parametrize(
    "query",
    [
        "preset=api",
        "need=auth=session&need=database=postgresql",
        "preset=webapp&with=flask-security-too",
        "preset=webapp&without=flask-login&with=flask-script",
        # A preset's "none" gives way to what a forced library brings; a need= flag does not.
        "preset=minimal&with=flask-sqlalchemy",
    ],
)
def test_recommend_gives_the_json_of_the_command_line(
    client: FlaskClient, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    response = client.get(f"/recommend?{query}")
    assert response.status_code == 200, response.data
    validate(response.get_json(), "recommend")
    cli = run_cli(capsys, "recommend", *_flags(query), "--format", "json")
    assert cli.exit_code == 0, cli.stderr
    assert response.get_json() == cli.json()


def test_compare_gives_the_json_of_the_command_line(
    client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = client.get("/compare?lib=Flask-Login&lib=flask_security_too")
    assert response.status_code == 200
    validate(response.get_json(), "compare")
    cli = run_cli(capsys, "compare", "flask-login", "flask-security-too", "--format", "json")
    assert response.get_json() == cli.json()


def test_compare_presets_gives_the_json_of_the_command_line(
    client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = client.get("/compare?preset=webapp&preset=api&need=cache=yes")
    assert response.status_code == 200
    cli = run_cli(
        capsys,
        "compare",
        "--preset",
        "webapp",
        "--preset",
        "api",
        "-n",
        "cache=yes",
        "--format",
        "json",
    )
    assert cli.exit_code == 0, cli.stderr
    assert response.get_json() == cli.json()


@pytest.mark.parametrize(
    "query",
    [
        "need=bogus=1",
        "need=auth=maybe",
        "need=auth",
        "need=auth=none&need=roles=yes",
        "preset=nope",
        "with=flask-nothing-like-it",
        "preset=minimal&need=database=none&with=flask-sqlalchemy",
    ],
)
def test_bad_input_answers_400_with_the_message_of_the_command_line(
    client: FlaskClient, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    response = client.get(f"/recommend?{query}")
    assert response.status_code == 400
    cli = run_cli(capsys, "recommend", *_flags(query))
    assert cli.exit_code == 2
    assert f"error: {response.get_json()['error']}\n" == cli.stderr


def test_an_unknown_library_to_compare_answers_400_with_the_cli_message(
    client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = client.get("/compare?lib=flask-loginn&lib=flask-wtf")
    assert response.status_code == 400
    cli = run_cli(capsys, "compare", "flask-loginn", "flask-wtf")
    assert f"error: {response.get_json()['error']}\n" == cli.stderr


@pytest.mark.parametrize(
    "request_line",
    [
        "/compare?lib=flask-login",
        "/compare",
        "/compare?preset=webapp",
        "/compare?preset=webapp&preset=nope",
        "/compare?preset=webapp&preset=api&lib=flask-login",
        "/compare?" + "&".join(["preset=webapp"] * 300),
        "/recommend?preset=api&preset=webapp",
        "/recommend?" + "&".join(["need=auth=session"] * 300),
        "/recommend?need=" + "x" * 500,
        "/starter.zip?name=import",
        "/starter.zip?git=maybe",
        "/starter.zip?need=realtime=socketio&need=kind=api",
        "/?need=database=nosql",
        "/?compare=%00&explore=&file=../../etc/passwd",
        "/nowhere",
        "/audit",
    ],
)
def test_a_client_never_causes_a_server_error(client: FlaskClient, request_line: str) -> None:
    response = client.get(request_line)
    assert 400 <= response.status_code < 500 or response.status_code == 200, response.data
    if response.status_code != 200 and not request_line.startswith("/?"):
        body = response.get_data(as_text=True)
        message = json.loads(body)["error"] if response.is_json else body
        assert message.strip() and "\n" not in message.strip()


def test_audit_reads_a_requirements_file_and_leaves_nothing(
    client: FlaskClient, capsys: pytest.CaptureFixture[str], scratch_root: Path, tmp_path: Path
) -> None:
    text = "Flask-Script==2.0.6\nflask-login==0.5.0\nflask==3.0.3\n"
    # As `curl --data-binary @requirements.txt` sends it: labelled as a form, the body is the file.
    form = "application/x-www-form-urlencoded"
    response = client.post("/audit", data=text.encode(), content_type=form)
    assert response.status_code == 200, response.data
    document = response.get_json()
    validate(document, "audit")
    assert document["path"] == "requirements.txt"
    assert document["fails"] is True
    assert list(scratch_root.iterdir()) == []
    # The same judgement as `flask-pick audit requirements.txt`.
    (tmp_path / "requirements.txt").write_text(text, encoding="utf-8")
    cli = run_cli(capsys, "audit", str(tmp_path / "requirements.txt"), "--format", "json")
    assert cli.json()["libraries"] == document["libraries"]


def test_audit_takes_a_file_upload_by_its_allowed_name(client: FlaskClient) -> None:
    pyproject = b'[project]\nname = "x"\nversion = "1"\ndependencies = ["flask-restplus"]\n'
    response = client.post(
        "/audit?name=pyproject.toml",
        data={"file": (io.BytesIO(pyproject), "anything/../at/all.toml")},
    )
    assert response.status_code == 200, response.data
    assert response.get_json()["libraries"][0]["id"] == "flask-restplus"


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("../../etc/passwd", b"flask\n", 400),
        ("requirements.txt", b"", 400),
        ("requirements.txt", b"x" * (2 * 1024 * 1024), 413),
    ],
)
def test_audit_refuses_bad_uploads(
    client: FlaskClient, scratch_root: Path, name: str, body: bytes, status: int
) -> None:
    response = client.post(f"/audit?name={name}", data=body, content_type="text/plain")
    assert response.status_code == status
    assert "\n" not in response.get_json()["error"]
    assert list(scratch_root.iterdir()) == []


def test_starter_zip_holds_the_project_new_makes(
    client: FlaskClient, capsys: pytest.CaptureFixture[str], scratch_root: Path
) -> None:
    response = client.get("/starter.zip?preset=minimal&need=cache=yes&name=shop&git=no")
    assert response.status_code == 200, response.data
    assert response.headers["Content-Disposition"] == 'attachment; filename="shop.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert all(name.startswith("shop/") for name in names)
    assert "shop/shop/__init__.py" in names and not any("/.git/" in n for n in names)
    answers = yaml.safe_load(archive.read("shop/.copier-answers.yml"))
    cli = run_cli(capsys, "recommend", "--preset", "minimal", "-n", "cache=yes", "--format", "json")
    assert answers["picks"] == [library["id"] for library in cli.json()["libraries"]]
    assert list(scratch_root.iterdir()) == []


def test_starter_zip_with_git_holds_the_first_commit(client: FlaskClient) -> None:
    response = client.get("/starter.zip?preset=minimal")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "myapp/.git/HEAD" in archive.namelist()


def test_the_page_offers_only_questions_that_apply(client: FlaskClient) -> None:
    without_auth = client.get("/?need=auth=none").get_data(as_text=True)
    with_auth = client.get("/?need=auth=session").get_data(as_text=True)
    assert 'id="need-roles"' not in without_auth
    assert 'id="need-roles"' in with_auth
    # A value that makes no sense after the other answers is not offered either.
    api_only = client.get("/?need=kind=api").get_data(as_text=True)
    assert 'value="forms=yes"' not in api_only


def test_the_page_drops_answers_that_no_longer_apply(client: FlaskClient) -> None:
    response = client.get("/?need=auth=none&need=roles=yes")
    assert response.status_code == 200
    assert "need=roles" not in response.get_data(as_text=True).split("data-query=")[1][:200]


def test_the_fragment_is_the_builder_only(client: FlaskClient) -> None:
    whole = client.get("/?preset=webapp").get_data(as_text=True)
    fragment = client.get("/?preset=webapp", headers={"X-Fragment": "builder"})
    text = fragment.get_data(as_text=True)
    assert "<html" in whole and "<html" not in text
    assert 'id="choices"' in text and 'id="stack"' in text


def test_the_page_compares_a_pick_and_links_the_swap(client: FlaskClient) -> None:
    text = client.get("/?preset=webapp&compare=flask-login").get_data(as_text=True)
    assert 'id="compare"' in text
    assert "with=flask-security&amp;without=flask-login" in text
    swapped = client.get("/?preset=webapp&with=flask-security&without=flask-login")
    assert 'id="pick-flask-security"' in swapped.get_data(as_text=True)


def test_the_page_previews_a_file(client: FlaskClient) -> None:
    text = client.get("/?preset=minimal&explore=1&file=pyproject.toml").get_data(as_text=True)
    assert 'id="files"' in text and "[project]" in text
    assert client.get("/?preset=minimal&explore=1&file=../../etc/passwd").status_code == 200


@pytest.mark.parametrize("preset", ["minimal", "webapp", "api", "realtime", "full"])
def test_the_command_line_and_link_reproduce_the_page(preset: str) -> None:
    vocabulary = shipped_vocabulary()
    state = build(read_choices({"preset": [preset], "with": ["flask-caching"]}))
    words = command_line(state.choices).split()
    flags = [words[i + 1] for i, word in enumerate(words) if word == "--need"]
    with_names = [words[i + 1] for i, word in enumerate(words) if word == "--with"]
    request = build_request(
        vocabulary,
        preset=None,
        answers=None,
        need_flags=flags,
        with_names=with_names,
        without_names=[],
    )
    again = build(read_choices({"need": flags, "with": with_names}))
    assert again.recommendation.ids == state.recommendation.ids
    assert request.needs == essential_needs(vocabulary, state.answers)


def test_the_command_line_loads_flask_only_to_serve() -> None:
    import subprocess
    import sys

    code = "import sys, recommender.cli; print('flask' in sys.modules, 'waitress' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_a_dead_library_asked_by_name_is_replaced_with_a_warning(client: FlaskClient) -> None:
    text = client.get("/?preset=webapp&with=Flask-Script").get_data(as_text=True)
    assert 'class="warning"' in text and "Flask-Script" in text
    assert 'id="pick-flask-script"' not in text
    # Undoing it is a link without it.
    assert 'href="?need=auth=session" aria-label="Undo with Flask-Script"' in text


def test_a_bad_choice_in_an_update_is_a_400_fragment_that_names_the_fix(
    client: FlaskClient,
) -> None:
    response = client.get("/?with=flask-nothing", headers={"X-Fragment": "builder"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "<html" not in text and "error: no library named &#39;flask-nothing&#39;" in text


def test_serve_on_a_taken_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(capsys, "serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use; "
        "choose another --port or --host\n"
    )


def test_serve_on_a_host_that_does_not_resolve_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(capsys, "serve", "--host", "256.1.1.1")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --host '256.1.1.1' is not an address")


_WORDS = ["auth=session", "auth=none", "roles=yes", "database=none", "kind=api", "cache=yes",
          "flask-login", "Flask-Script", "flask-security", "webapp", "api", "", "=", "a=b=c",
          "../x", "\x00", "é", "x" * 250]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from(["/", "/recommend", "/compare"]),
    pairs=st.lists(
        st.tuples(
            st.sampled_from(["need", "with", "without", "preset", "name", "git", "lib", "compare"]),
            st.one_of(st.sampled_from(_WORDS), st.text(max_size=20)),
        ),
        max_size=8,
    ),
)
def test_no_query_string_causes_a_server_error(
    client: FlaskClient, route: str, pairs: list[tuple[str, str]]
) -> None:
    from urllib.parse import urlencode

    response = client.get(f"{route}?{urlencode(pairs)}")
    assert response.status_code in (200, 400), response.data


def test_audit_form_without_a_file_field_says_which_field(client: FlaskClient) -> None:
    response = client.post("/audit", data={"requirements": (io.BytesIO(b"flask\n"), "r.txt")})
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("the form has no field 'file'")


@pytest.mark.parametrize("name", ["../escape", "/etc", "..", ".", "a/b", "a\\b", ".hidden"])
@pytest.mark.parametrize("route", ["/starter.zip?git=no&", "/?explore=1&"])
def test_a_name_never_leaves_the_scratch_folder(
    client: FlaskClient, scratch_root: Path, route: str, name: str
) -> None:
    from urllib.parse import quote

    response = client.get(f"{route}preset=minimal&name={quote(name)}")
    assert response.status_code == 400
    assert "cannot name a project" in response.get_data(as_text=True)
    assert list(scratch_root.iterdir()) == []
    assert not (scratch_root.parent / "escape").exists()


def test_comparing_more_stacks_than_any_query_holds_is_refused(client: FlaskClient) -> None:
    # Each preset costs a whole recommendation: the query's size bound applies here too.
    response = client.get("/compare?" + "&".join(["preset=webapp"] * 300))
    assert response.status_code == 400
    assert "more than 200 values" in response.get_json()["error"]
