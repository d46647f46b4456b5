package io.mlapi.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What {@code model.json} says of a model: what it is, how and from what it was trained, how well
 * it did, and the checksums of the files beside it. Everything a user, a console or an operator
 * wants to know without loading the model.
 *
 * @param formatVersion the layout of the model directory; {@link #FORMAT_VERSION} for what this
 *     build writes. Readers refuse newer versions, naming both
 * @param name the model's name, e.g. {@code iris}
 * @param version the model's version, a positive integer (newer is larger)
 * @param algorithm e.g. {@code C-SVC}
 * @param features the input features in the order a row lists them, with their training ranges
 * @param classes the class labels, in scikit-learn's sorted order
 * @param parameters the training parameters, with the gamma actually used
 * @param data where the training data came from
 * @param split how the rows were divided into training and test rows
 * @param metrics the model's results on its test rows
 * @param warnings what training warned of (e.g. the solver did not converge); empty when all went well
 * @param files each file of the model directory but this one, with its SHA-256
 * @param createdAt when training finished (ISO-8601, UTC)
 * @param provenance which software made the model
 */
public record ModelCard(
    int formatVersion,
    String name,
    int version,
    String algorithm,
    List<Feature> features,
    List<String> classes,
    Parameters parameters,
    Data data,
    SplitInfo split,
    Metrics metrics,
    List<String> warnings,
    Map<String, String> files,
    String createdAt,
    Provenance provenance) {

  /** The model directory layout this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  public ModelCard {
    features = List.copyOf(features);
    classes = List.copyOf(classes);
    warnings = List.copyOf(warnings);
    files = Map.copyOf(files);
  }

  public List<String> featureNames() {
    return features.stream().map(Feature::name).toList();
  }

  /** A feature and the range of its values in the training rows (a hint for people filling forms). */
  public record Feature(String name, double min, double max) {}

  /**
   * @param gamma {@code scale}, {@code auto} or a number, as asked for
   * @param gammaValue the gamma LIBSVM used, exactly
   */
  public record Parameters(
      String kernel,
      @JsonProperty("C") double c,
      String gamma,
      double gammaValue,
      int degree,
      double coef0,
      double tol,
      boolean shrinking,
      double cacheSizeMb,
      boolean probability,
      long seed) {}

  /**
   * @param source the file the rows came from, or {@code iris (bundled)}
   * @param target the name of the class column
   * @param sha256 of the data file's bytes
   * @param rows all rows, training and test
   */
  public record Data(String source, String target, String sha256, int rows) {}

  /**
   * @param method {@code tutorial} (the last rows, unshuffled) or {@code stratified}
   * @param seed of a stratified split, else {@code null}
   */
  public record SplitInfo(String method, double testSize, Long seed, int trainRows, int testRows) {}

  /**
   * @param accuracy the fraction of test rows predicted right
   * @param labels the classes of the confusion matrix, in order (the data's classes, which may be
   *     more than the model learnt when a class has no training rows)
   * @param confusionMatrix {@code [true class][predicted class]} counts over the test rows
   * @param supportVectors per class of the model
   */
  public record Metrics(double accuracy, List<String> labels, int[][] confusionMatrix, int[] supportVectors) {}

  /** @param mlapi this project's version; {@code libsvm} and {@code java} the versions it ran on */
  public record Provenance(String mlapi, String libsvm, String java) {}
}
