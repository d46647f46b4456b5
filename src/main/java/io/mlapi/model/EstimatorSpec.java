package io.mlapi.model;

import io.mlapi.linear.LinearSvcParameters;
import io.mlapi.linear.LinearSvcTrainer;
import io.mlapi.svm.Gamma;
import io.mlapi.svm.Kernel;
import io.mlapi.svm.SvcParameters;
import io.mlapi.svm.SvcTrainer;
import io.mlapi.svm.SvmType;
import java.util.List;

/**
 * Which estimator to train and with which parameters: one of scikit-learn's {@code SVC},
 * {@code NuSVC}, {@code SVR}, {@code NuSVR} (LIBSVM) or {@code LinearSVC} (LIBLINEAR).
 *
 * @param name {@code svc}, {@code nusvc}, {@code svr}, {@code nusvr} or {@code linear-svc}
 * @param svm the LIBSVM parameters; {@code null} for {@code linear-svc}
 * @param linear the LIBLINEAR parameters; {@code null} unless {@code linear-svc}
 */
public record EstimatorSpec(String name, SvcParameters svm, LinearSvcParameters linear) {
  public static final String LINEAR_SVC = "linear-svc";
  public static final List<String> NAMES = List.of("svc", "nusvc", "svr", "nusvr", LINEAR_SVC);

  public EstimatorSpec {
    if ((svm == null) == (linear == null)) {
      throw new IllegalArgumentException("an estimator has LIBSVM or LIBLINEAR parameters, exactly one");
    }
    if (svm != null && !svm.type().label().equals(name) || linear != null && !LINEAR_SVC.equals(name)) {
      throw new IllegalArgumentException("estimator \"" + name + "\" does not match its parameters");
    }
  }

  public static EstimatorSpec of(SvcParameters parameters) {
    return new EstimatorSpec(parameters.type().label(), parameters, null);
  }

  public static EstimatorSpec of(LinearSvcParameters parameters) {
    return new EstimatorSpec(LINEAR_SVC, null, parameters);
  }

  public boolean isRegression() {
    return svm != null && svm.type().isRegression();
  }

  /** What the card calls it: LIBSVM's formulation, or {@code LinearSVC}. */
  public String algorithm() {
    return svm != null ? svm.type().algorithm() : "LinearSVC";
  }

  /** The grid-search parameters this estimator takes, in scikit-learn's spelling, sorted. */
  public List<String> searchable() {
    if (linear != null) {
      return List.of("C", "loss");
    }
    return switch (svm.type()) {
      case SVC, SVR -> List.of("C", "coef0", "degree", svm.type() == SvmType.SVR ? "epsilon" : "", "gamma", "kernel")
          .stream().filter(s -> !s.isEmpty()).toList();
      case NU_SVC -> List.of("coef0", "degree", "gamma", "kernel", "nu");
      case NU_SVR -> List.of("C", "coef0", "degree", "gamma", "kernel", "nu");
    };
  }

  /**
   * This estimator with one parameter set from text, as a grid search sets it.
   *
   * @throws IllegalArgumentException naming the parameter and what is wrong
   */
  public EstimatorSpec with(String parameter, String value) {
    if (!searchable().contains(parameter)) {
      throw new IllegalArgumentException(name + " has no parameter \"" + parameter + "\" to search; it takes "
          + String.join(", ", searchable()));
    }
    try {
      if (linear != null) {
        return switch (parameter) {
          case "C" -> of(linear.withC(Double.parseDouble(value)));
          default -> of(linear.withLoss(value));
        };
      }
      return of(switch (parameter) {
        case "C" -> svm.withC(Double.parseDouble(value));
        case "gamma" -> svm.withGamma(Gamma.parse(value));
        case "kernel" -> svm.withKernel(Kernel.parse(value));
        case "degree" -> svm.withDegree(Integer.parseInt(value));
        case "coef0" -> svm.withCoef0(Double.parseDouble(value));
        case "nu" -> svm.withNu(Double.parseDouble(value));
        default -> svm.withEpsilon(Double.parseDouble(value));
      });
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(parameter + "=" + value + ": \"" + value + "\" is not a number");
    }
  }

  /** A fitted estimator and what its solver warned of (sentences for people; empty when all went well). */
  record Fitted(Estimator estimator, List<String> warnings) {}

  /** Fits a classifier on {@code rows} (scaled already) labelled {@code targets} in {@code 0..classCount-1}. */
  Fitted fit(double[][] rows, int[] targets, int classCount) {
    if (isRegression()) {
      throw new IllegalArgumentException(name + " is a regressor: it needs a numeric target");
    }
    if (linear != null) {
      LinearSvcTrainer.Fit fit = new LinearSvcTrainer(linear).train(rows, targets, classCount);
      return new Fitted(new Estimator.Liblinear(fit.model()), fit.warnings());
    }
    SvcTrainer.Fit fit = new SvcTrainer(svm).train(rows, targets, classCount);
    return new Fitted(new Estimator.Libsvm(fit.model()), fit.warnings());
  }

  /** Fits a regressor on {@code rows} (scaled already) with target values {@code values}. */
  Fitted fitRegression(double[][] rows, double[] values) {
    SvcTrainer.Fit fit = new SvcTrainer(svm).trainRegression(rows, values);
    return new Fitted(new Estimator.Libsvm(fit.model()), fit.warnings());
  }

  /** Fits without probabilities: what a cross-validation fold needs (its score uses predictions only). */
  EstimatorSpec withoutProbability() {
    return svm != null && svm.probability() ? of(svm.withProbability(false, svm.seed())) : this;
  }
}
