package io.mlapi.repository;

import static io.mlapi.ModelFixtures.publish;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.repository.ModelSource.Affected;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the repository's directory tells a watcher, and a scan of some models only. */
class RepositoryDirectoryTest {
  @TempDir
  Path root;

  @Test
  void watchDirectories_areTheRepositoryEachModelAndEachVersion_notHiddenOrStrayOnes() throws IOException {
    publish(root, "iris", 1, false);
    publish(root, "iris", 2, false);
    publish(root, "wine", 1, false);
    Files.createDirectories(root.resolve("iris/.3.tmp-1a2b3c4d"));
    Files.createDirectories(root.resolve(".staging/1"));
    Files.createDirectories(root.resolve("iris/v2"));
    Files.writeString(root.resolve("README"), "not a model");
    RepositoryDirectory source = new RepositoryDirectory(root);

    assertThat(source.watchDirectories()).containsExactlyInAnyOrder(root, root.resolve("iris"),
        root.resolve("iris/1"), root.resolve("iris/2"), root.resolve("wine"), root.resolve("wine/1"));
    assertThat(source.watchDirectories("iris")).containsExactlyInAnyOrder(root.resolve("iris"),
        root.resolve("iris/1"), root.resolve("iris/2"));
    assertThat(source.watchDirectories("gone")).isEmpty();
    assertThat(source.watchDirectories(".staging")).isEmpty();
  }

  @Test
  void aChange_affectsTheModelOfItsDirectory() {
    RepositoryDirectory source = new RepositoryDirectory(root);

    assertThat(source.changed(root, Path.of("iris"))).isEqualTo(Affected.model("iris"));
    assertThat(source.changed(root.resolve("iris"), Path.of("3"))).isEqualTo(Affected.model("iris"));
    assertThat(source.changed(root.resolve("iris/3"), Path.of("model.libsvm"))).isEqualTo(Affected.model("iris"));
    assertThat(source.changed(root, Path.of("..data"))).as("a volume's own entries: no model").isEqualTo(Affected.NONE);
    assertThat(source.changed(root.getParent(), root)).as("the repository itself gone").isEqualTo(Affected.ANY);
  }

  @Test
  void scanOfSomeModels_listsThoseThere_andLeavesOutThoseGone() throws IOException {
    publish(root, "iris", 1, false);
    publish(root, "iris", 2, false);
    publish(root, "wine", 1, false);
    RepositoryDirectory source = new RepositoryDirectory(root);

    var scan = source.scan(Set.of("iris", "gone", ".hidden", "bad name"));

    assertThat(scan).containsOnlyKeys("iris");
    assertThat(scan.get("iris").keySet()).containsExactly(1, 2);
    assertThat(scan.get("iris").get(2).fingerprint())
        .isEqualTo(source.scan().get("iris").get(2).fingerprint());
  }

  @Test
  void isEmpty_untilAModelHasAVersion() throws IOException {
    RepositoryDirectory source = new RepositoryDirectory(root);
    assertThat(source.isEmpty()).isTrue();

    Files.createDirectories(root.resolve("iris/.1.tmp-1a2b3c4d"));
    Files.createDirectories(root.resolve(".staging/1"));
    Files.createDirectories(root.resolve("wine/v1"));
    assertThat(source.isEmpty()).isTrue();
    assertThat(source.scan()).isEmpty();

    publish(root, "iris", 1, false);
    assertThat(source.isEmpty()).isFalse();
  }
}
