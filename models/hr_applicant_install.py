"""Install and upgrade on years of history: stored fields filled in SQL.

Odoo computes a new stored computed field on every existing row when it creates
its column: it loads every applicant into the ORM (909 MB at 190,000). The
columns are created here before Odoo looks at them, and filled in SQL, in
batches of ids, by ``_followup_install_backfill`` (post-init hook): the values
the computes give, column for column (``tests/test_install_backfill.py``
compares them). The scheduled job then plans the applicants in its batches.
"""

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from .hr_applicant_onboarding import ENDED_ONBOARDING_STATES
from .hr_recruitment_followup_stage import CLOSED_STATUSES

# Applicants per statement of the backfill: each statement is a short
# transaction's worth of rows for PostgreSQL, nothing for Odoo's memory.
BACKFILL_BATCH_SIZE = 50000
# hr.applicant's stored computed fields of the addon. Their columns exist before
# Odoo's schema update, so that it does not compute them on every row.
STORED_COMPUTED_FIELDS = (
    "followup_stage_id",
    "followup_stage_date",
    "last_contact_date",
    "followup_planned_date",
    "last_touch_date",
    "next_followup_date",
    "worth_level",
    "declined_by",
    "onboarding_state",
)
# The application status, as _followup_status() reads it.
STATUS_SQL = SQL(
    """CASE WHEN a.refuse_reason_id IS NOT NULL THEN 'refused'
            WHEN a.active IS NOT TRUE THEN 'archived'
            WHEN a.date_closed IS NOT NULL THEN 'hired'
            ELSE 'ongoing' END"""
)


def create_stored_columns(model, names):
    """Create the columns of ``names`` that do not exist yet (empty), and
    return the names created."""
    cr = model.env.cr
    created = []
    for name in names:
        if not column_exists(cr, model._table, name):
            field = model._fields[name]
            create_column(cr, model._table, name, field.column_type[1], field.string)
            created.append(name)
    return created


def module_upgraded(env):
    """Whether the addon is being upgraded (not installed)."""
    env.cr.execute(
        "SELECT state FROM ir_module_module WHERE name = 'hr_recruitment_followup'"
    )
    row = env.cr.fetchone()
    return bool(row) and row[0] == "to upgrade"


