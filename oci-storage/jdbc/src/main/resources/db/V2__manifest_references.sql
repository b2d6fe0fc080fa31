-- Wharf metadata schema, version 2: what each manifest refers to in its repository, written in the
-- transaction that stores the manifest. A delete that would break a stored manifest is refused
-- from it, and garbage collection marks from it. kind is 'config' or 'layer' (a blob) or 'child'
-- (a manifest an index lists). A subject is not a reference: referrers may dangle. The Java step
-- of this version fills the table from the manifests stored before it.
CREATE TABLE manifest_references (
  repo ${text} NOT NULL,
  manifest ${text} NOT NULL,
  target ${text} NOT NULL,
  kind TEXT NOT NULL,
  PRIMARY KEY (repo, manifest, target, kind),
  FOREIGN KEY (repo, manifest) REFERENCES manifests (repo, digest)
);

-- Who refers to a digest in a repository.
CREATE INDEX manifest_references_target ON manifest_references (repo, target);
