package io.mlapi.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.mlapi.model.ModelCard;
import io.mlapi.model.MlapiVersion;
import io.mlapi.model.Prediction;
import io.mlapi.model.TrainedModel;
import io.mlapi.svm.Kernel;
import io.mlapi.svm.SvcModel;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A model mlapi trained as an ONNX-ML graph, so that it runs wherever ONNX runs (ONNX Runtime,
 * Triton, a browser): a {@code Scaler} when the model scales its features, then an
 * {@code SVMClassifier} holding LIBSVM's support vectors, dual coefficients, intercepts and Platt
 * parameters. ONNX-ML computes in float32, so its decision values agree with mlapi's (float64) to
 * about 1e-6 relative, and a row whose decision value is that close to zero could go the other way.
 *
 * <p>The graph: input {@value #INPUT} FP32 {@code [rows, features]}; outputs {@value #LABEL} (the
 * class labels, strings) and either {@value #PROBABILITIES} ({@code [rows, classes]}, for a model
 * trained with probabilities) or {@value #DECISION_VALUES} (LIBSVM's one-vs-one decision values,
 * {@code [rows, classes (classes - 1) / 2]}; for two classes {@code [rows, 2]}: the negated value,
 * then the value, positive favouring the first class). The feature and class names go into the
 * file's {@code metadata_props} ({@code mlapi.features}, {@code mlapi.classes}), where mlapi reads
 * them back when it serves the file.
 */
public final class OnnxExport {
  public static final String INPUT = "input-0";
  public static final String LABEL = "label";
  public static final String PROBABILITIES = "probabilities";
  public static final String DECISION_VALUES = "decision_values";
  private static final String ML = "ai.onnx.ml";

  private OnnxExport() {}

  /**
   * {@code model} as ONNX: its scaler (if it has one) as a {@code Scaler} node, then its SVM.
   *
   * @throws IllegalArgumentException when the model is not a LIBSVM classifier (SVC or NuSVC): the
   *     only kind exported so far
   */
  public static byte[] of(TrainedModel model) {
    SvcModel svm = model.libsvmModel().orElseThrow(() -> new IllegalArgumentException("model " + model.name()
        + " is a LinearSVC; mlapi exports LIBSVM classifiers (svc, nusvc) as ONNX so far"));
    if (svm.isRegression()) {
      throw new IllegalArgumentException("model " + model.name() + " is a regressor (" + model.card().algorithm()
          + "); mlapi exports LIBSVM classifiers (svc, nusvc) as ONNX so far");
    }
    return of(model, FeatureScaling.of(model.scaler()));
  }

  /**
   * {@code model} as ONNX, with {@code scaling} applied to the features first.
   *
   * @param scaling the model's feature scaling, or {@code null} when it has none
   */
  static byte[] of(TrainedModel model, FeatureScaling scaling) {
    ModelCard card = model.card();
    String doc = "mlapi model " + card.name() + " version " + card.version() + ": " + card.algorithm() + ", "
        + card.parameters().kernel() + " kernel, trained on " + card.data().source() + " (SHA-256 "
        + card.data().sha256() + ")";
    return svc(model.svm(), card.name(), card.version(), doc, card.featureNames(), card.classes(), scaling);
  }

