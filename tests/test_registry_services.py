"""Registry services: one person per citizen, derived facts, employers and their codes, employments."""

from datetime import date

import pytest

from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import AuditEvent, Role
from laobao.registry import services
from laobao.registry.models import Employer, Person

from conftest import make_credit_code, make_id


def _register(user, region, citizen_id, name="王芳", **kw):
    return services.person_register(
        user=user, citizen_id=citizen_id, name=name, hukou_type=kw.get("hukou_type", "urban"),
        hukou_region_code="320508", residence_region_code=region.code, mobile=kw.get("mobile", ""),
    )


def test_sex_and_birth_date_come_from_the_id(city):
    with acting_as(None):
        p = _register(None, city["c11"], "11010519491231002X")
    assert (p.sex, p.birth_date) == ("F", date(1949, 12, 31))
    assert AuditEvent.objects.filter(action="person.register", object_id=str(p.pk)).exists()


def test_15_digit_id_is_upgraded_and_kept(city):
    with acting_as(None):
        p = _register(None, city["c11"], "130503670401001")
    assert p.citizen_id == "130503196704010016" and p.legacy_id15 == "130503670401001"
    assert p.sex == "M" and p.birth_date == date(1967, 4, 1)


def test_second_record_for_the_same_citizen_points_to_the_first(city):
    with acting_as(None):
        first = _register(None, city["c11"], "11010519491231002x")
        with pytest.raises(DomainError) as exc:
            _register(None, city["c21"], "11010519491231002X", name="别名")
    problem = exc.value.problems[0]
    assert problem.code == "person.duplicate" and f"/persons/{first.pk}/" in problem.zh and str(first.pk) in problem.en
    assert Person.objects.count() == 1


def test_bad_input_names_field_rule_and_fix(city):
    with acting_as(None), pytest.raises(DomainError) as exc:
        _register(None, city["c11"], "110105194912310021")
    p = exc.value.problems[0]
    assert (p.field, p.code) == ("citizen_id", "citizen_id.checksum")
    assert "GB 11643" in p.zh and "GB 11643" in p.en


@pytest.mark.parametrize("field,value,code", [
    ("name", "", "name.format"),
    ("hukou_type", "martian", "hukou_type.choice"),
    ("mobile", "12345", "mobile.format"),
])
def test_field_rules(city, field, value, code):
    kwargs = dict(user=None, citizen_id=make_id(seq=5), name="王芳", hukou_type="urban", hukou_region_code="320508",
                  residence_region_code=city["c11"].code, mobile="")
    kwargs[field] = value
    with acting_as(None), pytest.raises(DomainError) as exc:
        services.person_register(**kwargs)
    assert exc.value.problems[0].code == code


def test_person_must_live_in_a_current_community(city):
    with acting_as(None), pytest.raises(DomainError) as exc:
        _register(None, city["s1"], make_id(seq=7))
    assert exc.value.problems[0].code == "region.unknown"


def test_staff_write_only_inside_their_jurisdiction(city, make_user):
    worker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    with acting_as(worker):
        _register(worker, city["c11"], make_id(seq=8))
        with pytest.raises(Forbidden):
            _register(worker, city["c12"], make_id(seq=9))
    inspector = make_user(Role.INSPECTOR, city["city"])
    with acting_as(inspector), pytest.raises(Forbidden):
        _register(inspector, city["c11"], make_id(seq=10))


def test_update_never_touches_id_and_is_audited(city, make_person):
    p = make_person(city["c11"])
    with acting_as(None):
        services.person_update(user=None, person=p, name="张卫", mobile="13912345678")
    p.refresh_from_db()
    ev = AuditEvent.objects.filter(action="person.update").get()
    assert ev.before["name"] == "张伟" and ev.after["name"] == "张卫"
    assert p.citizen_id not in str(ev.before) + str(ev.after)  # the full ID is never copied into the log


def test_reveal_needs_permission_reason_and_is_logged(city, make_person, make_user):
    p = make_person(city["c11"])
    worker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    leader = make_user(Role.LEADER, city["city"])
    with acting_as(worker):
        with pytest.raises(DomainError):
            services.person_reveal_id(user=worker, person=p, reason="")
        assert services.person_reveal_id(user=worker, person=p, reason="核对参保登记") == p.citizen_id
    with acting_as(leader), pytest.raises(Forbidden):
        services.person_reveal_id(user=leader, person=p, reason="想看看而已")
    ev = AuditEvent.objects.get(action="person.reveal_id")
    assert ev.reason == "核对参保登记" and ev.actor_username == worker.username


