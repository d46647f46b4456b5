package io.mlapi.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads format 1 (mlapi's first model directories: C-SVC only, no scaler, no search) as format 2:
 * the fields format 2 added get the values every format-1 model had.
 */
final class FormatOne {
  private FormatOne() {}

  static void upgrade(ObjectNode card) {
    card.put("estimator", "svc");
    card.put("task", ModelCard.CLASSIFICATION);
    card.putObject("scaler").put("kind", "none").putNull("file");
    card.putNull("search");
    card.putNull("command");
    if (card.get("parameters") instanceof ObjectNode parameters) {
      parameters.putNull("nu");
      parameters.putNull("epsilon");
      parameters.putNull("classWeight");
      parameters.putNull("loss");
      parameters.putNull("maxIter");
      parameters.putNull("multiClass");
    }
    if (card.get("metrics") instanceof ObjectNode metrics) {
      metrics.putNull("r2");
      metrics.putNull("mae");
      metrics.putNull("rmse");
      metrics.putNull("actualVsPredicted");
    }
    if (card.get("provenance") instanceof ObjectNode provenance) {
      provenance.putNull("liblinear");
    }
  }
}
