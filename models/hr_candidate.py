import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, modules
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_date

from ..tools.followup_access import check_scheduled_job_caller
from .hr_applicant_contact_log import CONTACT_CHANNELS, LINE_LIMIT, check_text_length

_logger = logging.getLogger(__name__)

# Candidate fields written by the talent pool: the follow-up is re-planned.
TALENT_POOL_FIELDS = (
    "in_talent_pool",
    "talent_pool_consent",
    "talent_pool_expiry",
)
RETENTION_BATCH_SIZE = 100


class HrCandidate(models.Model):
    _inherit = "hr.candidate"

    preferred_channel = fields.Selection(
        CONTACT_CHANNELS,
        tracking=True,
        help="How the candidate prefers to be contacted.",
    )
    do_not_contact = fields.Boolean(
        tracking=True,
        help="The candidate asked not to be contacted again: no follow-up of any "
        "kind is planned or sent.",
    )
    do_not_contact_reason = fields.Char(tracking=True)
    do_not_contact_date = fields.Date(
        string="Do Not Contact Since",
        compute="_compute_do_not_contact_date",
        store=True,
        readonly=False,
    )

    @api.depends("do_not_contact")
    def _compute_do_not_contact_date(self):
        for candidate in self:
            if not candidate.do_not_contact:
                candidate.do_not_contact_date = False
            elif not candidate.do_not_contact_date:
                candidate.do_not_contact_date = fields.Date.context_today(candidate)

    @api.constrains("do_not_contact", "do_not_contact_reason")
    def _check_do_not_contact_reason(self):
        for candidate in self:
            if (
                candidate.do_not_contact
                and not (candidate.do_not_contact_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "Say why %(name)s must not be contacted: a reason is "
                        "required with 'Do Not Contact'.",
                        name=candidate.partner_name,
                    )
                )

    @api.constrains("do_not_contact_reason")
    def _check_do_not_contact_reason_length(self):
        check_text_length(self, {"do_not_contact_reason": LINE_LIMIT})

    def write(self, vals):
        if "talent_pool_consent" in vals and "talent_pool_consent_date" not in vals:
            vals = {
                **vals,
                "talent_pool_consent_date": fields.Date.context_today(self),
            }
        res = super().write(vals)
        if "do_not_contact" in vals:
            self.with_context(active_test=False).applicant_ids._plan_next_followup()
        if set(TALENT_POOL_FIELDS) & set(vals):
            self.with_context(active_test=False).applicant_ids._plan_next_followup()
        if vals.get("do_not_contact"):
            # Nobody should be reminded to call a candidate who asked us not to.
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "hr.applicant"),
                    (
                        "res_id",
                        "in",
                        self.with_context(active_test=False).applicant_ids.ids,
                    ),
                    (
                        "activity_type_id",
                        "=",
                        self.env.ref(
                            "hr_recruitment_followup.mail_activity_type_followup"
                        ).id,
                    ),
                ]
            ).unlink()
        return res

    # ------------------------------------------------------------------
    # Talent pool
    # ------------------------------------------------------------------

    in_talent_pool = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Kept in the talent pool: nurtured every few months and proposed when a "
        "matching position opens, with the candidate's consent, until the expiry.",
    )
    talent_pool_consent = fields.Boolean(
        string="Consent to Stay in the Pool",
        copy=False,
        tracking=True,
        help="The candidate agreed that we keep their profile and contact them about "
        "future positions. Without it, nothing is sent and the profile is "
        "anonymised after the grace period.",
    )
    talent_pool_consent_date = fields.Date(
        string="Consent Changed On",
        copy=False,
        help="When the consent was last given or withdrawn.",
    )
    talent_pool_reason = fields.Text(
        string="Why in the Pool",
        copy=False,
        help="Why the candidate is worth keeping: strengths, the positions they fit.",
    )
    talent_pool_date = fields.Date(string="In Pool Since", readonly=True, copy=False)
    talent_pool_expiry = fields.Date(
        string="Pool Expiry",
        copy=False,
        tracking=True,
        help="After this day the candidate is no longer contacted, and the "
        "retention job archives and anonymises the profile.",
    )
    talent_pool_anonymised = fields.Boolean(
        string="Anonymised",
        readonly=True,
        copy=False,
        help="The retention job removed this candidate's personal data.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if vals.get("talent_pool_consent"):
                vals.setdefault("talent_pool_consent_date", today)
        return super().create(vals_list)

    def _talent_pool_accepts_contact(self, day):
        """Whether the pool may reach this candidate on ``day``: in the pool, with
        consent, not expired."""
        self.ensure_one()
        return (
            self.in_talent_pool
            and self.talent_pool_consent
            and (not self.talent_pool_expiry or self.talent_pool_expiry >= day)
        )

    @api.model
    def _talent_pool_default_expiry(self, company=None):
        company = company or self.env.company
        return fields.Date.context_today(self) + relativedelta(
            months=company.talent_pool_months
        )

    def action_talent_pool_add(self):
        """Open the wizard adding these candidates to the talent pool."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add to Talent Pool"),
            "res_model": "hr.candidate.talent.pool",
            "view_mode": "form",
            "target": "new",
            "context": {"default_candidate_ids": self.ids},
        }

    def _talent_pool_add(self, reason, expiry):
        """Put these candidates in the pool; their consent was asked first."""
        today = fields.Date.context_today(self)
        if not (reason or "").strip():
            raise UserError(
                self.env._("Say why the candidate is worth keeping in the talent pool.")
            )
        if not expiry or expiry <= today:
            raise UserError(
                self.env._(
                    "The talent pool expiry must be after today (%(date)s).",
                    date=format_date(self.env, expiry) or "-",
                )
            )
        anonymised = self.filtered("talent_pool_anonymised")
        if anonymised:
            raise UserError(
                self.env._(
                    "%(names)s were anonymised: they cannot join the talent pool.",
                    names=", ".join(anonymised.mapped("display_name")),
                )
            )
        self.write(
            {
                "in_talent_pool": True,
                "talent_pool_consent": True,
                "talent_pool_reason": reason,
                "talent_pool_date": today,
                "talent_pool_expiry": expiry,
            }
        )

    def action_talent_pool_remove(self):
        """Take these candidates out of the pool: no more pool follow-ups."""
        self.write(
            {
                "in_talent_pool": False,
                "talent_pool_consent": False,
                "talent_pool_date": False,
                "talent_pool_expiry": False,
            }
        )
        return True

    # ------------------------------------------------------------------
    # Retention: archive and anonymise
    # ------------------------------------------------------------------

    @api.model
    def _get_talent_pool_retention_domain(self, company, today):
        """Candidates of ``company`` whose data must not be kept any longer.

        - in the pool past its expiry;
        - in the pool after withdrawing their consent, past the grace period;
        - never added to the pool (no consent asked) and whose every application
          ended in the not-hired follow-up stage (refused, or withdrawn before
          the offer) longer than the grace period ago. Candidates with an
          ongoing, hired or declined offer, or linked to an employee, are kept.

        Pool membership is read as everywhere else: ``in_talent_pool``,
        ``talent_pool_consent`` and ``talent_pool_expiry`` on the candidate.
        """
        limit = today - timedelta(days=company.talent_pool_grace_days)
        limit_dt = fields.Datetime.to_datetime(limit)
        expired = [("in_talent_pool", "=", True), ("talent_pool_expiry", "<", today)]
        withdrawn = [
            ("in_talent_pool", "=", True),
            ("talent_pool_consent", "=", False),
            ("talent_pool_consent_date", "<", limit),
        ]
        branches = [expired, withdrawn]
        # The not-hired stage (its XML id is older than its name).
        pool_stage = self.env.ref(
            "hr_recruitment_followup.followup_stage_talent_pool",
            raise_if_not_found=False,
        )
        if pool_stage:
            branches.append(
                [
                    ("in_talent_pool", "=", False),
                    ("employee_id", "=", False),
                    (
                        "applicant_ids",
                        "any",
                        [
                            ("followup_stage_id", "=", pool_stage.id),
                            ("followup_stage_date", "<", limit_dt),
                        ],
                    ),
                    (
                        "applicant_ids",
                        "not any",
                        [
                            "|",
                            "|",
                            ("followup_stage_id", "!=", pool_stage.id),
                            ("followup_stage_id", "=", False),
                            ("followup_stage_date", ">=", limit_dt),
                        ],
                    ),
                ]
            )
        company_domain = [("company_id", "=", company.id)]
        if company == self.env.ref("base.main_company", raise_if_not_found=False):
            company_domain = expression.OR(
                [company_domain, [("company_id", "=", False)]]
            )
        return expression.AND(
            [
                [("talent_pool_anonymised", "=", False)],
                company_domain,
                expression.OR(branches),
            ]
        )

    @api.model
    def _cron_talent_pool_retention(self, batch_size=RETENTION_BATCH_SIZE):
        """Archive and anonymise the candidates the pool must not keep.

        Runs as superuser: each company is handled with its own grace period.
        Nothing is logged on the chatter (it is wiped): the count goes to the
        server log, the cron's progress and one privacy log per candidate.
        """
        check_scheduled_job_caller(
            self.env,
            self.env._("Only the scheduled job archives and anonymises candidates."),
        )
        today = fields.Date.context_today(self)
        auto_commit = not modules.module.current_test
        Candidate = self.sudo().with_context(active_test=False, tracking_disable=True)
        done = 0
        for company in self.env["res.company"].sudo().search([]):
            domain = Candidate._get_talent_pool_retention_domain(company, today)
            while True:
                candidates = Candidate.search(domain, limit=batch_size, order="id")
                if not candidates:
                    break
                candidates._talent_pool_anonymise()
                done += len(candidates)
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=Candidate.search_count(domain)
                )
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Talent pool retention: %s candidate(s) anonymised", done)
        return done

    def _talent_pool_anonymise(self):
        """Remove the personal data of these candidates and archive them."""
        candidates = self.sudo().with_context(active_test=False, tracking_disable=True)
        applicants = candidates.applicant_ids
        if "privacy.log" in candidates.env:
            candidates.env["privacy.log"].create(
                [
                    {
                        "anonymized_name": candidate.partner_name or "-",
                        "anonymized_email": candidate.email_from,
                        "execution_details": candidates.env._(
                            "Talent pool retention: candidate #%(id)s and its "
                            "%(count)s application(s) archived and anonymised.",
                            id=candidate.id,
                            count=len(candidate.applicant_ids),
                        ),
                    }
                    for candidate in candidates
                    if candidate.email_from and "@" in candidate.email_from
                ]
            )
        partners = candidates.partner_id
        # Meetings, messages and files name the candidate or hold their CV.
        documents = [("hr.candidate", candidates.ids), ("hr.applicant", applicants.ids)]
        for model, ids in documents:
            candidates.env["ir.attachment"].search(
                [("res_model", "=", model), ("res_id", "in", ids)]
            ).unlink()
            candidates.env["mail.message"].search(
                [("model", "=", model), ("res_id", "in", ids)]
            ).unlink()
        candidates.env["mail.activity"].search(
            [("res_model", "=", "hr.applicant"), ("res_id", "in", applicants.ids)]
        ).unlink()
        applicants.meeting_ids.write(
            {"name": candidates.env._("Interview (anonymised)"), "description": False}
        )
        applicants.contact_log_ids.write(
            {
                "summary": False,
                "candidate_response": False,
                "next_step": False,
            }
        )
        applicants.write(
            {
                "active": False,
                "decline_comment": False,
                "applicant_notes": False,
                "salary_expected_extra": False,
                "salary_proposed_extra": False,
            }
        )
        candidates.write({"partner_id": False})
        for candidate in candidates:
            candidate.write(
                {
                    "partner_name": candidates.env._(
                        "Anonymised candidate #%(id)s", id=candidate.id
                    ),
                    "email_from": False,
                    "partner_phone": False,
                    "linkedin_profile": False,
                    "do_not_contact_reason": False,
                    "talent_pool_reason": False,
                    "in_talent_pool": False,
                    "talent_pool_consent": False,
                    "talent_pool_anonymised": True,
                    "active": False,
                }
            )
        # A contact made for the candidate alone goes too; a shared one (a user,
        # an employee, another candidate) only loses the link.
        still_used = set(
            candidates.env["hr.candidate"]
            .search([("partner_id", "in", partners.ids)])
            .mapped("partner_id")
            .ids
        )
        for partner in partners:
            if (
                partner.id in still_used
                or partner.user_ids
                or partner.is_company
                or candidates.env["hr.employee"].search_count(
                    [("work_contact_id", "=", partner.id)], limit=1
                )
            ):
                continue
            partner.write(
                {
                    "name": candidates.env._("Anonymised candidate"),
                    "email": False,
                    "phone": False,
                    "mobile": False,
                    "street": False,
                    "street2": False,
                    "city": False,
                    "zip": False,
                    "website": False,
                    "comment": False,
                    "active": False,
                }
            )

    # ------------------------------------------------------------------
    # Re-activation
    # ------------------------------------------------------------------

    followup_match_reason = fields.Char(
        string="Why They Match",
        compute="_compute_followup_match_reason",
    )

    @api.depends_context("followup_match_job_id")
    def _compute_followup_match_reason(self):
        job = self.env["hr.job"].browse(self.env.context.get("followup_match_job_id"))
        matches = job._followup_match_candidates().get(job, {}) if job else {}
        reasons = {candidate.id: reason for candidate, reason in matches.items()}
        for candidate in self:
            candidate.followup_match_reason = reasons.get(candidate.id, False)

    def action_followup_invite(self):
        """Invite these candidates to apply for the job of the context.

        Creates the application in the job's first stage, logs the contact and
        queues the invitation email within the candidate's contact hours.
        """
        job = self.env["hr.job"].browse(self.env.context.get("followup_match_job_id"))
        if not job:
            raise UserError(
                self.env._("Choose the position to invite the candidate to.")
            )
        applicants = self.env["hr.applicant"]
        for candidate in self:
            applicants |= candidate._followup_invite(job)
        if len(applicants) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "hr.applicant",
                "res_id": applicants.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return True

    def _followup_invite(self, job):
        self.ensure_one()
        if self.do_not_contact:
            raise UserError(
                self.env._(
                    "%(name)s asked not to be contacted again (%(reason)s): they "
                    "cannot be invited.",
                    name=self.display_name,
                    reason=self.do_not_contact_reason,
                )
            )
        if self.talent_pool_anonymised or not self.active:
            raise UserError(
                self.env._(
                    "%(name)s is archived or anonymised: they cannot be invited.",
                    name=self.display_name,
                )
            )
        ongoing = self.with_context(active_test=False).applicant_ids.filtered(
            lambda a: a.job_id == job and a._followup_status() == "ongoing"
        )
        if ongoing:
            raise UserError(
                self.env._(
                    "%(name)s is already applying for %(job)s.",
                    name=self.display_name,
                    job=job.name,
                )
            )
        source = (
            self.env._("the talent pool")
            if self.in_talent_pool
            else self.env._("a declined offer")
        )
        applicant = self.env["hr.applicant"].create(
            {
                "candidate_id": self.id,
                "job_id": job.id,
                "user_id": (job.user_id or self.env.user).id,
                "company_id": (
                    job.company_id or self.company_id or self.env.company
                ).id,
            }
        )
        applicant.message_post(
            body=self.env._(
                "Re-activated from %(origin)s by %(user)s.",
                origin=source,
                user=self.env.user.name,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        applicant._followup_send_invitation(source)
        return applicant
