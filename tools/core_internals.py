"""Every piece of Odoo's code the addon copies or hooks, and its alarm.

The scheduled job takes fast paths that reproduce what core does (inserting
mails, messages and contact logs without ``create()``, rendering templates
compiled once per batch), and some lists and reports hook ``_read_group``.
Each works because core's code under it behaves as it did when it was written.
A fix in Odoo 18.0's stable branch changes that code silently: ``ITEMS`` lists
each internal, what the addon relies on, where, and what to re-check, with a
fingerprint of the core functions (and constants) under it.

``check()`` compares them with the running Odoo; ``tests/test_core_internals.py``
fails on any difference with the item's re-check text. After an Odoo update:

1. run ``TEST_TAGS=/hr_recruitment_followup:TestCoreInternals bin/test`` (or,
   in ``odoo-bin shell``, ``print(core_internals.report())``);
2. for each item reported, read core's diff of the functions named
   (``git -C /opt/odoo18 log -p -- <file>``) and re-check the addon's code
   named by ``where`` as ``recheck`` says; run the item's ``samples`` (tests
   comparing the fast path with core's own output on a sample);
3. fix the addon if needed, then record the new fingerprints (the failure
   message, or ``report()``, gives them).

An administrator who doubts the fast paths sets the system parameter
``hr_recruitment_followup.fast_paths`` to ``False``: the job then uses plain
``create()`` and core's rendering (so does any caller not running as
superuser), the applicants' contact dates are recomputed by the ORM, and the
grouped contact log uses core's ``web_read_group`` and order (see
``fast_paths_enabled()``). The reports' aggregates (median, share, key_avg)
are features with no core equivalent: they stay.

Fingerprints hash the code, not its text: the source is parsed, docstrings
dropped and unparsed (``ast``), so that comments, docstrings and formatting do
not raise the alarm, any change of the code does. A constant (a regex, a set
of names) is hashed by its value; a method the addon only calls or extends
with ``super()`` by its signature.
"""

import ast
import hashlib
import importlib
import inspect
import re
import textwrap
from dataclasses import dataclass, field

from odoo.tools import str2bool

FAST_PATHS_PARAM = "hr_recruitment_followup.fast_paths"


def fast_paths_enabled(env):
    """Whether the addon takes its fast paths (on unless the system parameter
    ``hr_recruitment_followup.fast_paths`` says false). Read from the
    parameters' cache: no query once read."""
    value = env["ir.config_parameter"].sudo().get_param(FAST_PATHS_PARAM, "True")
    return str2bool(value or "True", default=True)


@dataclass(frozen=True)
class CoreInternal:
    """One piece of core the addon copies or hooks.

    :param key: short name
    :param relies_on: what the addon relies on
    :param where: the addon's code that relies on it
    :param recheck: what to re-check when the code under it changes
    :param sources: {core function: fingerprint of its code}
    :param signatures: {core method the addon calls or extends: fingerprint
        of its signature}
    :param samples: tests comparing the addon's output with core's on a sample
    :param switch: how ``fast_paths`` = False avoids it ("" when it cannot:
        then the item is a feature, not a copy)
    """

    key: str
    relies_on: str
    where: tuple
    recheck: str
    sources: dict = field(default_factory=dict)
    signatures: dict = field(default_factory=dict)
    samples: tuple = ()
    switch: str = ""


MAIL_MAIL = "odoo.addons.mail.models.mail_mail:MailMail"
MAIL_MESSAGE = "odoo.addons.mail.models.mail_message:Message"
RENDER_MIXIN = "odoo.addons.mail.models.mail_render_mixin:MailRenderMixin"
MAIL_TEMPLATE = "odoo.addons.mail.models.mail_template:MailTemplate"
AUTOMATION = "odoo.addons.base_automation.models.base_automation:BaseAutomation"
QWEB = "odoo.addons.base.models.ir_qweb:IrQWeb"
BASE_MODEL = "odoo.models:BaseModel"
WEB_BASE = "odoo.addons.web.models.models:Base"
MODEL_DATA = "odoo.addons.base.models.ir_model:IrModelData"
SAFE_EVAL = "odoo.tools.safe_eval"
RENDERING_TOOLS = "odoo.tools.rendering_tools"

