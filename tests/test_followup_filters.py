from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupFilters(FollowupCommon):
    """The search filters and the kanban badge, through the views' own domains."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The recruiter's own plans only: the cadence rules are tested elsewhere.
        cls.env["hr.recruitment.followup.rule"].search([]).active = False
        Log = cls.env["hr.applicant.contact.log"]
        with freeze_time("2026-02-20 02:00:00"):
            cls.never_contacted = cls._new_applicant(
                "Never", stage_id=cls.stage_second.id
            )
            cls.not_in_followup = cls._new_applicant(
                "New one", stage_id=cls.stage_new.id
            )
            cls.stale = cls._new_applicant("Stale", stage_id=cls.stage_second.id)
            Log.create({"applicant_id": cls.stale.id, "summary": "Sent news"})
            # Shanghai times: due on 03-10 at 09:00 = 01:00 UTC.
            cls.due_today = cls._new_applicant("Due today", stage_id=cls.stage_first.id)
            cls.overdue = cls._new_applicant("Overdue", stage_id=cls.stage_first.id)
            cls.later = cls._new_applicant("Later", stage_id=cls.stage_first.id)
        with freeze_time("2026-03-06 02:00:00"):
            for applicant, day in (
                (cls.due_today, "2026-03-10"),
                (cls.overdue, "2026-03-09"),
                (cls.later, "2026-03-12"),
            ):
                Log.create({"applicant_id": applicant.id, "next_contact_date": day})
        # create_date comes from the database transaction, not the frozen clock.
        cls.env.cr.execute(
            "UPDATE hr_applicant SET create_date = '2026-02-20 02:00:00' "
            "WHERE id IN %s",
            [tuple(cls.never_contacted.ids + cls.not_in_followup.ids + cls.stale.ids)],
        )
        cls.env["hr.applicant"].invalidate_model(["create_date"])
        cls.mine = (
            cls.never_contacted
            | cls.not_in_followup
            | cls.stale
            | cls.due_today
            | cls.overdue
            | cls.later
        )

    def _filter_domain(self, name):
        arch = self.env["hr.applicant"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        node = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")
        self.assertEqual(len(node), 1, f"filter {name} in the search view")
        return safe_eval(node[0].get("domain"))

    def _apply(self, name, user):
        domain = self._filter_domain(name) + [("id", "in", self.mine.ids)]
        return self.env["hr.applicant"].with_user(user).search(domain)

    @freeze_time("2026-03-10 04:00:00")  # 12:00 in Shanghai
    def test_due_today_and_overdue_in_the_recruiter_time_zone(self):
        self.assertEqual(self.due_today.next_followup_date, datetime(2026, 3, 10, 1, 0))
        self.assertEqual(
            self._apply("followup_due_today", self.recruiter), self.due_today
        )
        self.assertEqual(self._apply("followup_overdue", self.recruiter), self.overdue)

    @freeze_time("2026-03-09 17:00:00")  # already 03-10 in Shanghai, still 03-09 in UTC
    def test_today_is_the_users_today(self):
        self.assertEqual(
            self._apply("followup_due_today", self.recruiter), self.due_today
        )
        self.assertEqual(self._apply("followup_overdue", self.recruiter), self.overdue)
        utc_user = self.manager
        utc_user.tz = "UTC"
        self.assertEqual(self._apply("followup_due_today", utc_user), self.overdue)
        self.assertFalse(self._apply("followup_overdue", utc_user))

    @freeze_time("2026-03-10 04:00:00")
    def test_no_contact_for_seven_days(self):
        # Stale: last contact 02-20; never contacted: created 02-20, in follow-up;
        # not in a follow-up stage: ignored; the others were contacted on 03-06.
        self.assertEqual(
            self._apply("followup_no_recent_contact", self.recruiter),
            self.stale | self.never_contacted,
        )
        self.assertTrue(self.stale.followup_no_recent_contact)
        self.assertFalse(self.due_today.followup_no_recent_contact)

    @freeze_time("2026-03-10 04:00:00")
    def test_negated_searches_are_the_complement(self):
        Applicant = self.env["hr.applicant"].with_user(self.recruiter)
        for field in (
            "followup_due_today",
            "followup_overdue",
            "followup_no_recent_contact",
        ):
            yes = Applicant.search([(field, "=", True), ("id", "in", self.mine.ids)])
            no = Applicant.search([(field, "=", False), ("id", "in", self.mine.ids)])
            self.assertEqual(yes | no, self.mine, field)
            self.assertFalse(yes & no, field)

    @freeze_time("2026-03-10 04:00:00")
    def test_kanban_badge_shows_overdue_follow_up(self):
        arch = self.env["hr.applicant"].get_views([(False, "kanban")])["views"][
            "kanban"
        ]["arch"]
        self.assertIn("record.followup_overdue.raw_value", arch)
        self.assertIn("Follow-up overdue", arch)
        overdue = self.overdue.with_user(self.recruiter)
        self.assertTrue(overdue.followup_overdue)
        self.assertFalse(self.due_today.with_user(self.recruiter).followup_overdue)
        self.assertFalse(self.later.with_user(self.recruiter).followup_overdue)

    def test_group_by_followup_stage_in_search_view(self):
        arch = self.env["hr.applicant"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        node = etree.fromstring(arch).xpath("//filter[@name='group_followup_stage']")
        self.assertEqual(
            safe_eval(node[0].get("context")), {"group_by": "followup_stage_id"}
        )
