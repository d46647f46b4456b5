package io.mlapi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TensorTest {
  private static final long[] TWO = {2};

  @Test
  void raw_roundTripsEveryDatatype() {
    Tensor[] tensors = {
        new Tensor("b", Datatype.BOOL, TWO, new boolean[] {true, false}),
        new Tensor("u8", Datatype.UINT8, TWO, new byte[] {(byte) 255, 1}),
        new Tensor("i8", Datatype.INT8, TWO, new byte[] {-128, 127}),
        new Tensor("u16", Datatype.UINT16, TWO, new short[] {(short) 65535, 2}),
        new Tensor("i16", Datatype.INT16, TWO, new short[] {-3, 4}),
        new Tensor("f16", Datatype.FP16, TWO, new short[] {Float.floatToFloat16(1.5f), Float.floatToFloat16(-2f)}),
        new Tensor("u32", Datatype.UINT32, TWO, new int[] {-1, 5}),
        new Tensor("i32", Datatype.INT32, TWO, new int[] {Integer.MIN_VALUE, 6}),
        new Tensor("u64", Datatype.UINT64, TWO, new long[] {-1L, 7}),
        new Tensor("i64", Datatype.INT64, TWO, new long[] {Long.MIN_VALUE, 8}),
        new Tensor("f32", Datatype.FP32, TWO, new float[] {0.1f, Float.NaN}),
        new Tensor("f64", Datatype.FP64, TWO, new double[] {0.1, -0.0}),
        Tensor.ofStrings("s", TWO, new String[] {"setosa", ""}),
    };
    for (Tensor tensor : tensors) {
      byte[] raw = tensor.toRaw();

      assertThat(raw).as(tensor.toString()).hasSize((int) tensor.rawSize());
      assertThat(Tensor.fromRaw(tensor.name(), tensor.datatype(), new long[] {2}, ByteBuffer.wrap(raw)))
          .as(tensor.toString()).isEqualTo(tensor);
    }
  }

  @Test
  void raw_isLittleEndian_andBytesElementsAreLengthPrefixed() {
    assertThat(new Tensor("x", Datatype.INT32, new long[] {1}, new int[] {0x01020304}).toRaw())
        .containsExactly(4, 3, 2, 1);
    assertThat(Tensor.ofStrings("s", new long[] {1}, new String[] {"ab"}).toRaw()).containsExactly(2, 0, 0, 0, 'a', 'b');
  }

  @Test
  void number_readsUnsignedAsUnsigned_andFp16Widened() {
    assertThat(new Tensor("u8", Datatype.UINT8, new long[] {1}, new byte[] {(byte) 200}).number(0)).isEqualTo(200);
    assertThat(new Tensor("u32", Datatype.UINT32, new long[] {1}, new int[] {-1}).number(0)).isEqualTo(4294967295.0);
    assertThat(new Tensor("u64", Datatype.UINT64, new long[] {1}, new long[] {-1}).number(0)).isEqualTo(0x1p64);
    assertThat(new Tensor("h", Datatype.FP16, new long[] {1}, new short[] {Float.floatToFloat16(0.5f)}).number(0))
        .isEqualTo(0.5);
  }

  @Test
  void fromRaw_bool_isOneByteZeroOrOne_anyOtherByteRefusedNamingTheElement() {
    assertThat((boolean[]) Tensor.fromRaw("b", Datatype.BOOL, new long[] {3}, ByteBuffer.wrap(new byte[] {1, 0, 1}))
        .data()).containsExactly(true, false, true);

    assertThatThrownBy(() -> Tensor.fromRaw("b", Datatype.BOOL, new long[] {3}, ByteBuffer.wrap(new byte[] {1, 0, -1})))
        .isInstanceOf(InferenceException.class)
        .hasMessage("input \"b\": raw BOOL element 2 is 255; a BOOL is one byte, 0 (false) or 1 (true)");
  }

  @Test
  void fromRaw_wrongSize_namesTheInputAndBothSizes() {
    assertThatThrownBy(() -> Tensor.fromRaw("x", Datatype.FP32, new long[] {1, 4}, ByteBuffer.allocate(12)))
        .isInstanceOf(InferenceException.class)
        .hasMessage("input \"x\": raw data has 12 bytes, but shape [1, 4] of FP32 needs 16");
  }

  @Test
  void fromRaw_bytesElementLongerThanWhatRemains_isRefusedBeforeAllocating() {
    ByteBuffer raw = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE).put((byte) 'a')
        .put((byte) 'b').flip();

    assertThatThrownBy(() -> Tensor.fromRaw("s", Datatype.BYTES, new long[] {1}, raw))
        .hasMessage("input \"s\": raw BYTES element 0 says 2147483647 bytes, but 2 remain");
  }

  @Test
  void fromRaw_bytesShapeClaimingMoreElementsThanTheData_isRefusedBeforeAllocating() {
    byte[] raw = Tensor.ofStrings("s", new long[] {1}, new String[] {"a"}).toRaw();

    // Without the check first, this would allocate an array of two billion references (8 GB or more).
    assertThatThrownBy(() -> Tensor.fromRaw("s", Datatype.BYTES, new long[] {Tensor.MAX_ELEMENTS},
        ByteBuffer.wrap(raw)))
        .isInstanceOf(InferenceException.class)
        .hasMessage("input \"s\": raw BYTES data ends after 1 of " + Tensor.MAX_ELEMENTS + " elements; each is a "
            + "4-byte little-endian length, then that many bytes");
  }

  @Test
  void fromRaw_bytesWithTrailingBytes_isRefused() {
    byte[] raw = Tensor.ofStrings("s", new long[] {1}, new String[] {"a"}).toRaw();
    ByteBuffer longer = ByteBuffer.allocate(raw.length + 1).put(raw).put((byte) 0).flip();

    assertThatThrownBy(() -> Tensor.fromRaw("s", Datatype.BYTES, new long[] {1}, longer))
        .hasMessage("input \"s\": raw BYTES data has 1 bytes after its 1 elements");
  }

  @Test
  void elementCount_refusesNegativeAndOverflowingShapes() {
    assertThat(Tensor.elementCount(new long[] {2, 3})).isEqualTo(6);
    assertThat(Tensor.elementCount(new long[] {0, Long.MAX_VALUE})).isZero();
    assertThat(Tensor.elementCount(new long[] {-1, 3})).isEqualTo(-1);
    assertThat(Tensor.elementCount(new long[] {1L << 20, 1L << 20})).isEqualTo(-1);
    assertThat(Tensor.elementCount(new long[] {})).isEqualTo(1);
  }

  @Test
  void constructor_refusesDataThatDoesNotMatchTheDatatypeOrShape() {
    assertThatThrownBy(() -> new Tensor("x", Datatype.FP32, new long[] {2}, new double[2]))
        .hasMessage("FP32 elements cannot be held in double[]");
    assertThatThrownBy(() -> new Tensor("x", Datatype.FP64, new long[] {2, 2}, new double[3]))
        .hasMessage("tensor x of shape [2, 2] needs 4 elements, got 3");
  }

  @Test
  void fromRows_andToRows_roundTrip_fp32RoundedAsAFloatArrayHoldsIt() {
    double[][] rows = {{0.1, 2}, {3, 4}};

    assertThat(Tensor.fromRows("x", Datatype.FP64, rows, 2).toRows()).isDeepEqualTo(rows);
    assertThat(Tensor.fromRows("x", Datatype.FP32, rows, 2).toRows()[0][0]).isEqualTo((double) 0.1f);
  }

  @Test
  void string_decodesUtf8() {
    Tensor tensor = new Tensor("s", Datatype.BYTES, new long[] {1}, new byte[][] {"größe".getBytes(StandardCharsets.UTF_8)});

    assertThat(tensor.string(0)).isEqualTo("größe");
  }
}
