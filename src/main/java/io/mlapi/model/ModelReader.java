package io.mlapi.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlapi.data.CsvReader;
import io.mlapi.data.DatasetException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlapi.data.Scaler;
import io.mlapi.linear.LinearSvcModel;
import io.mlapi.svm.Kernel;
import io.mlapi.svm.SvcModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Loads a model directory and proves it whole before anyone is served from it: the format version
 * is one this build reads (format 1 is upgraded as it is read), every file matches the checksum in
 * {@code model.json}, the LIBSVM or LIBLINEAR model and the scaler agree with the card, and
 * predicting the stored test rows gives the recorded accuracy (or R²).
 */
public final class ModelReader {
  private ModelReader() {}

  /**
   * @throws ModelFormatException saying which directory and what is wrong with it
   */
  public static TrainedModel read(Path dir) {
    try {
      return readChecked(dir);
    } catch (ModelFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException(dir + ": cannot load the model: " + e.getMessage(), e);
    }
  }

  private static TrainedModel readChecked(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new ModelFormatException(dir + ": no model here (expected a directory holding " + ModelFiles.CARD + ")");
    }
    ModelCard card = readCardChecked(dir);
    for (var file : card.files().entrySet()) {
      Path path = dir.resolve(file.getKey()).normalize();
      if (!path.getParent().equals(dir.normalize())) {
        throw new ModelFormatException(dir + ": " + ModelFiles.CARD + " lists a file outside the directory: " + file.getKey());
      }
      String actual;
      try {
        actual = ModelFiles.sha256(path);
      } catch (NoSuchFileException e) {
        throw new ModelFormatException(dir + ": " + file.getKey() + " is missing");
      }
      if (!actual.equals(file.getValue())) {
        throw new ModelFormatException(dir + ": " + file.getKey() + " does not match its SHA-256 in "
            + ModelFiles.CARD + "; the directory is damaged or was changed by hand");
      }
    }

    Estimator estimator = readEstimator(dir, card);
    Scaler scaler = card.scaler().file() == null ? Scaler.none()
        : ScalerFile.read(dir.resolve(card.scaler().file()), card.scaler().kind(), card.features().size());

