"""The Open Inference Protocol over gRPC as Python's grpcio client speaks it, against a running mlapi.

Run by StandardClientsIT with Debian's python3-grpcio: the stubs are generated from
src/main/proto at test time (python3 -m grpc_tools.protoc) into STUBS, never committed.

    grpc_client_check.py STUBS HOST GRPC_PORT HTTP_PORT MODEL MAX_ROWS MAX_BYTES

Every RPC, typed and raw contents, every status code the server gives (with the same message as
REST for the same mistake), a deadline exceeded and a message over the size limit. Exits 0 when
every check holds, else 1 naming the first that does not.
"""
import json
import struct
import sys
import urllib.error
import urllib.request

stubs, host, grpc_port, http_port, model, max_rows, max_bytes = sys.argv[1:8]
sys.path.insert(0, stubs)
import grpc  # noqa: E402
import grpc_predict_v2_pb2 as pb  # noqa: E402
import grpc_predict_v2_pb2_grpc as pb_grpc  # noqa: E402

channel = grpc.insecure_channel(f"{host}:{grpc_port}", options=[("grpc.max_receive_message_length", 16 << 20),
                                                                ("grpc.max_send_message_length", 16 << 20)])
stub = pb_grpc.GRPCInferenceServiceStub(channel)
checks = 0
IRIS = [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]


def check(condition, what):
    global checks
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    checks += 1


