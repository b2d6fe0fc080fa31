package io.wharf.oci.auth;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One {@link RegistryEvent} as one line of JSON, written by Jackson's generator: every string is
 * escaped by the generator (quotes, backslashes, control characters, DEL and everything outside
 * ASCII), so no name or reason can end a line or forge a field, and the file is plain ASCII.
 *
 * <p>Fields, absent ones left out: {@code time}, {@code kind}, {@code requestId}, {@code actor}
 * ({@code name}, {@code kind}, {@code source}, {@code issuer}, {@code groups}; or {@code anonymous:
 * true}), {@code client}, {@code endpoint}, {@code action}, {@code repository}, {@code
 * sourceRepository}, {@code digest}, {@code previousDigest}, {@code mediaType}, {@code tags},
 * {@code status}, {@code reasons}, {@code scopes}. Of an identity's attributes only {@code kind},
 * {@code source} and {@code issuer} are written. Strings are cut at {@value #MAX_STRING}
 * characters, lists at {@value #MAX_ITEMS} items.
 */
final class AuditLines {

  static final int MAX_STRING = 4096;
  static final int MAX_ITEMS = 64;

  private static final List<String> ACTOR_ATTRIBUTES = List.of("kind", "source", "issuer");

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private static final CharacterEscapes ESCAPES = new AsciiOnly();

  private static final InstantText TIMES = new InstantText();

  private AuditLines() {}

  /** The event's line, with its {@code \n}. */
  static byte[] encode(RegistryEvent event) {
    return new Encoder().encode(event).toByteArray();
  }

  /**
   * Encodes events into one buffer with one generator, both reused from line to line: the audit log
   * encodes an event per request, and a new generator and buffer for each cost about a tenth of an
   * event's time (AuditLogBenchmark: 1,698 to 1,511 ns). Not thread-safe: the audit log encodes
   * under its lock.
   */
  static final class Encoder {

    /** A buffer grown past this by a huge line is replaced, so that it does not stay that big. */
    private static final int KEPT_BUFFER = 64 * 1024;

    private ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private @Nullable JsonGenerator generator;

    /**
     * {@code event}'s line, with its {@code \n}, in a buffer valid until the next call.
     *
     * @throws UncheckedIOException never in practice (the buffer is in memory)
     */
    ByteArrayOutputStream encode(RegistryEvent event) {
      if (buffer.size() > KEPT_BUFFER) {
        buffer = new ByteArrayOutputStream(1024);
        generator = null;
      }
      buffer.reset();
      try {
        JsonGenerator g = generator;
        if (g == null) {
          g = JSON.createGenerator(buffer, JsonEncoding.UTF8);
          g.setCharacterEscapes(ESCAPES);
          g.setRootValueSeparator(null);
          generator = g;
        }
        write(g, event);
        g.flush();
      } catch (IOException e) {
        generator = null;
        throw new UncheckedIOException("cannot write an audit line in memory", e);
      } catch (RuntimeException e) {
        generator = null; // mid-object: a new generator for the next line
        throw e;
      }
      buffer.write('\n');
      return buffer;
    }
  }

  private static void write(JsonGenerator g, RegistryEvent event) throws IOException {
    g.writeStartObject();
    g.writeStringField("time", TIMES.format(event.time()));
    g.writeStringField("kind", event.kind().name());
    string(g, "requestId", event.requestId());
    actor(g, event.actor());
    if (event.clientAddress().isPresent()) {
      string(g, "client", address(event.clientAddress().get()));
    }
    if (event.endpoint().isPresent()) {
      string(g, "endpoint", event.endpoint().get().name());
      string(g, "action", event.endpoint().get().action().name().toLowerCase(Locale.ROOT));
    }
    optional(g, "repository", event.repository());
    optional(g, "sourceRepository", event.sourceRepository());
    optional(g, "digest", event.digest());
    optional(g, "previousDigest", event.previousDigest());
    optional(g, "mediaType", event.mediaType());
    strings(g, "tags", tags(event.tags()));
    g.writeNumberField("status", event.status());
    strings(g, "reasons", event.reasons());
    strings(g, "scopes", event.scopes());
    g.writeEndObject();
  }

  private static void actor(JsonGenerator g, Identity actor) throws IOException {
    g.writeObjectFieldStart("actor");
    if (actor.isAnonymous()) {
      g.writeBooleanField("anonymous", true);
    } else {
      string(g, "name", actor.name().orElseThrow());
    }
    for (String attribute : ACTOR_ATTRIBUTES) {
      String value = actor.attributes().get(attribute);
      if (value != null) {
        string(g, attribute, value);
      }
    }
    strings(g, "groups", actor.groups());
    g.writeEndObject();
  }

  /** The address as the transport saw it, never resolved (no DNS lookup on the event thread). */
  private static String address(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  private static void optional(JsonGenerator g, String field, Optional<?> value)
      throws IOException {
    if (value.isPresent()) {
      string(g, field, value.get().toString());
    }
  }

  private static void string(JsonGenerator g, String field, String value) throws IOException {
    g.writeStringField(field, cut(value));
  }

  /** The tags' names in order (a pull names one: no sorting then). */
  private static List<String> tags(Set<Tag> tags) {
    if (tags.size() <= 1) {
      return tags.isEmpty() ? List.of() : List.of(tags.iterator().next().value());
    }
    return tags.stream().map(Tag::value).sorted().toList();
  }

  private static void strings(JsonGenerator g, String field, Collection<String> values)
      throws IOException {
    if (values.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(field);
    int n = 0;
    for (String value : values) {
      if (n++ == MAX_ITEMS) {
        g.writeString("… " + (values.size() - MAX_ITEMS) + " more");
        break;
      }
      g.writeString(cut(value));
    }
    g.writeEndArray();
  }

  private static String cut(String value) {
    if (value.length() <= MAX_STRING) {
      return value;
    }
    int end = MAX_STRING;
    if (Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(0, end) + "…";
  }

  /** JSON's escapes, and DEL too: with ESCAPE_NON_ASCII, the output is printable ASCII. */
  private static final class AsciiOnly extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii;

    AsciiOnly() {
      ascii = standardAsciiEscapesForJSON();
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      return null;
    }
  }
}
