package io.mlapi.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.mlapi.model.Datatype;
import io.mlapi.model.ModelFormatException;
import io.mlapi.model.RowSignature;
import io.mlapi.model.Tensor;
import io.mlapi.model.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
  /** The largest input the load check generates (elements). */
  static final long MAX_CHECK_ELEMENTS = 1 << 24;

  private final OnnxSettings settings;
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
    List<TensorSpec> inputs = new ArrayList<>();
    for (NodeInfo input : session.getInputInfo().values()) {
      if (!(input.getInfo() instanceof TensorInfo tensor)) {
        throw refuse(file, "input " + input.getName() + " is " + input.getInfo() + "; mlapi passes tensors only");
      }
      inputs.add(spec(file, "input", input.getName(), tensor));
    }
    Map<String, ValueInfo> outputInfo = new LinkedHashMap<>();
    for (NodeInfo output : session.getOutputInfo().values()) {
      outputInfo.put(output.getName(), output.getInfo());
      if (!(output.getInfo() instanceof TensorInfo) && !isZipMap(output.getInfo())) {
        throw refuse(file, "output " + output.getName() + " is " + describe(output.getInfo()) + "; mlapi answers "
            + "tensors, and sequences of maps of class to probability (scikit-learn's ZipMap) as FP32 tensors");
      }
    }
    OnnxModelMetadata metadata = session.getMetadata();
    Map<String, String> properties = metadata.getCustomMetadata();
    List<String> features = !card.features().isEmpty() ? card.features()
        : ExportMetadata.names(properties, ExportMetadata.FEATURES, file);
    List<String> classes = !card.classes().isEmpty() ? card.classes()
        : ExportMetadata.names(properties, ExportMetadata.CLASSES, file);

    TensorSpec rowInput = RowInputs.rowInput(inputs);
    int width = rowInput == null ? -1 : (int) rowInput.shape()[1];
    if (rowInput == null && (!features.isEmpty() || card.testRows().length > 0)) {
      throw refuse(file, CardFile.FILE + " gives " + (features.isEmpty() ? "testRows" : "features") + ", but the model "
          + "takes no rows: that needs one FP32 or FP64 input of shape [rows, features]; its inputs are "
          + describe(inputs));
    }
    if (width < 0) { // a dynamic feature dimension: the names or the test rows tell the width
      width = !features.isEmpty() ? features.size() : card.testRows().length > 0 ? card.testRows()[0].length : -1;
    }
    if (!features.isEmpty() && features.size() != width) {
      throw refuse(file, "the model takes " + width + " features per row, but " + features.size() + " names are given");
    }
    if (card.testRows().length > 0 && width >= 0 && card.testRows()[0].length != width) {
      throw refuse(file, CardFile.FILE + "'s testRows have " + card.testRows()[0].length + " values, but the model "
          + "takes " + width + " per row");
    }

    // The check run: every output, on the test rows or on a generated input.
    boolean testRows = card.testRows().length > 0;
    Map<String, OnnxTensor> feeds = new HashMap<>();
    List<ModelOutput> outputs = new ArrayList<>();
    int rows;
    try {
      for (TensorSpec input : inputs) {
        Tensor tensor = testRows && input == rowInput
            ? Tensor.fromRows(input.name(), input.datatype(), card.testRows(), card.testRows()[0].length)
            : generated(file, input);
        feeds.put(input.name(), OrtTensors.toOrt(env, tensor));
      }
      rows = testRows ? card.testRows().length : 1;
      try (OrtSession.Result result = session.run(feeds)) {
        List<String> matched = new ArrayList<>();
        for (Map.Entry<String, ValueInfo> entry : outputInfo.entrySet()) {
          String output = entry.getKey();
          OnnxValue value = result.get(output).orElseThrow();
          ModelOutput form = form(file, output, entry.getValue(), value);
          Tensor answer = form.read(value);
          outputs.add(form);
          JsonExpectation.check(file, card, output, answer).ifPresent(matched::add);
        }
        for (String expected : card.expected().keySet()) {
          if (!outputInfo.containsKey(expected)) {
            throw refuse(file, CardFile.FILE + " expects values of output \"" + expected + "\", which the model does "
                + "not have; its outputs are " + String.join(", ", outputInfo.keySet()));
          }
        }
        return build(file, name, version, env, session, checked, card, inputs, outputs, features, classes,
            rowInput, width, new OnnxCard.Check(testRows ? "testRows" : "generated", rows, matched), metadata);
      }
    } catch (OrtException e) {
      throw refuse(file, "the check run on " + (testRows ? "the test rows of " + CardFile.FILE
          : "a generated input (give testRows in " + CardFile.FILE + " to check it on real rows)") + " failed: "
          + OnnxModel.message(e));
    } finally {
      OnnxValue.close(feeds);
    }
  }

  private OnnxModel build(Path file, String name, int version, OrtEnvironment env, OrtSession session,
      ModelFile checked, CardFile card, List<TensorSpec> inputs, List<ModelOutput> outputs, List<String> features,
      List<String> classes, TensorSpec rowInput, int width, OnnxCard.Check check, OnnxModelMetadata metadata) {
    List<String> zipMapClasses = outputs.stream().filter(ModelOutput.ZipMap.class::isInstance)
        .findFirst().map(zip -> ((ModelOutput.ZipMap) zip).keys().stream().map(String::valueOf).toList())
        .orElse(null);
    if (zipMapClasses != null && !classes.isEmpty() && !classes.equals(zipMapClasses)) {
      throw refuse(file, "the classes given (" + classes + ") are not the ZipMap's (" + zipMapClasses + ")");
    }
    List<String> allClasses = zipMapClasses != null ? zipMapClasses : classes;
    List<TensorSpec> outputSpecs = outputs.stream().map(ModelOutput::spec).toList();
    RowSignature rows = rowInput == null ? null
        : RowInputs.signature(rowInput, width, features, allClasses, outputs);
    List<String> rowFeatures = rows == null ? List.of() : rows.features();
    String description = card.description() != null ? card.description()
        : metadata.getDescription().isEmpty() ? null : metadata.getDescription();
    OnnxCard onnxCard = new OnnxCard(name, version, OnnxModel.PLATFORM, description, checked,
        producer(metadata), inputs, outputSpecs, rowFeatures, allClasses,
        new OnnxCard.Session(env.getVersion(), settings.intraOpThreads(), settings.graphOptimization().toString()),
        check);
    return new OnnxModel(name, version, env, session, inputs, outputs, rows, onnxCard, card.testRows());
  }

  private static OnnxCard.Producer producer(OnnxModelMetadata metadata) throws ModelFormatException {
    Map<String, String> properties = new LinkedHashMap<>();
    metadata.getCustomMetadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(32)
        .forEach(e -> properties.put(cut(e.getKey()), cut(e.getValue())));
    long modelVersion = metadata.getVersion();
    return new OnnxCard.Producer(blankToNull(metadata.getProducerName()), blankToNull(metadata.getDomain()),
        blankToNull(metadata.getGraphName()), blankToNull(metadata.getGraphDescription()),
        modelVersion >= 0 && modelVersion != Long.MAX_VALUE ? modelVersion : null,
        properties.isEmpty() ? null : properties);
  }

  private static String cut(String text) {
    return text.length() <= 256 ? text : text.substring(0, 253) + "...";
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : cut(text);
  }

  private static TensorSpec spec(Path file, String kind, String name, TensorInfo info) {
    Datatype datatype = OrtTensors.datatype(info.onnxType);
    if (datatype == null) {
      throw refuse(file, kind + " " + name + " is a tensor of " + OrtTensors.onnxName(info.onnxType) + ", which ONNX "
          + "Runtime's Java API cannot pass; mlapi serves FP32, FP64, FP16, INT8, INT16, INT32, INT64, UINT8, BOOL "
          + "and string (BYTES) tensors");
    }
    long[] shape = info.getShape();
    for (int i = 0; i < shape.length; i++) {
      shape[i] = Math.max(shape[i], -1); // symbolic dimensions are -1 already; nothing else below -1 means anything else
    }
    return new TensorSpec(name, datatype, shape);
  }

  private static boolean isZipMap(ValueInfo info) {
    if (!(info instanceof SequenceInfo sequence) || !sequence.isSequenceOfMaps()) {
      return false;
    }
    MapInfo map = sequence.mapInfo;
    return map.valueType == OnnxJavaType.FLOAT && (map.keyType == OnnxJavaType.INT64 || map.keyType == OnnxJavaType.STRING);
  }

  private static String describe(ValueInfo info) {
    if (info instanceof SequenceInfo sequence) {
      return sequence.isSequenceOfMaps() ? "a sequence of maps " + sequence.mapInfo.keyType + " to "
          + sequence.mapInfo.valueType : "a sequence of " + sequence.sequenceType + " tensors";
    }
    if (info instanceof MapInfo map) {
      return "a map " + map.keyType + " to " + map.valueType;
    }
    return String.valueOf(info);
  }

  private static String describe(List<TensorSpec> specs) {
    return String.join(", ", specs.stream().map(TensorSpec::toString).toList());
  }

  /** How an output is answered, from its declared type and its value in the check run. */
  private static ModelOutput form(Path file, String name, ValueInfo declared, OnnxValue value) throws OrtException {
    if (declared instanceof TensorInfo tensor) {
      TensorSpec spec = spec(file, "output", name, tensor);
      long[] actual = ((OnnxTensor) value).getInfo().getShape();
      if (spec.rank() == 0 && actual.length > 0) {
        // The graph declares no shape for it: say only the rank the run showed, every dimension dynamic.
        long[] shape = new long[actual.length];
        java.util.Arrays.fill(shape, -1);
        spec = new TensorSpec(name, spec.datatype(), shape);
      }
      return new ModelOutput.Plain(spec);
    }
    List<Object> keys = ZipMapKeys.of(file, name, value);
    return new ModelOutput.ZipMap(new TensorSpec(name, Datatype.FP32, new long[] {-1, keys.size()}), keys);
  }

  /** An input of zeros (false, empty strings), every dynamic dimension 1. */
  private static Tensor generated(Path file, TensorSpec spec) {
    long[] shape = spec.shape();
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shape[i] < 0 ? 1 : shape[i];
    }
    long count = Tensor.elementCount(shape);
    if (count < 0 || count > MAX_CHECK_ELEMENTS) {
      throw refuse(file, "input " + spec.name() + " has shape " + Tensor.shapeText(spec.shape()) + ": more than the "
          + MAX_CHECK_ELEMENTS + " elements mlapi generates to check a model");
    }
    int n = (int) count;
    Object data = switch (spec.datatype()) {
      case FP32 -> new float[n];
      case FP64 -> new double[n];
      case FP16, INT16, UINT16 -> new short[n];
      case INT8, UINT8 -> new byte[n];
      case INT32, UINT32 -> new int[n];
      case INT64, UINT64 -> new long[n];
      case BOOL -> new boolean[n];
      case BYTES -> {
        byte[][] empty = new byte[n][];
        java.util.Arrays.fill(empty, new byte[0]);
        yield empty;
      }
    };
    return new Tensor(spec.name(), spec.datatype(), shape, data);
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
