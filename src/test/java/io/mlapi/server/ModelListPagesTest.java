package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.ModelFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v2/models} in pages and filtered, on a real server: every model once, the filters, and the refusals. */
class ModelListPagesTest {
  private static final List<String> NAMES = List.of("Iris-B", "iris-a", "iris-c", "my_iris", "wine", "zoo.1", "zoo.2");

  @TempDir
  static Path root;
  private static TestServer server;

  @BeforeAll
  static void start() {
    for (String name : NAMES) {
      ModelFixtures.publish(root, name, 1, false);
    }
    ModelFixtures.publishCorrupt(root.resolve("wine/1"), root.resolve("broken/1"), 1);
    server = new TestServer(root, ServerConfig.onPort(0));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.path("models").forEach(model -> names.add(model.path("name").asText()));
    return names;
  }

  @Test
  void withoutParameters_everyModel_asBefore() {
    JsonNode list = server.http.get("/v2/models").json();

    assertThat(names(list)).containsExactly("Iris-B", "broken", "iris-a", "iris-c", "my_iris", "wine", "zoo.1", "zoo.2");
    assertThat(list.path("total").asInt()).isEqualTo(8);
    assertThat(list.path("next").isNull()).isTrue();
    assertThat(list.path("scanned").asBoolean()).isTrue();
  }

  @Test
  void pages_walkEveryModelOnce_followingNext() {
    List<String> walked = new ArrayList<>();
    String path = "/v2/models?limit=3";
    int pages = 0;
    while (true) {
      JsonNode page = server.http.get(path).json();
      assertThat(page.path("total").asInt()).isEqualTo(8);
      assertThat(page.path("models").size()).isLessThanOrEqualTo(3);
      walked.addAll(names(page));
      pages++;
      if (page.path("next").isNull()) {
        break;
      }
      path = "/v2/models?limit=3&after=" + page.path("next").asText();
    }

    assertThat(pages).isEqualTo(3);
    assertThat(walked).containsExactlyElementsOf(names(server.http.get("/v2/models").json()));
  }

  @Test
  void aPageThatEndsWithTheLastModel_hasNoNext() {
    JsonNode page = server.http.get("/v2/models?limit=2&after=wine").json();

    assertThat(names(page)).containsExactly("zoo.1", "zoo.2");
    assertThat(page.path("next").isNull()).isTrue();
  }

  @Test
  void nameFilter_containsTheText_inAnyCase() {
    JsonNode list = server.http.get("/v2/models?name=IRIS").json();

    assertThat(names(list)).containsExactly("Iris-B", "iris-a", "iris-c", "my_iris");
    assertThat(list.path("total").asInt()).isEqualTo(4);
    JsonNode page = server.http.get("/v2/models?name=iris&limit=2&after=Iris-B").json();
    assertThat(names(page)).containsExactly("iris-a", "iris-c");
    assertThat(page.path("next").asText()).isEqualTo("iris-c");
    assertThat(page.path("total").asInt()).as("every page counts every match").isEqualTo(4);
  }

  @Test
  void readyFilter_listsTheModelsServingNothing() {
    JsonNode unready = server.http.get("/v2/models?ready=false").json();
    assertThat(names(unready)).containsExactly("broken");
    assertThat(unready.path("models").get(0).path("versions").get(0).path("reason").asText())
        .contains("model.libsvm");

    assertThat(server.http.get("/v2/models?ready=true").json().path("total").asInt()).isEqualTo(7);
  }

  @Test
  void from_startsAtTheName_soOneModelsEntryIsOneRequest() {
    assertThat(names(server.http.get("/v2/models?from=my_iris&limit=1").json())).containsExactly("my_iris");
    assertThat(names(server.http.get("/v2/models?from=my&limit=1").json())).containsExactly("my_iris");
    assertThat(names(server.http.get("/v2/models?after=my_iris&limit=1").json())).containsExactly("wine");
  }

  @Test
  void badParameters_get400_sayingWhat() {
    assertThat(server.http.get("/v2/models?limit=0").error())
        .isEqualTo("limit must be a whole number from 1 to 1000, got \"0\"");
    assertThat(server.http.get("/v2/models?limit=1001").status()).isEqualTo(400);
    assertThat(server.http.get("/v2/models?limit=ten").error())
        .isEqualTo("limit must be a whole number from 1 to 1000, got \"ten\"");
    assertThat(server.http.get("/v2/models?ready=yes").error()).isEqualTo("ready must be true or false, got \"yes\"");
    assertThat(server.http.get("/v2/models?name=a&name=b").error()).isEqualTo("name is given 2 times; give it once");
    assertThat(server.http.get("/v2/models?after=a&from=b").error()).isEqualTo("give after or from, not both");
    assertThat(server.http.get("/v2/models?limit=" + "9".repeat(60)).error())
        .isEqualTo("limit must be a whole number from 1 to 1000, got \"" + "9".repeat(40) + "...\"");
  }

  @Test
  void aNameFilterNothingMatches_isAnEmptyPage() {
    JsonNode list = server.http.get("/v2/models?name=%3Cscript%3E").json();

    assertThat(names(list)).isEmpty();
    assertThat(list.path("total").asInt()).isZero();
    assertThat(list.path("next").isNull()).isTrue();
  }
}
