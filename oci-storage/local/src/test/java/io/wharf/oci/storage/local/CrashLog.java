package io.wharf.oci.storage.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.wharf.oci.model.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The operation log that {@link CrashWorker} writes and {@link LocalStorageCrashIT} replays. One
 * line per event, {@code <mark> <operation>}:
 *
 * <ul>
 *   <li>{@code B op}: the worker begins {@code op} (written, not forced: a killed process loses
 *       nothing it wrote);
 *   <li>{@code A op}: the store acknowledged {@code op} (written and forced by the worker), or the
 *       checker found that an unacknowledged {@code op} took effect;
 *   <li>{@code X op}: the checker found that an unacknowledged {@code op} did not take effect.
 * </ul>
 *
 * Operations: {@code BLOB <digest> <size>}, {@code LINK <repo> <digest> <size>}, {@code MANIFEST
 * <repo> <digest> <tag>} (a push or re-tag: the manifest is stored and the tag points at it),
 * {@code PUT <repo> <digest> <subject>} (a manifest stored without a tag: an index's child, or a
 * referrer of {@code subject}; {@code -} for none), {@code UNTAG <repo> <tag>}, and {@code GC
 * <full|incremental>} (a garbage collection run: it changes nothing that the state tracks, and may
 * remove what no tag needs). The worker runs one operation at a time, so at most one is begun and
 * unresolved when it is killed, and the checker resolves it before the worker starts again.
 */
final class CrashLog {

  private CrashLog() {}

  /** What the store must hold after the operations replayed so far. */
  static final class State {
    final Map<Digest, Long> blobs = new HashMap<>();
    final Map<String, Set<Digest>> links = new TreeMap<>();
    final Map<String, Set<Digest>> manifests = new TreeMap<>();
    final Map<String, Map<String, Digest>> tags = new TreeMap<>();

    /** Per repository: subject -> the referrers stored for it. */
    final Map<String, Map<Digest, Set<Digest>>> referrers = new TreeMap<>();

    State copy() {
      State copy = new State();
      copy.blobs.putAll(blobs);
      links.forEach((repo, set) -> copy.links.put(repo, new TreeSet<>(set)));
      manifests.forEach((repo, set) -> copy.manifests.put(repo, new TreeSet<>(set)));
      tags.forEach((repo, map) -> copy.tags.put(repo, new TreeMap<>(map)));
      referrers.forEach(
          (repo, map) -> {
            Map<Digest, Set<Digest>> bySubject = new TreeMap<>();
            map.forEach((subject, set) -> bySubject.put(subject, new TreeSet<>(set)));
            copy.referrers.put(repo, bySubject);
          });
      return copy;
    }

    /** Applies operation {@code op}. */
    void apply(String op) {
      String[] f = op.split(" ");
      switch (f[0]) {
        case "BLOB":
          blobs.put(Digest.parse(f[1]), Long.parseLong(f[2]));
          break;
        case "LINK":
          links.computeIfAbsent(f[1], r -> new TreeSet<>()).add(Digest.parse(f[2]));
          break;
        case "MANIFEST":
          manifests.computeIfAbsent(f[1], r -> new TreeSet<>()).add(Digest.parse(f[2]));
          tags.computeIfAbsent(f[1], r -> new TreeMap<>()).put(f[3], Digest.parse(f[2]));
          break;
        case "PUT":
          manifests.computeIfAbsent(f[1], r -> new TreeSet<>()).add(Digest.parse(f[2]));
          if (!f[3].equals("-")) {
            referrers
                .computeIfAbsent(f[1], r -> new TreeMap<>())
                .computeIfAbsent(Digest.parse(f[3]), s -> new TreeSet<>())
                .add(Digest.parse(f[2]));
          }
          break;
        case "GC":
          break;
        case "UNTAG":
          Map<String, Digest> repoTags = tags.get(f[1]);
          if (repoTags != null) {
            repoTags.remove(f[2]);
          }
          break;
        default:
          throw new IllegalStateException("unknown operation: " + op);
      }
    }

    /** The manifests and tags of every repository, without empty entries. */
    Map<String, Object> view() {
      Map<String, Object> view = tagsView();
      manifests.forEach(
          (repo, set) -> {
            if (!set.isEmpty()) {
              view.put(repo + " manifests", set);
            }
          });
      return view;
    }

    /** The tags of every repository, without empty entries, laid out as {@link #view()} does. */
    Map<String, Object> tagsView() {
      Map<String, Object> view = new TreeMap<>();
      tags.forEach(
          (repo, map) -> {
            if (!map.isEmpty()) {
              view.put(repo + " tags", map);
            }
          });
      return view;
    }

    /** The digests tags point at in {@code repo}. */
    Set<Digest> tagged(String repo) {
      return new TreeSet<>(tags.getOrDefault(repo, Map.of()).values());
    }

    /** The referrers stored for {@code subject} in {@code repo}. */
    Set<Digest> referrersOf(String repo, Digest subject) {
      return referrers.getOrDefault(repo, Map.of()).getOrDefault(subject, Set.of());
    }

    /** Every linked digest, in any repository. */
    Set<Digest> linkedDigests() {
      Set<Digest> all = new HashSet<>();
      links.values().forEach(all::addAll);
      return all;
    }
  }

  /**
   * The log replayed.
   *
   * @param acked the state after every resolved operation
   * @param pending the operation begun and not resolved, if any
   * @param acknowledged how many operations were acknowledged
   */
  record Replay(State acked, Optional<String> pending, int acknowledged) {

    /** The state with the pending operation applied too; {@link #acked} when none is pending. */
    State withPending() {
      State state = acked.copy();
      pending.ifPresent(state::apply);
      return state;
    }
  }

  /** Replays {@code lines}. */
  static Replay replay(List<String> lines) {
    State state = new State();
    String pending = null;
    int acknowledged = 0;
    for (String line : lines) {
      String mark = line.substring(0, 1);
      String op = line.substring(2);
      switch (mark) {
        case "B":
          if (pending != null) {
            throw new IllegalStateException("'" + pending + "' was never resolved");
          }
          pending = op;
          break;
        case "A":
        case "X":
          if (!op.equals(pending)) {
            throw new IllegalStateException(line + " resolves no pending operation");
          }
          if (mark.equals("A")) {
            state.apply(op);
            acknowledged++;
          }
          pending = null;
          break;
        default:
          throw new IllegalStateException("bad log line: " + line);
      }
    }
    return new Replay(state, Optional.ofNullable(pending), acknowledged);
  }

  /**
   * The complete lines of {@code log}; an unfinished last line (a write cut short) is cut off the
   * file, so that the next line starts cleanly.
   */
  static List<String> readAndRepair(Path log) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(log);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end < bytes.length) {
      try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
        channel.truncate(end);
      }
    }
    List<String> lines = new ArrayList<>();
    for (String line : new String(bytes, 0, end, UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    return lines;
  }

  /** Appends {@code line} to {@code log}, forced to the device when {@code force}. */
  static void append(FileChannel log, String line, boolean force) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(UTF_8));
    while (buffer.hasRemaining()) {
      log.write(buffer);
    }
    if (force) {
      log.force(true);
    }
  }
}
