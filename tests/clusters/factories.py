import factory

from clusters.choices import (
    ClusterKind,
    ClusterStatus,
    CollegeRole,
    EmployerRole,
    FigureKind,
    ReviewState,
)
from clusters.models import (
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
    Programme,
    ReportedFigure,
    Source,
)
from tests.regions.factories import RegionFactory


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry

    slug = factory.Sequence(lambda n: f"industry-{n}")
    name = factory.Sequence(lambda n: f"Отрасль {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"{n // 10000 % 100:02d}.{n // 100 % 100:02d}.{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Профессия {n}")
    level = "profession"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Источник {n}")


class CollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = College

    full_name = factory.Sequence(lambda n: f"Колледж № {n}")
    region = factory.SubFactory(RegionFactory)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"ООО «Предприятие {n}»")


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Кластер {n}")
    slug = factory.Sequence(lambda n: f"cluster-{n}")
    kind = ClusterKind.PRODUCTION_CENTER
    industry = factory.SubFactory(IndustryFactory)
    region = factory.SubFactory(RegionFactory)
    status = ClusterStatus.OPERATING
    selection_year = 2023
    is_published = True
    review_state = factory.LazyAttribute(
        lambda o: ReviewState.PUBLISHED if o.is_published else ReviewState.DRAFT
    )

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        """Rows written past the services, as the demo SQL writes them: the counts of clusters
        (derived, clusters.ClusterCount) are brought in step as a recompute would."""
        super()._after_postgeneration(instance, create, results)
        if create:
            from funding.services.counts import cluster_counts_recompute

            cluster_counts_recompute(region_ids=[instance.region_id])


class ClusterCollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterCollege

    cluster = factory.SubFactory(ClusterFactory)
    college = factory.SubFactory(CollegeFactory, region=factory.SelfAttribute("..cluster.region"))
    role = CollegeRole.NETWORK


class ClusterEmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterEmployer

    cluster = factory.SubFactory(ClusterFactory)
    employer = factory.SubFactory(EmployerFactory)
    role = EmployerRole.PARTNER


class ReportedFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedFigure

    cluster = factory.SubFactory(ClusterFactory)
    kind = FigureKind.WORKSHOPS
    value = 5
    source = factory.SubFactory(SourceFactory)
