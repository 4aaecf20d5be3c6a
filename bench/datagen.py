"""Synthetic recruiting history for the benchmark: years of applicants, fast.

The configuration (companies, recruiters, departments, jobs, languages) is created
with the ORM: a few dozen records. Partners, candidates, applicants, interviews and
the contact log are written with bulk SQL: Python draws each applicant's story
(``_draw``), COPY loads it into a staging table, and INSERT ... SELECT expands it
(``generate_series`` for the contact log, up to millions of rows). The stored
computed fields are then made consistent with what the ORM would have computed,
and the real planner plans every applicant, so that the due and not-due
applicants are exactly what the scheduled job would see.

Nothing here commits: the caller decides (the benchmark commits, tests do not).
"""

import io
import logging
import random
from datetime import timedelta

import pytz

from odoo import fields
from odoo.tools import SQL

from ..models.hr_applicant_contact_log import COUNTED_SQL

_logger = logging.getLogger(__name__)

SURNAMES = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Gao",
    "Luo",
    "Zheng",
    "Liang",
    "Xie",
    "Song",
    "Tang",
    "Han",
    "Feng",
    "Deng",
    "Cao",
    "Peng",
]
GIVEN = [
    "Wei",
    "Fang",
    "Na",
    "Min",
    "Jing",
    "Lei",
    "Jun",
    "Yang",
    "Yong",
    "Yan",
    "Jie",
    "Tao",
    "Ming",
    "Chao",
    "Xiuying",
    "Hua",
    "Ping",
    "Gang",
    "Hui",
    "Xin",
    "Yu",
    "Hao",
    "Yi",
    "Ting",
    "Qiang",
    "Lan",
    "Bo",
    "Rui",
    "Kai",
    "Xue",
]
WESTERN = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Grace",
    "Henry",
    "Julia",
    "Lucas",
    "Mia",
    "Noah",
]
JOBS = (
    "Backend Engineer",
    "Frontend Engineer",
    "Data Analyst",
    "Product Manager",
    "Sales Representative",
    "HR Specialist",
    "Accountant",
    "QA Engineer",
    "UI Designer",
    "Operations Manager",
    "Customer Success Manager",
    "Supply Chain Planner",
    "Mechanical Engineer",
    "Marketing Specialist",
    "Legal Counsel",
    "Embedded Engineer",
    "Recruiter",
    "Financial Analyst",
    "Store Manager",
    "Technical Writer",
)
DEPARTMENTS = ("Engineering", "Sales", "Finance", "People", "Operations", "Marketing")
COMPANIES = (
    ("Shanghai HQ", "Asia/Shanghai"),
    ("Shenzhen R&D", "Asia/Shanghai"),
    ("Singapore Sales", "Asia/Singapore"),
)
# Candidates' own time zones (None: unknown, the company's is used).
CANDIDATE_TZ = (
    ("Asia/Shanghai", 70),
    ("Asia/Hong_Kong", 5),
    ("Asia/Singapore", 5),
    ("America/Los_Angeles", 4),
    ("Europe/Berlin", 4),
    ("Asia/Tokyo", 2),
    (None, 10),
)
RECRUITER_TZ = (("Asia/Shanghai", 85), ("Asia/Singapore", 10), ("Europe/Berlin", 5))
CHANNELS = (
    ("phone", 35),
    ("wechat", 30),
    ("email", 18),
    ("wecom", 10),
    ("sms", 4),
    ("meeting", 3),
)
OUTCOMES = (
    ("positive", 35),
    ("neutral", 25),
    ("no_response", 20),
    ("negative", 5),
    (None, 15),
)
SUMMARIES = (
    "Called to confirm the interview time and the documents to bring.",
    "Sent the job description and the team's introduction on WeChat.",
    "Discussed salary expectations and notice period with the candidate.",
    "Candidate asked about remote work and the probation period.",
    "Shared feedback from the first interview; candidate keen to continue.",
    "Left a voice message, no answer yet.",
    "Candidate has another offer, wants our decision within a week.",
    "Explained the onboarding formalities and the background check.",
)
# The story of each generated applicant that is not due now. Weights in percent.
NOT_DUE_CATEGORIES = (
    ("new", 25),  # New / Initial qualification: no follow-up stage
    ("interview_past", 8),  # first interview done days ago: thank-you expired
    ("interview_future", 2),  # first interview in the coming days: thank-you planned
    ("pre_offer", 3),  # second interview, contacted in the last days
    ("offer_recent", 1),  # offer made a few hours ago, first day in weeks
    ("hired", 7),  # hired years ago, every checkpoint behind them
    ("pool_recent", 8),  # refused in the last weeks: first pool touch planned
    ("pool_low", 6),  # refused, worth little follow-up: the pool rule stops
    ("pool_done", 30),  # refused years ago, every pool touch already sent
    ("declined_recent", 1),  # declined an offer in the last weeks
    ("archived", 9),  # archived without a reason
)
# Relative number of manual contacts logged per applicant, by story.
MANUAL_LOG_WEIGHT = {
    "due": 4,
    "new": 1,
    "interview_past": 4,
    "interview_future": 3,
    "pre_offer": 6,
    "offer_recent": 8,
    "hired": 10,
    "pool_recent": 5,
    "pool_low": 3,
    "pool_done": 4,
    "declined_recent": 8,
    "archived": 1,
}
POOL_MAX_SENT = 9  # the shipped talent-pool rule: a first touch + 8 repetitions


