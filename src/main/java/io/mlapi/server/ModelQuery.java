package io.mlapi.server;

import io.helidon.common.uri.UriQuery;
import io.mlapi.repository.ModelStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Which models {@code GET /v2/models} lists: those whose name contains {@code name} (any case), or
 * that are ready (or not), from a name on, at most {@code limit}. Without any, every model, as
 * before there were pages.
 *
 * @param name text the names must contain, ignoring case; empty for any name
 * @param ready {@code true} or {@code false} for models that are (not) ready; {@code null} for both
 * @param start only names from this one on, in the list's order (names sorted as strings);
 *     {@code null} from the first
 * @param inclusive whether {@code start} itself is listed ({@code from}) or not ({@code after}, the
 *     {@code next} of the page before)
 * @param limit the most models listed; {@link Integer#MAX_VALUE} for all
 */
record ModelQuery(String name, Boolean ready, String start, boolean inclusive, int limit) {
  /** The most models one page may list. */
  static final int MAX_LIMIT = 1000;

  static final ModelQuery ALL = new ModelQuery("", null, null, false, Integer.MAX_VALUE);

  ModelQuery {
    name = name.toLowerCase(Locale.ROOT);
  }

  /**
   * Reads {@code ?name=&ready=&after=&from=&limit=}; other parameters are not looked at.
   *
   * @throws HttpException 400 naming the parameter and what it takes
   */
  static ModelQuery parse(UriQuery query) {
    String name = single(query, "name");
    String ready = single(query, "ready");
    String limit = single(query, "limit");
    String after = single(query, "after");
    String from = single(query, "from");
    if (after != null && from != null) {
      throw new HttpException(400, "give after or from, not both");
    }
    if (ready != null && !ready.equals("true") && !ready.equals("false")) {
      throw new HttpException(400, "ready must be true or false, got \"" + quote(ready) + "\"");
    }
    int pageSize = Integer.MAX_VALUE;
    if (limit != null) {
      try {
        pageSize = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        pageSize = 0;
      }
      if (pageSize < 1 || pageSize > MAX_LIMIT) {
        throw new HttpException(400, "limit must be a whole number from 1 to " + MAX_LIMIT + ", got \""
            + quote(limit) + "\"");
      }
    }
    return new ModelQuery(name == null ? "" : name, ready == null ? null : Boolean.valueOf(ready),
        from != null ? from : after, from != null, pageSize);
  }

  /** The page of {@code models} (sorted by name) this query asks for. */
  Page page(Collection<ModelStatus> models) {
    List<ModelStatus> page = new ArrayList<>();
    int total = 0;
    String next = null;
    for (ModelStatus model : models) {
      if (!matches(model)) {
        continue;
      }
      total++;
      if (start != null && model.name().compareTo(start) < (inclusive ? 0 : 1)) {
        continue;
      }
      if (page.size() < limit) {
        page.add(model);
      } else if (next == null) {
        next = page.getLast().name();
      }
    }
    return new Page(page, total, next);
  }

  private boolean matches(ModelStatus model) {
    return (ready == null || model.ready() == ready)
        && (name.isEmpty() || model.name().toLowerCase(Locale.ROOT).contains(name));
  }

  /**
   * @param models the models of the page, sorted by name
   * @param total how many models the query matches, on every page together
   * @param next the {@code after} of the next page; {@code null} on the last
   */
  record Page(List<ModelStatus> models, int total, String next) {}

  private static String single(UriQuery query, String parameter) {
    List<String> values = query.all(parameter, List::of);
    if (values.size() > 1) {
      throw new HttpException(400, parameter + " is given " + values.size() + " times; give it once");
    }
    return values.isEmpty() ? null : values.getFirst();
  }

  /** A client's value, cut short, for an error message. */
  private static String quote(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
