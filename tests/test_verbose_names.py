"""Staff work in Russian: every field of every registry model has a Russian label."""

import re

from django.apps import apps

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def test_every_registry_field_and_model_has_a_russian_verbose_name():
    missing = []
    for app in ("regions", "clusters", "funding"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            if not CYRILLIC.search(str(model._meta.verbose_name_plural)):
                missing.append(model.__name__)
            for field in model._meta.get_fields():
                if field.concrete and not field.auto_created:
                    if not CYRILLIC.search(str(field.verbose_name)):
                        missing.append(f"{model.__name__}.{field.name}")
    assert not missing, missing
