package io.mlapi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.svm.Kernel;
import io.mlapi.svm.SvcParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A model of every kernel loads back as it was written: what `mlapi train --kernel K` writes,
 * `mlapi serve` (and a container with the directory mounted) can serve.
 */
class EveryKernelRoundTripTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

  private static TrainedModel train(Kernel kernel) {
    return new ModelTrainer(CLOCK).train(DatasetReader.iris(), Split.tutorial(150, 0.2),
        SvcParameters.scikitLearnDefaults().withKernel(kernel), "iris", 1);
  }

  @ParameterizedTest
  @EnumSource(Kernel.class)
  void writtenModelLoadsWithItsScoreAndPredictions(Kernel kernel, @TempDir Path temp) {
    TrainedModel model = train(kernel);
    new ModelWriter().writeNew(model, temp.resolve("iris"));

    TrainedModel loaded = ModelReader.read(temp.resolve("iris"));

    assertThat(loaded.card().parameters().kernel()).isEqualTo(kernel.label());
    assertThat(loaded.accuracy()).isEqualTo(model.accuracy());
    double[][] rows = {{5.1, 3.5, 1.4, 0.2}, {6.7, 3.0, 5.2, 2.3}};
    assertThat(loaded.predict(rows, false, false).classes()).containsExactly(model.predict(rows, false, false).classes());
  }

  @Test
  void aGammaThatDisagreesWithTheLibsvmFileStillFailsForKernelsThatUseIt(@TempDir Path temp) throws IOException {
    Path dir = temp.resolve("iris");
    new ModelWriter().writeNew(train(Kernel.RBF), dir);
    Path card = dir.resolve("model.json");
    String json = Files.readString(card);
    String gamma = "\"gammaValue\" : " + train(Kernel.RBF).card().parameters().gammaValue();
    assertThat(json).contains(gamma);
    Files.writeString(card, json.replace(gamma, "\"gammaValue\" : 0.5"));

    assertThatThrownBy(() -> ModelReader.read(dir))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("model.libsvm (kernel rbf, gamma ")
        .hasMessageContaining("does not match model.json (kernel rbf, gamma 0.5)");
  }
}
