/**
 * {@link io.wharf.oci.storage.jdbc.JdbcMetadataStore}, a {@link io.wharf.oci.storage.MetadataStore}
 * on JDBC with versioned schema migrations, in SQL that runs unchanged on SQLite and PostgreSQL
 * apart from the few differences {@link io.wharf.oci.storage.jdbc.Dialect} names.
 */
@NullMarked
package io.wharf.oci.storage.jdbc;

import org.jspecify.annotations.NullMarked;
