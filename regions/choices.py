from django.db import models


class RegionKind(models.TextChoices):
    REPUBLIC = "republic", "республика"
    KRAI = "krai", "край"
    OBLAST = "oblast", "область"
    FEDERAL_CITY = "federal_city", "город федерального значения"
    AUTONOMOUS_OBLAST = "autonomous_oblast", "автономная область"
    AUTONOMOUS_OKRUG = "autonomous_okrug", "автономный округ"


class ReportedMeasure(models.TextChoices):
    """What a reported count counts (regions.models.ReportedCount)."""

    CLUSTERS = "clusters", "кластеры"
    REGIONS = "regions", "субъекты РФ с кластерами"
    INDUSTRIES = "industries", "отрасли"
    EMPLOYERS = "employers", "предприятия-партнёры"
