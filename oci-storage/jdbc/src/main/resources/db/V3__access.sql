-- Wharf metadata schema, version 3: access control's records (io.wharf.oci.storage.access). A
-- project is the first path component of repository names; a member gives a user or a group a
-- role in one project; a robot account keeps its secret only as a hash. Every write to these
-- tables adds one to access_revision in its own transaction, so that a node caching them sees
-- when any node changed them. Booleans are 0 or 1; timestamps as in version 1.
CREATE TABLE projects (
  name ${text} NOT NULL PRIMARY KEY,
  is_public INTEGER NOT NULL CHECK (is_public IN (0, 1)),
  created_at ${text} NOT NULL
);

-- kind is 'user' or 'group'; principal is the user's or group's name as the identity provider
-- spells it; role is ProjectRole.id(): projectAdmin, maintainer, developer, guest, limitedGuest.
CREATE TABLE project_members (
  project ${text} NOT NULL REFERENCES projects (name),
  kind ${text} NOT NULL CHECK (kind IN ('user', 'group')),
  principal ${text} NOT NULL,
  role TEXT NOT NULL,
  PRIMARY KEY (project, kind, principal)
);

-- permissions is the list in its order, written and parsed strictly by RobotPermissionText:
-- entries '<project or *>=<actions>' joined by ';', actions among pull, push, delete, list in
-- that order joined by ','; empty for none. expires_at is NULL for never.
CREATE TABLE robot_accounts (
  name ${text} NOT NULL PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  permissions TEXT NOT NULL,
  expires_at ${text},
  disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
  created_at ${text} NOT NULL,
  description TEXT NOT NULL
);

-- One row: the revision AccessStore.revision() reads.
CREATE TABLE access_revision (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  revision BIGINT NOT NULL
);

INSERT INTO access_revision (id, revision) VALUES (1, 0);
