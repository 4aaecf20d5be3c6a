from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .test_cadence import CadenceCommon


class TalentPoolCommon(CadenceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.refuse_reason = cls.env["hr.applicant.refuse.reason"].create(
            {"name": "Not this time"}
        )

    def _refused(self, name, **values):
        applicant = self._candidate_applicant(
            name, "Asia/Shanghai", stage_id=self.stage_second.id, **values
        )
        applicant.write({"refuse_reason_id": self.refuse_reason.id, "active": False})
        self._job_replans(applicant)
        self.assertEqual(applicant.followup_stage_id, self.fu_talent_pool)
        return applicant

    def _pool_wizard(self, candidates, **context):
        return Form(
            self.env["hr.candidate.talent.pool"]
            .with_user(self.recruiter)
            .with_context(**(context or {"default_candidate_ids": candidates.ids}))
        )


@tagged("post_install", "-at_install")
class TestTalentPool(TalentPoolCommon):
    @freeze_time("2026-03-02 02:00:00")
    def test_joining_the_pool_needs_consent(self):
        applicant = self._refused("No Consent")
        wizard = self._pool_wizard(applicant.candidate_id)
        wizard.reason = "Good profile"
        record = wizard.save()
        with self.assertRaisesText(UserError, "only join the talent pool with their"):
            record.action_confirm()
        self.assertFalse(applicant.candidate_id.in_talent_pool)
        self.assertFalse(applicant.followup_rule_id, "no consent, no pool follow-up")

    @freeze_time("2026-03-02 02:00:00")
    def test_wizard_from_the_application_sets_consent_reason_date_expiry(self):
        applicant = self._refused("Pooled")
        action = applicant.with_user(self.recruiter).action_talent_pool_add()
        self.assertEqual(action["res_model"], "hr.candidate.talent.pool")
        wizard = self._pool_wizard(
            None, active_model="hr.applicant", active_ids=applicant.ids
        )
        self.assertEqual(wizard.expiry, date(2028, 3, 2), "24 months by default")
        wizard.consent = True
        wizard.reason = "Strong backend skills, declined for the commute"
        wizard.save().action_confirm()
        candidate = applicant.candidate_id
        self.assertTrue(candidate.in_talent_pool)
        self.assertTrue(candidate.talent_pool_consent)
        self.assertEqual(candidate.talent_pool_date, date(2026, 3, 2))
        self.assertEqual(candidate.talent_pool_expiry, date(2028, 3, 2))
        self.assertEqual(
            candidate.talent_pool_reason,
            "Strong backend skills, declined for the commute",
        )
        self.assertTrue(applicant.in_talent_pool)
        # Consent given: the pool's light touch is planned, 90 days after refusal.
        self.assertEqual(applicant.followup_rule_id, self.rule_pool)
        self.assertEqual(applicant.next_followup_date, datetime(2026, 5, 31, 2, 0))

    @freeze_time("2026-03-02 02:00:00")
    def test_company_sets_the_default_pool_duration(self):
        self.company.talent_pool_months = 6
        applicant = self._refused("Six Months")
        wizard = self._pool_wizard(applicant.candidate_id)
        self.assertEqual(wizard.expiry, date(2026, 9, 2))
        with self.assertRaisesText(ValidationError, "at least one month"):
            self.company.talent_pool_grace_days = 0

    @freeze_time("2026-03-02 02:00:00")
    def test_expiry_and_reason_are_checked(self):
        candidate = self._refused("Checked").candidate_id
        with self.assertRaisesText(UserError, "expiry must be after today"):
            candidate._talent_pool_add("Good", date(2026, 3, 2))
        with self.assertRaisesText(UserError, "worth keeping"):
            candidate._talent_pool_add("  ", date(2027, 3, 2))
        self.assertFalse(candidate.in_talent_pool)

    def test_pool_follow_up_stops_at_expiry_withdrawal_and_removal(self):
        with freeze_time("2026-03-02 02:00:00"):
            applicant = self._refused("Expiring")
            candidate = applicant.candidate_id
            candidate._talent_pool_add("Good", date(2026, 5, 1))
            self.assertEqual(applicant.followup_rule_id, self.rule_pool)
        with freeze_time("2026-05-31 02:00:00"):
            self._run_cron()
            self.assertFalse(self._mails(applicant), "the pool expired on 05-01")
            self.assertFalse(applicant.followup_rule_id)
            candidate.talent_pool_expiry = date(2027, 3, 2)
            self.assertEqual(applicant.followup_rule_id, self.rule_pool)
            self._run_cron()
            self.assertEqual(len(self._mails(applicant)), 1, "extended: sent")
            candidate.talent_pool_consent = False
            self.assertFalse(applicant.followup_rule_id, "consent withdrawn")
            self.assertEqual(candidate.talent_pool_consent_date, date(2026, 5, 31))
            candidate.talent_pool_consent = True
            self.assertEqual(applicant.followup_rule_id, self.rule_pool)
            candidate.with_user(self.recruiter).action_talent_pool_remove()
            self.assertFalse(candidate.in_talent_pool)
            self.assertFalse(candidate.talent_pool_expiry)
            self.assertFalse(applicant.followup_rule_id, "removed from the pool")

    @freeze_time("2026-03-02 02:00:00")
    def test_the_after_interview_note_still_reaches_refused_candidates(self):
        applicant = self._candidate_applicant(
            "Refused After Interview", "Asia/Shanghai", stage_id=self.stage_first.id
        )
        self._interview(applicant, "2026-03-02 02:00:00", "2026-03-02 03:00:00")
        applicant.write({"refuse_reason_id": self.refuse_reason.id, "active": False})
        self._job_replans(applicant)
        self.assertEqual(applicant.followup_rule_id, self.rule_interview)


@tagged("post_install", "-at_install")
class TestTalentPoolRetention(TalentPoolCommon):
    def _cv(self, record):
        return self.env["ir.attachment"].create(
            {
                "name": "cv.pdf",
                "raw": b"%PDF-1.4 cv",
                "res_model": record._name,
                "res_id": record.id,
            }
        )

    def _retention(self):
        """Run the job; its count must be what it really anonymised."""
        Candidate = self.env["hr.candidate"].with_context(active_test=False)
        before = Candidate.search_count([("talent_pool_anonymised", "=", True)])
        done = Candidate._cron_talent_pool_retention()
        after = Candidate.search_count([("talent_pool_anonymised", "=", True)])
        self.assertEqual(done, after - before)
        return done

    def test_retention_anonymises_expired_withdrawn_and_unconsented(self):
        with freeze_time("2025-01-10 02:00:00"):
            expired = self._refused("Expired Pool", partner_phone="+86 138 0000 0001")
            expired.candidate_id.linkedin_profile = "linkedin.com/in/expired"
            expired.candidate_id._talent_pool_add("Good", date(2026, 1, 1))
            kept_pool = self._refused("Kept Pool")
            kept_pool.candidate_id._talent_pool_add("Good", date(2027, 1, 1))
            withdrawn = self._refused("Withdrawn")
            withdrawn.candidate_id._talent_pool_add("Good", date(2027, 1, 1))
            withdrawn.candidate_id.talent_pool_consent = False
            never_asked = self._refused("Never Asked")
            busy = self._refused("Still Applying")
            self.env["hr.applicant"].create(
                {
                    "candidate_id": busy.candidate_id.id,
                    "job_id": self.job.id,
                    "stage_id": self.stage_first.id,
                }
            )
        with freeze_time("2026-02-20 02:00:00"):
            recent = self._refused("Recently Refused")
            self.env["hr.applicant.contact.log"].create(
                {
                    "applicant_id": expired.id,
                    "channel": "wechat",
                    "summary": "Talked about her new job in Hangzhou",
                    "candidate_response": "Happy to hear from us next year",
                    "next_step": "Call in spring",
                }
            )
            expired.message_post(body="Her CV mentions her home address")
            cv_candidate = self._cv(expired.candidate_id)
            cv_applicant = self._cv(expired)
            expired_partner = expired.candidate_id.partner_id
        with freeze_time("2026-03-02 02:00:00"):
            self.assertGreaterEqual(self._retention(), 3)
        gone = (expired | withdrawn | never_asked).candidate_id
        for candidate in gone:
            self.assertEqual(
                candidate.partner_name, f"Anonymised candidate #{candidate.id}"
            )
            self.assertFalse(candidate.email_from)
            self.assertFalse(candidate.partner_id)
            self.assertFalse(candidate.active)
            self.assertTrue(candidate.talent_pool_anonymised)
            self.assertFalse(candidate.in_talent_pool)
            self.assertFalse(
                candidate.with_context(active_test=False).applicant_ids.active
            )
        candidate = expired.candidate_id
        self.assertFalse(candidate.partner_phone)
        self.assertFalse(candidate.linkedin_profile)
        self.assertFalse(cv_candidate.exists() or cv_applicant.exists(), "CVs deleted")
        log = expired.contact_log_ids
        self.assertEqual(log.channel, "wechat", "the log stays for the statistics")
        self.assertFalse(log.summary or log.candidate_response or log.next_step)
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "hr.applicant"), ("res_id", "=", expired.id)]
            )
        )
        self.assertFalse(expired_partner.active)
        self.assertFalse(expired_partner.email)
        self.assertNotIn("Expired", expired_partner.name)
        privacy_logs = self.env["privacy.log"].search([], order="id desc", limit=3)
        self.assertIn("E****** P***", privacy_logs.mapped("anonymized_name"))
        for kept in (kept_pool, busy, recent):
            self.assertTrue(kept.candidate_id.active, kept.partner_name)
            self.assertFalse(kept.candidate_id.talent_pool_anonymised)
        self.assertEqual(kept_pool.partner_name, "Kept Pool")
        with freeze_time("2026-03-03 02:00:00"):
            self.assertEqual(self._retention(), 0, "nothing twice")

    def test_grace_period_is_per_company(self):
        with freeze_time("2026-01-01 02:00:00"):
            applicant = self._refused("Short Grace")
        with freeze_time("2026-01-20 02:00:00"):
            self._retention()
            self.assertFalse(
                applicant.candidate_id.talent_pool_anonymised, "90 days by default"
            )
            self.company.talent_pool_grace_days = 10
            self.assertGreaterEqual(self._retention(), 1)
        self.assertTrue(applicant.candidate_id.talent_pool_anonymised)

    def test_shared_contacts_only_lose_the_link(self):
        with freeze_time("2025-01-01 02:00:00"):
            applicant = self._refused("Shared Contact")
            partner = applicant.candidate_id.partner_id
            self.env["hr.employee"].create(
                {"name": "Shared Contact", "work_contact_id": partner.id}
            )
        with freeze_time("2026-01-01 02:00:00"):
            self._retention()
        self.assertTrue(applicant.candidate_id.talent_pool_anonymised)
        self.assertFalse(applicant.candidate_id.partner_id)
        self.assertTrue(partner.active)
        self.assertEqual(partner.name, "Shared Contact")

    @freeze_time("2026-03-02 02:00:00")
    def test_privacy_lookup_finds_the_pool_candidate_and_the_log(self):
        applicant = self._refused("Privacy Person", email="privacy.person@example.com")
        applicant.candidate_id._talent_pool_add("Good", date(2027, 3, 2))
        log = self.env["hr.applicant.contact.log"].create(
            {"applicant_id": applicant.id, "channel": "phone", "summary": "Called"}
        )
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": "Privacy Person", "email": "privacy.person@example.com"}
        )
        wizard.action_lookup()
        found = {(line.res_model, line.res_id) for line in wizard.line_ids}
        self.assertIn(("hr.candidate", applicant.candidate_id.id), found)
        self.assertIn(("hr.applicant.contact.log", log.id), found)
