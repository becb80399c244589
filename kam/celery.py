"""The Celery application, configured from Django settings (namespace CELERY).

Sending a task from a request without waiting on the broker is `core.queue.enqueue`.
"""

import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

# `filesystem://` (the embedded broker of `make run`) writes whole messages only: see core/broker.py.
TRANSPORT_ALIASES["filesystem"] = "core.broker:Transport"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings.dev")

app = Celery("kam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
