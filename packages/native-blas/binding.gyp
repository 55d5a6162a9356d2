{
  "targets": [
    {
      "target_name": "tunelab_blas",
      "sources": ["src/blas.cc"],
      "cflags_cc": ["-O2", "-std=c++17"],
      "conditions": [
        ["OS=='mac'", {
          "defines": ["TUNELAB_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
          "libraries": ["-framework Accelerate"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O2", "-std=c++17"] }
        }, {
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}
