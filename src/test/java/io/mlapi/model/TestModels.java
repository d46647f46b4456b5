package io.mlapi.model;

import io.mlapi.data.DatasetReader;
import io.mlapi.data.Split;
import io.mlapi.svm.SvcParameters;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Models for tests, trained on the bundled Iris data with a fixed clock. */
public final class TestModels {
  public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

  private TestModels() {}

  /** The tutorial's model: Iris, last 30 rows held out, SVC() defaults. */
  public static Model tutorial(int version) {
    return tutorial(SvcParameters.scikitLearnDefaults(), version);
  }

  public static Model tutorial(SvcParameters parameters, int version) {
    return new ModelTrainer(CLOCK).train(DatasetReader.iris(), Split.tutorial(150, 0.2), parameters, "iris", version);
  }

  /** A model that differs from the tutorial's in its answers: linear kernel, stratified split. */
  public static Model linearStratified(int version) {
    var iris = DatasetReader.iris();
    return new ModelTrainer(CLOCK).train(iris, Split.stratified(iris.targets(), 0.2, 1),
        SvcParameters.scikitLearnDefaults().withKernel(io.mlapi.svm.Kernel.LINEAR), "iris", version);
  }
}
