package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class cache for {@code serve} (an AOT cache on JDK 25+, a CDS archive before),
 * with the launcher's own JVM options as a user gets them: written quietly, by one server at a
 * time, and never in the way of a start or a stop.
 */
@Timeout(900)
class LauncherCacheIT {
  /** What the JVM says about class caches when it is let: none of it may reach the user's terminal. */
  private static final List<String> JVM_WORDS = List.of("AOT", "CDS", "JAVA_TOOL_OPTIONS", "Error occurred",
      "VM warning", "[warning]", "Exception");

  @TempDir
  Path dir;

  private MlapiProcess serve(Path cache, String models) {
    return MlapiProcess.startWithLauncherOptions(Map.of("MLAPI_CACHE_DIR", cache.toString(),
        "MODEL_DIR", dir.resolve(models).toString()), "serve", "--port", "0", "--drain-delay", "0s");
  }

  /** Stops {@code server} with SIGTERM; it must exit 0 and have said nothing of the JVM's. */
  private static void stopQuietly(MlapiProcess server) {
    server.terminate();
    assertThat(server.waitFor(Duration.ofMinutes(2))).as(server.toString()).isZero();
    List<String> lines = new ArrayList<>(server.out());
    lines.addAll(server.err());
    for (String word : JVM_WORDS) {
      assertThat(lines).as(server.toString()).noneMatch(line -> line.contains(word));
    }
  }

  private static List<String> files(Path cache) throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  /** The cache file, once the background writer has put it in place and tidied up after itself. */
  private static Path awaitCache(Path cache) throws IOException {
    for (int i = 0; i < 1200; i++) {
      List<String> names = files(cache);
      List<String> caches = names.stream().filter(n -> n.equals("mlapi-serve.aot") || n.equals("mlapi-serve.jsa"))
          .toList();
      boolean leftovers = names.stream().anyMatch(n -> n.contains(".aotconf.") || n.contains(".tmp-"));
      if (caches.size() == 1 && !leftovers) {
        return cache.resolve(caches.get(0));
      }
      MlapiProcess.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError("no class cache appeared in " + cache + ": " + files(cache));
  }

  @Test
  void twoFirstServers_stopQuietly_oneWritesTheCache_andLaterStartsUseIt() throws IOException {
    Path cache = dir.resolve("cache");
    MlapiProcess first = serve(cache, "models-a");
    MlapiProcess second = serve(cache, "models-b");
    first.awaitReady(Duration.ofMinutes(3));
    second.awaitReady(Duration.ofMinutes(3));

    stopQuietly(first);
    stopQuietly(second);
    Path written = awaitCache(cache);

    assertThat(files(cache)).containsExactly(".mlapi-serve.cache.lock", written.getFileName().toString());
    FileTime writtenAt = Files.getLastModifiedTime(written);
    MlapiProcess third = serve(cache, "models-a");
    third.awaitReady(Duration.ofMinutes(3));
    // A fresh cache is only read: no recording next to it while this server runs.
    assertThat(files(cache)).noneMatch(name -> name.contains(".aotconf."));
    stopQuietly(third);
    assertThat(Files.getLastModifiedTime(written)).isEqualTo(writtenAt);
  }

  @Test
  void aDamagedCache_orNoPlaceToWriteOne_neverStopsAStart() throws IOException {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    for (String name : List.of("mlapi-serve.aot", "mlapi-serve.jsa")) {
      Path garbage = Files.writeString(cache.resolve(name), "not a class cache ".repeat(1000));
      Files.setLastModifiedTime(garbage, FileTime.from(Instant.now().plusSeconds(3600))); // newer than the jar
    }
    MlapiProcess damaged = serve(cache, "models");
    damaged.awaitReady(Duration.ofMinutes(3));
    stopQuietly(damaged);

    Path notADirectory = Files.writeString(dir.resolve("a-file"), "");
    MlapiProcess nowhere = serve(notADirectory, "models");
    nowhere.awaitReady(Duration.ofMinutes(3));
    stopQuietly(nowhere);
  }
}
