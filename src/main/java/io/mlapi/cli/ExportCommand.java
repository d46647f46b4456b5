package io.mlapi.cli;

import io.mlapi.data.Scaler;
import io.mlapi.model.ModelReader;
import io.mlapi.model.TrainedModel;
import io.mlapi.onnx.OnnxExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mlapi export --onnx}: a model mlapi trained, as an ONNX file that runs wherever ONNX does. */
@Command(name = "export", sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Writes a classifier mlapi trained as an ONNX-ML model, for ONNX Runtime, Triton or a browser.",
        "%nAn SVC or NuSVC becomes an SVMClassifier, behind a Scaler where the model scales its features; serve "
            + "it from a repository as model.onnx. Before it writes, ONNX Runtime runs the export on the model's "
            + "test rows and must give the same labels. Input input-0 FP32 [rows, features]; outputs label and "
            + "probabilities (models trained with --probability) or decision_values. docs/onnx.md has the details."})
final class ExportCommand implements Callable<Integer> {
  private final PrintWriter out;
  private final PrintWriter err;

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--onnx", description = "Export as ONNX (the only format so far).")
  boolean onnx;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "The model directory, as 'mlapi train' writes it (e.g. models/iris or REPOSITORY/iris/1).")
  Path model;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "The ONNX file to write (e.g. model.onnx); replaced atomically.")
  Path output;

  ExportCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws IOException {
    if (!onnx) {
      throw new ParameterException(spec.commandLine(), "say which format to export to: --onnx (the only one so far)");
    }
    if (Files.isDirectory(output)) {
      throw new ParameterException(spec.commandLine(), "--output " + output + " is a directory; name a file, e.g. "
          + output.resolve("model.onnx"));
    }
    TrainedModel trained = ModelReader.read(model);
    byte[] bytes;
    try {
      bytes = OnnxExport.of(trained);
    } catch (IllegalArgumentException e) { // a kind of model the export does not take: the user's choice
      throw new ParameterException(spec.commandLine(), "--model " + model + ": " + e.getMessage(), e);
    }
    int rows = trained.sampleRows().length;
    int same = OnnxExport.sameLabels(bytes, trained);
    write(bytes);
    out.printf("exported %s version %d (%s, %s kernel, %d support vectors%s) to %s, %d bytes%n", trained.name(),
        trained.version(), trained.card().algorithm(), trained.card().parameters().kernel(),
        trained.svm().supportVectorCount(), trained.scaler().kind() == Scaler.Kind.NONE ? ""
            : ", behind its " + trained.scaler().kind().label() + " scaler", output, bytes.length);
    out.printf("ONNX Runtime gives mlapi's label for %d of the model's %d test rows%n", same, rows);
    out.flush();
    if (same < rows) {
      err.println("mlapi export: warning: ONNX-ML computes in float32, and " + (rows - same) + " test rows lie so "
          + "close to a decision boundary that it labels them otherwise");
      err.flush();
    }
    return ExitCodes.OK;
  }

  /** Beside the target, then one rename: readers see the old file or the new one, never half of one. */
  private void write(byte[] bytes) throws IOException {
    Path target = output.toAbsolutePath();
    Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.write(temporary, bytes);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

}
