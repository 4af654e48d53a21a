"""Demo people (lingong.workers.demo, through the services) and the bulk generator (generate_workers)."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lingong.accounts.models import AuditEntry, User
from lingong.employers.models import Employer, EmployerStatus, UsccCheck
from lingong.lib.crypto import decrypt
from lingong.lib.idcard import make_id, parse_resident_id
from lingong.lib.uscc import CreditCodeError, normalize_uscc
from lingong.places.models import Town
from lingong.workers import services
from lingong.workers.demo import allocate, seed_people, town_populations
from lingong.workers.generate import generate_workers, generated_users, generated_workers
from lingong.workers.models import HardshipRecord, HardshipStatus, RegisteredVia, Worker, WorkerOccupation
from lingong.workers.tiers import derive_tier, tier_input

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


# --- seed_people ----------------------------------------------------------------------------------------


@pytest.fixture
def people(personas, catalog):
    summary = seed_people(admin=personas.city_admin, workers=60, employers=12, seed=11, today=TODAY)
    return personas, summary


def test_workers_spread_over_the_towns_by_population(people):
    _, summary = people
    workers = Worker.objects.select_related("home_town")
    assert workers.count() == summary["workers"] == 60
    by_town = Counter(w.home_town.short for w in workers)
    expected = allocate(60, town_populations(Town.objects.all()))
    assert by_town == Counter({k: v for k, v in expected.items() if v})
    assert len(by_town) >= 10
    assert by_town.most_common(1)[0][0] == "小榄"  # the most populous town


def test_ids_are_valid_unique_and_match_the_stored_facts(people):
    numbers = []
    for w in Worker.objects.all():
        number = decrypt(w.id_cipher, context=services.ID_CONTEXT)
        parsed = parse_resident_id(number, today=TODAY)
        assert (parsed.birth_date, parsed.sex) == (w.birth_date, w.sex)
        assert services.id_lookup_key(number) == w.id_index
        assert 16 <= parsed.age <= 65
        numbers.append(number)
    assert len(set(numbers)) == len(numbers) == 60
    phones = list(User.objects.filter(worker__isnull=False).values_list("phone", flat=True))
    assert len(set(phones)) == 60 and all((p or "").startswith("139") for p in phones)


def test_workers_went_through_the_services(people):
    for w in Worker.objects.all():
        assert AuditEntry.objects.filter(action="worker.register", object_id=w.code).exists()
        assert w.consents.count() == 3
        assert w.station is not None and w.home_lat is not None and w.languages
    assert WorkerOccupation.objects.count() >= 60
    # Walk-ins at the station with a coordinator were registered by that coordinator.
    personas, _ = people
    assisted = Worker.objects.filter(registered_via=RegisteredVia.ASSISTED)
    assert set(assisted.values_list("registered_by", flat=True)) <= {
        personas.coordinator_a.pk,
        personas.city_admin.pk,
    }


def test_hardship_makes_higher_tiers(people):
    tiers = Counter(Worker.objects.values_list("tier", flat=True))
    assert tiers[1] and (tiers[2] or tiers[3])
    assert HardshipRecord.objects.filter(status=HardshipStatus.VERIFIED).exists()
    for w in Worker.objects.all():
        # The stored tier is what the tier rule says on the seeding day.
        assert derive_tier(tier_input(w, TODAY))[0] == w.tier or w.hardships.exists()


def test_employers_approved_pending_and_one_for_manual_review(people):
    personas, summary = people
    demo = Employer.objects.exclude(name="中山市东区示例物业管理有限公司")  # the persona's own employer
    assert demo.count() == summary["employers"] == 12
    statuses = Counter(demo.values_list("status", flat=True))
    assert statuses[EmployerStatus.APPROVED] >= 6 and statuses[EmployerStatus.PENDING] >= 1
    failed = demo.filter(uscc_check=UsccCheck.FAILED)
    assert failed.count() == 1 and failed.get().status == EmployerStatus.PENDING
    for e in demo.filter(uscc_check=UsccCheck.PASSED):
        assert normalize_uscc(e.uscc) == e.uscc
    with pytest.raises(CreditCodeError):
        normalize_uscc(failed.get().uscc)
    for e in demo:
        manager = User.objects.get(phone=e.contact_phone)
        assert (manager.phone or "").startswith("136") and e.pk in manager.employer_ids


def test_seed_demo_creates_people_and_can_skip_them(towns, catalog):
    out = io.StringIO()
    call_command("seed_demo", "--workers", "6", "--employers", "2", stdout=out)
    assert "演示求职者 6 人" in out.getvalue()
    assert Worker.objects.count() == 6 and Employer.objects.count() == 3  # plus the demo employer


def test_seed_demo_skips_people_when_asked(towns, catalog):
    out = io.StringIO()
    call_command("seed_demo", "--workers", "0", "--employers", "0", stdout=out)
    assert "演示求职者" not in out.getvalue()
    assert not Worker.objects.exists() and Employer.objects.count() == 1


# --- generate_workers -----------------------------------------------------------------------------------


def _snapshot() -> list[tuple]:
    rows = []
    for w in generated_workers().select_related("user").prefetch_related("occupations").order_by("code"):
        occupations = sorted((o.occupation_id, o.level) for o in w.occupations.all())
        rows.append(
            (
                w.code,
                w.real_name,
                w.home_lat,
                w.home_lng,
                w.id_index,
                w.birth_date,
                w.station_id,
                w.tier,
                w.user.username,
                w.user.phone,
                tuple(occupations),
            )
        )
    return rows


@pytest.fixture
def network(personas, catalog):
    return personas


def test_generation_is_deterministic_and_replace_regenerates(network):
    first = generate_workers(500, seed=7, batch=200, today=TODAY)
    assert first.count == 500 and first.rows["workers"] == 500
    before = _snapshot()
    assert len(before) == 500 and len({r[0] for r in before}) == 500

    again = generate_workers(500, seed=7, batch=128, replace=True, today=TODAY)
    assert again.deleted["workers.Worker"] == 500
    assert _snapshot() == before  # same rows, whatever the batch size
    assert generated_users().count() == 500

    different = generate_workers(500, seed=8, replace=True, today=TODAY)
    assert different.count == 500 and _snapshot() != before


def test_refuses_without_replace_and_spares_other_workers(network):
    walk_in = services.register_worker(
        actor=network.coordinator_a,
        via=RegisteredVia.ASSISTED,
        phone="13700000001",
        real_name="梁伯",
        id_number=make_id("442000", dt.date(1962, 3, 8), 457),
        consents=["registration", "sensitive", "matching"],
        station=network.station_a,
    )
    out = io.StringIO()
    call_command("generate_workers", "--count", "50", "--seed", "3", "--today", "2026-06-15", stdout=out)
    assert "已生成 50 个求职者" in out.getvalue()
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_workers", "--count", "50", stdout=io.StringIO())
    call_command("generate_workers", "--count", "20", "--replace", stdout=io.StringIO())
    assert generated_workers().count() == 20
    assert Worker.objects.filter(pk=walk_in.pk).exists() and User.objects.filter(pk=walk_in.user_id).exists()
    assert Worker.objects.count() == 21


def test_generated_ids_decrypt_and_match_their_blind_index(network):
    generate_workers(300, seed=5, today=TODAY)
    for w in generated_workers().select_related("user"):
        number = decrypt(w.id_cipher, context=services.ID_CONTEXT)
        parsed = parse_resident_id(number, today=TODAY)
        assert (parsed.birth_date, parsed.sex) == (w.birth_date, w.sex)
        assert services.id_lookup_key(number) == w.id_index
        assert w.id_masked == number[:6] + "********" + number[-4:]
        assert not w.user.has_usable_password()
        # The tier is the tier rule's answer, so recompute_tier would not change it.
        assert derive_tier(tier_input(w, TODAY)) == (w.tier, w.tier_reason)
    sample = generated_workers().first()
    assert sample is not None
    number = decrypt(sample.id_cipher, context=services.ID_CONTEXT)
    assert services.find_by_id_number(number) == sample
    assert AuditEntry.objects.filter(action="worker.bulk_generate").count() == 1