def _weighted(rng, choices):
    values = [value for value, _weight in choices]
    weights = [weight for _value, weight in choices]
    return rng.choices(values, weights)[0]


def setup(env, seed=42):
    """Companies, recruiters, departments, jobs and languages, with the ORM.

    Idempotent: a second call returns what the first one created.

    :return: dict with the ids the SQL generation needs
    """
    existing = env["res.users"].search([("login", "=like", "bench_recruiter_%")])
    if existing:
        return _config(env)
    rng = random.Random(seed)
    env = env(context=dict(env.context, tracking_disable=True, no_reset_password=True))
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(["hr_recruitment_followup"], ["zh_CN"])
    main = env.ref("base.main_company")
    companies = main
    main.write({"name": COMPANIES[0][0], "followup_tz": COMPANIES[0][1]})
    main.partner_id.write({"email": "jobs@hq.example.com", "lang": "zh_CN"})
    for name, tz in COMPANIES[1:]:
        vals = {
            "name": name,
            "followup_tz": tz,
            "email": f"jobs@{len(companies)}.example.com",
        }
        if "iap_enrich_auto_done" in env["res.company"]._fields:
            vals["iap_enrich_auto_done"] = True  # no call to Odoo's enrichment service
        companies |= env["res.company"].create(vals)
    # The administrator manages recruiting in every company.
    env.ref("base.user_admin").write({"company_ids": [(4, c.id) for c in companies]})
    group = env.ref("hr_recruitment.group_hr_recruitment_user")
    users = env["res.users"]
    for index in range(24):
        company = companies[index % len(companies)]
        name = f"{SURNAMES[index]} {GIVEN[(index * 7) % len(GIVEN)]}"
        users |= (
            env["res.users"]
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                {
                    "name": f"{name} (HR)",
                    "login": f"bench_recruiter_{index:02d}",
                    "email": f"recruiter{index:02d}@example.com",
                    "tz": _weighted(rng, RECRUITER_TZ),
                    "company_id": company.id,
                    "company_ids": [(6, 0, companies.ids)],
                    "groups_id": [(6, 0, [group.id, env.ref("base.group_user").id])],
                }
            )
        )
    jobs = env["hr.job"]
    for company_index, company in enumerate(companies):
        company_users = users.filtered(lambda u, c=company: u.company_id == c)
        departments = env["hr.department"].create(
            [{"name": name, "company_id": company.id} for name in DEPARTMENTS]
        )
        jobs |= env["hr.job"].create(
            [
                {
                    "name": f"{name} ({company.name})",
                    "company_id": company.id,
                    "user_id": company_users[index % len(company_users)].id,
                    "department_id": departments[index % len(departments)].id,
                    "followup_tier": "core"
                    if index % 5 == company_index
                    else "standard",
                }
                for index, name in enumerate(JOBS)
            ]
        )
    env.flush_all()
    return _config(env)


def _config(env):
    users = env["res.users"].search(
        [("login", "=like", "bench_recruiter_%")], order="id"
    )
    jobs = env["hr.job"].search([("user_id", "in", users.ids)], order="id")
    stage = {f"job{i}": env.ref(f"hr_recruitment.stage_job{i}").id for i in range(6)}
    followup = {
        name: env.ref(f"hr_recruitment_followup.followup_stage_{name}").id
        for name in (
            "post_interview",
            "pre_offer",
            "pre_onboarding",
            "talent_pool",
            "offer_declined",
        )
    }
    rules = {
        name: env.ref(f"hr_recruitment_followup.followup_rule_{name}").id
        for name in ("talent_pool", "confirm_intent")
    }
    # The benchmark measures the job's automatic sends: the rules that ship as
    # "recruiter reviews first" for core positions send directly here.
    reviewed = (
        env["hr.recruitment.followup.rule"]
        .with_context(active_test=False)
        .search([("send_mode", "!=", "auto")])
    )
    if reviewed:
        reviewed.write({"send_mode": "auto"})
    reasons = env["hr.applicant.refuse.reason"].search([])
    return {
        "users": users.ids,
        "jobs": [
            (job.id, job.company_id.id, job.department_id.id, job.user_id.id)
            for job in jobs
        ],
        "stage": stage,
        "followup": followup,
        "rules": rules,
        # Who ended the application decides the follow-up stage (an offer the
        # candidate declined is not the talent pool).
        "reasons": {
            refused_by: reasons.filtered(lambda r, b=refused_by: r.refused_by == b).ids
            for refused_by in ("company", "candidate")
        },
        "offer_declined_reason": env.ref(
            "hr_recruitment_followup.refuse_reason_offer_declined"
        ).id,
    }


