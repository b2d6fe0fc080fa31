/**
 * Harbor's tag retention rules, as pure decision logic: a project's {@link
 * io.wharf.oci.policy.retention.RetentionPolicy} (at most 15 {@link
 * io.wharf.oci.policy.retention.RetentionRule}s) judges the project's top-level artifacts ({@link
 * io.wharf.oci.policy.retention.RetentionCandidate}s) at an instant and returns a {@link
 * io.wharf.oci.policy.retention.RetentionPlan}: each artifact retained or deleted, with the reasons
 * a user can act on. Policies are read from the {@code projects: NAME: retention:} section of a
 * policy document and reached through {@link io.wharf.oci.policy.PolicySet#retain}.
 *
 * <p>The semantics are Harbor's (its "Create Tag Retention Rules" documentation and {@code
 * src/pkg/retention} in goharbor/harbor):
 *
 * <ul>
 *   <li>A rule applies to the repositories its {@link
 *       io.wharf.oci.policy.retention.RepositorySelector} selects, by their name within the project
 *       ({@code app} of {@code library/app}). A repository that no rule selects is left alone: all
 *       of its artifacts are retained.
 *   <li>In a repository that at least one rule selects, an artifact is retained when <em>any</em>
 *       rule that applies retains it (rules are OR'ed), and deleted otherwise, including the
 *       artifacts that no rule's tag selector selects.
 *   <li>A rule's {@link io.wharf.oci.policy.retention.TagSelector} selects an artifact when one of
 *       its tags is selected (an artifact with several tags is matched tag by tag, retained or
 *       deleted whole, with all its tags); an untagged artifact is selected when the selector's
 *       {@code untagged} switch is on.
 *   <li>The rule's {@link io.wharf.oci.policy.retention.RetentionTemplate} then keeps some of the
 *       artifacts it selected, counting per repository: the K most recently pushed, the K most
 *       recently pulled (never-pulled artifacts count as pulled longest ago), those pushed or
 *       pulled within N days, or all of them.
 *   <li>An artifact that no rule retains but that has a tag made immutable by the policy set's
 *       immutable rules is retained, naming the immutable rule.
 * </ul>
 *
 * Ties are broken deterministically (see {@link io.wharf.oci.policy.retention.RetentionTemplate});
 * a plan lists its decisions by repository, then most recently pushed first, then by digest.
 */
@NullMarked
package io.wharf.oci.policy.retention;

import org.jspecify.annotations.NullMarked;
