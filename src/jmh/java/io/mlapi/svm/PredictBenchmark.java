package io.mlapi.svm;

import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import libsvm.svm;
import libsvm.svm_node;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Predicting one row, and a batch of {@link #BATCH} rows (reported per row), several ways:
 *
 * <ul>
 *   <li>{@code libsvm}: LIBSVM's own {@code svm_predict} on its linked {@code svm_node}s;
 *   <li>{@code dense}: {@link SvcModel#predict(double[], SvcModel.Scratch)}, feature-major and
 *       auto-vectorised by C2, bit-identical to LIBSVM (what mlapi ships);
 *   <li>{@code rowMajor}: the dense layout mlapi had before (one support vector after the other,
 *       one sequential sum per vector), also bit-identical;
 *   <li>{@code blocked}: plain Java over the feature-major layout, four support vectors at a time
 *       with their sums kept in registers, bit-identical;
 *   <li>{@code vector}: the JDK Vector API over the feature-major layout with scalar
 *       {@link Math#exp}, bit-identical; and {@code vectorExp}, which also takes the exponential
 *       with the Vector API (SVML), faster but no longer bit-identical: {@link #setUp} prints by
 *       how much it differs.
 * </ul>
 *
 * Models: the tutorial's Iris SVC (4 features, 43 support vectors) and {@code synthetic20}, an SVC
 * on 3,000 rows of 20 noisy features in 3 classes (about 2,000 support vectors). The RBF kernel,
 * scikit-learn's default, in both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PredictBenchmark {
  static final int BATCH = 1000;
  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;

  @Param({"iris", "synthetic20"})
  public String model;

  private SvcModel svc;
  private SvcModel.Scratch scratch;
  private double[][] rows;
  private svm_node[][] nodes;
  private double[] rowMajor;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    if (model.equals("iris")) {
      Dataset iris = DatasetReader.iris();
      double[][] train = Arrays.copyOf(iris.features(), 120);
      svc = new SvcTrainer(SvcParameters.scikitLearnDefaults())
          .train(train, Arrays.copyOf(iris.targets(), 120), 3).model();
      rows = randomRows(iris.features(), BATCH, 1);
    } else {
      Synthetic data = Synthetic.of(3_000, 20, 3, 42);
      svc = new SvcTrainer(SvcParameters.scikitLearnDefaults()).train(data.rows, data.targets, 3).model();
      rows = randomRows(data.rows, BATCH, 1);
    }
    scratch = svc.scratch();
    nodes = Arrays.stream(rows).map(SvcModel::nodes).toArray(svm_node[][]::new);
    rowMajor = transpose(svc.featureMajorSupportVectors(), svc.featureCount(), svc.supportVectorCount());
    check();
  }

  /** Fails the run if a bit-identical variant is not, and prints how far vectorExp strays. */
  private void check() {
    double maxDifference = 0;
    int classesDiffering = 0;
    for (double[] x : rows) {
      int expected = (int) svm.svm_predict(svc.libsvm(), SvcModel.nodes(x));
      double[] decision = svc.libsvmDecisionValues(x);
      for (int variant = 0; variant < 5; variant++) {
        int predicted = switch (variant) {
          case 0 -> svc.predict(x, scratch);
          case 1 -> rowMajor(x);
          case 2 -> blocked(x);
          case 3 -> vector(x);
          default -> vectorExp(x);
        };
        if (variant < 4 && (predicted != expected || !Arrays.equals(scratch.decision, decision))) {
          throw new IllegalStateException("variant " + variant + " is not bit-identical to LIBSVM");
        }
        if (variant == 4) {
          classesDiffering += predicted == expected ? 0 : 1;
          for (int p = 0; p < decision.length; p++) {
            maxDifference = Math.max(maxDifference, Math.abs(scratch.decision[p] - decision[p]));
          }
        }
      }
    }
    System.out.printf("%n[%s] %d support vectors, %d features; vectorExp vs LIBSVM: max |decision difference| %.3g,"
        + " %d of %d predictions differ; %d lanes%n", model, svc.supportVectorCount(), svc.featureCount(),
        maxDifference, classesDiffering, rows.length, LANES.length());
  }

  private int nextRow() {
    next = next + 1 == BATCH ? 0 : next + 1;
    return next;
  }

  @Benchmark
  public int libsvmOneRow() {
    return (int) svm.svm_predict(svc.libsvm(), nodes[nextRow()]);
  }

  @Benchmark
  public int denseOneRow() {
    return svc.predict(rows[nextRow()], scratch);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void libsvmBatch(Blackhole out) {
    for (svm_node[] x : nodes) {
      out.consume(svm.svm_predict(svc.libsvm(), x));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void denseBatch(Blackhole out) {
    for (double[] x : rows) {
      out.consume(svc.predict(x, scratch));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void rowMajorBatch(Blackhole out) {
    for (double[] x : rows) {
      out.consume(rowMajor(x));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void blockedBatch(Blackhole out) {
    for (double[] x : rows) {
      out.consume(blocked(x));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void vectorBatch(Blackhole out) {
    for (double[] x : rows) {
      out.consume(vector(x));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void vectorExpBatch(Blackhole out) {
    for (double[] x : rows) {
      out.consume(vectorExp(x));
    }
  }

  /** The RBF kernel as mlapi computed it before: per support vector, a sequential sum over features. */
  private int rowMajor(double[] x) {
    int features = svc.featureCount();
    double[] values = scratch.kernelValues;
    for (int i = 0, offset = 0; i < values.length; i++, offset += features) {
      double sum = 0;
      for (int f = 0; f < features; f++) {
        double d = x[f] - rowMajor[offset + f];
        sum += d * d;
      }
      values[i] = Math.exp(-svc.gamma() * sum);
    }
    return svc.vote(scratch);
  }

  /** Plain Java, four support vectors at a time with their sums in registers: each in LIBSVM's order. */
  private int blocked(double[] x) {
    double[] sv = svc.featureMajorSupportVectors();
    double[] values = scratch.kernelValues;
    int l = values.length;
    int features = svc.featureCount();
    int i = 0;
    for (; i + 4 <= l; i += 4) {
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      for (int f = 0, base = i; f < features; f++, base += l) {
        double xf = x[f];
        double d0 = xf - sv[base];
        double d1 = xf - sv[base + 1];
        double d2 = xf - sv[base + 2];
        double d3 = xf - sv[base + 3];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      values[i] = s0;
      values[i + 1] = s1;
      values[i + 2] = s2;
      values[i + 3] = s3;
    }
    for (; i < l; i++) {
      double sum = 0;
      for (int f = 0; f < features; f++) {
        double d = x[f] - sv[f * l + i];
        sum += d * d;
      }
      values[i] = sum;
    }
    for (int k = 0; k < l; k++) {
      values[k] = Math.exp(-svc.gamma() * values[k]);
    }
    return svc.vote(scratch);
  }

  /** Squared distances with the Vector API, lanes across support vectors: each lane sums in LIBSVM's order. */
  private void squaredDistances(double[] x) {
    double[] sv = svc.featureMajorSupportVectors();
    double[] values = scratch.kernelValues;
    int l = values.length;
    int features = svc.featureCount();
    int vectorEnd = LANES.loopBound(l);
    int i = 0;
    for (; i < vectorEnd; i += LANES.length()) {
      DoubleVector sum = DoubleVector.zero(LANES);
      for (int f = 0; f < features; f++) {
        DoubleVector d = DoubleVector.broadcast(LANES, x[f]).sub(DoubleVector.fromArray(LANES, sv, f * l + i));
        sum = sum.add(d.mul(d));
      }
      sum.intoArray(values, i);
    }
    for (; i < l; i++) {
      double sum = 0;
      for (int f = 0; f < features; f++) {
        double d = x[f] - sv[f * l + i];
        sum += d * d;
      }
      values[i] = sum;
    }
  }

  private int vector(double[] x) {
    squaredDistances(x);
    double[] values = scratch.kernelValues;
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.exp(-svc.gamma() * values[i]);
    }
    return svc.vote(scratch);
  }

  private int vectorExp(double[] x) {
    squaredDistances(x);
    double[] values = scratch.kernelValues;
    double minusGamma = -svc.gamma();
    int vectorEnd = LANES.loopBound(values.length);
    int i = 0;
    for (; i < vectorEnd; i += LANES.length()) {
      DoubleVector.fromArray(LANES, values, i).mul(minusGamma).lanewise(VectorOperators.EXP).intoArray(values, i);
    }
    for (; i < values.length; i++) {
      values[i] = Math.exp(minusGamma * values[i]);
    }
    return svc.vote(scratch);
  }

  private static double[] transpose(double[] featureMajor, int features, int vectors) {
    double[] rowMajor = new double[featureMajor.length];
    for (int f = 0; f < features; f++) {
      for (int i = 0; i < vectors; i++) {
        rowMajor[i * features + f] = featureMajor[f * vectors + i];
      }
    }
    return rowMajor;
  }

  /** Rows drawn from {@code from}, each value moved by up to 10% so no row is a support vector. */
  private static double[][] randomRows(double[][] from, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] result = new double[count][];
    for (int r = 0; r < count; r++) {
      double[] row = from[random.nextInt(from.length)].clone();
      for (int f = 0; f < row.length; f++) {
        row[f] *= 0.9 + 0.2 * random.nextDouble();
      }
      result[r] = row;
    }
    return result;
  }

  /** Classes around random centres, close enough together that many rows become support vectors. */
  record Synthetic(double[][] rows, int[] targets) {
    static Synthetic of(int count, int features, int classes, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      double[][] centres = new double[classes][features];
      for (double[] centre : centres) {
        for (int f = 0; f < features; f++) {
          centre[f] = random.nextDouble(-1, 1);
        }
      }
      double[][] rows = new double[count][features];
      int[] targets = new int[count];
      for (int r = 0; r < count; r++) {
        targets[r] = r % classes;
        for (int f = 0; f < features; f++) {
          rows[r][f] = centres[targets[r]][f] + 2 * random.nextGaussian();
        }
      }
      return new Synthetic(rows, targets);
    }
  }
}
