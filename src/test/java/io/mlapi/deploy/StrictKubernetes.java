package io.mlapi.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Parses rendered manifests into Kubernetes' own types, strictly: an unknown apiVersion/kind, a
 * misspelt or misplaced field, or a value of the wrong type fails, naming the document and field.
 *
 * <p>fabric8's model classes keep unknown fields in {@code additionalProperties} rather than
 * failing, so after parsing every object in the tree is walked and any such leftover is an error.
 * KServe's resources have no fabric8 model; {@link KServe}'s records stand in for them and fail
 * on unknown fields outright.
 */
final class StrictKubernetes {
  /** apiVersion/kind to the type it must parse as; anything else in deploy/ is a mistake. */
  private static final Map<String, Class<?>> TYPES = Map.ofEntries(
      Map.entry("v1/Namespace", Namespace.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("batch/v1/Job", Job.class),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
      Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
      Map.entry("serving.kserve.io/v1alpha1/ServingRuntime", KServe.ServingRuntime.class),
      Map.entry("serving.kserve.io/v1beta1/InferenceService", KServe.InferenceService.class));

  private static final ObjectMapper MAPPER = YAMLMapper.builder(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .build();

  private StrictKubernetes() {}

  /** Every document of a multi-document YAML stream, typed. */
  static List<Object> parseAll(String yaml, String source) {
    List<Object> objects = new ArrayList<>();
    try (var documents = MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (documents.hasNextValue()) {
        JsonNode document = documents.nextValue();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          objects.add(parse(document, source));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(source + ": not YAML: " + e.getMessage(), e);
    }
    return objects;
  }

  private static Object parse(JsonNode document, String source) {
    String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
    String where = source + ": " + type + " " + document.path("metadata").path("name").asText("(no name)");
    Class<?> javaType = TYPES.get(type);
    if (javaType == null) {
      throw new AssertionError(where + ": not a kind deploy/ should hold (known: " + TYPES.keySet() + ")");
    }
    Object object;
    try {
      object = MAPPER.treeToValue(document, javaType);
    } catch (IOException e) {
      throw new AssertionError(where + ": does not parse as " + javaType.getSimpleName() + ": " + e.getMessage(), e);
    }
    List<String> unknown = new ArrayList<>();
    collectUnknownFields(object, "", unknown);
    if (!unknown.isEmpty()) {
      throw new AssertionError(where + ": fields that " + javaType.getSimpleName() + " does not have: " + unknown);
    }
    return object;
  }

  /** Walks fabric8 beans and our records, reporting every non-empty additionalProperties map. */
  private static void collectUnknownFields(Object value, String path, List<String> unknown) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof Enum<?>) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> collectUnknownFields(item, path + "." + key, unknown));
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknownFields(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    Class<?> type = value.getClass();
    if (type.isRecord()) {
      for (RecordComponent component : type.getRecordComponents()) {
        collectUnknownFields(invoke(component.getAccessor(), value), path + "." + component.getName(), unknown);
      }
      return;
    }
    if (!type.getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : type.getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object property = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(key -> unknown.add(path + "." + key));
        }
      } else {
        String name = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
        collectUnknownFields(property, path + "." + name, unknown);
      }
    }
  }

  private static Object invoke(Method method, Object target) {
    try {
      return method.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + method + ": " + e.getMessage(), e);
    }
  }
}
