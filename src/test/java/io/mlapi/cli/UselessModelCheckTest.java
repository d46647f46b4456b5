package io.mlapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.data.Split;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warning {@code train} gives for a model its split made useless, and its silence otherwise. */
class UselessModelCheckTest {
  private static final List<String> CLASSES = List.of("a", "b", "c");

  @TempDir
  Path dir;

  @Test
  void aTestClassTheTrainingRowsBarelyHave_andTheModelMisses_isNamedWithTheFix() {
    int[] train = {59, 71, 12};
    int[][] confusion = {{0, 0, 0}, {0, 0, 0}, {30, 6, 0}};

    List<String> warnings = UselessModelCheck.warnings(CLASSES, train, confusion, Split.TUTORIAL);

    assertThat(warnings).containsExactly("class \"c\" is 100% of the test rows but 8% of the training rows (12 of 142), "
        + "and the model gets 0 of its 36 test rows right; the tutorial split holds out the last rows unshuffled, so a "
        + "file sorted by class tests on classes it barely trained on: --split stratified holds out the same share of "
        + "every class");
  }

  @Test
  void worseThanAlwaysAnsweringTheCommonestTrainingClass_isNamed() {
    int[] train = {60, 20, 20};
    int[][] confusion = {{4, 6, 0}, {0, 5, 0}, {0, 5, 0}}; // 9 of 20 right; always "a" gets 10

    List<String> warnings = UselessModelCheck.warnings(CLASSES, train, confusion, Split.STRATIFIED);

    assertThat(warnings).containsExactly("test accuracy 0.45 is below the 0.5 of always answering \"a\", the most "
        + "common class in the training rows: the model is worse than no model; check the data, or try other parameters "
        + "(--kernel, --C, --gamma)");
  }

  /** The tutorial's own Iris model: its test rows are all virginica, but it gets 21 of 30: no warning. */
  @Test
  void theTutorialsModel_orABalancedOne_getsNoWarning() {
    assertThat(UselessModelCheck.warnings(CLASSES, new int[] {50, 50, 20}, new int[][] {{0, 0, 0}, {0, 0, 0}, {0, 9, 21}},
        Split.TUTORIAL)).isEmpty();
    assertThat(UselessModelCheck.warnings(CLASSES, new int[] {40, 40, 40}, new int[][] {{10, 0, 0}, {0, 9, 1}, {0, 2, 8}},
        Split.STRATIFIED)).isEmpty();
    assertThat(UselessModelCheck.warnings(CLASSES, new int[] {40, 40, 40}, new int[3][3], Split.STRATIFIED)).isEmpty();
  }

  @Test
  void train_wineSortedByClass_onTheTutorialSplit_warnsAndSaysWhichFlagFixesIt_stratifiedDoesNot() {
    CommandLineRun tutorial = CommandLineRun.run("train", "--data", "examples/wine.csv", "--target", "class",
        "--model-dir", dir.toString());
    CommandLineRun stratified = CommandLineRun.run("train", "--data", "examples/wine.csv", "--target", "class",
        "--split", "stratified", "--kernel", "linear", "--model-dir", dir.toString());
    CommandLineRun iris = CommandLineRun.run("train", "--model-dir", dir.toString());

    assertThat(tutorial.exitCode()).isZero();
    assertThat(tutorial.out()).contains("test accuracy 0.0 on 36 rows (tutorial split");
    assertThat(tutorial.err()).startsWith("warning: class \"class_2\" is 100% of the test rows but 8% of the training "
        + "rows (12 of 142), and the model gets 0 of its 36 test rows right; ").contains("--split stratified");
    assertThat(stratified.exitCode()).isZero();
    assertThat(stratified.err()).isEmpty();
    assertThat(iris.err()).isEmpty();
  }
}
