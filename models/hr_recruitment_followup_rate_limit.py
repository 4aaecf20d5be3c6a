from datetime import timedelta

from odoo import api, fields, models

# At most this many requests from one address in the window, per key.
RATE_LIMIT = 10
RATE_WINDOW = timedelta(minutes=10)


class HrRecruitmentFollowupRateLimit(models.Model):
    _name = "hr.recruitment.followup.rate.limit"
    _description = "Follow-up Public Page Rate Limit"
    _log_access = False

    key = fields.Char(required=True)
    address = fields.Char(required=True)
    hit_date = fields.Datetime(required=True, default=fields.Datetime.now)

    def init(self):
        res = super().init()
        # _hit(): WHERE key = ? AND address = ? AND hit_date >= ?
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hr_recruitment_followup_rate_limit_hit_idx
            ON hr_recruitment_followup_rate_limit (key, address, hit_date)
            """
        )
        return res

    @api.model
    def _hit(self, key, address, limit=RATE_LIMIT, window=RATE_WINDOW):
        """Record a request; return True when the address went over the limit."""
        now = fields.Datetime.now()
        recent = self.search_count(
            [
                ("key", "=", key),
                ("address", "=", address),
                ("hit_date", ">=", now - window),
            ]
        )
        self.create({"key": key, "address": address or "", "hit_date": now})
        return recent >= limit

    @api.autovacuum
    def _gc_old_hits(self):
        self.search(
            [("hit_date", "<", fields.Datetime.now() - timedelta(days=1))]
        ).unlink()
