from odoo import api, models


class MailActivitySchedule(models.TransientModel):
    _inherit = "mail.activity.schedule"

    @api.depends("res_model_id", "res_ids")
    def _compute_plan_date(self):
        """An applicant's plans count from the first day, when it is known."""
        res = super()._compute_plan_date()
        for scheduler in self.filtered(lambda s: s.res_model == "hr.applicant"):
            applicants = scheduler._get_applied_on_records()
            start_dates = set(applicants.mapped("start_date"))
            if len(start_dates) == 1 and all(start_dates):
                scheduler.plan_date = start_dates.pop()
        return res
