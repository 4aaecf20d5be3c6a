from odoo import api, models

from .hr_applicant import followup_replan_enabled

# What the follow-up after an interview counts from: a change of one of these
# on an applicant's interview re-plans the applicant.
INTERVIEW_FIELDS = frozenset(("start", "stop", "applicant_id"))


class CalendarEvent(models.Model):
    """Interviews: an applicant's follow-up counts from the end of its latest one.

    Plain overrides rather than an automation rule on calendar.event: a rule
    there makes every write of every event of the company search the rules and
    read the event's old values (a query or more per event), where this decides
    from the values at hand and acts on the interviews of applicants only.
    """

    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        if any(
            vals.get("applicant_id") or vals.get("res_model") == "hr.applicant"
            for vals in vals_list
        ) or (
            # hr_recruitment's default_get links an event created from an
            # applicant: applicant_id then comes as a default, not in vals.
            self.env.context.get("default_applicant_id")
            or self.env.context.get("default_res_model") == "hr.applicant"
        ):
            events._followup_mark_applicants(events.applicant_id)
        return events

    def write(self, vals):
        if not INTERVIEW_FIELDS & vals.keys():
            return super().write(vals)
        # An interview moved to another applicant: both are re-planned.
        before = self.applicant_id if "applicant_id" in vals else None
        res = super().write(vals)
        # The write read the events: their applicant is in the cache.
        applicants = self.applicant_id
        if before is not None:
            applicants |= before
        if applicants:
            self._followup_mark_applicants(applicants)
        return res

    def _followup_mark_applicants(self, applicants):
        """Mark the applicants of these interviews for the scheduled job to
        re-plan (switch "Re-plan when an interview changes")."""
        if not applicants or not followup_replan_enabled(self.env, "interview"):
            return
        applicants._followup_mark_needs_plan()
