from markupsafe import Markup

from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        res = super()._mark_done()
        self.filtered(
            lambda answer: (
                answer.applicant_id
                and answer.survey_id.followup_decline_survey
                and not answer.test_entry
            )
        )._followup_apply_decline_answers()
        return res

    def _followup_apply_decline_answers(self):
        """Turn a completed decline survey into the applicant's decline data.

        Only the answer's own applicant is touched: the page knows nothing but the
        answer's token, so no id coming from the candidate can reach another one.
        """
        for answer in self.sudo():
            applicant = answer.applicant_id
            chosen = answer.user_input_line_ids.suggested_answer_id
            reasons = chosen.decline_reason_id
            comments = [
                line.value_text_box or line.value_char_box
                for line in answer.user_input_line_ids
                if line.answer_type in ("text_box", "char_box")
                and (line.value_text_box or line.value_char_box)
            ]
            no_contact = any(chosen.mapped("followup_no_future_contact"))
            vals = {"decline_reason_ids": [(6, 0, reasons.ids)]}
            if comments:
                vals["decline_comment"] = "\n".join(comments)
            if no_contact:
                vals.update(
                    {
                        "do_not_contact": True,
                        "do_not_contact_reason": self.env._(
                            "Declined the offer and asked not to be contacted about "
                            "future openings (decline survey)."
                        ),
                    }
                )
            applicant.write(vals)
            candidate = applicant.candidate_id
            if (
                not no_contact
                and candidate
                and not candidate.in_talent_pool
                and not candidate.talent_pool_anonymised
            ):
                # "Yes, keep me informed" is the candidate's own consent: the
                # talent pool (the one truth of who is contacted about future
                # openings) keeps them until the company's default expiry.
                candidate._talent_pool_add(
                    self.env._(
                        "Agreed in the offer decline survey to be contacted about "
                        "future openings."
                    ),
                    candidate._talent_pool_default_expiry(
                        candidate.company_id or applicant.company_id
                    ),
                )
            self.env["hr.applicant.contact.log"].create(
                {
                    "applicant_id": applicant.id,
                    "channel": "email",
                    "direction": "inbound",
                    "user_id": False,
                    "summary": self.env._("Answered the offer decline survey."),
                    "candidate_response": vals.get("decline_comment"),
                    "outcome": "negative" if no_contact else "neutral",
                }
            )
            applicant.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>%s")
                % (
                    self.env._("Offer decline survey answered:"),
                    Markup("").join(
                        Markup("<li>%s</li>") % name for name in reasons.mapped("name")
                    ),
                    Markup("<p>%s</p>")
                    % (
                        self.env._("Does not want to be contacted again.")
                        if no_contact
                        else self.env._("May be contacted about future openings.")
                    ),
                ),
                author_id=self.env.ref("base.partner_root").id,
                subtype_xmlid="mail.mt_note",
            )
