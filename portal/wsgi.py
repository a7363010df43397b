import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# What is loaded by now (settings, apps, models, URL patterns) lives as long as the
# worker. Move it out of the garbage collector's sight, so that a collection walks
# only what requests made: otherwise every few requests a full collection walks all
# of it, and that request is tens of milliseconds slower.
gc.freeze()
