package io.wharf.oci.policy;

import io.wharf.oci.policy.internal.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads policy documents (schema version 1) from YAML or JSON, validating everything: a document
 * loads whole or throws a {@link PolicyException} listing every error with its line, column and
 * field path. The format, field by field ({@code POLICY.md} beside this module has a complete
 * example):
 *
 * <pre>{@code
 * version: 1                       # required; 1 is the only version
 * rules:                           # optional; in order; every rule that matches applies
 *   - name: no-critical            # required; unique; [a-z0-9][a-z0-9._-]{0,63}
 *     match:                       # optional; absent matches everything
 *       projects: [team-a, "team-*"]   # globs (see Glob) over the repository's first component
 *       repositories: ["team-a/**"]    # globs over the whole repository name
 *       tags: ["v*", "release-{a,b}"]  # globs over the tag; see PolicySet#pull for digests
 *     vulnerabilities:             # a vulnerability gate on pull
 *       severity: HIGH             # required: NONE, UNKNOWN, NEGLIGIBLE, LOW, MEDIUM, HIGH, CRITICAL
 *       fixableOnly: false         # default false: count only findings with a fixed version
 *       maxReportAge: 7d           # optional: 30s, 15m, 12h, 7d (at most 3650d); an older report
 *                                  # (scan time, else its referrer's created annotation) is missing
 *       missingReport: deny        # deny (default) | allow | scan (allow and request a scan)
 *       allowlist:                 # optional: the rule's own allowlist
 *         - id: CVE-2024-3094      # required: CVE-…, GHSA-…; case aside
 *           expires: 2027-01-31    # optional: a date (through its end, UTC) or an instant
 *           reason: not reachable  # optional, one line; shown when the entry has expired
 *     signatures:                  # a signature requirement on pull: one valid signature by any
 *       cosign:                    # of the trust below
 *         keys:                    # public keys (ECDSA, RSA, Ed25519 PEM), any of them
 *           - file: keys/cosign.pub          # relative to the document's folder
 *           - pem: "-----BEGIN PUBLIC KEY-----..."
 *             name: release-key              # required with pem; default: the file name
 *         keyless:
 *           trustedRoot: trusted_root.json   # or fulcioRoots: [files] and rekorKeys: [files]
 *           identities:                      # issuer and subject, or subjectPattern (regex)
 *             - {issuer: https://accounts.google.com, subject: appu@google.com}
 *         requireReference: false            # the payload must name this registry/repository
 *         requireTransparencyLog: false      # key signatures need a Rekor entry too
 *       notation:
 *         trustPolicy: trustpolicy.json      # Notation's trust policy document
 *         trustStores: {"ca:e2e": [certs/e2e.crt]}
 *       index: self                # self (default) | children: how an index is judged
 *     immutable: true              # default false: matched tags cannot be moved or deleted
 * allowlist:                       # optional: system-wide, entries as above
 *   - id: CVE-2023-44487
 * projects:                        # optional: settings by project name
 *   team-a:
 *     allowlist: [{id: CVE-2024-1234, expires: 2026-12-31}]
 *     quota: {bytes: 10GiB, artifacts: 1000}   # either or both; B, KB, MB, GB, TB (1000) and
 *                                              # KiB, MiB, GiB, TiB (1024), or a number of bytes
 *     retention:                 # Harbor's tag retention rules (see io.wharf.oci.policy.retention)
 *       rules:                   # 1 to 15, OR'ed; a repository no rule selects is left alone
 *         - name: keep-recent    # required; unique in the project
 *           repositories: {include: ["**"], exclude: ["tmp/**"]}  # names within the project
 *           tags: {include: ["v*"], exclude: ["*-rc*"], untagged: false}  # untagged: default true
 *           retain: {mostRecentlyPushed: 10}  # exactly one of mostRecentlyPushed: K,
 *                                  # mostRecentlyPulled: K (1..10000), pushedWithinDays: N,
 *                                  # pulledWithinDays: N (1..36500), always: true
 * }</pre>
 *
 * A rule has {@code vulnerabilities}, {@code signatures}, {@code immutable: true}, or several.
 * Files a document names are read when it is loaded (at most 1 MiB each); one that cannot be read
 * or used is an error at the key naming it. Keys are case-sensitive; an unknown key is an error
 * that suggests the closest known one; a duplicate key is an error naming the first. Enumerated
 * values ({@code severity}, {@code missingReport}) are read without regard to case.
 *
 * <p>Bounds: at most 1 MiB (1,048,576 bytes, or characters for a text), nesting 20 deep, 200,000
 * values, 1,000 rules, 10,000 entries per allowlist, 10,000 projects, 100 patterns per list,
 * strings of 1,024 characters (patterns 256). YAML is read as data only: no anchors or aliases, no
 * tags beyond the core schema's, one document per text. JSON is strict (no comments, nothing after
 * the document). Thread-safe and stateless.
 */
public final class PolicyLoader {

  /** A loader. */
  public PolicyLoader() {}

  /**
   * Reads a document from {@code text}: JSON when {@code sourceName} ends in {@code .json}, YAML
   * when it ends in {@code .yaml} or {@code .yml}, else JSON when the text starts with <code>{
   * </code> and YAML otherwise.
   *
   * @param sourceName the document's name in errors, e.g. its file name
   * @param text the document
   * @throws PolicyException with every error when the document is not valid
   */
  public PolicyDocument load(String sourceName, String text) throws PolicyException {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(text, "text");
    return PolicyReader.read(sourceName, text, Optional.empty());
  }

  /**
   * Reads a document from {@code text} as {@link #load(String, String)} does, resolving the
   * relative paths of the files it names (keys, certificates, trusted roots, trust policies)
   * against {@code baseDirectory}. ({@link #load(String, String)} refuses relative paths.)
   *
   * @throws PolicyException with every error when the document is not valid or a file it names
   *     cannot be read or used
   */
  public PolicyDocument load(String sourceName, String text, Path baseDirectory)
      throws PolicyException {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(baseDirectory, "baseDirectory");
    return PolicyReader.read(sourceName, text, Optional.of(baseDirectory));
  }

  /**
   * Reads a document from {@code file} (UTF-8), named by its path in errors; the relative paths of
   * the files it names resolve against the file's folder.
   *
   * @throws PolicyException with every error when the document is not valid, is larger than 1 MiB
   *     or is not UTF-8
   * @throws IOException when the file cannot be read
   */
  public PolicyDocument load(Path file) throws PolicyException, IOException {
    String source = file.toString();
    Path folder = file.toAbsolutePath().getParent();
    return PolicyReader.read(source, readText(file), Optional.ofNullable(folder));
  }

  /**
   * The text of {@code file}, UTF-8, at most 1 MiB, named by its path in errors.
   *
   * @throws PolicyException when it is larger or not UTF-8
   * @throws IOException when it cannot be read
   */
  static String readText(Path file) throws PolicyException, IOException {
    String source = file.toString();
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(Limits.MAX_CHARS + 1);
    }
    if (bytes.length > Limits.MAX_CHARS) {
      throw new PolicyException(
          List.of(
              new PolicyError(
                  source, 1, 1, "", "the file is larger than " + Limits.MAX_CHARS + " bytes")));
    }
    return decode(source, bytes);
  }

  private static String decode(String source, byte[] bytes) throws PolicyException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new PolicyException(
          List.of(
              new PolicyError(
                  source, line, at - lineStart + 1, "", "not UTF-8 (byte " + at + ")")));
    }
    decoder.flush(out);
    return out.flip().toString();
  }
}
