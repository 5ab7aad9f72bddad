-- The server's flow of a case it owns (`case.status` from the server, as JSON the desk reads):
-- its pauses for special procedures (特别程序) and its extension, which the window's own flow never
-- sees. The case page's deadline card runs on it while the server has the clock paused. NULL until
-- the server first reports a status change.
ALTER TABLE cases ADD COLUMN server_flow TEXT;
