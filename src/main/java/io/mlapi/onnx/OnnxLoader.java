package io.mlapi.onnx;

import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.RowSignature;
import io.mlapi.model.TensorSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens {@code model.onnx} files as {@link OnnxModel}s, proving each one before it is served: the
 * file is a regular file within the size limit; ONNX Runtime parses it and finds an implementation
 * for every operator; every input and output is of a kind mlapi can pass (tensors of the datatypes
 * ONNX Runtime's Java API handles, and ZipMap's sequences of maps); the optional
 * {@code model.json} is valid; and one run on its test rows, or on a generated input, succeeds and
 * answers what {@code model.json} expects, if it says. Anything else is a
 * {@link ModelFormatException} naming the file and the reason, and the version is not served.
 *
 * <p>ONNX Runtime (and its native library) is started by the first ONNX model loaded, not before:
 * a server without ONNX models never loads it.
 */
public final class OnnxLoader {
  /** The model file of an ONNX version directory. */
  public static final String MODEL_FILE = "model.onnx";

  private final OnnxSettings settings;
  /** Shared by every model this loader opens: one small pool for the whole server. */
  private final DirectBuffers buffers = new DirectBuffers();
  private OrtEnvironment environment; // guarded by this

  public OnnxLoader(OnnxSettings settings) {
    this.settings = settings;
  }

  /**
   * Loads and checks the ONNX model in {@code dir}.
   *
   * @throws ModelFormatException saying which file and what is wrong
   */
  public OnnxModel load(Path dir, String name, int version) {
    Path file = dir.resolve(MODEL_FILE);
    ModelFile checked = ModelFile.check(file, settings.maxModelBytes(), "--onnx-max-model-bytes");
    CardFile card = CardFile.read(dir);
    OrtEnvironment env = environment();
    OrtSession session = open(env, file);
    try {
      return inspect(file, name, version, env, session, checked, card);
    } catch (ModelFormatException e) {
      closeQuietly(session);
      throw e;
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      throw new ModelFormatException(file + ": " + (e instanceof OrtException ort ? OnnxModel.message(ort) : e), e);
    }
  }

  /** ONNX Runtime's environment, started on first use; a platform it cannot run on makes every ONNX model fail to load. */
  private synchronized OrtEnvironment environment() {
    if (environment == null) {
      try {
        environment = RuntimeStart.environment();
      } catch (RuntimeException | LinkageError e) {
        throw new ModelFormatException("ONNX Runtime cannot start on this machine (" + System.getProperty("os.name")
            + ", " + System.getProperty("os.arch") + "): " + e, e);
      }
    }
    return environment;
  }