    List<double[]> rows = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    readTestRows(dir.resolve(ModelFiles.TEST_ROWS), card, rows, targets);
    double[][] testRows = rows.toArray(double[][]::new);
    TrainedModel model;
    if (card.isRegression()) {
      model = new TrainedModel(card, scaler, estimator, testRows, null,
          targets.stream().mapToDouble(Double::parseDouble).toArray());
    } else {
      model = new TrainedModel(card, scaler, estimator, testRows,
          targets.stream().mapToInt(card.metrics().labels()::indexOf).toArray(), null);
    }
    double recorded = card.isRegression() ? card.metrics().r2() : card.metrics().accuracy();
    if (Double.compare(model.accuracy(), recorded) != 0) {
      throw new ModelFormatException(dir + ": the model predicts its test rows with "
          + (card.isRegression() ? "R² " : "accuracy ") + model.accuracy() + ", but " + ModelFiles.CARD
          + " recorded " + recorded);
    }
    return model;
  }

  private static Estimator readEstimator(Path dir, ModelCard card) throws IOException {
    int features = card.features().size();
    if (EstimatorSpec.LINEAR_SVC.equals(card.estimator())) {
      LinearSvcModel linear;
      try (BufferedReader in = Files.newBufferedReader(dir.resolve(ModelFiles.LIBLINEAR), StandardCharsets.UTF_8)) {
        linear = LinearSvcModel.read(in, features);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(dir + ": " + ModelFiles.LIBLINEAR + ": " + e.getMessage(), e);
      }
      if (linear.classCount() != card.classes().size()) {
        throw new ModelFormatException(dir + ": " + ModelFiles.LIBLINEAR + " has " + linear.classCount()
            + " classes but " + ModelFiles.CARD + " names " + card.classes().size());
      }
      return new Estimator.Liblinear(linear);
    }
    SvcModel svm;
    try (BufferedReader in = Files.newBufferedReader(dir.resolve(ModelFiles.LIBSVM), StandardCharsets.UTF_8)) {
      svm = SvcModel.read(in, features);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(dir + ": " + ModelFiles.LIBSVM + ": " + e.getMessage(), e);
    }
    if (!svm.type().label().equals(card.estimator())) {
      throw new ModelFormatException(dir + ": " + ModelFiles.LIBSVM + " holds a " + svm.type().algorithm()
          + " model, but " + ModelFiles.CARD + " says " + card.estimator());
    }
    if (svm.classCount() != card.classes().size()) {
      throw new ModelFormatException(dir + ": " + ModelFiles.LIBSVM + " has " + svm.classCount()
          + " classes but " + ModelFiles.CARD + " names " + card.classes().size());
    }
    boolean usesGamma = svm.kernel() != Kernel.LINEAR; // LIBSVM's file leaves gamma out for the linear kernel
    ModelCard.Parameters parameters = card.parameters();
    if (!svm.kernel().label().equals(parameters.kernel())
        || (usesGamma && (parameters.gammaValue() == null || Double.compare(svm.gamma(), parameters.gammaValue()) != 0))) {
      throw new ModelFormatException(dir + ": " + ModelFiles.LIBSVM + " (kernel " + svm.kernel().label()
          + ", gamma " + svm.gamma() + ") does not match " + ModelFiles.CARD + " (kernel "
          + parameters.kernel() + ", gamma " + parameters.gammaValue() + ")");
    }
    return new Estimator.Libsvm(svm);
  }

  /**
   * Reads and checks {@code model.json} alone, without verifying the files it lists: what a
   * repository scan needs to know (name and version) before it loads a model for real.
   *
   * @throws ModelFormatException saying which file and what is wrong with it
   */
  public static ModelCard readCard(Path dir) {
    try {
      return readCardChecked(dir);
    } catch (IOException e) {
      throw new ModelFormatException(dir + ": cannot read " + ModelFiles.CARD + ": " + e.getMessage(), e);
    }
  }

  private static ModelCard readCardChecked(Path dir) throws IOException {
    Path file = dir.resolve(ModelFiles.CARD);
    JsonNode tree;
    try {
      tree = ModelJson.MAPPER.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(dir + ": no " + ModelFiles.CARD + "; not a model directory, or one still being written");
    } catch (JacksonException e) {
      throw new ModelFormatException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
    JsonNode format = tree.path("formatVersion");
    if (!format.isInt()) {
      throw new ModelFormatException(file + " has no integer formatVersion; is it a model card?");
    }
    if (format.intValue() > ModelCard.FORMAT_VERSION) {
      throw new ModelFormatException(file + " has format version " + format.intValue() + ", but this mlapi ("
          + MlapiVersion.VALUE + ") reads format versions up to " + ModelCard.FORMAT_VERSION
          + "; upgrade mlapi to serve it");
    }
    if (format.intValue() < 1) {
      throw new ModelFormatException(file + " has format version " + format.intValue() + "; versions start at 1");
    }
    if (format.intValue() == 1 && tree instanceof ObjectNode old) {
      FormatOne.upgrade(old);
    }
    ModelCard card;
    try {
      card = ModelJson.MAPPER.treeToValue(tree, ModelCard.class);
    } catch (JacksonException e) {
      throw new ModelFormatException(file + " is not a valid model card: " + e.getOriginalMessage());
    }
    validate(file, card);
    return card;
  }

  private static void validate(Path file, ModelCard card) {
    List<String> problems = new ArrayList<>();
    try {
      ModelTrainer.requireName(card.name());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (card.version() < 1) {
      problems.add("version must be a positive integer, got " + card.version());
    }
    if (!EstimatorSpec.NAMES.contains(card.estimator())) {
      problems.add("estimator must be one of " + EstimatorSpec.NAMES + ", got " + card.estimator());
    }
    if (card.features().isEmpty()) {
      problems.add("no features");
    }
    if (new HashSet<>(card.featureNames()).size() != card.features().size()) {
      problems.add("feature names repeat");
    }
    if (card.parameters() == null || card.metrics() == null || card.scaler() == null || card.data() == null) {
      problems.add("parameters, scaler, data and metrics are required");
    } else if (card.isRegression()) {
      if (!card.classes().isEmpty() || card.metrics().r2() == null) {
        problems.add("a regressor has no classes and records metrics.r2");
      }
    } else if (!ModelCard.CLASSIFICATION.equals(card.task())) {
      problems.add("task must be classification or regression, got " + card.task());
    } else if (card.classes().size() < 2 || new HashSet<>(card.classes()).size() != card.classes().size()) {
      problems.add("a classifier needs two or more distinct classes, got " + card.classes());
    } else if (!card.metrics().labels().containsAll(card.classes()) || card.metrics().accuracy() == null) {
      problems.add("metrics.labels must include every class, and metrics.accuracy be recorded");
    }
    String estimatorFile = EstimatorSpec.LINEAR_SVC.equals(card.estimator()) ? ModelFiles.LIBLINEAR : ModelFiles.LIBSVM;
    List<String> required = new ArrayList<>(List.of(estimatorFile, ModelFiles.TEST_ROWS));
    if (card.scaler() != null && card.scaler().file() != null) {
      if (!ModelFiles.SCALER.equals(card.scaler().file())) {
        problems.add("scaler.file must be " + ModelFiles.SCALER + ", got " + card.scaler().file());
      }
      required.add(ModelFiles.SCALER);
    } else if (card.scaler() != null && !"none".equals(card.scaler().kind())) {
      problems.add("a " + card.scaler().kind() + " scaler needs its file");
    }
    for (String name : required) {
      if (!card.files().containsKey(name)) {
        problems.add("files lists no checksum for " + name);
      }
    }
    if (!problems.isEmpty()) {
      throw new ModelFormatException(file + ": " + String.join("; ", problems));
    }
  }

  private static void readTestRows(Path file, ModelCard card, List<double[]> rows, List<String> targets)
      throws IOException {
    List<String> names = card.featureNames();
    List<String> labelNames = card.metrics().labels();
    try (CsvReader csv = new CsvReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString())) {
      String[] header = csv.next();
      List<String> expected = new ArrayList<>(names);
      expected.add(card.data().target());
      if (header == null || !List.of(header).equals(expected)) {
        throw new ModelFormatException(file + ": the header should be " + String.join(",", expected));
      }
      for (String[] record = csv.next(); record != null; record = csv.next()) {
        if (record.length != header.length) {
          throw new DatasetException(file.toString(), csv.lineNumber(), 0,
              record.length + " fields, but the header has " + header.length);
        }
        double[] row = new double[names.size()];
        for (int f = 0; f < row.length; f++) {
          row[f] = csv.number(record, f, names.get(f));
        }
        String target = record[names.size()];
        if (card.isRegression()) {
          csv.number(record, names.size(), card.data().target()); // a finite number, or a named error
        } else if (!labelNames.contains(target)) {
          throw new DatasetException(file.toString(), csv.lineNumber(), names.size() + 1,
              "\"" + target + "\" is not one of the labels in " + ModelFiles.CARD);
        }
        rows.add(row);
        targets.add(target);
      }
    }
    if (rows.isEmpty()) {
      throw new ModelFormatException(file + ": no test rows");
    }
  }
}