class HrApplicant(models.Model):
    """Install and upgrade: the stored fields of existing applicants in SQL."""

    _inherit = "hr.applicant"

    def _auto_init(self):
        created = create_stored_columns(self, STORED_COMPUTED_FIELDS)
        res = super()._auto_init()
        if created and module_upgraded(self.env):
            # A field added by an upgrade: filled once every table is ready.
            # At install, the post-init hook fills them, once the follow-up
            # stages and refuse reasons are loaded.
            self.pool.post_init(self._followup_install_backfill)
        return res

    @api.model
    def _followup_install_backfill(self, ids=None, now=None):
        """Fill the stored computed fields of existing applicants as their
        computes would, in SQL, and mark them for the scheduled job's first
        plan.

        :param ids: the applicants to fill (tests), else every applicant, in
            batches of ``BACKFILL_BATCH_SIZE`` ids
        :param now: the date of "in the follow-up stage since" (now)
        """
        self.env.flush_all()
        cr = self.env.cr
        now = now or fields.Datetime.now()
        if ids is not None:
            scopes = [SQL("a.id = ANY(%s)", list(ids))] if ids else []
        else:
            cr.execute("SELECT MIN(id), MAX(id) FROM hr_applicant")
            low, high = cr.fetchone()
            scopes = (
                [
                    SQL(
                        "a.id BETWEEN %s AND %s", start, start + BACKFILL_BATCH_SIZE - 1
                    )
                    for start in range(low, high + 1, BACKFILL_BATCH_SIZE)
                ]
                if low is not None
                else []
            )
        stage_case = self._followup_stage_case_sql()
        pre_onboarding = self._followup_ref("followup_stage_pre_onboarding").id
        for scope in scopes:
            # One statement per batch: who ended the application
            # (_compute_declined_by), the follow-up stage
            # (_compute_followup_stage_id) and the date it was entered
            # (_compute_followup_stage_date), the worth level
            # (_compute_worth_level), onboarding (_compute_onboarding_state:
            # the states a person recorded stay), the next follow-up
            # (_compute_next_followup_date), and the first plan to make.
            cr.execute(
                SQL(
                    """
                    UPDATE hr_applicant a
                       SET declined_by = v.refused_by,
                           followup_stage_id = v.followup_stage_id,
                           followup_stage_date = CASE
                               WHEN v.followup_stage_id IS NOT NULL
                               THEN %(now)s::timestamp
                           END,
                           followup_needs_plan = CASE
                               WHEN v.followup_stage_id IS NOT NULL THEN TRUE
                               ELSE a.followup_needs_plan
                           END,
                           worth_level = CASE
                               WHEN v.scored = 0 THEN NULL
                               WHEN v.total >= 3.5 * v.scored THEN 'high'
                               WHEN v.total >= 2.5 * v.scored THEN 'medium'
                               ELSE 'low'
                           END,
                           onboarding_state = CASE
                               WHEN a.onboarding_state IN %(ended)s
                                   THEN a.onboarding_state
                               WHEN a.start_date IS NOT NULL
                                AND (a.date_closed IS NOT NULL
                                     OR v.followup_stage_id = %(pre_onboarding)s)
                                   THEN 'pending_start'
                           END,
                           next_followup_date = CASE
                               WHEN a.followup_rule_id IS NOT NULL
                                   THEN a.followup_rule_due
                               ELSE a.followup_planned_date
                           END
                      FROM (
                        SELECT s.id, s.refused_by, s.scored, s.total,
                               %(stage_case)s AS followup_stage_id
                          FROM (
                            SELECT a.id, a.stage_id, r.refused_by,
                                   %(status)s AS status,
                                   (COALESCE(a.worth_job_match, 0) <> 0)::int
                                   + (COALESCE(a.worth_stability, 0) <> 0)::int
                                   + (COALESCE(a.worth_intent, 0) <> 0)::int
                                       AS scored,
                                   COALESCE(a.worth_job_match, 0)
                                   + COALESCE(a.worth_stability, 0)
                                   + COALESCE(a.worth_intent, 0) AS total
                              FROM hr_applicant a
                         LEFT JOIN hr_applicant_refuse_reason r
                                ON r.id = a.refuse_reason_id
                             WHERE %(scope)s
                          ) s
                      ) v
                     WHERE a.id = v.id
                    """,
                    now=now,
                    ended=ENDED_ONBOARDING_STATES,
                    pre_onboarding=pre_onboarding or None,
                    stage_case=stage_case,
                    status=STATUS_SQL,
                    scope=scope,
                )
            )
        self.invalidate_model(
            [
                "declined_by",
                "followup_stage_id",
                "followup_stage_date",
                "followup_needs_plan",
                "worth_level",
                "next_followup_date",
                "onboarding_state",
            ]
        )

    @api.model
    def _followup_stage_case_sql(self):
        """``_compute_followup_stage_id`` as an SQL expression on ``s`` (the
        applicant's stage_id, status and refused_by): the follow-up stages'
        mappings, the most specific first
        (``hr.recruitment.followup.stage._find_for_applicants``)."""
        stages = (
            self.env["hr.recruitment.followup.stage"]
            .sudo()
            .search([])
            .sorted(lambda stage: (-stage._specificity(), stage.sequence, stage.id))
        )
        whens = []
        for stage in stages:
            if not stage.recruitment_stage_ids and not stage.application_status:
                continue  # set by hand or by a process, never computed
            conditions = [
                SQL("s.status = %s", stage.application_status)
                if stage.application_status
                else SQL("s.status NOT IN %s", CLOSED_STATUSES)
            ]
            if stage.declined_by:
                conditions.append(SQL("s.refused_by = %s", stage.declined_by))
            if stage.recruitment_stage_ids:
                conditions.append(
                    SQL("s.stage_id = ANY(%s)", stage.recruitment_stage_ids.ids)
                )
            whens.append(
                SQL("WHEN %s THEN %s", SQL(" AND ").join(conditions), stage.id)
            )
        if not whens:
            return SQL("NULL::int")
        return SQL("CASE %s END", SQL(" ").join(whens))


class HrCandidate(models.Model):
    _inherit = "hr.candidate"

    def _auto_init(self):
        # "Do not contact since" of existing candidates: none of them is marked
        # do-not-contact at install (the flag is new), so empty, as computed.
        created = create_stored_columns(self, ["do_not_contact_date"])
        res = super()._auto_init()
        if created and column_exists(self.env.cr, self._table, "do_not_contact"):
            self.env.cr.execute(
                """
                UPDATE hr_candidate SET do_not_contact_date = CURRENT_DATE
                 WHERE do_not_contact AND do_not_contact_date IS NULL
                """
            )
        return res


class HrApplicantRefuseReason(models.Model):
    _inherit = "hr.applicant.refuse.reason"

    def _auto_init(self):
        created = not column_exists(self.env.cr, self._table, "refused_by")
        res = super()._auto_init()
        if created:
            # Odoo's own reasons that mean the candidate said no, set here
            # rather than by a data file: a data file writes them again at
            # every upgrade, and the ORM then recomputes "Ended By" (and the
            # follow-up stage) of every applicant refused with them.
            self.env.cr.execute(
                """
                UPDATE hr_applicant_refuse_reason SET refused_by = 'candidate'
                 WHERE id IN (
                    SELECT res_id FROM ir_model_data
                     WHERE module = 'hr_recruitment'
                       AND model = 'hr.applicant.refuse.reason'
                       AND name IN ('refuse_reason_2', 'refuse_reason_8')
                 )
                """
            )
        return res
