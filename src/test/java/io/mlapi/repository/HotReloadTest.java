package io.mlapi.repository;

import static io.mlapi.ModelFixtures.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mlapi.repository.DirectoryWatch.Change;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload, stepped by hand with the time and the watch faked: what is watched, what a change
 * makes it look at and when, and how it falls back to polling. The last test watches a real
 * directory (inotify), waiting only for what must happen.
 */
@Timeout(60)
class HotReloadTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final Duration POLL = Duration.ofSeconds(5);

  @TempDir
  Path root;

  private long now = 1_000 * SECOND;
  private final FakeWatch watch = new FakeWatch();
  private final List<String> scans = new CopyOnWriteArrayList<>();
  private RecordingSource source;
  private ModelRepository repository;

  /** A repository of iris/1 and wine/1, polled once as the server does at start. */
  private void pollOnce() {
    publish(root, "iris", 1, false);
    publish(root, "wine", 1, false);
    source = new RecordingSource(new RepositoryDirectory(root));
    repository = new ModelRepository(source, ModelLoader.trained(), VersionPolicies.latest(), new RecordedLoads(false),
        null);
    repository.poll();
    scans.clear();
  }

  /** Hot reload of {@link #pollOnce}'s repository, in fake time. */
  private HotReload reload(DirectoryWatch directoryWatch) {
    pollOnce();
    return new HotReload(repository, source, POLL, directoryWatch, () -> now, nanos -> now += nanos);
  }

  /** Hot reload with the fake watch, past its registration and its first look at every model. */
  private HotReload watchingAfterItsFirstLook() throws InterruptedException {
    HotReload reload = reload(watch);
    reload.begin();
    reload.step();
    scans.clear();
    return reload;
  }

  @Test
  void begin_watchesTheRepositoryEveryModelAndEveryVersion_thenLooksAtEveryModelOnce() throws Exception {
    HotReload reload = reload(watch);

    reload.begin();
    assertThat(watch.registered).containsExactlyInAnyOrder(root, root.resolve("iris"), root.resolve("iris/1"),
        root.resolve("wine"), root.resolve("wine/1"));
    assertThat(reload.watching()).isTrue();

    reload.step();
    assertThat(scans).as("a change made while the first poll ran was not watched yet").containsExactly("all");
  }

  @Test
  void aChangeToOneModel_looksAtThatModelAlone_onceTheChangesPause() throws Exception {
    HotReload reload = watchingAfterItsFirstLook();

    publish(root, "iris", 2, false);
    watch.changes.add(new Change(root.resolve("iris"), Path.of("2")));
    reload.step();
    assertThat(scans).as("not before the changes pause").isEmpty();
    long seen = now;
    reload.step();

    assertThat(now - seen).isEqualTo(HotReload.QUIET.toNanos());
    assertThat(scans).containsExactly("only [iris]");
    assertThat(repository.state().models().get("iris").servedVersions()).containsExactly(2);
    assertThat(watch.registered).as("the new version is watched before it is scanned").contains(root.resolve("iris/2"));
  }

  @Test
  void withoutChanges_everyModelIsLookedAtOnlyEveryMinute() throws Exception {
    HotReload reload = watchingAfterItsFirstLook();
    long start = now;

    reload.step();

    assertThat(now - start).isEqualTo(HotReload.WATCHED_POLL_INTERVAL.toNanos());
    assertThat(scans).containsExactly("all");
  }

  @Test
  void aHiddenEntryOfTheRepository_affectsNoModel() throws Exception {
    HotReload reload = watchingAfterItsFirstLook();

    watch.changes.add(new Change(root, Path.of(".wine-2.tmp-1a2b3c4d")));
    reload.step();
    reload.step(); // waits the full minute: nothing was due before it

    assertThat(scans).containsExactly("all");
  }

  @Test
  void lostChanges_lookAtEveryModel_andWatchEveryDirectoryAgain() throws Exception {
    HotReload reload = watchingAfterItsFirstLook();
    watch.registered.clear();

    watch.changes.add(Change.ANYTHING);
    reload.step();
    reload.step();

    assertThat(scans).containsExactly("all");
    assertThat(watch.registered).hasSize(5);
  }

  @Test
  void aDirectoryGone_isAChangeToItsModel() throws Exception {
    HotReload reload = watchingAfterItsFirstLook();

    deleteTree(root.resolve("wine"));
    watch.changes.add(new Change(root, root.resolve("wine"))); // as the platform's watch reports a key gone
    reload.step();
    reload.step();

    assertThat(scans).containsExactly("only [wine]");
    assertThat(repository.state().models()).containsOnlyKeys("iris");
  }

  @Test
  void aWatchLimitReached_givesWatchingUp_andPollsEveryPollInterval() throws Exception {
    watch.registrationsAllowed = 2;
    HotReload reload = reload(watch);

    reload.begin();
    assertThat(reload.watching()).isFalse();
    assertThat(watch.closed).isTrue();
    long start = now;
    reload.step();

    assertThat(now - start).isEqualTo(POLL.toNanos());
    assertThat(scans).containsExactly("all");
  }

  @Test
  void withoutAWatch_pollsEveryPollInterval() throws Exception {
    HotReload reload = reload(null);
    reload.begin();
    long start = now;

    reload.step();
    reload.step();

    assertThat(now - start).isEqualTo(2 * POLL.toNanos());
    assertThat(scans).containsExactly("all", "all");
  }

  @Test
  void aPollIntervalOfZero_isRefused_forZeroTurnsHotReloadOffBeforeItIsMade() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HotReload.of(null, null, Duration.ZERO, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the poll interval must be positive, got PT0S");
  }

  /** The platform's watch on a real directory, with a poll interval of an hour: only the watch can see the changes. */
  @Test
  void thePlatformsWatch_seesANewVersion_andAFileChangedInPlace() throws Exception {
    assumeTrue(platformWatches(), "this platform has no native directory watch");
    pollOnce();
    try (HotReload reload = HotReload.of(repository, source, Duration.ofHours(1), true)) {
      reload.start();
      awaitState(state -> scans.contains("all")); // the look after watching began

      publish(root, "iris", 2, false);
      awaitState(state -> state.models().get("iris").servedVersions().equals(List.of(2)));

      Path libsvm = root.resolve("iris/2/model.libsvm");
      Files.writeString(libsvm, Files.readString(libsvm).substring(0, 100)); // cut short, in place
      awaitState(state -> state.models().get("iris").failing());

      assertThat(repository.state().models().get("iris").version(2).reason())
          .startsWith("changed on disk, and the new files do not load");
      assertThat(scans).filteredOn(scan -> scan.equals("all")).hasSize(1);
      assertThat(scans).contains("only [iris]");
    }
  }

  /**
   * A Kubernetes ConfigMap volume updated as the kubelet does it: the files in a new hidden
   * timestamped directory, the {@code ..data} link switched to it by a rename, the old directory
   * removed. The models' own links never change; the watches on the old directories go with them.
   */
  @Test
  void aVolumeSwitchingItsDataLink_isSeenByThePlatformsWatch() throws Exception {
    assumeTrue(platformWatches(), "this platform has no native directory watch");
    Path first = root.resolve("..2026_12_01_12_00_00.000000001");
    publish(first, "iris", 1, false);
    Files.createSymbolicLink(root.resolve("..data"), first.getFileName());
    Files.createSymbolicLink(root.resolve("iris"), Path.of("..data", "iris"));
    source = new RecordingSource(new RepositoryDirectory(root));
    repository = new ModelRepository(source, ModelLoader.trained(), VersionPolicies.latest(), new RecordedLoads(false),
        null);
    repository.poll();
    scans.clear();
    try (HotReload reload = HotReload.of(repository, source, Duration.ofHours(1), true)) {
      reload.start();
      awaitState(state -> scans.contains("all"));

      Path second = root.resolve("..2026_12_01_12_05_00.000000002");
      publish(second, "iris", 2, false);
      Files.createSymbolicLink(root.resolve("..data_tmp"), second.getFileName());
      Files.move(root.resolve("..data_tmp"), root.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      deleteTree(first);

      awaitState(state -> state.models().get("iris").servedVersions().equals(List.of(2)));
      assertThat(scans).contains("only [iris]");
    }
  }

  private static boolean platformWatches() throws IOException {
    java.util.Optional<DirectoryWatch> watch = DirectoryWatch.platform();
    if (watch.isPresent()) {
      watch.get().close();
    }
    return watch.isPresent();
  }

  private void awaitState(Predicate<RepositoryState> condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30 * SECOND;
    while (!condition.test(repository.state())) {
      assertThat(System.nanoTime()).as("the change seen in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** A directory watch that reports the changes a test gives it, and lets the fake time pass while it waits. */
  private final class FakeWatch implements DirectoryWatch {
    final List<Path> registered = new ArrayList<>();
    final List<Change> changes = new ArrayList<>();
    int registrationsAllowed = Integer.MAX_VALUE;
    boolean closed;

    @Override
    public void register(Path dir) throws IOException {
      if (registered.size() >= registrationsAllowed) {
        throw new IOException("User limit of inotify watches reached");
      }
      registered.add(dir);
    }

    @Override
    public List<Change> poll(long timeoutNanos) {
      if (changes.isEmpty()) {
        now += timeoutNanos;
        return List.of();
      }
      List<Change> seen = List.copyOf(changes);
      changes.clear();
      return seen;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A model source that writes down each scan: "all", or "only [names]". */
  private final class RecordingSource implements ModelSource {
    private final ModelSource source;

    RecordingSource(ModelSource source) {
      this.source = source;
    }

    @Override
    public Map<String, NavigableMap<Integer, VersionDir>> scan() throws IOException {
      scans.add("all");
      return source.scan();
    }

    @Override
    public Map<String, NavigableMap<Integer, VersionDir>> scan(Set<String> names) throws IOException {
      scans.add("only " + new java.util.TreeSet<>(names));
      return source.scan(names);
    }

    @Override
    public List<Path> watchDirectories() throws IOException {
      return source.watchDirectories();
    }

    @Override
    public List<Path> watchDirectories(String name) throws IOException {
      return source.watchDirectories(name);
    }

    @Override
    public Affected changed(Path dir, Path entry) {
      return source.changed(dir, entry);
    }

    @Override
    public String relative(String message) {
      return source.relative(message);
    }

    @Override
    public void checkPlace(Path dir) throws IOException {
      source.checkPlace(dir);
    }
  }
}
