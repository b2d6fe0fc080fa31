-- Wharf metadata schema, version 4: per-project usage for quotas, kept by the writes. A project is
-- the first path component of repository names. project_content has a row for each distinct
-- digest the project's repositories hold, with how many rows of manifests and blob_links of the
-- project hold it (holders); project_usage sums it: bytes are the sizes of the distinct digests,
-- artifacts the project's rows of manifests. Each write that adds or removes a manifest or a blob
-- link changes them in its own transaction, so that a quota check reads one row instead of
-- grouping every blob of the project. The Java step of this version fills them from the content
-- stored before it.
CREATE TABLE project_content (
  project ${text} NOT NULL,
  digest ${text} NOT NULL,
  size BIGINT NOT NULL,
  holders BIGINT NOT NULL CHECK (holders > 0),
  PRIMARY KEY (project, digest)
);

CREATE TABLE project_usage (
  project ${text} NOT NULL PRIMARY KEY,
  bytes BIGINT NOT NULL CHECK (bytes >= 0),
  artifacts BIGINT NOT NULL CHECK (artifacts >= 0)
);