def _story_due(rng, now, story):
    # Refused, in the talent pool for 90 days or more: the pool touch is due.
    # Half get their first touch, the others a repetition 120 days after the
    # previous one.
    story.update(refused=True, active=False, stage=rng.choice(("job2", "job3", "job4")))
    if story["stage"] == "job4":
        # After the offer, only our own refusal leads to the talent pool.
        story["refused_by"] = "company"
    if rng.random() < 0.5:
        stage_date = now - timedelta(days=90, minutes=rng.randint(1, 60 * 24 * 30))
    else:
        sent = rng.randint(1, POOL_MAX_SENT - 1)
        last = now - timedelta(days=120, minutes=rng.randint(1, 60 * 24 * 20))
        stage_date = last - timedelta(days=90 + 120 * (sent - 1))
        story.update(pool_sent=sent, pool_last=last)
    story["interview"] = stage_date - timedelta(days=rng.randint(3, 20))
    story["worth"] = (rng.randint(3, 5), rng.randint(2, 5), rng.randint(3, 5))
    _join_pool(rng, now, story, stage_date)
    return stage_date


def _join_pool(rng, now, story, stage_date):
    """In the talent pool with the candidate's consent, until a day to come: the
    pool's rules only reach such candidates."""
    story.update(
        pool=True,
        pool_date=stage_date.date(),
        pool_expiry=(now + timedelta(days=rng.randint(30, 720))).date(),
    )


def _story_new(rng, now, story):
    story["stage"] = rng.choice(("job0", "job0", "job1"))
    return now - timedelta(minutes=rng.randint(60 * 6, 60 * 24 * 60))


def _story_interview_past(rng, now, story):
    stage_date = now - timedelta(days=rng.randint(4, 60))
    story.update(stage="job2", interview=stage_date + timedelta(hours=20))
    return stage_date


def _story_interview_future(rng, now, story):
    story.update(
        stage="job2", interview=now + timedelta(minutes=rng.randint(600, 14 * 1440))
    )
    return now - timedelta(days=rng.randint(1, 5))


def _story_pre_offer(rng, now, story):
    stage_date = now - timedelta(days=rng.randint(4, 30))
    story.update(
        stage="job3",
        interview=stage_date - timedelta(days=1),
        recent_contact=now - timedelta(minutes=rng.randint(60, int(3.3 * 1440))),
    )
    return stage_date


def _story_offer_recent(rng, now, story):
    stage_date = now - timedelta(minutes=rng.randint(60, 18 * 60))
    story.update(
        stage="job4",
        interview=stage_date - timedelta(days=5),
        start_date=(now + timedelta(days=rng.randint(20, 60))).date(),
        onboarding="pending_start",
    )
    return stage_date


def _story_hired(rng, now, story):
    stage_date = now - timedelta(days=rng.randint(60, 5 * 365))
    story.update(
        stage="job5",
        closed=stage_date,
        interview=stage_date - timedelta(days=10),
        start_date=(stage_date + timedelta(days=30)).date(),
        confirm_logged=True,
        onboarding="started",
    )
    return stage_date


def _story_pool(rng, now, story):
    story.update(refused=True, active=False, stage=rng.choice(("job1", "job2", "job3")))
    if story["category"] == "pool_recent":
        stage_date = now - timedelta(minutes=rng.randint(600, 88 * 1440))
        story["worth"] = (rng.randint(3, 5), rng.randint(2, 5), rng.randint(3, 5))
    elif story["category"] == "pool_low":
        stage_date = now - timedelta(days=rng.randint(30, 4 * 365))
        story["worth"] = (1, rng.randint(1, 2), 1)
    else:
        stage_date = now - timedelta(days=rng.randint(3 * 365, 6 * 365))
        story.update(
            pool_sent=POOL_MAX_SENT,
            pool_last=stage_date + timedelta(days=90 + 120 * (POOL_MAX_SENT - 1)),
        )
    if story["stage"] != "job1":
        story["interview"] = stage_date - timedelta(days=rng.randint(3, 20))
    _join_pool(rng, now, story, stage_date)
    return stage_date


def _story_declined_recent(rng, now, story):
    stage_date = now - timedelta(minutes=rng.randint(600, 88 * 1440))
    # Refused with a reason saying the candidate declined: the offer-declined
    # follow-up stage (its note comes three months later).
    story.update(
        stage="job4",
        interview=stage_date - timedelta(days=8),
        refused=True,
        active=False,
        refused_by="offer_declined",
    )
    return stage_date


