"""Offline stand-in for rules_java: re-exports Bazel 4's native Java rules.

Nothing in this project builds Java; Bazel 4 only needs the repository to
exist and to load.
"""

java_binary = native.java_binary
java_import = native.java_import
java_library = native.java_library
java_plugin = native.java_plugin
java_test = native.java_test
java_package_configuration = native.java_package_configuration
java_runtime = native.java_runtime
java_toolchain = native.java_toolchain
