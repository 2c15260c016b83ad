import factory

from extraction.models import SourceText
from tests.clusters.factories import SourceFactory


class SourceTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceText

    source = factory.SubFactory(SourceFactory)
    text = "Текст пресс-релиза."
