"""Load scenario: account managers browse their accounts and move opportunities between tiers;
executives read the dashboards. Demo data from `seed_demo` (logins am, am2, exec; password kamdemo).

Run through bench/load.sh, which starts gunicorn + PostgreSQL + Redis and prints median and p95.
"""

import random
import re

from locust import HttpUser, between, task

PASSWORD = "kamdemo"
ACCOUNT_LINK = re.compile(r'href="/accounts/(\d+)/"')
MOVE_LINK = re.compile(r'/accounts/(\d+)/opportunities/(\d+)/move/')


class SignedInUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    usernames: tuple[str, ...] = ()

    def on_start(self) -> None:
        self.client.get("/login/")
        response = self.client.post(
            "/login/",
            {"username": random.choice(self.usernames), "password": PASSWORD,
             "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            headers={"Referer": self.host + "/login/"},
            allow_redirects=False,
            name="/login/ (POST)",
        )
        if response.status_code != 302:
            response.failure = True
            raise RuntimeError(f"sign-in failed: {response.status_code}")
        home = self.client.get("/", name="/ (account list)")
        self.account_ids = ACCOUNT_LINK.findall(home.text) or ["1"]

    def account(self) -> str:
        return random.choice(self.account_ids)


class AccountManager(SignedInUser):
    weight = 4
    usernames = ("am", "am2")

    @task(3)
    def account_list(self) -> None:
        self.client.get("/", name="/ (account list)")

    @task(4)
    def account_360(self) -> None:
        account = self.account()
        self.client.get(f"/accounts/{account}/", name="/accounts/[id]/")
        self.client.get(f"/accounts/{account}/org-chart/", name="/accounts/[id]/org-chart/")

    @task(2)
    def plans(self) -> None:
        self.client.get("/plans/", name="/plans/")

    @task(2)
    def move_an_opportunity(self) -> None:
        account = self.account()
        page = self.client.get(f"/accounts/{account}/opportunities/", name="/accounts/[id]/opportunities/")
        moves = MOVE_LINK.findall(page.text)
        if not moves:
            return
        account_id, opportunity_id = random.choice(moves)
        self.client.post(
            f"/accounts/{account_id}/opportunities/{opportunity_id}/move/",
            {"tier": str(random.randint(1, 4)), "stage": "", "note": "load test"},
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "HX-Request": "true",
                     "Referer": self.host + f"/accounts/{account_id}/opportunities/"},
            name="/accounts/[id]/opportunities/[id]/move/ (POST)",
        )


class Executive(SignedInUser):
    weight = 1
    usernames = ("exec",)

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/performance/", name="/performance/ (dashboard)")

    @task(2)
    def pareto(self) -> None:
        self.client.get("/pareto/", name="/pareto/")

    @task(2)
    def account_kpis(self) -> None:
        self.client.get(f"/performance/accounts/{self.account()}/", name="/performance/accounts/[id]/")
