-- Whether a candidate's window of availability (`candidate_availability`) covers the days
-- from `from_day` to `to_day`: a dated window holds them; a window « every year » holds them
-- once moved to their year, or to the year before for a window across the new year.
CREATE FUNCTION window_covers(starts date, ends date, every_year boolean, from_day date, to_day date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT CASE WHEN NOT every_year THEN starts <= from_day AND ends >= to_day
           ELSE EXISTS (
               SELECT 1 FROM (VALUES (0), (-1)) AS shift (years),
                   LATERAL (SELECT extract(year FROM from_day)::int - extract(year FROM starts)::int + shift.years AS years) AS moved
               WHERE (starts + make_interval(years => moved.years))::date <= from_day
                 AND (ends + make_interval(years => moved.years))::date >= to_day)
           END
    $$;
