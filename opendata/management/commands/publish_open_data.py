from django.core.management.base import BaseCommand

from opendata.services import opendata_publish


class Command(BaseCommand):
    help = "Формирует открытые данные (перечень, паспорта, версии данных), как задача beat."

    def handle(self, *args, **options):
        for name, written in opendata_publish().items():
            self.stdout.write(f"{name}: {'без изменений' if written == 'unchanged' else written}")