  /**
   * Runs an export of {@code model} in ONNX Runtime on the model's test rows: how many get the
   * label mlapi gives them (all, but for a row whose decision value float32 cannot tell from zero).
   *
   * @return the number of rows with the same label, out of {@code model.sampleRows().length}
   * @throws IllegalStateException when ONNX Runtime cannot run the export (a bug of the exporter's)
   */
  public static int sameLabels(byte[] onnx, TrainedModel model) {
    double[][] rows = model.sampleRows();
    if (rows.length == 0) {
      return 0;
    }
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      for (int f = 0; f < width; f++) {
        flat[r * width + f] = (float) rows[r][f];
      }
    }
    try {
      OrtEnvironment env = RuntimeStart.environment();
      try (OrtSession session = env.createSession(onnx);
          OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {rows.length, width});
          OrtSession.Result result = session.run(Map.of(INPUT, input), Set.of(LABEL))) {
        String[] labels = (String[]) result.get(0).getValue();
        Prediction predicted = model.predict(rows, false, false);
        int same = 0;
        for (int r = 0; r < rows.length; r++) {
          same += labels[r].equals(model.classes().get(predicted.classes()[r])) ? 1 : 0;
        }
        return same;
      }
    } catch (OrtException | RuntimeException | LinkageError e) {
      throw new IllegalStateException("ONNX Runtime cannot run the export: " + e.getMessage(), e);
    }
  }

  /**
   * @param features the feature names, one per column of the input
   * @param classes the class labels, in LIBSVM's class order
   */
  static byte[] svc(SvcModel svm, String name, long version, String doc, List<String> features,
      List<String> classes, FeatureScaling scaling) {
    int f = svm.featureCount();
    int k = svm.classCount();
    if (features.size() != f || classes.size() != k) {
      throw new IllegalArgumentException("the model has " + f + " features and " + k + " classes, but "
          + features.size() + " feature names and " + classes.size() + " class names are given");
    }
    if (scaling != null && scaling.featureCount() != f) {
      throw new IllegalArgumentException("the scaling has " + scaling.featureCount() + " features, the model " + f);
    }
    List<ProtoWriter> nodes = new ArrayList<>();
    String svmInput = INPUT;
    if (scaling != null) {
      svmInput = "scaled";
      nodes.add(OnnxGraph.node("Scaler", ML, "Scaler", List.of(INPUT), List.of(svmInput), List.of(
          OnnxGraph.floats("offset", floats(scaling.offset())), OnnxGraph.floats("scale", floats(scaling.scale())))));
    }
    boolean probabilities = svm.hasProbability();
    // For two classes ONNX Runtime couples the two Platt probabilities iteratively, to LIBSVM's loose
    // tolerance (0.005 / classes), where LIBSVM takes the one probability as it is: 2.7e-3 apart on
    // breast_cancer. So the SVM gives its decision values and plain operators apply Platt's sigmoid.
    boolean plattAfter = probabilities && k == 2;
    String scores = probabilities && !plattAfter ? PROBABILITIES : DECISION_VALUES;
    List<ProtoWriter> initializers = new ArrayList<>();
    Vectors vectors = svm.kernel() == Kernel.LINEAR ? Vectors.primal(svm) : Vectors.dual(svm);
    List<ProtoWriter> attributes = new ArrayList<>(List.of(
        OnnxGraph.strings("classlabels_strings", classes),
        OnnxGraph.floats("coefficients", floats(vectors.coefficients())),
        OnnxGraph.floats("kernel_params", new float[] {(float) svm.gamma(), (float) svm.coef0(), svm.degree()}),
        OnnxGraph.string("kernel_type", svm.kernel().name().toUpperCase(Locale.ROOT)),
        OnnxGraph.string("post_transform", "NONE"),
        // ONNX-ML adds rho to the sum, LIBSVM subtracts it
        OnnxGraph.floats("rho", floats(negated(svm.rho()))),
        OnnxGraph.floats("support_vectors", floats(vectors.rows())),
        OnnxGraph.ints("vectors_per_class", vectors.perClass())));
    if (probabilities && !plattAfter) {
      attributes.add(OnnxGraph.floats("prob_a", floats(svm.probabilityA())));
      attributes.add(OnnxGraph.floats("prob_b", floats(svm.probabilityB())));
    }
    nodes.add(OnnxGraph.node("SVMClassifier", ML, "SVMClassifier", List.of(svmInput), List.of(LABEL, scores),
        attributes));
    if (plattAfter) {
      plattScaling(svm, nodes, initializers);
      scores = PROBABILITIES;
    }
    long columns = probabilities ? k : k == 2 ? 2 : (long) k * (k - 1) / 2;
    ProtoWriter graph = OnnxGraph.graph(name, doc, nodes, List.of(OnnxGraph.tensor(INPUT, OnnxGraph.FLOAT, -1, f)),
        List.of(OnnxGraph.tensor(LABEL, OnnxGraph.STRING, -1), OnnxGraph.tensor(scores, OnnxGraph.FLOAT, -1, columns)),
        initializers);
    Map<String, Integer> opsets = new LinkedHashMap<>();
    opsets.put("", 15);
    opsets.put(ML, 3);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ExportMetadata.FEATURES, ExportMetadata.json(features));
    metadata.put(ExportMetadata.CLASSES, ExportMetadata.json(classes));
    return OnnxGraph.model(graph, opsets, "mlapi", MlapiVersion.VALUE, version, doc, metadata);
  }

  /**
   * LIBSVM's probabilities of two classes from the decision values {@code [-d, d]}: {@code p0 =
   * sigmoid(-(d * A + B))} kept within {@code [1e-7, 1 - 1e-7]}, {@code p1 = 1 - p0}.
   */
  private static void plattScaling(SvcModel svm, List<ProtoWriter> nodes, List<ProtoWriter> initializers) {
    long[] scalar = {};
    initializers.add(OnnxGraph.initializer("platt_column", new long[] {1}, new long[] {1}));
    initializers.add(OnnxGraph.initializer("platt_column_end", new long[] {1}, new long[] {2}));
    initializers.add(OnnxGraph.initializer("platt_axis", new long[] {1}, new long[] {1}));
    initializers.add(OnnxGraph.initializer("platt_a", scalar, new float[] {(float) svm.probabilityA()[0]}));
    initializers.add(OnnxGraph.initializer("platt_b", scalar, new float[] {(float) svm.probabilityB()[0]}));
    initializers.add(OnnxGraph.initializer("platt_min", scalar, new float[] {1e-7f}));
    initializers.add(OnnxGraph.initializer("platt_max", scalar, new float[] {1 - 1e-7f}));
    initializers.add(OnnxGraph.initializer("platt_one", scalar, new float[] {1}));
    nodes.add(OnnxGraph.node("Slice", "", "decision", List.of(DECISION_VALUES, "platt_column", "platt_column_end",
        "platt_axis"), List.of("platt_d"), List.of()));
    nodes.add(OnnxGraph.node("Mul", "", "platt_times_a", List.of("platt_d", "platt_a"), List.of("platt_da"), List.of()));
    nodes.add(OnnxGraph.node("Add", "", "platt_plus_b", List.of("platt_da", "platt_b"), List.of("platt_t"), List.of()));
    nodes.add(OnnxGraph.node("Neg", "", "platt_negated", List.of("platt_t"), List.of("platt_nt"), List.of()));
    nodes.add(OnnxGraph.node("Sigmoid", "", "platt_sigmoid", List.of("platt_nt"), List.of("platt_p0"), List.of()));
    nodes.add(OnnxGraph.node("Clip", "", "platt_clip", List.of("platt_p0", "platt_min", "platt_max"),
        List.of("platt_first"), List.of()));
    nodes.add(OnnxGraph.node("Sub", "", "platt_complement", List.of("platt_one", "platt_first"),
        List.of("platt_second"), List.of()));
    nodes.add(OnnxGraph.node("Concat", "", "platt_concat", List.of("platt_first", "platt_second"),
        List.of(PROBABILITIES), List.of(OnnxGraph.integer("axis", 1))));
  }

  /**
   * The vectors an {@code SVMClassifier} holds, each with one coefficient per row of LIBSVM's
   * layout ({@code classes - 1} rows), and how many belong to each class.
   *
   * @param rows the vectors one after the other
   * @param coefficients {@code classes - 1} rows of one coefficient per vector
   */
  private record Vectors(double[] rows, double[] coefficients, long[] perClass) {
    /** LIBSVM's support vectors and dual coefficients, as they are. */
    static Vectors dual(SvcModel svm) {
      long[] perClass = Arrays.stream(svm.supportVectorsPerClass()).asLongStream().toArray();
      return new Vectors(svm.supportVectorsByRow(), Arrays.stream(svm.dualCoefficients()).flatMapToDouble(Arrays::stream)
          .toArray(), perClass);
    }

    /**
     * For the linear kernel, each pair of classes' support vectors folded into one weight vector:
     * {@code w = sum(coef_i * sv_i)}, so that the decision value is {@code x . w - rho}. The same in
     * real numbers; in float32 much closer, because it does not sum large kernel values that cancel
     * (unscaled features of thousands give dot products of millions). The weight vector of pair
     * {@code (i, j)} belongs to class {@code i} with coefficient 1 in row {@code j - 1}, which only
     * pair {@code (i, j)} reads; every other coefficient is 0.
     */
    static Vectors primal(SvcModel svm) {
      if (svm.supportVectorCount() == 0) {
        throw new IllegalArgumentException("a model without support vectors cannot be exported");
      }
      int k = svm.classCount();
      int features = svm.featureCount();
      double[] sv = svm.supportVectorsByRow();
      double[][] coef = svm.dualCoefficients();
      int[] count = svm.supportVectorsPerClass();
      int[] start = new int[k];
      for (int c = 1; c < k; c++) {
        start[c] = start[c - 1] + count[c - 1];
      }
      int pairs = k * (k - 1) / 2;
      double[] weights = new double[pairs * features];
      double[] coefficients = new double[(k - 1) * pairs];
      long[] perClass = new long[k];
      int p = 0;
      for (int i = 0; i < k; i++) {
        for (int j = i + 1; j < k; j++, p++) {
          for (int m = start[i]; m < start[i] + count[i]; m++) {
            for (int f = 0; f < features; f++) {
              weights[p * features + f] += coef[j - 1][m] * sv[m * features + f];
            }
          }
          for (int m = start[j]; m < start[j] + count[j]; m++) {
            for (int f = 0; f < features; f++) {
              weights[p * features + f] += coef[i][m] * sv[m * features + f];
            }
          }
          coefficients[(j - 1) * pairs + p] = 1;
          perClass[i]++;
        }
      }
      return new Vectors(weights, coefficients, perClass);
    }
  }

  private static double[] negated(double[] values) {
    double[] negated = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      negated[i] = -values[i];
    }
    return negated;
  }

  private static float[] floats(double[] values) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return floats;
  }

}
