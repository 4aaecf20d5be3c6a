"""Every ``_read_group`` hook of the addon, in one place.

Two mixins, each with a contract a model opts into by inheriting it:

- ``hr.recruitment.followup.group.count.mixin`` (the contact log): grouped
  lists over a large table read once. ``web_read_group`` counts the groups with
  the page's own query, and many2one groups listed in ``_followup_group_by_id``
  are ordered by the model's own column. Both are fast paths: with
  ``hr_recruitment_followup.fast_paths`` = False, core's ``web_read_group`` and
  order run instead.
- ``hr.recruitment.followup.report.mixin`` (the SQL-view reports): the
  aggregates ``median``, ``share`` and ``key_avg``, which PostgreSQL has and
  ``_read_group`` does not offer. A feature, with no core path to fall back to.

Nothing passes through ``env.cr.cache``: the group count travels in a counter
that ``web_read_group`` puts in the context of its own call only. The core
code under each hook, and what to re-check when it changes:
``tools/core_internals.py`` ("group_count", "group_order", "report_aggregates").
"""

from odoo import api, models
from odoo.models import parse_read_group_spec, regex_order
from odoo.tools import SQL

from ..tools.core_internals import fast_paths_enabled

# The number of groups, read with the page of groups (see web_read_group).
GROUP_TOTAL = "__followup_group_total"
# Context key of web_read_group's counter: {"limit": page size} until the
# page's query stores "total" in it.
CONTEXT_KEY = "followup_count_groups"
REPORT_AGGREGATES = ("median", "share", "key_avg")


class HrRecruitmentFollowupGroupCountMixin(models.AbstractModel):
    """Grouped lists over a large table, counted in one pass.

    A grouped list shows a page of groups (80) and how many there are. Odoo's
    ``web_read_group`` reads the page, then, when the page is full, groups the
    whole table again and loads every remaining group to count them: over a
    million contact logs grouped by applicant, a second full aggregation and
    a hundred thousand records built in Python. Here the page's own query
    counts the groups too (``COUNT(*) OVER ()``: the window runs over the
    groups, before ``LIMIT``), so the table is read once.

    Contract: ``web_read_group(limit=N)`` calls ``_web_read_group`` with a new
    counter ``{"limit": N}`` in the context (``CONTEXT_KEY``); the first
    ``_read_group`` of that call with a groupby and the limit N (the page's:
    core reads it before any other) adds the window count and stores it in
    the counter as ``"total"``; no other query counts. Without a total (another
    module's ``_web_read_group``), core's count.

    ``_followup_group_by_id``: many2one fields whose groups come ordered by
    the model's own column (the id of the related record) instead of the
    related model's ``_order``.
    """

    _name = "hr.recruitment.followup.group.count.mixin"
    _description = "Grouped Lists Counted in One Pass"
    _followup_group_by_id = ()

    @api.model
    def web_read_group(
        self, domain, fields, groupby, limit=None, offset=0, orderby=False, lazy=True
    ):
        if not limit or not fast_paths_enabled(self.env):
            return super().web_read_group(
                domain, fields, groupby, limit, offset, orderby, lazy
            )
        counter = {"limit": limit}
        groups = self.with_context(**{CONTEXT_KEY: counter})._web_read_group(
            domain, fields, groupby, limit, offset, orderby, lazy
        )
        total = counter.get("total")
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
        counter = self.env.context.get(CONTEXT_KEY)
        counting = (
            groupby
            and limit
            and isinstance(counter, dict)
            and counter.get("limit") == limit
            and "total" not in counter
        )
        if not counting:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        rows = super()._read_group(
            domain, groupby, (*aggregates, GROUP_TOTAL), having, offset, limit, order
        )
        # Only the page's query counts (not the ones reading empty groups).
        counter["total"] = rows[0][-1] if rows else None
        return [row[:-1] for row in rows]

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == GROUP_TOTAL:
            return SQL("COUNT(*) OVER ()")
        return super()._read_group_select(aggregate_spec, query)

    def _read_group_postprocess_aggregate(self, aggregate_spec, raw_values):
        if aggregate_spec == GROUP_TOTAL:
            return iter(raw_values)
        return super()._read_group_postprocess_aggregate(aggregate_spec, raw_values)

    def _read_group_orderby(self, order, groupby_terms, query):
        """Groups of a field of ``_followup_group_by_id`` come ordered by the
        model's own column: Odoo would order them as the related records are
        ordered (for the contact log's applicants: priority, then newest), a
        column of another table, which makes PostgreSQL join every row to its
        related record, sort and group them before it can take the first page
        of groups. By the model's column (for the log: newest application
        first), the groups are read from an index, without the join or the
        sort."""
        names = [name for name in self._followup_group_by_id if name in groupby_terms]
        if not order or not names or not fast_paths_enabled(self.env):
            return super()._read_group_orderby(order, groupby_terms, query)
        terms = []
        for part in order.split(","):
            match = regex_order.match(part)
            if match and match["term"] in names:
                asc = (match["direction"] or "").lower() == "asc"
                direction = "ASC" if asc else "DESC"
                terms.append(SQL("%s %s", groupby_terms[match["term"]], SQL(direction)))
            else:
                terms.append(super()._read_group_orderby(part, groupby_terms, query))
        return SQL(", ").join(term for term in terms if term)


class HrRecruitmentFollowupReportMixin(models.AbstractModel):
    """Aggregates the follow-up reports need and PostgreSQL has, but Odoo's
    ``_read_group`` does not offer. A field declared with one of these
    ``aggregator`` values is a measure of the pivot and graph views like any
    other, and ``_read_group`` accepts ``"field:median"``, ``"field:share"`` and
    ``"field:key_avg"``:

    - ``median``: the median of the field over the rows of the group
      (``PERCENTILE_CONT(0.5)``, NULL values ignored).
    - ``share``: the distinct values of ``_report_key_field`` in the group, as a
      percentage of those of every row matching the same domain (record rules
      included). E.g. the share of the declined applications that gave a reason.
    - ``key_avg``: the average of a value that is the same on every row of a
      ``_report_key_field`` (e.g. the salary gap of an application with several
      decline reasons), each key counted once.
    """

    _name = "hr.recruitment.followup.report.mixin"
    _description = "Recruitment Follow-up Report Aggregates"
    _report_key_field = "applicant_id"

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "__count":
            return super()._read_group_select(aggregate_spec, query)
        fname, property_name, func = parse_read_group_spec(aggregate_spec)
        if property_name or fname not in self._fields or func not in REPORT_AGGREGATES:
            return super()._read_group_select(aggregate_spec, query)
        expr = self._field_to_sql(self._table, fname, query)
        if func == "median":
            return SQL("PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %s)", expr)
        key = self._field_to_sql(self._table, self._report_key_field, query)
        if func == "key_avg":
            return SQL(
                """(SELECT AVG(k.value) FROM (
                        SELECT DISTINCT k.key, k.value
                          FROM UNNEST(ARRAY_AGG(%s), ARRAY_AGG(%s)) AS k(key, value)
                   ) k)""",
                key,
                expr,
            )
        # share: the total is an uncorrelated sub-query over the same FROM and
        # WHERE (domain and record rules), run once per query.
        where = query.where_clause
        total = SQL(
            "(SELECT COUNT(DISTINCT %s) FROM %s%s)",
            key,
            query.from_clause,
            SQL(" WHERE %s", where) if where else SQL(),
        )
        return SQL("(COUNT(DISTINCT %s) * 100.0 / NULLIF(%s, 0))::float", key, total)
