package io.mlapi.batch;

import io.mlapi.data.CsvReader;
import io.mlapi.data.DatasetException;
import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import io.mlapi.model.Model;
import io.mlapi.model.RowPrediction;
import io.mlapi.model.RowSignature;
import io.mlapi.model.Tensor;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Predicts every row of a CSV file into a new CSV file: each input line as it was, then the
 * prediction (a class label, or a number for a regressor) and, for a model with probabilities, one
 * probability column per class. Any model that takes rows ({@link Model#rows()}) will do.
 *
 * <p>The input streams through in chunks: the calling thread reads lines and writes results in
 * input order, while a pool of worker threads parses and predicts the chunks in between. At most
 * a few chunks per worker are in flight, so memory stays flat however large the file. The output
 * is written to a temporary file beside it and renamed into place only when complete, so a
 * failure never leaves half a file where the output (or an older good one) should be.
 */
public final class BatchPredictor {
  static final String PREDICTION_COLUMN = "prediction";
  static final String PROBABILITY_PREFIX = "probability_";

  /** What to do with a row that cannot be predicted: stop (and write nothing), or leave it out. */
  public enum OnError {
    FAIL, SKIP
  }

  /** Hears how far a run has got, after each chunk is written; called on the caller's thread. */
  @FunctionalInterface
  public interface Progress {
    void update(long rowsWritten, long bytesRead);
  }

  /**
   * How a run went.
   *
   * @param rows rows predicted and written
   * @param skipped rows left out as bad (with {@link OnError#SKIP}; always 0 with {@code FAIL})
   * @param errors the messages of the first skipped rows ({@code file:line:column: what}), in order
   */
  public record Summary(long rows, long skipped, List<String> errors) {}

  /** How many bad rows a summary lists; the rest are counted. */
  static final int LISTED_ERRORS = 20;

  private final Model model;
  private final RowSignature signature;
  private final int threads;
  private final int chunkRows;
  private final OnError onError;

  /**
   * @param threads worker threads, at least 1 (all cores: {@code availableProcessors()})
   * @param chunkRows rows per unit of work handed to a worker, at least 1
   * @throws IllegalArgumentException when the model does not take rows of features
   */
  public BatchPredictor(Model model, int threads, int chunkRows, OnError onError) {
    this.signature = model.rows().orElseThrow(() -> new IllegalArgumentException("model " + model.name()
        + " takes tensors, not rows of features: it cannot score a CSV file"));
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1 row, got " + chunkRows);
    }
    this.model = model;
    this.threads = threads;
    this.chunkRows = chunkRows;
    this.onError = onError;
  }

  /**
   * Predicts {@code input} into {@code output}, replacing it atomically when all went well.
   *
   * @throws DatasetException when the input cannot be used (no such file, a missing feature column,
   *     a bad row with {@link OnError#FAIL}); {@code output} is then left as it was
   * @throws UncheckedIOException when a file cannot be read or written
   */
  public Summary predict(Path input, Path output, Progress progress) {
    Path target = output.toAbsolutePath();
    Path temporary = null;
    try (InputStream raw = open(input)) {
      CountingInputStream counted = new CountingInputStream(raw);
      BufferedReader in = new BufferedReader(new InputStreamReader(counted, StandardCharsets.UTF_8), 1 << 16);
      temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8)
          + ".tmp");
      Summary summary;
      // Created as any new file is (the umask decides its mode, unlike createTempFile's 0600); a
      // file it replaces keeps its own mode.
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        keepMode(target, temporary);
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        summary = predict(new CsvReader(in, input.toString()), out, rows -> progress.update(rows, counted.count));
        out.flush();
        channel.force(true);
      }
      move(temporary, target);
      temporary = null;
      return summary;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException e) {
          // the failure being reported matters more than a leftover hidden file
        }
      }
    }
  }

  private static InputStream open(Path input) {
    try {
      return Files.newInputStream(input);
    } catch (NoSuchFileException e) {
      throw new DatasetException(input.toString(), 0, 0, "no such file");
    } catch (IOException e) {
      throw new DatasetException(input.toString(), 0, 0, "cannot be read: " + e.getMessage());
    }
  }

  /** Gives {@code replacement} the permissions of {@code existing}, if it exists and the file system has them. */
  private static void keepMode(Path existing, Path replacement) throws IOException {
    try {
      Files.setPosixFilePermissions(replacement, Files.getPosixFilePermissions(existing));
    } catch (NoSuchFileException | UnsupportedOperationException e) {
      // a new output, or no POSIX permissions here: the new file's own mode stands
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Predicts every row {@code csv} holds into {@code out}; the streaming core of {@link #predict(Path, Path, Progress)}. */
  Summary predict(CsvReader csv, OutputStream out, LongConsumer rowsWritten) throws IOException {
    String headerLine = csv.nextLine();
    if (headerLine == null) {
      throw new DatasetException(csv.file(), 1, 0, "the file is empty; expected a header row naming the columns");
    }
    String[] header = csv.fields(headerLine, 1);
    csv.requireColumnNames(header);
    Layout layout = layout(csv.file(), header);
    out.write((headerLine + layout.extraHeader + "\n").getBytes(StandardCharsets.UTF_8));

    ExecutorService workers = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "mlapi-predict");
      thread.setDaemon(true);
      return thread;
    });
    try {
      ArrayDeque<Future<Chunk>> inFlight = new ArrayDeque<>();
      long rows = 0;
      long skipped = 0;
      List<String> errors = new ArrayList<>();
      boolean more = true;
      while (more || !inFlight.isEmpty()) {
        while (more && inFlight.size() < 2 * threads) {
          String[] lines = new String[chunkRows];
          int[] lineNumbers = new int[chunkRows];
          int n = 0;
          for (String line; n < chunkRows && (line = csv.nextLine()) != null; n++) {
            lines[n] = line;
            lineNumbers[n] = csv.lineNumber();
          }
          more = n == chunkRows;
          if (n > 0) {
            int count = n;
            inFlight.add(workers.submit(() -> predictChunk(csv, layout, lines, lineNumbers, count)));
          }
        }
        if (inFlight.isEmpty()) {
          break;
        }
        Chunk chunk = result(inFlight.remove());
        if (!chunk.errors.isEmpty()) {
          if (onError == OnError.FAIL) {
            throw chunk.errors.get(0);
          }
          skipped += chunk.errors.size();
          for (DatasetException error : chunk.errors) {
            if (errors.size() < LISTED_ERRORS) {
              errors.add(error.getMessage());
            }
          }
        }
        out.write(chunk.output);
        rows += chunk.rows;
        rowsWritten.accept(rows);
      }
      return new Summary(rows, skipped, List.copyOf(errors));
    } finally {
      workers.shutdownNow();
    }
  }

  private static Chunk result(Future<Chunk> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Where the model's features are among the input's columns, and the columns the output adds. */
  private record Layout(int columns, int[] featureColumns, String extraHeader) {}

  private Layout layout(String file, String[] header) {
    List<String> columns = Arrays.asList(header);
    List<String> features = signature.features();
    List<String> missing = features.stream().filter(f -> !columns.contains(f)).toList();
    if (!missing.isEmpty()) {
      throw new DatasetException(file, 1, 0, "no column" + (missing.size() > 1 ? "s " : " ")
          + String.join(", ", missing) + " in the header; model " + model.name() + " takes "
          + String.join(", ", features) + " (in any order, other columns are passed through)");
    }
    List<String> added = new ArrayList<>();
    added.add(PREDICTION_COLUMN);
    if (signature.probabilities() != null) {
      signature.classes().forEach(c -> added.add(PROBABILITY_PREFIX + c));
    }
    StringBuilder extraHeader = new StringBuilder();
    for (String column : added) {
      if (columns.contains(column)) {
        throw new DatasetException(file, 1, columns.indexOf(column) + 1, "the input has a column \"" + column
            + "\" already, which the output adds; rename it");
      }
      extraHeader.append(',').append(csvField(column));
    }
    int[] featureColumns = features.stream().mapToInt(columns::indexOf).toArray();
    return new Layout(header.length, featureColumns, extraHeader.toString());
  }

  /** The output lines of one chunk, and its bad rows; runs on a worker thread. */
  private Chunk predictChunk(CsvReader csv, Layout layout, String[] lines, int[] lineNumbers, int count) {
    List<String> names = signature.features();
    double[][] rows = new double[count][];
    int[] lineOf = new int[count];
    int good = 0;
    List<DatasetException> errors = new ArrayList<>(0);
    int[] bounds = new int[layout.columns + 2];
    for (int r = 0; r < count; r++) {
      String line = lines[r];
      int lineNumber = lineNumbers[r];
      try {
        double[] x = new double[layout.featureColumns.length];
        int fields = CsvReader.bounds(line, bounds);
        if (fields == layout.columns) { // the usual case: no quotes, numbers read in place
          for (int f = 0; f < x.length; f++) {
            int column = layout.featureColumns[f];
            x[f] = csv.number(line, bounds[column], bounds[column + 1] - 1, names.get(f), lineNumber, column + 1);
          }
        } else {
          String[] record = csv.fields(line, lineNumber);
          if (record.length != layout.columns) {
            throw new DatasetException(csv.file(), lineNumber, Math.min(record.length, layout.columns) + 1,
                record.length + " fields, but the header has " + layout.columns + " columns");
          }
          for (int f = 0; f < x.length; f++) {
            x[f] = csv.number(record, layout.featureColumns[f], names.get(f), lineNumber);
          }
        }
        rows[good] = x;
        lineOf[good++] = r;
      } catch (DatasetException e) {
        errors.add(e);
        if (onError == OnError.FAIL) {
          break; // the first bad row ends the run; the rest of the chunk need not be read
        }
      }
    }
    if (!errors.isEmpty() && onError == OnError.FAIL) {
      return new Chunk(new byte[0], 0, errors);
    }
    boolean probabilities = signature.probabilities() != null;
    StringBuilder text = new StringBuilder(count * (lines[0].length() + 24));
    if (good > 0) {
      RowPrediction prediction;
      try {
        prediction = model.predictRows(good == count ? rows : Arrays.copyOf(rows, good), probabilities, false);
      } catch (InferenceException e) {
        errors.add(new DatasetException(csv.file(), lineNumbers[lineOf[0]], 0, e.getMessage()));
        return new Chunk(new byte[0], 0, errors);
      }
      Tensor predictions = prediction.predictions();
      Tensor p = prediction.probabilities();
      int classes = signature.classes().size();
      Map<byte[], String> labels = new IdentityHashMap<>(); // models share one byte[] per class label
      for (int i = 0; i < good; i++) {
        text.append(lines[lineOf[i]]).append(',');
        if (predictions.datatype() == Datatype.BYTES) {
          byte[] label = ((byte[][]) predictions.data())[i];
          text.append(labels.computeIfAbsent(label, b -> csvField(new String(b, StandardCharsets.UTF_8))));
        } else {
          appendNumber(text, predictions, i);
        }
        if (probabilities) {
          for (int c = 0; c < classes; c++) {
            appendNumber(text.append(','), p, i * classes + c);
          }
        }
        text.append('\n');
      }
    }
    return new Chunk(text.toString().getBytes(StandardCharsets.UTF_8), good, errors);
  }

  /** An element as Java writes its type: integers without a fraction, FP32 as the float it is. */
  private static void appendNumber(StringBuilder text, Tensor tensor, int i) {
    switch (tensor.datatype()) {
      case FP64 -> text.append(((double[]) tensor.data())[i]);
      case FP32 -> text.append(((float[]) tensor.data())[i]);
      case BOOL -> text.append(((boolean[]) tensor.data())[i]);
      default -> text.append((long) tensor.number(i));
    }
  }

  private record Chunk(byte[] output, int rows, List<DatasetException> errors) {}

  /** {@code value} as one CSV field: quoted when it holds a comma, a quote or surrounding spaces. */
  static String csvField(String value) {
    boolean plain = !value.isEmpty() && value.strip().equals(value)
        && value.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
    return plain ? value : '"' + value.replace("\"", "\"\"") + '"';
  }

  /** Counts the bytes read through it, for a progress estimate against the file size. */
  private static final class CountingInputStream extends FilterInputStream {
    private long count; // read and written on the reading thread only

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
