package io.mlapi.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.HeadlessChromium;
import io.mlapi.MlapiProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The web console shows an ONNX model's card (its graph's inputs and outputs, its model.json) in real Chromium. */
@Timeout(180)
class OnnxConsoleIT {
  @TempDir
  Path dir;

  @Test
  void onnxModel_cardShowsTheGraphAndTheCard_withoutBrowserErrors() {
    OnnxFixtures.publish(dir.resolve("repository"), "clf", 1, OnnxFixtures.bytes("classifier_svm"),
        "{\"description\": \"Iris species, scikit-learn SVC\", \"features\": [\"sepal_length\", \"sepal_width\", "
            + "\"petal_length\", \"petal_width\"]}");
    try (MlapiProcess mlapi = MlapiProcess.start(Map.of(), "serve", "--repository", dir.resolve("repository").toString(),
            "--port", "0", "--poll-interval", "0", "--drain-delay", "0s");
        HeadlessChromium chromium = HeadlessChromium.start(dir.resolve("chromium-profile"))) {
      mlapi.awaitReady(Duration.ofMinutes(2));

      chromium.driver().get("http://127.0.0.1:" + mlapi.port() + "/#/clf/1");
      chromium.await(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("onnx-outputs")));

      assertThat(chromium.driver().findElement(By.id("onnx-description")).getText())
          .isEqualTo("Iris species, scikit-learn SVC");
      assertThat(chromium.driver().findElement(By.id("onnx-inputs")).getText()).contains("float_input FP32 [-1, 4]");
      assertThat(chromium.driver().findElement(By.id("onnx-outputs")).getText())
          .contains("output_label BYTES [-1]", "output_probability FP32 [-1, 3]");
      assertThat(chromium.driver().findElement(By.id("card")).getText())
          .contains("setosa, versicolor, virginica", "sepal_length, sepal_width, petal_length, petal_width",
              "ONNX Runtime 1.29.0");
      assertThat(chromium.driver().findElement(By.id("try")).isDisplayed()).isFalse();
      assertThat(chromium.consoleMessages()).filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
          .as("messages in the browser's console").isEmpty();
    }
  }
}
