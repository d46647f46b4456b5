package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.ModelFixtures;
import io.mlapi.model.Model;
import io.mlapi.repository.LoadListener;
import io.mlapi.repository.ModelLoader;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.ModelStatus;
import io.mlapi.repository.RepositoryDirectory;
import io.mlapi.repository.VersionPolicies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX versions in the same repository as mlapi's own, switched, unloaded and refused the same way. */
class OnnxRepositoryTest {
  @TempDir
  Path root;

  private final List<String> loads = new ArrayList<>();
  private ModelRepository repository;

  @BeforeEach
  void repository() {
    repository = new ModelRepository(new RepositoryDirectory(root),
        ModelLoader.byContents(new OnnxLoader(OnnxSettings.defaults())::load, ModelLoader.trained()),
        VersionPolicies.latest(), new LoadListener() {
          @Override
          public void loaded(String model, int version, long nanos) {
            loads.add("loaded " + model + "/" + version);
          }

          @Override
          public void failed(String model, int version, long nanos) {
            loads.add("failed " + model + "/" + version);
          }
        }, null);
  }

  private Model served(String name) {
    return repository.state().models().get(name).latest();
  }

  @Test
  void onnxVersionOverATrainedOne_andBack_closingTheOnnxSessionWhenDropped() throws IOException {
    ModelFixtures.publish(root, "iris", 1, false);
    repository.poll();
    assertThat(served("iris").platform()).isEqualTo("mlapi_libsvm");

    Path v2 = OnnxFixtures.publish(root, "iris", 2, "classifier_svm");
    repository.poll();
    OnnxModel onnx = (OnnxModel) served("iris");
    assertThat(onnx.version()).isEqualTo(2);
    assertThat(onnx.predictRows(new double[][] {{6.7, 3.0, 5.2, 2.3}}, false, false).predictions().string(0))
        .isEqualTo("virginica");

    deleteTree(v2);
    repository.poll();

    assertThat(served("iris").platform()).isEqualTo("mlapi_libsvm");
    assertThat(onnx.sessionClosed()).isTrue();
    assertThat(loads).containsExactly("loaded iris/1", "loaded iris/2", "loaded iris/1");
  }

  @Test
  void brokenOnnxVersion_keepsTheTrainedOneServing_withTheReason() {
    ModelFixtures.publish(root, "iris", 1, false);
    OnnxFixtures.publish(root, "iris", 2, "broken_truncated");

    repository.poll();

    ModelStatus iris = repository.state().models().get("iris");
    assertThat(iris.servedVersions()).containsExactly(1);
    assertThat(iris.version(2).reason()).contains("model.onnx: ONNX Runtime cannot load it: ");
    assertThat(loads).containsExactly("failed iris/2", "loaded iris/1");
  }

  @Test
  void unload_closesTheSession_andLoad_opensANewOne() {
    OnnxFixtures.publish(root, "net", 1, "network");
    repository.poll();
    OnnxModel before = (OnnxModel) served("net");

    repository.unload("net");
    assertThat(before.sessionClosed()).isTrue();
    repository.load("net");

    OnnxModel after = (OnnxModel) served("net");
    assertThat(after).isNotSameAs(before);
    assertThat(after.sessionClosed()).isFalse();
  }

  @Test
  void directoryHoldingBothKinds_orNeither_isRefusedSayingWhy() throws IOException {
    Path both = ModelFixtures.publish(root, "both", 1, false);
    Files.write(both.resolve("model.onnx"), OnnxFixtures.bytes("network"));
    Path neither = Files.createDirectories(root.resolve("neither/1"));
    Files.writeString(neither.resolve("notes.txt"), "soon");

    repository.poll();

    assertThat(repository.state().models().get("both").version(1).reason())
        .isEqualTo(both + ": holds both model.onnx and model.libsvm, so which model it is cannot be told; keep one of "
            + "them");
    assertThat(repository.state().models().get("neither").version(1).reason())
        .isEqualTo(neither + ": no model here: a version directory holds model.onnx (an ONNX model) or model.json "
            + "with model.libsvm or model.liblinear (a model mlapi trained); or it is still being written");
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
