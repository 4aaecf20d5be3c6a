from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression

# How many matching candidates the recruiter's reminder names.
MATCHES_IN_NOTE = 10


class HrJob(models.Model):
    _name = "hr.job"
    # Activities: the recruiter is reminded of the pool when the position opens.
    _inherit = ["hr.job", "mail.activity.mixin"]  # noqa: RUF012

    followup_tier = fields.Selection(
        [("core", "Core"), ("standard", "Standard")],
        string="Follow-up Tier",
        required=True,
        default="standard",
        help="Core positions may be followed up daily; standard positions once or "
        "twice a week.",
    )
    followup_salary_max = fields.Float(
        string="Salary Budget",
        help="The highest salary the position can offer. Candidates who declined an "
        "offer for its salary are proposed again only when it exceeds what they "
        "expected.",
    )
    followup_tag_ids = fields.Many2many(
        "hr.applicant.category",
        "hr_job_followup_tag_rel",
        "job_id",
        "tag_id",
        string="Candidate Tags",
        help="Tags of the candidates the position looks for: pool candidates "
        "sharing one are proposed when it opens.",
    )
    followup_challenges = fields.Text(
        string="Challenges of the Position",
        help="What the role demands that a candidate should know before accepting, "
        "one per line (e.g. frequent travel, on-call weeks). The follow-up emails "
        "before the offer list them and ask the candidate to confirm.",
    )
    followup_match_count = fields.Integer(
        string="Pool Matches", compute="_compute_followup_match_count"
    )

    # ------------------------------------------------------------------
    # Re-activation: the pool and the declined offers, when a position opens
    # ------------------------------------------------------------------

    def _compute_followup_match_count(self):
        matches = self._followup_match_candidates()
        for job in self:
            job.followup_match_count = len(matches.get(job, {}))

    @api.model
    def _get_followup_reactivation_domain(self, today):
        """Candidates who may be re-activated: in the pool with consent and not
        expired, or who declined one of our offers and were never asked about
        the pool; never those who asked not to be contacted, nor those whose
        stay in the pool ended (expired, consent withdrawn, removed): the pool
        membership is the one truth of who may hear about future openings."""
        return [
            ("active", "=", True),
            ("talent_pool_anonymised", "=", False),
            ("do_not_contact", "=", False),
            "|",
            "&",
            "&",
            ("in_talent_pool", "=", True),
            ("talent_pool_consent", "=", True),
            "|",
            ("talent_pool_expiry", "=", False),
            ("talent_pool_expiry", ">=", today),
            "&",
            "&",
            ("in_talent_pool", "=", False),
            ("talent_pool_consent_date", "=", False),
            ("applicant_ids", "any", [("declined_by", "=", "candidate")]),
        ]

    def _followup_match_candidates(self):
        """Candidates worth proposing for each of these positions, and why.

        One search for all the positions; the matching itself runs on the
        loaded candidates.

        :return: {job: {candidate: reason}}
        """
        jobs = self.filtered("id")
        if not jobs:
            return {}
        Candidate = self.env["hr.candidate"].sudo().with_context(active_test=False)
        today = fields.Date.context_today(self)
        domain = self._get_followup_reactivation_domain(today)
        if all(job.company_id for job in jobs):
            domain = expression.AND(
                [domain, [("company_id", "in", [*jobs.company_id.ids, False])]]
            )
        candidates = Candidate.search(domain)
        with_skills = "skill_ids" in Candidate._fields and "skill_ids" in self._fields
        result = {}
        for job in jobs:
            matches = {}
            for candidate in candidates:
                if job.company_id and candidate.company_id not in (
                    job.company_id,
                    self.env["res.company"],
                ):
                    continue
                reason = job._followup_match_reason(candidate, with_skills)
                if reason:
                    matches[candidate.with_env(self.env)] = reason
            result[job] = matches
        return result

    def _followup_match_reason(self, candidate, with_skills):
        """Why ``candidate`` fits this position, or False."""
        self.ensure_one()
        applications = candidate.applicant_ids
        if any(
            a.job_id == self and a._followup_status() == "ongoing" for a in applications
        ):
            return False
        reasons = []
        if self in applications.job_id:
            reasons.append(self.env._("applied for this position before"))
        elif self.department_id and self.department_id in (
            applications.department_id | applications.job_id.department_id
        ):
            reasons.append(
                self.env._(
                    "applied in %(department)s", department=self.department_id.name
                )
            )
        tags = candidate.categ_ids & self.followup_tag_ids
        if tags:
            reasons.append(
                self.env._("tags: %(tags)s", tags=", ".join(tags.mapped("name")))
            )
        if with_skills:
            skills = candidate.skill_ids & self.skill_ids
            if skills:
                reasons.append(
                    self.env._(
                        "skills: %(skills)s", skills=", ".join(skills.mapped("name"))
                    )
                )
        if not reasons:
            return False
        salary_declined = applications.filtered(
            lambda a: a.declined_by == "candidate" and a._followup_declined_for_salary()
        )
        if salary_declined:
            wanted = max(
                a.salary_expected or a.salary_proposed for a in salary_declined
            )
            # They said no to the salary: only a better one is worth their time.
            if not self.followup_salary_max or self.followup_salary_max <= wanted:
                return False
            wanted_text = f"{wanted:,.0f}"
            offer_text = f"{self.followup_salary_max:,.0f}"
            reasons.append(
                self.env._(
                    "declined for the salary (%(wanted)s), this position offers up "
                    "to %(offer)s",
                    wanted=wanted_text,
                    offer=offer_text,
                )
            )
        elif any(a.declined_by == "candidate" for a in applications):
            reasons.append(self.env._("declined an offer before"))
        if candidate.in_talent_pool:
            reasons.append(self.env._("in the talent pool"))
        return "; ".join(reasons)

    def action_open_followup_matches(self):
        """The pool and declined-offer candidates matching this position."""
        self.ensure_one()
        matches = self._followup_match_candidates().get(self, {})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pool Matches for %(job)s", job=self.name),
            "res_model": "hr.candidate",
            "view_mode": "list,form",
            "views": [
                (
                    self.env.ref(
                        "hr_recruitment_followup.hr_candidate_view_list_reactivation"
                    ).id,
                    "list",
                ),
                (False, "form"),
            ],
            "domain": [("id", "in", [c.id for c in matches])],
            "context": {"followup_match_job_id": self.id, "create": False},
            "help": Markup("<p class='o_view_nocontent_empty_folder'>%s</p><p>%s</p>")
            % (
                self.env._("No matching candidate"),
                self.env._(
                    "Nobody in the talent pool or among the declined offers matches "
                    "this position's department, tags or skills."
                ),
            ),
        }

    @api.model_create_multi
    def create(self, vals_list):
        jobs = super().create(vals_list)
        jobs.filtered(lambda job: job.no_of_recruitment > 0)._followup_notify_matches()
        return jobs

    def write(self, vals):
        opening = self.browse()
        if {"no_of_recruitment", "active", "is_published"} & set(vals):
            opening = self.filtered(lambda job: job._followup_is_opened_by(vals))
        res = super().write(vals)
        opening._followup_notify_matches()
        return res

    def _followup_is_opened_by(self, vals):
        """Whether ``vals`` opens this position or adds headcount to it."""
        self.ensure_one()
        if vals.get("no_of_recruitment", 0) > self.no_of_recruitment:
            return True
        if vals.get("active") and not self.active:
            return True
        return bool(
            "is_published" in self._fields
            and vals.get("is_published")
            and not self.is_published
        )

    def _followup_notify_matches(self):
        """Remind each recruiter of the candidates to re-activate for these jobs."""
        if not self:
            return
        activity_type = self.env.ref(
            "hr_recruitment_followup.mail_activity_type_reactivation",
            raise_if_not_found=False,
        )
        if not activity_type:
            return
        matches = self._followup_match_candidates()
        for job in self:
            candidates = matches.get(job)
            if not candidates:
                continue
            summary = self.env._(
                "%(count)s matching candidates in the talent pool",
                count=len(candidates),
            )
            lines = Markup().join(
                Markup("<li>%s: %s</li>") % (candidate.display_name, reason)
                for candidate, reason in list(candidates.items())[:MATCHES_IN_NOTE]
            )
            note = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._(
                    "%(job)s is open: these candidates from the talent pool or "
                    "declined offers match it. Invite them from the job's Pool "
                    "Matches button.",
                    job=job.name,
                ),
                lines,
            )
            user = job.user_id or self.env.user
            existing = job.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            )
            if existing:
                existing[:1].write(
                    {"summary": summary, "note": note, "user_id": user.id}
                )
            else:
                job.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=summary,
                    note=note,
                    user_id=user.id,
                )
