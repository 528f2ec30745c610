import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, every view through the URLconf) lives as long as
# the process. Python's full garbage collection would walk those 100,000 objects every few
# dozen requests, 30-70 ms each time, inside whichever request it fell on (a dashboard's
# p95 doubled); frozen, they are left out, and a full collection walks only what requests
# made (docs/performance.md, "Garbage collection").
import_module(settings.ROOT_URLCONF)
gc.collect()
gc.freeze()
