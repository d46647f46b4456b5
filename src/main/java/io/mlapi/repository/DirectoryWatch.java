package io.mlapi.repository;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Directories watched for changes: what {@link HotReload} needs of the platform's file system notifications. */
interface DirectoryWatch extends Closeable {
  /**
   * Watches {@code dir} for entries created, deleted or modified (not deeper). A directory gone
   * meanwhile is passed over (its removal is a change of its own).
   *
   * @throws IOException when it cannot be watched (a limit such as inotify's
   *     {@code max_user_watches} reached): watching is then given up for polling
   */
  void register(Path dir) throws IOException;

  /**
   * The changes seen, waiting at most {@code timeoutNanos} for the first; empty when none came.
   *
   * @throws InterruptedException when interrupted while waiting
   * @throws java.nio.file.ClosedWatchServiceException once closed
   */
  List<Change> poll(long timeoutNanos) throws InterruptedException;

  /**
   * A change to {@code entry} in {@code dir}; both {@code null} when changes were lost (the
   * platform's queue overflowed): anything may have changed.
   */
  record Change(Path dir, Path entry) {
    static final Change ANYTHING = new Change(null, null);
  }

  /**
   * The platform's own notifications (inotify on Linux, ReadDirectoryChangesW on Windows); empty
   * where the JDK would only poll the directories itself (its {@code PollingWatchService}, as on
   * macOS), which costs more than the repository's own poll.
   *
   * @throws IOException when no watch can be had (on Linux, {@code max_user_instances} reached)
   */
  static Optional<DirectoryWatch> platform() throws IOException {
    WatchService service = FileSystems.getDefault().newWatchService();
    if (service.getClass().getName().endsWith("PollingWatchService")) {
      service.close();
      return Optional.empty();
    }
    return Optional.of(new Platform(service, Platform.MAX_CHANGES));
  }

  /** A {@link WatchService} of the default file system. */
  final class Platform implements DirectoryWatch {
    /**
     * The most changes one {@link #poll} returns (give or take one directory's): a directory
     * written to without pause signals its key again as soon as it is reset, so draining until no
     * key is left might never end. The rest wait for the next poll.
     */
    static final int MAX_CHANGES = 10_000;

    private final WatchService service;
    private final int maxChanges;

    Platform(WatchService service, int maxChanges) {
      this.service = service;
      this.maxChanges = maxChanges;
    }

    @Override
    public void register(Path dir) throws IOException {
      try {
        dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
            StandardWatchEventKinds.ENTRY_MODIFY);
      } catch (NoSuchFileException | NotDirectoryException e) {
        // gone, or replaced by a file, since it was listed
      }
    }

    @Override
    public List<Change> poll(long timeoutNanos) throws InterruptedException {
      List<Change> changes = new ArrayList<>();
      WatchKey key = service.poll(timeoutNanos, TimeUnit.NANOSECONDS);
      while (key != null) {
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
          changes.add(event.kind() == StandardWatchEventKinds.OVERFLOW ? Change.ANYTHING
              : new Change(dir, (Path) event.context()));
        }
        if (!key.reset()) { // the directory is gone (or its file system unmounted): a change in its parent
          changes.add(new Change(dir.getParent(), dir));
        }
        key = changes.size() < maxChanges ? service.poll() : null;
      }
      return changes;
    }

    @Override
    public void close() throws IOException {
      try {
        service.close();
      } catch (ClosedWatchServiceException e) {
        // closed already
      }
    }
  }
}
