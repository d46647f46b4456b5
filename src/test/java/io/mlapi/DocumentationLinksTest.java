package io.mlapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The guides a clone of the project holds are self-contained: every relative link leads to a file
 * of the project, and none points outside it.
 */
class DocumentationLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

  private static List<Path> guides() throws IOException {
    List<Path> guides = new ArrayList<>(List.of(Path.of("README.md"), Path.of("CONTRIBUTING.md"),
        Path.of("examples/README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(guides::add);
    }
    return guides;
  }

  @Test
  void everyRelativeLink_leadsToAFileOfTheProject() throws IOException {
    Path project = Path.of("").toAbsolutePath();
    List<String> broken = new ArrayList<>();
    for (Path guide : guides()) {
      Matcher link = LINK.matcher(Files.readString(guide));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // an address on the web
        }
        Path file = guide.toAbsolutePath().getParent().resolve(target).normalize();
        if (!file.startsWith(project) || !Files.exists(file)) {
          broken.add(guide + ": " + target);
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void theContributorsGuide_isSelfContained() throws IOException {
    String contributing = Files.readString(Path.of("CONTRIBUTING.md"));

    assertThat(contributing).doesNotContain("../", "this machine", "DEVELOPERS.md")
        .contains("./mvnw -B verify", "bench/run.sh", "docs/architecture.md");
    assertThat(Path.of("DEVELOPERS.md")).doesNotExist();
    for (Path guide : guides()) {
      assertThat(Files.readString(guide)).as(guide.toString()).doesNotContain("DEVELOPERS.md", "../shared");
    }
  }
}
