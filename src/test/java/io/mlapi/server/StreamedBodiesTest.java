package io.mlapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlapi.Http;
import io.mlapi.ModelFixtures;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies read as they stream by ({@link Instances}, {@link JsonTensors.Inputs}) answer exactly as
 * a whole tree read first would: fields in any order, a field given twice refused (two parsers, a
 * proxy's and ours, must not read one body two ways), and of several things wrong, the one the checks meet first, wherever it sits in the body. Each
 * expectation is what the tree-reading server answered (differential runs on 100,000 generated
 * bodies agreed on every answer).
 */
class StreamedBodiesTest {
  @TempDir
  static Path root;
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() {
    ModelFixtures.publish(root, "iris", 1, false);
    server = new TestServer(root, ServerConfig.onPort(0).withLimits(1 << 20, 2, Duration.ofSeconds(30)));
    http = server.http;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      data before its datatype and shape  | /v2/models/iris/infer | {"inputs": [{"data": [[6.8, 2.8, 4.8, 1.4]], "name": "x", "datatype": "FP64", "shape": [1, 4]}]} | 200 | "outputs":[{"name":"predict","datatype":"INT64","shape":[1],"data":[1]}]
      a datatype given again after data   | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "INT32", "data": [1.5, 2, 3, 4], "datatype": "FP64"}]} | 400 | malformed JSON at line 1, column 99: Duplicate field 'datatype'
      data given twice: refused           | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, "x", 3, 4], "data": [6.8, 2.8, 4.8, 1.4]}]} | 400 | malformed JSON at line 1, column 94: Duplicate field 'data'
      fields in another order             | /v2/models/iris/infer | {"outputs": [{"name": "label"}, {"name": "predict"}], "inputs": [{"shape": [2, 4], "data": [6.8, 2.8, 4.8, 1.4, 5.1, 3.5, 1.4, 0.2], "datatype": "FP32", "name": "x"}]} | 200 | "outputs":[{"name":"label","datatype":"BYTES","shape":[2],"data":["versicolor","setosa"]},{"name":"predict","datatype":"INT64","shape":[2],"data":[1,0]}]
      a list where a value belongs        | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [[1, 2, [3], 4]]}]} | 400 | inputs[0].data[0][2] must be a value, got a list: the data is nested deeper than shape [1, 4]
      the first wrong place in the tree   | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP64", "data": [[1, [2]], [3, 4, 5]]}]} | 400 | inputs[0].data[0][1] must be a value, got a list: the data is nested deeper than shape [2, 2]
      a list's length before its items    | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP64", "data": [[[1], 2, 3]]}]} | 400 | inputs[0].data[0] must be a list of 2 values, got 3 values
      too few values before a wrong one   | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP64", "data": [["a", 2], [3]]}]} | 400 | inputs[0].data holds fewer values than shape [2, 2] needs (4)
      a wrong value in nested data        | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP64", "data": [["a", 2], [3, 4]]}]} | 400 | inputs[0].data element 0 must be a number, got the string "a"
      id is checked before the inputs     | /v2/models/iris/infer | {"inputs": [{"name": 1}], "id": 5} | 400 | "id" must be a string, got the number 5
      an INT8 out of range                | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "INT8", "data": [1, 2, 300, 4]}]} | 400 | inputs[0].data element 2: 300 is out of the range of INT8
      a number as BOOL                    | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "BOOL", "data": [1, true, false, true]}]} | 400 | inputs[0].data element 0 must be true or false, got the number 1
      the largest UINT64                  | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "UINT64", "data": [18446744073709551615, 1, 2, 3]}]} | 200 | "data":[0]
      an exponent as INT64                | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "INT64", "data": [1, 2, 3, 1e2]}]} | 400 | inputs[0].data element 3: 100.0 is not an integer, as datatype INT64 needs
      the second input's header           | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [6.8, 2.8, 4.8, 1.4]}, {"name": "y", "shape": 3}]} | 400 | inputs[1].datatype must be one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES, got missing (input "y")
      probabilities before instances      | /predict | {"instances": [[1, 2, 3, "x"]], "probabilities": "yes"} | 400 | "probabilities" must be true or false, got the string "yes"
      instances given twice               | /predict | {"instances": [["x"]], "instances": [[6.8, 2.8, 4.8, 1.4]]} | 400 | malformed JSON at line 1, column 35: Duplicate field 'instances'
      a feature given twice               | /predict | {"instances": [{"sepal_length": "x", "sepal_length": 6.8, "sepal_width": 2.8, "petal_length": 4.8, "petal_width": 1.4}]} | 400 | malformed JSON at line 1, column 52: Duplicate field 'sepal_length'
      too many rows before a wrong row    | /predict | {"instances": [["x"], [1, 2, 3, 4], [1, 2, 3, 4]]} | 413 | 3 rows is more than the limit of 2 per request
      a named row before a wrong row      | /predict | {"instances": [{"sepal_length": 1}, ["x"]]} | 400 | row 0: feature "sepal_width" is missing; model iris takes sepal_length, sepal_width, petal_length, petal_width
      malformed after a wrong value       | /predict | `{"instances": [["x"]], ` | 400 | malformed JSON at line 1, column 24: Unexpected end-of-input within/between Object entries
      KServe V1, lists and names          | /v1/models/iris:predict | {"instances": [[6.8, 2.8, 4.8, 1.4], {"petal_width": 1.4, "petal_length": 4.8, "sepal_width": 2.8, "sepal_length": 6.8}]} | 200 | {"predictions":[1,1]}
      KServe's inputs, names and lists    | /v1/models/iris:predict | {"inputs": [{"petal_width": 1.4, "petal_length": 4.8, "sepal_width": 2.8, "sepal_length": 6.8}, [6.8, 2.8, 4.8, 1.4]]} | 200 | {"predictions":[1,1]}
      inputs named in a wrong named row   | /v1/models/iris:predict | {"inputs": [{"sepal_length": "x"}]} | 400 | inputs[0].sepal_length must be a number, got the string "x"
      inputs after instances: both        | /predict | {"instances": [["x"]], "inputs": [[6.8, 2.8, 4.8, 1.4]]} | 400 | the body has both "instances" and "inputs"; send the rows in one of them
      an input's classification parameter | /v2/models/iris/infer | {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4], "parameters": {"classification": 2}}]} | 501 | inputs[0].parameters: the classification extension (parameter "classification") is not supported; ask for the output itself and rank it yourself
      a negative dimension                | /v2/models/iris/infer | {"inputs": [{"data": [1, 2, 3, 4], "name": "x", "shape": [1, -4], "datatype": "FP64"}]} | 400 | inputs[0].shape must be a list of at most 16 non-negative integers, got [1, -4]
      binary data asked of plain JSON     | /v2/models/iris/infer | {"inputs": [{"parameters": {"binary_data_size": 16}, "datatype": "FP32", "shape": [1, 4], "name": "x"}]} | 400 | input "x" (inputs[0]) gives parameters.binary_data_size, but the request is plain JSON: binary data needs the Inference-Header-Content-Length header and the data after the JSON object
      """)
  void answersAsIfTheWholeBodyWereReadFirst(String what, String path, String body, int status, String expected) {
    Http.Response response = http.post(path, body);

    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    if (status == 200) {
      assertThat(response.body()).contains(expected);
    } else {
      assertThat(response.error()).isEqualTo(expected);
    }
  }
}
