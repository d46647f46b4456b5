package io.mlapi.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.ModelFixtures;
import io.mlapi.metrics.Metrics;
import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import io.mlapi.model.RowPrediction;
import io.mlapi.model.RowSignature;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import io.mlapi.model.TrainedModel;
import io.mlapi.repository.ModelLoader;
import io.mlapi.repository.ModelRepository;
import io.mlapi.repository.VersionPolicies;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The core's checks, the same for every protocol: binding inputs, datatypes, shapes, rows, outputs. */
class InferenceServiceTest {
  private static final Metrics METRICS = new Metrics();
  private final InferenceService core = new InferenceService(
      new ModelRepository(() -> new TreeMap<>(), ModelLoader.trained(), VersionPolicies.latest(), METRICS, null),
      METRICS, 3);
  private final TrainedModel iris = ModelFixtures.iris(1);

  @Test
  void infer_singleInputModel_takesItsTensorUnderAnyName_andAnswersTheDefaultOutput() {
    List<Tensor> answer = core.infer(iris, List.of(rows("whatever", 6.8, 2.8, 4.8, 1.4)), List.of());

    assertThat(answer).hasSize(1);
    assertThat(answer.get(0).name()).isEqualTo("predict");
    assertThat((long[]) answer.get(0).data()).containsExactly(1L);
  }

  @Test
  void infer_outputsInTheOrderAsked() {
    List<Tensor> answer = core.infer(iris, List.of(rows("x", 6.8, 2.8, 4.8, 1.4)), List.of("label", "predict"));

    assertThat(answer).extracting(Tensor::name).containsExactly("label", "predict");
    assertThat(answer.get(0).string(0)).isEqualTo("versicolor");
  }

  @Test
  void infer_unknownOrRepeatedOutput_isInvalidInput() {
    assertThatThrownBy(() -> core.infer(iris, List.of(rows("x", 1, 2, 3, 4)), List.of("nope")))
        .isInstanceOf(InferenceException.class)
        .hasMessage("outputs[0]: model iris has no output \"nope\"; it offers predict, label, decision_function");
    assertThatThrownBy(() -> core.infer(iris, List.of(rows("x", 1, 2, 3, 4)), List.of("label", "label")))
        .hasMessage("outputs[1]: \"label\" is asked for twice");
  }

  @Test
  void infer_kserveOutputName_answersTheV1PredictionsUnderThatName_inTheOrderAsked() {
    List<Tensor> answer = core.infer(iris, List.of(rows("x", 6.8, 2.8, 4.8, 1.4)), List.of("label", "output-0"));

    assertThat(answer).extracting(Tensor::name).containsExactly("label", "output-0");
    assertThat(answer.get(1).datatype()).isEqualTo(Datatype.INT64);
    assertThat((long[]) answer.get(1).data()).containsExactly(1L);
    assertThat(iris.outputs()).extracting(TensorSpec::name).doesNotContain("output-0");
  }

  @Test
  void infer_kserveOutputNameAndPredict_isAskedTwice_andUnknownToModelsWithoutRows() {
    assertThatThrownBy(() -> core.infer(iris, List.of(rows("x", 1, 2, 3, 4)), List.of("predict", "output-0")))
        .hasMessage("outputs[1]: \"output-0\" is asked for twice (it is KServe's name for predict)");
    assertThatThrownBy(() -> core.infer(new TwoInputs(), List.of(scalar("a", 1), scalar("b", 2)), List.of("output-0")))
        .hasMessage("outputs[0]: model two has no output \"output-0\"; it offers difference");
  }

  @Test
  void checkParameter_refusesTheClassificationExtension_andLetsOthersBe() {
    assertThatThrownBy(() -> core.checkParameter("outputs[0].parameters", "classification"))
        .isInstanceOf(InferenceException.class)
        .hasMessage("outputs[0].parameters: the classification extension (parameter \"classification\") is not "
            + "supported; ask for the output itself and rank it yourself")
        .extracting(e -> ((InferenceException) e).kind()).isEqualTo(InferenceException.Kind.UNIMPLEMENTED);
    core.checkParameter("parameters", "binary_data_output");
    core.checkParameter("parameters", "sequence_id");
  }

  @Test
  void infer_wrongWidth_namesTheFeatures() {
    assertThatThrownBy(() -> core.infer(iris, List.of(rows("x", 1, 2, 3)), List.of()))
        .hasMessage("input \"x\" has shape [1, 3], but model iris takes 4 features per row (sepal_length, "
            + "sepal_width, petal_length, petal_width)");
  }

  @Test
  void infer_rowLimit_isLimitExceeded_andZeroRowsInvalid() {
    Tensor four = new Tensor("x", Datatype.FP64, new long[] {4, 4}, new double[16]);
    Tensor none = new Tensor("x", Datatype.FP64, new long[] {0, 4}, new double[0]);

    assertThatThrownBy(() -> core.infer(iris, List.of(four), List.of()))
        .isInstanceOf(InferenceException.class)
        .extracting(e -> ((InferenceException) e).kind()).isEqualTo(InferenceException.Kind.LIMIT_EXCEEDED);
    assertThatThrownBy(() -> core.infer(iris, List.of(none), List.of()))
        .hasMessage("no rows: send at least one row");
  }

