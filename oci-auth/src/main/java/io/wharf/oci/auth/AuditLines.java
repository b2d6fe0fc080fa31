package io.wharf.oci.auth;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.Action;
import io.wharf.oci.server.Endpoint;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One {@link RegistryEvent} as one line of JSON. Every string is escaped as JSON requires (quotes,
 * backslashes, control characters), and DEL and everything outside ASCII are written as JSON's
 * Unicode escapes too (a backslash, {@code u} and four hexadecimal digits), so no name or reason
 * can end a line or forge a field, and the file is printable ASCII.
 *
 * <p>Fields, absent ones left out: {@code time}, {@code kind}, {@code requestId}, {@code actor}
 * ({@code name}, {@code kind}, {@code source}, {@code issuer}, {@code groups}; or {@code anonymous:
 * true}), {@code client}, {@code endpoint}, {@code action}, {@code repository}, {@code
 * sourceRepository}, {@code digest}, {@code previousDigest}, {@code mediaType}, {@code tags},
 * {@code status}, {@code reasons}, {@code scopes}. Of an identity's attributes only {@code kind},
 * {@code source} and {@code issuer} are written. Strings are cut at {@value #MAX_STRING}
 * characters, lists at {@value #MAX_ITEMS} items.
 *
 * <p>The line is written by the small writer below, not by Jackson's generator: the audit log
 * encodes an event per request, and with the generator (field names quoted and every character
 * checked against its escape tables on each call) a pull event cost 1.5 to 1.7 µs to encode and
 * append, against 1.0 to 1.1 µs with this writer when it still wrote field names character by
 * character, and 0.8 to 0.87 µs now (AuditLogBenchmark, builds alternating on one machine). Field
 * names, kinds, endpoints and actions are copied from bytes made once; repository names, digests
 * and tags, whose grammars allow nothing that needs an escape, are copied as they are, and so is
 * any other string that needs no escape (as almost all do); the last actor's object is kept for the
 * next line, since one client's requests name one identity, and each client address's text for the
 * next request of its connection. Jackson reads these lines back in the tests.
 */
final class AuditLines {

  static final int MAX_STRING = 4096;
  static final int MAX_ITEMS = 64;

  private static final List<String> ACTOR_ATTRIBUTES = List.of("kind", "source", "issuer");

  private static final InstantText TIMES = new InstantText();

  /** Each action's name as the line writes it: {@code pull}, {@code push} … */
  private static final Map<Action, String> ACTIONS = actions();

  /** Each kind's value, quoted, by ordinal. */
  private static final byte[][] KINDS = kinds();

  /** Each endpoint's two fields, {@code "endpoint":"…","action":"…"}, by ordinal. */
  private static final byte[][] ENDPOINTS = endpoints();

  private static final byte[] TIME = key("time");
  private static final byte[] KIND = key("kind");
  private static final byte[] REQUEST_ID = key("requestId");
  private static final byte[] ACTOR = key("actor");
  private static final byte[] CLIENT = key("client");
  private static final byte[] REPOSITORY = key("repository");
  private static final byte[] SOURCE_REPOSITORY = key("sourceRepository");
  private static final byte[] DIGEST = key("digest");
  private static final byte[] PREVIOUS_DIGEST = key("previousDigest");
  private static final byte[] MEDIA_TYPE = key("mediaType");
  private static final byte[] TAGS = key("tags");
  private static final byte[] STATUS = key("status");
  private static final byte[] REASONS = key("reasons");
  private static final byte[] SCOPES = key("scopes");

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private AuditLines() {}

  private static Map<Action, String> actions() {
    Map<Action, String> names = new EnumMap<>(Action.class);
    for (Action a : Action.values()) {
      names.put(a, a.name().toLowerCase(Locale.ROOT));
    }
    return names;
  }

  private static byte[][] kinds() {
    RegistryEvent.Kind[] all = RegistryEvent.Kind.values();
    byte[][] quoted = new byte[all.length][];
    for (RegistryEvent.Kind k : all) {
      quoted[k.ordinal()] = ascii("\"" + k.name() + "\"");
    }
    return quoted;
  }

  private static byte[][] endpoints() {
    Endpoint[] all = Endpoint.values();
    byte[][] fields = new byte[all.length][];
    for (Endpoint e : all) {
      fields[e.ordinal()] =
          ascii("\"endpoint\":\"" + e.name() + "\",\"action\":\"" + ACTIONS.get(e.action()) + "\"");
    }
    return fields;
  }

  /** {@code "name":} */
  private static byte[] key(String name) {
    return ascii("\"" + name + "\":");
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** The event's line, with its {@code \n}. */
  static byte[] encode(RegistryEvent event) {
    return new Encoder().encode(event).toByteArray();
  }

  /**
   * Encodes events into one buffer, reused from line to line. Not thread-safe: the audit log
   * encodes under its lock.
   */
  static final class Encoder {

    /** A buffer grown past this by a huge line is replaced, so that it does not stay that big. */
    private static final int KEPT_BUFFER = 64 * 1024;

    /** How many client addresses are remembered (a power of two). */
    private static final int CLIENT_SLOTS = 64;

    private byte[] buffer = new byte[1024];
    private int size;

    /** Whether the object being written has a field already (a comma goes before the next). */
    private boolean more;

    private @Nullable Identity lastActor;
    private byte[] lastActorJson = new byte[0];

    /**
     * The last client addresses written and their JSON strings, in slots by identity: a
     * connection's requests share one address object. Addresses are immutable.
     */
    private final @Nullable InetSocketAddress[] clients = new InetSocketAddress[CLIENT_SLOTS];

    private final byte[][] clientJson = new byte[CLIENT_SLOTS][];

    /** Encodes {@code event}; its line, with its {@code \n}, is this until the next call. */
    Encoder encode(RegistryEvent event) {
      if (buffer.length > KEPT_BUFFER) {
        buffer = new byte[1024];
      }
      size = 0;
      write(event);
      raw('\n');
      return this;
    }

    /** The line's length in bytes. */
    int size() {
      return size;
    }

    /** Writes the line to {@code out}. */
    void writeTo(OutputStream out) throws IOException {
      out.write(buffer, 0, size);
    }

    /** A copy of the line. */
    byte[] toByteArray() {
      return Arrays.copyOf(buffer, size);
    }

    /**
     * The fields. Kinds, endpoints, actions and field names are written from bytes made once;
     * repository names, digests and tags as they are, since their grammars allow nothing that needs
     * an escape.
     */
    private void write(RegistryEvent event) {
      startObject();
      name(TIME);
      raw('"');
      raw(TIMES.format(event.time()));
      raw('"');
      name(KIND);
      raw(KINDS[event.kind().ordinal()]);
      name(REQUEST_ID);
      string(event.requestId());
      actor(event.actor());
      if (event.clientAddress().isPresent()) {
        client(event.clientAddress().get());
      }
      if (event.endpoint().isPresent()) {
        raw(',');
        raw(ENDPOINTS[event.endpoint().get().ordinal()]);
      }
      if (event.repository().isPresent()) {
        name(REPOSITORY);
        plainString(event.repository().get().value());
      }
      if (event.sourceRepository().isPresent()) {
        name(SOURCE_REPOSITORY);
        plainString(event.sourceRepository().get().value());
      }
      digest(DIGEST, event.digest());
      digest(PREVIOUS_DIGEST, event.previousDigest());
      if (event.mediaType().isPresent()) {
        name(MEDIA_TYPE);
        string(event.mediaType().get().value());
      }
      tags(event.tags());
      name(STATUS);
      number(event.status());
      strings(REASONS, event.reasons());
      strings(SCOPES, event.scopes());
      endObject();
    }

    private void actor(Identity actor) {
      name(ACTOR);
      if (actor != lastActor) {
        int start = size;
        writeActor(actor);
        lastActorJson = Arrays.copyOfRange(buffer, start, size);
        lastActor = actor;
      } else {
        raw(lastActorJson);
      }
      more = true;
    }

    private void writeActor(Identity actor) {
      startObject();
      if (actor.isAnonymous()) {
        name("anonymous");
        raw("true");
      } else {
        field("name", actor.name().orElseThrow());
      }
      for (String attribute : ACTOR_ATTRIBUTES) {
        String value = actor.attributes().get(attribute);
        if (value != null) {
          field(attribute, value);
        }
      }
      strings("groups", actor.groups());
      endObject();
    }

    /** The address as the transport saw it, never resolved (no DNS lookup on the event thread). */
    private void client(InetSocketAddress a) {
      name(CLIENT);
      int slot = System.identityHashCode(a) & (CLIENT_SLOTS - 1);
      if (clients[slot] == a) {
        raw(clientJson[slot]);
        return;
      }
      int start = size;
      raw('"');
      escaped(a.getHostString());
      raw(':');
      number(a.getPort());
      raw('"');
      clients[slot] = a;
      clientJson[slot] = Arrays.copyOfRange(buffer, start, size);
    }

    private void digest(byte[] field, Optional<Digest> digest) {
      if (digest.isPresent()) {
        name(field);
        raw('"');
        raw(digest.get().algorithm());
        raw(':');
        raw(digest.get().encoded());
        raw('"');
      }
    }

    /** The tags' names in order (a pull names one: no sorting then). */
    private void tags(Set<Tag> tags) {
      if (tags.size() == 1) {
        name(TAGS);
        raw('[');
        plainString(tags.iterator().next().value());
        raw(']');
      } else if (!tags.isEmpty()) {
        strings(TAGS, tags.stream().map(Tag::value).sorted().toList());
      }
    }

    private void strings(String field, Collection<String> values) {
      strings(key(field), values);
    }

    private void strings(byte[] field, Collection<String> values) {
      if (values.isEmpty()) {
        return;
      }
      name(field);
      raw('[');
      int n = 0;
      for (String value : values) {
        if (n > 0) {
          raw(',');
        }
        if (n++ == MAX_ITEMS) {
          string("… " + (values.size() - MAX_ITEMS) + " more");
          break;
        }
        string(value);
      }
      raw(']');
    }

    private void startObject() {
      raw('{');
      more = false;
    }

    private void endObject() {
      raw('}');
      more = true;
    }

    /** {@code "name":}, after a comma unless it is the object's first field. */
    private void name(String name) {
      name(key(name));
    }

    /** {@code key}, made by {@link #key}, after a comma unless it is the object's first field. */
    private void name(byte[] key) {
      if (more) {
        raw(',');
      }
      more = true;
      raw(key);
    }

    private void field(String name, String value) {
      name(name);
      string(value);
    }

    /**
     * A string whose grammar the model checked (a repository name, a tag): ASCII letters, digits
     * and punctuation but quotes and backslashes, never longer than {@value #MAX_STRING}.
     */
    private void plainString(String value) {
      raw('"');
      raw(value);
      raw('"');
    }

    private void string(String value) {
      raw('"');
      if (value.length() > MAX_STRING) {
        int end = MAX_STRING;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
          end--;
        }
        escaped(value.substring(0, end) + "…");
      } else {
        escaped(value);
      }
      raw('"');
    }

    /** {@code value}'s characters, escaped where JSON or the printable-ASCII file needs it. */
    private void escaped(String value) {
      int length = value.length();
      ensure(length);
      byte[] b = buffer;
      int at = size;
      int i = 0;
      for (; i < length; i++) { // the common case: nothing to escape
        char c = value.charAt(i);
        if (!plain(c)) {
          break;
        }
        b[at++] = (byte) c;
      }
      size = at;
      for (; i < length; i++) {
        escape(value.charAt(i));
      }
    }

    /** Whether {@code c} goes into the line as it is: printable ASCII but a quote or backslash. */
    private static boolean plain(char c) {
      return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
    }

    private void escape(char c) {
      if (plain(c)) {
        raw(c);
        return;
      }
      char shortEscape =
          switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            case '\b' -> 'b';
            case '\f' -> 'f';
            default -> 0;
          };
      if (shortEscape != 0) {
        raw('\\');
        raw(shortEscape);
        return;
      }
      ensure(6);
      buffer[size++] = '\\';
      buffer[size++] = 'u';
      buffer[size++] = HEX[(c >> 12) & 0xf];
      buffer[size++] = HEX[(c >> 8) & 0xf];
      buffer[size++] = HEX[(c >> 4) & 0xf];
      buffer[size++] = HEX[c & 0xf];
    }

    /** {@code value} in decimal. */
    private void number(int value) {
      if (value < 0) {
        raw(Integer.toString(value));
        return;
      }
      int digits = 1;
      for (int v = value; v >= 10; v /= 10) {
        digits++;
      }
      ensure(digits);
      for (int at = size + digits - 1, v = value; at >= size; at--, v /= 10) {
        buffer[at] = (byte) ('0' + v % 10);
      }
      size += digits;
    }

    /** ASCII text the registry wrote (names, numbers): copied as it is. */
    private void raw(String ascii) {
      int length = ascii.length();
      ensure(length);
      for (int i = 0; i < length; i++) {
        buffer[size + i] = (byte) ascii.charAt(i);
      }
      size += length;
    }

    private void raw(byte[] bytes) {
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buffer, size, bytes.length);
      size += bytes.length;
    }

    private void raw(char c) {
      ensure(1);
      buffer[size++] = (byte) c;
    }

    private void ensure(int more) {
      if (size + more > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
      }
    }
  }
}
