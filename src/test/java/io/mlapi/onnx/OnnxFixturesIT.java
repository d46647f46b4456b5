package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mlapi.ModelFixtures;
import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.model.ModelTrainer;
import io.mlapi.svm.Kernel;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX fixtures are what scikit-learn and python3-onnx make today (the script runs again and
 * must write the same bytes), and mlapi's exports are valid ONNX by the reference implementation's
 * own checker (with shape inference). Both need Debian's python3-onnx and python3-sklearn, which
 * scripts/ci-setup installs.
 */
class OnnxFixturesIT {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));

  @TempDir
  Path dir;

  private static boolean hasOnnxAndScikitLearn() throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import onnx, sklearn").redirectErrorStream(true).start();
    return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
  }

  private static int python(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).directory(PROJECT.toFile()).inheritIO().start();
    assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  @Test
  void committedFixtures_areWhatTheScriptWritesToday() throws Exception {
    assumeTrue(hasOnnxAndScikitLearn(), "skipped: /usr/bin/python3 lacks onnx or scikit-learn (apt-get install "
        + "python3-onnx python3-sklearn, as scripts/ci-setup does)");
    Path committed = PROJECT.resolve("src/test/resources/onnx");

    assertThat(python(List.of("scripts/onnx_fixtures.py", dir.toString()))).isZero();

    try (Stream<Path> files = Files.list(committed)) {
      List<Path> all = files.toList();
      assertThat(all).hasSizeGreaterThan(10);
      for (Path file : all) {
        assertThat(dir.resolve(file.getFileName())).as(file.getFileName().toString()).hasSameBinaryContentAs(file);
      }
    }
  }

  @Test
  void exports_passTheOnnxChecker() throws Exception {
    assumeTrue(hasOnnxAndScikitLearn(), "skipped: /usr/bin/python3 lacks onnx (apt-get install python3-onnx)");
    var breastCancer = DatasetReader.read(PROJECT.resolve("src/test/resources/sklearn/breast_cancer.csv"), null);
    List<String> files = new ArrayList<>();
    for (var model : List.of(ModelFixtures.iris("iris", 1, true), ModelFixtures.linearStratified(1),
        new ModelTrainer(ModelFixtures.CLOCK).train(breastCancer, Split.tutorial(breastCancer.rowCount(), 0.2),
            SvcParameters.scikitLearnDefaults().withKernel(Kernel.POLY).withProbability(true, 0), "cancer", 1))) {
      Path file = dir.resolve(model.name() + "-" + model.card().parameters().kernel() + ".onnx");
      Files.write(file, OnnxExport.of(model));
      files.add(file.toString());
    }
    Path scaled = dir.resolve("scaled.onnx");
    Files.write(scaled, OnnxExport.of(ModelFixtures.iris(1), new FeatureScaling(new double[] {5.8, 3.1, 3.8, 1.2},
        new double[] {1.2, 2.3, 0.6, 1.3})));
    files.add(scaled.toString());

    List<String> check = new ArrayList<>(List.of("-c", "import onnx, sys\n"
        + "for f in sys.argv[1:]:\n"
        + "    onnx.checker.check_model(onnx.load(f), full_check=True)\n"));
    check.addAll(files);
    assertThat(python(check)).isZero();
  }
}
