from odoo import models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

REPORT_AGGREGATES = ("median", "share", "key_avg")


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
