package io.mlapi.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.data.Dataset;
import io.mlapi.data.DatasetReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model directories of format 2 written by this build and committed (an SVC behind a scaler chosen
 * by a grid search, an SVR, a LinearSVC): later builds must keep loading them and predicting the
 * same. {@code TrainCommandTest} also retrains them with the command each card records and expects
 * the same bytes.
 */
class Format2ArtifactTest {
  static Path artifact(String name) {
    try {
      return Path.of(Format2ArtifactTest.class.getResource("/artifacts/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"wine-format2", "diabetes-format2", "cancer-linear-format2"})
  void committedFormat2Artifact_loadsAndMeasuresItselfAsRecorded(String name) {
    TrainedModel model = ModelReader.read(artifact(name));

    ModelCard card = model.card();
    assertThat(card.formatVersion()).isEqualTo(2);
    assertThat(card.command()).startsWith("mlapi train --data src/test/resources/sklearn/");
    assertThat(card.scaler().kind()).isNotEqualTo("none");
    assertThat(model.scaler().featureCount()).isEqualTo(card.features().size());
    double recorded = model.isRegression() ? card.metrics().r2() : card.metrics().accuracy();
    assertThat(model.accuracy()).isEqualTo(recorded);
    Dataset data = DatasetReader.read(Path.of(card.data().source()), card.data().target());
    assertThat(data.sha256()).isEqualTo(card.data().sha256());
  }

  @ParameterizedTest
  @ValueSource(strings = {"wine-format2"})
  void searchedArtifact_recordsEveryCandidateAndTheWinner(String name) {
    ModelCard.Search search = ModelReader.read(artifact(name)).card().search();

    assertThat(search.cv()).isEqualTo(3);
    assertThat(search.folds()).isEqualTo("StratifiedKFold");
    assertThat(search.candidates()).hasSize(6);
    assertThat(Stream.of(search.candidates().get(0).parameters().keySet().toArray())).containsExactly("C", "gamma");
    ModelCard.Candidate best = search.candidates().get(search.best());
    assertThat(best.rank()).isEqualTo(1);
    assertThat(search.candidates()).allSatisfy(c -> assertThat(c.meanScore()).isLessThanOrEqualTo(best.meanScore()));
  }
}
