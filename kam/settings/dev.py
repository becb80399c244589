"""Development: one machine, SQLite, console e-mail, DEBUG on unless the environment says otherwise."""

from kam.settings.base import *  # noqa: F403
from kam.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)
KAM_DEMO_DATA_ALLOWED = True
WHITENOISE_AUTOREFRESH = DEBUG
