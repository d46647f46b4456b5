package io.mlapi.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper for {@code model.json}: pretty for people, strict on types, lenient on added fields. */
final class ModelJson {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      // A reader of format 1 ignores fields a later minor release of format 1 may add.
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private ModelJson() {}

  /**
   * " at line 3, column 9 (field parameters.C)": where a JSON error is, without Jackson's message,
   * which quotes the text it could not read (and a {@code model.json} may be anything).
   */
  static String where(com.fasterxml.jackson.core.JacksonException e) {
    StringBuilder where = new StringBuilder();
    var location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      where.append(" at line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr());
    }
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field = mapping.getPath().stream()
          .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
          .collect(java.util.stream.Collectors.joining(".")).replace(".[", "[");
      where.append(" (field ").append(field).append(": missing, or of the wrong type)");
    }
    return where.toString();
  }
}