  private OrtSession open(OrtEnvironment env, Path file) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(settings.intraOpThreads());
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(switch (settings.graphOptimization()) {
        case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
        case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
        case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
        case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
      });
      return env.createSession(file.toString(), options);
    } catch (OrtException e) {
      throw new ModelFormatException(file + ": ONNX Runtime cannot load it: " + OnnxModel.message(e), e);
    }
  }

  private OnnxModel inspect(Path file, String name, int version, OrtEnvironment env, OrtSession session,
      ModelFile checked, CardFile card) throws OrtException {
    GraphSignature graph = GraphSignature.read(file, session);
    OnnxModelMetadata metadata = session.getMetadata();
    List<String> features = !card.features().isEmpty() ? card.features()
        : ExportMetadata.names(metadata.getCustomMetadata(), ExportMetadata.FEATURES, file);
    List<String> classes = !card.classes().isEmpty() ? card.classes()
        : ExportMetadata.names(metadata.getCustomMetadata(), ExportMetadata.CLASSES, file);

    TensorSpec rowInput = RowInputs.rowInput(graph.inputs());
    if (rowInput == null && (!features.isEmpty() || card.testRows().length > 0)) {
      throw refuse(file, CardFile.FILE + " gives " + (features.isEmpty() ? "testRows" : "features") + ", but the model "
          + "takes no rows: that needs one FP32 or FP64 input of shape [rows, features]; its inputs are "
          + String.join(", ", graph.inputs().stream().map(TensorSpec::toString).toList()));
    }
    int width = rowInput == null ? -1 : (int) rowInput.shape()[1];
    if (width < 0) { // a dynamic feature dimension: the names or the test rows tell the width
      width = !features.isEmpty() ? features.size() : card.testRows().length > 0 ? card.testRows()[0].length : -1;
    }
    if (!features.isEmpty() && features.size() != width) {
      throw refuse(file, "the model takes " + width + " features per row, but " + features.size() + " names are given");
    }
    if (card.testRows().length > 0 && card.testRows()[0].length != width) {
      throw refuse(file, CardFile.FILE + "'s testRows have " + card.testRows()[0].length + " values, but the model "
          + "takes " + width + " per row");
    }
    CheckRun.Outcome checkRun = CheckRun.run(file, env, session, graph, rowInput, card);
    return build(name, version, env, session, checked, card, graph.inputs(), checkRun, features,
        classes(file, classes, checkRun.outputs()), rowInput, width, metadata);
  }

  /** The classes: a ZipMap's keys (which the classes given must equal), else those given. */
  private static List<String> classes(Path file, List<String> given, List<ModelOutput> outputs) {
    for (ModelOutput output : outputs) {
      if (output instanceof ModelOutput.ZipMap zipMap) {
        List<String> keys = zipMap.keys().stream().map(String::valueOf).toList();
        if (!given.isEmpty() && !given.equals(keys)) {
          throw refuse(file, "the classes given (" + given + ") are not the ZipMap's (" + keys + ")");
        }
        return keys;
      }
    }
    return given;
  }

  private OnnxModel build(String name, int version, OrtEnvironment env, OrtSession session, ModelFile checked,
      CardFile card, List<TensorSpec> inputs, CheckRun.Outcome checkRun, List<String> features, List<String> classes,
      TensorSpec rowInput, int width, OnnxModelMetadata metadata) {
    List<ModelOutput> outputs = checkRun.outputs();
    RowSignature rows = rowInput == null ? null : RowInputs.signature(rowInput, width, features, classes, outputs);
    String description = card.description() != null ? card.description()
        : metadata.getDescription().isEmpty() ? null : cut(metadata.getDescription(), CardFile.MAX_TEXT);
    OnnxCard onnxCard = new OnnxCard(name, version, OnnxModel.PLATFORM, description, checked, producer(metadata),
        inputs, outputs.stream().map(ModelOutput::spec).toList(),
        !features.isEmpty() || rows == null ? features : rows.features(), classes,
        new OnnxCard.Session(env.getVersion(), settings.intraOpThreads(), settings.graphOptimization().toString()),
        checkRun.check());
    return new OnnxModel(name, version, env, session, inputs, outputs, rows, onnxCard, card.testRows(), buffers);
  }

  private static OnnxCard.Producer producer(OnnxModelMetadata metadata) {
    Map<String, String> properties = new LinkedHashMap<>();
    metadata.getCustomMetadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(32)
        .forEach(e -> properties.put(cut(e.getKey(), 256), cut(e.getValue(), 256)));
    long modelVersion = metadata.getVersion();
    return new OnnxCard.Producer(blankToNull(metadata.getProducerName()), blankToNull(metadata.getDomain()),
        blankToNull(metadata.getGraphName()), blankToNull(metadata.getGraphDescription()),
        modelVersion >= 0 && modelVersion != Long.MAX_VALUE ? modelVersion : null,
        properties.isEmpty() ? null : properties);
  }

  /** The file's own text, which /card serves on every call, within {@code max} characters. */
  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : cut(text, 256);
  }

  static ModelFormatException refuse(Path file, String reason) {
    return new ModelFormatException(file + ": " + reason);
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException | RuntimeException e) {
      // the model is refused either way; the reason it was is what matters
    }
  }
}
