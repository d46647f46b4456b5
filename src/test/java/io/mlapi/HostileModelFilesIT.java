package io.mlapi;

import static io.mlapi.HostileClientsIT.await;
import static io.mlapi.HostileClientsIT.javaOpts;
import static io.mlapi.HostileClientsIT.metric;
import static io.mlapi.HostileClientsIT.normalClientIsServed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.model.ModelWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile model files against the real {@code ./mlapi serve}, in repository and single-model mode,
 * at start and on hot reload: each kind of {@link HostileModels} file, an unreadable
 * ({@code chmod 000}) version, a model directory linked out of the repository. The bad version is
 * reported (with a reason naming no absolute path and quoting no file), everything else keeps
 * serving, and a good version published afterwards is served within two poll intervals (plus the
 * time a load takes on a busy machine). Never a hang, never an exit, never an out-of-memory error.
 */
@Timeout(600)
class HostileModelFilesIT {
  private static final Duration POLL = Duration.ofSeconds(1);
  /** Two poll intervals, and time for the load itself on a slow machine. */
  private static final Duration TWO_POLLS = POLL.multipliedBy(2).plusSeconds(10);

  @TempDir
  Path dir;

  /**
   * Run as root, the server would read a {@code chmod 000} directory anyway: it runs without the
   * capabilities that let root ignore permissions.
   */
  private static List<String> withoutRootsOverride() {
    return "root".equals(System.getProperty("user.name"))
        ? List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search") : List.of();
  }

  private static MlapiProcess serve(String... args) {
    List<String> all = new ArrayList<>(List.of("serve", "--port", "0", "--poll-interval", "1s", "--drain-delay", "0s",
        "--load-timeout", "20s"));
    all.addAll(List.of(args));
    return MlapiProcess.start(withoutRootsOverride(), Map.of("MLAPI_JAVA_OPTS", javaOpts("-Xmx128m")),
        all.toArray(String[]::new));
  }

