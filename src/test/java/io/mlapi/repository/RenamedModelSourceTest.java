package io.mlapi.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.ModelFixtures;
import io.mlapi.metrics.Metrics;
import io.mlapi.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model-name}: the one model of a source, served under another name. */
class RenamedModelSourceTest {
  @TempDir
  Path root;

  @Test
  void theOnlyModel_isServedUnderTheNewName_withItsOwnFilesAndVersion() throws IOException {
    ModelFixtures.publish(root, "iris", 3, false);
    RenamedModelSource source = new RenamedModelSource(new RepositoryDirectory(root), "sklearn-iris");
    ModelRepository repository = new ModelRepository(source, source.loader(ModelLoader.trained()),
        VersionPolicies.latest(), new Metrics(), null);

    repository.poll();

    assertThat(repository.state().models()).containsOnlyKeys("sklearn-iris");
    assertThat(repository.state().defaultModel()).isEqualTo("sklearn-iris");
    Model model = repository.state().models().get("sklearn-iris").latest();
    assertThat(model.name()).isEqualTo("sklearn-iris");
    assertThat(model.version()).isEqualTo(3);
    assertThat(model.score()).hasValue(0.7);
    assertThat(model.isQuick(1)).as("as quick as the model itself").isTrue();
    assertThat(model.predictRows(new double[][] {{6.8, 2.8, 4.8, 1.4}}, false, false).predictions().string(0))
        .isEqualTo("versicolor");
    assertThat(source.toString()).endsWith("(served as sklearn-iris)");
  }

  @Test
  void severalModels_cannotBeRenamed_theScanSaysWhy() {
    ModelFixtures.publish(root, "iris", 1, false);
    ModelFixtures.publish(root, "wine", 1, false);
    RenamedModelSource source = new RenamedModelSource(new RepositoryDirectory(root), "one");

    assertThatThrownBy(source::scan).isInstanceOf(IOException.class)
        .hasMessage("--model-name one serves a single model, but there are 2 (iris, wine)");
  }

  @Test
  void noModelYet_isNothingToServe() throws IOException {
    assertThat(new RenamedModelSource(new RepositoryDirectory(root), "one").scan()).isEmpty();
  }
}
