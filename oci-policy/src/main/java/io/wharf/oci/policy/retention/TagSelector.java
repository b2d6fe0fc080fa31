package io.wharf.oci.policy.retention;

import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Glob;
import java.util.List;

/**
 * Which artifacts of a repository a retention rule considers, as Harbor's tag filter: a tag is
 * selected when one of the {@code include} patterns matches it (or there are none) and no {@code
 * exclude} pattern does; an artifact is selected when one of its tags is. An untagged artifact is
 * selected exactly when {@code untagged} is true.
 *
 * <p>Harbor's "untagged artifacts" check box means "untagged artifacts are part of the set the
 * selector names": with "matching" it selects them, with "excluding" it leaves them out. Here
 * {@code untagged} says directly whether they are selected, so Harbor's "excluding {@code x},
 * untagged checked" is {@code exclude: [x], untagged: false}. Harbor selects them by default (its
 * API without the check box, and its UI's default); so does {@link #ALL}.
 *
 * @param include doublestar patterns over tags, any of which selects (empty: every tag)
 * @param exclude doublestar patterns over tags, any of which deselects
 * @param untagged whether untagged artifacts are selected
 */
public record TagSelector(List<Glob> include, List<Glob> exclude, boolean untagged) {

  /** Every artifact, tagged or not: Harbor's default. */
  public static final TagSelector ALL = new TagSelector(List.of(), List.of(), true);

  /** Copies. */
  public TagSelector {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  /** Whether {@code tag} is selected. */
  public boolean selects(Tag tag) {
    String name = tag.value();
    return (include.isEmpty() || Patterns.any(include, name)) && !Patterns.any(exclude, name);
  }

  /** Whether an artifact with {@code tags} is selected. */
  public boolean selects(List<Tag> tags) {
    if (tags.isEmpty()) {
      return untagged;
    }
    for (Tag tag : tags) {
      if (selects(tag)) {
        return true;
      }
    }
    return false;
  }
}
