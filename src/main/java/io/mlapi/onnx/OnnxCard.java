package io.mlapi.onnx;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mlapi.model.TensorSpec;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET .../card} and the console show of an ONNX model: what the graph says of itself,
 * what its optional {@code model.json} adds, the file it came from, and how it was opened and checked.
 *
 * @param platform {@code onnxruntime_onnx}, so a reader tells it from mlapi's own cards
 * @param description from {@code model.json}, else the graph's own description; may be null
 * @param file {@code model.onnx}: its size and SHA-256
 * @param producer what the ONNX file says made it
 * @param features the columns of the row input, when the model takes rows; else empty
 * @param classes the classes, in the column order of the probability output; empty when unknown
 * @param session how ONNX Runtime runs it
 * @param check the run it passed before it was served
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OnnxCard(String name, int version, String platform, String description, ModelFile file,
    Producer producer, List<TensorSpec> inputs, List<TensorSpec> outputs, List<String> features,
    List<String> classes, Session session, Check check) {
  public OnnxCard {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    features = List.copyOf(features);
    classes = List.copyOf(classes);
  }

  /**
   * The ONNX file's own metadata ({@code ModelProto}'s fields).
   *
   * @param modelVersion the file's {@code model_version}; null when unset
   * @param metadata its {@code metadata_props}: at most 32 entries, each value cut to 256 characters
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Producer(String name, String domain, String graph, String graphDescription, Long modelVersion,
      Map<String, String> metadata) {}

  /**
   * @param onnxRuntime ONNX Runtime's version
   * @param intraOpThreads threads per inference (0: ONNX Runtime's choice)
   * @param graphOptimization none, basic, extended or all
   */
  public record Session(String onnxRuntime, int intraOpThreads, String graphOptimization) {}

  /**
   * @param input {@code testRows} (from {@code model.json}) or {@code generated} (zeros, empty strings,
   *     false; dynamic dimensions 1)
   * @param rows how many rows it ran
   * @param expectedOutputs the outputs whose answers matched {@code model.json}'s {@code expected}
   */
  public record Check(String input, int rows, List<String> expectedOutputs) {
    public Check {
      expectedOutputs = List.copyOf(expectedOutputs);
    }
  }
}