def _story_archived(rng, now, story):
    story.update(stage=rng.choice(("job0", "job1")), active=False)
    return now - timedelta(days=rng.randint(10, 5 * 365))


STORIES = {
    "due": _story_due,
    "new": _story_new,
    "interview_past": _story_interview_past,
    "interview_future": _story_interview_future,
    "pre_offer": _story_pre_offer,
    "offer_recent": _story_offer_recent,
    "hired": _story_hired,
    "pool_recent": _story_pool,
    "pool_low": _story_pool,
    "pool_done": _story_pool,
    "declined_recent": _story_declined_recent,
    "archived": _story_archived,
}


def _draw(rng, category, now):
    """One applicant's story: dates, stage, status, scores, contacts."""
    story = {
        "category": category,
        "stage": "job0",
        "active": True,
        "refused": False,
        "closed": None,
        "start_date": None,
        "interview": None,
        "recent_contact": None,
        "pool_sent": 0,
        "pool_last": None,
        "confirm_logged": False,
        "refused_by": None,
        "onboarding": None,
        "pool": False,
        "pool_date": None,
        "pool_expiry": None,
        "worth": tuple(rng.choice((0, 0, 1, 2, 3, 3, 4, 5)) for _i in range(3)),
    }
    stage_date = STORIES[category](rng, now, story)
    create_date = stage_date - timedelta(minutes=rng.randint(60, 60 * 24 * 45))
    if story["interview"] and story["interview"] < create_date:
        create_date = story["interview"] - timedelta(days=2)
    if category != "due":
        create_date = max(create_date, now - timedelta(days=6 * 365))
    story.update(stage_date=stage_date, create_date=create_date)
    return story


def _refuse_reason(rng, config, story):
    if not story["refused"]:
        return None
    if story["refused_by"] == "offer_declined":
        return config["offer_declined_reason"]
    reasons = config["reasons"]
    if story["refused_by"]:
        return rng.choice(reasons[story["refused_by"]])
    return rng.choice(reasons["company"] + reasons["candidate"])


