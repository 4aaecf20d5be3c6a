from odoo import api, models
from odoo.tools import SQL

# The number of groups, read with the page of groups (see web_read_group).
GROUP_TOTAL = "__followup_group_total"
CONTEXT_KEY = "followup_count_groups"


class HrRecruitmentFollowupGroupCountMixin(models.AbstractModel):
    """Grouped lists over a large table, counted in one pass.

    A grouped list shows a page of groups (80) and how many there are. Odoo's
    ``web_read_group`` reads the page, then, when the page is full, groups the
    whole table again and loads every remaining group to count them: over a
    million contact logs grouped by applicant, a second full aggregation and
    a hundred thousand records built in Python. Here the page's own query
    counts the groups too (``COUNT(*) OVER ()``: the window runs over the
    groups, before ``LIMIT``), so the table is read once.
    """

    _name = "hr.recruitment.followup.group.count.mixin"
    _description = "Grouped Lists Counted in One Pass"

    @api.model
    def web_read_group(
        self, domain, fields, groupby, limit=None, offset=0, orderby=False, lazy=True
    ):
        if not limit:
            return super().web_read_group(
                domain, fields, groupby, limit, offset, orderby, lazy
            )
        cache = self.env.cr.cache
        cache.pop(GROUP_TOTAL, None)
        groups = self.with_context(**{CONTEXT_KEY: limit})._web_read_group(
            domain, fields, groupby, limit, offset, orderby, lazy
        )
        total = cache.pop(GROUP_TOTAL, None)
        if not groups:
            length = 0
        elif len(groups) < limit:
            length = len(groups) + offset
        elif total is not None:
            length = max(total, len(groups) + offset)
        else:
            # Not read by our query (another module's _web_read_group): Odoo's
            # count.
            return super().web_read_group(
                domain, fields, groupby, limit, offset, orderby, lazy
            )
        return {"groups": groups, "length": length}

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        counting = (
            groupby
            and limit
            and self.env.context.get(CONTEXT_KEY) == limit
            and GROUP_TOTAL not in self.env.cr.cache
        )
        if not counting:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        rows = super()._read_group(
            domain, groupby, (*aggregates, GROUP_TOTAL), having, offset, limit, order
        )
        # Only the page's query counts (not the ones reading empty groups).
        self.env.cr.cache[GROUP_TOTAL] = rows[0][-1] if rows else None
        return [row[:-1] for row in rows]

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == GROUP_TOTAL:
            return SQL("COUNT(*) OVER ()")
        return super()._read_group_select(aggregate_spec, query)

    def _read_group_postprocess_aggregate(self, aggregate_spec, raw_values):
        if aggregate_spec == GROUP_TOTAL:
            return iter(raw_values)
        return super()._read_group_postprocess_aggregate(aggregate_spec, raw_values)