  @Test
  void infer_nonNumericDatatype_isRefusedBeforeTheModelRuns() {
    Tensor strings = Tensor.ofStrings("x", new long[] {1, 4}, new String[] {"a", "b", "c", "d"});

    assertThatThrownBy(() -> core.infer(iris, List.of(strings), List.of()))
        .hasMessage("input \"x\" is BYTES, but model iris takes FP64 there");
  }

  @Test
  void infer_severalInputs_boundByName_inTheModelsOrder() {
    TwoInputs model = new TwoInputs();

    List<Tensor> answer = core.infer(model, List.of(scalar("b", 10), scalar("a", 1)), List.of());

    assertThat((double[]) answer.get(0).data()).containsExactly(1 - 10);
  }

  @Test
  void infer_severalInputs_missingUnknownOrRepeated_isInvalidInput() {
    TwoInputs model = new TwoInputs();

    assertThatThrownBy(() -> core.infer(model, List.of(scalar("a", 1)), List.of()))
        .hasMessage("model two takes 2 inputs (a FP64 [-1], b FP64 [-1]), got 1");
    assertThatThrownBy(() -> core.infer(model, List.of(scalar("a", 1), scalar("c", 2)), List.of()))
        .hasMessage("model two has no input \"c\"; it takes a FP64 [-1], b FP64 [-1]");
    assertThatThrownBy(() -> core.infer(model, List.of(scalar("a", 1), scalar("a", 2)), List.of()))
        .hasMessage("input \"a\" is given twice");
  }

  @Test
  void predictRows_labelsForPredict_indicesForV1_probabilitiesByClass() {
    TrainedModel withProbabilities = ModelFixtures.iris("iris", 1, true);
    double[][] rows = {{6.8, 2.8, 4.8, 1.4}, {5.1, 3.5, 1.4, 0.2}};

    RowPrediction labels = core.predictRows(withProbabilities, rows, true, false);
    RowPrediction v1 = core.predictRows(withProbabilities, rows, false, true);

    assertThat(labels.predictions().string(0)).isEqualTo("versicolor");
    assertThat(labels.predictions().string(1)).isEqualTo("setosa");
    assertThat(labels.probabilities().shape()).containsExactly(2, 3);
    assertThat(labels.classes()).containsExactly("setosa", "versicolor", "virginica");
    assertThat((long[]) v1.predictions().data()).containsExactly(1L, 0L);
  }

  @Test
  void predictRows_wrongWidth_andNamedRowsMissingAFeature_areInvalidInput() {
    assertThatThrownBy(() -> core.predictRows(iris, new double[][] {{1, 2, 3}}, false, false))
        .hasMessage("row 0 has 3 values, but model iris takes 4 features: sepal_length, sepal_width, petal_length, "
            + "petal_width");
    assertThatThrownBy(() -> core.namedRow(iris, 2, Map.of("sepal_length", 1.0)))
        .hasMessage("row 2: feature \"sepal_width\" is missing; model iris takes sepal_length, sepal_width, "
            + "petal_length, petal_width");
  }

  @Test
  void predictRows_probabilitiesOfAModelWithout_sayHowToGetThem() {
    assertThatThrownBy(() -> core.predictRows(iris, new double[][] {{1, 2, 3, 4}}, true, false))
        .hasMessage("model iris version 1 gives no probabilities: train it with --probability to get them");
  }

  @Test
  void predictRows_ofAModelWithoutRows_pointsToV2() {
    assertThatThrownBy(() -> core.predictRows(new TwoInputs(), new double[][] {{1}}, false, false))
        .hasMessage("model two takes tensors, not rows of features: use the Open Inference Protocol "
            + "(POST /v2/models/two/infer)");
  }

  private static Tensor rows(String name, double... row) {
    return new Tensor(name, Datatype.FP64, new long[] {1, row.length}, row);
  }

  private static Tensor scalar(String name, double value) {
    return new Tensor(name, Datatype.FP64, new long[] {1}, new double[] {value});
  }

  /** A model of two inputs that answers a - b: enough to see the binding. */
  private static final class TwoInputs implements Model {
    @Override
    public String name() {
      return "two";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public String platform() {
      return "test";
    }

    @Override
    public List<TensorSpec> inputs() {
      return List.of(new TensorSpec("a", Datatype.FP64, new long[] {-1}), new TensorSpec("b", Datatype.FP64, new long[] {-1}));
    }

    @Override
    public List<TensorSpec> outputs() {
      return List.of(new TensorSpec("difference", Datatype.FP64, new long[] {-1}));
    }

    @Override
    public List<String> defaultOutputs() {
      return List.of("difference");
    }

    @Override
    public List<Tensor> infer(List<Tensor> inputs, List<String> outputs) {
      assertThat(inputs).extracting(Tensor::name).containsExactly("a", "b");
      return List.of(new Tensor("difference", Datatype.FP64, new long[] {1},
          new double[] {inputs.get(0).number(0) - inputs.get(1).number(0)}));
    }

    @Override
    public Optional<RowSignature> rows() {
      return Optional.empty();
    }

    @Override
    public OptionalDouble score() {
      return OptionalDouble.empty();
    }

    @Override
    public Object card() {
      return Map.of();
    }
  }
}
