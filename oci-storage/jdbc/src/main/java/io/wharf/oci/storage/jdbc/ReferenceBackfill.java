package io.wharf.oci.storage.jdbc;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.storage.ContentReference;
import io.wharf.oci.storage.ManifestPut;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java step of schema version 2: fills {@code manifest_references} from the bytes of the
 * manifests stored before it, {@value #BATCH} at a time in key order, so that memory does not grow
 * with the database. A stored manifest that no longer parses gets no references; {@code wharf fsck}
 * reports it.
 */
final class ReferenceBackfill {

  static final int BATCH = 500;

  static final String INSERT =
      "INSERT INTO manifest_references (repo, manifest, target, kind) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (repo, manifest, target, kind) DO NOTHING";

  private ReferenceBackfill() {}

  /** Fills the table. */
  static void run(Connection c) throws SQLException {
    run(c, BATCH);
  }

  /** Fills the table, reading {@code batch} manifests at a time. */
  static void run(Connection c, int batch) throws SQLException {
    String repo = "";
    String digest = "";
    while (true) {
      // Only the references of a batch are kept, not its manifests' bytes; they are written once
      // its result set is closed.
      List<Map.Entry<String, List<ContentReference>>> read = new ArrayList<>();
      try (PreparedStatement select =
          c.prepareStatement(
              "SELECT repo, digest, media_type, bytes FROM manifests"
                  + " WHERE repo > ? OR (repo = ? AND digest > ?)"
                  + " ORDER BY repo, digest LIMIT ?")) {
        select.setString(1, repo);
        select.setString(2, repo);
        select.setString(3, digest);
        select.setInt(4, batch);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            repo = rs.getString(1);
            digest = rs.getString(2);
            read.add(Map.entry(repo, references(rs)));
          }
        }
      }
      for (Map.Entry<String, List<ContentReference>> e : read) {
        insert(c, e.getKey(), e.getValue());
      }
      if (read.size() < batch) {
        return;
      }
    }
  }

  /** The references of the manifest of the current row; none when it does not parse. */
  private static List<ContentReference> references(ResultSet rs) throws SQLException {
    try {
      RawManifest raw =
          new RawManifest(
              new MediaType(rs.getString(3)),
              Bytes.of(rs.getBytes(4)),
              Digest.parse(rs.getString(2)));
      return ManifestPut.of(raw, Set.of(), Instant.EPOCH).references();
    } catch (OciException e) {
      return List.of();
    }
  }

  /** Writes {@code refs} of {@code repo}, as {@link JdbcMetadataStore#putManifest} does. */
  static void insert(Connection c, String repo, List<ContentReference> refs) throws SQLException {
    if (refs.isEmpty()) {
      return;
    }
    try (PreparedStatement p = c.prepareStatement(INSERT)) {
      for (ContentReference r : refs) {
        p.setString(1, repo);
        p.setString(2, r.manifest().toString());
        p.setString(3, r.target().toString());
        p.setString(4, r.kind().label());
        p.addBatch();
      }
      p.executeBatch();
    }
  }
}
