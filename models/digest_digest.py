from odoo import fields, models
from odoo.exceptions import AccessError


class DigestDigest(models.Model):
    _inherit = "digest.digest"

    kpi_hr_recruitment_followup_overdue = fields.Boolean(
        string="Follow-ups Overdue",
        help="Follow-ups that fell due in the period and are still overdue.",
    )
    kpi_hr_recruitment_followup_overdue_value = fields.Integer(
        compute="_compute_kpi_hr_recruitment_followup_overdue_value"
    )
    kpi_hr_recruitment_offers_declined = fields.Boolean(
        string="Offers Declined",
        help="Applications the candidate declined in the period.",
    )
    kpi_hr_recruitment_offers_declined_value = fields.Integer(
        compute="_compute_kpi_hr_recruitment_offers_declined_value"
    )

    def _check_hr_recruitment_followup_access(self):
        if not self.env.user.has_group("hr_recruitment.group_hr_recruitment_user"):
            raise AccessError(
                self.env._("Do not have access, skip this data for user's digest email")
            )

    def _compute_kpi_hr_recruitment_followup_overdue_value(self):
        """Applications (archived ones too: the talent pool) whose follow-up fell
        due in the period and is overdue now: due before the start of today in
        the reader's time zone, like the "Follow-up overdue" filter."""
        self._check_hr_recruitment_followup_access()
        start, end, companies = self._get_kpi_compute_parameters()
        today_start, _today_end = self.env["hr.applicant"]._followup_today_bounds()
        due_in_period = [
            "|",
            "&",
            "&",
            ("next_followup_date", ">=", start),
            ("next_followup_date", "<", end),
            ("next_followup_date", "<", today_start),
            "&",
            "&",
            ("followup_planned_date", ">=", start),
            ("followup_planned_date", "<", end),
            ("followup_planned_date", "<", today_start),
        ]
        self._hr_recruitment_followup_count(
            "kpi_hr_recruitment_followup_overdue_value",
            [("company_id", "in", companies.ids), *due_in_period],
        )

    def _compute_kpi_hr_recruitment_offers_declined_value(self):
        """Applications the candidate declined (``declined_by``) in the period: on
        their decline date, else their refusal date."""
        self._check_hr_recruitment_followup_access()
        start, end, companies = self._get_kpi_compute_parameters()
        self._hr_recruitment_followup_count(
            "kpi_hr_recruitment_offers_declined_value",
            [
                ("company_id", "in", companies.ids),
                ("declined_by", "=", "candidate"),
                "|",
                "&",
                ("decline_date", ">=", start),
                ("decline_date", "<", end),
                "&",
                "&",
                ("decline_date", "=", False),
                ("refuse_date", ">=", start),
                ("refuse_date", "<", end),
            ],
        )

    def _hr_recruitment_followup_count(self, kpi_field, domain):
        counts = dict(
            self.env["hr.applicant"]
            .with_context(active_test=False)
            ._read_group(domain, ["company_id"], ["__count"])
        )
        for digest in self:
            company = digest.company_id or self.env.company
            digest[kpi_field] = counts.get(company, 0)

    def _compute_kpis_actions(self, company, user):
        res = super()._compute_kpis_actions(company, user)
        menu = self.env.ref("hr_recruitment.menu_hr_recruitment_root").id
        res["kpi_hr_recruitment_followup_overdue"] = (
            f"hr_recruitment_followup.hr_applicant_action_followup_overdue&menu_id={menu}"
        )
        res["kpi_hr_recruitment_offers_declined"] = (
            "hr_recruitment_followup.hr_recruitment_followup_decline_report_action"
            f"&menu_id={menu}"
        )
        return res
