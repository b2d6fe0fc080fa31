package io.wharf.oci.client.copy;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A repository of a registry as a copy's destination. Referrers are pushed by digest; on {@link
 * #commit()}, the referrers of each subject are listed, and those that the registry does not list
 * (it has no referrers API) are added to the subject's referrers tag schema index ({@code
 * <alg>-<hex>}), as the distribution-spec asks of clients.
 */
final class RegistryDestination implements ImageDestination {

  private final RegistryClient client;
  private final Reference reference;
  private final Repository repository;
  private final Map<Digest, List<Descriptor>> referrersBySubject = new LinkedHashMap<>();

  RegistryDestination(RegistryClient client, Reference reference) {
    if (!reference.hasIdentifier()) {
      throw new IllegalArgumentException("destination " + reference + " names no tag or digest");
    }
    this.client = client;
    this.reference = reference;
    this.repository = Repository.of(reference);
  }

  @Override
  public boolean hasBlob(Descriptor blob) throws IOException {
    return client.statBlob(repository, blob.digest()).isPresent();
  }

  @Override
  public boolean mountBlob(Descriptor blob, Repository from) throws IOException {
    if (!from.registry().equals(repository.registry()) || from.equals(repository)) {
      return false;
    }
    return client.mountBlob(repository, from, blob.digest());
  }

  @Override
  public void writeBlob(Descriptor blob, BlobOpener content) throws IOException {
    try (SequentialBlobSource source = new SequentialBlobSource(blob.size(), content)) {
      client.pushBlob(repository, blob.digest(), source);
    }
  }

  @Override
  public void writeManifest(RawManifest manifest, ManifestRole role) throws IOException {
    if (role == ManifestRole.ROOT) {
      if (reference.digest().isPresent() && !reference.digest().get().equals(manifest.digest())) {
        throw new IllegalArgumentException(
            "destination "
                + reference
                + " names digest "
                + reference.digest().get()
                + " but the manifest copied is "
                + manifest.digest());
      }
      Reference target =
          reference.tag().isPresent()
              ? reference.atTag(reference.tag().get())
              : reference.atDigest(manifest.digest());
      client.putManifest(target, manifest);
      return;
    }
    client.putManifest(reference.atDigest(manifest.digest()), manifest);
    if (role == ManifestRole.REFERRER) {
      manifest
          .parse()
          .subject()
          .ifPresent(
              s ->
                  referrersBySubject
                      .computeIfAbsent(s.digest(), k -> new ArrayList<>())
                      .add(Referrers.descriptor(manifest.descriptor(), manifest.parse())));
    }
  }

  @Override
  public void commit() throws IOException {
    for (Map.Entry<Digest, List<Descriptor>> e : referrersBySubject.entrySet()) {
      List<Descriptor> listed = client.referrers(repository, e.getKey());
      Set<Digest> known = listed.stream().map(Descriptor::digest).collect(Collectors.toSet());
      List<Descriptor> missing =
          e.getValue().stream().filter(d -> !known.contains(d.digest())).toList();
      if (missing.isEmpty()) {
        continue;
      }
      List<Descriptor> all = new ArrayList<>(listed);
      all.addAll(missing);
      RawManifest index = ManifestCodec.defaults().encode(ImageIndex.of(all));
      Tag tag = Tag.of(e.getKey().algorithm() + "-" + e.getKey().encoded());
      client.putManifest(reference.atTag(tag), index);
    }
  }

  @Override
  public Optional<Repository> repository() {
    return Optional.of(repository);
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "docker://" + reference;
  }
}
