{
  "targets": [
    {
      "target_name": "crossmodal_native",
      "sources": [
        "native/main.cc",
        "native/pool.cc",
        "native/matmul.cc",
        "native/elementwise.cc",
        "native/elementwise_unary.cc",
        "native/reduce.cc",
        "native/layout.cc",
        "native/indexing.cc",
        "native/softmax.cc",
        "native/layernorm.cc",
        "native/attention.cc",
        "native/adam.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-O3", "-std=c++17", "-fexceptions", "-ffp-contract=fast", "-fno-math-errno", "-Wall", "-Wno-unused-parameter"],
      "libraries": ["-lopenblas", "-lpthread"]
    }
  ]
}
