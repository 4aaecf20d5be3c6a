"""What the benchmark measures, on data made by ``datagen``.

Each measure returns plain dicts; ``run.py`` prints and records them. Nothing here
commits on its own: the addon's scheduled job commits per batch outside tests,
and the caller's ``commit`` callable (a no-op in tests) does the rest.
"""

import ast
import ctypes
import gc
import logging
import time
from contextlib import contextmanager

import psycopg2
from lxml import etree

from odoo import fields, sql_db
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from ..models.hr_applicant import DISPATCH_BATCH_SIZE

_logger = logging.getLogger(__name__)

# Reports are found by name, so that report models added by other features are
# timed without changing the benchmark.
REPORT_MODEL_PREFIXES = (
    "hr.recruitment.followup.report",
    "hr.applicant.followup.report",
)
# The reports of the reports feature (SQL views), named after what they report.
REPORT_MODELS = (
    "hr.recruitment.followup.funnel.report",
    "hr.recruitment.followup.decline.report",
    "hr.recruitment.followup.sla.report",
    "hr.recruitment.followup.pool.report",
)
# Columns of the applicant the scheduled job changes; restored between runs.
PLAN_COLUMNS = (
    "followup_rule_id",
    "followup_rule_due",
    "followup_rule_anchor",
    "followup_rule_occurrence",
    "followup_needs_plan",
    "next_followup_date",
    "last_contact_date",
    "followup_planned_date",
    "last_touch_date",
    "write_date",
)
WATCHED_TABLES = ("mail_message", "hr_applicant_contact_log", "mail_activity")


@contextmanager
def counting(cr):
    """Yield a dict that gets ``seconds`` and ``queries`` of the block."""
    result = {}
    queries = cr.sql_log_count
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - start
        # CPU time of this (Odoo) process only: PostgreSQL's work is not in it.
        result["cpu_seconds"] = time.process_time() - cpu
        result["queries"] = cr.sql_log_count - queries


def _max_ids(cr):
    marks = {}
    for table in WATCHED_TABLES:
        cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        marks[table] = cr.fetchone()[0]
    return marks


def snapshot(env, applicant_ids):
    """Remember the follow-up state of these applicants and the last rows of
    the tables a dispatch writes to, so that ``restore`` can replay the run."""
    cr = env.cr
    env.flush_all()
    cr.execute("DROP TABLE IF EXISTS bench_snapshot")
    cr.execute(
        f"""
        CREATE UNLOGGED TABLE bench_snapshot AS
        SELECT id, {", ".join(PLAN_COLUMNS)} FROM hr_applicant WHERE id = ANY(%s)
        """,
        (list(applicant_ids),),
    )
    return _max_ids(cr)


def vacuum(env, tables=("hr_applicant",)):
    """VACUUM ANALYZE, as autovacuum does in a database that lives: fresh
    statistics and no dead index entries left by the bulk loads and restores.
    (VACUUM cannot run in a transaction: a connection of its own.)"""
    env.cr.commit()
    _name, info = sql_db.connection_info_for(env.cr.dbname)
    connection = psycopg2.connect(**info)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.close()


def restore(env, marks):
    """Undo what happened since ``snapshot``: the same applicants are due again."""
    cr = env.cr
    env.flush_all()
    # mail.mail rows go with their message (ON DELETE CASCADE).
    cr.execute("DELETE FROM mail_message WHERE id > %s", (marks["mail_message"],))
    cr.execute(
        "DELETE FROM hr_applicant_contact_log WHERE id > %s",
        (marks["hr_applicant_contact_log"],),
    )
    cr.execute("DELETE FROM mail_activity WHERE id > %s", (marks["mail_activity"],))
    cr.execute(
        f"""
        UPDATE hr_applicant a SET {", ".join(f"{c} = s.{c}" for c in PLAN_COLUMNS)}
        FROM bench_snapshot s WHERE s.id = a.id
        """
    )
    env.invalidate_all()


def created_since(env, marks):
    """Mails, contact logs and activities written since ``marks``."""
    cr = env.cr
    env.flush_all()
    cr.execute(
        """
        SELECT COUNT(*), COUNT(DISTINCT msg.res_id)
        FROM mail_mail mm JOIN mail_message msg ON msg.id = mm.mail_message_id
        WHERE msg.id > %s AND msg.model = 'hr.applicant'
          AND mm.state = 'outgoing'
        """,
        (marks["mail_message"],),
    )
    mails, mailed = cr.fetchone()
    cr.execute(
        "SELECT COUNT(*) FROM hr_applicant_contact_log WHERE id > %s AND automated",
        (marks["hr_applicant_contact_log"],),
    )
    logs = cr.fetchone()[0]
    cr.execute(
        "SELECT COUNT(*) FROM mail_activity WHERE id > %s",
        (marks["mail_activity"],),
    )
    activities = cr.fetchone()[0]
    return {"mails": mails, "mailed": mailed, "logs": logs, "activities": activities}


