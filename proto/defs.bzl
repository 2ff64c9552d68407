"""Protocol Buffers code generation with Debian's protoc.

`proto/` is the proto root: a file at proto/cgnat/v1/nat_event.proto is
imported as "cgnat/v1/nat_event.proto" and its C++ header is included as
"cgnat/v1/nat_event.pb.h". Well-known types come from /usr/include (the
libprotobuf-dev package). No download, no rules_proto.
"""

_PROTOC = "/usr/bin/protoc"

def _stem(src):
    if not src.endswith(".proto"):
        fail("not a .proto file: " + src)
    return src[:-len(".proto")]

def cc_proto(name, srcs, deps = [], py = False, visibility = None):
    """Generates C++ (and optionally Python) code for `srcs`.

    Creates:
      <name>        cc_library with the generated code (alwayslink, so the
                    descriptors are in the generated pool even when only
                    looked up by name, as topology files do)
      <name>_srcs   filegroup of the .proto files, for importers
      <name>_py     py_library with the *_pb2.py modules, if py = True

    Args:
      name: target name.
      srcs: .proto files, relative to this package (proto/).
      deps: other cc_proto targets whose files `srcs` import.
      py: also generate Python.
      visibility: visibility of the generated targets.
    """
    native.filegroup(
        name = name + "_srcs",
        srcs = srcs + [d + "_srcs" for d in deps],
        visibility = visibility,
    )
    hdrs = [_stem(s) + ".pb.h" for s in srcs]
    ccs = [_stem(s) + ".pb.cc" for s in srcs]
    native.genrule(
        name = name + "_cc_gen",
        srcs = [name + "_srcs"],
        outs = hdrs + ccs,
        cmd = " ".join([
            _PROTOC,
            "--proto_path=" + native.package_name(),
            "--proto_path=/usr/include",
            "--cpp_out=$(GENDIR)/" + native.package_name(),
        ] + [native.package_name() + "/" + s for s in srcs]),
        message = "protoc (C++) " + name,
    )
    native.cc_library(
        name = name,
        srcs = ccs,
        hdrs = hdrs,
        includes = ["."],
        deps = deps + ["//third_party:protobuf"],
        alwayslink = 1,
        visibility = visibility,
    )
    if py:
        pys = [_stem(s) + "_pb2.py" for s in srcs]
        native.genrule(
            name = name + "_py_gen",
            srcs = [name + "_srcs"],
            outs = pys,
            cmd = " ".join([
                _PROTOC,
                "--proto_path=" + native.package_name(),
                "--proto_path=/usr/include",
                "--python_out=$(GENDIR)/" + native.package_name(),
            ] + [native.package_name() + "/" + s for s in srcs]),
            message = "protoc (Python) " + name,
        )
        native.py_library(
            name = name + "_py",
            srcs = pys,
            imports = ["."],
            deps = [d + "_py" for d in deps],
            visibility = visibility,
        )
