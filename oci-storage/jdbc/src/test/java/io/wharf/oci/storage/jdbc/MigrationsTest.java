package io.wharf.oci.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  @Test
  void everyScriptIsOnTheClasspathAndNamedByItsVersion() throws Exception {
    for (int v = 1; v <= Migrations.latest(); v++) {
      String script = Migrations.SCRIPTS.get(v - 1);
      assertThat(script).startsWith("V" + v + "__").endsWith(".sql");
      assertThat(Migrations.read(script)).isNotBlank();
      for (Dialect dialect : Dialect.values()) {
        assertThat(Migrations.statements(dialect.expand(Migrations.read(script))))
            .as("%s for %s", script, dialect)
            .isNotEmpty()
            .allSatisfy(
                statement -> assertThat(statement).doesNotContain("${").doesNotEndWith(";"));
      }
    }
    assertThat(Migrations.description("V1__init.sql")).isEqualTo("init");
    assertThat(Migrations.description("V12__add_blob_sizes.sql")).isEqualTo("add blob sizes");
  }

  @Test
  void scriptsSplitIntoStatementsWithoutComments() {
    String script =
        "-- a comment\nCREATE TABLE a (\n  x ${text}\n);\n\n-- another\nCREATE INDEX i ON a (x);\n";
    assertThat(Migrations.statements(script))
        .containsExactly("CREATE TABLE a (\nx ${text}\n)", "CREATE INDEX i ON a (x)");
  }

  @Test
  void dialectsFillInTheirTypes() throws Exception {
    String v1 = Migrations.read("V1__init.sql");
    String sqlite = Dialect.SQLITE.expand(v1);
    String postgres = Dialect.POSTGRESQL.expand(v1);
    assertThat(sqlite).doesNotContain("${").contains("BLOB").doesNotContain("COLLATE");
    assertThat(postgres).doesNotContain("${").contains("BYTEA").contains("TEXT COLLATE \"C\"");
  }

  @Test
  void retryableFailuresAreRecognised() {
    assertThat(Dialect.SQLITE.isRetryable(new SQLException("busy", null, 5))).isTrue();
    assertThat(Dialect.SQLITE.isRetryable(new SQLException("busy snapshot", null, 517))).isTrue();
    assertThat(Dialect.SQLITE.isRetryable(new SQLException("locked", null, 6))).isTrue();
    assertThat(Dialect.SQLITE.isRetryable(new SQLException("constraint", null, 19))).isFalse();
    assertThat(Dialect.POSTGRESQL.isRetryable(new SQLException("serialization", "40001"))).isTrue();
    assertThat(Dialect.POSTGRESQL.isRetryable(new SQLException("deadlock", "40P01"))).isTrue();
    assertThat(Dialect.POSTGRESQL.isRetryable(new SQLException("unique", "23505"))).isFalse();
    SQLException wrapped = new SQLException("batch", "XX000");
    wrapped.setNextException(new SQLException("serialization", "40001"));
    assertThat(Dialect.POSTGRESQL.isRetryable(wrapped)).isTrue();
    assertThat(
            Dialect.POSTGRESQL.isRetryable(
                new SQLException("wrapped", new SQLException("x", "40001"))))
        .isTrue();
  }
}
