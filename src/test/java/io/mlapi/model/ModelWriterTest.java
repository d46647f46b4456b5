package io.mlapi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.ModelFixtures;
import io.mlapi.data.DatasetReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelWriterTest {
  @TempDir
  Path dir;

  /** Stands for the process dying at a step: nothing after it runs, nothing is cleaned up. */
  private static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replaceThenRead_roundTripsCardAndPredictions() {
    Path link = dir.resolve("iris");
    TrainedModel trained = ModelFixtures.iris(1);

    TrainedModel written = new ModelWriter().replace(trained, link);
    TrainedModel read = ModelReader.read(link);

    assertThat(read.card()).usingRecursiveComparison().isEqualTo(written.card());
    assertThat(read.card().files()).containsOnlyKeys("model.libsvm", "test.csv");
    assertThat(read.accuracy()).isEqualTo(0.7);
    double[][] rows = DatasetReader.iris().features();
    assertThat(read.predict(rows, false, true).classes()).containsExactly(trained.predict(rows, false, true).classes());
    assertThat(read.predict(rows, false, true).decisionFunction())
        .isDeepEqualTo(trained.predict(rows, false, true).decisionFunction());
  }

  @Test
  void replace_existingModel_switchesTheLinkAndRemovesTheOldVersion() throws IOException {
    Path link = dir.resolve("iris");
    new ModelWriter().replace(ModelFixtures.iris(1), link);

    new ModelWriter().replace(ModelFixtures.linearStratified(2), link);

    assertThat(ModelReader.read(link).version()).isEqualTo(2);
    assertThat(ModelReader.read(link).card().parameters().kernel()).isEqualTo("linear");
    assertThat(entries(dir)).hasSize(3).contains("iris", ".iris.lock")
        .anyMatch(name -> name.matches("\\.iris-v2-[0-9a-f]{8}"));
  }

  @ParameterizedTest(name = "crash before {0}")
  @ValueSource(strings = {"model.libsvm", "test.csv", "model.json", "publish", "switch"})
  void replace_writerDiesAtAnyStep_previousModelStaysIntact(String step) throws IOException {
    Path link = dir.resolve("iris");
    new ModelWriter().replace(ModelFixtures.iris(1), link);

    ModelWriter dying = new ModelWriter(s -> {
      if (s.equals(step)) {
        throw new Crash();
      }
    });
    assertThatThrownBy(() -> dying.replace(ModelFixtures.linearStratified(2), link)).isInstanceOf(Crash.class);

    TrainedModel survivor = ModelReader.read(link);
    assertThat(survivor.version()).isEqualTo(1);
    assertThat(survivor.accuracy()).isEqualTo(0.7);

    // The next writer clears what the dead one left and publishes normally.
    new ModelWriter().replace(ModelFixtures.linearStratified(2), link);
    assertThat(ModelReader.read(link).version()).isEqualTo(2);
    assertThat(entries(dir)).hasSize(3);
  }

  @Test
  void replace_realDirectoryInTheWay_isRefusedAndLeftAlone() throws IOException {
    Path link = dir.resolve("iris");
    Files.createDirectories(link);
    Files.writeString(link.resolve("clf.joblib"), "precious");

    assertThatThrownBy(() -> new ModelWriter().replace(ModelFixtures.iris(1), link))
        .isInstanceOf(ModelPathException.class)
        .hasMessage(link + " is a directory, not a model link written by mlapi; move it away or choose another MODEL_FILE");
    assertThat(link.resolve("clf.joblib")).hasContent("precious");
  }

  @Test
  void replace_doesNotTouchAnotherModelsVersionsWithASimilarName() throws IOException {
    new ModelWriter().replace(ModelFixtures.iris(1), dir.resolve("iris-v2"));
    new ModelWriter().replace(ModelFixtures.iris(1), dir.resolve("iris"));
    new ModelWriter().replace(ModelFixtures.iris(2), dir.resolve("iris"));

    assertThat(ModelReader.read(dir.resolve("iris-v2")).version()).isEqualTo(1);
  }

  @Test
  void writeNew_createsTheVersionDirectory_andNeverOverwritesIt() {
    Path version = dir.resolve("iris").resolve("1");

    new ModelWriter().writeNew(ModelFixtures.iris(1), version);

    assertThat(ModelReader.read(version).accuracy()).isEqualTo(0.7);
    assertThatThrownBy(() -> new ModelWriter().writeNew(ModelFixtures.iris(1), version))
        .isInstanceOf(ModelPathException.class)
        .hasMessage(version + " exists already; a version is never overwritten, so pick a new one");
  }

  @Test
  void writeNew_writerDiesBeforePublishing_leavesOnlyAHiddenDirectory() throws IOException {
    Path version = dir.resolve("iris").resolve("1");
    ModelWriter dying = new ModelWriter(s -> {
      if (s.equals("publish")) {
        throw new Crash();
      }
    });

    assertThatThrownBy(() -> dying.writeNew(ModelFixtures.iris(1), version)).isInstanceOf(Crash.class);

    assertThat(version).doesNotExist();
    assertThat(entries(dir.resolve("iris"))).allMatch(name -> name.startsWith("."));
  }
}
