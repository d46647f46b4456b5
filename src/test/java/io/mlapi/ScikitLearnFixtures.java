package io.mlapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files {@code scripts/sklearn_reference.py} writes into {@code src/test/resources/sklearn/}:
 * what numpy and scikit-learn answered, which the parity tests hold mlapi to.
 */
public final class ScikitLearnFixtures {
  private ScikitLearnFixtures() {}

  public static JsonNode json(String name) {
    try (InputStream in = ScikitLearnFixtures.class.getResourceAsStream("/sklearn/" + name)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path path(String name) {
    try {
      return Path.of(ScikitLearnFixtures.class.getResource("/sklearn/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).intValue();
    }
    return values;
  }

  public static long[] longs(JsonNode array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).longValue();
    }
    return values;
  }

  public static double[] doubles(JsonNode array) {
    double[] values = new double[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).doubleValue();
    }
    return values;
  }

  public static double[][] matrix(JsonNode array) {
    double[][] rows = new double[array.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = doubles(array.get(i));
    }
    return rows;
  }

  /** The elements of a JSON array, for parameterised tests. */
  public static List<JsonNode> elements(JsonNode array) {
    List<JsonNode> elements = new ArrayList<>();
    array.forEach(elements::add);
    return elements;
  }
}
