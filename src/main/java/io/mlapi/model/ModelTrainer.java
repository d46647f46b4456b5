package io.mlapi.model;

import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetException;
import io.mlapi.data.Split;
import io.mlapi.svm.SvcModel;
import io.mlapi.svm.SvcParameters;
import io.mlapi.svm.SvcTrainer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Trains a {@link TrainedModel} from a data set and a split, and measures it on the held-out rows. */
public final class ModelTrainer {
  private final Clock clock;

  /** @param clock stamps {@code createdAt}; tests pass a fixed one */
  public ModelTrainer(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param name the model's name
   * @param version the model's version, a positive integer
   * @throws DatasetException when the training rows hold fewer than two classes
   * @throws IllegalArgumentException when LIBSVM rejects the parameters
   */
  public TrainedModel train(Dataset data, Split split, SvcParameters parameters, String name, int version) {
    requireName(name);
    if (version < 1) {
      throw new IllegalArgumentException("version must be a positive integer, got " + version);
    }
    Dataset train = data.rows(split.train());
    Dataset test = data.rows(split.test());

    // Like scikit-learn, the model knows only the classes that occur in its training rows.
    boolean[] present = new boolean[data.classes().size()];
    for (int target : train.targets()) {
      present[target] = true;
    }
    List<String> classes = new ArrayList<>();
    int[] classOf = new int[present.length];
    for (int c = 0; c < present.length; c++) {
      classOf[c] = present[c] ? classes.size() : -1;
      if (present[c]) {
        classes.add(data.classes().get(c));
      }
    }
    if (classes.size() < 2) {
      throw new DatasetException(data.source(), 0, 0, "the " + train.rowCount() + " training rows"
          + " hold one class only (\"" + classes.get(0) + "\"); a classifier needs two or more"
          + (Split.TUTORIAL.equals(split.method()) ? " (the tutorial split does not shuffle: try --split stratified)" : ""));
    }
    int[] targets = new int[train.rowCount()];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = classOf[train.targets()[i]];
    }
    SvcTrainer.Fit fit = new SvcTrainer(parameters).train(train.features(), targets, classes.size());
    SvcModel svm = fit.model();

    List<String> labels = data.classes();
    int[][] confusion = TrainedModel.confusionMatrix(svm, classes, labels, test.features(), test.targets());
    ModelCard card = new ModelCard(
        ModelCard.FORMAT_VERSION,
        name,
        version,
        "C-SVC",
        features(train),
        classes,
        new ModelCard.Parameters(parameters.kernel().label(), parameters.c(), parameters.gamma().label(),
            svm.gamma(), parameters.degree(), parameters.coef0(), parameters.tol(), parameters.shrinking(),
            parameters.cacheSizeMb(), parameters.probability(), parameters.seed()),
        new ModelCard.Data(data.source(), data.target(), data.sha256(), data.rowCount()),
        new ModelCard.SplitInfo(split.method(), split.testSize(), split.seed(), split.train().length,
            split.test().length),
        new ModelCard.Metrics(
            TrainedModel.accuracy(confusion),
            labels, confusion, svm.supportVectorsPerClass()),
        fit.warnings(),
        Map.of(),
        Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString(),
        new ModelCard.Provenance(MlapiVersion.VALUE, MlapiVersion.LIBSVM, Runtime.version().toString()));
    return new TrainedModel(card, svm, test.features(), test.targets());
  }

  /**
   * Names become directory names and URL path segments: keep them to a safe alphabet.
   *
   * @throws IllegalArgumentException naming the rule and the name
   */
  public static void requireName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("model name must be 1-128 letters, digits, '_', '.' or '-', "
          + "starting with a letter or digit; got \"" + name + "\"");
    }
  }

  private static List<ModelCard.Feature> features(Dataset train) {
    List<ModelCard.Feature> features = new ArrayList<>();
    for (int f = 0; f < train.featureCount(); f++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double[] row : train.features()) {
        min = Math.min(min, row[f]);
        max = Math.max(max, row[f]);
      }
      features.add(new ModelCard.Feature(train.featureNames().get(f), min, max));
    }
    return features;
  }
}
