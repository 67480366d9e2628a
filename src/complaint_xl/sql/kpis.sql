-- complaint-xl: the weekly report's KPIs (design.md, "KPI definitions") over the export of
-- `complaint-xl export` (Parquet), for DuckDB, Spark SQL or any engine that reads Parquet.
--
-- Tables: `complaints` (DIR/parquet, hive-partitioned by team and raised_month) and
-- `calendar` (DIR/calendar.parquet: each register's working days). Parameters:
--   $period_start, $period_end  the period, both days included (a week: Monday, Sunday)
--   $as_of                      the day open, overdue and due soon are counted on: the
--                               export's own as-of day (column as_of) for the figures of
--                               `complaint-xl report --today <as_of>`; a pause still running
--                               moved the deadlines as of that day.
-- DuckDB runs it as a prepared statement ($name parameters); complaint_xl.sql.kpis_query()
-- and `python -m complaint_xl.sql` give the text with the dates written in, for Spark SQL
-- (3.4 or later: median) and engines without named parameters.
--
-- One row per team, and one row with team NULL for all teams (the report's `totals`; the
-- other rows are its `by.team`). Rates and the median and mean are unrounded: the report
-- rounds rates to 4 decimals and working days to 2. Where no register has a column (say
-- accepted_on), the report says null and the counts here are 0.
WITH c AS (
    SELECT
        team,
        file,
        status,
        deadline,
        due_soon_days,
        resolution_workdays,
        COALESCE(raised_on BETWEEN $period_start AND $period_end, FALSE) AS is_new,
        COALESCE(closed_on BETWEEN $period_start AND $period_end, FALSE) AS closed_in_period,
        COALESCE(closed_on <= deadline, FALSE) AS on_time,
        accepted_on IS NOT NULL AS has_accepted_on,
        COALESCE(accepted_late, FALSE) AS accepted_late,
        COALESCE(abnormal, FALSE) AS abnormal,
        followup_on IS NOT NULL AS followed_up,
        COALESCE(satisfied, FALSE) AS satisfied,
        COALESCE(extended, FALSE) AS extended
    FROM complaints
),
d AS (
    SELECT
        c.*,
        -- working days from $as_of to the deadline: the half-open span (as_of, deadline]
        CASE WHEN c.status = 'open' AND c.deadline >= $as_of
             THEN on_deadline.workday_index - on_as_of.workday_index END AS workdays_left
    FROM c
    LEFT JOIN calendar AS on_deadline
        ON on_deadline.file = c.file AND on_deadline.date = c.deadline
    LEFT JOIN calendar AS on_as_of
        ON on_as_of.file = c.file AND on_as_of.date = $as_of
),
f AS (
    SELECT
        team,
        SUM(CASE WHEN is_new THEN 1 ELSE 0 END) AS new,
        SUM(CASE WHEN closed_in_period THEN 1 ELSE 0 END) AS closed,
        SUM(CASE WHEN closed_in_period AND on_time THEN 1 ELSE 0 END) AS closed_on_time,
        SUM(CASE WHEN status <> 'closed' THEN 1 ELSE 0 END) AS open,
        SUM(CASE WHEN status = 'open' AND deadline < $as_of THEN 1 ELSE 0 END) AS overdue,
        SUM(CASE WHEN workdays_left <= due_soon_days THEN 1 ELSE 0 END) AS due_soon,
        MEDIAN(CASE WHEN closed_in_period THEN resolution_workdays END)
            AS median_resolution_workdays,
        AVG(CASE WHEN closed_in_period THEN resolution_workdays END) AS mean_resolution_workdays,
        SUM(CASE WHEN is_new AND has_accepted_on THEN 1 ELSE 0 END) AS accepted,
        SUM(CASE WHEN is_new AND has_accepted_on AND NOT accepted_late THEN 1 ELSE 0 END)
            AS accepted_on_time,
        SUM(CASE WHEN closed_in_period AND abnormal THEN 1 ELSE 0 END) AS abnormal_closed,
        SUM(CASE WHEN closed_in_period AND followed_up THEN 1 ELSE 0 END) AS followed_up,
        SUM(CASE WHEN closed_in_period AND followed_up AND satisfied THEN 1 ELSE 0 END)
            AS satisfied,
        SUM(CASE WHEN closed_in_period AND extended THEN 1 ELSE 0 END) AS extended
    FROM d
    GROUP BY GROUPING SETS ((team), ())
)
SELECT
    team,
    new,
    closed,
    closed_on_time,
    CAST(closed_on_time AS DOUBLE) / NULLIF(closed, 0) AS on_time_rate,
    open,
    overdue,
    due_soon,
    median_resolution_workdays,
    mean_resolution_workdays,
    accepted,
    accepted_on_time,
    CAST(accepted_on_time AS DOUBLE) / NULLIF(accepted, 0) AS acceptance_rate,
    abnormal_closed,
    followed_up,
    satisfied,
    CAST(satisfied AS DOUBLE) / NULLIF(followed_up, 0) AS satisfaction_rate,
    extended
FROM f
ORDER BY team NULLS FIRST
