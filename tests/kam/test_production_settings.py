"""The production settings pass Django's deployment checks and read their switches from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "kam.settings.production",
    "SECRET_KEY": "x" * 20 + "-production-test-key-with-enough-entropy-0123456789abcdef",
    "ALLOWED_HOSTS": "kam.example.com",
}


def _run(code_or_args: list[str], **extra_env: str) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(PRODUCTION_ENV, **extra_env)
    return subprocess.run(
        [sys.executable, *code_or_args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def _setting(name: str, **extra_env: str) -> str:
    result = _run(["-c", f"import django; django.setup(); from django.conf import settings; print(repr(settings.{name}))"], **extra_env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_settings_pass_check_deploy_without_warnings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run(["manage.py", "check"], SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_ssl_redirect_can_be_turned_off_and_proxy_header_trusted():
    assert _setting("SECURE_SSL_REDIRECT") == "True"
    assert _setting("SECURE_PROXY_SSL_HEADER", USE_X_FORWARDED_PROTO="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert _setting("SECURE_SSL_REDIRECT", SECURE_SSL_REDIRECT="0") == "False"


def test_session_expiry_comes_from_the_environment():
    assert _setting("SESSION_COOKIE_AGE", SESSION_COOKIE_AGE="1800") == "1800"
    assert _setting("SESSION_EXPIRE_AT_BROWSER_CLOSE", SESSION_EXPIRE_AT_BROWSER_CLOSE="1") == "True"


def test_production_cookies_are_secure_including_the_language_cookie():
    assert _setting("LANGUAGE_COOKIE_SECURE") == "True"
    assert _setting("SESSION_COOKIE_SECURE") == "True"
    assert _setting("CSRF_COOKIE_SECURE") == "True"


def test_production_sends_mail_through_smtp_by_default():
    assert "smtp.EmailBackend" in _setting("MAILERS")


def test_collectstatic_writes_hashed_compressed_files_with_production_settings(tmp_path):
    result = _run(["manage.py", "collectstatic", "--noinput"], STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.min.js" in manifest and "css/kam.css" in manifest
    hashed = [p.name for p in (tmp_path / "css").glob("kam.*.css")]
    assert hashed, "no hashed kam.css"
    assert list((tmp_path / "css").glob("kam.*.css.gz")), "no compressed copy"


def test_production_pages_carry_security_headers(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', secure=True, headers={'host': 'kam.example.com'});"
        "print(r.status_code);"
        "[print(h + '=' + r.headers.get(h, '')) for h in ('Strict-Transport-Security', 'Content-Security-Policy',"
        " 'X-Frame-Options', 'X-Content-Type-Options', 'Referrer-Policy', 'Cross-Origin-Opener-Policy')]"
    )
    result = _run(["-c", code], STATIC_ROOT=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("=", 1) for line in result.stdout.strip().splitlines()[1:])
    assert "max-age=31536000" in lines["Strict-Transport-Security"]
    assert "script-src 'self'" in lines["Content-Security-Policy"] and "unsafe-inline" not in lines["Content-Security-Policy"]
    assert lines["X-Frame-Options"] == "DENY"
    assert lines["X-Content-Type-Options"] == "nosniff"
    assert lines["Referrer-Policy"] == "same-origin"
    assert lines["Cross-Origin-Opener-Policy"] == "same-origin"
