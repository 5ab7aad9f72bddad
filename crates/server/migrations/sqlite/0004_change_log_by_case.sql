-- Supervision reads the server's own actions on a case (the `case.status` entries of the change
-- log, written in the same transaction as each action) next to the window's timeline.
CREATE INDEX change_log_case ON change_log (case_id, seq);