def _copy(cr, table, columns, rows):
    """COPY rows (tuples) into table: the fastest way in for Python-made rows."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write(
            "\t".join(
                "\\N"
                if value is None
                else str(value)
                .replace("\\", "\\\\")
                .replace("\t", " ")
                .replace("\n", " ")
                for value in row
            )
        )
        buffer.write("\n")
    buffer.seek(0)
    cr._obj.copy_expert(  # pylint: disable=protected-access
        f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer
    )


def _awake(tz, now, hour_from=9, hour_to=20):
    """Whether ``now`` (naive UTC) is within the contact hours in ``tz`` (the
    companies' default ones; None: unknown, not counted as awake)."""
    if not tz:
        return False
    local = pytz.utc.localize(now).astimezone(pytz.timezone(tz))
    return hour_from <= local.hour < hour_to


def _awake_tz(rng, now):
    """A candidate time zone in which ``now`` is within contact hours (one
    always is: Shanghai, Berlin and Los Angeles cover the day)."""
    names = [name for name, _w in CANDIDATE_TZ if _awake(name, now)]
    weights = [w for name, w in CANDIDATE_TZ if name in names]
    return rng.choices(names, weights)[0]


def generate(env, applicants, due, logs, seed=42, now=None, plan=True):
    """Generate ``applicants`` applicants of which ``due`` have a follow-up due now.

    :param logs: target number of contact-log rows for these applicants (the
        stories fix a minimum: the pool touches already sent)
    :return: dict: ``due_ids``, ``applicant_ids``, ``log_count``, ``now``
    """
    now = now or fields.Datetime.now()
    config = setup(env, seed)
    cr = env.cr
    rng = random.Random(f"{seed}-{applicants}-{due}-{_max_id(cr, 'hr_applicant')}")
    stories = [_draw(rng, "due", now) for _i in range(due)]
    categories = [c for c, _w in NOT_DUE_CATEGORIES]
    weights = [w for _c, w in NOT_DUE_CATEGORIES]
    stories += [
        _draw(rng, category, now)
        for category in rng.choices(categories, weights, k=max(applicants - due, 0))
    ]
    rng.shuffle(stories)
    automated = sum(
        s["pool_sent"] + s["confirm_logged"] + bool(s["recent_contact"])
        for s in stories
    )
    manual_budget = max(logs - automated, 0)
    total_weight = sum(MANUAL_LOG_WEIGHT[s["category"]] for s in stories) or 1
    scale = manual_budget / total_weight
    rows = []
    for seq, story in enumerate(stories, 1):
        job_id, company_id, department_id, user_id = rng.choice(config["jobs"])
        expected = MANUAL_LOG_WEIGHT[story["category"]] * scale
        n_logs = int(expected) + (rng.random() < expected - int(expected))
        surname = rng.choice(SURNAMES)
        tz = _weighted(rng, CANDIDATE_TZ)
        if story["category"] == "due" and not _awake(tz, now):
            # Due now means may be contacted now: the planner plans a follow-up
            # for the candidate's contact hours, so a due one is awake.
            tz = _awake_tz(rng, now)
        if tz in ("America/Los_Angeles", "Europe/Berlin"):
            name = f"{rng.choice(WESTERN)} {surname}"
        else:
            name = f"{surname} {rng.choice(GIVEN)}"
        lang = (
            "zh_CN"
            if tz in ("Asia/Shanghai", "Asia/Hong_Kong", None) and (rng.random() < 0.6)
            else "en_US"
        )
        job1, job2, job3 = story["worth"]
        email = f"{name.lower().replace(' ', '.')}.{seq}.{rng.randint(1000, 9999)}"
        email += "@example.com"
        phone = None
        if rng.random() < 0.8:
            phone = f"+86 13{rng.randint(0, 9)} {rng.randint(1000, 9999)} "
            phone += f"{rng.randint(1000, 9999)}"
        rows.append(
            (
                seq,
                story["category"],
                name,
                email,
                phone,
                tz,
                lang,
                job_id,
                company_id,
                department_id,
                user_id,
                config["stage"][story["stage"]],
                story["active"],
                _refuse_reason(rng, config, story),
                story["closed"],
                story["create_date"],
                story["stage_date"],
                story["start_date"],
                job1,
                job2,
                job3,
                story["interview"],
                rng.choice(config["users"]),
                story["recent_contact"],
                story["pool_sent"],
                story["pool_last"],
                story["confirm_logged"],
                story["onboarding"],
                story["pool"],
                story["pool_date"],
                story["pool_expiry"],
                n_logs,
            )
        )
    cr.execute("DROP TABLE IF EXISTS bench_story")
    cr.execute(
        """
        CREATE UNLOGGED TABLE bench_story (
            seq int PRIMARY KEY, category varchar, name varchar, email varchar,
            phone varchar, tz varchar, lang varchar, job_id int, company_id int,
            department_id int, user_id int, stage_id int, active bool,
            refuse_reason_id int, date_closed timestamp, create_date timestamp,
            stage_date timestamp, start_date date, worth_job_match int,
            worth_stability int, worth_intent int, interview timestamp,
            interviewer_id int, recent_contact timestamp, pool_sent int,
            pool_last timestamp, confirm_logged bool, onboarding_state varchar,
            in_pool bool, pool_date date, pool_expiry date, n_logs int,
            partner_id int, candidate_id int, applicant_id int
        )
        """
    )
    _copy(cr, "bench_story", BENCH_STORY_COLUMNS, rows)
    cr.execute(
        """
        UPDATE bench_story SET
            partner_id = nextval('res_partner_id_seq'),
            candidate_id = nextval('hr_candidate_id_seq'),
            applicant_id = nextval('hr_applicant_id_seq')
        """
    )
    _insert_people(cr, now)
    _insert_interviews(env, now)
    _compute_applicant_fields(env)
    cr.execute("SELECT setseed(%s)", (rng.random() * 2 - 1,))
    log_count = _insert_logs(cr, config, now)
    _compute_contact_dates(env)
    cr.execute("SELECT applicant_id FROM bench_story WHERE category = 'due' ORDER BY 1")
    due_ids = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT applicant_id FROM bench_story ORDER BY 1")
    applicant_ids = [row[0] for row in cr.fetchall()]
    cr.execute("DROP TABLE bench_story")
    for table in (
        "res_partner",
        "hr_candidate",
        "hr_applicant",
        "calendar_event",
        "hr_applicant_contact_log",
    ):
        cr.execute(f"ANALYZE {table}")
    env.invalidate_all()
    if plan:
        plan_applicants(env, applicant_ids)
    return {
        "due_ids": due_ids,
        "applicant_ids": applicant_ids,
        "log_count": log_count,
        "now": now,
    }


BENCH_STORY_COLUMNS = (
    "seq",
    "category",
    "name",
    "email",
    "phone",
    "tz",
    "lang",
    "job_id",
    "company_id",
    "department_id",
    "user_id",
    "stage_id",
    "active",
    "refuse_reason_id",
    "date_closed",
    "create_date",
    "stage_date",
    "start_date",
    "worth_job_match",
    "worth_stability",
    "worth_intent",
    "interview",
    "interviewer_id",
    "recent_contact",
    "pool_sent",
    "pool_last",
    "confirm_logged",
    "onboarding_state",
    "in_pool",
    "pool_date",
    "pool_expiry",
    "n_logs",
)


def _max_id(cr, table):
    cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    return cr.fetchone()[0]


def _insert_people(cr, now):
    # Each partner is its own commercial partner: PostgreSQL checks that foreign
    # key against res_partner, which this very statement fills. The check's
    # plan, cached in this session since the setup created a few partners
    # through the ORM, scans the table: every row would read all rows inserted
    # before it (quadratic: 16 minutes for 100,000 partners). Planned for each
    # row instead, it uses the primary key.
    cr.execute("SET LOCAL plan_cache_mode = force_custom_plan")
    cr.execute(
        """
        INSERT INTO res_partner (
            id, name, complete_name, email, email_normalized, tz, lang,
            active, type, is_company, partner_share, commercial_partner_id,
            create_uid, write_uid, create_date, write_date
        )
        SELECT partner_id, name, name, email, email, tz, lang,
            TRUE, 'contact', FALSE, TRUE, partner_id,
            1, 1, create_date, create_date
        FROM bench_story
        """
    )
    cr.execute("SET LOCAL plan_cache_mode = auto")
    # The phone is the candidate's (the partner's is indexed by trigrams, slow to
    # fill with a hundred thousand similar numbers, and not read here). Stored as
    # hr.candidate stores it: sanitized to E.164.
    cr.execute(
        """
        INSERT INTO hr_candidate (
            id, partner_id, partner_name, email_from, email_normalized,
            partner_phone, partner_phone_sanitized, company_id, user_id, active,
            priority, color, in_talent_pool, talent_pool_consent,
            talent_pool_consent_date, talent_pool_reason, talent_pool_date,
            talent_pool_expiry, create_uid, write_uid, create_date, write_date
        )
        SELECT candidate_id, partner_id, name, email, email,
            phone, CASE WHEN phone IS NULL THEN NULL
                ELSE regexp_replace(phone, '[^+0-9]', '', 'g') END,
            company_id, user_id, TRUE,
            '0', 0, in_pool, in_pool, pool_date,
            CASE WHEN in_pool THEN 'Strong profile, open to future positions.' END,
            pool_date, pool_expiry, 1, 1, create_date, create_date
        FROM bench_story
        """
    )
    cr.execute(
        """
        INSERT INTO hr_applicant (
            id, candidate_id, job_id, company_id, department_id, user_id,
            stage_id, last_stage_id, active, refuse_reason_id, refuse_date,
            date_closed, date_open, date_last_stage_update, create_date,
            write_date, create_uid, write_uid, kanban_state, priority,
            probability, start_date, worth_job_match, worth_stability,
            worth_intent, followup_stage_date, onboarding_state,
            furthest_stage_id, followup_needs_plan
        )
        SELECT applicant_id, candidate_id, job_id, company_id, department_id,
            user_id, stage_id, stage_id, active, refuse_reason_id,
            CASE WHEN refuse_reason_id IS NOT NULL THEN stage_date END,
            date_closed, create_date, stage_date, create_date, stage_date, 1, 1,
            'normal', '0', 0, start_date, worth_job_match, worth_stability,
            worth_intent, stage_date, onboarding_state, stage_id, FALSE
        FROM bench_story
        """
    )


def _insert_interviews(env, now):
    model_id = env["ir.model"]._get_id("hr.applicant")
    env.cr.execute(
        """
        INSERT INTO calendar_event (
            name, start, stop, duration, allday, active, privacy, show_as,
            user_id, applicant_id, candidate_id, res_model, res_model_id, res_id,
            create_uid, write_uid, create_date, write_date
        )
        SELECT 'Interview: ' || name, interview, interview + interval '1 hour', 1.0,
            FALSE, TRUE, 'public', 'busy', interviewer_id, applicant_id,
            candidate_id, 'hr.applicant', %s, applicant_id, 1, 1,
            LEAST(interview, %s), LEAST(interview, %s)
        FROM bench_story
        WHERE interview IS NOT NULL
        """,
        (model_id, now, now),
    )


def _insert_logs(cr, config, now):
    """Manual contacts spread over each applicant's life, plus the automated
    messages its story says were already sent (same keys as the scheduled job's)."""
    before = _max_id(cr, "hr_applicant_contact_log")
    # Manual contacts: between the application and the stage change (never in
    # the last days of a due applicant: the caps would defer its follow-up).
    cr.execute(
        """
        INSERT INTO hr_applicant_contact_log (
            applicant_id, candidate_id, company_id, job_id, user_id,
            followup_stage_id, channel, direction, contact_date, automated,
            summary, outcome, next_step, next_contact_date,
            create_uid, write_uid, create_date, write_date
        )
        SELECT s.applicant_id, s.candidate_id, s.company_id, s.job_id, s.user_id,
            NULL, c.channel,
            CASE WHEN r.r2 < 0.22 THEN 'inbound' ELSE 'outbound' END,
            c.contact_date, FALSE,
            (%(summaries)s)[1 + floor(r.r3 * %(n_summaries)s)::int],
            (ARRAY['positive', 'positive', 'positive', 'neutral', 'neutral',
                   'no_response', 'no_response', 'negative', NULL, NULL])
                [1 + floor(r.r4 * 10)::int],
            CASE WHEN r.r5 < 0.3 THEN 'Send the interview feedback' END,
            CASE WHEN r.r5 < 0.3 THEN (
                c.contact_date + (1 + floor(r.r6 * 10)::int) * interval '1 day'
            )::date END,
            1, 1, c.contact_date, c.contact_date
        FROM bench_story s
        CROSS JOIN LATERAL generate_series(1, s.n_logs) g(n)
        CROSS JOIN LATERAL (
            SELECT random() + g.n * 0 AS r1, random() AS r2, random() AS r3,
                random() AS r4, random() AS r5, random() AS r6, random() AS r7
        ) r
        CROSS JOIN LATERAL (
            SELECT s.create_date + r.r1 * (
                    LEAST(s.stage_date, %(now)s::timestamp - interval '9 days')
                    - s.create_date
                ) AS contact_date,
                (ARRAY['phone', 'phone', 'phone', 'phone', 'wechat', 'wechat',
                       'wechat', 'email', 'email', 'wecom', 'sms', 'meeting'])
                    [1 + floor(r.r7 * 12)::int] AS channel
        ) c
        WHERE LEAST(s.stage_date, %(now)s::timestamp - interval '9 days')
            > s.create_date
        """,
        {"summaries": list(SUMMARIES), "n_summaries": len(SUMMARIES), "now": now},
    )
    # A contact in the last days keeps a pre-offer light touch in the future.
    cr.execute(
        """
        INSERT INTO hr_applicant_contact_log (
            applicant_id, candidate_id, company_id, job_id, user_id,
            followup_stage_id, channel, direction, contact_date, automated, summary,
            outcome, create_uid, write_uid, create_date, write_date
        )
        SELECT s.applicant_id, s.candidate_id, s.company_id, s.job_id, s.user_id,
            a.followup_stage_id, 'wechat', 'outbound', s.recent_contact, FALSE,
            'Asked how the candidate feels about the second interview.', 'positive',
            1, 1, s.recent_contact, s.recent_contact
        FROM bench_story s JOIN hr_applicant a ON a.id = s.applicant_id
        WHERE s.recent_contact IS NOT NULL
        """
    )
    # Talent-pool touches already sent, with the scheduled job's key.
    cr.execute(
        """
        INSERT INTO hr_applicant_contact_log (
            applicant_id, candidate_id, company_id, job_id, user_id,
            followup_stage_id, channel, direction, contact_date, automated,
            summary, rule_id, followup_anchor, followup_occurrence,
            create_uid, write_uid, create_date, write_date
        )
        SELECT s.applicant_id, s.candidate_id, s.company_id, s.job_id, NULL,
            %(pool_stage)s, 'email', 'outbound',
            s.pool_last - (s.pool_sent - g.n) * interval '120 days', TRUE,
            'News from our company', %(pool_rule)s,
            'pool:' || to_char(s.pool_date, 'YYYY-MM-DD'),
            g.n - 1, 1, 1,
            s.pool_last - (s.pool_sent - g.n) * interval '120 days',
            s.pool_last - (s.pool_sent - g.n) * interval '120 days'
        FROM bench_story s
        CROSS JOIN LATERAL generate_series(1, s.pool_sent) g(n)
        WHERE s.pool_sent > 0
        """,
        {
            "pool_stage": config["followup"]["talent_pool"],
            "pool_rule": config["rules"]["talent_pool"],
        },
    )
    # Hired long ago: the intent was confirmed the day after the offer.
    cr.execute(
        """
        INSERT INTO hr_applicant_contact_log (
            applicant_id, candidate_id, company_id, job_id, user_id,
            followup_stage_id, channel, direction, contact_date, automated,
            summary, rule_id, followup_anchor, followup_occurrence,
            create_uid, write_uid, create_date, write_date
        )
        SELECT applicant_id, candidate_id, company_id, job_id, NULL,
            %(stage)s, 'phone', 'outbound', stage_date + interval '1 day', TRUE,
            'Confirm the intent the day after the offer', %(rule)s,
            'stage:' || %(stage)s || ':'
                || to_char(stage_date, 'YYYY-MM-DD HH24:MI:SS'),
            0, 1, 1, stage_date + interval '1 day', stage_date + interval '1 day'
        FROM bench_story WHERE confirm_logged
        """,
        {
            "stage": config["followup"]["pre_onboarding"],
            "rule": config["rules"]["confirm_intent"],
        },
    )
    cr.execute("SELECT COUNT(*) FROM hr_applicant_contact_log WHERE id > %s", (before,))
    return cr.fetchone()[0]


def _compute_applicant_fields(env):
    """Stored computed fields of the applicants, as the ORM computes them."""
    cr = env.cr
    Applicant = env["hr.applicant"].with_context(active_test=False)
    # Who ended the application: the refuse reason says it.
    cr.execute(
        """
        UPDATE hr_applicant a SET declined_by = r.refused_by
        FROM bench_story s, hr_applicant_refuse_reason r
        WHERE s.applicant_id = a.id AND r.id = a.refuse_reason_id
        """
    )
    # Follow-up stage: the mapping depends on (pipeline stage, status, who ended
    # the application) only, so the ORM decides one applicant of each
    # combination and SQL copies it.
    cr.execute(
        """
        SELECT DISTINCT ON (a.stage_id, a.refuse_reason_id IS NULL, a.active,
                            a.date_closed IS NULL, a.declined_by)
            a.id
        FROM hr_applicant a JOIN bench_story s ON s.applicant_id = a.id
        """
    )
    samples = Applicant.browse([row[0] for row in cr.fetchall()])
    matches = env["hr.recruitment.followup.stage"]._find_for_applicants(samples)
    for sample in samples:
        cr.execute(
            """
            UPDATE hr_applicant a SET followup_stage_id = %s
            FROM bench_story s, hr_applicant x
            WHERE s.applicant_id = a.id AND x.id = %s
              AND a.stage_id = x.stage_id
              AND (a.refuse_reason_id IS NULL) = (x.refuse_reason_id IS NULL)
              AND a.active = x.active
              AND (a.date_closed IS NULL) = (x.date_closed IS NULL)
              AND a.declined_by IS NOT DISTINCT FROM x.declined_by
            """,
            (matches[sample].id or None, sample.id),
        )
    cr.execute(
        """
        UPDATE hr_applicant a SET followup_stage_date = NULL
        FROM bench_story s
        WHERE s.applicant_id = a.id AND a.followup_stage_id IS NULL
        """
    )
    # Worth level: the mean of the scores given.
    cr.execute(
        """
        UPDATE hr_applicant a SET
            worth_level = CASE
                WHEN w.n = 0 THEN NULL
                WHEN w.total::float / w.n >= 3.5 THEN 'high'
                WHEN w.total::float / w.n >= 2.5 THEN 'medium'
                ELSE 'low' END
        FROM bench_story s
        CROSS JOIN LATERAL (
            SELECT (s.worth_job_match > 0)::int + (s.worth_stability > 0)::int
                    + (s.worth_intent > 0)::int AS n,
                s.worth_job_match + s.worth_stability + s.worth_intent AS total
        ) w
        WHERE s.applicant_id = a.id
        """
    )


def _compute_contact_dates(env):
    """Last contact, planned contact and last outbound contact, as the ORM
    computes them from the log."""
    cr = env.cr
    # Last contact (an email once sent), and the contact the recruiter planned
    # in the latest contact people logged
    # (due when the company's contact hours start, in the recruiter's time zone).
    cr.execute(
        SQL(
            """
        UPDATE hr_applicant a SET
            last_contact_date = l.contact_date,
            last_touch_date = l.touched,
            followup_planned_date = CASE WHEN l.next_contact_date IS NOT NULL THEN
                (l.next_contact_date + make_interval(
                    mins => round(c.followup_hour_from * 60)::int))
                AT TIME ZONE COALESCE(p.tz, c.followup_tz, 'UTC') AT TIME ZONE 'UTC'
            END,
            next_followup_date = CASE WHEN l.next_contact_date IS NOT NULL THEN
                (l.next_contact_date + make_interval(
                    mins => round(c.followup_hour_from * 60)::int))
                AT TIME ZONE COALESCE(p.tz, c.followup_tz, 'UTC') AT TIME ZONE 'UTC'
            END
        FROM (
            SELECT l.applicant_id,
                MAX(l.contact_date) FILTER (WHERE %(counted)s) AS contact_date,
                (ARRAY_AGG(l.next_contact_date
                           ORDER BY l.contact_date DESC, l.id DESC)
                    FILTER (WHERE l.automated IS NOT TRUE))[1] AS next_contact_date,
                MAX(l.contact_date) FILTER (
                    WHERE %(counted)s AND l.direction = 'outbound') AS touched
            FROM hr_applicant_contact_log l
            JOIN bench_story s ON s.applicant_id = l.applicant_id
            GROUP BY l.applicant_id
        ) l, res_company c, res_users u, res_partner p
        WHERE a.id = l.applicant_id AND c.id = a.company_id AND u.id = a.user_id
          AND p.id = u.partner_id
        """,
            counted=SQL(COUNTED_SQL),
        )
    )


def plan_applicants(env, applicant_ids, batch_size=2000, commit=None):
    """Plan these applicants with the real planner, batch by batch."""
    Applicant = env["hr.applicant"].with_context(
        active_test=False, tracking_disable=True
    )
    for start in range(0, len(applicant_ids), batch_size):
        Applicant.browse(
            applicant_ids[start : start + batch_size]
        )._plan_next_followup()
        env.flush_all()
        env.invalidate_all()
        if commit:
            commit()
