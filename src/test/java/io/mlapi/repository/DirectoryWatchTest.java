package io.mlapi.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.Watchable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The platform watch's draining of its keys, on a watch service that never runs dry. */
@Timeout(60)
class DirectoryWatchTest {

  /**
   * A directory written to without pause: its key is signalled again as soon as it is reset, so
   * the service always has a key ready. Draining it all would never return.
   */
  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a poll that never returns fails, not hangs
  void aDirectoryWrittenToWithoutPause_stillLetsPollReturn_withAtMostItsLimitOfChanges() throws Exception {
    Path dir = Path.of("/models/iris/1");
    DirectoryWatch watch = new DirectoryWatch.Platform(new EndlessChanges(dir), 100);

    List<DirectoryWatch.Change> changes = watch.poll(TimeUnit.SECONDS.toNanos(1));

    assertThat(changes).hasSize(100)
        .allSatisfy(change -> assertThat(change).isEqualTo(new DirectoryWatch.Change(dir, Path.of("model.libsvm"))));
  }

  /** A watch service whose one key always holds one more change. */
  private record EndlessChanges(Path dir) implements WatchService {
    @Override
    public WatchKey poll() {
      return new ChangedKey(dir);
    }

    @Override
    public WatchKey poll(long timeout, TimeUnit unit) {
      return poll();
    }

    @Override
    public WatchKey take() {
      return poll();
    }

    @Override
    public void close() {}
  }

  private record ChangedKey(Path dir) implements WatchKey {
    @Override
    public boolean isValid() {
      return true;
    }

    @Override
    public List<WatchEvent<?>> pollEvents() {
      return List.of(new WatchEvent<Path>() {
        @Override
        public Kind<Path> kind() {
          return StandardWatchEventKinds.ENTRY_MODIFY;
        }

        @Override
        public int count() {
          return 1;
        }

        @Override
        public Path context() {
          return Path.of("model.libsvm");
        }
      });
    }

    @Override
    public boolean reset() {
      return true;
    }

    @Override
    public void cancel() {}

    @Override
    public Watchable watchable() {
      return dir;
    }
  }
}
