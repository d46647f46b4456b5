package io.mlapi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.ModelFixtures;
import io.mlapi.data.DatasetReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelReaderTest {
  @TempDir
  Path dir;

  private Path model;

  @BeforeEach
  void writeModel() {
    model = dir.resolve("iris").resolve("1");
    new ModelWriter().writeNew(ModelFixtures.iris(1), model);
  }

  private void edit(String file, String from, String to) throws IOException {
    Path path = model.resolve(file);
    String text = Files.readString(path);
    assertThat(text).contains(from);
    Files.writeString(path, text.replace(from, to));
  }

  @Test
  void committedFormat1Artifact_stillLoadsAndPredictsLikeANewModel() throws URISyntaxException {
    Path old = Path.of(getClass().getResource("/artifacts/iris-format1").toURI());

    TrainedModel loaded = ModelReader.read(old);

    assertThat(loaded.card().formatVersion()).isEqualTo(1);
    assertThat(loaded.accuracy()).isEqualTo(0.7);
    double[][] rows = DatasetReader.iris().features();
    assertThat(loaded.predict(rows, false, false).classes())
        .containsExactly(ModelFixtures.iris(1).predict(rows, false, false).classes());
  }

  @Test
  void newerFormatVersion_isRefusedNamingBothVersions() throws IOException {
    edit("model.json", "\"formatVersion\" : 2", "\"formatVersion\" : 3");

    assertThatThrownBy(() -> ModelReader.read(model))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(model.resolve("model.json") + " has format version 3, but this mlapi (" + MlapiVersion.VALUE
            + ") reads format versions up to 2; upgrade mlapi to serve it");
  }

  @Test
  void tamperedLibsvmFile_failsItsChecksum() throws IOException {
    edit("model.libsvm", "gamma 0.0663312707340641", "gamma 0.0663312707340642");

    assertThatThrownBy(() -> ModelReader.read(model))
        .hasMessage(model + ": model.libsvm does not match its SHA-256 in model.json; "
            + "the directory is damaged or was changed by hand");
  }

  @Test
  void truncatedTestRows_failTheirChecksum() throws IOException {
    Path rows = model.resolve("test.csv");
    byte[] bytes = Files.readAllBytes(rows);
    Files.write(rows, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(() -> ModelReader.read(model)).hasMessageContaining("test.csv does not match its SHA-256");
  }

  @Test
  void missingFiles_areNamed() throws IOException {
    Files.delete(model.resolve("test.csv"));
    assertThatThrownBy(() -> ModelReader.read(model)).hasMessage(model + ": test.csv is missing");

    Files.delete(model.resolve("model.json"));
    assertThatThrownBy(() -> ModelReader.read(model))
        .hasMessage(model + ": no model.json; not a model directory, or one still being written");
  }

  @Test
  void notADirectory_saysThereIsNoModel() {
    Path nothing = dir.resolve("nothing");
    assertThatThrownBy(() -> ModelReader.read(nothing))
        .hasMessage(nothing + ": no model here (expected a directory holding model.json)");
  }

  @Test
  void recordedAccuracyThatTheModelDoesNotReproduce_isRefused() throws IOException {
    edit("model.json", "\"accuracy\" : 0.7", "\"accuracy\" : 0.9");

    assertThatThrownBy(() -> ModelReader.read(model))
        .hasMessage(model + ": the model predicts its test rows with accuracy 0.7, but model.json recorded 0.9");
  }

  @Test
  void malformedOrIncompleteCard_isRefused() throws IOException {
    edit("model.json", "\"name\" : \"iris\"", "\"name\" : \"../etc\"");
    assertThatThrownBy(() -> ModelReader.read(model)).hasMessageContaining("model name must be 1-128 letters");

    Files.writeString(model.resolve("model.json"), "{\"formatVersion\": 1, \"name\": ");
    assertThatThrownBy(() -> ModelReader.read(model)).hasMessageContaining("model.json is not valid JSON");

    Files.writeString(model.resolve("model.json"), "{\"formatVersion\": 1}");
    assertThatThrownBy(() -> ModelReader.read(model)).hasMessageContaining("model.json is not a valid model card");

    Files.writeString(model.resolve("model.json"), "[1, 2]");
    assertThatThrownBy(() -> ModelReader.read(model)).hasMessageContaining("has no integer formatVersion");
  }

  @Test
  void cardThatDisagreesWithTheLibsvmModel_isRefused() throws IOException {
    edit("model.json", "\"gammaValue\" : 0.0663312707340641", "\"gammaValue\" : 0.5");

    assertThatThrownBy(() -> ModelReader.read(model))
        .hasMessage(model + ": model.libsvm (kernel rbf, gamma 0.0663312707340641) does not match model.json "
            + "(kernel rbf, gamma 0.5)");
  }

  /** A copy of a committed format-2 artifact, to damage. */
  private Path copyOf(String artifact) throws IOException {
    Path from = Format2ArtifactTest.artifact(artifact);
    Path to = dir.resolve(artifact);
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
    return to;
  }

  @Test
  void tamperedScaler_failsItsChecksum_andAMissingOneIsNamed() throws IOException {
    Path wine = copyOf("wine-format2");
    String scaler = Files.readString(wine.resolve("scaler.json"));
    Files.writeString(wine.resolve("scaler.json"), scaler.replace("\"mean_\" : [ 1", "\"mean_\" : [ 2"));

    assertThatThrownBy(() -> ModelReader.read(wine))
        .hasMessage(wine + ": scaler.json does not match its SHA-256 in model.json; the directory is damaged or was "
            + "changed by hand");

    Files.delete(wine.resolve("scaler.json"));
    assertThatThrownBy(() -> ModelReader.read(wine)).hasMessage(wine + ": scaler.json is missing");
  }

  @Test
  void cardThatDisagreesWithTheScalerOrTheEstimator_isRefused() throws IOException {
    Path wine = copyOf("wine-format2");
    String card = Files.readString(wine.resolve("model.json"));

    Files.writeString(wine.resolve("model.json"), card.replace("\"kind\" : \"standard\"", "\"kind\" : \"minmax\""));
    assertThatThrownBy(() -> ModelReader.read(wine))
        .hasMessageContaining("scaler.json holds a standard scaler, but model.json says minmax");

    Files.writeString(wine.resolve("model.json"), card.replace("\"estimator\" : \"svc\"", "\"estimator\" : \"nusvc\""));
    assertThatThrownBy(() -> ModelReader.read(wine))
        .hasMessage(wine + ": model.libsvm holds a C-SVC model, but model.json says nusvc");

    Files.writeString(wine.resolve("model.json"), card.replace("\"estimator\" : \"svc\"", "\"estimator\" : \"knn\""));
    assertThatThrownBy(() -> ModelReader.read(wine)).hasMessageContaining("estimator must be one of");

    Files.writeString(wine.resolve("model.json"), card.replace("\"file\" : \"scaler.json\"", "\"file\" : \"../x\""));
    assertThatThrownBy(() -> ModelReader.read(wine)).hasMessageContaining("scaler.file must be scaler.json, got ../x");
  }

  @Test
  void regressorWhoseRecordedR2IsNotReproduced_isRefused() throws IOException {
    Path diabetes = copyOf("diabetes-format2");
    ModelCard card = ModelReader.readCard(diabetes);
    String text = Files.readString(diabetes.resolve("model.json"));
    Files.writeString(diabetes.resolve("model.json"), text.replace("\"r2\" : " + card.metrics().r2(), "\"r2\" : 0.99"));

    assertThatThrownBy(() -> ModelReader.read(diabetes))
        .hasMessage(diabetes + ": the model predicts its test rows with R² " + card.metrics().r2()
            + ", but model.json recorded 0.99");
  }

  @Test
  void linearModel_tamperedWeights_failTheirChecksum() throws IOException {
    Path cancer = copyOf("cancer-linear-format2");
    String weights = Files.readString(cancer.resolve("model.liblinear"));
    Files.writeString(cancer.resolve("model.liblinear"), weights.replaceFirst("\n-?0", "\n1"));

    assertThatThrownBy(() -> ModelReader.read(cancer)).hasMessageContaining("model.liblinear does not match its SHA-256");
  }
}
