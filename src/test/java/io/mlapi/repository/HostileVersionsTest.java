package io.mlapi.repository;

import static io.mlapi.ModelFixtures.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mlapi.HostileModels;
import io.mlapi.repository.VersionStatus.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whatever one version's files are, only that version fails: reported with a reason that names
 * files relative to the repository and quotes none of their content, while every other model
 * loads and serves, and later versions still load.
 */
@Timeout(60)
class HostileVersionsTest {
  private static final Map<HostileModels.Kind, String> REASONS = Map.of(
      HostileModels.Kind.HUGE_SUPPORT_VECTOR_COUNT, "wine/1: model.libsvm: the header says total_sv 2147483647, but "
          + "the file has 43 support vector lines after line 9",
      HostileModels.Kind.HUGE_CLASS_COUNT, "wine/1: model.libsvm: line 6 (rho) has 3 numbers, but nr_class 50000 needs "
          + "1249975000",
      HostileModels.Kind.TRUNCATED, "wine/1: model.libsvm: the header says total_sv 43, but the file has ",
      HostileModels.Kind.GARBAGE, "wine/1: model.libsvm: ",
      HostileModels.Kind.FIFO_CARD, "model.json is not a regular file (a FIFO, a socket or a device?)",
      HostileModels.Kind.ENDLESS_FILE, "model.libsvm links outside the version directory",
      HostileModels.Kind.LINK_TO_SECRET, "model.json links outside the version directory",
      HostileModels.Kind.DEEP_CARD, "wine/1/model.json is not valid JSON",
      HostileModels.Kind.OVERSIZED_FILE, "test.csv is 4294967297 bytes, more than the limit of 4294967296 bytes");

  @TempDir
  Path root;

  private final RecordedLoads listener = new RecordedLoads(true);
  private final List<String> events = listener.events();

  private ModelRepository repository(ModelLoader loader, Duration loadTimeout) {
    return new ModelRepository(new RepositoryDirectory(root), loader, VersionPolicies.latest(), listener, null,
        loadTimeout);
  }

  private ModelRepository repository() {
    return repository(ModelLoader.trained(), Duration.ofSeconds(20));
  }

  @ParameterizedTest
  @EnumSource(HostileModels.Kind.class)
  void atStart_theHostileVersionFailsAlone_withAReasonFreeOfPathsAndContent(HostileModels.Kind kind) {
    publish(root, "iris", 1, false);
    kind.spoil(publish(root, "wine", 1, false));
    ModelRepository repository = repository();

    assertTimeoutPreemptively(Duration.ofSeconds(30), repository::poll);

    RepositoryState state = repository.state();
    assertThat(state.models().get("iris").servedVersions()).containsExactly(1);
    VersionStatus wine = state.models().get("wine").version(1);
    assertThat(wine.state()).isEqualTo(State.UNAVAILABLE);
    assertThat(wine.reason()).contains(REASONS.get(kind)).doesNotContain(root.toString()).doesNotContain("root:");
    assertThat(state.ready()).as("a model none of whose versions loads is waited for at start").isFalse();
    // Every model is seen (its failure counter at 0) before any loads; the two then load side by side.
    assertThat(events.subList(0, 2)).containsExactly("seen iris", "seen wine");
    assertThat(events.subList(2, events.size())).containsExactlyInAnyOrder("loaded iris/1", "failed wine/1");
  }

  @ParameterizedTest
  @EnumSource(HostileModels.Kind.class)
  void onHotReload_theHostileVersionIsReported_theServedOneStays_andTheNextGoodOneLoads(HostileModels.Kind kind) {
    publish(root, "iris", 1, false);
    ModelRepository repository = repository();
    repository.poll();

    kind.spoil(publish(root, "iris", 2, false));
    assertTimeoutPreemptively(Duration.ofSeconds(30), repository::poll);

    ModelStatus iris = repository.state().models().get("iris");
    assertThat(iris.servedVersions()).containsExactly(1);
    assertThat(iris.version(2).state()).isEqualTo(State.UNAVAILABLE);
    assertThat(iris.version(2).reason()).contains(REASONS.get(kind).replace("wine/1", "iris/2"));
    assertThat(iris.versions()).noneMatch(version -> version.state() == State.LOADING);

    publish(root, "iris", 3, false);
    repository.poll();

    assertThat(repository.state().models().get("iris").servedVersions()).containsExactly(3);
    assertThat(events).containsExactly("seen iris", "loaded iris/1", "failed iris/2", "loaded iris/3");
  }

