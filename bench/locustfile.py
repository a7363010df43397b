"""Locust users for bench/load.py: each is one persona of the city, logged in by a
session cookie that load.py prepared, opening that persona's main pages.

Run through bench/load.py, which starts gunicorn and writes the plan this file
reads (``LOAD_PLAN``: personas, their session cookies, pages and weights).
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115


def persona_user(persona: dict) -> type[HttpUser]:
    class Persona(HttpUser):
        weight = persona["weight"]
        wait_time = between(0.5, 2.0)

        def on_start(self):
            self.client.cookies.set(persona["cookie_name"], persona["cookie"])

        @task
        def open_a_page(self):
            name, url = random.choice(persona["pages"])
            label = f"{persona['persona']}: {name}"
            with self.client.get(
                url, name=label, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"answered {response.status_code}")

    Persona.__name__ = persona["persona"].title().replace(" ", "")
    return Persona


for _persona in PLAN:
    globals()[f"User{len(globals())}"] = persona_user(_persona)
