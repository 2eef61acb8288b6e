#!/usr/bin/python3
"""Drives the OrleansKv gRPC test service (EchoService.cs) with Python's grpcio.

An independent gRPC implementation (gRPC C-core underneath) checks our server's framing,
trailers, status encoding, deadlines, metadata and cancellation. No generated code: the
generic API sends raw bytes, and google.protobuf.StringValue / Int32Value are encoded by hand
(field 1; length-delimited for strings, varint for ints).

Usage: python_grpc_interop.py PORT DEADLINE_CALL_ID CANCEL_CALL_ID
Prints one JSON object with what each scenario observed; the C# test asserts on it.
"""
import json
import sys

import grpc


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def string_value(text):
    data = text.encode("utf-8")
    return b"\x0a" + varint(len(data)) + data if data else b""


def int32_value(n):
    return b"\x08" + varint(n) if n else b""


def parse_string_value(data):
    """Decodes StringValue: field 1, wire type 2. Empty bytes mean the empty string."""
    if not data:
        return ""
    if data[0] != 0x0A:
        raise ValueError("unexpected tag %r" % data[0])
    length, shift, i = 0, 0, 1
    while True:
        b = data[i]
        length |= (b & 0x7F) << shift
        i += 1
        shift += 7
        if not b & 0x80:
            break
    return data[i:i + length].decode("utf-8")


def metadata_dict(pairs):
    return {k: (v.hex() if isinstance(v, bytes) else v) for k, v in (pairs or [])}


def error(e):
    return {
        "code": e.code().name,
        "details": e.details(),
        "trailers": metadata_dict(e.trailing_metadata()),
    }


def main():
    port, deadline_id, cancel_id = sys.argv[1], sys.argv[2], sys.argv[3]
    results = {}
    options = [("grpc.enable_http_proxy", 0)]
    with grpc.insecure_channel("127.0.0.1:%s" % port, options=options) as channel:
        echo = channel.unary_unary("/test.Echo/Echo")
        results["unary"] = parse_string_value(echo(string_value("héllo from python"), timeout=10))

        repeat = channel.unary_stream("/test.Echo/Repeat")
        for count in (0, 1, 5):
            results["stream_%d" % count] = [parse_string_value(m) for m in repeat(int32_value(count), timeout=10)]

        try:
            channel.unary_unary("/test.Echo/Fail")(string_value("clé invalide ✓ 100%"), timeout=10)
            results["fail"] = "no error"
        except grpc.RpcError as e:
            results["fail"] = error(e)

        received = []
        try:
            for m in channel.unary_stream("/test.Echo/RepeatThenFail")(int32_value(2), timeout=10):
                received.append(parse_string_value(m))
            results["stream_fail"] = "no error"
        except grpc.RpcError as e:
            results["stream_fail"] = dict(error(e), received=received)

        try:
            channel.unary_unary("/test.Echo/Throw")(b"", timeout=10)
            results["throw"] = "no error"
        except grpc.RpcError as e:
            results["throw"] = error(e)

        try:
            channel.unary_unary("/test.Echo/NoSuchMethod")(b"", timeout=10)
            results["unknown"] = "no error"
        except grpc.RpcError as e:
            results["unknown"] = error(e)

        try:
            channel.unary_unary("/test.Echo/Wait")(string_value(deadline_id), timeout=0.3)
            results["deadline"] = "no error"
        except grpc.RpcError as e:
            results["deadline"] = error(e)

        try:
            echo(string_value("x" * 100000), timeout=10)
            results["oversize"] = "no error"
        except grpc.RpcError as e:
            results["oversize"] = error(e)

        try:
            echo(b"\x0a\x05a", timeout=10)
            results["malformed"] = "no error"
        except grpc.RpcError as e:
            results["malformed"] = error(e)

        response, call = channel.unary_unary("/test.Echo/Metadata").with_call(
            b"",
            metadata=[
                ("authorization", "Bearer python"),
                ("x-text", "from python"),
                ("x-data-bin", bytes([0, 1, 254, 255])),
            ],
            timeout=10,
        )
        results["metadata"] = {
            "response": parse_string_value(response),
            "headers": metadata_dict(call.initial_metadata()),
            "trailers": metadata_dict(call.trailing_metadata()),
        }

        stream = channel.unary_stream("/test.Echo/Infinite")(string_value(cancel_id), timeout=30)
        first = parse_string_value(next(stream))
        stream.cancel()
        try:
            next(stream)
            results["cancel"] = {"first": first, "code": "no error"}
        except grpc.RpcError as e:
            results["cancel"] = {"first": first, "code": e.code().name}

    print(json.dumps(results))


if __name__ == "__main__":
    main()
