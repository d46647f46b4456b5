package io.mlapi.grpc;

import io.grpc.stub.StreamObserver;
import io.mlapi.grpc.v2.GRPCInferenceServiceGrpc;
import io.mlapi.grpc.v2.InferParameter;
import io.mlapi.grpc.v2.ModelInferRequest;
import io.mlapi.grpc.v2.ModelInferResponse;
import io.mlapi.grpc.v2.ModelMetadataRequest;
import io.mlapi.grpc.v2.ModelMetadataResponse;
import io.mlapi.grpc.v2.ModelReadyRequest;
import io.mlapi.grpc.v2.ModelReadyResponse;
import io.mlapi.grpc.v2.ServerLiveRequest;
import io.mlapi.grpc.v2.ServerLiveResponse;
import io.mlapi.grpc.v2.ServerMetadataRequest;
import io.mlapi.grpc.v2.ServerMetadataResponse;
import io.mlapi.grpc.v2.ServerReadyRequest;
import io.mlapi.grpc.v2.ServerReadyResponse;
import io.mlapi.inference.InferenceService;
import io.mlapi.inference.Snapshot;
import io.mlapi.model.InferenceException;
import io.mlapi.model.MlapiVersion;
import io.mlapi.model.Model;
import io.mlapi.model.Tensor;
import io.mlapi.repository.ModelStatus;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The Open Inference Protocol's gRPC service ({@code inference.GRPCInferenceService}), a thin
 * adapter over the core like the REST one: each call takes one {@link InferenceService#snapshot()},
 * decodes its tensors ({@link GrpcTensors}), lets the core check and run them, and encodes the
 * answer. Readiness is answered in the responses' {@code ready} fields; a model or version the
 * server does not have is {@code NOT_FOUND}, as REST's 404.
 */
final class InferenceRpcs extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  private final InferenceService core;
  private final GrpcCalls calls;
  private final BooleanSupplier ready;

  /** @param ready whether the server is ready: the models loaded and warmed up, and not shutting down */
  InferenceRpcs(InferenceService core, GrpcCalls calls, BooleanSupplier ready) {
    this.core = core;
    this.calls = calls;
    this.ready = ready;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
    calls.unary("ServerLive", observer, call -> ServerLiveResponse.newBuilder().setLive(true).build());
  }

  /** Ready when every model is loaded and warmed up and the server is not shutting down, as {@code GET /v2/health/ready}. */
  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
    calls.unary("ServerReady", observer, call -> ServerReadyResponse.newBuilder()
        .setReady(ready.getAsBoolean()).build());
  }

  /** Ready when the model serves the version; {@code NOT_FOUND} for a model or version the server does not have. */
  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
    calls.unary("ModelReady", observer, call -> {
      boolean ready;
      try {
        call.answeredBy(core.snapshot().model(request.getName(), version(request.getVersion())));
        ready = true;
      } catch (InferenceException e) {
        if (e.kind() != InferenceException.Kind.UNAVAILABLE) {
          throw e;
        }
        ready = false;
      }
      return ModelReadyResponse.newBuilder().setReady(ready).build();
    });
  }

  @Override
  public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
    calls.unary("ServerMetadata", observer, call -> ServerMetadataResponse.newBuilder()
        .setName("mlapi")
        .setVersion(MlapiVersion.VALUE)
        .addAllExtensions(InferenceService.EXTENSIONS)
        .build());
  }

  @Override
  public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
    calls.unary("ModelMetadata", observer, call -> {
      Snapshot snapshot = core.snapshot();
      ModelStatus status = snapshot.status(request.getName());
      Model model = snapshot.resolve(status, version(request.getVersion()));
      call.answeredBy(model);
      ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder()
          .setName(status.name())
          .setPlatform(model.platform());
      status.servedVersions().forEach(v -> metadata.addVersions(Integer.toString(v)));
      model.inputs().forEach(spec -> metadata.addInputs(GrpcTensors.metadata(spec)));
      model.outputs().forEach(spec -> metadata.addOutputs(GrpcTensors.metadata(spec)));
      return metadata.build();
    });
  }

  /**
   * Inference. The outputs go back raw when the inputs came raw (Triton's clients read only raw
   * outputs, and send raw inputs), or when one is FP16 (which has no typed field); typed otherwise.
   * Looking up the model and decoding the inputs run on the event loop (the message is there and
   * bounded); the inference too when the model calls it quick ({@link Model#isQuick}).
   */
  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    calls.staged("ModelInfer", observer, call -> {
      Model model = core.snapshot().model(request.getModelName(), version(request.getModelVersion()));
      call.answeredBy(model);
      checkParameters("parameters", request.getParametersMap());
      for (int i = 0; i < request.getInputsCount(); i++) {
        checkParameters("inputs[" + i + "].parameters", request.getInputs(i).getParametersMap());
      }
      for (int i = 0; i < request.getOutputsCount(); i++) {
        checkParameters("outputs[" + i + "].parameters", request.getOutputs(i).getParametersMap());
      }
      List<Tensor> inputs = GrpcTensors.inputs(request);
      List<String> outputs = request.getOutputsList().stream()
          .map(ModelInferRequest.InferRequestedOutputTensor::getName).toList();
      long rows = inputs.stream().mapToLong(tensor -> tensor.rank() == 0 ? 1 : tensor.dimension(0)).max()
          .orElse(0);
      return new GrpcCalls.Rest<>(model.isQuick(rows), () -> {
        List<Tensor> answer = core.infer(model, inputs, outputs);
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
            .setModelName(model.name())
            .setModelVersion(Integer.toString(model.version()))
            .setId(request.getId());
        GrpcTensors.outputs(answer, request.getRawInputContentsCount() > 0 || GrpcTensors.needsRaw(answer), response);
        return response.build();
      });
    });
  }

  private void checkParameters(String where, Map<String, InferParameter> parameters) {
    parameters.keySet().forEach(name -> core.checkParameter(where, name));
  }

  /** A request's version: empty means the newest served one, as a REST route without {@code /versions/}. */
  private static String version(String version) {
    return version.isEmpty() ? null : version;
  }
}
