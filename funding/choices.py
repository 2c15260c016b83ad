from django.db import models


class FundingSource(models.TextChoices):
    FEDERAL = "federal", "федеральный бюджет"
    REGIONAL = "regional", "бюджет субъекта"
    EMPLOYER = "employer", "средства работодателей"
    EXTRABUDGETARY = "extrabudgetary", "внебюджетные средства"
