package io.wharf.oci.storage.jdbc;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.error.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The statements the JDBC stores run, as small static steps on a connection: every value is a bound
 * parameter (text, {@code int}, {@code long} or SQL {@code NULL}), never part of the SQL.
 */
final class Sql {

  private Sql() {}

  /** Maps the current row of a result set. */
  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  static void setNullableString(PreparedStatement p, int index, @Nullable String value)
      throws SQLException {
    if (value == null) {
      p.setNull(index, Types.VARCHAR);
    } else {
      p.setString(index, value);
    }
  }

  static void bind(PreparedStatement p, List<?> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object v = params.get(i);
      if (v instanceof Integer n) {
        p.setInt(i + 1, n);
      } else if (v instanceof Long n) {
        p.setLong(i + 1, n);
      } else {
        setNullableString(p, i + 1, (String) v);
      }
    }
  }

  /** Runs {@code sql} with {@code params}; the number of rows it changed. */
  static int update(Connection c, String sql, @Nullable Object... params) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, Arrays.asList(params));
      return p.executeUpdate();
    }
  }

  /**
   * Maps the current row; a stored value that no longer parses (a digest that does not match its
   * manifest bytes, a broken descriptor, a name or timestamp a record refuses) is the store's
   * failure, not the caller's bad input.
   */
  static <T> T mapRow(Row<T> row, ResultSet rs) throws SQLException {
    try {
      return row.map(rs);
    } catch (OciException | IllegalArgumentException | DateTimeException e) {
      throw new StorageException(
          ErrorCode.UNKNOWN, "the metadata database holds a value that does not parse", e);
    }
  }

  static <T> Optional<T> queryOne(Connection c, String sql, List<?> params, Row<T> row)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, params);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(mapRow(row, rs)) : Optional.empty();
      }
    }
  }

  static <T> List<T> queryAll(Connection c, String sql, List<?> params, Row<T> row)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, params);
      try (ResultSet rs = p.executeQuery()) {
        List<T> result = new ArrayList<>();
        while (rs.next()) {
          result.add(mapRow(row, rs));
        }
        return result;
      }
    }
  }
}