ITEMS = (
    CoreInternal(
        key="mail_message_columns",
        relies_on=(
            "The columns mail.mail.create() and mail.message.create() write for a "
            "template's values: scheduled_date parsed to naive UTC, email_from from "
            "_message_compute_author(), message_id from _get_message_id(), reply_to "
            "from _get_reply_to(), record_name from _get_record_name(), the "
            "documents' message lists invalidated for thread messages; embedded "
            "images (_image_dataurl), attachments, tracking values left to create(); "
            "mass_mailing's mail.mail.create() only acting on mailing traces."
        ),
        where=(
            "models/mail_mail.py: MailMail._followup_create_batch",
            "models/mail_mail.py: MailMail._followup_create_batch_supported",
            "models/mail_mail.py: MAIL_CREATE_MODULES",
        ),
        recheck=(
            "that _followup_create_batch still computes every column mail.mail and "
            "mail.message create() compute from the values a template renders (a new "
            "default, a new computed column, a changed helper), and that the values "
            "it leaves to create() are still those create() treats specially"
        ),
        sources={
            f"{MAIL_MAIL}.create": "5b37e00e5015dd8b",
            f"{MAIL_MAIL}._parse_scheduled_datetime": "a477cfc197c07c91",
            f"{MAIL_MESSAGE}.create": "4880452b6ba61388",
            f"{MAIL_MESSAGE}._get_message_id": "b1be05cb650ab430",
            f"{MAIL_MESSAGE}._get_reply_to": "bb217197d0aaccfe",
            f"{MAIL_MESSAGE}._get_record_name": "387fda3e7d5ae115",
            f"{MAIL_MESSAGE}.is_thread_message": "659a128ec5e2d557",
            "odoo.addons.mail.models.mail_message:_image_dataurl": "8385806e8a1a7bc4",
            "odoo.addons.mail.models.mail_thread:MailThread._message_compute_author": (
                "caaca6c2d276c49f"
            ),
            "odoo.addons.mass_mailing.models.mail_mail:MailMail.create": (
                "e370fd1dc76457ac"
            ),
        },
        samples=(
            "TestFastRendering.test_queued_mails_equal_send_mail_batch",
            "TestFastRendering.test_bulk_mails_with_recipients_equal_create",
            "TestFastPathsSwitch.test_job_without_fast_paths_writes_the_same",
        ),
        switch="mail.template.send_mail_batch() and mail.mail create()",
    ),
    CoreInternal(
        key="orm_insert",
        relies_on=(
            "What BaseModel.create() does around its INSERT, as tools/followup_bulk.py "
            "redoes it: default values (_add_missing_default_values), the magic "
            "columns (LOG_ACCESS_COLUMNS), each value converted by its field "
            "(convert_to_column_insert), many2many links in their relation table, "
            "then modified(create=True), _validate_fields(), _check_company(), "
            "check_access('create'); create_is_stock() trusting create, _create and "
            "_add_missing_default_values of odoo.models."
        ),
        where=(
            "tools/followup_bulk.py: with_defaults, insertable, insert",
            "tools/followup_bulk.py: create_is_stock",
            "models/mail_mail.py: _followup_create_batch",
            "models/hr_applicant_contact_log.py: _followup_create_automated",
        ),
        recheck=(
            "that followup_bulk.with_defaults()/insert() still do what "
            "_prepare_create_values() and _create() do for the job's values (new "
            "bookkeeping after the INSERT, a new magic column, precomputed fields, "
            "a changed order of checks)"
        ),
        sources={
            f"{BASE_MODEL}.create": "5d128f1e8b2205b0",
            f"{BASE_MODEL}._prepare_create_values": "a1492018bf0ab42d",
            f"{BASE_MODEL}._create": "275dafe7b8212865",
            f"{BASE_MODEL}._add_missing_default_values": "796b1bd61e5374c0",
            "odoo.models:LOG_ACCESS_COLUMNS": "4f8056aa7eae5c02",
        },
        samples=(
            "TestBulkContactLogs.test_bulk_logs_equal_create",
            "TestFastRendering.test_queued_mails_equal_send_mail_batch",
        ),
        switch="create() for mails, messages and contact logs",
    ),
    CoreInternal(
        key="contact_log_insert",
        relies_on=(
            "The contact log's stored related and computed fields (candidate, "
            "contact, company, position, follow-up stage, channel) get from "
            "create() the values the job gives them from the applicant (related "
            "fields precomputed by Field._compute_related)."
        ),
        where=("models/hr_applicant_contact_log.py: _followup_create_automated",),
        recheck=(
            "that the fields _followup_create_automated fills itself are still "
            "computed by create() the same way (related fields precomputed, "
            "_compute_channel, _compute_followup_stage_id)"
        ),
        sources={
            "odoo.fields:Field._compute_related": "460b175d80a6a703",
        },
        samples=(
            "TestBulkContactLogs.test_bulk_logs_equal_create",
            "TestFastPathsSwitch.test_job_without_fast_paths_writes_the_same",
        ),
        switch="hr.applicant.contact.log create()",
    ),
    CoreInternal(
        key="automation_patches",
        relies_on=(
            "base_automation patching create()/write() of a model with a rule with "
            "functions of its own module (create_is_stock() then sees another "
            "module's create), and firing on_write/on_create_or_write rules on "
            "their trigger fields (_followup_contact_dates_watched() reads them "
            "the same way to decide whether the ORM must recompute the applicant's "
            "contact dates)."
        ),
        where=(
            "tools/followup_bulk.py: create_is_stock",
            "models/hr_applicant_followup_plan.py: _followup_contact_dates_watched",
            "models/hr_applicant_followup_plan.py: _followup_contact_dates",
        ),
        recheck=(
            "that an automation rule on mails, messages or contact logs is still "
            "seen by create_is_stock() (patched methods' __module__), and that "
            "_followup_contact_dates_watched() still matches the triggers that make "
            "a rule run on a write"
        ),
        sources={
            f"{AUTOMATION}._register_hook": "0443e142f8e5df37",
            f"{AUTOMATION}._check_trigger_fields": "214af3edfdf6a6d0",
            f"{AUTOMATION}._get_actions": "85abf2b79d36a650",
        },
        samples=(
            (
                "TestFastRendering."
                "test_mail_create_patched_by_an_automation_rule_goes_through_create"
            ),
            (
                "TestBulkContactLogs."
                "test_log_create_extended_by_an_automation_rule_goes_through_create"
            ),
            (
                "TestBulkContactLogs."
                "test_contact_dates_watched_by_an_automation_rule_are_recomputed"
            ),
        ),
        switch="create(); contact dates recomputed by the ORM",
    ),
    CoreInternal(
        key="plan_store",
        relies_on=(
            "What write() does after its UPDATE, as the planner's one UPDATE per "
            "batch redoes it: modified() for the fields written, the cache "
            "invalidated, fields set in the cache with _update_cache() and taken "
            "off the recompute list (remove_to_compute)."
        ),
        where=(
            "models/hr_applicant_followup_plan.py: _followup_store_plan",
            "models/hr_applicant_followup_plan.py: _followup_contact_dates",
        ),
        recheck=(
            "that _followup_store_plan and _followup_contact_dates still leave the "
            "cache and the fields to recompute as write() and the computes would"
        ),
        sources={
            f"{BASE_MODEL}.modified": "e86c862ec157c6e7",
            f"{BASE_MODEL}._update_cache": "7bb0e78023770d53",
            "odoo.api:Environment.remove_to_compute": "c96dfefefa03a735",
        },
        samples=(
            "TestDispatchQueries.test_plan_stored_by_the_job_is_the_planners",
            (
                "TestBulkContactLogs."
                "test_contact_dates_stored_by_the_job_equal_the_compute"
            ),
        ),
        switch=(
            "contact dates recomputed by the ORM (the plan's own fields stay "
            "stored by one UPDATE: they trigger no core code)"
        ),
    ),
    CoreInternal(
        key="rendering",
        relies_on=(
            "How mail.render.mixin renders a field: the inline_template engine "
            "(parse_inline_template, each expression checked by test_expr with "
            "_SAFE_OPCODES and evaluated with _BUILTINS as safe_eval does, the "
            "regex mode when no expression is unsafe), the qweb engine "
            "(ir.qweb._prepare_environment, _compile, the <div> wrapper cut off), "
            "the evaluation context (_render_eval_context), the language per "
            "record (_render_lang / _classify_per_lang), post-processing; the "
            "restriction (is_restricted, raise_on_forbidden_code_for_model) not "
            "applying to mail.template (_unrestricted_rendering) nor to the "
            "superuser, the fast renderer's only user."
        ),
        where=(
            "models/mail_template.py: _followup_render_field",
            "models/mail_template.py: _followup_render_inline",
            "models/mail_template.py: _followup_render_qweb",
            "models/mail_template.py: _followup_classify_per_lang",
            "models/mail_template.py: _followup_fast_render_allowed",
        ),
        recheck=(
            "that _followup_render_inline/_followup_render_qweb still evaluate like "
            "_render_template_inline_template/_render_template_qweb (same context, "
            "same checks, same output) and that core still restricts nothing the "
            "fast renderer renders as superuser"
        ),
        sources={
            f"{RENDER_MIXIN}._render_field": "35669feb46800680",
            f"{RENDER_MIXIN}._render_template": "052bb087bc5ad9dd",
            f"{RENDER_MIXIN}._render_template_inline_template": "45cfa63addff8a8d",
            f"{RENDER_MIXIN}._render_template_qweb": "8c171029ecfa2df2",
            f"{RENDER_MIXIN}._render_eval_context": "6e72d90a258b27e7",
            f"{RENDER_MIXIN}._render_lang": "495138a67be418f1",
            f"{RENDER_MIXIN}._classify_per_lang": "8b81ff88f1597aa2",
            f"{RENDER_MIXIN}._has_unsafe_expression_template_inline_template": (
                "c588bb7a56f29c99"
            ),
            f"{RENDER_MIXIN}._has_unsafe_expression_template_qweb": (
                "c1bc8cbd8b1d64f1"
            ),
            f"{RENDER_MIXIN}._unrestricted_rendering": "60a33e6cf5151f2d",
            f"{MAIL_TEMPLATE}._unrestricted_rendering": "3cbc87c7681f34db",
            f"{RENDERING_TOOLS}:parse_inline_template": "db0b268676b15b00",
            f"{RENDERING_TOOLS}:render_inline_template": "bb02e0937a90d053",
            f"{SAFE_EVAL}:safe_eval": "8ffb0b3746938926",
            f"{SAFE_EVAL}:test_expr": "e95c4a48a9370d95",
            f"{SAFE_EVAL}:check_values": "5b1a9b50212b84d8",
            f"{SAFE_EVAL}:_SAFE_OPCODES": "f8028b125ad9119a",
            f"{SAFE_EVAL}:_BUILTINS": "3755074aed689905",
            f"{QWEB}._render": "aa35c38d48085f80",
            f"{QWEB}._prepare_environment": "78b4191ac8959005",
            f"{QWEB}._compile": "4aba3bac95475efb",
        },
        samples=(
            "TestFastRendering.test_shipped_templates_render_like_core",
            "TestFastRendering.test_rendering_takes_every_branch",
            "TestFastPathsSwitch.test_not_superuser_renders_through_core",
        ),
        switch="mail.template._render_field()",
    ),
    CoreInternal(
        key="template_generation",
        relies_on=(
            "What mail.template.send_mail_batch() does per mail: _send_check_access, "
            "_generate_template(res_ids, SEND_FIELDS) (recipients, static values, "
            "attachments, scheduled date), the values it passes to mail.mail."
        ),
        where=(
            "models/mail_template.py: SEND_FIELDS",
            "models/mail_template.py: _followup_send_batch",
            "models/mail_template.py: _followup_generate_template",
            "models/mail_template.py: _followup_fast_render_supported",
        ),
        recheck=(
            "that _followup_generate_template still returns what "
            "_generate_template(res_ids, SEND_FIELDS) returns, and that "
            "_followup_send_batch still passes mail.mail what send_mail_batch passes"
        ),
        sources={
            f"{MAIL_TEMPLATE}.send_mail_batch": "3e83c4e48411f874",
            f"{MAIL_TEMPLATE}._generate_template": "233bd09a9ef5f043",
            f"{MAIL_TEMPLATE}._generate_template_recipients": "60111477ed337c20",
            f"{MAIL_TEMPLATE}._generate_template_static_values": "376f90e716f3cf16",
            f"{MAIL_TEMPLATE}._generate_template_attachments": "3a76e73964f6d15c",
            f"{MAIL_TEMPLATE}._send_check_access": "1088bab4eff32fd4",
            f"{RENDER_MIXIN}._process_scheduled_date": "ccf37aadc241c41e",
        },
        samples=(
            "TestFastRendering.test_shipped_templates_render_like_core",
            "TestFastRendering.test_queued_mails_equal_send_mail_batch",
        ),
        switch="mail.template.send_mail_batch()",
    ),
    CoreInternal(
        key="group_count",
        relies_on=(
            "web_read_group() counting the groups of a full page with a second "
            "_read_group() from the offset; _web_read_group() reading the page with "
            "one read_group()/_read_group() call before any other (the empty "
            "groups' reads come after); _read_group_select() and "
            "_read_group_postprocess_aggregate() turning an aggregate name into SQL "
            "and back (the window COUNT(*) OVER () of GROUP_TOTAL)."
        ),
        where=(
            "models/followup_read_group.py: HrRecruitmentFollowupGroupCountMixin",
            "models/hr_applicant_contact_log.py: its _inherit",
        ),
        recheck=(
            "that the mixin's web_read_group still returns the length core's "
            "would (the number of groups) and that the first _read_group() of "
            "_web_read_group is still the page's"
        ),
        sources={
            f"{WEB_BASE}.web_read_group": "ae71f15c9b7296db",
            f"{WEB_BASE}._web_read_group": "90c7633559b1012f",
            f"{BASE_MODEL}.read_group": "3eea092f866803bd",
            f"{BASE_MODEL}._read_group": "680e1c841d154726",
            f"{BASE_MODEL}._read_group_select": "f94a942ce84dde52",
            f"{BASE_MODEL}._read_group_postprocess_aggregate": "cba4ad74cd67fdfe",
        },
        samples=(
            "tests/test_contact_log.py: the grouped lists",
            "TestFastPathsSwitch.test_grouped_list_without_fast_paths_is_cores",
        ),
        switch="core's web_read_group",
    ),
    CoreInternal(
        key="group_order",
        relies_on=(
            "_read_group_orderby(order, groupby_terms, query) returning one SQL "
            "term per part of the order, parsed with regex_order, the groupby terms "
            "keyed by groupby spec."
        ),
        where=(
            "models/followup_read_group.py: GroupCountMixin._read_group_orderby",
            "models/hr_applicant_contact_log.py: _followup_group_by_id",
        ),
        recheck=(
            "that the log grouped by applicant is still ordered as core orders "
            "the applicants' groups but by the log's own column"
        ),
        sources={
            f"{BASE_MODEL}._read_group_orderby": "e33d2b9c7e7b9da0",
            "odoo.models:regex_order": "5a1cab6e69ac6f14",
        },
        samples=(
            "tests/test_contact_log.py: the grouped lists",
            "TestFastPathsSwitch.test_grouped_list_without_fast_paths_is_cores",
        ),
        switch="core's _read_group_orderby",
    ),
    CoreInternal(
        key="report_aggregates",
        relies_on=(
            "_read_group_select() building one aggregate's SQL from its spec "
            "(parse_read_group_spec), _field_to_sql(), Query.where_clause/"
            "from_clause, and _read_group_postprocess_aggregate() passing the "
            "values of an aggregate function it does not know unchanged."
        ),
        where=("models/followup_read_group.py: ReportMixin._read_group_select",),
        recheck=(
            "that the aggregates median/share/key_avg still read right in the "
            "reports' pivot and in the summary PDF (a feature: no core path to "
            "fall back to)"
        ),
        sources={
            f"{BASE_MODEL}._read_group_select": "f94a942ce84dde52",
            f"{BASE_MODEL}._read_group_postprocess_aggregate": "cba4ad74cd67fdfe",
            "odoo.models:parse_read_group_spec": "5ab4900b983ce4ba",
            f"{BASE_MODEL}._field_to_sql": "4a70463d15827e58",
        },
        samples=("tests/test_reports.py",),
    ),
    CoreInternal(
        key="xmlid_cache",
        relies_on=(
            "ir.model.data._xmlid_to_res_model_res_id() answering from the "
            "registry's cache (no query per call)."
        ),
        where=("models/hr_applicant.py: _followup_ref",),
        recheck="that _followup_ref still costs no query per call",
        sources={
            f"{MODEL_DATA}._xmlid_to_res_model_res_id": "12f199161a756f69",
            f"{MODEL_DATA}._xmlid_lookup": "92213e3dc77339b7",
        },
        samples=("TestDispatchQueries.test_queries_per_batch_same_at_50_and_500_due",),
    ),
    CoreInternal(
        key="private_methods",
        relies_on=(
            "Core's private methods the addon calls or extends with super(), by "
            "signature."
        ),
        where=(
            "models/hr_applicant_decline.py: survey._create_answer()",
            "wizards/mail_compose_message.py: _evaluate_res_ids()",
            "wizards/mail_activity_schedule.py: _get_applied_on_records()",
            "models/mail_activity_plan_template.py: _determine_responsible()",
            "models/hr_applicant.py: _message_post_after_hook()",
            "models/survey_user_input.py: _mark_done()",
            "models/hr_applicant_followup_dispatch.py: ir.cron._notify_progress()",
            "models/hr_applicant_followup_dispatch.py: ir.cron._trigger()",
            "models/res_company.py: _tz_get",
            "models/hr_recruitment_followup_wecom_robot.py: _lang_get",
        ),
        recheck="the addon's calls and overrides of the method whose signature changed",
        signatures={
            "odoo.addons.survey.models.survey_survey:Survey._create_answer": (
                "8793ee64dcdadc40"
            ),
            "odoo.addons.mail.wizard.mail_compose_message:MailComposer"
            "._evaluate_res_ids": "f4ca892d9e9fd8f6",
            "odoo.addons.mail.wizard.mail_activity_schedule:MailActivitySchedule"
            "._get_applied_on_records": "f4ca892d9e9fd8f6",
            "odoo.addons.mail.models.mail_activity_plan_template"
            ":MailActivityPlanTemplate._determine_responsible": "b3f58454e34121cb",
            "odoo.addons.hr_recruitment.models.hr_applicant:Applicant"
            "._message_post_after_hook": "5f00b2f29b7e318e",
            "odoo.addons.survey.models.survey_user_input:SurveyUserInput._mark_done": (
                "f4ca892d9e9fd8f6"
            ),
            "odoo.addons.base.models.ir_cron:ir_cron._notify_progress": (
                "77cdd929a1d31680"
            ),
            "odoo.addons.base.models.ir_cron:ir_cron._trigger": "f1c5c0e662e676ea",
            "odoo.addons.base.models.res_partner:_tz_get": "f4ca892d9e9fd8f6",
            "odoo.addons.base.models.res_partner:_lang_get": "f4ca892d9e9fd8f6",
        },
    ),
)


