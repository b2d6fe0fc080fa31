package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class StaticUsersTest {

  private static final String ADA = StaticUsers.hash("analytical engine", 4);

  @Test
  void checksBcryptHashesAndGivesGroups() {
    StaticUsers users =
        StaticUsers.builder()
            .user("ada", ADA, Set.of("admins", "engineers"))
            .user("bob", StaticUsers.hash("bob's pw", 4))
            .build();

    Verification ok = users.verify("ada", "analytical engine");
    assertThat(ok).isInstanceOf(Verification.Verified.class);
    var identity = ((Verification.Verified) ok).identity();
    assertThat(identity.groups()).containsExactly("admins", "engineers");
    assertThat(identity.attributes())
        .containsEntry("kind", "user")
        .containsEntry("source", "static");
    assertThat(users.verify("ada", "difference engine")).isInstanceOf(Verification.Rejected.class);
    assertThat(users.verify("carol", "analytical engine")).isInstanceOf(Verification.Unknown.class);
    assertThat(users.users()).containsExactlyInAnyOrder("ada", "bob");
  }

  @Test
  void refusesPlainTextAndOtherHashesWithoutEchoingThem() {
    assertThatThrownBy(() -> StaticUsers.builder().user("ada", "my-plain-password"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("static user ada")
        .hasMessageContaining("only bcrypt")
        .hasMessageNotContaining("my-plain-password");
    assertThatThrownBy(() -> StaticUsers.builder().user("ada", "$apr1$x$abcdefgh"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MD5");
  }

  @Test
  void refusesBadNamesGroupsAndDuplicates() {
    assertThatThrownBy(() -> StaticUsers.builder().user("a:b", ADA))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StaticUsers.builder().user("a\nb", ADA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(an invalid name)");
    assertThatThrownBy(() -> StaticUsers.builder().user("ada", ADA, Set.of("")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StaticUsers.builder().user("ada", ADA).user("ada", ADA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void toStringShowsNoHash() {
    assertThat(StaticUsers.builder().user("ada", ADA).build().toString())
        .isEqualTo("StaticUsers[ada]");
  }
}
