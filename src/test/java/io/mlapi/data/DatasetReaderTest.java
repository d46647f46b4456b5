package io.mlapi.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {
  @TempDir
  Path dir;

  private Dataset parse(String csv, String target) {
    return DatasetReader.parse("data.csv", csv.getBytes(StandardCharsets.UTF_8), target);
  }

  private static DatasetException failure(Runnable parse) {
    try {
      parse.run();
    } catch (DatasetException e) {
      return e;
    }
    throw new AssertionError("expected a DatasetException");
  }

  @Test
  void read_headerRowAndTextLabels_sortsClassesAndIndexesTargets() {
    Dataset data = parse("a,b,kind\n1,2,dog\n3,4,cat\n5,6.5e1,dog\n", "kind");

    assertThat(data.featureNames()).containsExactly("a", "b");
    assertThat(data.target()).isEqualTo("kind");
    assertThat(data.classes()).containsExactly("cat", "dog");
    assertThat(data.targets()).containsExactly(1, 0, 1);
    assertThat(data.features()).isDeepEqualTo(new double[][] {{1, 2}, {3, 4}, {5, 65}});
    assertThat(data.sha256()).hasSize(64);
  }

  @Test
  void read_targetInTheMiddle_takesTheOtherColumnsAsFeaturesInOrder() {
    Dataset data = parse("x,label,y\n1,a,2\n3,b,4\n", "label");

    assertThat(data.featureNames()).containsExactly("x", "y");
    assertThat(data.features()).isDeepEqualTo(new double[][] {{1, 2}, {3, 4}});
  }

  @Test
  void read_noTargetGiven_usesTheLastColumn() {
    assertThat(parse("x,y,label\n1,2,a\n3,4,b\n", null).target()).isEqualTo("label");
  }

  @Test
  void sortedClasses_numericLabels_sortNumericallyLikeNpUnique() {
    assertThat(DatasetReader.sortedClasses(List.of("10", "9", "-1", "2.5"))).containsExactly("-1", "2.5", "9", "10");
    assertThat(DatasetReader.sortedClasses(List.of("b", "B", "a", "10", "9"))).containsExactly("10", "9", "B", "a", "b");
  }

  @Test
  void read_quotedFields_unquotesCommasAndDoubledQuotes() {
    Dataset data = parse("x,\"the, label\"\n1,\"a \"\"big\"\" one\"\n2,plain\n", null);

    assertThat(data.target()).isEqualTo("the, label");
    assertThat(data.classes()).containsExactly("a \"big\" one", "plain");
  }

  @Test
  void read_scikitLearnBundledFormat_namesClassesFromTheFirstLine() {
    Dataset data = parse("3,2,setosa,versicolor\n1.0,2.0,0\n3.0,4.0,1\n5.0,6.0,0\n", null);

    assertThat(data.featureNames()).containsExactly("feature_0", "feature_1");
    assertThat(data.target()).isEqualTo("target");
    assertThat(data.classes()).containsExactly("setosa", "versicolor");
    assertThat(data.targets()).containsExactly(0, 1, 0);
  }

  @Test
  void read_gzipCompressedFile_isReadTransparently() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write("x,y\n1,a\n2,b\n".getBytes(StandardCharsets.UTF_8));
    }
    Path file = Files.write(dir.resolve("data.csv.gz"), bytes.toByteArray());

    assertThat(DatasetReader.read(file, null).classes()).containsExactly("a", "b");
  }

  @Test
  void read_missingTargetColumn_namesTheFileAndTheColumns() {
    assertThat(failure(() -> parse("x,y,label\n1,2,a\n", "species")))
        .hasMessage("data.csv:1: no column \"species\" in the header; the columns are x, y, label");
  }

  @Test
  void read_nonNumericFeature_namesFileLineAndColumn() {
    DatasetException e = failure(() -> parse("x,y,label\n1,2,a\n3,abc,b\n", null));

    assertThat(e).hasMessage("data.csv:3:2: column \"y\": \"abc\" is not a number");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isEqualTo(2);
  }

  @Test
  void read_nanOrHexOrSuffixedNumber_isNotANumber() {
    for (String bad : List.of("NaN", "Infinity", "0x1p3", "1.0d", "1,0")) {
      String csv = "x,label\n\"" + bad + "\",a\n2,b\n";
      assertThat(failure(() -> parse(csv, null))).hasMessageContaining("is not a number");
    }
  }

  @Test
  void read_numberTooLargeForADouble_isRefused() {
    assertThat(failure(() -> parse("x,label\n1e999,a\n2,b\n", null)))
        .hasMessage("data.csv:2:1: column \"x\": 1e999 is too large for a double");
  }

  @Test
  void read_emptyFeature_isRefused() {
    assertThat(failure(() -> parse("x,y,label\n1,,a\n", null)))
        .hasMessage("data.csv:2:2: column \"y\" is empty; every feature needs a number");
  }

  @Test
  void read_raggedRow_namesTheLineAndTheFirstMissingColumn() {
    assertThat(failure(() -> parse("x,y,label\n1,2,a\n3,b\n", null)))
        .hasMessage("data.csv:3:3: 2 fields, but the header has 3 columns");
    assertThat(failure(() -> parse("x,y,label\n1,2,a,9\n", null)))
        .hasMessage("data.csv:2:4: 4 fields, but the header has 3 columns");
  }

  @Test
  void read_emptyFile_saysAHeaderIsExpected() {
    assertThat(failure(() -> parse("", null)))
        .hasMessage("data.csv:1: the file is empty; expected a header row naming the columns");
    assertThat(failure(() -> parse("\n  \n", null))).hasMessageContaining("the file is empty");
  }

  @Test
  void read_headerOnly_saysThereAreNoRows() {
    assertThat(failure(() -> parse("x,label\n", null))).hasMessage("data.csv:2: no data rows after the header");
  }

  @Test
  void read_oneClassOnly_isRefusedNamingTheTargetColumn() {
    assertThat(failure(() -> parse("x,label\n1,a\n2,a\n", null)))
        .hasMessage("data.csv:1:2: the target column \"label\" holds one class only (\"a\"); "
            + "a classifier needs two or more");
  }

  @Test
  void read_emptyLabel_isRefused() {
    assertThat(failure(() -> parse("x,label\n1,\n", null)))
        .hasMessage("data.csv:2:2: the target column \"label\" is empty");
  }

  @Test
  void read_duplicateOrEmptyColumnNames_areRefused() {
    assertThat(failure(() -> parse("x,x,label\n1,2,a\n", null)))
        .hasMessage("data.csv:1:2: column \"x\" appears twice in the header");
    assertThat(failure(() -> parse("x,,label\n1,2,a\n", null)))
        .hasMessage("data.csv:1:2: the header has an empty column name");
  }

  @Test
  void read_onlyATargetColumn_isRefused() {
    assertThat(failure(() -> parse("label\na\nb\n", null)))
        .hasMessage("data.csv:1: the header has only the target column \"label\"; at least one feature is needed");
  }

  @Test
  void read_unterminatedQuote_isRefused() {
    assertThat(failure(() -> parse("x,label\n1,\"a\n", null)))
        .hasMessage("data.csv:2:2: unterminated quoted field");
  }

  @Test
  void read_scikitLearnFormatWithBadClassIndex_isRefused() {
    assertThat(failure(() -> parse("2,1,a,b\n1.0,0\n2.0,7\n", null)))
        .hasMessage("data.csv:3:2: class index \"7\" is not one of 0..1 named in line 1");
  }

  @Test
  void read_missingFile_saysSo() {
    Path missing = dir.resolve("nope.csv");
    assertThatThrownBy(() -> DatasetReader.read(missing, null)).hasMessage(missing + ": no such file");
  }

  @Test
  void iris_isTheBundled150Rows() {
    Dataset iris = DatasetReader.iris();

    assertThat(iris.rowCount()).isEqualTo(150);
    assertThat(iris.source()).isEqualTo("iris (bundled)");
    assertThat(iris.features()[0]).containsExactly(5.1, 3.5, 1.4, 0.2);
  }
}
