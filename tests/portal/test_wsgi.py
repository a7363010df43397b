"""The WSGI entry point gunicorn loads."""

import gc
import importlib


def test_the_worker_freezes_what_it_loaded_out_of_the_collectors_sight():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    wsgi = importlib.reload(importlib.import_module("portal.wsgi"))
    try:
        assert callable(wsgi.application)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