  /** The version's entry in {@code GET /v2/models}, or a missing node. */
  private static JsonNode version(Http http, String model, int version) {
    for (JsonNode entry : http.get("/v2/models").json().path("models")) {
      if (entry.path("name").asText().equals(model)) {
        for (JsonNode v : entry.path("versions")) {
          if (v.path("version").asText().equals(Integer.toString(version))) {
            return v;
          }
        }
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String name(HostileModels.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void assertCleanReason(String reason, Path root) {
    assertThat(reason).isNotBlank().doesNotContain(root.toString()).doesNotContain(root.toAbsolutePath().toString())
        .doesNotContain("root:").doesNotContain("/etc/").doesNotContain("/tmp/");
  }

  private static void lock(Path path) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("---------"));
  }

  @Test
  void repository_atStartAndOnHotReload() throws IOException {
    Path repository = Files.createDirectory(dir.resolve("repository"));
    ModelFixtures.publish(repository, "iris", 1, false);
    for (HostileModels.Kind kind : HostileModels.Kind.values()) {
      kind.spoil(ModelFixtures.publish(repository, name(kind), 1, false));
    }
    Path locked = ModelFixtures.publish(repository, "locked", 1, false);
    lock(locked);
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    ModelFixtures.publish(elsewhere, "outside", 1, false);
    Files.createSymbolicLink(repository.resolve("outside"), elsewhere.resolve("outside"));

    List<Path> lockedDirs = new ArrayList<>(List.of(locked));
    try (MlapiProcess mlapi = serve("--repository", repository.toString(), "--default-model", "iris")) {
      Http http = new Http(mlapi.port());
      await(Duration.ofSeconds(60), "iris served", () -> version(http, "iris", 1).path("state").asText().equals("READY"));
      normalClientIsServed(http);
      List<String> bad = new ArrayList<>(List.of("locked", "outside"));
      java.util.Arrays.stream(HostileModels.Kind.values()).map(HostileModelFilesIT::name).forEach(bad::add);
      for (String model : bad) {
        JsonNode v1 = version(http, model, 1);
        assertThat(v1.path("state").asText()).as("%s: %s", model, v1).isEqualTo("UNAVAILABLE");
        assertCleanReason(v1.path("reason").asText(), repository);
        assertThat(metric(http, "mlapi_model_load_failures_total{model=\"" + model + "\"}")).as(model).isEqualTo(1);
      }
      assertThat(version(http, "locked", 1).path("reason").asText()).isEqualTo("locked/1: permission denied");
      assertThat(version(http, "link-to-secret", 1).path("reason").asText())
          .isEqualTo("link-to-secret/1: model.json links outside the version directory; the files of a model must be in it");

      // Hot reload: every kind as a newer version of the model being served, then a good one. Each is
      // made aside and moved in whole, so that a poll sees it complete (as hostile, not half-written).
      Path staging = Files.createDirectory(dir.resolve("staging"));
      int next = 2;
      for (HostileModels.Kind kind : HostileModels.Kind.values()) {
        kind.spoil(ModelFixtures.publish(staging, "iris", next++, false));
      }
      int lastBad = next;
      for (int v = 2; v < lastBad; v++) {
        Files.move(staging.resolve("iris/" + v), repository.resolve("iris/" + v), StandardCopyOption.ATOMIC_MOVE);
      }
      // Locked under a hidden name in its final directory (the scan skips it), then renamed in place:
      // moving a directory to another parent would need write permission on it, which it has no more.
      Path hidden = Files.move(ModelFixtures.publish(staging, "iris", lastBad, false),
          repository.resolve("iris/.locked"), StandardCopyOption.ATOMIC_MOVE);
      lock(hidden);
      lockedDirs.add(Files.move(hidden, repository.resolve("iris/" + lastBad), StandardCopyOption.ATOMIC_MOVE));
      await(TWO_POLLS.plusSeconds(20), "every bad iris version tried", () -> java.util.stream.IntStream
          .rangeClosed(2, lastBad).allMatch(v -> version(http, "iris", v).path("state").asText().equals("UNAVAILABLE")));
      for (int v = 2; v <= lastBad; v++) {
        JsonNode bad2 = version(http, "iris", v);
        assertThat(bad2.path("state").asText()).as("iris/%d: %s", v, bad2).isEqualTo("UNAVAILABLE");
        assertCleanReason(bad2.path("reason").asText(), repository);
      }
      assertThat(version(http, "iris", 1).path("state").asText()).isEqualTo("READY");
      normalClientIsServed(http);

      int good = lastBad + 1;
      ModelFixtures.publish(repository, "iris", good, false);
      await(TWO_POLLS, "the good iris/" + good + " served", () -> version(http, "iris", good).path("state").asText()
          .equals("READY"));
      assertThat(http.post("/predict", HostileClientsIT.ROW).json().path("version").asText())
          .isEqualTo(Integer.toString(good));
      assertThat(mlapi.isAlive()).isTrue();
      assertThat(mlapi.err()).noneMatch(line -> line.contains("OutOfMemoryError"));
    } finally {
      for (Path unlock : lockedDirs) {
        Files.setPosixFilePermissions(unlock, PosixFilePermissions.fromString("rwxr-xr-x")); // so it can be deleted
      }
    }
  }

  @Test
  void singleModel_atStart_aBadModelStopsTheServerWithItsReason_neverAHang() throws IOException {
    for (HostileModels.Kind kind : HostileModels.Kind.values()) {
      Path models = Files.createDirectories(dir.resolve(name(kind)));
      Path link = models.resolve("iris");
      new ModelWriter().replace(ModelFixtures.iris(1), link);
      kind.spoil(link.toRealPath());

      MlapiProcess mlapi = serve("--model-dir", models.toString());
      int exit = mlapi.waitFor(Duration.ofSeconds(60));

      assertThat(exit).as("%s: %s", kind, mlapi).isEqualTo(2); // a model that cannot be used: bad input
      String said = String.join("\n", mlapi.err());
      assertThat(said).as("%s", kind).contains("mlapi serve: ").doesNotContain("root:").doesNotContain("\tat ")
          .doesNotContain("OutOfMemoryError");
    }
  }

  @Test
  void singleModel_onHotReload_everyBadModelIsReported_theServedOneStays_thenTheGoodOneLoads() throws IOException {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path link = models.resolve("iris");
    new ModelWriter().replace(ModelFixtures.iris(1), link);

    try (MlapiProcess mlapi = serve("--model-dir", models.toString())) {
      Http http = mlapi.awaitReady(Duration.ofSeconds(60));
      for (HostileModels.Kind kind : HostileModels.Kind.values()) {
        Path bad = models.resolve(".bad-" + name(kind));
        new ModelWriter().writeNew(ModelFixtures.iris(2), bad);
        kind.spoil(bad);
        switchLink(link, bad);

        await(TWO_POLLS, kind + " reported", () -> reported(http).contains(".bad-" + name(kind)));
        assertCleanReason(reported(http), models);
        assertThat(version(http, "iris", 1).path("state").asText()).as("%s", kind).isEqualTo("READY");
        normalClientIsServed(http);
      }

      Path good = models.resolve(".good-3");
      new ModelWriter().writeNew(ModelFixtures.iris(3), good);
      switchLink(link, good);
      await(TWO_POLLS, "iris/3 served", () -> version(http, "iris", 3).path("state").asText().equals("READY"));
      assertThat(http.post("/predict", HostileClientsIT.ROW).json().path("version").asText()).isEqualTo("3");
    }
  }

  /**
   * What the server says is wrong: the scan error, or the reason given for version 2 (a bad card
   * cannot say which version it is, so its directory is reported as a changed version 1).
   */
  private static String reported(Http http) {
    JsonNode scanError = http.get("/v2/models").json().path("scan_error");
    if (scanError.isTextual()) {
      return scanError.asText();
    }
    String second = version(http, "iris", 2).path("reason").asText("");
    return second.isEmpty() ? version(http, "iris", 1).path("reason").asText("") : second;
  }

  /** Points the model link at {@code target} in one rename, as {@code mlapi train} does. */
  private static void switchLink(Path link, Path target) throws IOException {
    Path fresh = link.resolveSibling(".switch");
    Files.deleteIfExists(fresh);
    Files.createSymbolicLink(fresh, target.getFileName());
    Files.move(fresh, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
