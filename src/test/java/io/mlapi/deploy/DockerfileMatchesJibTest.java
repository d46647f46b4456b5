package io.mlapi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlapi.model.MlapiVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The Dockerfile promises the image Jib builds; no Docker engine runs here to build it, so this
 * holds its text to the Jib configuration in pom.xml: base image, entrypoint, command, user,
 * port, environment and labels. Change one, and this says which the other must follow.
 */
class DockerfileMatchesJibTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Element jib;
  private static Element properties;
  private static List<String> dockerfile;

  @BeforeAll
  static void read() throws IOException, ParserConfigurationException, SAXException {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    properties = child(pom.getDocumentElement(), "properties");
    Element plugins = child(child(pom.getDocumentElement(), "build"), "plugins");
    for (Element plugin : children(plugins)) {
      if (text(child(plugin, "artifactId")).equals("jib-maven-plugin")) {
        jib = child(plugin, "configuration");
      }
    }
    assertThat(jib).as("jib-maven-plugin's configuration in pom.xml's build plugins").isNotNull();
    dockerfile = joinContinuations(Files.readAllLines(Path.of("Dockerfile")));
  }

  @Test
  void baseImageIsJibsDefaultBase() {
    assertThat(text(child(child(jib, "from"), "image"))).isEqualTo("${image.base}");
    assertThat(argDefault("BASE_IMAGE")).isEqualTo(property("image.base"));
  }

  @Test
  void entrypointIsJibsJavaCommandAndServeIsTheDefaultCommand() throws IOException {
    Element container = child(jib, "container");
    List<String> entrypoint = new ArrayList<>(List.of("java"));
    children(child(container, "jvmFlags")).forEach(flag -> entrypoint.add(text(flag)));
    entrypoint.addAll(List.of("-cp", "@/app/jib-classpath-file", "io.mlapi.Main"));
    assertThat(text(child(container, "mainClass"))).isEqualTo("${mainClass}");
    assertThat(property("mainClass")).isEqualTo("io.mlapi.Main");

    assertThat(jsonInstruction("ENTRYPOINT")).isEqualTo(entrypoint);
    assertThat(jsonInstruction("CMD"))
        .isEqualTo(children(child(container, "args")).stream().map(DockerfileMatchesJibTest::text).toList());
  }

  @Test
  void layoutIsJibsPackagedOne_withTheAotCacheMadeOnTheBaseImage() {
    assertThat(text(child(jib, "containerizingMode"))).isEqualTo("packaged");
    String dockerfile = String.join("\n", DockerfileMatchesJibTest.dockerfile);
    assertThat(dockerfile).as("the Dockerfile's layout")
        .contains("cp target/mlapi.jar /out/app/classpath/", "/app/classpath/*:$(tr ':' '\\n' < target/classpath.txt",
            "touch -h -d @1");
    assertThat(dockerfile).as("the AOT cache: trained on the base, copied into the image")
        .contains("FROM ${BASE_IMAGE} AS aot", "-XX:AOTCacheOutput=/app/mlapi.aot", "--exit-after-warmup",
            "COPY --from=aot /app/mlapi.aot /app/mlapi.aot");
  }

  @Test
  void userPortAndModelDirectoryAreJibs() {
    Element container = child(jib, "container");
    String user = text(child(container, "user")).replace("${image.user}", property("image.user"));
    assertThat(instruction("USER")).isEqualTo(user);
    assertThat(instruction("EXPOSE"))
        .isEqualTo(String.join(" ", children(child(container, "ports")).stream().map(DockerfileMatchesJibTest::text).toList()));
    Map<String, String> environment = new LinkedHashMap<>();
    for (Element variable : children(child(container, "environment"))) {
      environment.put(variable.getTagName(), text(variable).replace("${image.modelDir}", property("image.modelDir")));
    }
    Map<String, String> dockerEnvironment = new LinkedHashMap<>();
    for (String line : instructions("ENV")) {
      String[] pair = line.split("=", 2);
      dockerEnvironment.put(pair[0], pair[1]);
    }
    assertThat(dockerEnvironment).isEqualTo(environment);
  }

  @Test
  void labelsAreJibsWithTheVersionOfThisBuild() {
    List<String> jibLabels = new ArrayList<>();
    children(child(child(jib, "container"), "labels")).forEach(label -> jibLabels.add(label.getTagName()));
    String labels = instruction("LABEL");
    for (String label : jibLabels) {
      assertThat(labels).as("the Dockerfile's LABEL").contains(label + "=");
    }
    // The image profile adds these two from git; the Dockerfile takes them as build arguments.
    assertThat(labels).contains("org.opencontainers.image.revision=\"${REVISION}\"",
        "org.opencontainers.image.source=\"${SOURCE}\"", "org.opencontainers.image.version=\"${VERSION}\"");
    assertThat(argDefault("VERSION")).isEqualTo(MlapiVersion.VALUE);
  }

  /**
   * Both images carry ONNX Runtime's jar repacked with one platform's libraries, not the full one:
   * the build writes it into image-root (which both copy), Jib drops the full jar from its dependency
   * layer and puts the repacked one first on the classpath, and the Dockerfile does the same.
   */
  @Test
  void onnxRuntimeIsTheRepackedJarInBoth() throws IOException, ParserConfigurationException, SAXException {
    String repacked = "/app/libs/${image.onnxruntime.jar}";
    assertThat(property("image.onnxruntime.jar"))
        .isEqualTo("onnxruntime-${onnxruntime.version}-${image.onnxruntime.platform}.jar");
    assertThat(text(children(child(child(jib, "container"), "extraClasspath")).get(0))).isEqualTo(repacked);
    Element filter = child(child(child(child(jib, "pluginExtensions"), "pluginExtension"), "configuration"), "filters");
    assertThat(text(child(child(filter, "filter"), "glob"))).isEqualTo("/app/libs/onnxruntime-${onnxruntime.version}.jar");

    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    List<String> written = new ArrayList<>();
    for (Element plugin : children(child(child(pom.getDocumentElement(), "build"), "plugins"))) {
      if (text(child(plugin, "artifactId")).equals("exec-maven-plugin")) {
        for (Element execution : children(child(plugin, "executions"))) {
          if (text(child(execution, "id")).equals("image-onnxruntime")) {
            List<Element> arguments = children(child(child(execution, "configuration"), "arguments"));
            written.add(text(arguments.get(arguments.size() - 1)));
          }
        }
      }
    }
    assertThat(written).containsExactly("${project.build.directory}/image-root" + repacked);
    assertThat(text(child(child(child(jib, "extraDirectories"), "paths"), "path")))
        .startsWith("${project.build.directory}/image-root");

    String build = String.join("\n", dockerfile);
    assertThat(build).contains("cp -r target/image-root/. /out/", "rm /out/app/libs/onnxruntime-[0-9]*.jar",
        "printf '%s' \"/app/libs/$onnxruntime:/app/classpath/*:",
        "COPY scripts/java-home.sh scripts/OnnxRuntimeForImage.java scripts/");
    assertThat(Files.readAllLines(Path.of(".dockerignore"))).as("the build context the Dockerfile copies from")
        .contains("!scripts/OnnxRuntimeForImage.java");

    // The AOT cache's training run (scripts/image-aot) lays the application out as Jib does: it is
    // told Jib's extraClasspath and the jar the layer filter leaves out.
    List<String> aotArguments = new ArrayList<>();
    for (Element profile : children(child(pom.getDocumentElement(), "profiles"))) {
      for (Element plugin : children(child(child(profile, "build"), "plugins"))) {
        if (text(child(plugin, "artifactId")).equals("exec-maven-plugin")) {
          for (Element execution : children(child(plugin, "executions"))) {
            if (text(child(execution, "id")).equals("image-aot")) {
              children(child(child(execution, "configuration"), "arguments")).forEach(a -> aotArguments.add(text(a)));
            }
          }
        }
      }
    }
    String leftOut = text(child(child(filter, "filter"), "glob"));
    assertThat(aotArguments).as("scripts/image-aot's arguments: ..., EXTRA, LEFT_OUT").endsWith(repacked, leftOut);
  }

  // ---- the Dockerfile's instructions (of the last stage, the image) ----

  private static List<String> joinContinuations(List<String> lines) {
    List<String> joined = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      current.append(line.strip());
      if (line.endsWith("\\")) {
        current.setLength(current.length() - 1);
        current.append(' ');
      } else {
        joined.add(current.toString());
        current.setLength(0);
      }
    }
    return joined;
  }

  /** The arguments of each {@code KEYWORD} instruction in the final stage. */
  private static List<String> instructions(String keyword) {
    int lastFrom = 0;
    for (int i = 0; i < dockerfile.size(); i++) {
      if (dockerfile.get(i).startsWith("FROM ")) {
        lastFrom = i;
      }
    }
    return dockerfile.subList(lastFrom, dockerfile.size()).stream()
        .filter(line -> line.startsWith(keyword + " "))
        .map(line -> line.substring(keyword.length() + 1).strip()).toList();
  }

  private static String instruction(String keyword) {
    List<String> found = instructions(keyword);
    assertThat(found).as("%s instructions in the Dockerfile's final stage", keyword).hasSize(1);
    return found.get(0);
  }

  private static List<String> jsonInstruction(String keyword) throws IOException {
    return List.of(JSON.readValue(instruction(keyword), String[].class));
  }

  /** The default of a global {@code ARG NAME=value} or one in the final stage. */
  private static String argDefault(String name) {
    Matcher matcher = Pattern.compile("ARG " + name + "=(\\S+)").matcher(String.join("\n", dockerfile));
    assertThat(matcher.find()).as("ARG %s with a default in the Dockerfile", name).isTrue();
    return matcher.group(1);
  }

  // ---- pom.xml ----

  private static String property(String name) {
    return text(child(properties, name));
  }

  private static Element child(Element parent, String name) {
    for (Element element : children(parent)) {
      if (element.getTagName().equals(name)) {
        return element;
      }
    }
    throw new AssertionError("pom.xml: <" + parent.getTagName() + "> has no <" + name + ">");
  }

  private static List<Element> children(Element parent) {
    List<Element> elements = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element) {
        elements.add(element);
      }
    }
    return elements;
  }

  private static String text(Element element) {
    return element.getTextContent().strip();
  }
}
