package io.mlapi.repository;

import static io.mlapi.ModelFixtures.publish;
import static io.mlapi.ModelFixtures.publishCorrupt;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.ModelFixtures;
import io.mlapi.model.ModelWriter;
import io.mlapi.repository.VersionStatus.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {
  @TempDir
  Path root;

  private final RecordedLoads recorded = new RecordedLoads(false);
  private final List<String> loads = recorded.events();
  private final LoadListener listener = recorded;

  private ModelRepository repository(String... policies) {
    return new ModelRepository(new RepositoryDirectory(root), ModelLoader.trained(), VersionPolicies.parse(List.of(policies)), listener, null);
  }

  private static List<Integer> served(ModelRepository repository, String model) {
    return repository.state().models().get(model).servedVersions();
  }

  /** A load timeout of centuries (--load-timeout PT3000000H) does not fit a long of nanoseconds: it means no limit. */
  @Test
  void aLoadTimeoutBeyondALongOfNanoseconds_loadsAsWithoutOne() {
    publish(root, "iris", 1, false);
    ModelRepository repository = new ModelRepository(new RepositoryDirectory(root), ModelLoader.trained(),
        VersionPolicies.latest(), listener, null, Duration.ofHours(3_000_000));

    repository.poll();

    assertThat(repository.state().scanError()).isNull();
    assertThat(served(repository, "iris")).containsExactly(1);
  }

  @Test
  void beforeTheFirstPoll_notStartedNorReady() {
    publish(root, "iris", 1, false);
    ModelRepository repository = repository();

    assertThat(repository.state().started()).isFalse();
    assertThat(repository.state().ready()).isFalse();
  }

  @Test
  void poll_servesTheNewestVersion_andItIsTheDefaultAsTheOnlyModel() {
    publish(root, "iris", 1, false);
    publish(root, "iris", 2, false);
    ModelRepository repository = repository();

    repository.poll();

    RepositoryState state = repository.state();
    assertThat(state.ready()).isTrue();
    assertThat(state.defaultModel()).isEqualTo("iris");
    assertThat(state.models().get("iris").latest().version()).isEqualTo(2);
    assertThat(state.models().get("iris").versions()).extracting(VersionStatus::version, VersionStatus::state)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2, State.READY),
            org.assertj.core.groups.Tuple.tuple(1, State.UNAVAILABLE));
    assertThat(state.models().get("iris").version(1).reason()).isEqualTo("not selected by the version policy latest");
    assertThat(loads).containsExactly("loaded iris/2");
  }

  @Test
  void poll_newVersion_switchesToIt_whileTheOldModelObjectStaysUsable() {
    publish(root, "iris", 1, false);
    ModelRepository repository = repository();
    repository.poll();
    var before = repository.state().models().get("iris").latest();

    publish(root, "iris", 2, false);
    repository.poll();

    assertThat(served(repository, "iris")).containsExactly(2);
    assertThat(before.version()).isEqualTo(1);
    assertThat((long[]) before.predictRows(new double[][] {{6.8, 2.8, 4.8, 1.4}}, false, true).predictions().data())
        .containsExactly(1L);
  }

  @Test
  void poll_corruptNewerVersion_keepsServingThePrevious_reportsWhy_andDoesNotRetryIt() {
    Path v1 = publish(root, "iris", 1, false);
    ModelRepository repository = repository();
    repository.poll();

    publishCorrupt(v1, root.resolve("iris/2"), 2);
    repository.poll();
    repository.poll();

    ModelStatus iris = repository.state().models().get("iris");
    assertThat(iris.servedVersions()).containsExactly(1);
    assertThat(iris.version(2).state()).isEqualTo(State.UNAVAILABLE);
    assertThat(iris.version(2).reason()).contains("model.libsvm does not match its SHA-256");
    assertThat(loads).containsExactly("loaded iris/1", "failed iris/2");
    assertThat(repository.state().ready()).isTrue();
    assertThat(repository.problems()).singleElement().asString().startsWith("model iris version 2: ");
  }

  @Test
  void poll_brokenVersionRepaired_isLoadedOnceItsFilesChange() throws IOException {
    Path v1 = publish(root, "iris", 1, false);
    ModelRepository repository = repository();
    repository.poll();
    Path v2 = publishCorrupt(v1, root.resolve("iris/2"), 2);
    repository.poll();

    deleteTree(v2);
    publish(root, "iris", 2, false);
    repository.poll();

    assertThat(served(repository, "iris")).containsExactly(2);
    assertThat(loads).containsExactly("loaded iris/1", "failed iris/2", "loaded iris/2");
  }

  @Test
  void poll_versionWhoseCardNamesAnotherVersion_isNotServed() throws IOException {
    Path v1 = publish(root, "iris", 1, false);
    copyTree(v1, root.resolve("iris/7"));
    ModelRepository repository = repository();

    repository.poll();

    ModelStatus iris = repository.state().models().get("iris");
    assertThat(iris.servedVersions()).containsExactly(1);
    assertThat(iris.version(7).reason()).endsWith("model.json says model iris version 1, but the repository has it "
        + "as iris version 7");
  }

  @Test
  void latestN_servesTheNNewestThatLoad() {
    Path v1 = publish(root, "iris", 1, false);
    publish(root, "iris", 2, false);
    publish(root, "iris", 3, false);
    publishCorrupt(v1, root.resolve("iris/4"), 4);
    ModelRepository repository = repository("latest:2");

    repository.poll();

    assertThat(served(repository, "iris")).containsExactly(3, 2);
  }

  @Test
  void allAndSpecific_perModel() {
    publish(root, "iris", 1, false);
    publish(root, "iris", 2, false);
    publish(root, "wine", 1, false);
    publish(root, "wine", 2, false);
    publish(root, "wine", 3, false);
    ModelRepository repository = repository("iris=all", "wine=specific:1,3");

    repository.poll();

    assertThat(served(repository, "iris")).containsExactly(2, 1);
    assertThat(served(repository, "wine")).containsExactly(3, 1);
    assertThat(repository.state().defaultModel()).isNull();
  }

  @Test
  void removedVersion_isUnloaded_andTheNextNewestServes() throws IOException {
    publish(root, "iris", 1, false);
    Path v2 = publish(root, "iris", 2, false);
    ModelRepository repository = repository();
    repository.poll();

    deleteTree(v2);
    repository.poll();

    assertThat(served(repository, "iris")).containsExactly(1);
  }

  @Test
  void servedVersionRemoved_whileItsReplacementIsBroken_keepsServing() throws IOException {
    Path v1 = publish(root, "iris", 1, false);
    ModelRepository repository = repository();
    repository.poll();

    Path broken = publishCorrupt(v1, root.resolve("iris/2"), 2);
    deleteTree(v1);
    repository.poll();

    ModelStatus iris = repository.state().models().get("iris");
    assertThat(iris.servedVersions()).containsExactly(1);
    assertThat(iris.version(1).reason()).isEqualTo("removed from the repository; still serving it because no other "
        + "version loads");
    assertThat(broken).exists();
  }

  @Test
  void removedModel_isGone() throws IOException {
    publish(root, "iris", 1, false);
    Path wine = publish(root, "wine", 1, false).getParent();
    ModelRepository repository = repository();
    repository.poll();

    deleteTree(wine);
    repository.poll();

    assertThat(repository.state().models()).containsOnlyKeys("iris");
    assertThat(repository.state().ready()).isTrue();
  }

  @Test
  void modelBrokenAtStart_keepsTheServerUnready_untilRepaired() throws IOException {
    publish(root, "iris", 1, false);
    Path staged = publish(root.resolve(".staging"), "wine", 1, false); // hidden: scans skip it
    Path broken = publishCorrupt(staged, root.resolve("wine/1"), 1);
    ModelRepository repository = repository();

    repository.poll();
    assertThat(repository.state().ready()).isFalse();
    assertThat(repository.state().required()).containsExactlyInAnyOrder("iris", "wine");

    deleteTree(broken);
    publish(root, "wine", 1, false);
    repository.poll();
    assertThat(repository.state().ready()).isTrue();
  }

  @Test
  void newModelBrokenAfterStart_doesNotTakeTheServerOutOfRotation() {
    Path v1 = publish(root, "iris", 1, false);
    ModelRepository repository = repository();
    repository.poll();

    publishCorrupt(v1, root.resolve("wine/1"), 1);
    repository.poll();

    assertThat(repository.state().models().get("wine").ready()).isFalse();
    assertThat(repository.state().ready()).isTrue();
  }

  @Test
  void unload_stopsServing_untilLoad() {
    publish(root, "iris", 1, false);
    publish(root, "wine", 1, false);
    ModelRepository repository = repository();
    repository.poll();

    ModelStatus unloaded = repository.unload("wine").orElseThrow();
    repository.poll();

    assertThat(unloaded.ready()).isFalse();
    assertThat(repository.state().models().get("wine").unloaded()).isTrue();
    assertThat(repository.state().models().get("wine").version(1).reason()).startsWith("unloaded");
    assertThat(repository.state().ready()).isTrue();

    ModelStatus loaded = repository.load("wine").orElseThrow();
    assertThat(loaded.servedVersions()).containsExactly(1);
    assertThat(repository.unload("nope")).isEmpty();
    assertThat(repository.load("nope")).isEmpty();
  }

  @Test
  void load_retriesAFailedVersionEvenIfUnchanged() {
    Path v1 = publish(root, "iris", 1, false);
    publishCorrupt(v1, root.resolve("iris/2"), 2);
    ModelRepository repository = repository();
    repository.poll();

    repository.load("iris");

    assertThat(loads).containsExactly("failed iris/2", "loaded iris/1", "failed iris/2");
  }

  @Test
  void configuredDefaultModel_isKeptEvenWithSeveralModels() {
    publish(root, "iris", 1, false);
    publish(root, "wine", 1, false);
    ModelRepository repository = new ModelRepository(new RepositoryDirectory(root), ModelLoader.trained(), VersionPolicies.latest(),
        listener, "wine");

    repository.poll();

    assertThat(repository.state().defaultModel()).isEqualTo("wine");
  }

  @Test
  void strayEntries_areSkipped() throws IOException {
    publish(root, "iris", 1, false);
    Files.createDirectories(root.resolve(".iris.tmp-12345678/1"));
    Files.createDirectories(root.resolve("iris/.1.tmp-abcdef12"));
    Files.createDirectories(root.resolve("iris/v2"));
    Files.createDirectories(root.resolve("iris/01"));
    Files.createDirectories(root.resolve("bad name/1"));
    Files.writeString(root.resolve("README"), "not a model");
    ModelRepository repository = repository();

    repository.poll();

    assertThat(repository.state().models()).containsOnlyKeys("iris");
    assertThat(repository.state().models().get("iris").versions()).extracting(VersionStatus::version).containsExactly(1);
  }

  @Test
  void unreadableRepository_keepsServingWhatIsLoaded() throws IOException {
    publish(root, "iris", 1, false);
    Path moved = root.resolveSibling(root.getFileName() + "-moved");
    ModelRepository repository = repository();
    repository.poll();

    Files.move(root, moved);
    try {
      repository.poll();

      assertThat(repository.state().scanError())
          .isEqualTo("cannot read the models: the model repository: no such file")
          .doesNotContain(root.toString());
      assertThat(served(repository, "iris")).containsExactly(1);
    } finally {
      Files.move(moved, root);
    }
  }

  @Test
  void nextVersion_isOneMoreThanTheHighest() throws IOException {
    assertThat(RepositoryDirectory.nextVersion(root, "iris")).isEqualTo(1);
    publish(root, "iris", 3, false);
    Files.createDirectories(root.resolve("iris/.4.tmp-abcdef12"));

    assertThat(RepositoryDirectory.nextVersion(root, "iris")).isEqualTo(4);
  }

  @Test
  void pollModels_looksAtTheModelsNamedOnly() throws IOException {
    publish(root, "iris", 1, false);
    Path wine = publish(root, "wine", 1, false).getParent();
    ModelRepository repository = repository();
    repository.poll();

    publish(root, "iris", 2, false);
    publish(root, "wine", 2, false);
    publish(root, "zoo", 1, false);
    repository.pollModels(java.util.Set.of("iris", "zoo"));

    assertThat(served(repository, "iris")).containsExactly(2);
    assertThat(served(repository, "wine")).as("not looked at").containsExactly(1);
    assertThat(served(repository, "zoo")).containsExactly(1);
    assertThat(repository.state().ready()).as("zoo joins readiness once it serves").isTrue();
    assertThat(repository.state().required()).containsExactlyInAnyOrder("iris", "wine", "zoo");

    deleteTree(wine);
    repository.pollModels(java.util.Set.of("wine"));
    assertThat(repository.state().models()).containsOnlyKeys("iris", "zoo");
  }

  /** A poll of thousands of models that all stay as they were must cost no more than the scan. */
  @Test
  void aPollThatFindsNothingChanged_publishesNothingNew_andReloadsNothing() {
    publish(root, "iris", 1, false);
    publish(root, "wine", 1, false);
    ModelRepository repository = repository();
    repository.poll();
    RepositoryState before = repository.state();
    ModelStatus wine = before.models().get("wine");

    repository.poll();
    assertThat(repository.state()).isSameAs(before);

    publish(root, "iris", 2, false);
    repository.poll();
    assertThat(repository.state()).isNotSameAs(before);
    assertThat(repository.state().models().get("wine")).as("a model not changed keeps its status").isSameAs(wine);
    assertThat(loads).containsExactlyInAnyOrder("loaded iris/1", "loaded wine/1", "loaded iris/2");
  }

  @Test
  void pollModels_beforeTheFirstPoll_looksAtEveryModel() {
    publish(root, "iris", 1, false);
    publish(root, "wine", 1, false);
    ModelRepository repository = repository();

    repository.pollModels(java.util.Set.of("iris"));

    assertThat(repository.state().started()).isTrue();
    assertThat(repository.state().models()).containsOnlyKeys("iris", "wine");
    assertThat(repository.state().ready()).isTrue();
  }

  /** Two loads that each wait for the other to start can only finish side by side. */
  @Test
  void theModelsOfOnePoll_loadSideBySide() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2,
        "loads run one per core");
    publish(root, "iris", 1, false);
    publish(root, "wine", 1, false);
    java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
    java.util.List<Boolean> metEachOther = new java.util.concurrent.CopyOnWriteArrayList<>();
    ModelLoader trained = ModelLoader.trained();
    ModelRepository repository = new ModelRepository(new RepositoryDirectory(root), (dir, name, version) -> {
      both.countDown();
      try {
        metEachOther.add(both.await(20, java.util.concurrent.TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return trained.load(dir, name, version);
    }, VersionPolicies.latest(), listener, null);

    repository.poll();

    assertThat(metEachOther).containsExactly(true, true);
    assertThat(repository.state().ready()).isTrue();
  }

  @Test
  void manyModels_allLoad_andReadinessWaitsForEveryOne() {
    for (int i = 0; i < 30; i++) {
      publish(root, "m" + i, 1, false);
    }
    publishCorrupt(root.resolve("m0/1"), root.resolve("broken/1"), 1);
    ModelRepository repository = repository();

    repository.poll();

    assertThat(repository.state().models()).hasSize(31);
    assertThat(repository.state().models().values()).filteredOn(ModelStatus::ready).hasSize(30);
    assertThat(repository.state().models().values()).filteredOn(ModelStatus::settled).hasSize(30);
    assertThat(repository.state().models().get("broken").failing()).isTrue();
    assertThat(repository.state().ready()).as("broken was there at start").isFalse();
    assertThat(loads).hasSize(31).contains("failed broken/1", "loaded m29/1");
  }

  @Test
  void singleModelDirectory_followsTheLinkThatTrainSwitches() {
    Path link = root.resolve("models/iris");
    new ModelWriter().replace(ModelFixtures.iris("iris", 1, false), link);
    ModelRepository repository = new ModelRepository(new SingleModelDirectory(link.getParent(), null), ModelLoader.trained(), VersionPolicies.latest(),
        listener, null);
    repository.poll();
    assertThat(served(repository, "iris")).containsExactly(1);

    new ModelWriter().replace(ModelFixtures.iris("iris", 2, false), link);
    repository.poll();

    assertThat(served(repository, "iris")).containsExactly(2);
    assertThat(repository.state().models().get("iris").versions()).extracting(VersionStatus::version)
        .containsExactly(2);
  }

  @Test
  void singleModelDirectory_missing_isAnEmptyRepository() throws IOException {
    assertThat(new SingleModelDirectory(root.resolve("models"), "iris").scan()).isEmpty();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }
}