def due_count(env):
    env.flush_all()
    return env["hr.applicant"]._followup_count_due(fields.Datetime.now())


# ---------------------------------------------------------------------------
# (a), (c): the addon's scheduled job, end to end
# ---------------------------------------------------------------------------


@contextmanager
def timing_sql(env):
    """Yield a dict that gets ``sql_seconds`` (time in the cursor's execute, the
    database's part) and ``claim_seconds`` (the job's selection) of the block."""
    result = {"sql_seconds": 0.0, "claim_seconds": 0.0}
    cr = env.cr
    execute = cr.execute
    Applicant = type(env["hr.applicant"])
    claim = Applicant._followup_claim

    def timed_execute(*args, **kwargs):
        start = time.perf_counter()
        try:
            return execute(*args, **kwargs)
        finally:
            result["sql_seconds"] += time.perf_counter() - start

    def timed_claim(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return claim(self, *args, **kwargs)
        finally:
            result["claim_seconds"] += time.perf_counter() - start

    cr.execute = timed_execute
    Applicant._followup_claim = timed_claim
    try:
        yield result
    finally:
        del cr.execute
        Applicant._followup_claim = claim


def memory_mb(key="VmRSS"):
    """``VmRSS`` (resident now) or ``VmHWM`` (peak) of this process, in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def release_free_memory():
    """Collect garbage and give the C heap's free pages back to the system, so
    that RSS before a measure is the memory in use, not what earlier work left
    free (which the measured code would reuse without its RSS growing)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return False
    return True


def reset_peak_memory():
    """Reset this process's peak RSS (``VmHWM``) to what it uses now (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return False
    return True


def addon_dispatch(env, marks, batch_size=None):
    """Run the follow-up job on everything due now; time it and count its output.

    Also the memory of this process (the job runs in it, as in a cron worker):
    ``rss_growth_mb`` = peak RSS during the job minus RSS before it.
    """
    Applicant = env["hr.applicant"]
    kwargs = {"batch_size": batch_size} if batch_size else {}
    env.invalidate_all()
    release_free_memory()
    rss_before = memory_mb()
    peak_reset = reset_peak_memory()
    with counting(env.cr) as result, timing_sql(env) as sql:
        done = Applicant._cron_process_followups(**kwargs)
        env.flush_all()
    rss_peak = memory_mb("VmHWM") if peak_reset else memory_mb()
    result.update(sql)
    result.update(
        rss_before_mb=rss_before,
        rss_peak_mb=rss_peak,
        rss_after_mb=memory_mb(),
        rss_growth_mb=(rss_peak - rss_before) if rss_before and rss_peak else None,
    )
    result.update(created_since(env, marks), processed=done)
    result["per_second"] = (
        result["mails"] / result["seconds"] if result["seconds"] else 0
    )
    return result


# ---------------------------------------------------------------------------
# (b): what an admin would configure without the addon
# ---------------------------------------------------------------------------


def make_base_automation(env, template, rule):
    """A time-based automation rule sending ``template`` to the applicants whose
    follow-up date is reached: Settings > Technical > Automation Rules, trigger
    "Based on date field", action "Send email" (no message posted)."""
    model = env["ir.model"]._get("hr.applicant")
    automation = env["base.automation"].create(
        {
            "name": "Benchmark: talent pool email",
            "model_id": model.id,
            "trigger": "on_time",
            "trg_date_id": env["ir.model.fields"]
            ._get("hr.applicant", "next_followup_date")
            .id,
            "trg_date_range": 0,
            "trg_date_range_type": "hour",
            "filter_domain": repr([("followup_rule_id", "=", rule.id)]),
        }
    )
    env["ir.actions.server"].create(
        {
            "name": "Benchmark: send the talent pool email",
            "model_id": model.id,
            "base_automation_id": automation.id,
            "usage": "base_automation",
            "state": "mail_post",
            "mail_post_method": "email",
            "template_id": template.id,
        }
    )
    return automation


def base_automation_dispatch(env, automation, marks):
    """Run the time-based automation rules as their scheduled job does.

    Refused applicants are archived: the rule's search needs ``active_test``
    off to reach them (the addon's job searches them the same way).
    """
    Automation = env["base.automation"].with_context(active_test=False)
    automation.last_run = False
    env.flush_all()
    with counting(env.cr) as result:
        Automation._check()
        env.flush_all()
    result.update(created_since(env, marks))
    result["per_second"] = (
        result["mails"] / result["seconds"] if result["seconds"] else 0
    )
    return result


# ---------------------------------------------------------------------------
# (d): queries per batch
# ---------------------------------------------------------------------------


def job_queries(env, marks, due_ids, size):
    """SQL queries of one run of the scheduled job when ``size`` applicants are due.

    The other due applicants are moved out of the way first, and the cache is
    emptied, so that the run starts cold like a first batch. The job's data is
    restored afterwards.
    """
    cr = env.cr
    env.flush_all()
    cr.execute(
        """
        UPDATE hr_applicant
        SET next_followup_date = next_followup_date + interval '3650 days'
        WHERE id = ANY(%s) AND NOT id = ANY(%s)
        """,
        (list(due_ids), list(due_ids[:size])),
    )
    env.invalidate_all()
    with counting(cr) as result:
        result["processed"] = env["hr.applicant"]._cron_process_followups()
        env.flush_all()
    result.update(created_since(env, marks))
    restore(env, marks)
    return result


def queries_per_batch(env, marks, due_ids, sizes=(50, 500)):
    """Queries per batch of the scheduled job, for each number of due applicants.

    A run ends with a claim that finds nothing: measured alone (nothing due),
    it is taken out, and the rest is divided by the number of batches.
    """
    # A first run warms the registry's caches (compiled views, parameters...),
    # which any real run finds warm; the record cache is emptied before each run.
    job_queries(env, marks, due_ids, min(10, len(due_ids)))
    tail = job_queries(env, marks, due_ids, 0)["queries"]
    results = {}
    for size in sizes:
        if size > len(due_ids):
            continue
        result = job_queries(env, marks, due_ids, size)
        batches = -(-size // DISPATCH_BATCH_SIZE)
        result.update(
            batches=batches,
            batch_size=DISPATCH_BATCH_SIZE,
            tail=tail,
            per_batch=(result["queries"] - tail) / batches,
        )
        results[size] = result
    return results


# ---------------------------------------------------------------------------
# (e): lists and reports over the contact log
# ---------------------------------------------------------------------------


def _search_defaults_domain(env, model, search_view_xmlid, context, uid):
    """The domain the web client builds from ``search_default_*`` filters.

    Filters between two separators are OR-ed, the groups AND-ed.
    """
    view = env.ref(search_view_xmlid) if search_view_xmlid else None
    arch = env[model].get_views([(view.id if view else False, "search")])["views"][
        "search"
    ]["arch"]
    wanted = {
        key[len("search_default_") :]
        for key, value in context.items()
        if key.startswith("search_default_") and value
    }
    groups, current = [], []
    for node in etree.fromstring(arch).iter("filter", "separator", "group"):
        if node.tag != "filter":
            if current:
                groups.append(current)
            current = []
            continue
        if node.get("name") in wanted and node.get("domain"):
            current.append(
                safe_eval(node.get("domain"), {"uid": uid, "context_today": None})
            )
    if current:
        groups.append(current)
    return expression.AND([expression.OR(group) for group in groups if group])


def _specification(env, model, view_type="list", view_id=False):
    """The fields a list view asks for (as in ``web_search_read``)."""
    views = env[model].get_views([(view_id, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        field = env[model]._fields.get(name)
        if not field:
            continue
        spec[name] = (
            {"fields": {"display_name": {}}} if field.type == "many2one" else {}
        )
    return spec, arch.get("default_order")


def _timed(label, func, repeat=3):
    """Best of ``repeat`` runs (the first one warms the caches)."""
    best, rows = None, None
    for _i in range(repeat):
        start = time.perf_counter()
        rows = func()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return {"label": label, "seconds": best, "rows": rows}


def recruiter_lists(env, recruiter):
    """The recruiter's "My Follow-ups" list and the contact log list."""
    results = []
    action = env.ref("hr_recruitment_followup.hr_applicant_action_my_followups")
    context = safe_eval(action.context or "{}", {"uid": recruiter.id})
    user_env = env(user=recruiter, context=dict(context, tz=recruiter.tz))
    Applicant = user_env["hr.applicant"]
    domain = _search_defaults_domain(
        user_env,
        "hr.applicant",
        action.search_view_id.xml_id if action.search_view_id else None,
        context,
        recruiter.id,
    )
    list_view = env.ref("hr_recruitment_followup.hr_applicant_view_list_followup")
    spec, order = _specification(user_env, "hr.applicant", "list", list_view.id)

    def my_followups():
        res = Applicant.web_search_read(
            domain, spec, limit=80, order=order, count_limit=10001
        )
        return res["length"]

    results.append(
        _timed("My Follow-ups (due today + overdue), first 80", my_followups)
    )
    Log = user_env["hr.applicant.contact.log"].with_context(active_test=True)
    log_spec, log_order = _specification(user_env, "hr.applicant.contact.log")

    def contact_log():
        res = Log.web_search_read(
            [], log_spec, limit=80, order=log_order, count_limit=10001
        )
        return res["length"]

    results.append(_timed("Contact log list, first 80", contact_log))
    applicant_id = env["hr.applicant.contact.log"].search([], limit=1).applicant_id

    def one_applicant_history():
        res = Log.web_search_read(
            [("applicant_id", "=", applicant_id.id)],
            log_spec,
            limit=80,
            order=log_order,
        )
        return res["length"]

    results.append(_timed("Contact log of one applicant", one_applicant_history))
    return results


def _group_bys(arch, model):
    """Group-by filters of a search view (``context="{'group_by': ...}"``)."""
    found = []
    for node in etree.fromstring(arch).iter("filter"):
        ctx = node.get("context")
        if not ctx or "group_by" not in ctx:
            continue
        try:
            group_by = ast.literal_eval(ctx).get("group_by")
        except (ValueError, SyntaxError):
            continue
        if group_by:
            found.append((node.get("string") or group_by, group_by))
    return found


def _pivot_groupings(arch):
    rows, cols, measures = [], [], []
    for node in etree.fromstring(arch).iter("field"):
        kind = node.get("type")
        name = node.get("name")
        if node.get("interval"):
            name = f"{name}:{node.get('interval')}"
        if kind == "row":
            rows.append(name)
        elif kind == "col":
            cols.append(name)
        elif kind == "measure":
            measures.append(node.get("name"))
    return rows, cols, measures


def report_models(env):
    names = set(REPORT_MODELS)
    for prefix in REPORT_MODEL_PREFIXES:
        names.update(
            env["ir.model"]
            .sudo()
            .search([("model", "=like", f"{prefix}%")])
            .mapped("model")
        )
    # Abstract models (the reports' shared mixin) have no views nor rows.
    return sorted(name for name in names if name in env and not env[name]._abstract)


def manager_reports(env, manager):
    """The manager's views over the log: every grouped view a search view offers,
    and the default pivot of every report model."""
    results = []
    # All the companies selected: the heaviest case.
    manager_env = env(
        user=manager,
        context=dict(
            env.context,
            tz=manager.tz or "UTC",
            allowed_company_ids=manager.company_ids.ids,
        ),
    )
    Log = manager_env["hr.applicant.contact.log"]
    search_arch = Log.get_views([(False, "search")])["views"]["search"]["arch"]
    for label, group_by in _group_bys(search_arch, Log._name):

        def grouped(group_by=group_by):
            return Log.web_read_group([], [], [group_by], limit=80)["length"]

        results.append(_timed(f"Contact log grouped by {label}", grouped))
    Applicant = manager_env["hr.applicant"].with_context(active_test=False)

    def followup_stages():
        return len(
            Applicant.web_read_group(
                [("followup_stage_id", "!=", False)],
                [],
                ["followup_stage_id"],
                lazy=True,
            )["groups"]
        )

    results.append(
        _timed("Applicants by follow-up stage (all, archived too)", followup_stages)
    )

    def no_recent_contact():
        return Applicant.search_count([("followup_no_recent_contact", "=", True)])

    results.append(_timed("Count: no contact for 7 days", no_recent_contact))
    for model in report_models(env):
        Report = manager_env[model]
        views = Report.get_views([(False, "pivot"), (False, "graph"), (False, "list")])[
            "views"
        ]
        if "pivot" in views:
            rows, cols, measures = _pivot_groupings(views["pivot"]["arch"])
            aggregates = [
                f"{m}:sum" for m in measures if m != "__count" and m in Report._fields
            ] + ["__count"]

            def pivot(Report=Report, rows=rows, cols=cols, aggregates=aggregates):
                total = 0
                # The pivot view asks one read_group per row/column prefix.
                for i in range(len(rows) + 1):
                    for j in range(len(cols) + 1):
                        total += len(
                            Report._read_group([], rows[:i] + cols[:j], aggregates)
                        )
                return total

            results.append(_timed(f"Report {model}: default pivot", pivot))
        elif "list" in views:
            spec, order = _specification(manager_env, model)

            def report_list(Report=Report, spec=spec, order=order):
                return Report.web_search_read([], spec, limit=80, order=order)["length"]

            results.append(_timed(f"Report {model}: list", report_list))
    return results
