-- Wharf metadata schema, version 1. Portable SQL: ${text} is text that compares bytewise (names,
-- digests, timestamps), ${bytes} exact bytes; Dialect fills them in. Statements end with ';' at the
-- end of a line.

-- A repository exists while it has a manifest, a tag or a linked blob: the store deletes the row in
-- the transaction that removes the last of them.
CREATE TABLE repositories (
  name ${text} NOT NULL PRIMARY KEY
);

-- Manifests, exactly as pushed. The referrer descriptor (JSON) is what the referrers API lists
-- under subject; artifact_type repeats its artifactType for filtering. Timestamps are ISO-8601 UTC
-- with nine fraction digits, so that they sort as text.
CREATE TABLE manifests (
  repo ${text} NOT NULL REFERENCES repositories (name),
  digest ${text} NOT NULL,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  bytes ${bytes} NOT NULL,
  pushed_at ${text} NOT NULL,
  pulled_at ${text},
  subject ${text},
  artifact_type TEXT,
  referrer ${bytes} NOT NULL,
  PRIMARY KEY (repo, digest)
);

CREATE INDEX manifests_subject ON manifests (repo, subject);

CREATE TABLE tags (
  repo ${text} NOT NULL,
  name ${text} NOT NULL,
  digest ${text} NOT NULL,
  pushed_at ${text} NOT NULL,
  pulled_at ${text},
  PRIMARY KEY (repo, name),
  FOREIGN KEY (repo, digest) REFERENCES manifests (repo, digest)
);

CREATE INDEX tags_digest ON tags (repo, digest);

CREATE TABLE blob_links (
  repo ${text} NOT NULL REFERENCES repositories (name),
  digest ${text} NOT NULL,
  size BIGINT NOT NULL,
  PRIMARY KEY (repo, digest)
);

-- For linkedBlobs(): distinct digests in key order.
CREATE INDEX blob_links_digest ON blob_links (digest);
