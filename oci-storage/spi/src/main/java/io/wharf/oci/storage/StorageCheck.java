package io.wharf.oci.storage;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.Digests;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A consistency check of a registry's storage ({@code fsck}): every blob's digest is recomputed,
 * every repository's blob links must point at stored blobs, and every manifest's references must be
 * present. It repairs nothing unless asked; with repair it deletes corrupt blobs and removes links
 * to blobs that are gone, except those a stored manifest needs: that link stays, so that pushing
 * the blob again heals the manifest. Manifests whose content is missing are only reported, since
 * nothing can bring the bytes back.
 */
public final class StorageCheck {

  /** What kind of problem was found. */
  public enum Kind {
    /** A stored blob whose bytes do not have the digest it is stored under. */
    CORRUPT_BLOB,
    /** A repository links a blob that is not stored. */
    DANGLING_LINK,
    /** A manifest references a blob that is not stored or not linked to its repository. */
    MISSING_BLOB,
    /** An index lists a manifest that its repository does not have. */
    MISSING_MANIFEST,
    /** A stored manifest that does not parse. */
    INVALID_MANIFEST
  }

  /**
   * One problem.
   *
   * @param kind what is wrong
   * @param repository the repository concerned, if any
   * @param digest the blob or manifest concerned
   * @param detail a sentence for people
   */
  public record Problem(
      Kind kind, Optional<RepositoryName> repository, Digest digest, String detail) {}

  /**
   * The outcome of a check.
   *
   * @param blobsVerified blobs whose digest was recomputed
   * @param manifestsChecked manifests whose references were checked
   * @param problems what is wrong, in the order found
   * @param repairs what was repaired, in words; empty without repair
   */
  public record Report(
      long blobsVerified, long manifestsChecked, List<Problem> problems, List<String> repairs) {
    /** Copies. */
    public Report {
      problems = List.copyOf(problems);
      repairs = List.copyOf(repairs);
    }

    /** Whether nothing is wrong. */
    public boolean isClean() {
      return problems.isEmpty();
    }
  }

  private static final int PAGE = 1000;

  private StorageCheck() {}

  /** Checks {@code storage} and reports; changes nothing. */
  public static Report check(RegistryStorage storage) throws IOException {
    return run(storage, false);
  }

  /** Checks {@code storage}, deletes corrupt blobs and removes dangling links, and reports. */
  public static Report repair(RegistryStorage storage) throws IOException {
    return run(storage, true);
  }

  private static Report run(RegistryStorage storage, boolean repair) throws IOException {
    BlobStore blobs = storage.blobs();
    MetadataStore metadata = storage.metadata();
    List<Problem> problems = new ArrayList<>();
    List<String> repairs = new ArrayList<>();
    Set<Digest> corrupt = new HashSet<>();
    long verified = 0;
    List<Digest> all;
    try (Stream<Digest> list = blobs.list()) {
      all = list.toList();
    }
    for (Digest digest : all) {
      if (!verify(blobs, digest)) {
        corrupt.add(digest);
        problems.add(
            new Problem(
                Kind.CORRUPT_BLOB,
                Optional.empty(),
                digest,
                "blob " + digest + " does not have the digest it is stored under"));
        if (repair && blobs.delete(digest)) {
          repairs.add("deleted corrupt blob " + digest);
        }
      }
      verified++;
    }
    long manifests = 0;
    Optional<String> last = Optional.empty();
    do {
      Page<RepositoryName> page = metadata.repositories(new PageRequest(PAGE, last));
      for (RepositoryName repo : page.items()) {
        manifests += checkRepository(storage, repo, corrupt, repair, problems, repairs);
      }
      last = page.next();
    } while (last.isPresent());
    return new Report(verified, manifests, problems, repairs);
  }

  private static boolean verify(BlobStore blobs, Digest digest) throws IOException {
    if (digest.algorithmKind().isEmpty()) {
      return false;
    }
    try (InputStream in = Digests.verifying(blobs.open(digest), digest, -1)) {
      in.transferTo(OutputStream.nullOutputStream());
      return true;
    } catch (InvalidContentException e) {
      return false;
    }
  }

  /**
   * Removes a dangling link, unless a manifest of the repository needs the blob: then the link
   * stays (the store refuses to break the manifest further), and pushing the blob again heals both.
   */
  private static void unlinkUnlessNeeded(
      MetadataStore metadata, RepositoryName repo, Digest digest, List<String> repairs)
      throws IOException {
    try {
      if (metadata.unlinkBlob(repo, digest)) {
        repairs.add("unlinked missing blob " + digest + " from " + repo);
      }
    } catch (StillReferencedException e) {
      // Reported as DANGLING_LINK and MISSING_BLOB; nothing to repair without the bytes.
    }
  }

  private static long checkRepository(
      RegistryStorage storage,
      RepositoryName repo,
      Set<Digest> corrupt,
      boolean repair,
      List<Problem> problems,
      List<String> repairs)
      throws IOException {
    BlobStore blobs = storage.blobs();
    MetadataStore metadata = storage.metadata();
    long checked = 0;
    for (ManifestRecord record : metadata.manifestRecords(repo)) {
      Optional<RawManifest> raw = metadata.getManifest(repo, record.digest());
      if (raw.isEmpty()) {
        continue;
      }
      checked++;
      Manifest manifest;
      try {
        manifest = raw.get().parse();
      } catch (InvalidContentException e) {
        problems.add(
            new Problem(
                Kind.INVALID_MANIFEST,
                Optional.of(repo),
                record.digest(),
                "manifest "
                    + record.digest()
                    + " in "
                    + repo
                    + " does not parse: "
                    + e.getMessage()));
        continue;
      }
      if (manifest instanceof ImageIndex index) {
        for (Descriptor child : index.manifests()) {
          // As a push checks them: children of a manifest media type only.
          if (child.mediaType().isManifest()
              && metadata.statManifest(repo, child.digest()).isEmpty()) {
            problems.add(
                new Problem(
                    Kind.MISSING_MANIFEST,
                    Optional.of(repo),
                    child.digest(),
                    "index "
                        + record.digest()
                        + " in "
                        + repo
                        + " lists manifest "
                        + child.digest()
                        + ", which the repository does not have"));
          }
        }
      } else {
        for (Descriptor ref : manifest.references()) {
          if (!ref.mediaType().isDistributable()) {
            continue;
          }
          boolean stored = blobs.stat(ref.digest()).isPresent() && !corrupt.contains(ref.digest());
          boolean isLinked = metadata.isBlobLinked(repo, ref.digest());
          if (!stored || !isLinked) {
            problems.add(
                new Problem(
                    Kind.MISSING_BLOB,
                    Optional.of(repo),
                    ref.digest(),
                    "manifest "
                        + record.digest()
                        + " in "
                        + repo
                        + " references blob "
                        + ref.digest()
                        + (stored ? ", which is not linked to it" : ", which is not stored")));
          }
        }
      }
    }
    Optional<String> last = Optional.empty();
    do {
      Page<Digest> links = metadata.blobLinks(repo, new PageRequest(PAGE, last));
      for (Digest digest : links.items()) {
        if (blobs.stat(digest).isEmpty() || corrupt.contains(digest)) {
          problems.add(
              new Problem(
                  Kind.DANGLING_LINK,
                  Optional.of(repo),
                  digest,
                  "repository " + repo + " links blob " + digest + ", which is not stored"));
          if (repair) {
            unlinkUnlessNeeded(metadata, repo, digest, repairs);
          }
        }
      }
      last = links.next();
    } while (last.isPresent());
    return checked;
  }
}
