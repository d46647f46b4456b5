package io.mlapi.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This build's version, from {@code io/mlapi/version.properties} (filled in by Maven). */
public final class MlapiVersion {
  /** The version, e.g. {@code 0.1.0} or {@code 0.1.0-SNAPSHOT}. */
  public static final String VALUE = load();

  /** The LIBSVM release the trainer and the model format come from. */
  public static final String LIBSVM = "3.35";

  /** The LIBLINEAR Java release LinearSVC models are trained with and saved in the format of. */
  public static final String LIBLINEAR = "2.44";

  private MlapiVersion() {}

  private static String load() {
    try (InputStream in = MlapiVersion.class.getResourceAsStream("/io/mlapi/version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
