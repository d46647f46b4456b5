package io.mlapi;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromium-driver by Selenium: nothing is
 * downloaded (Selenium Manager is never asked, since both binaries are given). Both come from
 * {@code scripts/ci-setup}; without them the tests fail saying so, rather than skip.
 */
public final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of(System.getProperty("mlapi.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("mlapi.chromedriver", "/usr/bin/chromedriver"));

  private final ChromeDriver driver;

  private HeadlessChromium(ChromeDriver driver) {
    this.driver = driver;
  }

  /**
   * Starts Chromium with a fresh profile in {@code profile}, with the flags this machine needs
   * (no sandbox as root; no background connections, which a closed network refuses).
   */
  public static HeadlessChromium start(Path profile) {
    for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(binary + " is missing: the console's browser tests need Debian's chromium and "
            + "chromium-driver; scripts/ci-setup installs them (apt-get install chromium chromium-driver)");
      }
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900",
        "--force-device-scale-factor=1", "--lang=en-US", "--hide-scrollbars");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogOutput(OutputStream.nullOutputStream())
        .build();
    try {
      return new HeadlessChromium(new ChromeDriver(service, options));
    } catch (RuntimeException e) {
      throw new IllegalStateException("Chromium did not start (" + CHROMIUM + " driven by " + CHROMEDRIVER + "): "
          + e.getMessage(), e);
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Waits up to {@code timeout} for the page to get where a test expects. */
  public WebDriverWait await(Duration timeout) {
    return new WebDriverWait(driver, timeout);
  }

  /** Runs {@code script} in the page and returns what it returns (JSON-like values: maps, lists, strings, numbers). */
  public Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Runs {@code script}, which ends by calling {@code arguments[arguments.length - 1]} with its result. */
  public Object asyncScript(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** The browser console's messages since the last call. */
  public List<LogEntry> consoleMessages() {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }

  /** A PNG of the whole page, not just the window: the window is made as tall as the page first. */
  public void screenshot(Path file) {
    Dimension window = driver.manage().window().getSize();
    // The window is a little taller than the page's viewport (the browser's own frame).
    long height = ((Number) script("return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight"))
        .longValue();
    driver.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(height, 8000)));
    script("window.scrollTo(0, 0)");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(window);
    }
  }

  /** Quits the browser and its driver. */
  @Override
  public void close() {
    driver.quit();
  }

}
