-- Wharf metadata schema, version 5: what garbage collection and retention need (LifecycleStore).
-- blob_links.linked_at is when a link was last made (linking again dates it anew); the Java step
-- of this version dates the links stored before it with the migration's time, so that none of them
-- is old enough to collect until a full grace period has passed.
ALTER TABLE blob_links ADD COLUMN linked_at ${text} NOT NULL DEFAULT '';

-- The change journal: one row per repository written and per blob whose last link went (kind
-- 'repository' or 'blob', name the repository name or the digest), at position seq. Writing an
-- entry again gives it a new, higher seq (the end of the journal), in the write's transaction. On
-- SQLite seq is an AUTOINCREMENT rowid, never reused; on PostgreSQL an identity column, whose
-- values writers draw while holding a shared advisory lock that a reader of the journal takes
-- exclusively, so that no entry with a lower seq commits after a reader saw a higher one.
CREATE TABLE lifecycle_journal (
  seq ${serial},
  kind ${text} NOT NULL CHECK (kind IN ('repository', 'blob')),
  name ${text} NOT NULL,
  UNIQUE (kind, name)
);
