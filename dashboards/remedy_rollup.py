"""The roll-up's SQL for remedies, beside the moments' in `rollup` (which writes them in the
same transaction as every other roll-up of a bucket).

A remedy counts on its moment's local day, as an answer does (its `local_date` is the
moment's, kept so when the moment is corrected or its location changes time zone). A low
moment is one the staff member rated 1 or 2; it is *remedied* when a remedy was given before
the customer answered (or the customer has not answered), so that a remedy given on a
recovery card after a low answer does not make that answer look like the remedy's result.
"""

REMEDY_COLUMNS = ["remedies", "remedy_cost", "over_limit", "on_low_moments", "cost_on_low_moments"]
REMEDY_KEY = [
    "local_date", "location_id", "team_id", "touchpoint_type_id", "channel", "kind_id", "currency",
]  # fmt: skip

# One line per column of REMEDY_COLUMNS. x = remedy, m = its moment (one each).
REMEDY_SELECT = """
    SELECT x.local_date, x.location_id, m.team_id, m.touchpoint_type_id, m.channel, x.kind_id,
        x.currency,
        COUNT(*),                                                     -- remedies
        SUM(x.amount),                                                -- remedy_cost
        COUNT(*) FILTER (WHERE x.over_limit),                         -- over_limit
        COUNT(*) FILTER (WHERE m.outcome <= 2),                       -- on_low_moments
        COALESCE(SUM(x.amount) FILTER (WHERE m.outcome <= 2), 0),     -- cost_on_low_moments
        %s                                                            -- rolled_at
    FROM touchpoints_remedy x
    JOIN touchpoints_moment m ON m.id = x.moment_id
    WHERE {where}
    GROUP BY x.local_date, x.location_id, m.team_id, m.touchpoint_type_id, m.channel, x.kind_id,
        x.currency
"""

LOW_MOMENT_COLUMNS = [
    "low_moments", "csat_answers", "satisfied", "nps_answers", "promoters", "detractors",
]  # fmt: skip
LOW_MOMENT_KEY = [
    "local_date", "location_id", "team_id", "touchpoint_type_id", "channel", "remedied",
]  # fmt: skip

# One line per column of LOW_MOMENT_COLUMNS, over the bucket's low moments (lm), each with
# its customer's answer if any (one-to-one) and whether a remedy came before that answer.
LOW_MOMENT_SELECT = """
    SELECT lm.local_date, lm.location_id, lm.team_id, lm.touchpoint_type_id, lm.channel,
        lm.remedied,
        COUNT(*),                                                     -- low_moments
        COUNT(lm.csat),                                               -- csat_answers
        COUNT(*) FILTER (WHERE lm.csat >= 4),                         -- satisfied
        COUNT(lm.nps),                                                -- nps_answers
        COUNT(*) FILTER (WHERE lm.nps >= 9),                          -- promoters
        COUNT(*) FILTER (WHERE lm.nps <= 6),                          -- detractors
        %s                                                            -- rolled_at
    FROM (
        SELECT m.local_date, m.location_id, m.team_id, m.touchpoint_type_id, m.channel,
            a.csat, a.nps,
            EXISTS (
                SELECT 1 FROM touchpoints_remedy x WHERE x.moment_id = m.id
                AND (a.answered_at IS NULL OR x.given_at <= a.answered_at)
            ) AS remedied
        FROM touchpoints_moment m
        LEFT JOIN (
            feedback_invitation i JOIN feedback_answer a ON a.invitation_id = i.id
        ) ON i.moment_id = m.id
        WHERE ({where}) AND m.outcome <= 2
    ) lm
    GROUP BY lm.local_date, lm.location_id, lm.team_id, lm.touchpoint_type_id, lm.channel,
        lm.remedied
"""
