"""Settings for the test suite: production-like, with a throwaway key and var dir."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k3Yq9vT2mX8pL4rW7nB1cZ6dF0gH5jS" * 2)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SAMVERKAN_VAR_DIR", tempfile.mkdtemp(prefix="samverkan-test-"))
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405
# Every dashboard view counts; the tests of the kept figures turn keeping on.
DASHBOARD_FIGURES_MAX_AGE = 0