# ----------------------------------------------------------------------
# Fingerprints
# ----------------------------------------------------------------------


def resolve(target):
    """The object named ``target`` ("module:Qualified.name"), as defined in
    its module (a method as its class defines it, not as the registry or a
    subclass overrides it)."""
    module_name, _sep, qualname = target.partition(":")
    obj = importlib.import_module(module_name)
    for name in qualname.split("."):
        obj = obj.__dict__[name] if name in vars(obj) else getattr(obj, name)
    if isinstance(obj, (classmethod, staticmethod)):
        obj = obj.__func__
    return obj


def _strip_docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
    return tree


def normalized_source(source):
    """``source`` (a function or class) without comments, docstrings nor
    formatting: what Python runs."""
    tree = ast.parse(textwrap.dedent(source))
    return ast.unparse(_strip_docstrings(tree))


def _hash(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint_source(source):
    """Fingerprint of a function's source text."""
    return _hash(normalized_source(source))


def fingerprint_value(value):
    """Fingerprint of a constant: a regex by its pattern and flags, a
    collection by its sorted items."""
    if isinstance(value, re.Pattern):
        text = f"{value.pattern!r}/{value.flags}"
    elif isinstance(value, (dict, set, frozenset)):
        text = repr(sorted(map(repr, value)))
    else:
        text = repr(value)
    return _hash(text)


def fingerprint(target):
    """Fingerprint of the code (or the value) of ``target`` in the running Odoo."""
    obj = resolve(target)
    if callable(obj) and not isinstance(obj, re.Pattern):
        return fingerprint_source(inspect.getsource(inspect.unwrap(obj)))
    return fingerprint_value(obj)


def fingerprint_signature(target):
    """Fingerprint of the signature of ``target`` in the running Odoo."""
    obj = inspect.unwrap(resolve(target))
    return _hash(str(inspect.signature(obj)))


def source_in_file(path, qualname):
    """The source text of ``qualname`` (``Class.method`` or ``function``) in the
    Python file ``path``: to fingerprint a copy of a core file."""
    with open(path, encoding="utf-8") as file:
        text = file.read()
    tree = ast.parse(text)
    node = tree
    for name in qualname.split("."):
        node = next(
            child
            for child in node.body
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and child.name == name
        )
    lines = text.splitlines(keepends=True)
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "".join(lines[first - 1 : node.end_lineno])


@dataclass(frozen=True)
class Mismatch:
    item: CoreInternal
    target: str
    expected: str
    actual: str
    kind: str  # "source" or "signature"

    def message(self):
        return (
            f"Odoo's {self.target} changed ({self.kind} fingerprint {self.actual}, "
            f"recorded {self.expected}). The addon relies on it ({self.item.key}): "
            f"{self.item.relies_on}\nRe-check {self.item.recheck}, in "
            f"{'; '.join(self.item.where)}."
            + (
                f"\nSamples comparing with core: {', '.join(self.item.samples)}."
                if self.item.samples
                else ""
            )
            + "\nOnce checked (and the addon fixed), record the new fingerprint in "
            f"tools/core_internals.py: {self.target!r}: {self.actual!r}."
        )


def check_item(item):
    """The differences between ``item``'s recorded fingerprints and the
    running Odoo's."""
    mismatches = []
    for kind, targets, compute in (
        ("source", item.sources, fingerprint),
        ("signature", item.signatures, fingerprint_signature),
    ):
        for target, expected in targets.items():
            try:
                actual = compute(target)
            except (ImportError, KeyError, AttributeError, OSError, TypeError) as e:
                actual = f"missing ({e.__class__.__name__}: {e})"
            if actual != expected:
                mismatches.append(Mismatch(item, target, expected, actual, kind))
    return mismatches


def check(items=ITEMS):
    """Every difference between the recorded fingerprints and the running Odoo's."""
    return [mismatch for item in items for mismatch in check_item(item)]


def report(items=ITEMS):
    """The current fingerprints of every item, ready to paste into ``ITEMS``,
    then what changed, as text (in ``odoo-bin shell``:
    ``print(core_internals.report())``)."""
    lines = []
    for item in items:
        lines.append(f"{item.key}:")
        lines += [f"    {t!r}: {fingerprint(t)!r}," for t in item.sources]
        lines += [
            f"    {t!r}: {fingerprint_signature(t)!r},  # signature"
            for t in item.signatures
        ]
    lines += [f"\n{mismatch.message()}" for mismatch in check(items)]
    return "\n".join(lines)