  @Test
  void errorsFromALoader_failThatVersionOnly() {
    publish(root, "iris", 1, false);
    publish(root, "deep", 1, false);
    publish(root, "linkage", 1, false);
    publish(root, "memory", 1, false);
    ModelLoader trained = ModelLoader.trained();
    ModelRepository repository = repository((dir, name, version) -> switch (name) {
      case "deep" -> throw new StackOverflowError();
      case "linkage" -> throw new NoClassDefFoundError("ai/onnxruntime/OrtEnvironment");
      case "memory" -> throw new OutOfMemoryError("Java heap space");
      default -> trained.load(dir, name, version);
    }, Duration.ofSeconds(20));

    repository.poll();

    RepositoryState state = repository.state();
    assertThat(state.models().get("iris").servedVersions()).containsExactly(1);
    assertThat(state.models().get("deep").version(1).reason())
        .isEqualTo("its files are nested too deeply to read (StackOverflowError)");
    assertThat(state.models().get("linkage").version(1).reason())
        .isEqualTo("cannot load it: NoClassDefFoundError (the server log has the details)");
    assertThat(state.models().get("memory").version(1).reason())
        .isEqualTo("its files need more memory than this server has (OutOfMemoryError)");
  }

  @Test
  void aLoadThatHangs_isGivenUpAfterTheLoadTimeout_andCommandsAnswerMeanwhile() throws Exception {
    publish(root, "iris", 1, false);
    publish(root, "stuck", 1, false);
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch stuck = new CountDownLatch(1);
    ModelLoader trained = ModelLoader.trained();
    ModelRepository repository = repository((dir, name, version) -> {
      if (name.equals("stuck")) {
        stuck.countDown();
        awaitQuietly(never); // a FIFO's open, say
      }
      return trained.load(dir, name, version);
    }, Duration.ofSeconds(2));

    CompletableFuture<Void> poll = CompletableFuture.runAsync(repository::poll);
    assertThat(stuck.await(20, TimeUnit.SECONDS)).isTrue();
    // iris loads beside it, and the state published while stuck hangs says so
    awaitState(repository, state -> state.models().containsKey("iris") && state.models().get("iris").ready());

    assertThatThrownBy(() -> repository.unload("iris", Duration.ofMillis(100)))
        .isInstanceOf(ModelRepository.BusyException.class)
        .hasMessage("the repository is busy loading model stuck version 1");
    assertThat(repository.state().models().get("stuck").version(1).state()).isEqualTo(State.LOADING);
    assertThat(repository.state().ready()).as("not before the first poll is over").isFalse();
    poll.get(20, TimeUnit.SECONDS);

    assertThat(repository.state().models().get("stuck").version(1).reason()).isEqualTo("loading model stuck "
        + "version 1 took longer than the load timeout of 2000 ms (a file that never ends, such as a FIFO or a "
        + "device, or too slow a disk?); given up");
    assertThat(repository.state().models().get("iris").servedVersions()).containsExactly(1);
    assertThat(repository.unload("iris", Duration.ofMillis(100))).isPresent();
    never.countDown();
  }

  @Test
  void aVersionWhoseFilesCannotBeRead_failsAlone_andTheScanGoesOn() throws IOException {
    publish(root, "iris", 1, false);
    Path loop = publish(root, "loop", 1, false);
    Files.delete(loop.resolve("test.csv"));
    Files.createSymbolicLink(loop.resolve("test.csv"), loop.resolve("test.csv")); // ELOOP, even for root
    ModelRepository repository = repository();

    repository.poll();

    assertThat(repository.state().scanError()).isNull();
    assertThat(repository.state().models().get("iris").servedVersions()).containsExactly(1);
    assertThat(repository.state().models().get("loop").version(1).reason())
        .startsWith("loop/1/test.csv: ").doesNotContain(root.toString());
  }

  @Test
  void aModelDirectoryLinkedOutOfTheRepository_isRefused_butLinksWithinItWork(@TempDir Path elsewhere)
      throws IOException {
    publish(elsewhere, "outside", 1, false);
    Files.createSymbolicLink(root.resolve("outside"), elsewhere.resolve("outside"));
    // A Kubernetes ConfigMap volume: the real files in a hidden timestamped directory, reached through links.
    Path data = publish(root.resolve("..2026_12_01_12_00_00.000000001"), "iris", 1, false).getParent();
    Files.createSymbolicLink(root.resolve("..data"), data.getParent().getFileName());
    Files.createSymbolicLink(root.resolve("iris"), Path.of("..data", "iris"));
    ModelRepository repository = repository();

    repository.poll();

    assertThat(repository.state().models().get("iris").servedVersions()).containsExactly(1);
    assertThat(repository.state().models().get("outside").version(1).reason())
        .isEqualTo("outside/1 leads out of the model repository (a link to another directory); a model's versions "
            + "must be inside the repository");
  }

  /** Waits (at most 20 s) until the repository's state is as {@code condition} says. */
  private static void awaitState(ModelRepository repository, java.util.function.Predicate<RepositoryState> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.test(repository.state())) {
      assertThat(System.nanoTime()).as("the repository's state in time").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
