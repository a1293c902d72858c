// Investigator workspace: cases (constraint in V0002) with notes, tasks with tasking down
// the unit tree, watch lists and the notifications they raise (graph/cases.py, tasks.py,
// watch.py). Notification keys make notify_watchers idempotent per user and event.
CREATE CONSTRAINT note_id IF NOT EXISTS FOR (n:Note) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT watch_id IF NOT EXISTS FOR (w:Watch) REQUIRE w.id IS UNIQUE;
CREATE CONSTRAINT notification_id IF NOT EXISTS FOR (n:Notification) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT notification_key IF NOT EXISTS FOR (n:Notification) REQUIRE n.key IS UNIQUE;
CREATE INDEX case_status IF NOT EXISTS FOR (c:Case) ON (c.status);
CREATE INDEX case_unit IF NOT EXISTS FOR (c:Case) ON (c.unit);
CREATE INDEX task_status IF NOT EXISTS FOR (t:Task) ON (t.status);
CREATE INDEX task_created_by IF NOT EXISTS FOR (t:Task) ON (t.created_by);
CREATE INDEX watch_entity IF NOT EXISTS FOR (w:Watch) ON (w.kind, w.entity_id);
CREATE INDEX notification_read IF NOT EXISTS FOR (n:Notification) ON (n.read);
