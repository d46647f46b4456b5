package io.mlapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.grpc.v2.ModelInferRequest;
import io.mlapi.grpc.v2.ModelInferResponse;
import io.mlapi.model.Datatype;
import io.mlapi.model.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every datatype through gRPC's typed and raw forms, out and back in, unchanged. */
class GrpcTensorsTest {
  private static final long[] SHAPE = {2, 2};

  /** Four elements of {@code datatype}, extremes included: what each form must carry exactly. */
  static Tensor sample(Datatype datatype) {
    Object data = switch (datatype) {
      case BOOL -> new boolean[] {true, false, false, true};
      case INT8 -> new byte[] {Byte.MIN_VALUE, -1, 0, Byte.MAX_VALUE};
      case UINT8 -> new byte[] {0, 1, (byte) 200, (byte) 255};
      case INT16 -> new short[] {Short.MIN_VALUE, -1, 0, Short.MAX_VALUE};
      case UINT16 -> new short[] {0, 1, (short) 40000, (short) 65535};
      case FP16 -> new short[] {Float.floatToFloat16(1.5f), Float.floatToFloat16(-2f), 0, Float.floatToFloat16(65504f)};
      case INT32 -> new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
      case UINT32 -> new int[] {0, 1, (int) 3_000_000_000L, -1};
      case INT64 -> new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
      case UINT64 -> new long[] {0, 1, Long.MAX_VALUE, -1};
      case FP32 -> new float[] {-1.5f, 0f, Float.MIN_VALUE, Float.MAX_VALUE};
      case FP64 -> new double[] {-1.5, 0, Double.MIN_VALUE, Double.MAX_VALUE};
      case BYTES -> new byte[][] {"a".getBytes(), new byte[0], "héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          {0, (byte) 0xff}};
    };
    return new Tensor("t", datatype, SHAPE, data);
  }

  /** What a client sends back when it sends the output it got as an input. */
  private static ModelInferRequest asRequest(ModelInferResponse response) {
    ModelInferResponse.InferOutputTensor output = response.getOutputs(0);
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().addInputs(
        ModelInferRequest.InferInputTensor.newBuilder().setName(output.getName()).setDatatype(output.getDatatype())
            .addAllShape(output.getShapeList()));
    if (output.hasContents()) {
      request.getInputsBuilder(0).setContents(output.getContents());
    }
    request.addAllRawInputContents(response.getRawOutputContentsList());
    return request.build();
  }

  @ParameterizedTest
  @EnumSource(value = Datatype.class, names = "FP16", mode = EnumSource.Mode.EXCLUDE)
  void typed_everyDatatype_outAndBackIn(Datatype datatype) {
    Tensor tensor = sample(datatype);
    ModelInferResponse.Builder response = ModelInferResponse.newBuilder();

    GrpcTensors.outputs(List.of(tensor), false, response);

    assertThat(response.getRawOutputContentsCount()).isZero();
    assertThat(GrpcTensors.inputs(asRequest(response.build()))).containsExactly(tensor);
  }

  @ParameterizedTest
  @EnumSource(Datatype.class)
  void raw_everyDatatype_outAndBackIn(Datatype datatype) {
    Tensor tensor = sample(datatype);
    ModelInferResponse.Builder response = ModelInferResponse.newBuilder();

    GrpcTensors.outputs(List.of(tensor), true, response);

    assertThat(response.getOutputs(0).hasContents()).isFalse();
    assertThat(response.getRawOutputContents(0).toByteArray()).isEqualTo(tensor.toRaw());
    assertThat(GrpcTensors.inputs(asRequest(response.build()))).containsExactly(tensor);
  }

  @Test
  void needsRaw_onlyForFp16() {
    assertThat(GrpcTensors.needsRaw(List.of(sample(Datatype.FP32), sample(Datatype.FP16)))).isTrue();
    assertThat(GrpcTensors.needsRaw(List.of(sample(Datatype.FP32), sample(Datatype.BYTES)))).isFalse();
    assertThatThrownBy(() -> GrpcTensors.outputs(List.of(sample(Datatype.FP16)), false, ModelInferResponse.newBuilder()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void typed_boolCountMismatch_namesTheField() {
    ModelInferRequest request = ModelInferRequest.newBuilder().addInputs(ModelInferRequest.InferInputTensor.newBuilder()
        .setName("b").setDatatype("BOOL").addShape(3)).build();

    assertThatThrownBy(() -> GrpcTensors.inputs(request))
        .hasMessage("inputs[0].contents.bool_contents has 0 values, but shape [3] needs 3");
  }
}
