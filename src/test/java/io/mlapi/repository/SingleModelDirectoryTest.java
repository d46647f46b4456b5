package io.mlapi.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.ModelFixtures;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.model.ModelPathException;
import io.mlapi.model.ModelTrainer;
import io.mlapi.model.ModelWriter;
import io.mlapi.model.TrainedModel;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code $MODEL_DIR} as {@code serve} reads it: every model in it, and which one is the default. */
class SingleModelDirectoryTest {
  @TempDir
  Path models;

  /** The tutorial's model named {@code name}, trained at {@code when}. */
  private static TrainedModel trained(String name, int version, String when) {
    return new ModelTrainer(Clock.fixed(Instant.parse(when), ZoneOffset.UTC)).train(DatasetReader.iris(),
        Split.tutorial(150, 0.2), SvcParameters.scikitLearnDefaults(), name, version);
  }

  private ModelRepository poll(SingleModelDirectory source) {
    LoadListener quiet = new LoadListener() {
      @Override
      public void loaded(String model, int version, long nanos) {}

      @Override
      public void failed(String model, int version, long nanos) {}
    };
    ModelRepository repository = new ModelRepository(source, ModelLoader.trained(), VersionPolicies.latest(), quiet,
        null);
    repository.poll();
    return repository;
  }

  @Test
  void everyModelInTheDirectory_isServedUnderItsOwnName_andTheOneTrainedLastIsTheDefault() throws IOException {
    new ModelWriter().replace(trained("iris", 2, "2026-11-29T12:00:00Z"), models.resolve("iris"));
    new ModelWriter().replace(trained("mine", 1, "2026-11-30T08:00:00Z"), models.resolve("mine"));
    new ModelWriter().replace(trained("older", 1, "2026-11-28T08:00:00Z"), models.resolve("older"));
    Files.createDirectories(models.resolve("notes")); // no model.json: not a model
    Files.writeString(models.resolve("README"), "not a model either");

    RepositoryState state = poll(new SingleModelDirectory(models, null)).state();

    assertThat(state.models().keySet()).containsExactly("iris", "mine", "older");
    assertThat(state.models().get("iris").latest().version()).isEqualTo(2);
    assertThat(state.ready()).isTrue();
    assertThat(state.defaultModel()).isEqualTo("mine");
  }

  @Test
  void modelFile_namesTheDefault_whateverWasTrainedLast() {
    new ModelWriter().replace(trained("iris", 1, "2026-11-29T12:00:00Z"), models.resolve("iris"));
    new ModelWriter().replace(trained("mine", 1, "2026-11-30T08:00:00Z"), models.resolve("mine"));

    assertThat(poll(new SingleModelDirectory(models, "iris")).state().defaultModel()).isEqualTo("iris");
    assertThat(poll(new SingleModelDirectory(models, "absent")).state().defaultModel()).isNull();
  }

  @Test
  void modelFile_isAnEntryName_theModelIsServedUnderItsCardsName() {
    new ModelWriter().replace(ModelFixtures.iris(1), models.resolve("model.joblib"));

    RepositoryState state = poll(new SingleModelDirectory(models, "model.joblib")).state();

    assertThat(state.models().keySet()).containsExactly("iris");
    assertThat(state.defaultModel()).isEqualTo("iris");
  }

  @Test
  void theOnlyModel_isTheDefault() {
    new ModelWriter().replace(ModelFixtures.iris(1), models.resolve("iris"));

    assertThat(poll(new SingleModelDirectory(models, null)).state().defaultModel()).isEqualTo("iris");
  }

  @Test
  void twoEntriesHoldingOneModelName_theEntryNamedLikeTheModelIsServed() throws IOException {
    new ModelWriter().replace(ModelFixtures.iris(1), models.resolve("a-copy"));
    new ModelWriter().replace(ModelFixtures.iris(2), models.resolve("iris"));
    new ModelWriter().replace(ModelFixtures.iris(3), models.resolve("z-copy"));

    var scan = new SingleModelDirectory(models, null).scan();

    assertThat(scan.keySet()).containsExactly("iris");
    assertThat(scan.get("iris").keySet()).containsExactly(2);
  }

  @Test
  void aCardThatCannotBeRead_isAModelThatFailsToLoad_withTheReason() throws IOException {
    Path broken = Files.createDirectories(models.resolve("broken"));
    Files.writeString(broken.resolve("model.json"), "{ not json");

    ModelRepository repository = poll(new SingleModelDirectory(models, null));

    assertThat(repository.state().ready()).isFalse();
    assertThat(repository.problems()).singleElement().asString()
        .startsWith("model broken version 1: ").contains("model.json is not valid JSON");
  }

  @Test
  void hiddenEntries_theWritersOwn_areNotModels() throws IOException {
    new ModelWriter().replace(ModelFixtures.iris(1), models.resolve("iris"));
    Files.createDirectories(models.resolve(".iris.tmp-0123abcd"));

    assertThat(new SingleModelDirectory(models, null).scan().keySet()).containsExactly("iris");
    assertThat(new SingleModelDirectory(models.resolve("missing"), null).scan()).isEmpty();
  }

  @Test
  void aDirectoryOfSingleModels_isRefusedAsARepository_namingTheRightFlag() throws IOException {
    new ModelWriter().replace(ModelFixtures.iris(1), models.resolve("iris"));
    String refusal = models + " is a directory of single models (it holds .iris";

    assertThatThrownBy(() -> RepositoryDirectory.requireRepository(models)).isInstanceOf(ModelPathException.class)
        .hasMessageStartingWith(refusal).hasMessageContaining("use --model-dir " + models + " (or MODEL_DIR) for it");
    assertThatThrownBy(() -> RepositoryDirectory.nextVersion(models, "iris")).hasMessageStartingWith(refusal);
    assertThatThrownBy(() -> new RepositoryDirectory(models).scan()).hasMessageStartingWith(refusal);
    assertThat(List.of(Files.list(models.resolve("iris")).map(p -> p.getFileName().toString()).sorted().toArray()))
        .containsExactly("model.json", "model.libsvm", "test.csv"); // nothing written into the model
  }

  @Test
  void aRepository_isNotRefused() throws IOException {
    ModelFixtures.publish(models, "iris", 1, false);
    Files.createDirectories(models.resolve("..data")); // Kubernetes' volume bookkeeping

    RepositoryDirectory.requireRepository(models);
    RepositoryDirectory.requireRepository(models.resolve("not-yet"));
    assertThat(new RepositoryDirectory(models).scan().keySet()).containsExactly("iris");
  }
}
