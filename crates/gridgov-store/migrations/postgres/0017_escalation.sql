-- The escalation pass: the due-soon and overdue marks of the step's clock, where the matter
-- stands on its region's ladder, the leader in charge past the top (包保), and the instant the
-- pass must look at it next (see docs/architecture.md, "The escalation ladder").
-- Kept in lockstep with ../sqlite/0017_escalation.sql: same columns and indexes.

-- When the clock turns yellow (80 % of its working time used), set with the clock; when the
-- pass marked it due soon and overdue (once per clock: cleared when the clock starts again).
ALTER TABLE incidents ADD COLUMN warn_at BIGINT;
ALTER TABLE incidents ADD COLUMN warned_at BIGINT;
ALTER TABLE incidents ADD COLUMN overdue_at BIGINT;
-- Where it stands on the ladder: the level (from 0) and the attempt there (from 1); NULL before
-- the first climb.
ALTER TABLE incidents ADD COLUMN ladder_level BIGINT;
ALTER TABLE incidents ADD COLUMN ladder_attempt BIGINT;
-- Past the top: when, and the leader named (NULL id with a time: no leader serves it).
ALTER TABLE incidents ADD COLUMN ladder_top_at BIGINT;
ALTER TABLE incidents ADD COLUMN guarantor_id TEXT;
ALTER TABLE incidents ADD COLUMN guarantor_name TEXT;
-- The next instant the pass must look at it (the yellow instant, else the due time); NULL while
-- nothing can fall due: no running clock, or past the top and already marked overdue.
ALTER TABLE incidents ADD COLUMN escalate_at BIGINT;

-- Clocks started before this migration: due at their due time (their yellow instant is not
-- known, so they are not marked due soon).
UPDATE incidents SET escalate_at = due_at
    WHERE due_at IS NOT NULL AND clock_left_ms IS NULL
    AND state NOT IN ('suspended', 'closed', 'evaluated', 'rejected', 'merged');

-- Only running clocks are in the index, a small share of a million incidents: finding what is
-- due is one range probe, and a pass with nothing due reads one index entry.
CREATE INDEX incidents_escalate_at ON incidents (escalate_at, county_code, id)
    WHERE escalate_at IS NOT NULL;
