from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .test_cadence import CadenceCommon


class DeclineCommon(CadenceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("hr_recruitment_followup.survey_offer_decline")
        cls.reason = {
            code: cls.env.ref(f"hr_recruitment_followup.decline_reason_{code}")
            for code in ("salary", "other_offer", "location", "process_slow")
        }
        cls.offer_declined_refuse = cls.env.ref(
            "hr_recruitment_followup.refuse_reason_offer_declined"
        )
        cls.tag_abandoned = cls.env.ref("hr_recruitment_followup.tag_hire_abandoned")

    def _decline_form(self, applicants, user=None):
        action = applicants.with_user(user or self.recruiter).action_decline_offer()
        return Form(
            self.env[action["res_model"]]
            .with_user(user or self.recruiter)
            .with_context(**action["context"])
        )

    def _survey_answers(self, applicant):
        return (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("applicant_id", "=", applicant.id),
                    ("survey_id", "=", self.survey.id),
                ]
            )
        )


@tagged("post_install", "-at_install")
class TestDecline(DeclineCommon):
    @freeze_time("2026-03-10 02:00:00")  # 10:00 in Shanghai
    def test_decline_action_records_and_invites_to_the_survey(self):
        applicant = self._candidate_applicant(
            "Zhao Lei", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        form = self._decline_form(applicant)
        self.assertTrue(form.send_survey, "no reason given: ask through the survey")
        form.channel = "wechat"
        form.summary = "Told me on WeChat he will not join"
        form.save().action_confirm()

        self.assertFalse(applicant.active)
        self.assertEqual(applicant.refuse_reason_id, self.offer_declined_refuse)
        self.assertEqual(applicant.declined_by, "candidate")
        self.assertEqual(applicant.followup_stage_id, self.fu_offer_declined)
        self.assertIn(self.tag_abandoned, applicant.categ_ids, "an offer was sent")
        self.assertEqual(applicant.decline_date, datetime(2026, 3, 10, 2, 0))
        told = applicant.contact_log_ids.filtered(
            lambda log: log.direction == "inbound"
        )
        self.assertEqual((told.channel, told.outcome), ("wechat", "negative"))

        answer = self._survey_answers(applicant)
        self.assertEqual(len(answer), 1)
        self.assertEqual(answer.partner_id, applicant.partner_id)
        self.assertEqual(answer.deadline, datetime(2026, 4, 9, 2, 0))
        mail = self._mails(applicant)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "zhao.lei@example.com")
        self.assertFalse(mail.scheduled_date, "10:00 is within contact hours")
        self.assertIn(answer.access_token, mail.body_html)
        self.assertIn(f"/survey/start/{self.survey.access_token}", mail.body_html)
        sent = applicant.contact_log_ids.filtered("automated")
        self.assertEqual((sent.mail_id, sent.channel), (mail, "email"))

    @freeze_time("2026-03-10 02:00:00")
    def test_decline_with_reasons_and_no_future_contact(self):
        applicant = self._candidate_applicant(
            "Sun Mei", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        form = self._decline_form(applicant)
        form.decline_reason_ids.add(self.reason["salary"])
        form.decline_reason_ids.add(self.reason["other_offer"])
        form.comment = "A competitor offered 20% more"
        form.may_contact = "no"
        self.assertFalse(form.send_survey, "reasons known and no contact wanted")
        form.save().action_confirm()
        self.assertEqual(
            applicant.decline_reason_ids,
            self.reason["salary"] | self.reason["other_offer"],
        )
        self.assertEqual(applicant.decline_comment, "A competitor offered 20% more")
        self.assertTrue(applicant.do_not_contact)
        self.assertFalse(self._mails(applicant))
        self.assertFalse(self._survey_answers(applicant))
        self.assertFalse(applicant.followup_rule_id, "never contacted again")

    def test_decline_needs_a_reason_or_the_survey(self):
        applicant = self._candidate_applicant(
            "Qian Hao", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        form = self._decline_form(applicant)
        form.send_survey = False
        wizard = form.save()
        with self.assertRaisesText(UserError, "Give at least one reason"):
            wizard.action_confirm()
        self.assertTrue(applicant.active, "nothing half-written")
        self.assertFalse(applicant.contact_log_ids)
        form = self._decline_form(applicant)
        form.may_contact = "no"
        form.send_survey = True
        with self.assertRaisesText(UserError, "the survey cannot be sent"):
            form.save().action_confirm()
        self.assertTrue(applicant.active)

    @freeze_time("2026-03-10 02:00:00")
    def test_refuse_wizard_with_a_candidate_reason_does_the_same(self):
        applicant = self._candidate_applicant(
            "Zhou Ting", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        salary = self.env.ref("hr_recruitment.refuse_reason_8")
        self.assertEqual(salary.refused_by, "candidate")
        self.env["applicant.get.refuse.reason"].with_user(self.recruiter).create(
            {"refuse_reason_id": salary.id, "applicant_ids": [(6, 0, applicant.ids)]}
        ).action_refuse_reason_apply()
        self.assertEqual(applicant.declined_by, "candidate")
        self.assertEqual(applicant.followup_stage_id, self.fu_offer_declined)
        self.assertIn(self.tag_abandoned, applicant.categ_ids)
        self.assertEqual(len(self._survey_answers(applicant)), 1)
        self.assertEqual(len(self._mails(applicant)), 1)

    @freeze_time("2026-03-10 02:00:00")
    def test_rejected_by_the_company_is_not_a_decline(self):
        applicant = self._candidate_applicant(
            "Wu Qiang", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        self.env["applicant.get.refuse.reason"].create(
            {
                "refuse_reason_id": self.env.ref("hr_recruitment.refuse_reason_1").id,
                "applicant_ids": [(6, 0, applicant.ids)],
            }
        ).action_refuse_reason_apply()
        self.assertEqual(applicant.declined_by, "company")
        self.assertEqual(applicant.followup_stage_id, self.fu_talent_pool)
        self.assertNotIn(self.tag_abandoned, applicant.categ_ids)
        self.assertFalse(self._survey_answers(applicant))

    @freeze_time("2026-03-10 02:00:00")
    def test_declined_before_the_offer_goes_to_the_pool_without_the_tag(self):
        applicant = self._candidate_applicant(
            "Ma Li", "Asia/Shanghai", stage_id=self.stage_second.id
        )
        form = self._decline_form(applicant)
        form.decline_reason_ids.add(self.reason["process_slow"])
        form.send_survey = False
        form.save().action_confirm()
        self.assertEqual(applicant.declined_by, "candidate")
        self.assertEqual(applicant.followup_stage_id, self.fu_talent_pool)
        self.assertNotIn(self.tag_abandoned, applicant.categ_ids)

    @freeze_time("2026-03-10 02:00:00")
    def test_no_invitation_to_opted_out_candidates(self):
        dnc = self._candidate_applicant(
            "Opted Out", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        dnc.write({"do_not_contact": True, "do_not_contact_reason": "No intention"})
        blocked = self._candidate_applicant(
            "Blocked Mail", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        self.env["mail.blacklist"]._add(blocked.email_from)
        for applicant in dnc | blocked:
            self._decline_form(applicant).save().action_confirm()
            self.assertEqual(applicant.declined_by, "candidate")
            self.assertFalse(self._mails(applicant), applicant.partner_name)
            self.assertFalse(self._survey_answers(applicant), applicant.partner_name)

    @freeze_time("2026-03-10 13:30:00")  # 21:30 in Shanghai
    def test_invitation_waits_for_the_morning(self):
        applicant = self._candidate_applicant(
            "Late Decline", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        self._decline_form(applicant).save().action_confirm()
        mail = self._mails(applicant)
        self.assertEqual(mail.scheduled_date, datetime(2026, 3, 11, 1, 0))

    def test_counts_by_reason(self):
        data = {
            "A": ("salary", "other_offer"),
            "B": ("salary",),
            "C": ("salary", "location"),
            "D": ("other_offer",),
        }
        applicants = self.env["hr.applicant"]
        for name, codes in data.items():
            applicant = self._candidate_applicant(
                f"Count {name}", "Asia/Shanghai", stage_id=self.stage_proposal.id
            )
            form = self._decline_form(applicant)
            for code in codes:
                form.decline_reason_ids.add(self.reason[code])
            form.send_survey = False
            form.save().action_confirm()
            applicants |= applicant
        counts = {
            reason.code: count
            for reason, count in self.env["hr.applicant"]
            .with_context(active_test=False)
            ._read_group(
                [("id", "in", applicants.ids)], ["decline_reason_ids"], ["__count"]
            )
        }
        self.assertEqual(counts, {"salary": 3, "other_offer": 2, "location": 1})


@tagged("post_install", "-at_install")
class TestRefuseReasonKeepsTheCandidatesReason(DeclineCommon):
    """Odoo's refuse wizard with a reason that belongs to the candidate records
    the typed decline reason it stands for."""

    def _refuse(self, applicants, refuse_reason):
        self.env["applicant.get.refuse.reason"].with_user(self.recruiter).create(
            {
                "refuse_reason_id": refuse_reason.id,
                "applicant_ids": [(6, 0, applicants.ids)],
            }
        ).action_refuse_reason_apply()

    def test_odoo_reasons_are_filed_under_their_decline_reason(self):
        salary = self.env.ref("hr_recruitment.refuse_reason_8")
        job_fit = self.env.ref("hr_recruitment.refuse_reason_2")
        self.assertEqual(salary.decline_reason_id, self.reason["salary"])
        role = self.env.ref("hr_recruitment_followup.decline_reason_role_mismatch")
        self.assertEqual(job_fit.decline_reason_id, role)
        # A reason of the company's own, configured in the refuse reason form.
        form = Form(self.env["hr.applicant.refuse.reason"].with_user(self.manager))
        form.name = "Refused by applicant: too far"
        form.refused_by = "candidate"
        form.decline_reason_id = self.reason["location"]
        too_far = form.save()
        applicants = self.env["hr.applicant"]
        for name, refuse_reason in (
            ("Salary One", salary),
            ("Salary Two", salary),
            ("Job Fit", job_fit),
            ("Too Far", too_far),
            ("Rejected", self.env.ref("hr_recruitment.refuse_reason_1")),
        ):
            applicant = self._candidate_applicant(
                name, "Asia/Shanghai", stage_id=self.stage_second.id
            )
            self._refuse(applicant, refuse_reason)
            applicants |= applicant
        by_name = {a.partner_name: a for a in applicants}
        self.assertEqual(
            by_name["Salary One"].decline_reason_ids, self.reason["salary"]
        )
        self.assertEqual(by_name["Job Fit"].decline_reason_ids, role)
        self.assertFalse(by_name["Rejected"].decline_reason_ids)
        self.env.flush_all()
        rows = self.env["hr.recruitment.followup.decline.report"]._read_group(
            [("applicant_id", "in", applicants.ids)],
            ["reason_id"],
            ["applicant_id:count_distinct", "share:share"],
        )
        self.assertEqual(
            [tuple(row) for row in rows],
            [
                (self.reason["salary"], 2, 50.0),
                (self.reason["location"], 1, 25.0),
                (role, 1, 25.0),
            ],
        )

    def test_a_company_reason_gives_no_decline_reason(self):
        reason = self.env["hr.applicant.refuse.reason"].create(
            {"name": "Overqualified"}
        )
        with self.assertRaisesText(ValidationError, "only a reason refused by the"):
            reason.decline_reason_id = self.reason["salary"]


@tagged("post_install", "-at_install")
class TestCandidateWithdrew(DeclineCommon):
    """Before the offer, a candidate who gives up has withdrawn."""

    @freeze_time("2026-03-10 02:00:00")
    def test_withdrawal_before_the_offer(self):
        applicant = self._candidate_applicant(
            "Gave Up", "Asia/Shanghai", stage_id=self.stage_second.id
        )
        self.assertFalse(applicant.followup_offer_sent)
        action = applicant.with_user(self.recruiter).action_decline_offer()
        self.assertEqual(action["name"], "Candidate Withdrew")
        form = self._decline_form(applicant)
        form.decline_reason_ids.add(self.reason["process_slow"])
        form.may_contact = "no"
        form.send_survey = False
        form.save().action_confirm()
        self.assertEqual(applicant.declined_by, "candidate")
        self.assertEqual(
            applicant.refuse_reason_id,
            self.env.ref("hr_recruitment_followup.refuse_reason_withdrew"),
        )
        self.assertEqual(applicant.followup_stage_id, self.fu_talent_pool)
        self.assertNotIn(self.tag_abandoned, applicant.categ_ids)
        self.assertEqual(applicant.decline_reason_ids, self.reason["process_slow"])
        self.assertEqual(
            applicant.contact_log_ids.summary,
            "The candidate withdrew before the offer.",
        )
        self.assertEqual(
            applicant.do_not_contact_reason,
            "Withdrew before the offer and asked not to be contacted again.",
        )
        self.env.flush_all()
        [(reason, count)] = self.env[
            "hr.recruitment.followup.decline.report"
        ]._read_group([("applicant_id", "=", applicant.id)], ["reason_id"], ["__count"])
        self.assertEqual((reason, count), (self.reason["process_slow"], 1))
        funnel = self.env["hr.recruitment.followup.funnel.report"]._read_group(
            [
                ("applicant_id", "=", applicant.id),
                ("stage_id", "=", self.stage_second.id),
            ],
            [],
            ["left_count:sum", "declined_count:sum", "rejected_count:sum"],
        )
        self.assertEqual(funnel, [(1, 1, 0)])

    @freeze_time("2026-03-10 02:00:00")
    def test_both_at_once_each_as_it_happened(self):
        before = self._candidate_applicant(
            "Before Offer", "Asia/Shanghai", stage_id=self.stage_first.id
        )
        after = self._candidate_applicant(
            "After Offer", "Asia/Shanghai", stage_id=self.stage_proposal.id
        )
        self.assertEqual(
            after.with_user(self.recruiter).action_decline_offer()["name"],
            "Offer Declined",
        )
        form = self._decline_form(before | after)
        form.decline_reason_ids.add(self.reason["other_offer"])
        form.send_survey = True
        form.save().action_confirm()
        self.assertEqual(after.refuse_reason_id, self.offer_declined_refuse)
        self.assertEqual(after.followup_stage_id, self.fu_offer_declined)
        self.assertIn(self.tag_abandoned, after.categ_ids)
        self.assertEqual(
            before.refuse_reason_id,
            self.env.ref("hr_recruitment_followup.refuse_reason_withdrew"),
        )
        self.assertEqual(before.followup_stage_id, self.fu_talent_pool)
        self.assertNotIn(self.tag_abandoned, before.categ_ids)
        self.assertEqual(before.declined_by, "candidate")
        self.assertEqual(
            before.contact_log_ids.filtered(
                lambda log: log.direction == "inbound"
            ).summary,
            "The candidate withdrew before the offer.",
        )
        # Both asked through the survey, as the Offer Declined action does.
        self.assertEqual(len(self._survey_answers(before)), 1)
        self.assertEqual(len(self._survey_answers(after)), 1)
