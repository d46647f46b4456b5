import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * ONNX Runtime's jar for the container image: its classes, and the native libraries of the image's
 * platform only. The published jar carries libraries for Linux, macOS and Windows on x64 and arm64
 * (54 MB); an image runs on one of them. Run by the Maven build (the image-onnxruntime execution):
 *
 *   java scripts/OnnxRuntimeForImage.java IN.jar PLATFORM OUT.jar     e.g. PLATFORM linux-x64
 *
 * Entries keep their order and times, so the same input makes the same bytes (reproducible layers).
 * Fails when the jar holds no libraries for PLATFORM, rather than make an image that cannot run ONNX.
 */
public class OnnxRuntimeForImage {
  private static final String NATIVES = "ai/onnxruntime/native/";

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: java scripts/OnnxRuntimeForImage.java IN.jar PLATFORM OUT.jar");
    }
    Path in = Path.of(args[0]);
    String platform = NATIVES + args[1] + "/";
    Path out = Path.of(args[2]).toAbsolutePath();
    Files.createDirectories(out.getParent());
    Path partial = out.resolveSibling(out.getFileName() + ".partial");
    int libraries = 0;
    try (ZipInputStream jar = new ZipInputStream(Files.newInputStream(in));
        OutputStream file = Files.newOutputStream(partial);
        ZipOutputStream repacked = new ZipOutputStream(file)) {
      for (ZipEntry entry = jar.getNextEntry(); entry != null; entry = jar.getNextEntry()) {
        String name = entry.getName();
        boolean otherPlatform = name.startsWith(NATIVES) && name.length() > NATIVES.length() && !name.startsWith(platform);
        if (otherPlatform) {
          continue;
        }
        ZipEntry copy = new ZipEntry(name);
        copy.setTime(entry.getTime());
        repacked.putNextEntry(copy);
        jar.transferTo(repacked);
        repacked.closeEntry();
        if (name.startsWith(platform) && !entry.isDirectory()) {
          libraries++;
        }
      }
    }
    if (libraries == 0) {
      Files.delete(partial);
      throw new IllegalStateException(in + " holds no native libraries under " + platform);
    }
    Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.printf("%s: %d native libraries of %s, %d bytes%n", out.getFileName(), libraries, args[1], Files.size(out));
  }
}
