import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from kam.settings.env import env_bool, env_int, env_list, env_str

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(monkeypatch):
    """Point Celery at another broker for one test. Celery reads CELERY_BROKER_URL from the
    environment before its configuration, so both are set, and both are restored."""
    from kam.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport_options)

    def use(url: str, options: dict) -> None:
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        app.conf.broker_url = url
        app.conf.broker_transport_options = options

    yield use
    app.conf.broker_url, app.conf.broker_transport_options = saved


def test_healthz_reports_database_and_broker(client, broker, tmp_path):
    broker_dir = tmp_path / "broker"
    broker_dir.mkdir()
    broker("filesystem://", {"data_folder_out": str(broker_dir), "data_folder_in": str(broker_dir)})
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True and body["broker"]["ok"] is True


def test_healthz_answers_503_when_broker_is_unreachable(client, broker):
    broker("redis://127.0.0.1:1/0", {"socket_connect_timeout": 1})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_healthz_answers_503_when_embedded_broker_folder_is_missing(client, broker, tmp_path):
    missing = tmp_path / "nowhere"
    broker("filesystem://", {"data_folder_out": str(missing), "data_folder_in": str(missing)})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "missing" in response.json()["broker"]["detail"]


def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code in (200, 503)


@pytest.mark.parametrize(
    "role_fixture, status", [("kam_admin", 200), ("executive", 302), ("account_manager", 302)]
)
def test_django_admin_is_for_the_admin_role_only(request, client_for, role_fixture, status):
    response = client_for(request.getfixturevalue(role_fixture)).get(reverse("admin:index"))
    assert response.status_code == status


def test_admin_role_can_use_account_changelist_and_search(client_for, kam_admin, account):
    client = client_for(kam_admin)
    response = client.get(reverse("admin:accounts_account_changelist"), {"q": "Hanbit"})
    assert response.status_code == 200 and "한빛전자" in response.text
    assert client.get(reverse("admin:accounts_account_change", args=[account.pk])).status_code == 200


def test_language_switch_sets_korean(client_for, account_manager):
    client = client_for(account_manager)
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "ko"


def test_logout_ends_the_session(client_for, account_manager):
    client = client_for(account_manager)
    client.post(reverse("logout"))
    assert client.get(reverse("accounts:home")).status_code == 302


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("KAM_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="KAM_FLAG"):
        env_bool("KAM_FLAG", False)
    monkeypatch.setenv("KAM_FLAG", "yes")
    assert env_bool("KAM_FLAG", False) is True


def test_env_int_and_list_parse_strictly(monkeypatch):
    monkeypatch.setenv("KAM_NUMBER", "12x")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("KAM_NUMBER", 1)
    monkeypatch.setenv("KAM_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("KAM_NUMBER", 1, minimum=0)
    monkeypatch.setenv("KAM_HOSTS", "a.example, ,b.example")
    with pytest.raises(ImproperlyConfigured, match="empty items"):
        env_list("KAM_HOSTS", [])
    monkeypatch.setenv("KAM_HOSTS", "a.example,b.example")
    assert env_list("KAM_HOSTS", []) == ["a.example", "b.example"]


def test_required_secret_is_enforced(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env_str("SECRET_KEY", required=True)


def test_production_settings_refuse_to_start_without_secret_key():
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "kam.settings.production"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_enqueue_never_raises_or_waits_when_the_broker_is_unreachable(monkeypatch):
    import socket
    import time

    from celery import Celery

    from core.queue import enqueue

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Celery prefers CELERY_BROKER_URL from the environment to an app's own broker (the CI leg sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    dead = Celery("dead", broker=f"redis://127.0.0.1:{port}/0", set_as_current=False)
    dead.conf.broker_transport_options = {"socket_connect_timeout": 2, "socket_timeout": 2}

    @dead.task(name="probe")
    def probe_task():
        return None

    started = time.monotonic()
    assert enqueue(probe_task) is False
    assert time.monotonic() - started < 5
