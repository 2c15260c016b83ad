"""Money typed in the admin: read exactly as a Russian user types it, or refused with a reason;
an existing sum changes only with a reason, and tenfold only with a confirmation."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import FundingLine
from tests import money_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def smolensk_regional(seed) -> FundingLine:
    return FundingLine.objects.get(
        cluster__slug="smo-mechanical-engineering", funding_source="regional"
    )


def _line_form(line: FundingLine, **changes) -> dict:
    data = {
        "cluster": line.cluster_id or "",
        "region": line.region_id,
        "fiscal_year": line.fiscal_year or "",
        "funding_source": line.funding_source,
        "amount_rub": "16 000 000",
        "qualifier": line.qualifier,
        "source": line.source_id,
        "exact_wording": line.exact_wording,
        "note": line.note,
    }
    data.update(changes)
    return data


def _post(client, line, **changes):
    url = reverse("admin:funding_fundingline_change", args=[line.pk])
    return client.post(url, _line_form(line, **changes))


def _field_errors(response) -> str:
    return " ".join(response.context["adminform"].form.errors.get("amount_rub", []))


def test_the_amount_is_a_text_input_showing_the_sum_grouped(smolensk_regional, admin_client_logged):
    page = admin_client_logged.get(
        reverse("admin:funding_fundingline_change", args=[smolensk_regional.pk])
    )
    html = page.content.decode()
    assert '<input type="text" name="amount_rub" value="16 000 000"' in html
    assert 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("17000000", Decimal("17000000")),
        ("17 000 000", Decimal("17000000")),
        ("17\u00a0000\u00a0000", Decimal("17000000")),
        ("17\u202f000\u202f000", Decimal("17000000")),
        ("17 000 000,50", Decimal("17000000.50")),
        ("17000000,50", Decimal("17000000.50")),
        ("17 000 000 ₽", Decimal("17000000")),
        *money_cases.READ,
    ],
)
def test_a_sum_typed_the_russian_way_is_saved_exactly(
    smolensk_regional, admin_client_logged, typed, saved
):
    response = _post(
        admin_client_logged, smolensk_regional, amount_rub=typed, amount_rub_reason="уточнено"
    )
    assert response.status_code == 302, _field_errors(response)
    smolensk_regional.refresh_from_db()
    assert smolensk_regional.amount_rub == saved


@pytest.mark.parametrize(
    ("typed", "explained"),
    [
        ("17млн", "прочитано число 17 и «млн»"),
        ("17 млн", "прочитано число 17 и «млн»"),
        ("семнадцать млн", "нет цифр, только слова («семнадцать млн»)"),
        ("17.000.000,5,0", "4 разделителя «. . , ,»"),
        ("17.000", "после «.» стоит «000»"),
        ("17 00 000", "группа цифр «00»"),
        ("17 000 000,505", "после «,» стоит «505»"),
        *money_cases.REFUSED,
    ],
)
def test_a_sum_that_cannot_be_read_exactly_is_refused_saying_what_was_read(
    smolensk_regional, admin_client_logged, typed, explained
):
    response = _post(
        admin_client_logged, smolensk_regional, amount_rub=typed, amount_rub_reason="уточнено"
    )
    assert response.status_code == 200
    message = _field_errors(response)
    assert f"Сумма «{typed}» не прочитана" in message
    assert explained in message
    assert "Обязательное поле" not in message
    smolensk_regional.refresh_from_db()
    assert smolensk_regional.amount_rub == Decimal("16000000")


def test_changing_a_sum_asks_for_the_reason(smolensk_regional, admin_client_logged):
    response = _post(admin_client_logged, smolensk_regional, amount_rub="17 000 000")
    assert response.status_code == 200
    assert "Укажите причину изменения" in _field_errors(response)
    assert "16\u00a0000\u00a0000\u00a0₽ → 17\u00a0000\u00a0000\u00a0₽" in _field_errors(response)
    smolensk_regional.refresh_from_db()
    assert smolensk_regional.amount_rub == Decimal("16000000")


def test_a_tenfold_change_needs_the_confirmation_that_appears_with_the_error(
    smolensk_regional, admin_client_logged
):
    response = _post(
        admin_client_logged,
        smolensk_regional,
        amount_rub="160 000 000",
        amount_rub_reason="по приказу № 5",
    )
    assert response.status_code == 200
    assert "в десять раз или больше" in _field_errors(response)
    html = response.content.decode()
    assert 'name="amount_rub_confirm"' in html
    smolensk_regional.refresh_from_db()
    assert smolensk_regional.amount_rub == Decimal("16000000")

    response = _post(
        admin_client_logged,
        smolensk_regional,
        amount_rub="160 000 000",
        amount_rub_reason="по приказу № 5",
        amount_rub_confirm="on",
    )
    assert response.status_code == 302, _field_errors(response)
    smolensk_regional.refresh_from_db()
    assert smolensk_regional.amount_rub == Decimal("160000000")


def test_the_confirmation_checkbox_is_not_there_before_a_tenfold_change(
    smolensk_regional, admin_client_logged
):
    response = _post(admin_client_logged, smolensk_regional, amount_rub="17млн")
    assert 'name="amount_rub_confirm"' not in response.content.decode()


def test_a_nine_times_change_saves_without_confirmation(smolensk_regional, admin_client_logged):
    response = _post(
        admin_client_logged, smolensk_regional, amount_rub="144 000 000", amount_rub_reason="x"
    )
    assert response.status_code == 302, _field_errors(response)


def test_the_cluster_inline_reads_and_refuses_the_same_way(smolensk_regional, admin_client_logged):
    from tests.test_admin import _change_form_data

    cluster = smolensk_regional.cluster
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    form = _change_form_data(admin_client_logged, url)
    index = next(
        k.split("-")[1]
        for k, v in form.items()
        if k.startswith("funding_lines-") and k.endswith("-id") and v == smolensk_regional.pk
    )
    amount = f"funding_lines-{index}-amount_rub"
    assert form[amount] == Decimal("16000000")
    form[amount] = "17млн"
    response = admin_client_logged.post(url, form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Сумма «17млн» не прочитана: прочитано число 17 и «млн»" in html
    form[amount] = "17 000 000,50"
    form[f"{amount}_reason"] = "исправлена опечатка"
    response = admin_client_logged.post(url, form)
    assert response.status_code == 302
    smolensk_regional.refresh_from_db()
    assert smolensk_regional.amount_rub == Decimal("17000000.50")


def test_admin_totals_box_shows_what_the_public_page_shows(
    admin_client_logged, smolensk_regional, django_capture_on_commit_callbacks
):
    # Smolensk: federal 100 mln exact, regional now 17 000 000,50 exact, employer ≈ 37 mln, no
    # extrabudgetary line. Kopecks stay on the exact part, never on the estimate or the total.
    from funding.services import funding_line_update

    with django_capture_on_commit_callbacks(execute=True):
        funding_line_update(actor=None, line=smolensk_regional, amount_rub=Decimal("17000000.50"))
    cluster = smolensk_regional.cluster
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    box = admin_client_logged.get(url).content.decode().replace("\u00a0", " ")
    assert "17 000 000,50 ₽" in box
    assert "≈ 154 000 000 ₽" in box and "154 000 000,50" not in box
    assert "сумма известных частей" in box
    assert "внебюджетные средства</td><td>сведений нет" in box
    public = admin_client_logged.get(cluster.get_absolute_url()).content.decode()
    public = public.replace("\u00a0", " ")
    assert "17 000 000,50 ₽" in public and ",50 ₽ (" not in public
    assert "Сумма известных частей: <strong>≈ 154 000 000 ₽</strong>" in public


def test_admin_cluster_list_says_unknown_for_a_cluster_without_money(admin_client_logged, seed):
    html = admin_client_logged.get(reverse("admin:clusters_cluster_changelist")).content.decode()
    assert "сведений нет" in html
    assert ">0 ₽<" not in html.replace("\u00a0", " ")
