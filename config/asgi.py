import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
from config.env import require_secret_key  # noqa: E402

require_secret_key()
application = get_asgi_application()
