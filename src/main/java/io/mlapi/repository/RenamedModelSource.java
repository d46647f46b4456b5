package io.mlapi.repository;

import io.mlapi.model.Datatype;
import io.mlapi.model.Model;
import io.mlapi.model.RowSignature;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code --model-name}: the one model of a source, served under another name, as KServe's runtimes
 * serve an InferenceService's model under the InferenceService's name ({@code --model_name}).
 * Every protocol, the metrics and the console then know it by that name; its card keeps the name
 * it was trained under. A source with more than one model cannot be renamed: its scan fails,
 * saying so.
 */
public final class RenamedModelSource implements ModelSource {
  private final ModelSource source;
  private final String name;
  /** The name the source gives the model, which its files (and so the loader) know it by. */
  private volatile String original;

  public RenamedModelSource(ModelSource source, String name) {
    this.source = source;
    this.name = name;
  }

  @Override
  public Map<String, NavigableMap<Integer, VersionDir>> scan() throws IOException {
    Map<String, NavigableMap<Integer, VersionDir>> models = source.scan();
    if (models.size() > 1) {
      throw new IOException("--model-name " + name + " serves a single model, but there are " + models.size() + " ("
          + String.join(", ", models.keySet()) + ")");
    }
    if (models.isEmpty()) {
      return models;
    }
    Map.Entry<String, NavigableMap<Integer, VersionDir>> model = models.entrySet().iterator().next();
    original = model.getKey();
    return Map.of(name, model.getValue());
  }

  /** {@code loader}, loading the model under its own name and serving it under the new one. */
  public ModelLoader loader(ModelLoader loader) {
    return (dir, ignored, version) -> new RenamedModel(loader.load(dir, original, version), name);
  }

  @Override
  public String relative(String message) {
    return source.relative(message);
  }

  @Override
  public void checkPlace(java.nio.file.Path dir) throws IOException {
    source.checkPlace(dir);
  }

  /** The source's; any change there is looked at as a change to the one model. */
  @Override
  public List<java.nio.file.Path> watchDirectories() throws IOException {
    return source.watchDirectories();
  }

  @Override
  public String toString() {
    return source + " (served as " + name + ")";
  }

  /** A model under another name; everything else is the model's own. */
  private record RenamedModel(Model model, String name) implements Model {
    @Override
    public int version() {
      return model.version();
    }

    @Override
    public String platform() {
      return model.platform();
    }

    @Override
    public List<TensorSpec> inputs() {
      return model.inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
      return model.outputs();
    }

    @Override
    public List<String> defaultOutputs() {
      return model.defaultOutputs();
    }

    @Override
    public boolean accepts(TensorSpec spec, Datatype given) {
      return model.accepts(spec, given);
    }

    @Override
    public List<Tensor> infer(List<Tensor> inputs, List<String> outputs) {
      return model.infer(inputs, outputs);
    }

    @Override
    public Optional<RowSignature> rows() {
      return model.rows();
    }

    @Override
    public OptionalDouble score() {
      return model.score();
    }

    @Override
    public Object card() {
      return model.card();
    }

    @Override
    public boolean isQuick(long rows) {
      return model.isQuick(rows);
    }

    @Override
    public double[][] sampleRows() {
      return model.sampleRows();
    }

    @Override
    public void close() {
      model.close();
    }
  }
}
