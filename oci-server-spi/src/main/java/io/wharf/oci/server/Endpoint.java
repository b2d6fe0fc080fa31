package io.wharf.oci.server;

/**
 * The endpoints of the OCI distribution-spec v1.1 ("Endpoints" table), by their spec IDs. A closed
 * set, so an enum.
 */
public enum Endpoint {
  /** end-1: {@code GET /v2/}, API version check. */
  END_1,
  /** end-2: {@code GET|HEAD /v2/<name>/blobs/<digest>}. */
  END_2,
  /** end-3: {@code GET|HEAD /v2/<name>/manifests/<reference>}. */
  END_3,
  /**
   * end-4a/4b: {@code POST /v2/<name>/blobs/uploads/} (session, or monolithic with {@code digest}).
   */
  END_4,
  /** end-5: {@code PATCH /v2/<name>/blobs/uploads/<reference>}. */
  END_5,
  /** end-6: {@code PUT /v2/<name>/blobs/uploads/<reference>?digest=<digest>}. */
  END_6,
  /** end-7: {@code PUT /v2/<name>/manifests/<reference>}. */
  END_7,
  /** end-8a/8b: {@code GET /v2/<name>/tags/list[?n=&last=]}. */
  END_8,
  /** end-9: {@code DELETE /v2/<name>/manifests/<reference>}. */
  END_9,
  /** end-10: {@code DELETE /v2/<name>/blobs/<digest>}. */
  END_10,
  /** end-11: {@code POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other>}. */
  END_11,
  /** end-12a/12b: {@code GET /v2/<name>/referrers/<digest>[?artifactType=]}. */
  END_12,
  /** end-13: {@code GET /v2/<name>/blobs/uploads/<reference>}, upload status. */
  END_13,
  /** end-14: {@code DELETE /v2/<name>/blobs/uploads/<reference>}, upload cancel. */
  END_14,
  /** {@code GET /v2/_catalog[?n=&last=]}: the repository list (not in the spec table). */
  CATALOG
}
