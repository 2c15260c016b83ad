"""Accepting a proposal never asks for a fact the text does not state (issue 21): the review
form comes with that field empty and flagged, and the record is written with it empty. Through
the real doors: POST /api/v1/extract/ and the admin's paste → review → accept flow, the form
submitted exactly as the page fills it in."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from clusters.models import Cluster, College, ReportedFigure
from extraction.models import SourceText
from funding.models import FundingLine
from regions.models import Region

ADD = "/admin/extraction/sourcetext/add/"
# Names its base and a sum, and nothing else: no industry, no kind, no year, no budget.
TVER = (
    "Кластер создан на базе Тверского колледжа транспорта и сервиса. "
    "На его создание направят 80 млн рублей. В кластере будут учиться 700 студентов."
)


class _FormDefaults(HTMLParser):
    """The values a browser submits for one form of a page when nobody changes anything."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.select = form_id, False, None
        self.values: dict[str, str] = {}
        self.first_option: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return
            if attrs.get("type") != "submit":
                self.values[attrs["name"]] = attrs.get("value", "on")
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select:
            self.first_option.setdefault(self.select, attrs.get("value", ""))
            if "selected" in attrs:
                self.values[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            self.values.setdefault(self.select, self.first_option.get(self.select, ""))
            self.select = None
        if tag == "form":
            self.inside = False


def form_defaults(page: str, item: str) -> dict[str, str]:
    parser = _FormDefaults(f"item-{item}")
    parser.feed(page)
    return parser.values


@pytest.fixture
def editor_client(client, federal_editor):
    client.force_login(federal_editor)
    return client


def paste(client, text: str) -> tuple[SourceText, str]:
    response = client.post(
        ADD, {"title": "Пресс-релиз", "publisher": "", "published_on": "", "text": text}
    )
    source_text = SourceText.objects.latest("pk")
    review = f"/admin/extraction/sourcetext/{source_text.pk}/review/"
    assert response.status_code == 302 and response["Location"] == review
    return source_text, review


def accept_as_proposed(client, review: str, item: str):
    data = form_defaults(client.get(review).content.decode(), item)
    assert data.get("item") == item
    return client.post(review, {**data, "action": "accept"}, follow=True)


def test_the_api_leaves_what_the_text_does_not_state_empty(reference, editor_api_client):
    body = editor_api_client.post("/api/v1/extract/", {"text": TVER}, format="json").json()
    (cluster,) = body["clusters"]
    assert (cluster["industry"], cluster["kind"], cluster["year"]) == (None, None, None)
    ((amount, source),) = [(m["amount"], m["source"]) for m in body["money"]]
    assert (amount, source) == (80_000_000, "unknown")


def test_a_cluster_accepted_as_proposed_keeps_the_unstated_fields_empty(editor_client):
    source_text, review = paste(editor_client, TVER)
    page = editor_client.get(review).content.decode()
    assert "Текст не называет: отрасль, тип, год отбора" in page

    page = accept_as_proposed(editor_client, review, "c1").content.decode()
    assert "Принято как черновик" in page
    cluster = Cluster.objects.get()
    assert (cluster.industry, cluster.kind, cluster.selection_year) == (None, "", None)
    assert cluster.region == Region.objects.get(name="Тверская область")

    # The sum whose budget the text does not name: the cluster's reported funding, no budget
    # invented; the count of students as the text gives it.
    money_item = source_text.proposals["money"][0]["id"]
    page = accept_as_proposed(editor_client, review, money_item).content.decode()
    assert "Принято как черновик" in page
    assert not FundingLine.objects.exists()
    figure = ReportedFigure.objects.get(kind="funding_total_rub")
    assert (figure.cluster, figure.value) == (cluster, Decimal(80_000_000))
    assert "80 млн рублей" in figure.exact_wording


def test_a_cluster_whose_region_the_text_does_not_name_takes_its_existing_bases(
    editor_client,
):
    moscow = Region.objects.get(name="Москва")
    college = College.objects.create(full_name="Колледж связи № 54", region=moscow)
    source_text, review = paste(
        editor_client, "Кластер ИТ-отрасли открылся на базе Колледжа связи № 54."
    )
    (proposed,) = SourceText.objects.get(pk=source_text.pk).proposals["clusters"]
    assert proposed["region"] is None and "region" in proposed["unstated"]
    assert proposed["base_college"]["match"] == college.pk

    page = accept_as_proposed(editor_client, review, "c1").content.decode()
    assert "Принято как черновик" in page
    cluster = Cluster.objects.get()
    # Not a guess: the registry's record of the base the staff confirmed says where it is.
    assert cluster.region == moscow
    assert cluster.cluster_colleges.get(role="base").college == college


@pytest.mark.django_db
def test_the_api_answers_even_when_the_registry_knows_no_subject_yet(editor_api_client):
    response = editor_api_client.post("/api/v1/extract/", {"text": TVER}, format="json")
    assert response.status_code == 200
    assert response.json()["clusters"][0]["region"] is None


@pytest.mark.parametrize(
    ("year_words", "fiscal_year"),
    [("", None), (" на предоставление в 2025 году грантов", 2025)],
)
def test_a_grant_accepted_as_proposed_has_the_year_the_text_states_or_none(
    editor_client, year_words, fiscal_year
):
    text = (
        f"Минпросвещения подвело итоги конкурса{year_words}. Кластер создан на базе Тверского "
        "колледжа транспорта и сервиса. Колледж получит 80 млн рублей из федерального бюджета."
    )
    source_text, review = paste(editor_client, text)
    (money,) = SourceText.objects.get(pk=source_text.pk).proposals["money"]
    assert money["fiscal_year"] == fiscal_year
    assert (
        "Принято как черновик" in accept_as_proposed(editor_client, review, "c1").content.decode()
    )
    page = accept_as_proposed(editor_client, review, money["id"]).content.decode()
    assert "Принято как черновик" in page
    line = FundingLine.objects.get()
    assert (line.amount_rub, line.funding_source, line.fiscal_year) == (
        Decimal(80_000_000),
        "federal",
        fiscal_year,
    )