def rest(method, path, body=None):
    request = urllib.request.Request(f"http://{host}:{http_port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def infer_request(datatype="FP32", shape=(2, 4), values=IRIS, name="input-0", outputs=(), raw=False, **fields):
    request = pb.ModelInferRequest(model_name=model, **fields)
    tensor = request.inputs.add(name=name, datatype=datatype, shape=list(shape))
    if raw:
        fmt = {"FP32": "f", "FP64": "d", "INT32": "i", "INT64": "q", "UINT8": "B", "INT8": "b", "INT16": "h",
               "UINT16": "H", "UINT32": "I", "UINT64": "Q", "FP16": "e"}[datatype]
        request.raw_input_contents.append(struct.pack("<%d%s" % (len(values), fmt), *values))
    else:
        field = {"FP32": "fp32_contents", "FP64": "fp64_contents", "INT32": "int_contents", "INT8": "int_contents",
                 "INT16": "int_contents", "INT64": "int64_contents", "UINT8": "uint_contents",
                 "UINT16": "uint_contents", "UINT32": "uint_contents", "UINT64": "uint64_contents"}[datatype]
        getattr(tensor.contents, field).extend(values)
    for output in outputs:
        request.outputs.add(name=output)
    return request


def failure(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except grpc.RpcError as e:
        return e.code(), e.details()
    return None, None


def raw_int64(response, index):
    data = response.raw_output_contents[index]
    return list(struct.unpack("<%dq" % (len(data) // 8), data))


# ---- the health and metadata RPCs ----
check(stub.ServerLive(pb.ServerLiveRequest()).live, "ServerLive is live")
check(stub.ServerReady(pb.ServerReadyRequest()).ready, "ServerReady is ready")
metadata = stub.ServerMetadata(pb.ServerMetadataRequest())
check(metadata.name == "mlapi" and "binary_tensor_data" in metadata.extensions, f"ServerMetadata: {metadata}")
check(stub.ModelReady(pb.ModelReadyRequest(name=model)).ready, "ModelReady")
model_metadata = stub.ModelMetadata(pb.ModelMetadataRequest(name=model))
check(model_metadata.name == model and model_metadata.platform == "mlapi_libsvm"
      and [i.name for i in model_metadata.inputs] == ["input-0"]
      and list(model_metadata.inputs[0].shape) == [-1, 4], f"ModelMetadata: {model_metadata}")

# ---- inference, typed and raw, every numeric datatype ----
typed = stub.ModelInfer(infer_request(id="python-1"))
check(typed.id == "python-1" and typed.model_name == model and typed.model_version == "1", f"id and name: {typed}")
check(list(typed.outputs[0].contents.int64_contents) == [1, 1], f"KServe's Iris request, typed: {typed}")
raw = stub.ModelInfer(infer_request("FP64", raw=True, outputs=("output-0", "label")))
check([o.name for o in raw.outputs] == ["output-0", "label"], f"outputs as asked: {raw.outputs}")
check(raw_int64(raw, 0) == [1, 1], f"raw FP64 in, raw INT64 out: {raw}")
label = raw.raw_output_contents[1]
check(struct.unpack("<I", label[:4])[0] == 10 and label[4:14] == b"versicolor", f"raw BYTES: {label!r}")
whole = [7, 3, 5, 1, 5, 3, 1, 0]
for datatype in ["FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"]:
    for as_raw in (False, True):
        response = stub.ModelInfer(infer_request(datatype, values=whole, raw=as_raw))
        answer = raw_int64(response, 0) if as_raw else list(response.outputs[0].contents.int64_contents)
        check(answer == [1, 0], f"{datatype} {'raw' if as_raw else 'typed'}: {answer}")
check(raw_int64(stub.ModelInfer(infer_request("FP16", values=whole, raw=True)), 0) == [1, 0], "FP16 raw")

# ---- every status code, with REST's message for the same mistake ----
code, details = failure(stub.ModelInfer, infer_request(shape=(2, 3), values=IRIS[:6]))
status, body = rest("POST", f"/v2/models/{model}/infer",
                    {"inputs": [{"name": "input-0", "shape": [2, 3], "datatype": "FP32", "data": IRIS[:6]}]})
check(code == grpc.StatusCode.INVALID_ARGUMENT and status == 400 and details == body["error"],
      f"INVALID_ARGUMENT as REST's 400: {code} {details!r} / {status} {body}")
code, details = failure(stub.ModelInfer, pb.ModelInferRequest(model_name="nope"))
status, body = rest("POST", "/v2/models/nope/infer", {"inputs": []})
check(code == grpc.StatusCode.NOT_FOUND and status == 404 and details == body["error"],
      f"NOT_FOUND as REST's 404: {code} {details!r} / {body}")
code, _ = failure(stub.ModelMetadata, pb.ModelMetadataRequest(name=model, version="9"))
check(code == grpc.StatusCode.NOT_FOUND, f"an unknown version: {code}")
rows = int(max_rows) + 1
code, details = failure(stub.ModelInfer, infer_request(shape=(rows, 4), values=[1.0] * (rows * 4)))
check(code == grpc.StatusCode.RESOURCE_EXHAUSTED and details == f"{rows} rows is more than the limit of {max_rows} "
      "per request", f"RESOURCE_EXHAUSTED for rows: {code} {details!r}")
code, details = failure(stub.ModelInfer, infer_request(id="x" * int(max_bytes)))
check(code == grpc.StatusCode.RESOURCE_EXHAUSTED, f"a message over the size limit: {code} {details!r}")
request = infer_request(outputs=("decision_function",))
request.outputs[0].parameters["classification"].int64_param = 2
code, details = failure(stub.ModelInfer, request)
check(code == grpc.StatusCode.UNIMPLEMENTED and "classification" in details, f"UNIMPLEMENTED: {code} {details!r}")
# A deadline already past: grpcio ends the call as DEADLINE_EXCEEDED. (Neither a microsecond nor 0 is
# deterministic: gRPC's C core rounds a deadline up to its timer's millisecond, so a fast server on
# loopback sometimes answered in time; a second ago never can. GrpcServerTest holds the server to a
# 1 ns grpc-timeout, which it never runs.)
code, _ = failure(stub.ModelInfer, infer_request(), timeout=-1)
check(code == grpc.StatusCode.DEADLINE_EXCEEDED, f"a deadline already past: {code}")
status, _ = rest("POST", f"/v2/repository/models/{model}/unload", {})
check(status == 200, "unloaded through REST")
code, details = failure(stub.ModelInfer, infer_request())
check(code == grpc.StatusCode.UNAVAILABLE and "unloaded" in details, f"UNAVAILABLE while unloaded: {code} {details!r}")
check(not stub.ModelReady(pb.ModelReadyRequest(name=model)).ready, "ModelReady false while unloaded")
status, _ = rest("POST", f"/v2/repository/models/{model}/load", {})
check(status == 200 and stub.ModelReady(pb.ModelReadyRequest(name=model)).ready, "loaded again")

print(f"all {checks} checks passed")