def test_credit_code_links_the_legacy_org_code_record(city):
    code = make_credit_code(42)
    with acting_as(None):
        legacy = services.employer_register(user=None, org_code=code[8:17], name="老厂", type="collective",
                                            industry="C", size="small", region_code=city["s1"].code)
        linked = services.employer_register(user=None, credit_code=code, name="老厂有限公司", type="private",
                                            industry="C", size="small", region_code=city["s1"].code)
        with pytest.raises(DomainError) as exc:
            services.employer_register(user=None, credit_code=code, name="重复", type="private", industry="C",
                                       size="small", region_code=city["s1"].code)
    assert linked.pk == legacy.pk and linked.credit_code == code and Employer.objects.count() == 1
    assert exc.value.problems[0].code == "employer.duplicate"


def test_official_credit_code_example_registers(city):
    with acting_as(None):
        e = services.employer_register(user=None, credit_code="91350100m000100y43", name="示例公司", type="private",
                                       industry="I", size="medium", region_code=city["s1"].code)
    assert e.credit_code == "91350100M000100Y43" and e.org_code == "M000100Y4"


def test_no_overlapping_open_relation_with_the_same_employer(city, make_person, make_employer):
    p, e = make_person(city["c11"]), make_employer(city["s1"])
    with acting_as(None):
        r = services.relation_start(user=None, person=p, employer=e, start_date=date(2020, 1, 1))
        with pytest.raises(DomainError) as exc:
            services.relation_start(user=None, person=p, employer=e, start_date=date(2021, 6, 1))
        assert exc.value.problems[0].code == "relation.overlap"
        services.relation_end(user=None, relation=r, end_date=date(2021, 5, 31))
        services.relation_start(user=None, person=p, employer=e, start_date=date(2021, 6, 1))
        with pytest.raises(DomainError):  # a closed period may not overlap either
            services.relation_start(user=None, person=p, employer=e, start_date=date(2019, 1, 1),
                                    end_date=date(2020, 3, 1))
        other = make_employer(city["s1"])
        services.relation_start(user=None, person=p, employer=other, start_date=date(2021, 6, 1))


def test_a_legacy_employer_of_another_district_cannot_be_taken_over(city, make_user):
    code = make_credit_code(77, "320506")
    with acting_as(None):
        foreign = services.employer_register(user=None, org_code=code[8:17], name="吴中老厂", type="collective",
                                             industry="C", size="small", region_code=city["c31"].code)
    worker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    with acting_as(worker), pytest.raises(DomainError) as exc:
        services.employer_register(user=worker, credit_code=code, name="改名", type="private", industry="C",
                                   size="small", region_code=city["c11"].code)
    foreign.refresh_from_db()
    assert foreign.region == city["c31"] and foreign.name == "吴中老厂" and foreign.credit_code is None
    assert "吴中老厂" not in str(exc.value) and str(foreign.pk) not in exc.value.problems[0].zh


def test_duplicate_employer_of_another_district_is_not_named(city, make_user, make_employer):
    foreign = make_employer(city["c31"], name="吴中秘密厂")
    worker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    with acting_as(worker), pytest.raises(DomainError) as exc:
        services.employer_register(user=worker, credit_code=foreign.credit_code, name="x", type="private",
                                   industry="C", size="small", region_code=city["c11"].code)
    assert exc.value.problems[0].code == "employer.duplicate" and "秘密厂" not in str(exc.value)


def test_birth_date_conflict_cannot_take_the_legacy_value(city, make_person):
    from laobao.registry.models import MergeConflict

    p = make_person(city["c11"])
    c = MergeConflict.objects.create(source="wuzhong", person=p, field="birth_date", registry_value="1980-01-01",
                                     legacy_value="1981-01-01", row_number=2)
    with acting_as(None):
        with pytest.raises(DomainError) as exc:
            services.conflict_resolve(user=None, conflict=c, take_legacy=True)
        assert exc.value.problems[0].code == "conflict.id_authoritative"
        services.conflict_resolve(user=None, conflict=c, take_legacy=False)
    c.refresh_from_db()
    assert c.status == "kept"


def test_an_ended_employment_cannot_be_ended_again(city, make_person, make_employer):
    p, e = make_person(city["c11"]), make_employer(city["s1"])
    with acting_as(None):
        a = services.relation_start(user=None, person=p, employer=e, start_date=date(2020, 1, 1),
                                    end_date=date(2020, 6, 30))
        services.relation_start(user=None, person=p, employer=e, start_date=date(2021, 1, 1))
        with pytest.raises(DomainError) as exc:
            services.relation_end(user=None, relation=a, end_date=date(2022, 1, 1))
    assert exc.value.problems[0].code == "relation.already_ended"


def test_rare_characters_register_and_full_width_digits_do_not(city):
    with acting_as(None):
        p = _register(None, city["c11"], make_id(seq=31), name="王𠮷")
        assert p.name == "王𠮷"
        with pytest.raises(DomainError) as exc:
            services.person_register(user=None, citizen_id=make_id(seq=32), name="李四", hukou_type="urban",
                                     hukou_region_code="32０５０８", residence_region_code=city["c11"].code)
    assert exc.value.problems[0].code == "region_code.format"
