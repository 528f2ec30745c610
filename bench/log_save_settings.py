"""Settings for bench/log_save.py: the app's own, plus one bare view to compare with."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "log_save_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
