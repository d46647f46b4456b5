package io.mlapi.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlapi.model.Datatype;
import io.mlapi.model.InferenceException;
import org.junit.jupiter.api.Test;

/** The field checks every protocol's decoder shares, with their messages. */
class TensorFieldsTest {
  @Test
  void datatype_byItsExactName_elseTheListAndTheInput() {
    assertThat(TensorFields.datatype("inputs[0]", "x", "UINT16")).isEqualTo(Datatype.UINT16);
    assertThatThrownBy(() -> TensorFields.datatype("inputs[1]", "x", "BF16"))
        .isInstanceOf(InferenceException.class)
        .hasMessage("inputs[1].datatype must be one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, "
            + "FP16, FP32, FP64, BYTES, got \"BF16\" (input \"x\")");
    assertThatThrownBy(() -> TensorFields.datatype("inputs[0]", "x", "fp32")).hasMessageContaining("got \"fp32\"");
  }

  @Test
  void elements_countsThem_andRefusesNegativeDimensionsTooManyDimensionsAndOverflow() {
    assertThat(TensorFields.elements("inputs[0]", new long[] {3, 4})).isEqualTo(12);
    assertThat(TensorFields.elements("inputs[0]", new long[] {})).isEqualTo(1);
    assertThatThrownBy(() -> TensorFields.elements("inputs[0]", new long[] {2, -1}))
        .hasMessage("inputs[0].shape must be a list of at most 16 non-negative integers, got [2, -1]");
    assertThatThrownBy(() -> TensorFields.elements("inputs[0]", new long[17]))
        .hasMessageStartingWith("inputs[0].shape must be a list of at most 16 non-negative integers");
    assertThatThrownBy(() -> TensorFields.elements("inputs[0]", new long[] {1L << 20, 1L << 20}))
        .hasMessage("inputs[0].shape [1048576, 1048576] holds more than 2147483639 elements");
  }

  @Test
  void fits_theRangeOfEachIntegerDatatype() {
    assertThat(TensorFields.fits(Datatype.INT8, -128)).isTrue();
    assertThat(TensorFields.fits(Datatype.INT8, 128)).isFalse();
    assertThat(TensorFields.fits(Datatype.UINT8, 255)).isTrue();
    assertThat(TensorFields.fits(Datatype.UINT8, -1)).isFalse();
    assertThat(TensorFields.fits(Datatype.INT16, -32769)).isFalse();
    assertThat(TensorFields.fits(Datatype.UINT16, 65535)).isTrue();
    assertThat(TensorFields.fits(Datatype.INT32, 1L << 31)).isFalse();
    assertThat(TensorFields.fits(Datatype.UINT32, (1L << 32) - 1)).isTrue();
    assertThat(TensorFields.fits(Datatype.UINT32, 1L << 32)).isFalse();
    assertThat(TensorFields.fits(Datatype.INT64, Long.MIN_VALUE)).isTrue();
  }
}
