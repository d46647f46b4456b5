package io.mlapi.deploy;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;

/**
 * KServe's ServingRuntime (serving.kserve.io/v1alpha1) and InferenceService (v1beta1) as typed
 * records, following the fields of KServe's Go types (servingruntime_types.go, predictor.go,
 * component.go) that a single-model runtime uses. Jackson fails on any other field, so a typo
 * cannot pass; a field KServe has and these records lack is added here when deploy/ needs it.
 */
final class KServe {
  private KServe() {}

  record ServingRuntime(String apiVersion, String kind, ObjectMeta metadata, ServingRuntimeSpec spec) {}

  record ServingRuntimeSpec(
      List<SupportedModelFormat> supportedModelFormats,
      Boolean multiModel,
      Boolean disabled,
      List<String> protocolVersions,
      Integer replicas,
      // ServingRuntimePodSpec, inlined in the Go type
      List<Container> containers,
      List<Volume> volumes,
      Map<String, String> nodeSelector,
      Affinity affinity,
      List<Toleration> tolerations,
      Map<String, String> labels,
      Map<String, String> annotations,
      List<LocalObjectReference> imagePullSecrets) {}

  record SupportedModelFormat(String name, String version, Boolean autoSelect, Integer priority) {}

  record InferenceService(String apiVersion, String kind, ObjectMeta metadata, InferenceServiceSpec spec) {}

  record InferenceServiceSpec(PredictorSpec predictor) {}

  /** The predictor: a model, plus ComponentExtensionSpec's scaling fields. */
  record PredictorSpec(
      ModelSpec model,
      Integer minReplicas,
      Integer maxReplicas,
      Integer scaleTarget,
      String scaleMetric,
      Integer containerConcurrency,
      Integer timeout,
      String serviceAccountName,
      List<LocalObjectReference> imagePullSecrets) {}

  /** ModelSpec with PredictorExtensionSpec inlined (the container overrides used here: resources, ports). */
  record ModelSpec(
      ModelFormat modelFormat,
      String runtime,
      String storageUri,
      String protocolVersion,
      String runtimeVersion,
      ResourceRequirements resources,
      List<ContainerPort> ports) {}

  record ModelFormat(String name, String version) {}
}
