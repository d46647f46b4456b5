package io.mlapi.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionPolicyTest {
  private static final TreeSet<Integer> ON_DISK = new TreeSet<>(List.of(1, 2, 3, 5));

  @Test
  void latest_triesNewestFirst_servesOne() {
    VersionPolicy policy = VersionPolicy.parse("latest");

    assertThat(policy.candidates(ON_DISK)).containsExactly(5, 3, 2, 1);
    assertThat(policy.limit()).isEqualTo(1);
    assertThat(policy).hasToString("latest");
  }

  @Test
  void latestN_servesN() {
    VersionPolicy policy = VersionPolicy.parse("latest:2");

    assertThat(policy.limit()).isEqualTo(2);
    assertThat(policy).hasToString("latest:2");
  }

  @Test
  void all_servesEveryVersion() {
    VersionPolicy policy = VersionPolicy.parse(" ALL ");

    assertThat(policy.candidates(ON_DISK)).containsExactly(5, 3, 2, 1);
    assertThat(policy.limit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(policy).hasToString("all");
  }

  @Test
  void specific_servesOnlyTheNamedVersionsOnDisk() {
    VersionPolicy policy = VersionPolicy.parse("specific:3,1,4");

    assertThat(policy.candidates(ON_DISK)).containsExactly(3, 1);
    assertThat(policy).hasToString("specific:1,3,4");
  }

  @ParameterizedTest
  @ValueSource(strings = {"newest", "latest:0", "latest:-1", "latest:x", "specific:", "specific:1,,2", "specific:0", ""})
  void parse_malformed_namesTheAcceptedForms(String text) {
    assertThatThrownBy(() -> VersionPolicy.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("version policy must be latest, latest:N, all or specific:V1,V2,... (N and versions positive "
            + "integers), got \"" + text + "\"");
  }

  @Test
  void policies_serverDefaultAndPerModel() {
    VersionPolicies policies = VersionPolicies.parse(List.of("latest:2", "iris=all", " "));

    assertThat(policies.of("iris")).isEqualTo(new VersionPolicy.All());
    assertThat(policies.of("wine")).isEqualTo(new VersionPolicy.Latest(2));
    assertThat(VersionPolicies.parse(List.of("iris=specific:1")).of("wine")).isEqualTo(new VersionPolicy.Latest(1));
  }

  @Test
  void policies_twoServerDefaults_refused() {
    assertThatThrownBy(() -> VersionPolicies.parse(List.of("latest", "all")))
        .hasMessage("only one server-wide version policy may be given, got \"latest\" and \"all\"; name the model "
            + "for the others (NAME=POLICY)");
  }

  @Test
  void policies_sameModelTwice_refused() {
    assertThatThrownBy(() -> VersionPolicies.parse(List.of("iris=all", "iris=latest")))
        .hasMessage("model iris has two version policies");
  }

  @Test
  void policies_badModelName_refused() {
    assertThatThrownBy(() -> VersionPolicies.parse(List.of("../x=all")))
        .hasMessageStartingWith("model name must be 1-128 letters");
  }
}
