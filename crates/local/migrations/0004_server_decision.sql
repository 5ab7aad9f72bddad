-- The 受理 or 不予受理 the window a village reports to took on a case the village forwarded
-- (`case.status` from the server, as JSON the desk reads). The village keeps the case and prints
-- the notice the citizen is owed (行政许可法 art. 32) from it: date, reason and legal basis, and
-- the deciding clerk and window. NULL for every case this window decided itself.
ALTER TABLE cases ADD COLUMN server_decision TEXT;
