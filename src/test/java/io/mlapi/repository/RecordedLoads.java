package io.mlapi.repository;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link LoadListener} that writes down what it is told: "loaded iris/1", "failed iris/2" (and "seen iris", if asked). */
final class RecordedLoads implements LoadListener {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final boolean seen;

  /** @param seen whether to write down {@link #seen} too */
  RecordedLoads(boolean seen) {
    this.seen = seen;
  }

  List<String> events() {
    return events;
  }

  @Override
  public void seen(String model) {
    if (seen) {
      events.add("seen " + model);
    }
  }

  @Override
  public void loaded(String model, int version, long nanos) {
    events.add("loaded " + model + "/" + version);
  }

  @Override
  public void failed(String model, int version, long nanos) {
    events.add("failed " + model + "/" + version);
  }
}
